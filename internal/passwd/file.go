package passwd

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// MaxFileSize bounds an account file. Real ones are a few kilobytes; the
// bound keeps a huge file, or one that never ends, from holding sandbox.
const MaxFileSize = 4 << 20

// ReadFile reads the account file that h names, where h is an O_PATH
// handle the caller opened in whatever way its stage allows.
//
// Only a regular file is opened for reading. The check is made on the
// handle, before any open(2) that could have effects: a FIFO would block
// sandbox forever, a device node opened by host root runs its driver's open
// (a watchdog starts its countdown, /dev/cpu_dma_latency changes the power
// policy), and a link to /proc/self/fd/0 would eat the workload's stdin.
// The reopen goes through the handle's magic link, so it reaches the inode
// that was checked, whatever happens to the path meanwhile.
func ReadFile(h *os.File) ([]byte, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.Fd()), &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: h.Name(), Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("%s is %s: an account file must be a regular file", h.Name(), fileType(st.Mode))
	}
	if st.Size > MaxFileSize {
		return nil, fmt.Errorf("%s is %d bytes long: account files are read up to %d", h.Name(), st.Size, MaxFileSize)
	}
	f, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", h.Fd()),
		unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", h.Name(), err)
	}
	defer f.Close()

	// The file may grow between the fstat and the read: read one byte
	// past the bound to see it.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", h.Name(), err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is longer than %d bytes: account files are read up to that", h.Name(), MaxFileSize)
	}
	return data, nil
}

func fileType(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFCHR:
		return "a character device"
	case unix.S_IFBLK:
		return "a block device"
	case unix.S_IFSOCK:
		return "a socket"
	case unix.S_IFLNK:
		return "a symlink"
	}
	return fmt.Sprintf("of type %#o", mode&unix.S_IFMT)
}
