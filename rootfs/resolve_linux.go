package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// openInRoot opens name inside the rootfs as an O_PATH handle, following
// symlinks as if the rootfs were /.
func openInRoot(root *os.File, name string) (*os.File, error) {
	h, err := pathrs.OpenatInRoot(root, name)
	if err != nil {
		return nil, fmt.Errorf("rootfs: open %s in the rootfs: %w", name, err)
	}
	return h, nil
}

// openMountpoint returns a handle on the mount destination name, creating
// it (a directory, or an empty file when dir is false) if it is missing. A
// symlink in the way is followed inside the rootfs: /etc/resolv.conf ->
// /tmp/x makes the mountpoint the rootfs's /tmp/x, never the host's.
func openMountpoint(root *os.File, name string, dir bool) (*os.File, error) {
	h, err := pathrs.OpenatInRoot(root, name)
	if err == nil {
		return h, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("rootfs: mountpoint %s: %w", name, err)
	}

	rel, err := resolvedPath(root, name)
	if err != nil {
		return nil, err
	}
	if dir {
		h, err = pathrs.MkdirAllHandle(root, rel, 0o755)
	} else {
		h, err = createFile(root, rel)
	}
	if errors.Is(err, unix.EROFS) {
		return nil, fmt.Errorf("rootfs: cannot create mountpoint %s: rootfs is read-only (create it in the image)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("rootfs: create mountpoint %s: %w", name, err)
	}
	return h, nil
}

// resolvedPath is where name lands inside the rootfs once its symlinks are
// followed there, as a path relative to the rootfs.
func resolvedPath(root *os.File, name string) (string, error) {
	full, err := securejoin.SecureJoin(root.Name(), name)
	if err != nil {
		return "", fmt.Errorf("rootfs: resolve %s: %w", name, err)
	}
	rel, err := filepath.Rel(root.Name(), full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("rootfs: %s resolves outside the rootfs", name)
	}
	return "/" + rel, nil
}

func createFile(root *os.File, rel string) (*os.File, error) {
	parent, err := pathrs.MkdirAllHandle(root, path.Dir(rel), 0o755)
	if err != nil {
		return nil, err
	}
	defer parent.Close()

	fd, err := unix.Openat(int(parent.Fd()), path.Base(rel),
		unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, &os.PathError{Op: "create", Path: rel, Err: err}
	}
	if err == nil {
		unix.Close(fd)
	}
	return pathrs.OpenatInRoot(root, rel)
}

// checkPlainPath refuses a kernel filesystem destination reached through a
// symlink. Followed inside the rootfs it would be harmless to the host, but
// a /proc that is secretly elsewhere is how CVE-2019-16884 and
// CVE-2019-19921 redirected the runtime's own writes to procfs.
func checkPlainPath(root *os.File, name string) error {
	full, err := securejoin.SecureJoin(root.Name(), name)
	if err != nil {
		return fmt.Errorf("rootfs: resolve %s: %w", name, err)
	}
	if full != filepath.Join(root.Name(), name) {
		return fmt.Errorf("rootfs: %s in the rootfs is, or goes through, a symlink: "+
			"a kernel filesystem must be mounted on a plain directory (fix the image)", name)
	}
	return nil
}
