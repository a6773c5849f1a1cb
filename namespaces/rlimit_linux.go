package namespaces

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
	"sandbox/spec"
)

// process.rlimits is set in two halves, because one limit can take effect
// too early: an RLIMIT_AS, RLIMIT_DATA or RLIMIT_NOFILE meant for the
// workload can starve the Go runtime of the child that still runs after
// it (the runtime-tools suite asks for a 1 GiB address space, which the
// child's heap reservations already exceed).
//
//  1. raiseHardLimits, before caps.Apply: raise each hard limit that the
//     config puts above the current one, leaving the soft limit alone.
//     That needs CAP_SYS_RESOURCE (setrlimit(2)), which the workload
//     usually lacks.
//  2. setRlimits, the last step before execve(2): set soft and hard
//     exactly as asked. By then every change is one that any process may
//     make: a lower hard limit, or a soft one up to the hard.
//
// unix.Prlimit also tells the Go runtime that RLIMIT_NOFILE is set, so it
// does not put back its own start-up value at the execve.

// raiseHardLimits is step 1.
//
// Preconditions: before caps.Apply.
func raiseHardLimits(limits []specs.POSIXRlimit, x *explain.Recorder) error {
	for _, l := range limits {
		res, ok := spec.RlimitResource(l.Type)
		if !ok {
			return fmt.Errorf("process.rlimits: unknown type %q", l.Type)
		}
		var cur unix.Rlimit
		if err := unix.Prlimit(0, res, nil, &cur); err != nil {
			return fmt.Errorf("process.rlimits: read %s: %w", l.Type, os.NewSyscallError("prlimit", err))
		}
		if l.Hard <= cur.Max {
			continue
		}
		if err := prlimit(l, res, cur.Cur, l.Hard); err != nil {
			return err
		}
		x.Rlimit(l.Type, cur.Cur, l.Hard)
	}
	return nil
}

// setRlimits is step 2.
//
// Preconditions: after raiseHardLimits, with nothing but the execve left
// to do.
func setRlimits(limits []specs.POSIXRlimit, x *explain.Recorder) error {
	for _, l := range limits {
		res, _ := spec.RlimitResource(l.Type) // checked by raiseHardLimits
		if err := prlimit(l, res, l.Soft, l.Hard); err != nil {
			return err
		}
		x.Rlimit(l.Type, l.Soft, l.Hard)
	}
	return nil
}

func prlimit(l specs.POSIXRlimit, res int, soft, hard uint64) error {
	err := unix.Prlimit(0, res, &unix.Rlimit{Cur: soft, Max: hard}, nil)
	if errors.Is(err, unix.EPERM) {
		return rlimitDenied(l, res)
	}
	if err != nil {
		return fmt.Errorf("process.rlimits: set %s to %d:%d: %w", l.Type, soft, hard, os.NewSyscallError("prlimit", err))
	}
	return nil
}

// rlimitDenied explains EPERM, which comes either from a hard limit above
// the one sandbox runs with, without CAP_SYS_RESOURCE, or from an
// RLIMIT_NOFILE above fs.nr_open, which nobody may exceed.
func rlimitDenied(l specs.POSIXRlimit, res int) error {
	var cur unix.Rlimit
	if err := unix.Prlimit(0, res, nil, &cur); err != nil {
		return fmt.Errorf("process.rlimits: set %s: %w", l.Type, os.NewSyscallError("prlimit", unix.EPERM))
	}
	if l.Hard <= cur.Max && l.Type == "RLIMIT_NOFILE" {
		return fmt.Errorf("process.rlimits: RLIMIT_NOFILE hard limit %d is above the kernel's fs.nr_open: "+
			"ask for less, or raise fs.nr_open on the host", l.Hard)
	}
	return fmt.Errorf("process.rlimits: %s hard limit %s is above the host's %s, and raising it needs "+
		"CAP_SYS_RESOURCE, which sandbox lacks here: ask for at most %s, or raise the limit sandbox is started with",
		l.Type, rlimitText(l.Hard), rlimitText(cur.Max), rlimitText(cur.Max))
}

func rlimitText(v uint64) string {
	if v == spec.Unlimited {
		return "unlimited"
	}
	return fmt.Sprint(v)
}
