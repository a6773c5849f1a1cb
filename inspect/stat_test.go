package inspect

import (
	"fmt"
	"testing"
)

func TestParseStat(t *testing.T) {
	rest := " 0 0 0 0 -1 %s 0 0 0 0 0 0 0 0 20 0 1 0 %s 0 0"
	line := func(comm, state, flags, start string) string {
		return "42 (" + comm + ") " + state + fmt.Sprintf(rest, flags, start)
	}
	tests := []struct {
		name   string
		in     string
		want   Stat
		kernel bool
		dead   bool
	}{
		{"sleep", line("sleep", "S", "4194560", "123"), Stat{"sleep", "S", 4194560, 123}, false, false},
		{"kthreadd", line("kthreadd", "S", "2129984", "0"), Stat{"kthreadd", "S", 2129984, 0}, true, false},
		{"forged command", line("x) Z 1 (y", "R", "0", "9"), Stat{"x) Z 1 (y", "R", 0, 9}, false, false},
		{"zombie", line("true", "Z", "4227084", "7"), Stat{"true", "Z", 4227084, 7}, false, true},
		{"exiting", line("sleep", "R", "4194564", "8"), Stat{"sleep", "R", 4194564, 8}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat(tt.in)
			if err != nil || got != tt.want || got.KernelThread() != tt.kernel || got.Gone() != tt.dead {
				t.Errorf("got %+v (kernel thread %v, dead %v), %v; want %+v, %v, %v", got,
					got.KernelThread(), got.Gone(), err, tt.want, tt.kernel, tt.dead)
			}
		})
	}
	for _, bad := range []string{"", "42 sleep S", "42 (sleep) S 1 2"} {
		if _, err := ParseStat(bad); err == nil {
			t.Errorf("ParseStat(%q): got no error", bad)
		}
	}
}
