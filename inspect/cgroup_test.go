package inspect

import (
	"slices"
	"testing"

	"github.com/moby/sys/mountinfo"
)

func TestParseCgroup(t *testing.T) {
	got := ParseCgroup("4:memory:/sandbox/a\n3:cpu,cpuacct:/sandbox/a\n1:name=systemd:/x\n0::/sandbox/a\nbad\n")
	if len(got) != 4 {
		t.Fatalf("ParseCgroup: got %d lines, want 4: %+v", len(got), got)
	}
	if !slices.Equal(got[1].Controllers, []string{"cpu", "cpuacct"}) || got[1].Path != "/sandbox/a" {
		t.Errorf("ParseCgroup: cpu line: got %+v", got[1])
	}
	if got[3].Controllers != nil || got[3].Path != "/sandbox/a" {
		t.Errorf("ParseCgroup: unified line: got %+v", got[3])
	}
}

func TestPlanLimits(t *testing.T) {
	v1 := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup/memory", Root: "/", FSType: "cgroup", VFSOptions: "rw,memory"},
		{Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", Root: "/", FSType: "cgroup", VFSOptions: "rw,cpu,cpuacct"},
		{Mountpoint: "/sys/fs/cgroup/pids", Root: "/", FSType: "cgroup", VFSOptions: "rw,pids"},
		{Mountpoint: "/sys/fs/cgroup/cpuset", Root: "/", FSType: "cgroup", VFSOptions: "rw,cpuset"},
	}
	hybrid := append(slices.Clone(v1),
		&mountinfo.Info{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", FSType: "cgroup2"})
	v2 := []*mountinfo.Info{{Mountpoint: "/sys/fs/cgroup", Root: "/", FSType: "cgroup2"}}
	v1Lines := ParseCgroup("5:cpuset:/s/c\n4:pids:/s/c\n3:memory:/s/c\n2:cpu,cpuacct:/s/c\n")
	v2Lines := ParseCgroup("0::/s/c\n")

	tests := []struct {
		name        string
		lines       []CgroupLine
		mounts      []*mountinfo.Info
		controllers []string
		want        []LimitPlan
	}{
		{"v1", v1Lines, v1, nil, []LimitPlan{
			{"memory", []string{"/sys/fs/cgroup/memory/s/c/memory.limit_in_bytes"}, false},
			{"pids", []string{"/sys/fs/cgroup/pids/s/c/pids.max"}, false},
			{"cpu", []string{"/sys/fs/cgroup/cpu,cpuacct/s/c/cpu.cfs_quota_us",
				"/sys/fs/cgroup/cpu,cpuacct/s/c/cpu.cfs_period_us"}, false},
			{"cpuset", []string{"/sys/fs/cgroup/cpuset/s/c/cpuset.cpus"}, false},
		}},
		{"hybrid: v1 holds the controllers", append(v1Lines, v2Lines...), hybrid, nil, []LimitPlan{
			{"memory", []string{"/sys/fs/cgroup/memory/s/c/memory.limit_in_bytes"}, false},
			{"pids", []string{"/sys/fs/cgroup/pids/s/c/pids.max"}, false},
			{"cpu", []string{"/sys/fs/cgroup/cpu,cpuacct/s/c/cpu.cfs_quota_us",
				"/sys/fs/cgroup/cpu,cpuacct/s/c/cpu.cfs_period_us"}, false},
			{"cpuset", []string{"/sys/fs/cgroup/cpuset/s/c/cpuset.cpus"}, false},
		}},
		{"v2 with memory and pids enabled", v2Lines, v2, []string{"memory", "pids"}, []LimitPlan{
			{"memory", []string{"/sys/fs/cgroup/s/c/memory.max"}, true},
			{"pids", []string{"/sys/fs/cgroup/s/c/pids.max"}, true},
		}},
		{"v2 in a cgroup namespace's mount", ParseCgroup("0::/s/c/sub\n"),
			[]*mountinfo.Info{{Mountpoint: "/sys/fs/cgroup", Root: "/s/c", FSType: "cgroup2"}},
			[]string{"cpu"}, []LimitPlan{{"cpu", []string{"/sys/fs/cgroup/sub/cpu.max"}, true}}},
		{"cgroup outside the mounted root", v2Lines,
			[]*mountinfo.Info{{Mountpoint: "/sys/fs/cgroup", Root: "/other", FSType: "cgroup2"}},
			[]string{"cpu"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanLimits(tt.lines, tt.mounts, tt.controllers)
			if len(got) != len(tt.want) {
				t.Fatalf("PlanLimits: got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i].Name != tt.want[i].Name || got[i].V2 != tt.want[i].V2 ||
					!slices.Equal(got[i].Files, tt.want[i].Files) {
					t.Errorf("PlanLimits[%d]: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLimitValue(t *testing.T) {
	tests := []struct {
		name     string
		limit    string
		v2       bool
		contents []string
		want     string
	}{
		{"v2 memory", "memory", true, []string{"67108864\n"}, "67108864"},
		{"v2 memory none", "memory", true, []string{"max\n"}, "max"},
		{"v1 memory none", "memory", false, []string{"9223372036854771712\n"}, "max"},
		{"v1 memory", "memory", false, []string{"67108864\n"}, "67108864"},
		{"v2 cpu", "cpu", true, []string{"50000 100000\n"}, "50000/100000"},
		{"v2 cpu none", "cpu", true, []string{"max 100000\n"}, "max"},
		{"v1 cpu", "cpu", false, []string{"50000\n", "100000\n"}, "50000/100000"},
		{"v1 cpu none", "cpu", false, []string{"-1\n", "100000\n"}, "max"},
		{"pids", "pids", false, []string{"50\n"}, "50"},
		{"cpuset", "cpuset", true, []string{"0-1\n"}, "0-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LimitValue(tt.limit, tt.v2, tt.contents); got != tt.want {
				t.Errorf("LimitValue: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFreezer(t *testing.T) {
	v1 := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup/freezer", Root: "/", FSType: "cgroup", VFSOptions: "rw,freezer"},
		{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", FSType: "cgroup2"},
	}
	v2 := []*mountinfo.Info{{Mountpoint: "/sys/fs/cgroup", Root: "/", FSType: "cgroup2"}}
	lines := ParseCgroup("6:freezer:/s/c\n0::/s/c\n")
	if f, isV2 := FreezerPlan(lines, v1); f != "/sys/fs/cgroup/freezer/s/c/freezer.state" || isV2 {
		t.Errorf("FreezerPlan on v1: got %q, %v", f, isV2)
	}
	if f, isV2 := FreezerPlan(ParseCgroup("0::/s/c\n"), v2); f != "/sys/fs/cgroup/s/c/cgroup.events" || !isV2 {
		t.Errorf("FreezerPlan on v2: got %q, %v", f, isV2)
	}
	if f, _ := FreezerPlan(lines, nil); f != "" {
		t.Errorf("FreezerPlan without cgroup mounts: got %q, want none", f)
	}
	tests := []struct {
		contents string
		v2, want bool
	}{
		{"FROZEN\n", false, true}, {"FREEZING\n", false, true}, {"THAWED\n", false, false},
		{"populated 1\nfrozen 1\n", true, true}, {"populated 1\nfrozen 0\n", true, false},
	}
	for _, tt := range tests {
		if got := IsFrozen(tt.contents, tt.v2); got != tt.want {
			t.Errorf("IsFrozen(%q, %v): got %v, want %v", tt.contents, tt.v2, got, tt.want)
		}
	}
}
