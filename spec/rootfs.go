package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"

	"sandbox/internal/passwd"
)

// ResolveRootfs turns the rootfs argument into the absolute path, free of
// symlinks, that the container will use. It is resolved once, here, against
// the caller's working directory, so the child never re-interprets it.
func ResolveRootfs(path string) (string, error) {
	if path == "" {
		return "", errors.New("no rootfs given: name the directory that holds the container's files")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("rootfs %s: %w", path, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("rootfs %s does not exist: give the directory that holds the container's files", path)
	}
	if err != nil {
		return "", fmt.Errorf("rootfs %s: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("rootfs %s: %w", path, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("rootfs %s is not a directory: give the directory that holds the container's files", path)
	}
	if real == "/" {
		return "", fmt.Errorf("rootfs %s is the host's own root: give a separate directory", path)
	}
	return real, nil
}

// readInRootfs reads an account file of the rootfs, resolving every
// symlink inside it, so that an image whose /etc/passwd points at the
// host's cannot make the runtime read host files. It runs before any
// container exists, so no process of the container can race the walk; the
// last component is still opened with O_NOFOLLOW, as an O_PATH handle
// that passwd.ReadFile checks before it opens anything for reading.
func readInRootfs(root, name string) ([]byte, error) {
	p, err := securejoin.SecureJoin(root, name)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	h := os.NewFile(uintptr(fd), name)
	defer h.Close()
	return passwd.ReadFile(h)
}
