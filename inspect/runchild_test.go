package inspect

import "testing"

func TestVerb(t *testing.T) {
	valued := func(name string) bool { return name == "root" || name == "log" }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"run", []string{"sandbox", "run", "rootfs", "sleep", "5"}, "run"},
		{"exec after --root DIR", []string{"/bin/sandbox", "--root", "/tmp/exec", "exec", "c1", "sleep"}, "exec"},
		{"--root=DIR", []string{"sandbox", "--root=/run/x", "exec", "c1"}, "exec"},
		{"single dash and a bool flag", []string{"sandbox", "-debug", "-log", "run", "exec", "c1"}, "exec"},
		{"no command", []string{"sandbox", "--debug"}, ""},
		{"after --", []string{"sandbox", "--", "run"}, ""},
		{"argv[0] only", []string{"sandbox"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verb(tt.args, valued); got != tt.want {
				t.Errorf("Verb(%q): got %q, want %q", tt.args, got, tt.want)
			}
		})
	}
}
