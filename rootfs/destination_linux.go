package rootfs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/spec"
)

// checkDestination applies spec.CheckDestination to where m lands once the
// rootfs's symlinks are followed, before anything is created for it. An
// image that links /lnk -> /proc/sys/kernel would otherwise turn a volume
// on /lnk/core_pattern into one on the host's core_pattern, and /lnk ->
// /proc a volume on /lnk into a fake /proc (CVE-2019-19921).
func checkDestination(root *os.File, m specs.Mount) error {
	resolved, err := resolvedPath(root, m.Destination)
	if err != nil {
		return err
	}
	return destinationError(m, resolved)
}

// checkMountpoint is checkDestination for the mountpoint handle that the
// mount will actually be made on, as the kernel names it: a symlink
// swapped in after checkDestination ran cannot change it.
func checkMountpoint(root *os.File, m specs.Mount, dst *os.File) error {
	target, err := os.Readlink(fdPath(dst))
	if err != nil {
		return fmt.Errorf("rootfs: mountpoint %s: %w", m.Destination, err)
	}
	rel, err := filepath.Rel(root.Name(), target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fmt.Errorf("rootfs: mountpoint %s is %s, outside the rootfs", m.Destination, target)
	}
	return destinationError(m, path.Join("/", rel))
}

func destinationError(m specs.Mount, resolved string) error {
	err := spec.CheckDestination(m, resolved)
	switch {
	case err == nil:
		return nil
	case resolved == path.Clean(m.Destination):
		return fmt.Errorf("rootfs: mount destination %w", err)
	}
	return fmt.Errorf("rootfs: mount destination %s (%s in the rootfs): %w", m.Destination, resolved, err)
}
