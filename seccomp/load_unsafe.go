//go:build linux

package seccomp

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Load installs the program as a seccomp filter of the calling thread,
// with p.Flags; SECCOMP_FILTER_FLAG_TSYNC extends it to every thread of the
// process. It takes effect at once, for this thread and everything it
// execs.
//
// Preconditions: no_new_privs is set, or the thread has CAP_SYS_ADMIN in
// its user namespace (seccomp(2)).
//
// The unsafe.Pointer conversion is sound: prog and the instructions it
// points to live until the raw syscall returns, and the kernel only reads
// them, copying the program into its own memory.
func (p *Program) Load() error {
	insns, err := p.instructions()
	if err != nil {
		return err
	}
	prog := unix.SockFprog{Len: uint16(len(insns)), Filter: &insns[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		uintptr(p.Flags), uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return fmt.Errorf("seccomp: load the filter: %w", os.NewSyscallError("seccomp", errno))
	}
	return nil
}
