package integration

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// hostLock serialises integration runs on one machine. The tests compare the
// host's mount table and process list before and after each container, and
// some tests mount on the host themselves, so two runs at once (two clones,
// or CI beside a developer) would see each other's mounts as leaks.
const hostLock = "/run/sandbox-integration.lock"

func TestMain(m *testing.M) {
	var lock *os.File
	if os.Geteuid() == 0 {
		f, err := os.OpenFile(hostLock, os.O_CREATE|os.O_RDWR, 0o600)
		lock = f
		if err != nil {
			fmt.Fprintf(os.Stderr, "integration: open %s: %v\n", hostLock, err)
			os.Exit(1)
		}
		// Held until the process exits; the kernel drops it then.
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			fmt.Fprintf(os.Stderr, "integration: lock %s: %v\n", hostLock, err)
			os.Exit(1)
		}
	}
	rootfs := os.Getenv("SANDBOX_ROOTFS")
	before := listTree(rootfs)
	code := m.Run()
	if after := listTree(rootfs); code == 0 && after != before {
		// Tests that change the rootfs, mountpoints included, must use
		// privateRootfs: the shared one is the next run's input.
		fmt.Fprintf(os.Stderr, "integration: the tests changed the shared rootfs %s:\nbefore:\n%s\nafter:\n%s",
			rootfs, before, after)
		code = 1
	}
	// The lock lives in lock's descriptor: without this, the collector
	// may finalize the file, closing it and dropping the lock mid-run.
	runtime.KeepAlive(lock)
	os.Exit(code)
}

// listTree lists every path below dir, or nothing when dir is unset.
func listTree(dir string) string {
	if dir == "" {
		return ""
	}
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		fmt.Fprintln(&b, p)
		return nil
	})
	return b.String()
}
