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
// layout is the host's, read by the caller before it entered its cgroup
// namespace (see cgroups.MountPlan).
func expandCgroupMounts(s *specs.Spec, layout cgroups.Layout) ([]specs.Mount, []string) {
	if !HasCgroupMount(s) {
		return s.Mounts, s.Linux.ReadonlyPaths
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
	return mounts, readonly
}

// HasCgroupMount reports whether s has a mount of type "cgroup", for which
// Prepare needs the host's cgroup layout.
func HasCgroupMount(s *specs.Spec) bool {
	return slices.ContainsFunc(s.Mounts, func(m specs.Mount) bool { return m.Type == "cgroup" })
}
