package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

// DefaultDevices are the device nodes every container's /dev holds, bound
// from the host's /dev.
var DefaultDevices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// devLinks are the symlinks of a standard /dev, name to target.
var devLinks = [][2]string{
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
}

// deviceAttrs are set on every device bind: a device node is never a
// program, nor a setuid one.
const deviceAttrs = unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NOEXEC

// hostNodeAttrs are set on a bind of one of the host's own nodes (the
// default devices, masks, linux.devices in a user namespace): read-only,
// so that container root's chown(2) or chmod(2) of /dev/null fails with
// EROFS instead of changing the host's node. Reading and writing the device
// itself still work: a read-only mount forbids changes to the inode, not
// I/O on a device.
const hostNodeAttrs = deviceAttrs | unix.MOUNT_ATTR_RDONLY

// fillDev populates the /dev filesystem that the config mounts, through
// dev, the handle mountAll took on it. The default nodes are bind mounts of
// the host's, which works the same with and without a user namespace; the
// /dev tmpfs itself is nodev, so a node made there with mknod(2) cannot be
// opened, unless the runtime binds it onto itself without nodev, as it
// does for linux.devices (makeDevices).
func fillDev(root, dev *os.File, s *specs.Spec, x *explain.Recorder) error {
	for _, name := range DefaultDevices {
		if configured(s, "/dev/"+name) {
			continue
		}
		if err := bindDevice(dev, name, x); err != nil {
			return err
		}
	}
	if err := makeDevices(root, s, x); err != nil {
		return err
	}
	links := devLinks
	if mountsFreshAt(s, "/dev/pts") {
		links = append(links, [2]string{"ptmx", "pts/ptmx"})
	}
	for _, l := range links {
		err := unix.Symlinkat(l[1], int(dev.Fd()), l[0])
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("rootfs: link /dev/%s: %w", l[0], &os.PathError{Op: "symlink", Path: l[1], Err: err})
		}
		if err == nil && x.On() {
			x.Symlink("/dev/"+l[0], l[1])
		}
	}
	return nil
}

// bindDevice binds the host's /dev/name into the container's /dev. The
// node is created with one openat(2) in the /dev filesystem, which no image
// content or container process has touched yet. A name that a mount of
// the config already placed there (a mountpoint the runtime created in
// the same filesystem) is opened where it is, never followed: the bind
// covers it.
func bindDevice(dev *os.File, name string, x *explain.Recorder) error {
	const create = unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_RDONLY | unix.O_CLOEXEC
	fd, err := unix.Openat(int(dev.Fd()), name, create, 0o644)
	if errors.Is(err, unix.EEXIST) {
		fd, err = unix.Openat(int(dev.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return fmt.Errorf("rootfs: create /dev/%s: %w", name, &os.PathError{Op: "openat", Path: name, Err: err})
	}
	dst := os.NewFile(uintptr(fd), "/dev/"+name)
	defer dst.Close()

	host := "/dev/" + name
	mnt, err := bindOnto(host, dst, false, hostNodeAttrs, 0)
	if err != nil {
		return fmt.Errorf("rootfs: bind device /dev/%s: %w", name, err)
	}
	x.Bind(host, host, false, hostNodeAttrs, 0)
	return mnt.Close()
}

// mountsFreshAt reports whether the mount the config leaves on top at dst
// is a new, non-bind filesystem.
func mountsFreshAt(s *specs.Spec, dst string) bool {
	fresh := false
	for _, m := range s.Mounts {
		if path.Clean(m.Destination) == dst {
			fresh = !parseOptions(m.Type, m.Options).bind
		}
	}
	return fresh
}

// MountConsole binds the container's terminal onto /dev/console, as a
// console-attached container expects.
//
// Preconditions: after pivot, with /dev a writable tmpfs.
//
// x records the bind; nil records nothing.
func MountConsole(slave *os.File, x *explain.Recorder) error {
	root, err := os.OpenFile("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer root.Close()

	dst, err := openMountpoint(root, "/dev/console", false)
	if err != nil {
		return err
	}
	defer dst.Close()
	mnt, err := bindOnto(fdPath(slave), dst, false, deviceAttrs, 0)
	if err != nil {
		return fmt.Errorf("rootfs: bind the terminal on /dev/console: %w", err)
	}
	x.Bind("pty slave", "/dev/console", false, deviceAttrs, 0)
	return mnt.Close()
}
