package rootfs

import (
	"fmt"
	"os"
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// CreateMountpoints creates, from the host, the mountpoints and working
// directory that lie on the rootfs itself, for a container with a user
// namespace. Its root is an unprivileged host uid that usually cannot write
// to an image owned by host root, so it could not create them itself. Paths
// below another mount of the config (/dev/pts under /dev) are left to the
// child. Like everything else done inside the rootfs, the walk stays inside
// it, so a symlinked destination cannot make the host create a file
// elsewhere.
func CreateMountpoints(s *specs.Spec) error {
	root, err := os.OpenFile(s.Root.Path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer root.Close()

	var mounted []string
	for _, m := range s.Mounts {
		if !coveredBy(m.Destination, mounted) {
			if err := createMountpoint(root, m); err != nil {
				return err
			}
		}
		mounted = append(mounted, m.Destination)
	}
	if coveredBy(s.Process.Cwd, mounted) {
		return nil
	}
	return makeCwd(root, s.Process.Cwd)
}

func createMountpoint(root *os.File, m specs.Mount) error {
	if err := checkDestination(root, m); err != nil {
		return err
	}
	dir := true
	if parseOptions(m.Type, m.Options).bind {
		fi, err := os.Stat(m.Source)
		if err != nil {
			return fmt.Errorf("rootfs: mount source of %s: %w", m.Destination, err)
		}
		dir = fi.IsDir()
	}
	h, err := openMountpoint(root, m.Destination, dir)
	if err != nil {
		return err
	}
	return h.Close()
}

// coveredBy reports whether p lies below one of the mount destinations.
func coveredBy(p string, mounts []string) bool {
	p = path.Clean(p)
	for _, m := range mounts {
		m = path.Clean(m)
		if m == "/" || strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}
