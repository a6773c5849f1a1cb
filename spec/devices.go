package spec

import (
	"fmt"
	"path"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultDeviceMode is the fileMode of a linux.devices entry that gives
// none: the mode of the default nodes, null and zero.
const DefaultDeviceMode = 0o666

// validateDevices checks linux.devices. Every node must go under /dev,
// which must be a new filesystem: sandbox makes device nodes only there,
// never in the image, where they would stay behind on the host and, on a
// shared image, appear in every container made from it (runc accepts any
// path and creates it in the rootfs).
func validateDevices(s *specs.Spec) error {
	if len(s.Linux.Devices) == 0 {
		return nil
	}
	if !freshDev(s) {
		return fmt.Errorf("linux.devices needs a tmpfs mounted at /dev: sandbox creates device nodes only there")
	}
	var seen []string
	for _, d := range s.Linux.Devices {
		if err := validateDevice(d); err != nil {
			return fmt.Errorf("linux.devices %s: %w", d.Path, err)
		}
		if slices.Contains(seen, d.Path) {
			return fmt.Errorf("linux.devices %s: listed twice", d.Path)
		}
		seen = append(seen, d.Path)
	}
	return nil
}

func validateDevice(d specs.LinuxDevice) error {
	if d.Path != path.Clean(d.Path) || !strings.HasPrefix(d.Path, "/dev/") {
		return fmt.Errorf("give a clean path under /dev, as in /dev/fuse")
	}
	switch d.Type {
	case "c", "u", "b":
		// The kernel's dev_t holds a 12-bit major and a 20-bit minor.
		if d.Major < 0 || d.Major >= 1<<12 || d.Minor < 0 || d.Minor >= 1<<20 {
			return fmt.Errorf("device number %d:%d is out of range (major 0-4095, minor 0-1048575)", d.Major, d.Minor)
		}
	case "p":
	default:
		return fmt.Errorf("type %q: use c (or u), b or p", d.Type)
	}
	if d.FileMode != nil && *d.FileMode&^0o777 != 0 {
		return fmt.Errorf("fileMode %#o: give permission bits only (0 to 0777)", uint32(*d.FileMode))
	}
	return nil
}

// freshDev reports whether s mounts a new filesystem, not a bind, at /dev.
func freshDev(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if path.Clean(m.Destination) == "/dev" && m.Type != "bind" &&
			!slices.Contains(m.Options, "bind") && !slices.Contains(m.Options, "rbind") {
			return true
		}
	}
	return false
}
