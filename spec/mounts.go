package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// MaskedPaths are hidden from the container: files behind /dev/null,
// directories behind an empty read-only tmpfs. The list is runc's default
// spec; each entry leaks host state or kernel memory (B17 in the bug cases;
// powercap is the PLATYPUS side channel, CVE-2020-8694).
var MaskedPaths = []string{
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
}

// ReadonlyPaths stay visible but cannot be written: through them container
// root would change host-wide kernel settings (core_pattern, sysrq).
var ReadonlyPaths = []string{
	"/proc/bus",
	"/proc/fs",
	"/proc/irq",
	"/proc/sys",
	"/proc/sysrq-trigger",
}

// DefaultMounts are the kernel filesystems every container gets, in mount
// order. The cgroup mount shows the container its own cgroup, read-only
// (see package cgroups). Every one is nodev: device nodes reach the container only as binds
// of the host's own nodes, made by the runtime (see rootfs).
func DefaultMounts() []specs.Mount {
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs",
			Options: []string{"nosuid", "nodev", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts",
			Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm",
			Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup",
			Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}},
	}
}

// runtimeDev are the entries of /dev that the runtime makes itself (see
// package rootfs): the devices it binds, its links, the devpts instance and
// the console.
var runtimeDev = []string{
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
	"/dev/ptmx", "/dev/pts", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/console",
}

// checkRuntimeDev refuses a --volume or --tmpfs on /dev or on an entry of
// it that the runtime makes, and CheckDestination a bind mount there. A
// volume there would receive the nodes and links the runtime writes while
// it builds /dev, on the host; a tmpfs would hide the devpts instance that
// -t needs.
func checkRuntimeDev(dst string) error {
	if dst == "/dev" {
		return errors.New("/dev is built by sandbox itself: mount at a name of your own under /dev instead")
	}
	for _, p := range runtimeDev {
		if under(dst, p) {
			return fmt.Errorf("%s is set up by sandbox itself: mount somewhere else", dst)
		}
	}
	return nil
}

func setMounts(s *specs.Spec, o Options) error {
	s.Mounts = DefaultMounts()
	if ttyGID(s) {
		s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
	}
	for _, v := range o.Volumes {
		m, err := ParseVolume(v)
		if err != nil {
			return fmt.Errorf("--volume %s: %w", v, err)
		}
		s.Mounts = append(s.Mounts, m)
	}
	for _, t := range o.Tmpfs {
		m, err := ParseTmpfs(t)
		if err != nil {
			return fmt.Errorf("--tmpfs %s: %w", t, err)
		}
		s.Mounts = append(s.Mounts, m)
	}
	return nil
}

// ttyGID reports whether new ptys can belong to the tty group (gid 5): not
// when a user namespace leaves gid 5 unmapped.
func ttyGID(s *specs.Spec) bool {
	return len(s.Linux.GIDMappings) == 0 || Mapped(s.Linux.GIDMappings, 5)
}

// ParseVolume reads HOST:CONTAINER[:ro|rw] into a recursive bind mount. The
// host path must exist: creating it would hide a typo.
func ParseVolume(v string) (specs.Mount, error) {
	f := strings.Split(v, ":")
	if len(f) < 2 || len(f) > 3 || f[0] == "" || f[1] == "" {
		return specs.Mount{}, errors.New("write it as HOST:CONTAINER or HOST:CONTAINER:ro")
	}
	opts := []string{"rbind", "nodev"}
	if len(f) == 3 {
		switch f[2] {
		case "ro", "rw":
			opts = append(opts, f[2])
		default:
			return specs.Mount{}, fmt.Errorf("unknown option %q: use ro or rw", f[2])
		}
	}
	src, err := filepath.Abs(f[0])
	if err != nil {
		return specs.Mount{}, err
	}
	if _, err := os.Stat(src); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return specs.Mount{}, fmt.Errorf("host path %s does not exist: create it first", f[0])
		}
		return specs.Mount{}, fmt.Errorf("host path %s: %w", f[0], err)
	}
	if !path.IsAbs(f[1]) {
		return specs.Mount{}, fmt.Errorf("container path %s must be absolute", f[1])
	}
	dst := path.Clean(f[1])
	if err := checkRuntimeDev(dst); err != nil {
		return specs.Mount{}, err
	}
	return specs.Mount{Destination: dst, Type: "bind", Source: src, Options: opts}, nil
}

// setProc clears the masked and read-only paths for Options.UnmaskedProc.
func setProc(s *specs.Spec, o Options) error {
	if o.UnmaskedProc {
		s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
	}
	return nil
}
