package caps

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Sets builds the five sets of a process running as uid from the container's
// capability set and the subset that was added by name. The rule is in the
// package doc.
func Sets(set, added []string, uid uint32) *specs.LinuxCapabilities {
	if uid == 0 {
		return &specs.LinuxCapabilities{
			Bounding:    slices.Clone(set),
			Effective:   slices.Clone(set),
			Permitted:   slices.Clone(set),
			Inheritable: []string{},
			Ambient:     []string{},
		}
	}
	var named []string
	for _, a := range added {
		if slices.Contains(set, a) && !slices.Contains(named, a) {
			named = append(named, a)
		}
	}
	return &specs.LinuxCapabilities{
		Bounding:    slices.Clone(set),
		Effective:   slices.Clone(named),
		Permitted:   slices.Clone(named),
		Inheritable: slices.Clone(named),
		Ambient:     slices.Clone(named),
	}
}
