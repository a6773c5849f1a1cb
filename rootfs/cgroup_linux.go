package rootfs

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountCgroup makes a mount of type "cgroup", which engines (podman among
// them) ask for at /sys/fs/cgroup whatever the host's cgroup version.
// mount(2) cannot make it: a v1 hierarchy is tied to its controllers, which
// the host has mounted already, so the kernel answers EBUSY. It is built
// from the host's mounts instead, as planCgroup says:
//
//  1. On a cgroup v2 only host, bind the process's own cgroup on the
//     destination, and stop.
//  2. Otherwise mount a tmpfs on the destination, and in it make one
//     directory per hierarchy with the process's own cgroup bound on it,
//     plus a symlink per co-mounted controller.
//  3. Make the tmpfs read-only last, if the mount says ro: the directories
//     and links are made in it first.
//
// Every bind is nosuid, nodev and noexec, and read-only when the mount is.
// The process's cgroup is the caller's until sandbox places the container
// in its own; with a cgroup namespace, whose paths are relative to its
// root, the hierarchies may be left out. The returned handle is the root of
// the new mount.
func mountCgroup(root *os.File, m specs.Mount, p plan, dst *os.File) (*os.File, error) {
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	cp := planCgroup(string(info), string(self))
	attrs := uint64(unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC)
	if p.flags&unix.MS_RDONLY != 0 {
		attrs |= unix.MOUNT_ATTR_RDONLY
	}
	if cp.whole != "" {
		return bindOnto(cp.whole, dst, false, attrs, 0)
	}

	flags := p.flags&^unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	if err := mount("tmpfs", fdPath(dst), "tmpfs", flags, "mode=755"); err != nil {
		return nil, err
	}
	dir, err := openInRoot(root, m.Destination)
	if err != nil {
		return nil, err
	}
	for _, b := range cp.binds {
		if err := bindHierarchy(dir, b, attrs); err != nil {
			dir.Close()
			return nil, err
		}
	}
	if p.flags&unix.MS_RDONLY != 0 {
		if err := setattr(dir, unix.MOUNT_ATTR_RDONLY, 0, false); err != nil {
			dir.Close()
			return nil, err
		}
	}
	return dir, nil
}

// bindHierarchy makes b's directory and links in the fresh tmpfs dir, which
// nothing else has touched yet, and binds b's source on the directory.
func bindHierarchy(dir *os.File, b cgroupBind, attrs uint64) error {
	if err := unix.Mkdirat(int(dir.Fd()), b.name, 0o755); err != nil {
		return &os.PathError{Op: "mkdir", Path: b.name, Err: err}
	}
	fd, err := unix.Openat(int(dir.Fd()), b.name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: b.name, Err: err}
	}
	h := os.NewFile(uintptr(fd), b.name)
	defer h.Close()
	mnt, err := bindOnto(b.source, h, false, attrs, 0)
	if err != nil {
		return fmt.Errorf("bind %s: %w", b.source, err)
	}
	mnt.Close()

	for _, l := range b.links {
		if l == b.name {
			continue
		}
		if err := unix.Symlinkat(b.name, int(dir.Fd()), l); err != nil && !errors.Is(err, unix.EEXIST) {
			return &os.PathError{Op: "symlink", Path: l, Err: err}
		}
	}
	return nil
}
