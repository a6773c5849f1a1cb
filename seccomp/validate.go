package seccomp

import (
	"errors"
	"fmt"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ErrNotify is returned for a profile that hands system calls to a
// seccomp agent (SCMP_ACT_NOTIFY, listenerPath), which sandbox does not
// support.
var ErrNotify = errors.New("SCMP_ACT_NOTIFY and listenerPath need a seccomp agent, " +
	"which sandbox does not support: use another action")

// Validate checks linux.seccomp of a config, naming the field that is
// wrong. A nil s, no filter, is valid. Unknown system call names are not an
// error: they are skipped when the filter is compiled, as the kernel or
// libseccomp may not know a call that a profile lists for newer ones.
func Validate(s *specs.LinuxSeccomp) error {
	if s == nil {
		return nil
	}
	if err := validate(s); err != nil {
		return fmt.Errorf("linux.seccomp.%w", err)
	}
	return nil
}

func validate(s *specs.LinuxSeccomp) error {
	if s.ListenerPath != "" {
		return fmt.Errorf("listenerPath: %w", ErrNotify)
	}
	if err := checkAction("defaultAction", s.DefaultAction, s.DefaultErrnoRet); err != nil {
		return err
	}
	for i, a := range s.Architectures {
		if _, ok := Architectures[a]; !ok {
			return fmt.Errorf("architectures[%d]: unknown architecture %q", i, a)
		}
	}
	for i, f := range s.Flags {
		if _, ok := Flags[f]; !ok {
			return fmt.Errorf("flags[%d]: unsupported flag %q: use %s", i, f, flagNames())
		}
	}
	for i, sc := range s.Syscalls {
		if err := validateRule(sc); err != nil {
			return fmt.Errorf("syscalls[%d].%w", i, err)
		}
	}
	return nil
}

func validateRule(sc specs.LinuxSyscall) error {
	if len(sc.Names) == 0 {
		return errors.New("names: empty: name at least one system call")
	}
	if err := checkAction("action", sc.Action, sc.ErrnoRet); err != nil {
		return err
	}
	for j, a := range sc.Args {
		if !slices.Contains(Operators, a.Op) {
			return fmt.Errorf("args[%d].op: unknown operator %q", j, a.Op)
		}
		if a.Index > 5 {
			return fmt.Errorf("args[%d].index: %d is out of range: a system call has arguments 0 to 5", j, a.Index)
		}
	}
	return nil
}

func checkAction(field string, a specs.LinuxSeccompAction, errnoRet *uint) error {
	if a == specs.ActNotify {
		return fmt.Errorf("%s: %w", field, ErrNotify)
	}
	if !slices.Contains(Actions, a) {
		return fmt.Errorf("%s: unknown action %q", field, a)
	}
	if errnoRet != nil && a != specs.ActErrno && a != specs.ActTrace {
		return fmt.Errorf("%s: %s takes no errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return one", field, a)
	}
	if errnoRet != nil && *errnoRet > 0xffff {
		return fmt.Errorf("%s: errnoRet %d is out of range: at most 65535", field, *errnoRet)
	}
	return nil
}

func flagNames() string {
	names := make([]string, 0, len(Flags))
	for f := range Flags {
		names = append(names, string(f))
	}
	slices.Sort(names)
	return fmt.Sprint(names)
}
