package cgroups

import (
	"fmt"

	cg "github.com/opencontainers/cgroups"
)

// setDevicesV1 writes the device rules in order to the v1 devices
// controller. The list starts with "a" denied, which empties the
// cgroup's allow list; each later rule adds to it or takes from it.
func setDevicesV1(dir string, r *cg.Resources) error {
	if r.SkipDevices {
		return nil
	}
	for _, rule := range r.Devices {
		file := "devices.deny"
		if rule.Allow {
			file = "devices.allow"
		}
		if err := cg.WriteFile(dir, file, rule.CgroupString()); err != nil {
			return fmt.Errorf("device rule %q: %w", rule.CgroupString(), err)
		}
	}
	return nil
}
