package namespaces

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var cloneFlags = map[specs.LinuxNamespaceType]uintptr{
	specs.PIDNamespace:     unix.CLONE_NEWPID,
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.MountNamespace:   unix.CLONE_NEWNS,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.UserNamespace:    unix.CLONE_NEWUSER,
	specs.CgroupNamespace:  unix.CLONE_NEWCGROUP,
}

// joinOrder is the order in which namespaces named by path are entered:
// the mount namespace last, as entering it changes the root and working
// directory.
var joinOrder = []specs.LinuxNamespaceType{
	specs.IPCNamespace, specs.UTSNamespace, specs.NetworkNamespace,
	specs.CgroupNamespace, specs.PIDNamespace, specs.MountNamespace,
}

// Plan is how the child gets its namespaces: the ones the config creates,
// as clone(2) flags, and the ones it names by path, to enter in order.
type Plan struct {
	Flags uintptr
	Join  []specs.LinuxNamespace
}

// CloneFlags returns the clone(2) flags that create the config's new
// namespaces; see NewPlan for the rest.
func CloneFlags(namespaces []specs.LinuxNamespace) (uintptr, error) {
	p, err := NewPlan(namespaces)
	return p.Flags, err
}

// NewPlan sorts the config's namespaces into new ones and joined ones.
//
// A namespace named by path belongs to the host's user namespace or to
// another container's, so it can only be joined from a process that is
// not in a user namespace of its own; the join happens before the new
// namespaces exist, in the child's first thread (see package nsenter).
// Hence no path together with a new user namespace, and no user namespace
// by path: entering it would have to come before creating the others.
func NewPlan(namespaces []specs.LinuxNamespace) (Plan, error) {
	var p Plan
	byType := map[specs.LinuxNamespaceType]specs.LinuxNamespace{}
	for _, ns := range namespaces {
		f, ok := cloneFlags[ns.Type]
		if ns.Type == specs.TimeNamespace {
			return Plan{}, fmt.Errorf("linux.namespaces: a time namespace is not supported")
		}
		if !ok {
			return Plan{}, fmt.Errorf("linux.namespaces: unknown type %q", ns.Type)
		}
		if ns.Path == "" {
			p.Flags |= f
			continue
		}
		if ns.Type == specs.UserNamespace {
			return Plan{}, fmt.Errorf("linux.namespaces: joining the user namespace at %s is not supported: "+
				"let sandbox create it, with uidMappings and gidMappings", ns.Path)
		}
		byType[ns.Type] = ns
	}
	for _, t := range joinOrder {
		if ns, ok := byType[t]; ok {
			p.Join = append(p.Join, ns)
		}
	}
	if len(p.Join) > 0 && p.Flags&unix.CLONE_NEWUSER != 0 {
		return Plan{}, fmt.Errorf("linux.namespaces: joining the %s namespace at %s is not supported with a new "+
			"user namespace, which may not enter namespaces of the host", p.Join[0].Type, p.Join[0].Path)
	}
	return p, nil
}
