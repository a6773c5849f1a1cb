package inspect

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, K: k, Jt: jt, Jf: jf}
}

const (
	ldAbs  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	retK   = unix.BPF_RET | unix.BPF_K
	jeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	errnoE = unix.SECCOMP_RET_ERRNO | 1 // EPERM
	arch   = unix.AUDIT_ARCH_X86_64
)

// denyNr denies call nr with EPERM after checking the architecture, the
// shape of a libseccomp filter.
func denyNr(nr uint32) []unix.SockFilter {
	return []unix.SockFilter{
		stmt(ldAbs, 4),
		jump(jeqK, arch, 1, 0),
		stmt(retK, unix.SECCOMP_RET_KILL_PROCESS),
		stmt(ldAbs, 0),
		jump(jeqK, nr, 0, 1),
		stmt(retK, errnoE),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
	}
}

func TestRunFilter(t *testing.T) {
	argCheck := []unix.SockFilter{ // nr 41 allowed only when args[0] (low half) is 1
		stmt(ldAbs, 0),
		jump(jeqK, 41, 0, 3),
		stmt(ldAbs, argsOffset),
		jump(jeqK, 1, 1, 0),
		stmt(retK, errnoE),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
	}
	alu := []unix.SockFilter{ // allow when (nr*2+1)&0xff == 7, so nr 3
		stmt(ldAbs, 0),
		stmt(unix.BPF_ALU|unix.BPF_MUL|unix.BPF_K, 2),
		stmt(unix.BPF_ALU|unix.BPF_ADD|unix.BPF_K, 1),
		stmt(unix.BPF_ALU|unix.BPF_AND|unix.BPF_K, 0xff),
		jump(jeqK, 7, 0, 1),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
		stmt(retK, unix.SECCOMP_RET_TRAP),
	}
	scratch := []unix.SockFilter{ // store nr, clobber A, reload via X, return A as the action
		stmt(ldAbs, 0),
		stmt(unix.BPF_ST, 3),
		stmt(unix.BPF_LD|unix.BPF_IMM, 0),
		stmt(unix.BPF_LDX|unix.BPF_MEM, 3),
		stmt(unix.BPF_MISC|unix.BPF_TXA, 0),
		stmt(unix.BPF_ALU|unix.BPF_OR|unix.BPF_K, unix.SECCOMP_RET_ERRNO),
		stmt(unix.BPF_RET|unix.BPF_A, 0),
	}
	divX := []unix.SockFilter{ // A / X with X = 0 ends the run with 0
		stmt(unix.BPF_LD|unix.BPF_IMM, 8),
		stmt(unix.BPF_LDX|unix.BPF_IMM, 0),
		stmt(unix.BPF_ALU|unix.BPF_DIV|unix.BPF_X, 0),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
	}
	jset := []unix.SockFilter{
		stmt(ldAbs, 0),
		jump(unix.BPF_JMP|unix.BPF_JSET|unix.BPF_K, 0x40000000, 0, 1), // x32 bit
		stmt(retK, unix.SECCOMP_RET_KILL_THREAD),
		stmt(unix.BPF_JMP|unix.BPF_JA, 1),
		stmt(retK, unix.SECCOMP_RET_TRAP), // jumped over
		stmt(retK, unix.SECCOMP_RET_LOG),
	}
	tests := []struct {
		name      string
		prog      []unix.SockFilter
		nr        int32
		arch      uint32
		want      uint32
		inspected bool
	}{
		{"denied call", denyNr(165), 165, arch, errnoE, false},
		{"other call", denyNr(165), 0, arch, unix.SECCOMP_RET_ALLOW, false},
		{"other architecture", denyNr(165), 165, unix.AUDIT_ARCH_I386, unix.SECCOMP_RET_KILL_PROCESS, false},
		{"argument read, zero fails the check", argCheck, 41, arch, errnoE, true},
		{"argument check not reached", argCheck, 42, arch, unix.SECCOMP_RET_ALLOW, false},
		{"alu, matching", alu, 3, arch, unix.SECCOMP_RET_ALLOW, false},
		{"alu, not matching", alu, 4, arch, unix.SECCOMP_RET_TRAP, false},
		{"scratch memory and registers", scratch, 13, arch, unix.SECCOMP_RET_ERRNO | 13, false},
		{"division by zero X", divX, 0, arch, 0, false},
		{"jset and ja", jset, 1, arch, unix.SECCOMP_RET_LOG, false},
		{"jset set", jset, 0x40000001, arch, unix.SECCOMP_RET_KILL_THREAD, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RunFilter(tt.prog, tt.nr, tt.arch)
			if err != nil {
				t.Fatalf("RunFilter: got error %v, want %#x", err, tt.want)
			}
			if got.Ret != tt.want || got.Inspected != tt.inspected {
				t.Errorf("RunFilter: got %#x inspected %v, want %#x inspected %v",
					got.Ret, got.Inspected, tt.want, tt.inspected)
			}
		})
	}
}

func TestRunFilterErrors(t *testing.T) {
	tests := []struct {
		name string
		prog []unix.SockFilter
		want string
	}{
		{"no return", []unix.SockFilter{stmt(ldAbs, 0)}, "without a return"},
		{"jump past the end", []unix.SockFilter{jump(jeqK, 0, 5, 5)}, "without a return"},
		{"unaligned load", []unix.SockFilter{stmt(ldAbs, 2), stmt(retK, 0)}, "aligned"},
		{"load past seccomp_data", []unix.SockFilter{stmt(ldAbs, 64), stmt(retK, 0)}, "aligned"},
		{"scratch word out of range", []unix.SockFilter{stmt(unix.BPF_ST, 16), stmt(retK, 0)}, "scratch"},
		{"constant division by zero", []unix.SockFilter{
			stmt(unix.BPF_ALU|unix.BPF_DIV|unix.BPF_K, 0), stmt(retK, 0)}, "zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RunFilter(tt.prog, 0, arch)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RunFilter: got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestActionAndPrecedence(t *testing.T) {
	order := []uint32{ // strictest first (seccomp(2))
		unix.SECCOMP_RET_KILL_PROCESS, unix.SECCOMP_RET_KILL_THREAD, unix.SECCOMP_RET_TRAP,
		unix.SECCOMP_RET_ERRNO | 1, unix.SECCOMP_RET_USER_NOTIF, unix.SECCOMP_RET_TRACE,
		unix.SECCOMP_RET_LOG, unix.SECCOMP_RET_ALLOW,
	}
	names := []string{"kill_process", "kill_thread", "trap", "errno", "notify", "trace", "log", "allow"}
	for i, ret := range order {
		if got := Action(ret); got != names[i] {
			t.Errorf("Action(%#x): got %q, want %q", ret, got, names[i])
		}
		for _, later := range order[i+1:] {
			if !Stricter(ret, later) || Stricter(later, ret) {
				t.Errorf("Stricter: want %s before %s", Action(ret), Action(later))
			}
		}
	}
}

func TestCountFilters(t *testing.T) {
	syscalls := map[int32]string{0: "read", 41: "socket", 165: "mount", 166: "umount2"}
	argCheck := []unix.SockFilter{
		stmt(ldAbs, 0),
		jump(jeqK, 41, 0, 2),
		stmt(ldAbs, argsOffset),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
		stmt(retK, unix.SECCOMP_RET_ALLOW),
	}
	// The newer filter kills umount2; the older answers errno: kill wins.
	filters := [][]unix.SockFilter{denyNr(166), argCheck, denyNr(165)}
	filters[0][5] = stmt(retK, unix.SECCOMP_RET_KILL_PROCESS)
	var s Seccomp
	if err := CountFilters(&s, filters, syscalls, arch); err != nil {
		t.Fatal(err)
	}
	if s.Syscalls != 4 || s.Allowed != 1 || s.Filtered() != 2 {
		t.Errorf("counts: got %d calls, %d allowed, %d filtered, want 4, 1, 2", s.Syscalls, s.Allowed, s.Filtered())
	}
	if s.Actions["errno"] != 1 || s.Names["errno"][0] != "mount" || s.Names["kill_process"][0] != "umount2" {
		t.Errorf("actions: got %v %v, want mount errno and umount2 kill_process", s.Actions, s.Names)
	}
	if len(s.Conditional) != 1 || s.Conditional[0] != "socket" {
		t.Errorf("conditional: got %v, want [socket]", s.Conditional)
	}
}

// TestCountFiltersActions: a call that runs (log) counts as allowed; each
// action that keeps a call from running counts as filtered.
func TestCountFiltersActions(t *testing.T) {
	tests := []struct {
		ret               uint32
		allowed, filtered int
	}{
		{unix.SECCOMP_RET_LOG, 2, 0},
		{unix.SECCOMP_RET_TRACE, 1, 1},
		{unix.SECCOMP_RET_USER_NOTIF, 1, 1},
		{unix.SECCOMP_RET_KILL_THREAD, 1, 1},
		{unix.SECCOMP_RET_KILL_PROCESS, 1, 1},
		{unix.SECCOMP_RET_TRAP, 1, 1},
		{errnoE, 1, 1},
	}
	for _, tt := range tests {
		t.Run(Action(tt.ret), func(t *testing.T) {
			f := denyNr(165)
			f[5] = stmt(retK, tt.ret)
			var s Seccomp
			if err := CountFilters(&s, [][]unix.SockFilter{f}, map[int32]string{0: "read", 165: "mount"},
				arch); err != nil {
				t.Fatal(err)
			}
			if s.Allowed != tt.allowed || s.Filtered() != tt.filtered || s.Names[Action(tt.ret)][0] != "mount" {
				t.Errorf("got %d allowed, %d filtered, names %v, want %d, %d and mount listed under %s",
					s.Allowed, s.Filtered(), s.Names, tt.allowed, tt.filtered, Action(tt.ret))
			}
		})
	}
}
