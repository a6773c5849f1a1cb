//go:build cgo

package seccomp

import (
	"fmt"

	libseccomp "github.com/seccomp/libseccomp-golang"
)

// maxSyscall bounds the numbers NativeSyscalls tries. Every architecture Go
// runs on numbers its calls below it, from 0 (MIPS o32 from 4000 and n32
// from 6000 excepted, which Go does not build for).
const maxSyscall = 1024

// NativeSyscalls returns the system calls of the architecture sandbox runs
// on, by number, with the names libseccomp knows them by. Numbers with no
// name are holes in the table, which the kernel answers with ENOSYS.
func NativeSyscalls() (map[int32]string, error) {
	arch, err := libseccomp.GetNativeArch()
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	out := map[int32]string{}
	for nr := int32(0); nr < maxSyscall; nr++ {
		if name, err := libseccomp.ScmpSyscall(nr).GetNameByArch(arch); err == nil {
			out[nr] = name
		}
	}
	return out, nil
}
