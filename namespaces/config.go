package namespaces

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/hooks"
	"sandbox/seccomp"
)

// childConfig is what the parent sends the child over the config pipe: the
// parts of the runtime-spec config that the child acts on, and nothing
// else. It exists for speed: encoding/json builds a decoder for every type
// reachable from the value it decodes, the first time it meets it, and the
// whole specs.Spec graph (resources, seccomp, VM and Windows sections)
// costs the short-lived child about 0.5 ms more than these fields do.
type childConfig struct {
	Root     *specs.Root   `json:"root"`
	Mounts   []specs.Mount `json:"mounts,omitempty"`
	Hostname string        `json:"hostname,omitempty"`
	Process  childProcess  `json:"process"`
	Linux    childLinux    `json:"linux"`

	Detached bool   `json:"detached,omitempty"` // see Options
	Keyring  string `json:"keyring,omitempty"`  // a new session keyring's name

	// MountBase is where the rootfs of a container without a mount
	// namespace is bound (see rootfs.Prepare).
	MountBase string `json:"mountBase,omitempty"`
	HasFifo   bool   `json:"hasFifo,omitempty"` // an exec fifo follows the sync socket

	// Seccomp is linux.seccomp compiled by the parent: the child only
	// hands it to the kernel, and needs neither the profile nor libseccomp.
	Seccomp *seccomp.Program `json:"seccomp,omitempty"`

	// Explain has the child record its steps and send them to the parent
	// (Options.Explain); SeccompLabel names the filter in them.
	Explain      bool   `json:"explain,omitempty"`
	SeccompLabel string `json:"seccompLabel,omitempty"`

	// Hooks the child runs itself; with HookPause it also stops before
	// pivot_root for the parent's hooks (see package hooks).
	HookPause       bool         `json:"hookPause,omitempty"`
	CreateContainer []specs.Hook `json:"createContainer,omitempty"`
	StartContainer  []specs.Hook `json:"startContainer,omitempty"`
}

type childProcess struct {
	Terminal        bool                     `json:"terminal,omitempty"`
	User            specs.User               `json:"user"`
	Args            []string                 `json:"args"`
	Env             []string                 `json:"env,omitempty"`
	Cwd             string                   `json:"cwd"`
	Capabilities    *specs.LinuxCapabilities `json:"capabilities,omitempty"`
	NoNewPrivileges bool                     `json:"noNewPrivileges,omitempty"`
	Rlimits         []specs.POSIXRlimit      `json:"rlimits,omitempty"`
	OOMScoreAdj     *int                     `json:"oomScoreAdj,omitempty"`
}

type childLinux struct {
	Namespaces        []specs.LinuxNamespace `json:"namespaces,omitempty"`
	MaskedPaths       []string               `json:"maskedPaths,omitempty"`
	ReadonlyPaths     []string               `json:"readonlyPaths,omitempty"`
	RootfsPropagation string                 `json:"rootfsPropagation,omitempty"`
	Sysctl            map[string]string      `json:"sysctl,omitempty"`
	Devices           []specs.LinuxDevice    `json:"devices,omitempty"`
}

func newChildConfig(s *specs.Spec) childConfig {
	p := s.Process
	c := childConfig{
		Root:     s.Root,
		Mounts:   s.Mounts,
		Hostname: s.Hostname,
		Process: childProcess{
			Terminal: p.Terminal, User: p.User, Args: p.Args, Env: p.Env, Cwd: p.Cwd,
			Capabilities: p.Capabilities, NoNewPrivileges: p.NoNewPrivileges,
			Rlimits: p.Rlimits, OOMScoreAdj: p.OOMScoreAdj,
		},
		Linux: childLinux{
			Namespaces: s.Linux.Namespaces, MaskedPaths: s.Linux.MaskedPaths,
			ReadonlyPaths: s.Linux.ReadonlyPaths, RootfsPropagation: s.Linux.RootfsPropagation,
			Sysctl: s.Linux.Sysctl, Devices: s.Linux.Devices,
		},
		CreateContainer: hooks.Of(s, hooks.CreateContainer),
		StartContainer:  hooks.Of(s, hooks.StartContainer),
	}
	c.HookPause = len(hooks.Of(s, hooks.Prestart))+len(hooks.Of(s, hooks.CreateRuntime))+
		len(c.CreateContainer)+len(c.StartContainer) > 0
	return c
}

// spec rebuilds the runtime-spec config that the child's steps take.
func (c *childConfig) spec() *specs.Spec {
	p := c.Process
	return &specs.Spec{
		Root:     c.Root,
		Mounts:   c.Mounts,
		Hostname: c.Hostname,
		Process: &specs.Process{
			Terminal: p.Terminal, User: p.User, Args: p.Args, Env: p.Env, Cwd: p.Cwd,
			Capabilities: p.Capabilities, NoNewPrivileges: p.NoNewPrivileges,
			Rlimits: p.Rlimits, OOMScoreAdj: p.OOMScoreAdj,
		},
		Linux: &specs.Linux{
			Namespaces: c.Linux.Namespaces, MaskedPaths: c.Linux.MaskedPaths,
			ReadonlyPaths: c.Linux.ReadonlyPaths, RootfsPropagation: c.Linux.RootfsPropagation,
			Sysctl: c.Linux.Sysctl, Devices: c.Linux.Devices,
		},
	}
}
