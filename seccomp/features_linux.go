package seccomp

import (
	"errors"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// SupportedFlags lists the flags of Flags that this kernel accepts, sorted.
// It asks seccomp(2) to load a filter from a null pointer with each flag:
// the kernel checks the flags first and answers EINVAL for one it does not
// know, and EFAULT, with nothing loaded, for one it does.
func SupportedFlags() []specs.LinuxSeccompFlag {
	var out []specs.LinuxSeccompFlag
	for name, bit := range Flags {
		_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(bit), 0)
		if errors.Is(errno, unix.EFAULT) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
