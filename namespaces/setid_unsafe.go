//go:build linux

package namespaces

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The identity calls below change only the calling thread's credentials,
// with raw syscalls. Go's own Setuid and friends change every thread of the
// process by signalling each one (AllThreadsSyscall), which costs the
// child stage a few hundred microseconds for nothing: the thread that calls
// these is the locked thread that then calls execve(2), and execve ends
// every other thread, so the workload has exactly this thread's
// credentials.

// setgroupsThread is setgroups(2) for the calling thread. The
// unsafe.Pointer is sound: gids stays alive on this goroutine's stack for
// the call, and the kernel only reads it.
func setgroupsThread(gids []uint32) error {
	var p unsafe.Pointer
	if len(gids) > 0 {
		p = unsafe.Pointer(&gids[0])
	}
	_, _, errno := unix.RawSyscall(unix.SYS_SETGROUPS, uintptr(len(gids)), uintptr(p), 0)
	if errno != 0 {
		return os.NewSyscallError("setgroups", errno)
	}
	return nil
}

func setresgidThread(gid uint32) error {
	_, _, errno := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(gid), uintptr(gid), uintptr(gid))
	if errno != 0 {
		return os.NewSyscallError("setresgid", errno)
	}
	return nil
}

func setresuidThread(uid uint32) error {
	_, _, errno := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(uid), uintptr(uid), uintptr(uid))
	if errno != 0 {
		return os.NewSyscallError("setresuid", errno)
	}
	return nil
}
