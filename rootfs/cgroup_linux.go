package rootfs

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/spec"
)

// expandCgroupMounts replaces each mount of type "cgroup" with the mounts
// that show the container its own cgroup (cgroups.MountPlan), and returns
// the read-only paths with those the plan adds. A "cgroup2" mount is made
// as it is written.
//
// Preconditions: in the container's cgroup, and in its cgroup namespace
// when the config asks for one; before pivot_root, as the host's cgroup
// mounts are read to learn the layout.
func expandCgroupMounts(s *specs.Spec) ([]specs.Mount, []string, error) {
	i := slices.IndexFunc(s.Mounts, func(m specs.Mount) bool { return m.Type == "cgroup" })
	if i < 0 {
		return s.Mounts, s.Linux.ReadonlyPaths, nil
	}
	layout, err := cgroups.HostLayout()
	if err != nil {
		return nil, nil, err
	}
	inNS := spec.HasNamespace(s, specs.CgroupNamespace)
	var mounts []specs.Mount
	readonly := slices.Clone(s.Linux.ReadonlyPaths)
	for _, m := range s.Mounts {
		if m.Type != "cgroup" {
			mounts = append(mounts, m)
			continue
		}
		plan, ro := cgroups.MountPlan(m, layout, inNS)
		mounts = append(mounts, plan...)
		readonly = append(readonly, ro...)
	}
	return mounts, readonly, nil
}
