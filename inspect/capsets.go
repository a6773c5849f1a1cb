package inspect

import (
	"strconv"

	"sandbox/caps"
)

// NewCapSet decodes a capability mask into names and compares it with
// def, the default container set. Bits this build has no name for are
// shown by number: a newer kernel knows capabilities Go does not.
func NewCapSet(mask, def uint64) CapSet {
	return CapSet{
		Mask:    mask,
		Names:   capNames(mask),
		Beyond:  capNames(mask &^ def),
		Missing: capNames(def &^ mask),
	}
}

func capNames(mask uint64) []string {
	known := caps.All()
	names := []string{}
	for bit := 0; bit < 64; bit++ {
		switch {
		case mask&(1<<bit) == 0:
		case bit < len(known):
			names = append(names, known[bit])
		default:
			names = append(names, "CAP_"+strconv.Itoa(bit))
		}
	}
	return names
}

// FullMask is the mask of every capability up to last, cap_last_cap.
func FullMask(last int) uint64 {
	if last >= 63 {
		return ^uint64(0)
	}
	return 1<<(last+1) - 1
}
