package inspect

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseIDMap reads /proc/PID/uid_map or gid_map: lines of "inside outside
// size" (user_namespaces(7)).
func ParseIDMap(text string) ([]IDRange, error) {
	out := []IDRange{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("id map line %q: want 3 fields", line)
		}
		var n [3]uint32
		for i := range f {
			v, err := strconv.ParseUint(f[i], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("id map line %q: %w", line, err)
			}
			n[i] = uint32(v)
		}
		out = append(out, IDRange{Inside: n[0], Outside: n[1], Size: n[2]})
	}
	return out, nil
}

// HostID returns the id outside the namespace that id inside maps to, or
// -1 when no range holds it.
func HostID(m []IDRange, id uint32) int64 {
	for _, r := range m {
		if id >= r.Inside && uint64(id) < uint64(r.Inside)+uint64(r.Size) {
			return int64(r.Outside) + int64(id-r.Inside)
		}
	}
	return -1
}

// overflowID is what the kernel shows for an id with no mapping in the
// reader's namespace (/proc/sys/kernel/overflowuid, by default).
const overflowID = 65534

// InsideID returns the id inside the namespace that host id hostID is, or
// the overflow id, 65534, when no range holds it.
func InsideID(m []IDRange, hostID uint32) uint32 {
	for _, r := range m {
		if hostID >= r.Outside && uint64(hostID) < uint64(r.Outside)+uint64(r.Size) {
			return r.Inside + (hostID - r.Outside)
		}
	}
	return overflowID
}

// insideIDs maps each host id of ids into the namespace.
func insideIDs(m []IDRange, ids []uint32) []uint32 {
	out := make([]uint32, len(ids))
	for i, id := range ids {
		out[i] = InsideID(m, id)
	}
	return out
}
