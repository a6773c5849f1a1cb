package spec

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/caps"
	"sandbox/seccomp"
)

// DefaultPath is the PATH a container gets when its environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultHostname is the container's hostname when --hostname is not given.
const DefaultHostname = "sandbox"

// Options are the settings of `sandbox run`, one field per flag.
type Options struct {
	Rootfs   string   // the root filesystem directory, as given
	Args     []string // the command and its arguments
	Env      []string // KEY=VALUE, added to the defaults
	Hostname string
	Cwd      string
	User     string   // UID[:GID] or NAME[:GROUP]
	GroupAdd []string // extra groups, by gid or name

	DropAll bool
	CapAdd  []string
	CapDrop []string

	UserNS  bool     // map container root to an unprivileged host range
	UIDMaps []string // CONTAINER:HOST:SIZE
	GIDMaps []string

	ReadOnly bool
	Volumes  []string // HOST:CONTAINER[:ro]
	Tmpfs    []string // container paths
	Net      string   // "none" (default) or "host"

	AllowPrivilegeEscalation bool
	TTY                      bool

	Resources Resources // --memory, --pids-limit, --cpus...

	// Privileged takes down every fence but the namespaces (setPrivileged).
	Privileged bool

	// Seccomp is the profile to filter system calls with, settled for the
	// container's capabilities; nil leaves the container unconfined.
	Seccomp *seccomp.Profile
	Ulimits []string // NAME=SOFT[:HARD], docker's names (nofile, nproc...)

	// HostNamespaces are shared with the host instead of made anew (pid,
	// ipc, uts; the network goes by Net). Without a uts namespace of its
	// own the container has the host's hostname, and Hostname must be empty.
	HostNamespaces []specs.LinuxNamespaceType

	// Sysctl are written to /proc/sys in the container (linux.sysctl).
	Sysctl map[string]string

	// UnmaskedProc leaves /proc and /sys unmasked and writable: no masked
	// or read-only paths, as Kubernetes' procMount: Unmasked.
	UnmaskedProc bool

	// NonRoot refuses to start the container when its process would run as
	// uid 0 (the NonRootAnnotation).
	NonRoot bool
}

// New builds the runtime-spec config that o describes. It reads the
// rootfs's /etc/passwd and /etc/group (inside the rootfs) to resolve user
// and group names; everything else is a pure translation.
func New(o Options) (*specs.Spec, error) {
	root, err := ResolveRootfs(o.Rootfs)
	if err != nil {
		return nil, err
	}
	if len(o.Args) == 0 {
		return nil, fmt.Errorf("no command given: say what to run, as in `sandbox run ROOTFS /bin/sh`")
	}
	if o.Args[0] == "" {
		return nil, fmt.Errorf("the command is an empty string: name the program to run, as in `sandbox run ROOTFS /bin/sh`")
	}

	s := &specs.Spec{
		Version:  specs.Version,
		Root:     &specs.Root{Path: root, Readonly: o.ReadOnly},
		Hostname: o.Hostname,
		Process: &specs.Process{
			Terminal:        o.TTY,
			Args:            o.Args,
			Cwd:             "/",
			NoNewPrivileges: !o.AllowPrivilegeEscalation,
		},
		Linux: &specs.Linux{
			MaskedPaths:   slices.Clone(MaskedPaths),
			ReadonlyPaths: slices.Clone(ReadonlyPaths),
		},
	}
	if s.Hostname == "" && !slices.Contains(o.HostNamespaces, specs.UTSNamespace) {
		s.Hostname = DefaultHostname
	}
	if o.Cwd != "" {
		s.Process.Cwd = o.Cwd
	}

	steps := []func(*specs.Spec, Options) error{
		setNamespaces, setIDMaps, setUser, setCapabilities, setSeccomp, setEnv, setMounts, setResources, setRlimits,
		setPrivileged, setProc, setSysctl, setNonRoot,
	}
	if o.Privileged {
		if o.DropAll {
			return nil, errors.New("--privileged grants every capability and --drop-all none: keep one")
		}
		o.CapAdd = append(slices.Clone(o.CapAdd), "ALL")
	}
	for _, step := range steps {
		if err := step(s, o); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func setNamespaces(s *specs.Spec, o Options) error {
	for _, t := range o.HostNamespaces {
		if !slices.Contains(hostShareable, t) {
			return fmt.Errorf("the %s namespace cannot be shared with the host: share pid, ipc or uts "+
				"(and the network with --net host)", t)
		}
	}
	if s.Hostname != "" && slices.Contains(o.HostNamespaces, specs.UTSNamespace) {
		return fmt.Errorf("hostname %s needs a uts namespace of the container's own: "+
			"drop the hostname or stop sharing the host's", s.Hostname)
	}
	s.Linux.Namespaces = nil
	for _, t := range []specs.LinuxNamespaceType{specs.PIDNamespace, specs.MountNamespace,
		specs.UTSNamespace, specs.IPCNamespace, specs.CgroupNamespace} {
		if !slices.Contains(o.HostNamespaces, t) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: t})
		}
	}
	switch o.Net {
	case "", "none":
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	case "host":
	default:
		return fmt.Errorf("--net %q: use none (a private network with only loopback) or host", o.Net)
	}
	if o.UserNS || len(o.UIDMaps) > 0 || len(o.GIDMaps) > 0 {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	}
	return nil
}

func setCapabilities(s *specs.Spec, o Options) error {
	set, err := caps.Resolve(o.DropAll, o.CapAdd, o.CapDrop)
	if err != nil {
		return err
	}
	var named []string
	addAll := false
	for _, a := range o.CapAdd {
		addAll = addAll || strings.EqualFold(a, "ALL")
		if c, err := caps.Canonical(a); err == nil {
			named = append(named, c)
		}
	}
	added := named
	if addAll {
		// ALL means all that the host grants: a capability missing from the
		// runtime's own bounding set could never be had (runc fails
		// instead). One named on its own is kept, to fail by its name.
		bounding, err := caps.OwnBounding()
		if err != nil {
			return err
		}
		set = caps.Granted(set, bounding, named)
		added = set
	}
	s.Process.Capabilities = caps.Sets(set, added, s.Process.User.UID)
	return nil
}

// hostShareable are the namespaces Options.HostNamespaces may name.
var hostShareable = []specs.LinuxNamespaceType{specs.PIDNamespace, specs.IPCNamespace, specs.UTSNamespace}

func setEnv(s *specs.Spec, o Options) error {
	hostname := s.Hostname
	if hostname == "" {
		// The host's uts namespace: the container sees the host's name.
		hostname, _ = os.Hostname()
	}
	env := []string{"PATH=" + DefaultPath, "HOSTNAME=" + hostname}
	if o.TTY {
		env = append(env, "TERM=xterm")
	}
	for _, kv := range o.Env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("--env %q: write it as KEY=VALUE", kv)
		}
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		env = append(env, kv)
	}
	s.Process.Env = env
	return nil
}

// setSeccomp runs after setCapabilities: Docker's profile allows, say,
// mount(2) only to a container whose bounding set holds CAP_SYS_ADMIN.
func setSeccomp(s *specs.Spec, o Options) error {
	return SetSeccomp(s, o.Seccomp)
}

// SetSeccomp makes p, settled for s's bounding set, this host's
// architecture and its kernel, the linux.seccomp of s. A nil p leaves s as
// it is.
//
// Preconditions: s.Process.Capabilities holds the container's final
// capabilities; the result goes stale when they change.
func SetSeccomp(s *specs.Spec, p *seccomp.Profile) error {
	if p == nil {
		return nil
	}
	t, err := seccomp.HostTarget(s.Process.Capabilities.Bounding)
	if err != nil {
		return err
	}
	s.Linux.Seccomp, err = p.Resolve(t)
	return err
}
