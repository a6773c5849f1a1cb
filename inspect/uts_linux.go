package inspect

import (
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// hostname returns the hostname of process pid's UTS namespace. Reading a
// file of the process's rootfs (/etc/hostname) would tell what its image
// says, not what the kernel answers it; uname(2) after setns(2) is the
// kernel's answer.
//
// setns changes the calling thread alone, so it runs on a goroutine locked
// to its thread that never unlocks: the thread, now in another UTS
// namespace, ends with the goroutine instead of returning to the pool.
func hostname(pid int) (string, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/uts")
	if err != nil {
		return "", err
	}
	defer f.Close()

	type answer struct {
		name string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWUTS); err != nil {
			ch <- answer{err: os.NewSyscallError("setns", err)}
			return
		}
		var u unix.Utsname
		if err := unix.Uname(&u); err != nil {
			ch <- answer{err: os.NewSyscallError("uname", err)}
			return
		}
		ch <- answer{name: unix.ByteSliceToString(u.Nodename[:])}
	}()
	a := <-ch
	return a.name, a.err
}
