package rootfs

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/spec"
)

// plannedMount is a mount to make, and whether the runtime wrote it itself
// rather than taking it from the config.
type plannedMount struct {
	specs.Mount
	runtime bool
}

// expandCgroupMounts replaces each mount of type "cgroup" with the mounts
// that show the container its own cgroup (cgroups.MountPlan), and returns
// the read-only paths with those the plan adds. A "cgroup2" mount is made
// as it is written. The plan's mounts are the runtime's own: tmpfs and
// binds under /sys/fs/cgroup, which a config may not ask for.
//
// layout is the host's, read by the caller before it entered its cgroup
// namespace (see cgroups.MountPlan).
func expandCgroupMounts(s *specs.Spec, layout cgroups.Layout) ([]plannedMount, []string) {
	inNS := spec.HasNamespace(s, specs.CgroupNamespace)
	var mounts []plannedMount
	readonly := slices.Clone(s.Linux.ReadonlyPaths)
	for _, m := range s.Mounts {
		if m.Type != "cgroup" {
			mounts = append(mounts, plannedMount{Mount: m})
			continue
		}
		plan, ro := cgroups.MountPlan(m, layout, inNS)
		for _, p := range plan {
			mounts = append(mounts, plannedMount{Mount: p, runtime: true})
		}
		readonly = append(readonly, ro...)
	}
	return mounts, readonly
}

// HasCgroupMount reports whether s has a mount of type "cgroup", for which
// Prepare needs the host's cgroup layout.
func HasCgroupMount(s *specs.Spec) bool {
	return slices.ContainsFunc(s.Mounts, func(m specs.Mount) bool { return m.Type == "cgroup" })
}
