package inspect

import (
	"fmt"
	"strconv"
	"strings"
)

// Status is what Read takes from /proc/PID/status.
type Status struct {
	Tgid           int // the thread group (process) this task belongs to
	NSpid          []int
	Uid, Gid       [4]uint32
	Groups         []uint32
	CapInh, CapPrm uint64
	CapEff, CapBnd uint64
	CapAmb         uint64
	NoNewPrivs     bool
	Seccomp        int // 0 disabled, 1 strict, 2 filter
	SeccompFilters int
}

// ParseStatus reads the fields of /proc/PID/status that inspect reports.
// Fields the kernel is too old to print (Seccomp_filters before 5.9) stay
// zero; a field it prints that does not parse is an error.
func ParseStatus(text string) (Status, error) {
	var s Status
	for _, line := range strings.Split(text, "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if err := s.set(key, strings.TrimSpace(val)); err != nil {
			return Status{}, fmt.Errorf("status: %s: %w", key, err)
		}
	}
	if len(s.NSpid) == 0 {
		return Status{}, fmt.Errorf("status: no NSpid line")
	}
	return s, nil
}

func (s *Status) set(key, val string) error {
	var err error
	switch key {
	case "Tgid":
		s.Tgid, err = strconv.Atoi(val)
	case "NSpid":
		s.NSpid, err = ints(val)
	case "Uid":
		s.Uid, err = four(val)
	case "Gid":
		s.Gid, err = four(val)
	case "Groups":
		s.Groups, err = uints(val)
	case "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb":
		err = s.setCap(key, val)
	case "NoNewPrivs":
		s.NoNewPrivs = val == "1"
	case "Seccomp":
		s.Seccomp, err = strconv.Atoi(val)
	case "Seccomp_filters":
		s.SeccompFilters, err = strconv.Atoi(val)
	}
	return err
}

func (s *Status) setCap(key, val string) error {
	m, err := strconv.ParseUint(val, 16, 64)
	if err != nil {
		return err
	}
	*map[string]*uint64{
		"CapInh": &s.CapInh, "CapPrm": &s.CapPrm, "CapEff": &s.CapEff,
		"CapBnd": &s.CapBnd, "CapAmb": &s.CapAmb,
	}[key] = m
	return nil
}

func ints(val string) ([]int, error) {
	var out []int
	for _, f := range strings.Fields(val) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func uints(val string) ([]uint32, error) {
	out := []uint32{}
	for _, f := range strings.Fields(val) {
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, uint32(n))
	}
	return out, nil
}

func four(val string) ([4]uint32, error) {
	var out [4]uint32
	ids, err := uints(val)
	if err != nil {
		return out, err
	}
	if len(ids) != 4 {
		return out, fmt.Errorf("got %d ids, want 4", len(ids))
	}
	copy(out[:], ids)
	return out, nil
}
