package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Resources are the resource flags of `sandbox run`, as given.
type Resources struct {
	Memory     string // --memory: 64m, 1g, 1048576
	MemorySwap string // --memory-swap: memory plus swap, or -1 for unlimited swap
	PidsLimit  int64  // --pids-limit: 0 means unset, -1 unlimited
	Cpus       string // --cpus: 0.5 is half a CPU
	CpusetCpus string // --cpuset-cpus: 0-1,3
	CpuShares  uint64 // --cpu-shares: relative weight, 1024 is the default
}

// cpuPeriod is the CFS period --cpus is measured against: 100ms, the
// kernel's default, as docker uses.
const cpuPeriod = 100000

func setResources(s *specs.Spec, o Options) error {
	r, err := o.Resources.linux()
	if err != nil {
		return err
	}
	s.Linux.Resources = r
	return nil
}

// linux translates the flags into linux.resources, or nil when none is
// set. Without --memory-swap, swap is held at the memory limit, so a
// container that outgrows --memory is OOM-killed rather than swapped out.
func (f Resources) linux() (*specs.LinuxResources, error) {
	r := &specs.LinuxResources{}
	set := false
	if f.Memory != "" {
		limit, err := ParseBytes(f.Memory)
		if err != nil {
			return nil, fmt.Errorf("--memory %s: %w", f.Memory, err)
		}
		if limit < 4<<20 {
			return nil, fmt.Errorf("--memory %s: give at least 4m, or the container cannot start", f.Memory)
		}
		r.Memory = &specs.LinuxMemory{Limit: &limit, Swap: &limit}
		set = true
	}
	if f.MemorySwap != "" {
		if r.Memory == nil {
			return nil, fmt.Errorf("--memory-swap needs --memory: it is the limit of memory plus swap")
		}
		swap := int64(-1)
		if f.MemorySwap != "-1" {
			var err error
			if swap, err = ParseBytes(f.MemorySwap); err != nil {
				return nil, fmt.Errorf("--memory-swap %s: %w", f.MemorySwap, err)
			}
			if swap < *r.Memory.Limit {
				return nil, fmt.Errorf("--memory-swap %s is below --memory %s: it counts memory plus swap", f.MemorySwap, f.Memory)
			}
		}
		r.Memory.Swap = &swap
	}
	if f.PidsLimit != 0 {
		if f.PidsLimit < -1 {
			return nil, fmt.Errorf("--pids-limit %d: give a count of 1 or more, or -1 for no limit", f.PidsLimit)
		}
		r.Pids = &specs.LinuxPids{Limit: &f.PidsLimit}
		set = true
	}
	cpu, err := f.cpu()
	if err != nil {
		return nil, err
	}
	if cpu != nil {
		r.CPU = cpu
		set = true
	}
	if !set {
		return nil, nil
	}
	return r, nil
}

func (f Resources) cpu() (*specs.LinuxCPU, error) {
	c := &specs.LinuxCPU{}
	set := false
	if f.Cpus != "" {
		n, err := strconv.ParseFloat(f.Cpus, 64)
		if err != nil || n <= 0 || math.IsInf(n, 0) || n > 1<<20 {
			return nil, fmt.Errorf("--cpus %s: give a positive number of CPUs, such as 0.5 or 2", f.Cpus)
		}
		quota, period := int64(math.Round(n*cpuPeriod)), uint64(cpuPeriod)
		if quota < 1000 {
			return nil, fmt.Errorf("--cpus %s: give at least 0.01", f.Cpus)
		}
		c.Quota, c.Period = &quota, &period
		set = true
	}
	if f.CpusetCpus != "" {
		if strings.Trim(f.CpusetCpus, "0123456789,-") != "" {
			return nil, fmt.Errorf("--cpuset-cpus %s: give CPU numbers and ranges, such as 0-1,3", f.CpusetCpus)
		}
		c.Cpus = f.CpusetCpus
		set = true
	}
	if f.CpuShares != 0 {
		if f.CpuShares < 2 || f.CpuShares > 262144 {
			return nil, fmt.Errorf("--cpu-shares %d: give 2 to 262144 (1024 is the default weight)", f.CpuShares)
		}
		shares := f.CpuShares
		c.Shares = &shares
		set = true
	}
	if !set {
		return nil, nil
	}
	return c, nil
}

// ParseBytes reads a size as docker writes it: a number of bytes with an
// optional unit b, k, m, g or t (powers of 1024, any case, with or without
// a trailing b as in "64mb").
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	units := []struct {
		suffix string
		mult   int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"tb", 1 << 40},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1}}
	for _, u := range units {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = rest, u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 0 || t == "" {
		return 0, fmt.Errorf("not a size: write it as a number with an optional unit, such as 64m or 1g")
	}
	v := n * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("size too large")
	}
	return int64(v), nil
}
