package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// UserNSSize is how many ids --userns maps: container ids 0 to 65535.
const UserNSSize = 65536

// DefaultUserNSStart is the first host id that --userns maps container root
// to when /etc/subuid (or /etc/subgid) has no range of that size for root.
const DefaultUserNSStart = 1_000_000

// maxMapLines is the kernel's limit on lines in uid_map and gid_map.
const maxMapLines = 340

// ParseIDMap reads one CONTAINER:HOST:SIZE mapping.
func ParseIDMap(s string) (specs.LinuxIDMapping, error) {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return specs.LinuxIDMapping{}, fmt.Errorf("%q: write it as CONTAINER:HOST:SIZE, as in 0:100000:65536", s)
	}
	var n [3]uint64
	for i, name := range []string{"container id", "host id", "size"} {
		v, err := strconv.ParseUint(f[i], 10, 32)
		if err != nil {
			return specs.LinuxIDMapping{}, fmt.Errorf("%q: %s %q is not a number from 0 to 4294967295", s, name, f[i])
		}
		n[i] = v
	}
	if n[2] == 0 {
		return specs.LinuxIDMapping{}, fmt.Errorf("%q: size must be at least 1", s)
	}
	// Id 4294967295 is (uid_t)-1 and can never be mapped: the kernel
	// refuses any range that reaches it.
	if n[0]+n[2] >= 1<<32 || n[1]+n[2] >= 1<<32 {
		return specs.LinuxIDMapping{}, fmt.Errorf("%q: the range runs past id 4294967295", s)
	}
	return specs.LinuxIDMapping{ContainerID: uint32(n[0]), HostID: uint32(n[1]), Size: uint32(n[2])}, nil
}

// ValidateIDMaps checks a uid or gid map as the kernel will (user_namespaces(7)):
// at most 340 lines, and no two lines overlapping on either side.
func ValidateIDMaps(kind string, maps []specs.LinuxIDMapping) error {
	if len(maps) > maxMapLines {
		return fmt.Errorf("%s map has %d lines: the kernel takes at most %d", kind, len(maps), maxMapLines)
	}
	for i, a := range maps {
		if a.Size == 0 {
			return fmt.Errorf("%s map line %d: size must be at least 1", kind, i+1)
		}
		for _, b := range maps[:i] {
			if overlaps(a.ContainerID, b.ContainerID, a.Size, b.Size) {
				return fmt.Errorf("%s map: container ranges %s and %s overlap", kind, mapString(b), mapString(a))
			}
			if overlaps(a.HostID, b.HostID, a.Size, b.Size) {
				return fmt.Errorf("%s map: host ranges %s and %s overlap", kind, mapString(b), mapString(a))
			}
		}
	}
	return nil
}

func overlaps(a, b, sa, sb uint32) bool {
	return uint64(a) < uint64(b)+uint64(sb) && uint64(b) < uint64(a)+uint64(sa)
}

func mapString(m specs.LinuxIDMapping) string {
	return fmt.Sprintf("%d:%d:%d", m.ContainerID, m.HostID, m.Size)
}

// Mapped reports whether a container id falls inside the maps.
func Mapped(maps []specs.LinuxIDMapping, id uint32) bool {
	_, ok := HostID(maps, id)
	return ok
}

// HostID returns the host id that container id takes through maps.
func HostID(maps []specs.LinuxIDMapping, id uint32) (uint32, bool) {
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return m.HostID + (id - m.ContainerID), true
		}
	}
	return 0, false
}

// DescribeMapped lists the container ranges of maps, as "0-65535".
func DescribeMapped(maps []specs.LinuxIDMapping) string {
	var parts []string
	for _, m := range maps {
		parts = append(parts, fmt.Sprintf("%d-%d", m.ContainerID, uint64(m.ContainerID)+uint64(m.Size)-1))
	}
	return strings.Join(parts, ", ")
}

// SubIDStart finds the first range of at least size ids that a subordinate
// id file (subuid(5), subgid(5)) grants to the user named name or with the
// numeric id uid.
func SubIDStart(data []byte, name string, uid int, size uint32) (uint32, bool) {
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		f := strings.Split(strings.TrimSpace(s.Text()), ":")
		if len(f) != 3 || (f[0] != name && f[0] != strconv.Itoa(uid)) {
			continue
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 == nil && err2 == nil && count >= uint64(size) && start+uint64(size) < 1<<32 {
			return uint32(start), true
		}
	}
	return 0, false
}

// userNSStart picks the host start of --userns: the subordinate range of the
// calling user in file, or DefaultUserNSStart.
func userNSStart(file string) uint32 {
	data, err := os.ReadFile(file)
	if err != nil {
		return DefaultUserNSStart
	}
	name := "root"
	if uid := os.Geteuid(); uid != 0 {
		name = strconv.Itoa(uid)
	}
	if start, ok := SubIDStart(data, name, os.Geteuid(), UserNSSize); ok {
		return start
	}
	return DefaultUserNSStart
}

func setIDMaps(s *specs.Spec, o Options) error {
	if !o.UserNS && len(o.UIDMaps) == 0 && len(o.GIDMaps) == 0 {
		return nil
	}
	uids, err := parseMaps("--uid-map", o.UIDMaps)
	if err != nil {
		return err
	}
	gids, err := parseMaps("--gid-map", o.GIDMaps)
	if err != nil {
		return err
	}
	switch {
	case len(uids) == 0 && len(gids) == 0 && os.Geteuid() != 0:
		// Without privilege the kernel lets a process map only its own ids.
		uids = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Geteuid()), Size: 1}}
		gids = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Getegid()), Size: 1}}
	case len(uids) == 0 && len(gids) == 0:
		uids = []specs.LinuxIDMapping{{HostID: userNSStart("/etc/subuid"), Size: UserNSSize}}
		gids = []specs.LinuxIDMapping{{HostID: userNSStart("/etc/subgid"), Size: UserNSSize}}
	case len(gids) == 0:
		gids = uids // as podman does: one map for both when only one is given
	case len(uids) == 0:
		return fmt.Errorf("--gid-map needs a --uid-map too")
	}
	s.Linux.UIDMappings, s.Linux.GIDMappings = uids, gids
	return nil
}

func parseMaps(flag string, in []string) ([]specs.LinuxIDMapping, error) {
	var out []specs.LinuxIDMapping
	for _, v := range in {
		m, err := ParseIDMap(v)
		if err != nil {
			return nil, fmt.Errorf("%s %w", flag, err)
		}
		out = append(out, m)
	}
	return out, nil
}
