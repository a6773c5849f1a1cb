//go:build linux

package inspect

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// stopTimeout bounds how long readFilters waits for the process to stop. A
// process in a frozen cgroup never stops for a tracer.
const stopTimeout = time.Second

// readFilters copies the classic BPF seccomp filters of process pid, the
// newest first as the kernel numbers them.
//
// Preconditions: CAP_SYS_ADMIN in the initial user namespace and no seccomp
// filter on the caller (ptrace(2), PTRACE_SECCOMP_GET_FILTER), and the
// right to ptrace pid.
//
// The steps, on one OS thread, since ptrace binds a tracee to a thread:
//  1. PTRACE_SEIZE attaches without stopping or signalling the process.
//  2. PTRACE_INTERRUPT stops it; wait4 sees the stop.
//  3. PTRACE_SECCOMP_GET_FILTER for index 0, 1... until ENOENT.
//  4. PTRACE_DETACH resumes it, passing on a signal it was stopped for.
//
// The thread is never unlocked: it ends with the goroutine, and the kernel
// detaches a tracer's tracees when the tracer thread exits, so the process
// is released even on a path where PTRACE_DETACH failed.
func readFilters(pid int) ([][]unix.SockFilter, error) {
	type answer struct {
		filters [][]unix.SockFilter
		err     error
	}
	ch := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		f, err := seizeAndCopy(pid)
		ch <- answer{f, err}
	}()
	a := <-ch
	return a.filters, a.err
}

func seizeAndCopy(pid int) ([][]unix.SockFilter, error) {
	if err := unix.PtraceSeize(pid); err != nil {
		return nil, os.NewSyscallError("ptrace seize", err)
	}
	if err := unix.PtraceInterrupt(pid); err != nil {
		unix.PtraceDetach(pid)
		return nil, os.NewSyscallError("ptrace interrupt", err)
	}
	sig, err := awaitStop(pid)
	if err != nil {
		return nil, err // not stopped: the thread's exit detaches it
	}
	filters, err := copyFilters(pid)
	if _, _, errno := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_DETACH, uintptr(pid), 0,
		uintptr(sig), 0, 0); errno != 0 && err == nil {
		err = os.NewSyscallError("ptrace detach", errno)
	}
	return filters, err
}

// awaitStop waits for pid to stop and returns the signal to pass on when
// it is let go: the one of a signal-delivery stop, none for the stop that
// PTRACE_INTERRUPT or a group stop caused.
func awaitStop(pid int) (unix.Signal, error) {
	deadline := time.Now().Add(stopTimeout)
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(pid, &ws, unix.WALL|unix.WNOHANG, nil)
		switch {
		case err != nil:
			return 0, os.NewSyscallError("wait4", err)
		case got == pid && ws.Stopped():
			if uint32(ws)>>16 == unix.PTRACE_EVENT_STOP {
				return 0, nil
			}
			return ws.StopSignal(), nil
		case got == pid:
			return 0, fmt.Errorf("process %d ended while it was read", pid)
		case time.Now().After(deadline):
			return 0, fmt.Errorf("process %d did not stop within %v (is its cgroup frozen?)",
				pid, stopTimeout)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// copyFilters copies each filter of a stopped tracee, until the kernel
// answers ENOENT for an index past the oldest.
func copyFilters(pid int) ([][]unix.SockFilter, error) {
	var out [][]unix.SockFilter
	for i := 0; ; i++ {
		n, err := getFilter(pid, i, nil)
		if errors.Is(err, unix.ENOENT) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		buf := make([]unix.SockFilter, n)
		if n > 0 {
			if _, err := getFilter(pid, i, buf); err != nil {
				return nil, err
			}
		}
		out = append(out, buf)
	}
}

// getFilter is PTRACE_SECCOMP_GET_FILTER for filter i: its length in
// instructions, copied into buf unless buf is nil. The unsafe.Pointer is
// sound: buf has room for the length the kernel gave for that filter a
// moment earlier, on a tracee that stays stopped, and lives until the call
// returns.
func getFilter(pid, i int, buf []unix.SockFilter) (int, error) {
	var p unsafe.Pointer
	if buf != nil {
		p = unsafe.Pointer(&buf[0])
	}
	n, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SECCOMP_GET_FILTER,
		uintptr(pid), uintptr(i), uintptr(p), 0, 0)
	if errno != 0 {
		return 0, os.NewSyscallError("ptrace seccomp_get_filter", errno)
	}
	return int(n), nil
}
