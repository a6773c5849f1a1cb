package seccomp

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// amd64 is a container on x86-64 with Docker's default capabilities, on a
// 6.1 kernel.
var amd64 = Target{Arch: "amd64", Caps: []string{"CAP_CHOWN", "CAP_KILL"}, Kernel: [2]uint64{6, 1}}

func withCaps(t Target, caps ...string) Target {
	t.Caps = append(slices.Clone(t.Caps), caps...)
	return t
}

// names lists the system calls a resolved profile allows, in order.
func names(s *specs.LinuxSeccomp) []string {
	var out []string
	for _, sc := range s.Syscalls {
		out = append(out, sc.Names...)
	}
	return out
}

func TestResolveConditions(t *testing.T) {
	const profile = `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
		{"names": ["kexec_load"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_SYS_BOOT"]}},
		{"names": ["unshare"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
		{"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
		{"names": ["s390_runtime_instr"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390x"]}},
		{"names": ["modify_ldt"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["arm64"]}},
		{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
		{"names": ["futex_waitv"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.2"}},
		{"names": ["uselib"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.0"}},
		{"name": "write", "action": "SCMP_ACT_ALLOW", "comment": "the old single-name form"}
	]}`
	tests := []struct {
		name   string
		target Target
		want   []string
	}{
		{"default caps on amd64", amd64,
			[]string{"read", "unshare", "arch_prctl", "modify_ldt", "ptrace", "write"}},
		{"CAP_SYS_ADMIN adds mount, drops unshare", withCaps(amd64, "CAP_SYS_ADMIN"),
			[]string{"read", "mount", "arch_prctl", "modify_ldt", "ptrace", "write"}},
		{"every cap of includes is needed", withCaps(amd64, "CAP_SYS_ADMIN", "CAP_SYS_BOOT"),
			[]string{"read", "mount", "kexec_load", "arch_prctl", "modify_ldt", "ptrace", "write"}},
		{"arm64", Target{Arch: "arm64", Kernel: [2]uint64{6, 1}},
			[]string{"read", "unshare", "ptrace", "write"}},
		{"s390x", Target{Arch: "s390x", Kernel: [2]uint64{6, 1}},
			[]string{"read", "unshare", "s390_runtime_instr", "modify_ldt", "ptrace", "write"}},
		{"old kernel", Target{Arch: "amd64", Kernel: [2]uint64{4, 4}},
			[]string{"read", "unshare", "arch_prctl", "modify_ldt", "uselib", "write"}},
		{"newer kernel, same version", Target{Arch: "amd64", Kernel: [2]uint64{6, 2}},
			[]string{"read", "unshare", "arch_prctl", "modify_ldt", "ptrace", "futex_waitv", "write"}},
	}
	p, err := ParseProfile([]byte(profile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := p.Resolve(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(s); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolveArchitectures(t *testing.T) {
	const archMap = `{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [
		{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
		{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
	]}`
	tests := []struct {
		name    string
		profile string
		arch    string
		want    []specs.Arch
	}{
		{"archMap on amd64", archMap, "amd64", []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}},
		{"archMap on arm64", archMap, "arm64", []specs.Arch{specs.ArchAARCH64, specs.ArchARM}},
		{"archMap without this arch", archMap, "riscv64", nil},
		{"OCI architectures kept", `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86"]}`,
			"amd64", []specs.Arch{specs.ArchX86}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile([]byte(tt.profile))
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.Resolve(Target{Arch: tt.arch})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Architectures, tt.want) {
				t.Errorf("got %v, want %v", s.Architectures, tt.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct{ name, profile, want string }{
		{"architectures and archMap", `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"],
			"archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}`, "not both"},
		{"name and names", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"],
			"action": "SCMP_ACT_ALLOW"}]}`, "syscalls[0]: give name or names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile([]byte(tt.profile))
			if err == nil {
				_, err = p.Resolve(amd64)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseProfileFormat(t *testing.T) {
	tests := []struct {
		name, profile string
		want          Format
	}{
		{"OCI", `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
			"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`, FormatOCI},
		{"OCI without rules", `{"defaultAction": "SCMP_ACT_ALLOW"}`, FormatOCI},
		{"archMap", `{"defaultAction": "SCMP_ACT_ERRNO", "archMap": []}`, FormatDocker},
		{"includes", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["mount"],
			"action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}`, FormatDocker},
		{"excludes", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"],
			"action": "SCMP_ACT_ALLOW", "excludes": {}}]}`, FormatDocker},
		{"comment", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"],
			"action": "SCMP_ACT_ALLOW", "comment": "x"}]}`, FormatDocker},
		{"single name", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a",
			"action": "SCMP_ACT_ALLOW"}]}`, FormatDocker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile([]byte(tt.profile))
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != tt.want {
				t.Errorf("got %s, want %s", p.Format, tt.want)
			}
		})
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct{ name, profile, want string }{
		{"not JSON", `defaultAction: allow`, "seccomp profile: invalid character"},
		{"no defaultAction", `{"syscalls": []}`, "read as OCI linux.seccomp: defaultAction is missing"},
		{"Docker, bad kernel version", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"],
			"action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "six"}}]}`, "read as Docker profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfile([]byte(tt.profile))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestDefault checks the default profile against what Docker promises for
// its default capabilities: no mount, unshare, bpf, keyctl or ptrace, and
// only the harmless personalities.
func TestDefault(t *testing.T) {
	s, err := Default().Resolve(amd64)
	if err != nil {
		t.Fatal(err)
	}
	if s.DefaultAction != specs.ActErrno || s.DefaultErrnoRet == nil || *s.DefaultErrnoRet != 1 {
		t.Errorf("default action: got %s %v, want SCMP_ACT_ERRNO with EPERM", s.DefaultAction, s.DefaultErrnoRet)
	}
	allowed := names(s)
	for _, call := range []string{"mount", "unshare", "bpf", "keyctl", "add_key", "setns", "reboot"} {
		if slices.Contains(allowed, call) {
			t.Errorf("%s: allowed, want it refused without capabilities", call)
		}
	}
	for _, call := range []string{"read", "execve", "clone", "personality", "arch_prctl", "ptrace"} {
		if !slices.Contains(allowed, call) {
			t.Errorf("%s: refused, want it allowed", call)
		}
	}
	if err := Validate(s); err != nil {
		t.Errorf("Validate: got %v, want nil", err)
	}
	admin, err := Default().Resolve(withCaps(amd64, "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"mount", "unshare", "setns", "process_vm_readv"} {
		if !slices.Contains(names(admin), call) {
			t.Errorf("with CAP_SYS_ADMIN and CAP_SYS_PTRACE: %s refused, want it allowed", call)
		}
	}
}
