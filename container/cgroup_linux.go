package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/internal/explain"
)

// newCgroup creates the cgroup of container id with the config's limits,
// empty: the launcher adds the init to it (namespaces.Options.Place).
//
// A caller that is not root cannot create cgroups without delegation; a
// container that asks for no limits and no cgroup then runs without one,
// in the caller's cgroup, as before. It returns nil in that case.
//
// x records the creation; nil records nothing.
func newCgroup(s *specs.Spec, id string, x *explain.Recorder) (*cgroups.Manager, error) {
	if os.Geteuid() != 0 && s.Linux.Resources == nil && s.Linux.CgroupsPath == "" {
		return nil, nil
	}
	path, err := cgroups.Path(s.Linux.CgroupsPath, id)
	if err != nil {
		return nil, err
	}
	m, err := cgroups.New(path, s.Linux.Resources)
	if err != nil {
		return nil, err
	}
	// Below /sandbox the cgroups are sandbox's own, named /sandbox/ID for
	// every state root: one that exists belongs to a container of that id
	// under another --root (or one never deleted), whose delete would
	// remove it with whatever this container put in it. Claim makes it
	// with a plain mkdir, so that of two racing creates only one wins.
	// Elsewhere, a cgroupsPath may name an existing cgroup on purpose (one
	// set up with limits beforehand).
	if strings.HasPrefix(path, cgroups.Parent+"/") {
		if err := m.Claim(); errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("cgroups: %s already exists: another container %q (under another --root?) "+
				"owns it; delete that container, or choose another id (rmdir it in each tree if nothing uses it)",
				path, id)
		} else if err != nil {
			return nil, err
		}
	}
	if err := m.Create(); err != nil {
		return nil, err
	}
	if x.On() {
		x.CgroupCreate(m.Path(), len(m.Paths()))
	}
	return m, nil
}

// place is the launcher's hook that puts the child in cg, if any; x
// records it.
func place(cg *cgroups.Manager, x *explain.Recorder) func(int) error {
	if cg == nil {
		return nil
	}
	if !x.On() {
		return cg.Add
	}
	return func(pid int) error {
		if err := cg.Add(pid); err != nil {
			return err
		}
		x.CgroupJoin(cg.Path(), pid, len(cg.Paths()))
		return nil
	}
}

// destroyCgroup removes the container's cgroup, killing whatever is left
// in it. It is quiet when there is none.
func destroyCgroup(cg *cgroups.Manager) error {
	if cg == nil {
		return nil
	}
	return cg.Destroy(true)
}

func cgroupPaths(cg *cgroups.Manager) map[string]string {
	if cg == nil {
		return nil
	}
	return cg.Paths()
}
