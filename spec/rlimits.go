package spec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Unlimited is RLIM_INFINITY, the value "unlimited" and -1 stand for.
const Unlimited = math.MaxUint64

// rlimits maps each process.rlimits type to its setrlimit(2) resource.
var rlimits = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// RlimitResource is the setrlimit(2) resource of a process.rlimits type
// such as "RLIMIT_NOFILE".
func RlimitResource(typ string) (int, bool) {
	r, ok := rlimits[typ]
	return r, ok
}

// ParseUlimit reads one --ulimit NAME=SOFT[:HARD], docker's syntax: NAME
// is the limit without its RLIMIT_ prefix, in lower case (nofile, nproc,
// core...), each value a number, -1 or "unlimited", and HARD defaults to
// SOFT.
func ParseUlimit(v string) (specs.POSIXRlimit, error) {
	name, values, ok := strings.Cut(v, "=")
	if !ok || name == "" || values == "" {
		return specs.POSIXRlimit{}, fmt.Errorf("--ulimit %q: write it as NAME=SOFT[:HARD], as in nofile=1024:2048", v)
	}
	typ := "RLIMIT_" + strings.ToUpper(name)
	if _, ok := rlimits[typ]; !ok || name != strings.ToLower(name) {
		return specs.POSIXRlimit{}, fmt.Errorf("--ulimit %q: unknown limit %s (use one of %s)", v, name, ulimitNames())
	}
	softText, hardText, hasHard := strings.Cut(values, ":")
	soft, err := parseRlimitValue(softText)
	if err != nil {
		return specs.POSIXRlimit{}, fmt.Errorf("--ulimit %q: %w", v, err)
	}
	hard := soft
	if hasHard {
		if hard, err = parseRlimitValue(hardText); err != nil {
			return specs.POSIXRlimit{}, fmt.Errorf("--ulimit %q: %w", v, err)
		}
	}
	if soft > hard {
		return specs.POSIXRlimit{}, fmt.Errorf("--ulimit %q: the soft limit is above the hard limit", v)
	}
	return specs.POSIXRlimit{Type: typ, Soft: soft, Hard: hard}, nil
}

func parseRlimitValue(s string) (uint64, error) {
	if s == "unlimited" || s == "-1" {
		return Unlimited, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("limit %q: give a number, -1 or unlimited", s)
	}
	return n, nil
}

// ulimitNames lists the names --ulimit takes, sorted.
func ulimitNames() string {
	names := make([]string, 0, len(rlimits))
	for typ := range rlimits {
		names = append(names, strings.ToLower(strings.TrimPrefix(typ, "RLIMIT_")))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func setRlimits(s *specs.Spec, o Options) error {
	for _, u := range o.Ulimits {
		r, err := ParseUlimit(u)
		if err != nil {
			return err
		}
		// A later --ulimit of the same name wins, as in docker.
		s.Process.Rlimits = slices.DeleteFunc(s.Process.Rlimits, func(old specs.POSIXRlimit) bool {
			return old.Type == r.Type
		})
		s.Process.Rlimits = append(s.Process.Rlimits, r)
	}
	return nil
}

// validateRlimits refuses what setrlimit(2) would refuse, or what would
// leave the result unclear: unknown types, a soft limit above the hard
// one, and a type given twice.
func validateRlimits(s *specs.Spec) error {
	seen := map[string]bool{}
	for _, r := range s.Process.Rlimits {
		if _, ok := rlimits[r.Type]; !ok {
			return fmt.Errorf("process.rlimits: unknown type %q: Linux has %s", r.Type, rlimitTypes())
		}
		if r.Soft > r.Hard {
			return fmt.Errorf("process.rlimits: %s has soft limit %d above its hard limit %d", r.Type, r.Soft, r.Hard)
		}
		if seen[r.Type] {
			return fmt.Errorf("process.rlimits: %s is listed twice", r.Type)
		}
		seen[r.Type] = true
	}
	return nil
}

func rlimitTypes() string {
	types := make([]string, 0, len(rlimits))
	for typ := range rlimits {
		types = append(types, typ)
	}
	slices.Sort(types)
	return strings.Join(types, ", ")
}
