package rootfs

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// copyUp fills the tmpfs just mounted at dest with the files of the
// directory it covers, as podman's tmpcopyup asks: under, the mountpoint
// handle taken before the mount, still names the covered directory. Both
// sides are walked by descriptor, never by path, so nothing in the image
// can point the copy elsewhere; symlinks are copied as links.
func copyUp(root *os.File, dest string, under *os.File) error {
	from, err := os.OpenFile(fdPath(under), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := openInRoot(root, dest)
	if err != nil {
		return err
	}
	defer to.Close()
	dst, err := os.OpenFile(fdPath(to), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer dst.Close()
	return copyDir(from, dst)
}

func copyDir(from, to *os.File) error {
	names, err := from.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := copyEntry(from, to, name); err != nil {
			return err
		}
	}
	return nil
}

func copyEntry(from, to *os.File, name string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(int(from.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "fstatat", Path: name, Err: err}
	}
	mode := st.Mode & 0o7777
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		if err := unix.Mkdirat(int(to.Fd()), name, mode); err != nil && !errors.Is(err, unix.EEXIST) {
			return &os.PathError{Op: "mkdirat", Path: name, Err: err}
		}
		if err := unix.Fchmodat(int(to.Fd()), name, mode, 0); err != nil {
			return &os.PathError{Op: "fchmodat", Path: name, Err: err}
		}
		sub, err := openDirAt(from, name)
		if err != nil {
			return err
		}
		defer sub.Close()
		subTo, err := openDirAt(to, name)
		if err != nil {
			return err
		}
		defer subTo.Close()
		if err := copyDir(sub, subTo); err != nil {
			return err
		}
	case unix.S_IFREG:
		if err := copyFile(from, to, name, mode); err != nil {
			return err
		}
	case unix.S_IFLNK:
		buf := make([]byte, unix.PathMax)
		n, err := unix.Readlinkat(int(from.Fd()), name, buf)
		if err != nil {
			return &os.PathError{Op: "readlinkat", Path: name, Err: err}
		}
		if err := unix.Symlinkat(string(buf[:n]), int(to.Fd()), name); err != nil {
			return &os.PathError{Op: "symlinkat", Path: name, Err: err}
		}
	default:
		return nil // device nodes, fifos and sockets stay behind
	}
	return unix.Fchownat(int(to.Fd()), name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW)
}

func openDirAt(dir *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

func copyFile(from, to *os.File, name string, mode uint32) error {
	in, err := unix.Openat(int(from.Fd()), name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "openat", Path: name, Err: err}
	}
	src := os.NewFile(uintptr(in), name)
	defer src.Close()
	const create = unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC
	out, err := unix.Openat(int(to.Fd()), name, create, mode)
	if err != nil {
		return &os.PathError{Op: "openat", Path: name, Err: err}
	}
	dst := os.NewFile(uintptr(out), name)
	defer dst.Close()
	if _, err := io.Copy(dst, src); err != nil {
		return err
	}
	// The mode as it was, past the umask, set-id bits included.
	return unix.Fchmod(int(dst.Fd()), mode)
}
