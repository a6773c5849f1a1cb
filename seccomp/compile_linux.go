//go:build cgo

package seccomp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Compile turns a validated linux.seccomp into a Program with libseccomp.
// It returns nil for a nil s. The filter is for the native architecture
// and every one that s lists.
//
// System call names that libseccomp does not know for this architecture
// are skipped, as runc does: a profile may list calls of newer kernels.
// Rules whose action is the default action are skipped too, since they
// change nothing and libseccomp refuses them.
func Compile(s *specs.LinuxSeccomp) (*Program, error) {
	if s == nil {
		return nil, nil
	}
	if err := Validate(s); err != nil {
		return nil, err
	}
	def, err := action(s.DefaultAction, s.DefaultErrnoRet)
	if err != nil {
		return nil, err
	}
	f, err := newFilter(def, s.Architectures)
	if err != nil {
		return nil, err
	}
	defer f.Release()
	for i, sc := range s.Syscalls {
		if err := addRule(f, def, sc); err != nil {
			return nil, fmt.Errorf("seccomp: linux.seccomp.syscalls[%d]: %w", i, err)
		}
	}
	bpf, err := export(f)
	if err != nil {
		return nil, err
	}
	return &Program{BPF: bpf, Flags: flagBits(s.Flags)}, nil
}

// newFilter creates the filter with its default action and architectures.
// no_new_privs is left to the child, which sets it or not as the config
// says; a filter loaded without it needs CAP_SYS_ADMIN.
func newFilter(def libseccomp.ScmpAction, arches []specs.Arch) (*libseccomp.ScmpFilter, error) {
	f, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	if err := f.SetNoNewPrivsBit(false); err != nil {
		f.Release()
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	for i, a := range arches {
		if err := addArch(f, a); err != nil {
			f.Release()
			return nil, fmt.Errorf("seccomp: linux.seccomp.architectures[%d]: %w", i, err)
		}
	}
	return f, nil
}

// addArch adds a to f. libseccomp answers EDOM for an architecture of the
// other byte order than the native one, which one filter cannot hold.
func addArch(f *libseccomp.ScmpFilter, a specs.Arch) error {
	arch, err := libseccomp.GetArchFromString(Architectures[a])
	if err == nil {
		err = f.AddArch(arch)
	}
	if errors.Is(err, unix.EDOM) {
		return fmt.Errorf("%s: its byte order differs from this machine's, and a filter holds only one", a)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", a, err)
	}
	return nil
}

// KnownArchitectures lists the architectures of Architectures that the
// libseccomp built into sandbox knows, sorted, whether or not a filter on
// this machine can hold them.
func KnownArchitectures() []specs.Arch {
	var out []specs.Arch
	for a := range Architectures {
		f, err := libseccomp.NewFilter(libseccomp.ActAllow)
		if err != nil {
			return nil
		}
		arch, err := libseccomp.GetArchFromString(Architectures[a])
		if err == nil {
			err = f.AddArch(arch)
		}
		if err == nil || errors.Is(err, unix.EDOM) {
			out = append(out, a)
		}
		f.Release()
	}
	slices.Sort(out)
	return out
}

func addRule(f *libseccomp.ScmpFilter, def libseccomp.ScmpAction, sc specs.LinuxSyscall) error {
	act, err := action(sc.Action, sc.ErrnoRet)
	if err != nil || act == def {
		return err
	}
	conds, err := conditions(sc.Args)
	if err != nil {
		return err
	}
	for _, name := range sc.Names {
		call, err := libseccomp.GetSyscallFromName(name)
		if err != nil {
			continue // unknown here: skipped, see Compile
		}
		for _, c := range conds {
			if err := f.AddRuleConditional(call, act, c); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// conditions groups a rule's argument comparisons into the libseccomp
// rules to add. Comparisons of distinct arguments must all hold, in one
// rule. Several comparisons of the same argument are alternatives, one
// rule each, as runc reads them (Docker's profile relies on it), with the
// other arguments' comparisons in every one.
func conditions(args []specs.LinuxSeccompArg) ([][]libseccomp.ScmpCondition, error) {
	var shared, repeated []libseccomp.ScmpCondition
	count := map[uint]int{}
	for _, a := range args {
		count[a.Index]++
	}
	for j, a := range args {
		c, err := condition(a)
		if err != nil {
			return nil, fmt.Errorf("args[%d]: %w", j, err)
		}
		if count[a.Index] > 1 {
			repeated = append(repeated, c)
		} else {
			shared = append(shared, c)
		}
	}
	if len(repeated) == 0 {
		return [][]libseccomp.ScmpCondition{shared}, nil
	}
	out := make([][]libseccomp.ScmpCondition, 0, len(repeated))
	for _, c := range repeated {
		out = append(out, append(append([]libseccomp.ScmpCondition{}, shared...), c))
	}
	return out, nil
}

var operators = map[specs.LinuxSeccompOperator]libseccomp.ScmpCompareOp{
	specs.OpNotEqual: libseccomp.CompareNotEqual, specs.OpLessThan: libseccomp.CompareLess,
	specs.OpLessEqual: libseccomp.CompareLessOrEqual, specs.OpEqualTo: libseccomp.CompareEqual,
	specs.OpGreaterEqual: libseccomp.CompareGreaterEqual, specs.OpGreaterThan: libseccomp.CompareGreater,
	specs.OpMaskedEqual: libseccomp.CompareMaskedEqual,
}

// condition is one comparison. For SCMP_CMP_MASKED_EQ, value is the mask
// and valueTwo the value the masked argument must equal.
func condition(a specs.LinuxSeccompArg) (libseccomp.ScmpCondition, error) {
	op, ok := operators[a.Op]
	if !ok {
		return libseccomp.ScmpCondition{}, fmt.Errorf("op: unknown operator %q", a.Op)
	}
	if op == libseccomp.CompareMaskedEqual {
		return libseccomp.MakeCondition(a.Index, op, a.Value, a.ValueTwo)
	}
	return libseccomp.MakeCondition(a.Index, op, a.Value)
}

var actions = map[specs.LinuxSeccompAction]libseccomp.ScmpAction{
	specs.ActKill: libseccomp.ActKillThread, specs.ActKillThread: libseccomp.ActKillThread,
	specs.ActKillProcess: libseccomp.ActKillProcess, specs.ActTrap: libseccomp.ActTrap,
	specs.ActErrno: libseccomp.ActErrno, specs.ActTrace: libseccomp.ActTrace,
	specs.ActAllow: libseccomp.ActAllow, specs.ActLog: libseccomp.ActLog,
}

// action is the libseccomp action for a, with errnoRet (EPERM if nil) as
// the errno of SCMP_ACT_ERRNO or the message of SCMP_ACT_TRACE.
func action(a specs.LinuxSeccompAction, errnoRet *uint) (libseccomp.ScmpAction, error) {
	act, ok := actions[a]
	if !ok {
		return libseccomp.ActInvalid, fmt.Errorf("action: unknown action %q", a)
	}
	ret := uint(unix.EPERM)
	if errnoRet != nil {
		ret = *errnoRet
	}
	return act.SetReturnCode(int16(ret)), nil
}

// export writes the filter's BPF program through a memfd, since
// libseccomp writes it to a descriptor and a pipe could fill up.
func export(f *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", os.NewSyscallError("memfd_create", err))
	}
	mem := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer mem.Close()
	if err := f.ExportBPF(mem); err != nil {
		return nil, fmt.Errorf("seccomp: export the filter: %w", err)
	}
	if _, err := mem.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	bpf, err := io.ReadAll(mem)
	if err == nil && len(bpf)%8 != 0 {
		err = errors.New("libseccomp wrote a partial instruction")
	}
	if err != nil {
		return nil, fmt.Errorf("seccomp: export the filter: %w", err)
	}
	return bpf, nil
}
