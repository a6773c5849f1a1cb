package inspect

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// Propagation names a mount's propagation from the optional fields of its
// mountinfo line (proc(5)): "shared:N", "master:N" (a slave of peer group
// N), both for a shared slave, "unbindable", or "private" when none is
// there.
func Propagation(optional string) string {
	var out []string
	for _, f := range strings.Fields(optional) {
		if strings.HasPrefix(f, "shared:") || strings.HasPrefix(f, "master:") || f == "unbindable" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return "private"
	}
	return strings.Join(out, " ")
}

// Probe answers questions about a path in the process's own view of the
// file system, for MaskedAndReadOnly.
type Probe interface {
	// IsNullDevice reports whether the path is the character device 1:3,
	// /dev/null, without following a symlink.
	IsNullDevice(point string) bool
	// IsEmptyDir reports whether the path is a directory with no entries.
	IsEmptyDir(point string) bool
}

// MaskedAndReadOnly finds, in the mount table of a process, the paths a
// runtime masked and the ones it made read-only:
//   - masked: /dev/null bound over a file (anything but /dev/null itself),
//     or a read-only tmpfs with nothing in it over a directory;
//   - read-only: a read-only mount of the very same place of the same file
//     system as the mount under it, a bind of a path over itself.
func MaskedAndReadOnly(infos []*mountinfo.Info, p Probe) (masked, readonly []string) {
	byID := map[int]*mountinfo.Info{}
	for _, i := range infos {
		byID[i.ID] = i
	}
	for _, i := range infos {
		switch {
		case i.Mountpoint != "/dev/null" && p.IsNullDevice(i.Mountpoint):
			masked = append(masked, i.Mountpoint)
		case i.FSType == "tmpfs" && isReadOnly(i.Options) && p.IsEmptyDir(i.Mountpoint):
			masked = append(masked, i.Mountpoint)
		case isReadOnly(i.Options) && overItself(i, byID[i.Parent]):
			readonly = append(readonly, i.Mountpoint)
		}
	}
	return unique(masked), unique(readonly)
}

// overItself reports whether m shows the same directory of the same file
// system at the same place as parent: a bind of a path onto itself.
func overItself(m, parent *mountinfo.Info) bool {
	if parent == nil || parent == m || m.Major != parent.Major || m.Minor != parent.Minor {
		return false
	}
	rel, ok := strings.CutPrefix(m.Root, parent.Root)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/") && parent.Root != "/") {
		return false
	}
	return path.Join(parent.Mountpoint, rel) == m.Mountpoint
}

func isReadOnly(options string) bool {
	return slices.Contains(strings.Split(options, ","), "ro")
}

func unique(s []string) []string {
	out := []string{}
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// RootReadOnly reports whether the mount at "/" is read-only: the last
// one listed wins, as the last mount over a place is the one seen.
func RootReadOnly(infos []*mountinfo.Info) bool {
	ro := false
	for _, i := range infos {
		if i.Mountpoint == "/" {
			ro = isReadOnly(i.Options)
		}
	}
	return ro
}

// Mounts turns mountinfo entries into the report's form.
func Mounts(infos []*mountinfo.Info) []Mount {
	out := []Mount{}
	for _, i := range infos {
		out = append(out, Mount{
			Point: i.Mountpoint, Root: i.Root, Type: i.FSType, Source: i.Source,
			Options: i.Options, ReadOnly: isReadOnly(i.Options), Propagation: Propagation(i.Optional),
		})
	}
	return out
}
