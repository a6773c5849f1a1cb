package caps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moby/sys/capability"
)

// Default is the capability set a container gets when no flag changes it:
// the set Docker and podman grant. runc's `spec` template is narrower
// (AUDIT_WRITE, KILL, NET_BIND_SERVICE only).
var Default = []string{
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
}

// All returns the name of every capability known to this build, in kernel
// order, as CAP_ names.
func All() []string {
	var names []string
	for _, c := range capability.ListKnown() {
		names = append(names, "CAP_"+strings.ToUpper(c.String()))
	}
	return names
}

// Parse turns a capability name into its kernel number. It accepts the
// CAP_ prefix or not, in any case: "CAP_NET_RAW", "net_raw", "Net_Raw".
func Parse(name string) (capability.Cap, error) {
	want := strings.TrimPrefix(strings.ToUpper(name), "CAP_")
	for _, c := range capability.ListKnown() {
		if strings.ToUpper(c.String()) == want {
			return c, nil
		}
	}
	return 0, unknown(name, "")
}

// unknown names the valid capabilities; more adds what a flag also takes.
func unknown(name, more string) error {
	return fmt.Errorf("unknown capability %q (valid names: %s%s)", name, strings.Join(shortNames(), ", "), more)
}

// Canonical returns the CAP_ name of a capability given in any accepted form.
func Canonical(name string) (string, error) {
	c, err := Parse(name)
	if err != nil {
		return "", err
	}
	return "CAP_" + strings.ToUpper(c.String()), nil
}

func shortNames() []string {
	var names []string
	for _, n := range All() {
		names = append(names, strings.TrimPrefix(n, "CAP_"))
	}
	return names
}

// Mask returns the bit mask of a list of names, as /proc/PID/status prints
// the sets.
func Mask(names []string) (uint64, error) {
	var m uint64
	for _, n := range names {
		c, err := Parse(n)
		if err != nil {
			return 0, err
		}
		m |= 1 << uint(c)
	}
	return m, nil
}

// Resolve computes the container's capability set from the default set and
// the docker-style flags. dropAll empties the start set (as does "ALL" in
// drop); "ALL" in add starts from every capability. Drops are applied before
// adds, and naming one capability in both is an error, because either outcome
// would surprise somebody.
func Resolve(dropAll bool, add, drop []string) ([]string, error) {
	addAll, adds, err := canonicalList(add)
	if err != nil {
		return nil, fmt.Errorf("--cap-add: %w", err)
	}
	dropEvery, drops, err := canonicalList(drop)
	if err != nil {
		return nil, fmt.Errorf("--cap-drop: %w", err)
	}
	if addAll && dropEvery {
		return nil, fmt.Errorf("ALL is both added and dropped: keep one of --cap-add ALL and --cap-drop ALL")
	}
	for _, a := range adds {
		if slices.Contains(drops, a) {
			return nil, fmt.Errorf("capability %s is both added and dropped: keep one of --cap-add and --cap-drop", a)
		}
	}

	var set []string
	switch {
	case addAll:
		set = All()
	case dropAll || dropEvery:
		set = nil
	default:
		set = slices.Clone(Default)
	}
	if !dropEvery {
		set = slices.DeleteFunc(set, func(n string) bool { return slices.Contains(drops, n) })
	}
	for _, a := range adds {
		if !slices.Contains(set, a) {
			set = append(set, a)
		}
	}
	return sortByNumber(set), nil
}

// canonicalList reports whether names holds "ALL" and returns the others in
// CAP_ form.
func canonicalList(names []string) (bool, []string, error) {
	all := false
	var out []string
	for _, n := range names {
		if strings.EqualFold(n, "ALL") {
			all = true
			continue
		}
		c, err := Canonical(n)
		if err != nil {
			return false, nil, unknown(n, ", or ALL")
		}
		out = append(out, c)
	}
	return all, out, nil
}

func sortByNumber(names []string) []string {
	slices.SortFunc(names, func(a, b string) int {
		ca, _ := Parse(a)
		cb, _ := Parse(b)
		return int(ca) - int(cb)
	})
	return names
}
