package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/cgroups"
	"sandbox/internal/explain"
)

// Prepare builds the container's filesystem and pivots into it, in the
// order given in the package doc. On return the process's root and working
// directory are the container's /. cg is the host's cgroup layout, needed
// when s has a mount of type "cgroup" (HasCgroupMount).
//
// Preconditions: in a new mount namespace, with CAP_SYS_ADMIN there, in
// the container's cgroup, and before any identity or capability change.
// beforePivot, when not nil, runs once the mounts are made, before the
// rootfs turns read-only and pivot_root.
//
// Without a mount namespace of its own (SharesMounts), the container's
// mounts are made in the caller's, the host's: the rootfs is bound at
// base, a directory of the runtime's own, and every mount goes below it,
// where Unmount finds them all and nothing else. The propagation of the
// host's mounts is left alone, and the process enters the rootfs with
// chroot(2), since pivot_root(2) would move the root of every process of
// the host.
//
// x records each mount and the pivot as it is made; nil records nothing.
func Prepare(s *specs.Spec, cg cgroups.Layout, beforePivot func() error, base string, x *explain.Recorder) error {
	prop, err := PropagationFlags(s.Linux.RootfsPropagation)
	if err != nil {
		return err
	}
	shared := SharesMounts(s)
	if setup := setupPropagation(prop); !shared {
		if err := mount("", "/", "", setup, ""); err != nil {
			return fmt.Errorf("rootfs: make mounts %s: %w", propagationName(setup), err)
		}
		x.Mount("", "/", "", setup, "")
	}

	at := s.Root.Path
	if shared {
		if base == "" {
			return errors.New("rootfs: a container without a mount namespace needs a state directory: use create")
		}
		if err := os.Mkdir(base, 0o700); err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
		at = base
	}
	root, err := bindRoot(s.Root.Path, at, x)
	if err != nil {
		return err
	}
	defer root.Close()

	mounts, readonly := expandCgroupMounts(s, cg)
	dev, err := mountAll(root, mounts, x)
	if err != nil {
		return err
	}
	if dev != nil {
		defer dev.Close()
		if err := fillDev(root, dev, s, x); err != nil {
			return err
		}
	}
	if err := maskPaths(root, s.Linux.MaskedPaths, x); err != nil {
		return err
	}
	if err := readonlyPaths(root, readonly, x); err != nil {
		return err
	}
	if err := makeCwd(root, s.Process.Cwd); err != nil {
		return err
	}
	if beforePivot != nil {
		if err := beforePivot(); err != nil {
			return err
		}
	}
	if s.Root.Readonly {
		if err := setattr(root, unix.MOUNT_ATTR_RDONLY, 0, false); err != nil {
			return fmt.Errorf("rootfs: make %s read-only: %w", s.Root.Path, err)
		}
		x.Setattr(s.Root.Path, unix.MOUNT_ATTR_RDONLY, 0, false)
	}
	if shared {
		return chroot(root, s.Root.Path, x)
	}
	if err := pivot(root, s.Root.Path, x); err != nil {
		return err
	}
	if err := mount("", "/", "", prop, ""); err != nil {
		return fmt.Errorf("rootfs: make the container's root %s: %w", propagationName(prop), err)
	}
	x.Mount("", "/", "", prop, "")
	return nil
}

// bindRoot binds the rootfs at path onto at (path itself, or the base of a
// container that shares the host's mount namespace), and returns a handle
// on the root of that new mount.
func bindRoot(path, at string, x *explain.Recorder) (*os.File, error) {
	if err := mount(path, at, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return nil, fmt.Errorf("rootfs: bind %s: %w", path, err)
	}
	x.Mount(path, at, "", unix.MS_BIND|unix.MS_REC, "")
	root, err := os.OpenFile(at, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	if err := setattr(root, unix.MOUNT_ATTR_NODEV, 0, true); err != nil {
		root.Close()
		return nil, fmt.Errorf("rootfs: make %s nodev: %w", path, err)
	}
	x.Setattr(at, unix.MOUNT_ATTR_NODEV, 0, true)
	return root, nil
}

// mountAll makes the mounts of the config in order, and returns a handle on
// the last new filesystem mounted at /dev, taken right after its mount, or
// nil when the config mounts none. fillDev writes through that handle only,
// so nothing the runtime makes for /dev can land in a volume that a later
// mount, or an image symlink, puts over /dev.
func mountAll(root *os.File, mounts []plannedMount, x *explain.Recorder) (*os.File, error) {
	var dev *os.File
	for _, pm := range mounts {
		m := pm.Mount
		if err := mountOne(root, m, pm.runtime, x); err != nil {
			if dev != nil {
				dev.Close()
			}
			return nil, err
		}
		if path.Clean(m.Destination) != "/dev" || parseOptions(m.Type, m.Options).bind {
			continue
		}
		if dev != nil {
			dev.Close()
		}
		// mountOne refused a /dev reached through a symlink: this is the
		// new mount.
		h, err := openInRoot(root, "/dev")
		if err != nil {
			return nil, err
		}
		dev = h
	}
	return dev, nil
}
