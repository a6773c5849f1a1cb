package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// SharesMounts reports whether the container of s has no mount namespace of
// its own, so that its mounts are made in the caller's (see Prepare).
func SharesMounts(s *specs.Spec) bool {
	return s.Linux == nil || !slices.ContainsFunc(s.Linux.Namespaces, func(ns specs.LinuxNamespace) bool {
		return ns.Type == specs.MountNamespace
	})
}

// Unmount removes every mount at or below base, the directory where Prepare
// bound the rootfs of a container that shares the caller's mount
// namespace, deepest first, then base itself: nothing of the container's
// mounts outlives it on the host. base holds only mounts the runtime made,
// so no mount of anyone else's is touched. A missing base is nothing to do.
func Unmount(base string) error {
	if base == "" {
		return nil
	}
	base = filepath.Clean(base)
	infos, err := mountinfo.GetMounts(mountinfo.PrefixFilter(base))
	if err != nil {
		return fmt.Errorf("rootfs: list the mounts under %s: %w", base, err)
	}
	var points []string
	for _, m := range infos {
		points = append(points, m.Mountpoint)
	}
	slices.SortStableFunc(points, func(a, b string) int {
		return strings.Count(b, "/") - strings.Count(a, "/")
	})
	for _, p := range points {
		err := unix.Unmount(p, unix.MNT_DETACH)
		if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("rootfs: unmount %s: %w", p, err)
		}
	}
	if err := os.Remove(base); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}
