package inspect

import (
	"fmt"
	"strings"
)

// ParseLimits reads /proc/PID/limits, whose columns are aligned with
// spaces and whose limit names contain spaces too: the name ends where the
// column of the soft limit starts, as the header shows.
func ParseLimits(text string) ([]Rlimit, error) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) < 1 || !strings.HasPrefix(lines[0], "Limit") {
		return nil, fmt.Errorf("limits: no header line")
	}
	soft := strings.Index(lines[0], "Soft Limit")
	if soft < 0 {
		return nil, fmt.Errorf("limits: header %q has no Soft Limit column", lines[0])
	}
	var out []Rlimit
	for _, l := range lines[1:] {
		if len(l) <= soft {
			return nil, fmt.Errorf("limits: short line %q", l)
		}
		f := strings.Fields(l[soft:])
		if len(f) < 2 {
			return nil, fmt.Errorf("limits: line %q: want soft and hard limits", l)
		}
		r := Rlimit{Name: strings.TrimSpace(l[:soft]), Soft: f[0], Hard: f[1]}
		if len(f) > 2 {
			r.Units = f[2]
		}
		out = append(out, r)
	}
	return out, nil
}
