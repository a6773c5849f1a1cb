package spec

import (
	"reflect"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/seccomp"
)

// TestNewSeccomp: the default profile is settled against the container's
// own bounding set, so --cap-add SYS_ADMIN brings mount(2) back and
// --drop-all keeps even chroot(2) out.
func TestNewSeccomp(t *testing.T) {
	allows := func(s *specs.LinuxSeccomp, call string) bool {
		return slices.ContainsFunc(s.Syscalls, func(sc specs.LinuxSyscall) bool {
			return sc.Action == specs.ActAllow && slices.Contains(sc.Names, call)
		})
	}
	tests := []struct {
		name    string
		opts    Options
		allowed []string
		refused []string
	}{
		{"default caps", Options{}, []string{"read", "chroot"}, []string{"mount", "unshare", "kcmp"}},
		{"cap-add SYS_ADMIN", Options{CapAdd: []string{"SYS_ADMIN"}}, []string{"mount", "unshare"}, []string{"kcmp"}},
		{"cap-add SYS_PTRACE", Options{CapAdd: []string{"SYS_PTRACE"}}, []string{"kcmp"}, []string{"mount"}},
		{"drop-all", Options{DropAll: true}, []string{"read"}, []string{"chroot", "mount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Rootfs, o.Args, o.Seccomp = newRootfs(t), []string{"sh"}, seccomp.Default()
			s, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			for _, call := range tt.allowed {
				if !allows(s.Linux.Seccomp, call) {
					t.Errorf("%s: got refused, want allowed", call)
				}
			}
			for _, call := range tt.refused {
				if allows(s.Linux.Seccomp, call) {
					t.Errorf("%s: got allowed, want refused", call)
				}
			}
		})
	}
	s, err := New(Options{Rootfs: newRootfs(t), Args: []string{"sh"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Linux.Seccomp != nil {
		t.Errorf("no profile: got linux.seccomp %v, want none (unconfined)", s.Linux.Seccomp.DefaultAction)
	}
}

// TestSetSeccompTemplate: `sandbox spec --seccomp default` writes the very
// profile that `sandbox run` applies with its default capabilities, which
// the CPU benchmark (bench/startup.sh) relies on to give runc and crun the
// same filter as sandbox.
func TestSetSeccompTemplate(t *testing.T) {
	run, err := New(Options{Rootfs: newRootfs(t), Args: []string{"sh"}, Seccomp: seccomp.Default()})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := Default(false)
	if err := SetSeccomp(tmpl, seccomp.Default()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tmpl.Linux.Seccomp, run.Linux.Seccomp) {
		t.Errorf("got a template profile of %d rules, want run's %d rules, equal",
			len(tmpl.Linux.Seccomp.Syscalls), len(run.Linux.Seccomp.Syscalls))
	}

	bare := Default(false)
	if err := SetSeccomp(bare, nil); err != nil || bare.Linux.Seccomp != nil {
		t.Errorf("nil profile: got %v, %v; want no linux.seccomp, no error", bare.Linux.Seccomp, err)
	}
}
