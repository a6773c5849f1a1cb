//go:build cgo

package inspect

import (
	"encoding/binary"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/seccomp"
)

// TestCountCompiledFilter runs the interpreter on a program that libseccomp
// compiled, with its architecture checks and binary search over numbers,
// and finds exactly the rules it was given.
func TestCountCompiledFilter(t *testing.T) {
	if nativeArch == 0 {
		t.Skip("no AUDIT_ARCH value known for this architecture")
	}
	cfg := &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mount", "umount2", "pivot_root"}, Action: specs.ActErrno},
			{Names: []string{"reboot"}, Action: specs.ActKillProcess},
			{Names: []string{"personality"}, Action: specs.ActErrno,
				Args: []specs.LinuxSeccompArg{{Index: 0, Value: 8, Op: specs.OpNotEqual}}},
		},
	}
	prog, err := seccomp.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	names, err := seccomp.NativeSyscalls()
	if err != nil {
		t.Fatal(err)
	}
	var s Seccomp
	if err := CountFilters(&s, [][]unix.SockFilter{decode(prog.BPF)}, names, nativeArch); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Names["errno"], []string{"mount", "pivot_root", "umount2"}; !slices.Equal(got, want) {
		t.Errorf("errno: got %v, want %v", got, want)
	}
	if got, want := s.Names["kill_process"], []string{"reboot"}; !slices.Equal(got, want) {
		t.Errorf("kill_process: got %v, want %v", got, want)
	}
	if got, want := s.Conditional, []string{"personality"}; !slices.Equal(got, want) {
		t.Errorf("conditional: got %v, want %v", got, want)
	}
	if s.Allowed != s.Syscalls-5 || s.Syscalls < 300 {
		t.Errorf("allowed: got %d of %d, want all but 5 of over 300", s.Allowed, s.Syscalls)
	}
}

func decode(b []byte) []unix.SockFilter {
	out := make([]unix.SockFilter, len(b)/8)
	for i := range out {
		p := b[8*i:]
		out[i] = unix.SockFilter{Code: binary.NativeEndian.Uint16(p), Jt: p[2], Jf: p[3],
			K: binary.NativeEndian.Uint32(p[4:])}
	}
	return out
}
