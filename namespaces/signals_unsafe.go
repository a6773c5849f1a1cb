//go:build linux

package namespaces

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigaction is the kernel's struct for rt_sigaction(2) on the architectures
// Go supports for Linux; only the handler is set, to SIG_DFL (0).
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// resetSignals gives the calling thread default dispositions for every
// signal and an empty signal mask, just before execve(2).
//
// execve resets caught signals but keeps ignored ones and the mask, so a
// workload started from a shell that ignores SIGINT, or from nohup, would
// inherit that (bubblewrap#705, crun 1afdfd76). After this no Go handler is
// installed, so it must be the last step before execve.
//
// The unsafe.Pointer conversions are sound: act lives on this goroutine's
// stack for the duration of the raw syscall, and the kernel only reads it.
func resetSignals() error {
	var act sigaction
	for sig := 1; sig <= 64; sig++ {
		if sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP) {
			continue
		}
		_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
			uintptr(unsafe.Pointer(&act)), 0, unsafe.Sizeof(act.mask), 0, 0)
		if errno != 0 && errno != unix.EINVAL {
			return errno
		}
	}
	var empty unix.Sigset_t
	return unix.PthreadSigmask(unix.SIG_SETMASK, &empty, nil)
}
