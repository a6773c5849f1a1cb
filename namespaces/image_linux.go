package namespaces

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// selfImage returns a sealed, in-memory copy of sandbox's own binary, for
// the child stages to be executed from. A child stage runs the runtime's
// code inside the container's namespaces, and its /proc/PID/exe is open to
// the container's processes there: were it the binary on the host, a
// container process could reopen that link for writing and replace the
// runtime for the host's next start (CVE-2019-5736). The seals make the
// copy read-only for good, for anyone.
func selfImage() (*os.File, error) {
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		return nil, fmt.Errorf("copy sandbox's binary: %w", err)
	}
	defer src.Close()
	fd, err := unix.MemfdCreate("sandbox", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("copy sandbox's binary: %w", os.NewSyscallError("memfd_create", err))
	}
	img := os.NewFile(uintptr(fd), "memfd:sandbox")
	// io.Copy uses sendfile(2) here, a copy in the kernel.
	if _, err := io.Copy(img, src); err != nil {
		img.Close()
		return nil, fmt.Errorf("copy sandbox's binary: %w", err)
	}
	const seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(img.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		img.Close()
		return nil, fmt.Errorf("seal the copy of sandbox's binary: %w", os.NewSyscallError("fcntl", err))
	}
	return img, nil
}

// imagePath names img for execve(2) in the forked child, which still holds
// the descriptor when it execs.
func imagePath(img *os.File) string {
	return fmt.Sprintf("/proc/self/fd/%d", img.Fd())
}
