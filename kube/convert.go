package kube

import (
	"slices"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	corev1 "k8s.io/api/core/v1"

	"sandbox/caps"
	"sandbox/seccomp"
	"sandbox/spec"
)

// Options say which container of the pod to convert and where its files
// are.
type Options struct {
	Container   string // the container's name; "" picks the pod's only one
	Rootfs      string // the root filesystem, whose /etc/passwd and /etc/group name the user's groups
	SeccompRoot string // the directory of Localhost seccomp profiles; "" is DefaultSeccompRoot
}

// Convert builds the config for one container of pod. It returns with it
// the notes the caller should show: settings that were accepted but only
// partly apply (fsGroup, volume mounts, other resources).
func Convert(pod *corev1.Pod, o Options) (*specs.Spec, []string, error) {
	c, cpath, err := findContainer(pod, o.Container)
	if err != nil {
		return nil, nil, err
	}
	plan, err := newPlan(pod, c, cpath, o)
	if err != nil {
		return nil, nil, err
	}
	s, err := spec.New(plan.options)
	if err != nil {
		return nil, nil, err
	}
	if err := plan.finish(s); err != nil {
		return nil, nil, err
	}
	slices.Sort(plan.notes)
	return s, plan.notes, nil
}

// plan is a container's settings checked and translated: spec.Options for
// spec.New, and what spec.New does not do the Kubernetes way.
type plan struct {
	options spec.Options
	sec     security
	notes   []string
	caps    []string         // the capability set, unless privileged
	profile *seccomp.Profile // nil: no filter
	hostIPC bool             // bind the host's /dev/shm
}

// newPlan checks the pod and the container and translates their fields.
// It reads the seccomp profile file, but creates nothing.
func newPlan(pod *corev1.Pod, c *corev1.Container, cpath string, o Options) (*plan, error) {
	p := &plan{sec: effectiveSecurity(pod, c, cpath)}
	if err := p.sec.applySeccompAnnotations(pod, c); err != nil {
		return nil, err
	}
	steps := []func(*corev1.Pod, *corev1.Container, string, Options) error{
		p.checkPod, p.setProcess, p.setIdentity, p.setNamespaces, p.setConfinement, p.setResources,
	}
	for _, step := range steps {
		if err := step(pod, c, cpath, o); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *plan) checkPod(pod *corev1.Pod, c *corev1.Container, cpath string, _ Options) error {
	if err := checkUnsupported(pod, c, cpath); err != nil {
		return err
	}
	if err := validateHost(pod); err != nil {
		return err
	}
	if err := p.sec.validate(hostUsers(pod)); err != nil {
		return err
	}
	if len(c.VolumeMounts) > 0 {
		p.notes = append(p.notes, cpath+".volumeMounts: not mounted: the config has no volumes; "+
			"add them to config.json as mounts")
	}
	return nil
}

func (p *plan) setProcess(_ *corev1.Pod, c *corev1.Container, cpath string, o Options) error {
	proc, err := containerProcess(c, cpath)
	if err != nil {
		return err
	}
	p.options.Rootfs, p.options.Args = o.Rootfs, proc.args
	p.options.Env, p.options.Cwd, p.options.TTY = proc.env, proc.cwd, c.TTY
	return nil
}

// setIdentity sets the user: runAsUser (0 when unset: no image says
// otherwise) and runAsGroup (else the user's group in the rootfs's
// /etc/passwd, else 0), and as further groups those of the rootfs's
// /etc/group, supplementalGroups and fsGroup.
func (p *plan) setIdentity(*corev1.Pod, *corev1.Container, string, Options) error {
	e := p.sec
	user := "0"
	if e.runAsUser != nil {
		user = strconv.FormatInt(*e.runAsUser, 10)
	}
	if e.runAsGroup != nil {
		user += ":" + strconv.FormatInt(*e.runAsGroup, 10)
	}
	p.options.User = user
	for _, g := range e.supplementalGroups {
		p.options.GroupAdd = append(p.options.GroupAdd, strconv.FormatInt(g, 10))
	}
	if e.fsGroup != nil {
		p.options.GroupAdd = append(p.options.GroupAdd, strconv.FormatInt(*e.fsGroup, 10))
		p.notes = append(p.notes, e.podPath+".fsGroup: added to the process's groups only; "+
			"the volume ownership it also sets cannot apply, as the config has no volumes")
	}
	p.options.NonRoot = e.runAsNonRoot
	return nil
}

// setNamespaces shares the host's namespaces that hostNetwork, hostPID and
// hostIPC ask for (hostNetwork brings the host's uts namespace and
// hostname too, as in containerd) and makes a user namespace for
// hostUsers: false, mapping 65536 ids as `run --userns` does.
func (p *plan) setNamespaces(pod *corev1.Pod, _ *corev1.Container, _ string, _ Options) error {
	o := &p.options
	o.Net = "none"
	if pod.Spec.HostNetwork {
		o.Net = "host"
		o.HostNamespaces = append(o.HostNamespaces, specs.UTSNamespace)
	} else {
		h, err := hostname(pod)
		if err != nil {
			return err
		}
		o.Hostname = h
	}
	if pod.Spec.HostPID {
		o.HostNamespaces = append(o.HostNamespaces, specs.PIDNamespace)
	}
	if pod.Spec.HostIPC {
		o.HostNamespaces = append(o.HostNamespaces, specs.IPCNamespace)
		p.hostIPC = true
	}
	o.UserNS = !hostUsers(pod)
	var err error
	o.Sysctl, err = sysctls(pod)
	return err
}

// setConfinement translates privileged, readOnlyRootFilesystem,
// allowPrivilegeEscalation, procMount, capabilities and seccompProfile.
// The capabilities and the filter are set in finish, once the user is
// known.
func (p *plan) setConfinement(_ *corev1.Pod, _ *corev1.Container, _ string, o Options) error {
	e := p.sec
	p.options.Privileged = e.privileged
	p.options.ReadOnly = e.readOnlyRoot
	p.options.AllowPrivilegeEscalation = !e.noNewPrivileges()
	p.options.UnmaskedProc = e.procMount == corev1.UnmaskedProcMount

	bounding, err := caps.OwnBounding()
	if err != nil {
		return err
	}
	p.caps, err = capabilitySet(e.capabilities, e.containerPath+".capabilities", bounding)
	if err != nil {
		return err
	}
	root := o.SeccompRoot
	if root == "" {
		root = DefaultSeccompRoot
	}
	p.profile, err = seccompProfile(e.seccomp, e.seccompPath, root)
	return err
}

func (p *plan) setResources(_ *corev1.Pod, c *corev1.Container, cpath string, _ Options) error {
	r, notes, err := resources(c.Resources, cpath)
	p.options.Resources, p.notes = r, append(p.notes, notes...)
	return err
}

// finish gives s the capabilities and the seccomp filter the way
// containerd does. A privileged container keeps every capability that
// spec.New granted it, and no filter. Every other gets its set in the
// bounding set, and also in the effective and permitted sets when it runs
// as root: a process of another uid holds none after its exec, as no
// ambient capabilities are set for it (kubernetes/kubernetes#56374). The
// filter is settled last, for the final bounding set.
func (p *plan) finish(s *specs.Spec) error {
	withPrimaryGroup(&s.Process.User)
	if p.hostIPC {
		bindHostShm(s)
	}
	if p.sec.privileged {
		s.Process.Capabilities = caps.Sets(s.Process.Capabilities.Bounding, nil, s.Process.User.UID)
		return nil
	}
	s.Process.Capabilities = caps.Sets(p.caps, nil, s.Process.User.UID)
	return spec.SetSeccomp(s, p.profile)
}

// withPrimaryGroup puts the user's primary gid first among its additional
// gids, unless it is there already, as containerd does since its fix for
// CVE-2023-25173 (1.6.18, 1.7.0): a kubelet's container always holds its
// primary group as a supplementary one too.
func withPrimaryGroup(u *specs.User) {
	if slices.Contains(u.AdditionalGids, u.GID) {
		return
	}
	u.AdditionalGids = append([]uint32{u.GID}, u.AdditionalGids...)
}

// hostShm is the host's POSIX shared memory, which goes with its IPC
// namespace.
const hostShm = "/dev/shm"

// bindHostShm replaces the container's own /dev/shm tmpfs with a bind of
// the host's, as containerd does for a pod with hostIPC: shm_open names
// live in that directory, so without it the container would share the
// host's System V IPC but not its POSIX shared memory. The options are
// containerd's for a read-write bind it makes, plus those of the /dev/shm
// it replaces: a device node or setuid program planted in the host's
// /dev/shm must not work in the container (every writable mount sandbox
// makes is nodev).
func bindHostShm(s *specs.Spec) {
	bind := specs.Mount{Destination: hostShm, Type: "bind", Source: hostShm,
		Options: []string{"rbind", "rprivate", "rw", "nosuid", "nodev", "noexec"}}
	for i, m := range s.Mounts {
		if m.Destination == hostShm {
			s.Mounts[i] = bind
			return
		}
	}
	s.Mounts = append(s.Mounts, bind)
}
