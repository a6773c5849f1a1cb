package inspect

import (
	"runtime"
	"sort"

	"golang.org/x/sys/unix"
)

// nativeArch is the AUDIT_ARCH_ value of the architecture sandbox runs on,
// what seccomp_data.arch holds for its native calls.
var nativeArch = map[string]uint32{
	"amd64": unix.AUDIT_ARCH_X86_64, "386": unix.AUDIT_ARCH_I386,
	"arm64": unix.AUDIT_ARCH_AARCH64, "arm": unix.AUDIT_ARCH_ARM,
	"riscv64": unix.AUDIT_ARCH_RISCV64, "s390x": unix.AUDIT_ARCH_S390X,
	"ppc64le": unix.AUDIT_ARCH_PPC64LE, "ppc64": unix.AUDIT_ARCH_PPC64,
	"loong64": unix.AUDIT_ARCH_LOONGARCH64,
}[runtime.GOARCH]

// CountFilters runs every filter for each system call in syscalls (number
// to name), as the kernel would for a native call with zero arguments, and
// fills the counts of s. The strictest answer of all filters wins. A call
// any filter decided by looking at its arguments is conditional rather
// than counted under an action. A logged call (SECCOMP_RET_LOG) runs: it
// counts as allowed, and is listed under "log" too.
func CountFilters(s *Seccomp, filters [][]unix.SockFilter, syscalls map[int32]string,
	arch uint32) error {
	s.Actions, s.Names = map[string]int{}, map[string][]string{}
	s.Conditional = []string{}
	for nr, name := range syscalls {
		v, err := runAll(filters, nr, arch)
		if err != nil {
			return err
		}
		s.Syscalls++
		action := Action(v.Ret)
		switch {
		case v.Inspected:
			s.Conditional = append(s.Conditional, name)
		case action == "allow":
			s.Allowed++
		case action == "log":
			// SECCOMP_RET_LOG lets the call run, after an audit record.
			s.Allowed++
			s.Actions[action]++
			s.Names[action] = append(s.Names[action], name)
		default:
			s.Actions[action]++
			s.Names[action] = append(s.Names[action], name)
		}
	}
	sort.Strings(s.Conditional)
	for _, n := range s.Names {
		sort.Strings(n)
	}
	return nil
}

// runAll is the combined verdict of every filter on one call.
func runAll(filters [][]unix.SockFilter, nr int32, arch uint32) (Verdict, error) {
	out := Verdict{Ret: unix.SECCOMP_RET_ALLOW}
	for _, f := range filters {
		v, err := RunFilter(f, nr, arch)
		if err != nil {
			return Verdict{}, err
		}
		if Stricter(v.Ret, out.Ret) {
			out.Ret = v.Ret
		}
		out.Inspected = out.Inspected || v.Inspected
	}
	return out, nil
}
