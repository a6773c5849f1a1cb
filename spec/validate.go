package spec

import (
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/caps"
	"sandbox/seccomp"
)

// Validate checks a config before anything is created for it, so that a bad
// value fails with the name of its field and leaves nothing behind.
func Validate(s *specs.Spec) error {
	if s.Root == nil || s.Root.Path == "" {
		return errors.New("root.path is empty: name the container's root filesystem")
	}
	if s.Process == nil || len(s.Process.Args) == 0 {
		return errors.New("process.args is empty: say what to run")
	}
	if s.Process.Args[0] == "" {
		// A PATH search for "" would try each PATH directory itself.
		return errors.New("process.args[0] is an empty string: name the program to run")
	}
	if s.Linux == nil {
		return errors.New("linux is missing: sandbox runs Linux containers only")
	}
	checks := []func(*specs.Spec) error{
		validateNonRoot, validateNamespaces, validateHostname, validateProcess, validateUser, validateMounts,
		func(s *specs.Spec) error { return seccomp.Validate(s.Linux.Seccomp) },
		validateRlimits, validateSysctls, validateDevices,
	}
	for _, check := range checks {
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

var namespaceTypes = []specs.LinuxNamespaceType{
	specs.PIDNamespace, specs.NetworkNamespace, specs.MountNamespace, specs.IPCNamespace,
	specs.UTSNamespace, specs.UserNamespace, specs.CgroupNamespace, specs.TimeNamespace,
}

func validateNamespaces(s *specs.Spec) error {
	var seen []specs.LinuxNamespaceType
	for _, ns := range s.Linux.Namespaces {
		if !slices.Contains(namespaceTypes, ns.Type) {
			return fmt.Errorf("linux.namespaces: unknown type %q", ns.Type)
		}
		if slices.Contains(seen, ns.Type) {
			return fmt.Errorf("linux.namespaces: %s is listed twice", ns.Type)
		}
		seen = append(seen, ns.Type)
	}
	if !slices.Contains(seen, specs.MountNamespace) && slices.Contains(seen, specs.UserNamespace) {
		return errors.New("linux.namespaces: a user namespace needs a mount namespace too, " +
			"as its root may not mount in the host's")
	}
	return nil
}

// HasNamespace reports whether s asks for a namespace of type t.
func HasNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	return slices.ContainsFunc(s.Linux.Namespaces, func(ns specs.LinuxNamespace) bool { return ns.Type == t })
}

// validateHostname applies sethostname(2)'s limit and RFC 1123's characters,
// and refuses a hostname that would be set on the host's UTS namespace.
func validateHostname(s *specs.Spec) error {
	h := s.Hostname
	if h == "" {
		return nil
	}
	if !HasNamespace(s, specs.UTSNamespace) {
		return errors.New("hostname needs a private UTS namespace: add uts to linux.namespaces")
	}
	if len(h) > 64 {
		return fmt.Errorf("hostname %.20q... is %d characters long: the kernel takes at most 64", h, len(h))
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return fmt.Errorf("hostname %q: use letters, digits and inner hyphens, in dot-separated labels", h)
		}
	}
	return nil
}

func validateProcess(s *specs.Spec) error {
	p := s.Process
	if !path.IsAbs(p.Cwd) {
		return fmt.Errorf("process.cwd %q must be an absolute path", p.Cwd)
	}
	for _, kv := range p.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("process.env %q: write it as KEY=VALUE", kv)
		}
	}
	if a := p.OOMScoreAdj; a != nil && (*a < -1000 || *a > 1000) {
		return fmt.Errorf("process.oomScoreAdj %d is out of range: the kernel takes -1000 to 1000", *a)
	}
	if err := validateIDs(p.User); err != nil {
		return err
	}
	if c := p.Capabilities; c != nil {
		for _, set := range [][]string{c.Bounding, c.Effective, c.Permitted, c.Inheritable, c.Ambient} {
			for _, n := range set {
				if _, err := caps.Parse(n); err != nil {
					return fmt.Errorf("process.capabilities: %w", err)
				}
			}
		}
	}
	return nil
}

// noID is (uid_t)-1, which setresuid(2), setresgid(2) and their kin take
// as "leave this id as it is": a process given it would keep the runtime's
// uid 0 instead of failing.
const noID = math.MaxUint32

// validateIDs refuses noID as any id of the process.
func validateIDs(u specs.User) error {
	refuse := func(field string, id uint32) error {
		return fmt.Errorf("%s %d is (uid_t)-1, which the kernel takes as \"no change\" "+
			"(the process would stay root): give 0 to %d", field, id, uint32(noID-1))
	}
	if u.UID == noID {
		return refuse("process.user.uid", u.UID)
	}
	if u.GID == noID {
		return refuse("process.user.gid", u.GID)
	}
	for _, g := range u.AdditionalGids {
		if g == noID {
			return refuse("process.user.additionalGids", g)
		}
	}
	return nil
}

// validateUser checks the id maps, and that every id the process will take
// is mapped: an unmapped id would fail deep in setuid(2) with EINVAL.
func validateUser(s *specs.Spec) error {
	l := s.Linux
	if !HasNamespace(s, specs.UserNamespace) {
		if len(l.UIDMappings) > 0 || len(l.GIDMappings) > 0 {
			return errors.New("linux.uidMappings and linux.gidMappings need a user namespace: add user to linux.namespaces")
		}
		return nil
	}
	for _, ns := range l.Namespaces {
		if ns.Type == specs.UserNamespace && ns.Path != "" {
			return nil // the joined namespace has its maps already
		}
	}
	if len(l.UIDMappings) == 0 || len(l.GIDMappings) == 0 {
		return errors.New("a user namespace needs linux.uidMappings and linux.gidMappings")
	}
	if err := ValidateIDMaps("uid", l.UIDMappings); err != nil {
		return err
	}
	if err := ValidateIDMaps("gid", l.GIDMappings); err != nil {
		return err
	}
	// The child stage sets the container up as its root (setuid(0) inside
	// the namespace), which fails with EINVAL when 0 is not mapped.
	if !Mapped(l.UIDMappings, 0) || !Mapped(l.GIDMappings, 0) {
		return errors.New("linux.uidMappings and linux.gidMappings (--uid-map, --gid-map) must map container id 0: " +
			"sandbox sets the container up as its root; map it too, as with --uid-map 0:1000000:1")
	}
	u := s.Process.User
	if !Mapped(l.UIDMappings, u.UID) {
		return fmt.Errorf("uid %d is not mapped in the user namespace (%s)", u.UID, DescribeMapped(l.UIDMappings))
	}
	for _, g := range append([]uint32{u.GID}, u.AdditionalGids...) {
		if !Mapped(l.GIDMappings, g) {
			return fmt.Errorf("gid %d is not mapped in the user namespace (%s)", g, DescribeMapped(l.GIDMappings))
		}
	}
	return nil
}

func validateMounts(s *specs.Spec) error {
	for _, m := range s.Mounts {
		if !path.IsAbs(m.Destination) {
			return fmt.Errorf("mount destination %q must be an absolute path", m.Destination)
		}
		if err := CheckDestination(m, path.Clean(m.Destination)); err != nil {
			return fmt.Errorf("mount destination %w", err)
		}
	}
	return nil
}

// procFiles are the /proc files that may be replaced by a bind mount, as
// lxcfs does to show a container its own cpu and memory figures. Anything
// else under /proc or /sys is reserved: a mount there could redirect the
// runtime's or the workload's view of the kernel (CVE-2019-16884,
// CVE-2019-19921).
var procFiles = []string{
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
	"/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
}

// CheckDestination refuses mount m at dst, a clean absolute path inside the
// rootfs, when dst is reserved. Validate checks the destination as written;
// the rootfs package checks it again once it is resolved inside the
// rootfs, because an image symlink such as /lnk -> /proc/sys/kernel makes
// an innocent-looking destination a reserved one (CVE-2019-19921).
func CheckDestination(m specs.Mount, dst string) error {
	switch {
	case dst == "/":
		return errors.New("/ is reserved for the rootfs: mount somewhere inside it")
	case dst == "/proc" && m.Type == "proc", dst == "/sys" && m.Type == "sysfs":
		return nil
	case dst == "/sys/fs/cgroup" && (m.Type == "cgroup" || m.Type == "cgroup2"):
		return nil
	case slices.Contains(procFiles, dst):
		return nil
	case under(dst, "/proc"), under(dst, "/sys"):
		return fmt.Errorf("%s is reserved: /proc and /sys belong to the kernel", dst)
	case isBind(m):
		return checkRuntimeDev(dst)
	}
	return nil
}

func isBind(m specs.Mount) bool {
	return m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}

func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// validateNonRoot applies NonRootAnnotation. The uid checked is the one
// the process takes inside the container: like the kubelet, sandbox refuses
// uid 0 even when a user namespace maps it to an unprivileged host id,
// since the rule is about what the workload was built to expect.
func validateNonRoot(s *specs.Spec) error {
	v, ok := s.Annotations[NonRootAnnotation]
	switch {
	case !ok || v == "false":
		return nil
	case v != "true":
		return fmt.Errorf("annotation %s=%q: write true or false", NonRootAnnotation, v)
	case s.Process.User.UID == 0:
		return fmt.Errorf("the process would run as uid 0, which %s (--run-as-non-root, runAsNonRoot) forbids: "+
			"give another uid with --user, runAsUser or process.user.uid", NonRootAnnotation)
	}
	// Nor may a user namespace make the process's uid the host's root.
	if host, ok := HostID(s.Linux.UIDMappings, s.Process.User.UID); ok && host == 0 &&
		HasNamespace(s, specs.UserNamespace) {
		return fmt.Errorf("uid %d is host uid 0 through linux.uidMappings, which %s (--run-as-non-root, "+
			"runAsNonRoot) forbids: map it to an unprivileged host uid", s.Process.User.UID, NonRootAnnotation)
	}
	return nil
}
