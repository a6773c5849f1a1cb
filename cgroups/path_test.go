package cgroups

import (
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name, cgroupsPath, id string
		want, wantErr         string
	}{
		{name: "default", id: "web", want: "/sandbox/web"},
		{name: "absolute", cgroupsPath: "/engine/pod1/web", id: "web", want: "/engine/pod1/web"},
		{name: "relative", cgroupsPath: "engine/web", id: "web", want: "engine/web"},
		{name: "cleaned", cgroupsPath: "/engine//web/", id: "web", want: "/engine/web"},
		{name: "dot-dot", cgroupsPath: "/engine/../../etc", id: "web", wantErr: "must not contain .."},
		{name: "root", cgroupsPath: "/", id: "web", wantErr: "root cgroup"},
		{name: "systemd", cgroupsPath: "system.slice:sandbox:web", id: "web", wantErr: "systemd"},
		{name: "no id", id: "", wantErr: "cannot name a cgroup"},
		{name: "id with slash", id: "a/b", wantErr: "cannot name a cgroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Path(tt.cgroupsPath, tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v, want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestRunID(t *testing.T) {
	a, b := RunID(42), RunID(42)
	if a == b {
		t.Errorf("two RunIDs: got %q twice, want them different", a)
	}
	if pid, ok := runOwner(a); !ok || pid != 42 {
		t.Errorf("runOwner(%q): got %d, %v, want 42, true", a, pid, ok)
	}
	for _, name := range []string{"web", "run-", "run-x-1", "run-0-ab", "run-12"} {
		if pid, ok := runOwner(name); ok {
			t.Errorf("runOwner(%q): got %d, true, want false", name, pid)
		}
	}
}
