package seccomp

import (
	"errors"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidate(t *testing.T) {
	errno := uint(38)
	huge := uint(70000)
	rule := func(sc specs.LinuxSyscall) *specs.LinuxSeccomp {
		return &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{sc}}
	}
	tests := []struct {
		name string
		s    *specs.LinuxSeccomp
		want string // "" for valid
	}{
		{"none", nil, ""},
		{"every operator", rule(specs.LinuxSyscall{Names: []string{"clone"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{
				{Index: 0, Value: 1, Op: specs.OpNotEqual}, {Index: 1, Value: 1, Op: specs.OpLessThan},
				{Index: 2, Value: 1, Op: specs.OpLessEqual}, {Index: 3, Value: 1, Op: specs.OpEqualTo},
				{Index: 4, Value: 1, Op: specs.OpGreaterEqual}, {Index: 5, Value: 1, Op: specs.OpGreaterThan},
				{Index: 0, Value: 0xff, ValueTwo: 1, Op: specs.OpMaskedEqual},
			}}), ""},
		{"errnoRet", rule(specs.LinuxSyscall{Names: []string{"getpid"}, Action: specs.ActErrno, ErrnoRet: &errno}), ""},
		{"flags", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
			Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, specs.LinuxSeccompFlagSpecAllow, FlagTSYNC}}, ""},
		{"unknown default action", &specs.LinuxSeccomp{DefaultAction: "SCMP_ACT_DENY"},
			`linux.seccomp.defaultAction: unknown action "SCMP_ACT_DENY"`},
		{"unknown action", rule(specs.LinuxSyscall{Names: []string{"read"}, Action: "ALLOW"}),
			`linux.seccomp.syscalls[0].action: unknown action "ALLOW"`},
		{"unknown operator", rule(specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 0, Op: "SCMP_CMP_MASKED"}}}),
			`linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_MASKED"`},
		{"argument index", rule(specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 6, Op: specs.OpEqualTo}}}), "syscalls[0].args[0].index: 6"},
		{"no names", rule(specs.LinuxSyscall{Action: specs.ActAllow}), "syscalls[0].names: empty"},
		{"errnoRet on allow", rule(specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow, ErrnoRet: &errno}),
			"syscalls[0].action: SCMP_ACT_ALLOW takes no errnoRet"},
		{"errnoRet too large", &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: &huge},
			"defaultAction: errnoRet 70000 is out of range"},
		{"unknown architecture", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{"SCMP_ARCH_Z80"}},
			`linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_Z80"`},
		{"unknown flag", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_FAST"}},
			`linux.seccomp.flags[0]: unsupported flag "SECCOMP_FILTER_FLAG_FAST"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.s)
			if tt.want == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestValidateNotify(t *testing.T) {
	tests := []struct {
		name string
		s    *specs.LinuxSeccomp
	}{
		{"default action", &specs.LinuxSeccomp{DefaultAction: specs.ActNotify}},
		{"rule", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mount"}, Action: specs.ActNotify}}}},
		{"listenerPath", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/run/agent.sock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.s)
			if !errors.Is(err, ErrNotify) {
				t.Fatalf("got %v, want ErrNotify", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("got %q, want one line", err)
			}
		})
	}
}
