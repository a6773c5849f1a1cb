package spec

import (
	"fmt"
	"maps"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ipcSysctls are the System V IPC and POSIX message queue settings, which
// each IPC namespace holds its own copy of (ipc/ipc_sysctl.c,
// ipc/mq_sysctl.c). A name ending in "*" is a prefix.
var ipcSysctls = []string{"kernel.shm*", "kernel.msg*", "kernel.sem", "kernel.sem_next_id", "fs.mqueue.*"}

// SysctlNamespace is the namespace that holds the sysctl key, or "" when
// the key is host-wide (or unknown to sandbox): writing it from a container
// would change the host. The networking tree belongs to the network
// namespace, whose /proc/sys/net shows only the settings it owns.
func SysctlNamespace(key string) specs.LinuxNamespaceType {
	for _, k := range ipcSysctls {
		if prefix, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(key, prefix) || key == k {
			return specs.IPCNamespace
		}
	}
	switch {
	case strings.HasPrefix(key, "net."):
		return specs.NetworkNamespace
	case key == "kernel.hostname", key == "kernel.domainname":
		return specs.UTSNamespace
	}
	return ""
}

// validateSysctls accepts a key only when it lives in a namespace of the
// container's own; a shared one (the host's) or a host-wide key is
// refused, since the child writes the value as root.
func validateSysctls(s *specs.Spec) error {
	for key, value := range s.Linux.Sysctl {
		if err := checkSysctlKey(key); err != nil {
			return err
		}
		ns := SysctlNamespace(key)
		if ns == "" {
			return fmt.Errorf("linux.sysctl %s: not a namespaced setting; "+
				"sandbox sets only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*, "+
				"kernel.hostname and kernel.domainname", key)
		}
		if !ownsNamespace(s, ns) {
			return fmt.Errorf("linux.sysctl %s: needs a new %s namespace of the container's own, "+
				"or it would change the host's", key, ns)
		}
		if strings.ContainsAny(value, "\n\x00") {
			return fmt.Errorf("linux.sysctl %s: the value holds a newline or NUL", key)
		}
	}
	return nil
}

// checkSysctlKey refuses keys that are not dotted names: an empty part,
// or one that SysctlPath would make "." or "..", would change the path
// under /proc/sys.
func checkSysctlKey(key string) error {
	for _, part := range strings.Split(key, ".") {
		name := strings.ReplaceAll(part, "/", ".")
		if part == "" || name == "." || name == ".." || strings.ContainsRune(part, 0) {
			return fmt.Errorf("linux.sysctl %q: write the key as dotted names, as in net.ipv4.ip_forward", key)
		}
	}
	return nil
}

// SysctlPath is the path below /proc/sys of a linux.sysctl key: its dots
// separate directories, and a slash stands for a dot inside a name, as a
// kubelet writes the settings of a VLAN interface
// (net.ipv4.conf.eth0/100.forwarding is net/ipv4/conf/eth0.100/forwarding).
func SysctlPath(key string) string {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, "/", ".")
	}
	return strings.Join(parts, "/")
}

// ownsNamespace reports whether s gives the container a namespace of type
// t other than the runtime's own: a new one, or one joined by path that is
// not the host's (a pod's, as podman joins them).
func ownsNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != t {
			continue
		}
		if ns.Path == "" {
			return true
		}
		theirs, err := os.Stat(ns.Path)
		own, err2 := os.Stat("/proc/self/ns/" + procNSName[t])
		return err == nil && err2 == nil && !os.SameFile(theirs, own)
	}
	return false
}

// procNSName is the name under /proc/PID/ns of the namespace types that
// hold sysctls.
var procNSName = map[specs.LinuxNamespaceType]string{
	specs.IPCNamespace: "ipc", specs.NetworkNamespace: "net", specs.UTSNamespace: "uts",
}

func setSysctl(s *specs.Spec, o Options) error {
	if len(o.Sysctl) > 0 {
		s.Linux.Sysctl = maps.Clone(o.Sysctl)
	}
	return nil
}
