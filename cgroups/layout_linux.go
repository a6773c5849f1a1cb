package cgroups

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// HostLayout reads the cgroup trees the host mounts under /sys/fs/cgroup
// and the cgroup the calling process is in on each. In the child stage it
// runs before pivot_root, while the host's mounts are still in view.
func HostLayout() (Layout, error) {
	infos, err := mountinfo.GetMounts(func(i *mountinfo.Info) (skip, stop bool) {
		cg := i.FSType == "cgroup" || i.FSType == "cgroup2"
		return !cg || !strings.HasPrefix(i.Mountpoint, "/sys/fs/cgroup"), false
	})
	if err != nil {
		return Layout{}, fmt.Errorf("cgroups: read the host's cgroup mounts: %w", err)
	}
	own, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return Layout{}, fmt.Errorf("cgroups: %w", err)
	}
	return layoutFrom(infos, string(own)), nil
}

// layoutFrom joins the mounts with /proc/self/cgroup's lines
// ("ID:CONTROLLERS:PATH"). A tree mounted twice counts once.
func layoutFrom(infos []*mountinfo.Info, procCgroup string) Layout {
	paths := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(procCgroup), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[1] == "" {
			paths[""] = f[2]
		}
		for _, c := range strings.Split(f[1], ",") {
			paths[c] = f[2]
		}
	}
	var l Layout
	seen := map[string]bool{}
	for _, i := range infos {
		t := Tree{Mountpoint: i.Mountpoint, Root: i.Root, V2: i.FSType == "cgroup2"}
		if !t.V2 {
			t.Options = treeOptions(i.VFSOptions)
		}
		own, ok := paths[ownKey(t)]
		if !ok || seen[t.Options+":"+fmt.Sprint(t.V2)] {
			continue
		}
		seen[t.Options+":"+fmt.Sprint(t.V2)] = true
		t.Own = own
		l.Trees = append(l.Trees, t)
	}
	return l
}
