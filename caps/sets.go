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

// Withheld returns the names in order whose capability is missing from
// bounding, a mask as Mask computes it, each once. Unknown names are left
// to Parse to report.
func Withheld(names []string, bounding uint64) []string {
	var out []string
	for _, n := range names {
		c, err := Parse(n)
		if err == nil && bounding&(1<<uint(c)) == 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Granted is set without the capabilities missing from bounding, except
// those named in keep, which stay so that using them fails by name. It is
// what "--cap-add ALL" means: all that the host grants.
func Granted(set []string, bounding uint64, keep []string) []string {
	return slices.DeleteFunc(slices.Clone(set), func(n string) bool {
		return len(Withheld([]string{n}, bounding)) > 0 && !slices.Contains(keep, n)
	})
}
