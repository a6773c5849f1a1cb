package rootfs

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

// pivot makes the rootfs the process's root with pivot_root(2) and drops
// the old root.
//
// pivot_root(".", ".") stacks the old root on top of the new one, so no
// put_old directory has to be created in an image that may be read-only;
// the old root is then made a slave, so its unmount does not propagate to
// the host, and detached. chroot(2) is never used: a chrooted process with
// CAP_SYS_CHROOT walks out with a second chroot.
func pivot(root *os.File, path string, x *explain.Recorder) error {
	if err := unix.Fchdir(int(root.Fd())); err != nil {
		return fmt.Errorf("rootfs: %w", &os.PathError{Op: "fchdir", Path: path, Err: err})
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		err = &os.PathError{Op: "pivot_root", Path: path, Err: err}
		if errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("rootfs: %w (the host's / may be an initramfs, which pivot_root cannot leave)", err)
		}
		return fmt.Errorf("rootfs: %w", err)
	}
	x.PivotRoot(path)
	if err := mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("rootfs: make the old root a slave: %w", err)
	}
	x.Mount("", ". (the old root)", "", unix.MS_SLAVE|unix.MS_REC, "")
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("rootfs: detach the old root: %w", &os.PathError{Op: "umount2", Path: "/", Err: err})
	}
	x.Note("umount2", ". MNT_DETACH (the old root)")
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("rootfs: %w", &os.PathError{Op: "chdir", Path: "/", Err: err})
	}
	return nil
}

// chroot enters the rootfs of a container that shares the host's mount
// namespace. It is a weaker fence than pivot_root: a process holding
// CAP_SYS_CHROOT can leave a chroot, which is why a config without a mount
// namespace is warned about.
func chroot(root *os.File, path string, x *explain.Recorder) error {
	if err := unix.Fchdir(int(root.Fd())); err != nil {
		return fmt.Errorf("rootfs: %w", &os.PathError{Op: "fchdir", Path: path, Err: err})
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("rootfs: %w", &os.PathError{Op: "chroot", Path: path, Err: err})
	}
	x.Chroot(path)
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("rootfs: %w", &os.PathError{Op: "chdir", Path: "/", Err: err})
	}
	return nil
}
