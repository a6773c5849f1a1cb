package cgroups

import (
	"reflect"
	"strings"
	"testing"

	cg "github.com/opencontainers/cgroups"
	devices "github.com/opencontainers/cgroups/devices/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func i64(v int64) *int64        { return &v }
func u64(v uint64) *uint64      { return &v }
func u16(v uint16) *uint16      { return &v }
func bptr(v bool) *bool         { return &v }
func strs(s ...string) []string { return s }

func TestTranslate(t *testing.T) {
	tests := []struct {
		name  string
		in    *specs.LinuxResources
		v2    bool
		check func(t *testing.T, r *cg.Resources)
	}{
		{"memory", &specs.LinuxResources{Memory: &specs.LinuxMemory{
			Limit: i64(64 << 20), Reservation: i64(32 << 20), Swap: i64(128 << 20), DisableOOMKiller: bptr(true)}}, false,
			func(t *testing.T, r *cg.Resources) {
				if r.Memory != 64<<20 || r.MemoryReservation != 32<<20 || r.MemorySwap != 128<<20 || !r.OomKillDisable {
					t.Errorf("got memory %d, reservation %d, swap %d, oom killer disabled %v, want 64Mi, 32Mi, 128Mi, true",
						r.Memory, r.MemoryReservation, r.MemorySwap, r.OomKillDisable)
				}
			}},
		{"pids", &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64(10)}}, false,
			func(t *testing.T, r *cg.Resources) {
				if r.PidsLimit == nil || *r.PidsLimit != 10 {
					t.Errorf("got pids limit %v, want 10", r.PidsLimit)
				}
			}},
		{"cpu v1", &specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: u64(512), Quota: i64(50000),
			Period: u64(100000), Cpus: "0-1", Mems: "0"}}, false,
			func(t *testing.T, r *cg.Resources) {
				if r.CpuShares != 512 || r.CpuWeight != 0 || r.CpuQuota != 50000 || r.CpuPeriod != 100000 ||
					r.CpusetCpus != "0-1" || r.CpusetMems != "0" {
					t.Errorf("got %+v, want shares 512, no weight, quota 50000/100000, cpus 0-1, mems 0", r)
				}
			}},
		{"cpu shares become a v2 weight", &specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: u64(1024)}}, true,
			func(t *testing.T, r *cg.Resources) {
				if r.CpuWeight != 100 {
					t.Errorf("got cpu.weight %d for 1024 shares, want 100 (the default maps to the default)", r.CpuWeight)
				}
			}},
		{"blkio and hugetlb", &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{Weight: u16(300),
			ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{Rate: 1 << 20}}},
			HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}}}, false,
			func(t *testing.T, r *cg.Resources) {
				if r.BlkioWeight != 300 || len(r.BlkioThrottleReadBpsDevice) != 1 || r.BlkioThrottleReadBpsDevice[0].Rate != 1<<20 ||
					len(r.HugetlbLimit) != 1 || r.HugetlbLimit[0].Pagesize != "2MB" {
					t.Errorf("got %+v, want blkio weight 300, one read throttle of 1Mi, one 2MB hugetlb limit", r)
				}
			}},
		{"no resources", nil, false,
			func(t *testing.T, r *cg.Resources) {
				if r.Memory != 0 || r.PidsLimit != nil || r.CpuQuota != 0 {
					t.Errorf("got %+v, want no limits", r)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := translate(tt.in, tt.v2, true)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			tt.check(t, r)
		})
	}
}

func TestTranslateErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      *specs.LinuxResources
		v2      bool
		wantErr string
	}{
		{"swap below memory", &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64(100), Swap: i64(50)}}, false, "swap"},
		{"zero pids", &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64(0)}}, false, "pids.limit 0"},
		{"shares out of range", &specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: u64(1)}}, false, "shares"},
		{"unified on v1", &specs.LinuxResources{Unified: map[string]string{"memory.high": "1G"}}, false, "cgroup v2"},
		{"bad device type", &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Type: "x"}}}, false, "devices[0]"},
		{"bad device access", &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Type: "c", Access: "rx"}}}, false, "access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := translate(tt.in, tt.v2, true)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// The config's device rules come after "deny all" and before the
// defaults, so a config cannot lose /dev/null.
func TestTranslateDevices(t *testing.T) {
	in := &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},
		{Allow: true, Type: "c", Major: i64(10), Minor: i64(200), Access: "rw"},
	}}
	r, err := translate(in, false, true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range r.Devices {
		got = append(got, map[bool]string{true: "allow ", false: "deny "}[d.Allow]+d.CgroupString())
	}
	want := strs("deny a *:* rwm", "deny a *:* rwm", "allow c 10:200 rw")
	for _, d := range defaultDevices {
		want = append(want, "allow "+d.CgroupString())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got rules\n%v\nwant\n%v", got, want)
	}

	r, err = translate(in, false, false)
	if err != nil || len(r.Devices) != 2 || r.Devices[0].Type != devices.WildcardDevice {
		t.Errorf("without defaults: got %v, %v, want the config's two rules only", r.Devices, err)
	}
}
