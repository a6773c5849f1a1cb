package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// setPrivileged takes the fences down for --privileged, as docker run
// --privileged does: every capability the host grants (set by
// setCapabilities), no masked or read-only paths, /sys and the cgroup tree
// writable, every device node of the host, and a device cgroup that allows
// them all. Seccomp is the caller's to drop (Options.Seccomp). The
// namespaces stay: without a user namespace, root in this container is root
// on the host, with nothing between it and the kernel.
func setPrivileged(s *specs.Spec, o Options) error {
	if !o.Privileged {
		return nil
	}
	s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
	for i, m := range s.Mounts {
		if m.Type == "sysfs" || m.Type == "cgroup" {
			s.Mounts[i].Options = slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool { return o == "ro" })
		}
	}
	devs, err := hostDevices("/dev")
	if err != nil {
		return err
	}
	s.Linux.Devices = devs
	if s.Linux.Resources == nil {
		s.Linux.Resources = &specs.LinuxResources{}
	}
	s.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	return nil
}

// skipDevDirs hold filesystems of their own, which the container gets anew.
var skipDevDirs = []string{"/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/hugepages"}

// hostDevices lists the character and block devices below dir, the host's
// /dev, as linux.devices entries with their numbers, modes and owners.
func hostDevices(dir string) ([]specs.LinuxDevice, error) {
	var devs []specs.LinuxDevice
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return nil // gone while walking, or not ours to see
			}
			return err
		}
		if d.IsDir() && slices.Contains(skipDevDirs, p) {
			return filepath.SkipDir
		}
		t := d.Type()
		if t&fs.ModeDevice == 0 {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		st := fi.Sys().(*syscall.Stat_t)
		kind := "b"
		if t&fs.ModeCharDevice != 0 {
			kind = "c"
		}
		mode := fi.Mode().Perm()
		uid, gid := st.Uid, st.Gid
		devs = append(devs, specs.LinuxDevice{
			Path: p, Type: kind, Major: int64(unix.Major(st.Rdev)), Minor: int64(unix.Minor(st.Rdev)),
			FileMode: &mode, UID: &uid, GID: &gid,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return devs, nil
}
