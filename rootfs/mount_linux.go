package rootfs

import (
	"errors"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

// mountOne makes one mount of the config inside the rootfs.
//
// The reserved destinations (spec.CheckDestination) are checked where the
// destination resolves, except for the runtime's own mounts.
func mountOne(root *os.File, m specs.Mount, runtime bool, x *explain.Recorder) error {
	p := parseOptions(m.Type, m.Options)
	if !p.bind {
		if err := checkPlainPath(root, m.Destination); err != nil {
			return err
		}
	}
	dir := true
	if p.bind {
		fi, err := os.Stat(m.Source)
		if err != nil {
			return fmt.Errorf("rootfs: mount source of %s: %w", m.Destination, err)
		}
		dir = fi.IsDir()
	}
	if !runtime {
		if err := checkDestination(root, m); err != nil {
			return err
		}
	}
	dst, err := openMountpoint(root, m.Destination, dir)
	if err != nil {
		return err
	}
	defer dst.Close()
	if !runtime {
		if err := checkMountpoint(root, m, dst); err != nil {
			return err
		}
	}

	var mnt *os.File
	if p.bind {
		mnt, err = bindOnto(m.Source, dst, p.recursive, p.attrSet, p.attrClr)
		if err == nil {
			x.Bind(m.Source, m.Destination, p.recursive, p.attrSet, p.attrClr)
		}
	} else {
		mnt, err = mountFS(root, m, p, dst, x)
	}
	if err != nil {
		return fmt.Errorf("rootfs: mount %s on %s: %w", m.Source, m.Destination, err)
	}
	if p.copyUp && !p.bind && m.Type == "tmpfs" {
		if err := copyUp(root, m.Destination, dst); err != nil {
			return fmt.Errorf("rootfs: tmpcopyup of %s: %w", m.Destination, err)
		}
		x.Note("tmpcopyup", m.Destination)
	}
	if mnt == nil {
		return nil
	}
	defer mnt.Close()

	if p.propagation != 0 {
		if err := mount("", fdPath(mnt), "", p.propagation, ""); err != nil {
			return fmt.Errorf("rootfs: set propagation of %s: %w", m.Destination, err)
		}
		x.Mount("", m.Destination, "", p.propagation, "")
	}
	return nil
}

// mountFS mounts a filesystem (proc, tmpfs, sysfs...) on dst and returns a
// handle on the new mount's root, or nil when no propagation change needs
// one.
func mountFS(root *os.File, m specs.Mount, p plan, dst *os.File, x *explain.Recorder) (*os.File, error) {
	data := strings.Join(p.data, ",")
	err := unix.Mount(m.Source, fdPath(dst), m.Type, p.flags, data)
	if err != nil {
		err = &os.PathError{Op: "mount", Path: m.Destination, Err: err}
	} else {
		x.Mount(m.Source, m.Destination, m.Type, p.flags, data)
	}
	if errors.Is(err, unix.EINVAL) && data != "" {
		// The kernel says only EINVAL for a value it cannot parse, such as
		// size=abc: name what it was given.
		return nil, fmt.Errorf("%w (the options were %s)", err, data)
	}
	if errors.Is(err, unix.EPERM) && m.Type == "sysfs" {
		// A network namespace not owned by our user namespace (--net host
		// with --userns) forbids a new sysfs; show the host's, read-only.
		const attrs = unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC
		mnt, err := bindOnto("/sys", dst, true, attrs, 0)
		if err == nil {
			x.Bind("/sys", m.Destination, true, attrs, 0)
		}
		return mnt, err
	}
	if err != nil || p.propagation == 0 {
		return nil, err
	}
	return openInRoot(root, m.Destination)
}

// bindOnto attaches a copy of the mount tree at source on dst. The copy is
// made detached with open_tree(2), given its attributes while nobody can
// see it, and then moved into place with move_mount(2): a read-only volume
// is never writable, not even for an instant. The returned handle is the
// root of the new mount.
func bindOnto(source string, dst *os.File, recursive bool, set, clr uint64) (*os.File, error) {
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, source, flags)
	if err != nil {
		return nil, &os.PathError{Op: "open_tree", Path: source, Err: err}
	}
	tree := os.NewFile(uintptr(fd), source)

	if set|clr != 0 {
		if err := setattr(tree, set, clr, recursive); err != nil {
			tree.Close()
			return nil, err
		}
	}
	err = unix.MoveMount(fd, "", int(dst.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		tree.Close()
		return nil, &os.PathError{Op: "move_mount", Path: dst.Name(), Err: err}
	}
	return tree, nil
}
