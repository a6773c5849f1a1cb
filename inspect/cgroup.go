package inspect

import (
	"path"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// CgroupLine is one line of /proc/PID/cgroup: "ID:CONTROLLERS:PATH", with
// no controllers on the v2 (unified) line.
type CgroupLine struct {
	Controllers []string
	Path        string
}

// ParseCgroup reads /proc/PID/cgroup.
func ParseCgroup(text string) []CgroupLine {
	var out []CgroupLine
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		var ctl []string
		if f[1] != "" {
			ctl = strings.Split(f[1], ",")
		}
		out = append(out, CgroupLine{Controllers: ctl, Path: f[2]})
	}
	return out
}

// limitFiles are the files read for each limit, on v1 and on v2. cpu
// reads two files on v1 (quota and period) and one on v2.
var limitFiles = []struct {
	name, controller string
	v1, v2           []string
}{
	{"memory", "memory", []string{"memory.limit_in_bytes"}, []string{"memory.max"}},
	{"pids", "pids", []string{"pids.max"}, []string{"pids.max"}},
	{"cpu", "cpu", []string{"cpu.cfs_quota_us", "cpu.cfs_period_us"}, []string{"cpu.max"}},
	{"cpuset", "cpuset", []string{"cpuset.cpus"}, []string{"cpuset.cpus.effective"}},
}

// LimitPlan is where one limit of a process's cgroup is read: the files,
// as host paths.
type LimitPlan struct {
	Name  string
	Files []string
	V2    bool
}

// PlanLimits finds, for each limit, the host directory of the process's
// cgroup that holds it: the v1 tree of its controller when the host mounts
// one (v1 and hybrid), else the unified tree when v2Controllers, the
// controllers the unified root offers, lists it. hostMounts is the
// caller's own mount table, which sees the host's trees.
func PlanLimits(lines []CgroupLine, hostMounts []*mountinfo.Info, v2Controllers []string) []LimitPlan {
	var out []LimitPlan
	for _, lf := range limitFiles {
		if dir := v1Dir(lines, hostMounts, lf.controller); dir != "" {
			out = append(out, LimitPlan{Name: lf.name, Files: joinAll(dir, lf.v1)})
			continue
		}
		if dir := UnifiedDir(lines, hostMounts); dir != "" && contains(v2Controllers, lf.controller) {
			out = append(out, LimitPlan{Name: lf.name, Files: joinAll(dir, lf.v2), V2: true})
		}
	}
	return out
}

func v1Dir(lines []CgroupLine, mounts []*mountinfo.Info, controller string) string {
	for _, m := range mounts {
		if m.FSType != "cgroup" || !contains(strings.Split(m.VFSOptions, ","), controller) {
			continue
		}
		for _, l := range lines {
			if contains(l.Controllers, controller) {
				return under(m, l.Path)
			}
		}
	}
	return ""
}

// UnifiedDir is the host directory of the process's cgroup on the v2
// (unified) tree, or "" when the host mounts none.
func UnifiedDir(lines []CgroupLine, mounts []*mountinfo.Info) string {
	for _, m := range mounts {
		if m.FSType != "cgroup2" {
			continue
		}
		for _, l := range lines {
			if len(l.Controllers) == 0 {
				return under(m, l.Path)
			}
		}
	}
	return ""
}

// under is the host path of cgroup p in the tree mounted at m, whose root
// is the cgroup m.Root. A cgroup outside that root cannot be reached.
func under(m *mountinfo.Info, p string) string {
	rel, ok := strings.CutPrefix(p, m.Root)
	if !ok {
		return ""
	}
	return path.Join(m.Mountpoint, rel)
}

func joinAll(dir string, files []string) []string {
	var out []string
	for _, f := range files {
		out = append(out, path.Join(dir, f))
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// LimitValue turns the contents of a limit's files into one value: "max"
// for no limit (v1's -1 quota and its huge memory limit included), v2's
// "QUOTA PERIOD" and v1's pair as "QUOTA/PERIOD".
func LimitValue(name string, v2 bool, contents []string) string {
	for i := range contents {
		contents[i] = strings.TrimSpace(contents[i])
	}
	switch {
	case name == "cpu" && v2:
		q, p, _ := strings.Cut(contents[0], " ")
		if q == "max" {
			return "max"
		}
		return q + "/" + p
	case name == "cpu" && len(contents) == 2:
		if strings.HasPrefix(contents[0], "-") {
			return "max"
		}
		return contents[0] + "/" + contents[1]
	case name == "memory" && !v2 && len(contents[0]) >= 19:
		return "max" // v1's "no limit" is the largest page multiple
	}
	return contents[0]
}

// FreezerPlan is the file that tells whether the process's cgroup is
// frozen: freezer.state of the v1 freezer tree, or cgroup.events of the
// unified tree where no v1 freezer is mounted. "" when there is neither.
func FreezerPlan(lines []CgroupLine, hostMounts []*mountinfo.Info) (file string, v2 bool) {
	if dir := v1Dir(lines, hostMounts, "freezer"); dir != "" {
		return path.Join(dir, "freezer.state"), false
	}
	if dir := UnifiedDir(lines, hostMounts); dir != "" {
		return path.Join(dir, "cgroup.events"), true
	}
	return "", false
}

// IsFrozen reads the contents of the file FreezerPlan named: v1's
// FROZEN or FREEZING, or v2's "frozen 1" line.
func IsFrozen(contents string, v2 bool) bool {
	if !v2 {
		s := strings.TrimSpace(contents)
		return s == "FROZEN" || s == "FREEZING"
	}
	for _, line := range strings.Split(contents, "\n") {
		if strings.TrimSpace(line) == "frozen 1" {
			return true
		}
	}
	return false
}
