package namespaces

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestCloneFlags(t *testing.T) {
	ns := func(types ...specs.LinuxNamespaceType) []specs.LinuxNamespace {
		var out []specs.LinuxNamespace
		for _, typ := range types {
			out = append(out, specs.LinuxNamespace{Type: typ})
		}
		return out
	}
	tests := []struct {
		name string
		in   []specs.LinuxNamespace
		want uintptr
	}{
		{"none", nil, 0},
		{"pid", ns(specs.PIDNamespace), unix.CLONE_NEWPID},
		{"network", ns(specs.NetworkNamespace), unix.CLONE_NEWNET},
		{"mount", ns(specs.MountNamespace), unix.CLONE_NEWNS},
		{"ipc", ns(specs.IPCNamespace), unix.CLONE_NEWIPC},
		{"uts", ns(specs.UTSNamespace), unix.CLONE_NEWUTS},
		{"user", ns(specs.UserNamespace), unix.CLONE_NEWUSER},
		{"cgroup", ns(specs.CgroupNamespace), unix.CLONE_NEWCGROUP},
		{"sandbox run default", ns(specs.PIDNamespace, specs.MountNamespace, specs.UTSNamespace,
			specs.IPCNamespace, specs.NetworkNamespace),
			unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWNET},
		{"every supported type", ns(specs.PIDNamespace, specs.NetworkNamespace, specs.MountNamespace,
			specs.IPCNamespace, specs.UTSNamespace, specs.UserNamespace, specs.CgroupNamespace),
			unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_NEWIPC |
				unix.CLONE_NEWUTS | unix.CLONE_NEWUSER | unix.CLONE_NEWCGROUP},
		{"listed twice", ns(specs.PIDNamespace, specs.PIDNamespace), unix.CLONE_NEWPID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CloneFlags(tt.in)
			if err != nil {
				t.Fatalf("CloneFlags: got error %v, want %#x", err, tt.want)
			}
			if got != tt.want {
				t.Errorf("CloneFlags: got %#x, want %#x", got, tt.want)
			}
		})
	}
}

func TestCloneFlagsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []specs.LinuxNamespace
		want string
	}{
		{"path with a new user namespace", []specs.LinuxNamespace{
			{Type: specs.UserNamespace}, {Type: specs.NetworkNamespace, Path: "/proc/1/ns/net"}},
			"linux.namespaces: joining the network namespace at /proc/1/ns/net is not supported with a new " +
				"user namespace, which may not enter namespaces of the host"},
		{"user namespace by path", []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.UserNamespace, Path: "/run/userns/a"}},
			"linux.namespaces: joining the user namespace at /run/userns/a is not supported: " +
				"let sandbox create it, with uidMappings and gidMappings"},
		{"time namespace", []specs.LinuxNamespace{{Type: specs.MountNamespace}, {Type: specs.TimeNamespace}},
			"linux.namespaces: a time namespace is not supported"},
		{"time namespace with a path", []specs.LinuxNamespace{{Type: specs.TimeNamespace, Path: "/proc/1/ns/time"}},
			"linux.namespaces: a time namespace is not supported"},
		{"unknown type", []specs.LinuxNamespace{{Type: "vm"}}, `linux.namespaces: unknown type "vm"`},
		{"empty type", []specs.LinuxNamespace{{Type: ""}}, `linux.namespaces: unknown type ""`},
		{"upper-case type", []specs.LinuxNamespace{{Type: "PID"}}, `linux.namespaces: unknown type "PID"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CloneFlags(tt.in)
			if err == nil {
				t.Fatalf("CloneFlags: got %#x, want error %q", got, tt.want)
			}
			if err.Error() != tt.want || got != 0 {
				t.Errorf("CloneFlags: got %#x, %q, want 0, %q", got, err, tt.want)
			}
		})
	}
}

func TestNewPlan(t *testing.T) {
	p, err := NewPlan([]specs.LinuxNamespace{
		{Type: specs.MountNamespace, Path: "/m"}, {Type: specs.PIDNamespace},
		{Type: specs.NetworkNamespace, Path: "/n"}, {Type: specs.UTSNamespace}, {Type: specs.IPCNamespace, Path: "/i"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Flags != unix.CLONE_NEWPID|unix.CLONE_NEWUTS {
		t.Errorf("flags: got %#x, want pid and uts", p.Flags)
	}
	var got []string
	for _, ns := range p.Join {
		got = append(got, ns.Path)
	}
	if strings.Join(got, " ") != "/i /n /m" {
		t.Errorf("join order: got %v, want ipc, network, then mount last", got)
	}
}

func TestEnvValue(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		key      string
		fallback string
		want     string
	}{
		{"missing: fallback", []string{"HOME=/root"}, "PATH", "/bin", "/bin"},
		{"empty env: fallback", nil, "PATH", "/bin", "/bin"},
		{"present", []string{"HOME=/root", "PATH=/usr/bin"}, "PATH", "/bin", "/usr/bin"},
		{"last assignment wins", []string{"PATH=/a", "HOME=/", "PATH=/b"}, "PATH", "/bin", "/b"},
		{"empty value is a value", []string{"PATH="}, "PATH", "/bin", ""},
		{"value holding =", []string{"OPTS=a=b=c"}, "OPTS", "", "a=b=c"},
		{"entry without = ignored", []string{"PATH=/a", "PATH"}, "PATH", "/bin", "/a"},
		{"only an entry without =", []string{"PATH"}, "PATH", "/bin", "/bin"},
		{"longer key does not match", []string{"PATHX=/x"}, "PATH", "/bin", "/bin"},
		{"shorter key does not match", []string{"PAT=/x"}, "PATH", "/bin", "/bin"},
		{"keys are case-sensitive", []string{"path=/x"}, "PATH", "/bin", "/bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := envValue(tt.env, tt.key, tt.fallback); got != tt.want {
				t.Errorf("envValue(%q, %q, %q): got %q, want %q", tt.env, tt.key, tt.fallback, got, tt.want)
			}
		})
	}
}
