package container

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/state"
)

// Pause freezes every process of a running container (the cgroup
// freezer); its status reads paused until Resume.
func Pause(store *state.Store, id string) error {
	return withCgroup(store, id, specs.StateRunning, (*cgroups.Manager).Freeze)
}

// Resume thaws a paused container.
func Resume(store *state.Store, id string) error {
	return withCgroup(store, id, state.StatePaused, (*cgroups.Manager).Thaw)
}

// Update applies new limits to a created, running or paused container.
// Only what r sets changes.
func Update(store *state.Store, id string, r *specs.LinuxResources) error {
	return withCgroup(store, id, "", func(cg *cgroups.Manager) error { return cg.Update(r) })
}

// withCgroup runs do on the cgroup of container id, holding the
// container's lock, once the container is found in status want (any live
// status when want is empty).
func withCgroup(store *state.Store, id string, want specs.ContainerState, do func(*cgroups.Manager) error) error {
	lock, err := store.Lock(id)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	cg, err := liveCgroup(store, id, want)
	if err != nil {
		return err
	}
	return do(cg)
}

func liveCgroup(store *state.Store, id string, want specs.ContainerState) (*cgroups.Manager, error) {
	c, err := store.Load(id)
	if err != nil {
		return nil, err
	}
	st := store.Status(c)
	switch {
	case st == specs.StateStopped:
		return nil, fmt.Errorf("container %s is stopped", id)
	case want != "" && st != want:
		return nil, fmt.Errorf("container %s is %s, not %s", id, st, want)
	case len(c.CgroupPaths) == 0:
		return nil, fmt.Errorf("container %s has no cgroup: it was created without one, by a user other than root", id)
	}
	cg, err := cgroups.Load(c.CgroupPaths)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", id, err)
	}
	return cg, nil
}
