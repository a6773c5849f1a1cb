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

// CloneFlags returns the clone(2) flags that create the config's new
// namespaces. Joining an existing namespace (a path) is not supported yet.
func CloneFlags(namespaces []specs.LinuxNamespace) (uintptr, error) {
	var flags uintptr
	for _, ns := range namespaces {
		f, ok := cloneFlags[ns.Type]
		if ns.Type == specs.TimeNamespace {
			return 0, fmt.Errorf("linux.namespaces: a time namespace is not supported")
		}
		if !ok {
			return 0, fmt.Errorf("linux.namespaces: unknown type %q", ns.Type)
		}
		if ns.Path != "" {
			return 0, fmt.Errorf("linux.namespaces: joining the %s namespace at %s is not supported", ns.Type, ns.Path)
		}
		flags |= f
	}
	return flags, nil
}
