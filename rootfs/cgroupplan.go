package rootfs

import (
	"path"
	"slices"
	"strings"
)

// hostCgroupDir is where the host mounts its cgroup hierarchies.
const hostCgroupDir = "/sys/fs/cgroup"

// cgroupPlan is how a mount of type "cgroup" is built from the host's own
// cgroup mounts: the process's cgroup in each hierarchy, never a hierarchy's
// root, so the container sees no other cgroup of the host.
type cgroupPlan struct {
	// whole is set on a cgroup v2 only host: the process's cgroup in the
	// unified hierarchy, bound on the destination itself.
	whole string

	// binds are, on a cgroup v1 or hybrid host, the directories made in a
	// tmpfs on the destination, each with the process's cgroup of one
	// hierarchy bound on it.
	binds []cgroupBind
}

// cgroupBind is one hierarchy below the destination.
type cgroupBind struct {
	name   string   // the directory, as the host names it: "memory", "cpu,cpuacct", "unified"
	source string   // the host path bound on it
	links  []string // symlinks to name, one per co-mounted controller ("cpu" -> "cpu,cpuacct")
}

// mountEntry is one line of /proc/self/mountinfo, the fields used here.
type mountEntry struct {
	root, point, fstype string
	super               []string
}

// planCgroup reads the host's mount table and the process's
// /proc/self/cgroup into a cgroupPlan. A hierarchy in which the process's
// cgroup is not below the mount's root cannot be reached and is left out.
func planCgroup(mountinfo, selfCgroup string) cgroupPlan {
	own := parseProcCgroup(selfCgroup)
	var p cgroupPlan
	for _, e := range parseMountinfo(mountinfo) {
		if e.fstype != "cgroup" && e.fstype != "cgroup2" {
			continue
		}
		src, ok := ownCgroupPath(e, own)
		switch {
		case !ok:
		case e.point == hostCgroupDir && e.fstype == "cgroup2":
			p.whole = src
		case path.Dir(e.point) == hostCgroupDir:
			b := cgroupBind{name: path.Base(e.point), source: src}
			if strings.Contains(b.name, ",") {
				b.links = strings.Split(b.name, ",")
			}
			p.binds = append(p.binds, b)
		}
	}
	return p
}

// ownCgroupPath finds the line of /proc/self/cgroup that belongs to the
// hierarchy mounted at e, and returns the host path of the process's cgroup
// in it. v1 lines name their controllers, which the mount's super options
// list too; the v2 line has hierarchy 0 and no controllers.
func ownCgroupPath(e mountEntry, own [][3]string) (string, bool) {
	for _, l := range own {
		id, ctrls, p := l[0], l[1], l[2]
		if e.fstype == "cgroup2" && (id != "0" || ctrls != "") {
			continue
		}
		if e.fstype == "cgroup" && (ctrls == "" || !allIn(strings.Split(ctrls, ","), e.super)) {
			continue
		}
		rel, ok := strings.CutPrefix(p, e.root)
		if e.root == "/" {
			rel, ok = p, true
		}
		if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
			return "", false
		}
		return path.Join(e.point, rel), true
	}
	return "", false
}

func allIn(want, have []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// parseProcCgroup splits /proc/PID/cgroup into hierarchy id, controllers
// and path.
func parseProcCgroup(s string) [][3]string {
	var out [][3]string
	for _, line := range strings.Split(s, "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 {
			out = append(out, [3]string{f[0], f[1], f[2]})
		}
	}
	return out
}

// parseMountinfo reads the lines of /proc/PID/mountinfo (proc(5)): the root
// and mount point are fields 4 and 5, and after the " - " separator come the
// filesystem type, the source and the super block options.
func parseMountinfo(s string) []mountEntry {
	var out []mountEntry
	for _, line := range strings.Split(s, "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 3 {
			continue
		}
		out = append(out, mountEntry{
			root: unescapeOctal(f[3]), point: unescapeOctal(f[4]), fstype: g[0], super: strings.Split(g[2], ","),
		})
	}
	return out
}

// unescapeOctal undoes the kernel's \040-style escaping of space, tab,
// newline and backslash in mountinfo paths.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1:i+4]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	return len(s) == 3 && strings.Trim(s, "01234567") == ""
}
