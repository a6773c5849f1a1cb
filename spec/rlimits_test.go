package spec

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseUlimit(t *testing.T) {
	tests := []struct {
		in   string
		want specs.POSIXRlimit
	}{
		{"nofile=1024:2048", specs.POSIXRlimit{Type: "RLIMIT_NOFILE", Soft: 1024, Hard: 2048}},
		{"nofile=1024", specs.POSIXRlimit{Type: "RLIMIT_NOFILE", Soft: 1024, Hard: 1024}},
		{"core=0:unlimited", specs.POSIXRlimit{Type: "RLIMIT_CORE", Soft: 0, Hard: Unlimited}},
		{"core=-1", specs.POSIXRlimit{Type: "RLIMIT_CORE", Soft: Unlimited, Hard: Unlimited}},
		{"memlock=unlimited:-1", specs.POSIXRlimit{Type: "RLIMIT_MEMLOCK", Soft: Unlimited, Hard: Unlimited}},
		{"nproc=10:20", specs.POSIXRlimit{Type: "RLIMIT_NPROC", Soft: 10, Hard: 20}},
		{"stack=8388608", specs.POSIXRlimit{Type: "RLIMIT_STACK", Soft: 8388608, Hard: 8388608}},
		{"cpu=1:2", specs.POSIXRlimit{Type: "RLIMIT_CPU", Soft: 1, Hard: 2}},
		{"fsize=0", specs.POSIXRlimit{Type: "RLIMIT_FSIZE", Soft: 0, Hard: 0}},
		{"sigpending=5", specs.POSIXRlimit{Type: "RLIMIT_SIGPENDING", Soft: 5, Hard: 5}},
		{"as=1", specs.POSIXRlimit{Type: "RLIMIT_AS", Soft: 1, Hard: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseUlimit(tt.in)
			if err != nil {
				t.Fatalf("got error %v, want %+v", err, tt.want)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseUlimitErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nofile", `--ulimit "nofile": write it as NAME=SOFT[:HARD], as in nofile=1024:2048`},
		{"=5", `--ulimit "=5": write it as NAME=SOFT[:HARD], as in nofile=1024:2048`},
		{"nofile=", `--ulimit "nofile=": write it as NAME=SOFT[:HARD], as in nofile=1024:2048`},
		{"files=5", `--ulimit "files=5": unknown limit files (use one of as, core, cpu, data, fsize, locks, ` +
			`memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)`},
		{"NOFILE=5", `--ulimit "NOFILE=5": unknown limit NOFILE (use one of as, core, cpu, data, fsize, locks, ` +
			`memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)`},
		{"nofile=ten", `--ulimit "nofile=ten": limit "ten": give a number, -1 or unlimited`},
		{"nofile=1:-2", `--ulimit "nofile=1:-2": limit "-2": give a number, -1 or unlimited`},
		{"nofile=2048:1024", `--ulimit "nofile=2048:1024": the soft limit is above the hard limit`},
		{"nofile=unlimited:1024", `--ulimit "nofile=unlimited:1024": the soft limit is above the hard limit`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseUlimit(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewUlimits(t *testing.T) {
	s := newSpec(t, Options{Ulimits: []string{"nofile=1024:2048", "core=0", "nofile=10"}})
	want := []specs.POSIXRlimit{
		{Type: "RLIMIT_CORE", Soft: 0, Hard: 0},
		{Type: "RLIMIT_NOFILE", Soft: 10, Hard: 10},
	}
	if !reflect.DeepEqual(s.Process.Rlimits, want) {
		t.Errorf("process.rlimits: got %+v, want %+v (a later --ulimit of one name wins)", s.Process.Rlimits, want)
	}
	if s := newSpec(t, Options{}); s.Process.Rlimits != nil {
		t.Errorf("process.rlimits without --ulimit: got %+v, want none", s.Process.Rlimits)
	}
}

func TestValidateRlimits(t *testing.T) {
	tests := []struct {
		name    string
		rlimits []specs.POSIXRlimit
		want    string
	}{
		{"none", nil, ""},
		{"every type", func() []specs.POSIXRlimit {
			var all []specs.POSIXRlimit
			for typ := range rlimits {
				all = append(all, specs.POSIXRlimit{Type: typ, Soft: 1, Hard: 2})
			}
			return all
		}(), ""},
		{"soft equals hard", []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 5, Hard: 5}}, ""},
		{"unlimited", []specs.POSIXRlimit{{Type: "RLIMIT_CORE", Soft: Unlimited, Hard: Unlimited}}, ""},
		{"unknown type", []specs.POSIXRlimit{{Type: "RLIMIT_TEST", Soft: 1024, Hard: 1024}},
			`process.rlimits: unknown type "RLIMIT_TEST": Linux has RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, ` +
				`RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, ` +
				`RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK`},
		{"lower case type", []specs.POSIXRlimit{{Type: "rlimit_nofile", Soft: 1, Hard: 1}},
			`process.rlimits: unknown type "rlimit_nofile": Linux has RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, ` +
				`RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, ` +
				`RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK`},
		{"soft above hard", []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 4000, Hard: 3000}},
			"process.rlimits: RLIMIT_NOFILE has soft limit 4000 above its hard limit 3000"},
		{"twice", []specs.POSIXRlimit{{Type: "RLIMIT_CPU", Soft: 1, Hard: 1}, {Type: "RLIMIT_CPU", Soft: 2, Hard: 2}},
			"process.rlimits: RLIMIT_CPU is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			s.Process.Rlimits = tt.rlimits
			got := ""
			if err := Validate(s); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateOOMScoreAdj(t *testing.T) {
	for _, tt := range []struct {
		adj  int
		want string
	}{
		{-1000, ""}, {0, ""}, {500, ""}, {1000, ""},
		{-1001, "process.oomScoreAdj -1001 is out of range: the kernel takes -1000 to 1000"},
		{1001, "process.oomScoreAdj 1001 is out of range: the kernel takes -1000 to 1000"},
	} {
		s := validSpec()
		s.Process.OOMScoreAdj = &tt.adj
		got := ""
		if err := Validate(s); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("oomScoreAdj %d: got error %q, want %q", tt.adj, got, tt.want)
		}
	}
}

func TestInheritLimits(t *testing.T) {
	adj := 300
	container := &specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1, Hard: 2}}, OOMScoreAdj: &adj}
	own := 7
	tests := []struct {
		name string
		p    specs.Process
		want specs.Process
	}{
		{"left out", specs.Process{}, specs.Process{Rlimits: container.Rlimits, OOMScoreAdj: &adj}},
		{"own", specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_CPU", Soft: 3, Hard: 3}}, OOMScoreAdj: &own},
			specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_CPU", Soft: 3, Hard: 3}}, OOMScoreAdj: &own}},
		{"empty list", specs.Process{Rlimits: []specs.POSIXRlimit{}},
			specs.Process{Rlimits: []specs.POSIXRlimit{}, OOMScoreAdj: &adj}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			InheritLimits(&p, container)
			if !reflect.DeepEqual(p, tt.want) {
				t.Errorf("got %+v, want %+v", p, tt.want)
			}
		})
	}
}
