package spec

import (
	"os"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/caps"
)

// Default is the config that `sandbox spec` writes: sh on a terminal, in
// the rootfs directory of the bundle, with the namespaces, mounts,
// capabilities and masks that `sandbox run` uses. rootless gives it a user
// namespace that maps the caller's ids to root and keeps the host's
// network, as an unprivileged user can create nothing else.
func Default(rootless bool) *specs.Spec {
	s := &specs.Spec{
		Version:  specs.Version,
		Root:     &specs.Root{Path: "rootfs", Readonly: true},
		Hostname: DefaultHostname,
		Process: &specs.Process{
			Terminal:        true,
			Args:            []string{"sh"},
			Env:             []string{"PATH=" + DefaultPath, "TERM=xterm"},
			Cwd:             "/",
			NoNewPrivileges: true,
			Capabilities:    caps.Sets(caps.Default, nil, 0),
		},
		Mounts: DefaultMounts(),
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace}, {Type: specs.CgroupNamespace},
			},
			MaskedPaths:   slices.Clone(MaskedPaths),
			ReadonlyPaths: slices.Clone(ReadonlyPaths),
		},
	}
	s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
	if rootless {
		makeRootless(s)
	}
	return s
}

func makeRootless(s *specs.Spec) {
	s.Linux.Namespaces = slices.DeleteFunc(s.Linux.Namespaces, func(ns specs.LinuxNamespace) bool {
		return ns.Type == specs.NetworkNamespace
	})
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Geteuid()), Size: 1}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Getegid()), Size: 1}}
	s.Mounts[2].Options = slices.DeleteFunc(s.Mounts[2].Options, func(o string) bool { return o == "gid=5" })
	// Without a network namespace of its own, a new sysfs cannot be
	// mounted; the host's is bound read-only instead.
	s.Mounts[5] = specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys",
		Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
}

// Ignored lists the sections of s that this version of sandbox does not
// apply yet, so the caller can warn about each.
func Ignored(s *specs.Spec) []string {
	var out []string
	add := func(cond bool, name string) {
		if cond {
			out = append(out, name)
		}
	}
	if p := s.Process; p != nil {
		add(p.ApparmorProfile != "", "process.apparmorProfile")
		add(p.SelinuxLabel != "", "process.selinuxLabel")
	}
	if l := s.Linux; l != nil {
		add(l.MountLabel != "", "linux.mountLabel")
		add(l.IntelRdt != nil, "linux.intelRdt")
		add(l.Personality != nil, "linux.personality")
	}
	return out
}
