package spec

import (
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"1048576", 1 << 20, false},
		{"64m", 64 << 20, false},
		{"64MB", 64 << 20, false},
		{"1g", 1 << 30, false},
		{"1.5k", 1536, false},
		{"512b", 512, false},
		{"", 0, true},
		{"m", 0, true},
		{"-1m", 0, true},
		{"ten", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBytes(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %d, %v, want %d (error: %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestResourcesFlags(t *testing.T) {
	r, err := Resources{Memory: "64m", PidsLimit: 100, Cpus: "0.5", CpusetCpus: "0-1", CpuShares: 512}.linux()
	if err != nil {
		t.Fatal(err)
	}
	if *r.Memory.Limit != 64<<20 || *r.Memory.Swap != 64<<20 {
		t.Errorf("memory: got limit %d, swap %d, want both 64Mi (no swap beyond the limit)", *r.Memory.Limit, *r.Memory.Swap)
	}
	if *r.Pids.Limit != 100 {
		t.Errorf("pids: got %d, want 100", *r.Pids.Limit)
	}
	if *r.CPU.Quota != 50000 || *r.CPU.Period != 100000 || r.CPU.Cpus != "0-1" || *r.CPU.Shares != 512 {
		t.Errorf("cpu: got quota %d/%d, cpus %q, shares %d, want 50000/100000, 0-1, 512",
			*r.CPU.Quota, *r.CPU.Period, r.CPU.Cpus, *r.CPU.Shares)
	}

	r, err = Resources{Memory: "64m", MemorySwap: "-1"}.linux()
	if err != nil || *r.Memory.Swap != -1 {
		t.Errorf("--memory-swap -1: got %v, %v, want swap -1", r, err)
	}
	if r, err := (Resources{}).linux(); r != nil || err != nil {
		t.Errorf("no flags: got %+v, %v, want nil, nil", r, err)
	}
}

func TestResourcesFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		in   Resources
		want string
	}{
		{"bad memory", Resources{Memory: "lots"}, "--memory lots"},
		{"tiny memory", Resources{Memory: "1k"}, "at least 4m"},
		{"swap without memory", Resources{MemorySwap: "1g"}, "needs --memory"},
		{"swap below memory", Resources{Memory: "1g", MemorySwap: "64m"}, "below --memory"},
		{"negative pids", Resources{PidsLimit: -5}, "--pids-limit -5"},
		{"zero cpus", Resources{Cpus: "0"}, "--cpus 0"},
		{"word cpus", Resources{Cpus: "half"}, "--cpus half"},
		{"tiny cpus", Resources{Cpus: "0.001"}, "at least 0.01"},
		{"bad cpuset", Resources{CpusetCpus: "all"}, "--cpuset-cpus all"},
		{"shares", Resources{CpuShares: 1}, "--cpu-shares 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.in.linux()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
