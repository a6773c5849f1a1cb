package rootfs

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mount is mount(2) with the kernel's error as an *os.PathError on target.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &os.PathError{Op: "mount", Path: target, Err: err}
	}
	return nil
}

// fdPath is the magic link through which a mount(2) call reaches exactly
// the inode behind f, whatever has happened to its path since.
func fdPath(f *os.File) string {
	return fmt.Sprintf("/proc/self/fd/%d", f.Fd())
}

// setattr changes the attributes of the mount whose root f is, with
// mount_setattr(2); recursive takes in every mount below it too.
func setattr(f *os.File, set, clr uint64, recursive bool) error {
	flags := unix.AT_EMPTY_PATH
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	attr := &unix.MountAttr{Attr_set: set, Attr_clr: clr}
	if err := unix.MountSetattr(int(f.Fd()), "", uint(flags), attr); err != nil {
		return &os.PathError{Op: "mount_setattr", Path: f.Name(), Err: err}
	}
	return nil
}
