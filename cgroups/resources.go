package cgroups

import (
	"errors"
	"fmt"

	cg "github.com/opencontainers/cgroups"
	devices "github.com/opencontainers/cgroups/devices/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// defaultDevices are the devices every container may use whatever its
// config says: the ones the rootfs package binds into /dev, and the
// container's own ptys. They follow the config's rules, so a config that
// starts with "deny all" (as `runc spec` writes) keeps a working /dev/null.
// Creating any node (m) stays allowed: every mount the container can
// write to is nodev, so a node it makes cannot be opened.
var defaultDevices = []*devices.Rule{
	{Type: devices.CharDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true},
	{Type: devices.BlockDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true},
	{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true},                  // null
	{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true},                  // zero
	{Type: devices.CharDevice, Major: 1, Minor: 7, Permissions: "rwm", Allow: true},                  // full
	{Type: devices.CharDevice, Major: 1, Minor: 8, Permissions: "rwm", Allow: true},                  // random
	{Type: devices.CharDevice, Major: 1, Minor: 9, Permissions: "rwm", Allow: true},                  // urandom
	{Type: devices.CharDevice, Major: 5, Minor: 0, Permissions: "rwm", Allow: true},                  // tty
	{Type: devices.CharDevice, Major: 5, Minor: 2, Permissions: "rwm", Allow: true},                  // ptmx
	{Type: devices.CharDevice, Major: 136, Minor: devices.Wildcard, Permissions: "rwm", Allow: true}, // pts/*
}

// denyAll opens every container's device list: what no later rule allows
// is denied.
var denyAll = &devices.Rule{Type: devices.WildcardDevice, Major: devices.Wildcard,
	Minor: devices.Wildcard, Permissions: "rwm", Allow: false}

// translate turns the config's linux.resources into the managers' form.
// On v2 the v1-only knobs are converted as the kernel documentation maps
// them (cpu shares to cpu.weight); the managers convert the rest. With
// devices, the list starts with denyAll and ends with defaultDevices;
// without, it is left empty, which an update uses to keep the rules.
func translate(r *specs.LinuxResources, v2, withDevices bool) (*cg.Resources, error) {
	out := &cg.Resources{}
	if withDevices {
		out.Devices = append(out.Devices, denyAll)
	}
	if r == nil {
		r = &specs.LinuxResources{}
	}
	for i, d := range r.Devices {
		rule, err := deviceRule(d)
		if err != nil {
			return nil, fmt.Errorf("linux.resources.devices[%d]: %w", i, err)
		}
		out.Devices = append(out.Devices, rule)
	}
	if withDevices {
		out.Devices = append(out.Devices, defaultDevices...)
	}
	steps := []func(*cg.Resources, *specs.LinuxResources, bool) error{
		translateMemory, translateCPU, translatePids, translateBlockIO, translateOther,
	}
	for _, step := range steps {
		if err := step(out, r, v2); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func deviceRule(d specs.LinuxDeviceCgroup) (*devices.Rule, error) {
	rule := &devices.Rule{Allow: d.Allow, Major: devices.Wildcard, Minor: devices.Wildcard,
		Permissions: devices.Permissions(d.Access)}
	switch d.Type {
	case "", "a":
		rule.Type = devices.WildcardDevice
	case "c":
		rule.Type = devices.CharDevice
	case "b":
		rule.Type = devices.BlockDevice
	default:
		return nil, fmt.Errorf("type %q: use a, c or b", d.Type)
	}
	if d.Access == "" {
		rule.Permissions = "rwm"
	}
	if !rule.Permissions.IsValid() {
		return nil, fmt.Errorf("access %q: use letters of rwm", d.Access)
	}
	if d.Major != nil {
		rule.Major = *d.Major
	}
	if d.Minor != nil {
		rule.Minor = *d.Minor
	}
	return rule, nil
}

func translateMemory(out *cg.Resources, r *specs.LinuxResources, _ bool) error {
	m := r.Memory
	if m == nil {
		return nil
	}
	if m.Limit != nil {
		out.Memory = *m.Limit
	}
	if m.Reservation != nil {
		out.MemoryReservation = *m.Reservation
	}
	if m.Swap != nil {
		out.MemorySwap = *m.Swap
		if out.Memory > 0 && out.MemorySwap > 0 && out.MemorySwap < out.Memory {
			return fmt.Errorf("linux.resources.memory.swap %d is below the memory limit %d: "+
				"swap counts memory plus swap, so give at least the limit", out.MemorySwap, out.Memory)
		}
	}
	out.MemorySwappiness = m.Swappiness
	if m.DisableOOMKiller != nil {
		out.OomKillDisable = *m.DisableOOMKiller
	}
	out.MemoryCheckBeforeUpdate = m.CheckBeforeUpdate != nil && *m.CheckBeforeUpdate
	return nil
}

func translateCPU(out *cg.Resources, r *specs.LinuxResources, v2 bool) error {
	c := r.CPU
	if c == nil {
		return nil
	}
	if c.Shares != nil {
		if *c.Shares != 0 && (*c.Shares < 2 || *c.Shares > 262144) {
			return fmt.Errorf("linux.resources.cpu.shares %d: use 2 to 262144", *c.Shares)
		}
		out.CpuShares = *c.Shares
		if v2 {
			out.CpuWeight = cg.ConvertCPUSharesToCgroupV2Value(*c.Shares)
		}
	}
	if c.Quota != nil {
		out.CpuQuota = *c.Quota
	}
	if c.Period != nil {
		out.CpuPeriod = *c.Period
	}
	if c.RealtimeRuntime != nil {
		out.CpuRtRuntime = *c.RealtimeRuntime
	}
	if c.RealtimePeriod != nil {
		out.CpuRtPeriod = *c.RealtimePeriod
	}
	out.CpusetCpus, out.CpusetMems = c.Cpus, c.Mems
	out.CPUIdle, out.CpuBurst = c.Idle, c.Burst
	return nil
}

func translatePids(out *cg.Resources, r *specs.LinuxResources, _ bool) error {
	if r.Pids == nil || r.Pids.Limit == nil {
		return nil
	}
	limit := *r.Pids.Limit
	if limit == 0 {
		return errors.New("linux.resources.pids.limit 0 would forbid even the container's first process: " +
			"give -1 for no limit")
	}
	out.PidsLimit = &limit
	return nil
}

func translateBlockIO(out *cg.Resources, r *specs.LinuxResources, _ bool) error {
	b := r.BlockIO
	if b == nil {
		return nil
	}
	if b.Weight != nil {
		out.BlkioWeight = *b.Weight
	}
	if b.LeafWeight != nil {
		out.BlkioLeafWeight = *b.LeafWeight
	}
	for _, d := range b.WeightDevice {
		var w, lw uint16
		if d.Weight != nil {
			w = *d.Weight
		}
		if d.LeafWeight != nil {
			lw = *d.LeafWeight
		}
		out.BlkioWeightDevice = append(out.BlkioWeightDevice, cg.NewWeightDevice(d.Major, d.Minor, w, lw))
	}
	throttle := func(in []specs.LinuxThrottleDevice) []*cg.ThrottleDevice {
		var td []*cg.ThrottleDevice
		for _, d := range in {
			td = append(td, cg.NewThrottleDevice(d.Major, d.Minor, d.Rate))
		}
		return td
	}
	out.BlkioThrottleReadBpsDevice = throttle(b.ThrottleReadBpsDevice)
	out.BlkioThrottleWriteBpsDevice = throttle(b.ThrottleWriteBpsDevice)
	out.BlkioThrottleReadIOPSDevice = throttle(b.ThrottleReadIOPSDevice)
	out.BlkioThrottleWriteIOPSDevice = throttle(b.ThrottleWriteIOPSDevice)
	return nil
}

// translateOther covers hugetlb, the network classes, rdma and the v2
// unified map.
func translateOther(out *cg.Resources, r *specs.LinuxResources, v2 bool) error {
	for _, h := range r.HugepageLimits {
		out.HugetlbLimit = append(out.HugetlbLimit, &cg.HugepageLimit{Pagesize: h.Pagesize, Limit: h.Limit})
	}
	if n := r.Network; n != nil {
		if n.ClassID != nil {
			out.NetClsClassid = *n.ClassID
		}
		for _, p := range n.Priorities {
			out.NetPrioIfpriomap = append(out.NetPrioIfpriomap, &cg.IfPrioMap{Interface: p.Name, Priority: int64(p.Priority)})
		}
	}
	if len(r.Rdma) > 0 {
		out.Rdma = map[string]cg.LinuxRdma{}
		for name, l := range r.Rdma {
			out.Rdma[name] = cg.LinuxRdma{HcaHandles: l.HcaHandles, HcaObjects: l.HcaObjects}
		}
	}
	if len(r.Unified) > 0 {
		if !v2 {
			return fmt.Errorf("linux.resources.unified needs cgroup v2, and this host mounts cgroup v1")
		}
		out.Unified = r.Unified
	}
	return nil
}
