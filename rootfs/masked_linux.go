package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

// maskPaths hides each path that exists: a directory behind an empty
// read-only tmpfs, anything else behind the host's /dev/null.
func maskPaths(root *os.File, paths []string, x *explain.Recorder) error {
	for _, p := range paths {
		h, err := pathrs.OpenatInRoot(root, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("rootfs: masked path %s: %w", p, err)
		}
		err = mask(h, p, x)
		h.Close()
		if err != nil {
			return fmt.Errorf("rootfs: mask %s: %w", p, err)
		}
	}
	return nil
}

func mask(h *os.File, p string, x *explain.Recorder) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.Fd()), &st); err != nil {
		return &os.PathError{Op: "fstat", Path: h.Name(), Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		const flags = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
		if err := mount("tmpfs", fdPath(h), "tmpfs", flags, "size=0"); err != nil {
			return err
		}
		x.Mount("tmpfs", p, "tmpfs", flags, "size=0")
		return nil
	}
	mnt, err := bindOnto("/dev/null", h, false, hostNodeAttrs, 0)
	if err != nil {
		return err
	}
	x.Bind("/dev/null", p, false, hostNodeAttrs, 0)
	return mnt.Close()
}

// readonlyPaths makes each path that exists read-only, with every mount
// below it, by binding it onto itself with the read-only attribute.
func readonlyPaths(root *os.File, paths []string, x *explain.Recorder) error {
	for _, p := range paths {
		h, err := pathrs.OpenatInRoot(root, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("rootfs: read-only path %s: %w", p, err)
		}
		mnt, err := bindOnto(fdPath(h), h, true, unix.MOUNT_ATTR_RDONLY, 0)
		h.Close()
		if err != nil {
			return fmt.Errorf("rootfs: make %s read-only: %w", p, err)
		}
		x.Bind(p, p, true, unix.MOUNT_ATTR_RDONLY, 0)
		mnt.Close()
	}
	return nil
}

// makeCwd creates the working directory when the image lacks it, as docker
// does for WORKDIR.
func makeCwd(root *os.File, cwd string) error {
	h, err := pathrs.OpenatInRoot(root, cwd)
	if err == nil {
		return h.Close()
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("rootfs: working directory %s: %w", cwd, err)
	}
	h, err = openMountpoint(root, cwd, true)
	if err != nil {
		return fmt.Errorf("working directory %s: %w", cwd, err)
	}
	return h.Close()
}
