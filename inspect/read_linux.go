package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"

	"sandbox/caps"
	"sandbox/seccomp"
)

// ErrNoProcess is returned by Read for a PID with no live process: none
// was ever there, it has exited, or it is a zombie.
var ErrNoProcess = errors.New("no such process")

// nsTypes are the namespaces reported, in the order a learner reads them.
var nsTypes = []string{"pid", "net", "mnt", "uts", "ipc", "user", "cgroup", "time"}

// Read measures process pid.
//
// Preconditions: run as root of the host (the initial user and PID
// namespaces): reading another process's namespaces, its root and its
// seccomp filters needs CAP_SYS_ADMIN and CAP_SYS_PTRACE there. A
// measurement that fails for a reason of the host (no time namespaces, a
// filter the kernel will not hand out) is reported in Notes, not as an
// error.
func Read(pid int) (*Report, error) {
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	first, err := readStat(pid)
	gone := errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
	if gone || (err == nil && first.Gone()) {
		return nil, fmt.Errorf("inspect: process %d: %w", pid, ErrNoProcess)
	}
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	if first.KernelThread() {
		return nil, fmt.Errorf("inspect: process %d (%s) is a kernel thread: it has no user space, "+
			"so nothing confines it and there is nothing to inspect", pid, printable(first.Comm))
	}

	// The start time tells the process from a later one that reuses its
	// PID while it is read, and Gone one on its way out, whose failed
	// reads must read as "it exited", not as their raw errors.
	alive := func() bool {
		now, err := readStat(pid)
		return err == nil && !now.Gone() && now.Start == first.Start
	}
	exited := fmt.Errorf("inspect: process %d: %w (it exited while it was read)", pid, ErrNoProcess)
	text, err := os.ReadFile(filepath.Join(proc, "status"))
	if err != nil && !alive() {
		return nil, exited
	}
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	st, err := ParseStatus(string(text))
	if err != nil {
		return nil, fmt.Errorf("inspect: %s: %w", proc, err)
	}

	r := &Report{Pid: pid}
	steps := []func(*Report, string, Status) error{
		readNamespaces, readProcess, readIdentity, readCapabilities,
		readMounts, readCgroup, readRlimits, readSeccomp,
	}
	for _, step := range steps {
		err := step(r, proc, st)
		if !alive() {
			return nil, exited
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("inspect: process %d: %w (%s)", pid, err, permissionHint(os.Geteuid()))
		}
		if err != nil {
			return nil, fmt.Errorf("inspect: process %d: %w", pid, err)
		}
	}
	r.Hardening.NoNewPrivs = st.NoNewPrivs
	warns, notes := warnings(r)
	r.Warnings, r.Notes = warns, append(r.Notes, notes...)
	if tids := differingThreads(proc, st); len(tids) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("threads %v have other ids, capabilities, "+
			"no_new_privs or filters than the first thread, which this report shows: each thread "+
			"holds its own, so read /proc/%d/task/TID/status for theirs", tids, pid))
	}
	return r, nil
}

// maxThreads bounds how many of a process's threads differingThreads reads.
const maxThreads = 4096

// differingThreads lists the threads of the process whose credentials,
// capabilities, no_new_privs or seccomp filters differ from its leader's,
// whose the report shows. Each thread holds its own: a raw setresuid(2),
// capset(2), prctl(2) or seccomp(2) without TSYNC changes one thread only,
// so a thread can stay root beside a leader that dropped everything. At
// most 8 are named, of at most maxThreads read.
func differingThreads(proc string, leader Status) []int {
	dir, err := os.Open(filepath.Join(proc, "task"))
	if err != nil {
		return nil
	}
	defer dir.Close()
	names, _ := dir.Readdirnames(maxThreads)
	var out []int
	for _, name := range names {
		text, err := os.ReadFile(filepath.Join(proc, "task", name, "status"))
		if err != nil {
			continue // the thread has exited
		}
		st, err := ParseStatus(string(text))
		if err != nil || sameCredentials(st, leader) {
			continue
		}
		if tid, err := strconv.Atoi(name); err == nil && len(out) < 8 {
			out = append(out, tid)
		}
	}
	slices.Sort(out)
	return out
}

func sameCredentials(a, b Status) bool {
	return a.Uid == b.Uid && a.Gid == b.Gid && slices.Equal(a.Groups, b.Groups) &&
		a.CapInh == b.CapInh && a.CapPrm == b.CapPrm && a.CapEff == b.CapEff &&
		a.CapBnd == b.CapBnd && a.CapAmb == b.CapAmb && a.NoNewPrivs == b.NoNewPrivs &&
		a.Seccomp == b.Seccomp && a.SeccompFilters == b.SeccompFilters
}

func readStat(pid int) (Stat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat{}, err
	}
	return ParseStat(string(data))
}

// permissionHint says why the kernel refused to let the caller read a
// process: to anyone but root, another user's process is closed; root
// itself is refused only where the host protects a process (an init
// holding a capability outside root's bounding set, or a security module).
func permissionHint(euid int) string {
	if euid == 0 {
		return "the kernel refused even root access to this process: it is protected on this host"
	}
	return "another user's process can only be inspected by root"
}

// readNamespaces compares each namespace with the host's (see
// hostReference).
func readNamespaces(r *Report, proc string, _ Status) error {
	ref, note := hostReference()
	r.HostReference = ref + "/ns"
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	for _, t := range nsTypes {
		own, err := nsInode(filepath.Join(proc, "ns", t))
		if errors.Is(err, fs.ErrNotExist) && t == "time" {
			r.Notes = append(r.Notes, "this kernel has no time namespaces (Linux 5.6 and later)")
			continue
		}
		if err != nil {
			return err
		}
		host, err := nsInode(filepath.Join(r.HostReference, t))
		if err != nil {
			return fmt.Errorf("host reference: %w", err)
		}
		n := Namespace{Type: t, Inode: own, Host: host, Isolated: own != host}
		r.Namespaces = append(r.Namespaces, n)
	}
	return nil
}

// hostReference is the /proc directory of a process in the host's initial
// namespaces: PID 1. Where PID 1 is closed even to root (the init of some
// virtual machines holds a capability root lacks, and ptrace access rules
// then refuse), kthreadd, PID 2: a kernel thread is always in the initial
// namespaces, and one is visible only from the initial PID namespace, so
// a PID 2 that is a kernel thread named kthreadd is the real one. Failing
// both, the caller's own namespaces stand in, with a note.
func hostReference() (proc, note string) {
	if _, err := os.Readlink("/proc/1/ns/pid"); err == nil {
		return "/proc/1", ""
	}
	st, err := readStat(2)
	if err == nil && st.KernelThread() && st.Comm == "kthreadd" {
		if _, err := os.Readlink("/proc/2/ns/pid"); err == nil {
			return "/proc/2", "PID 1's namespaces are unreadable here: the host's side is kthreadd's " +
				"(PID 2), a kernel thread, always in the initial namespaces"
		}
	}
	return "/proc/self", "neither PID 1's nor kthreadd's namespaces are readable here: " +
		"the host's side is this sandbox command's own namespaces"
}

// nsInode reads the inode number of a namespace link, "type:[inode]".
func nsInode(link string) (uint64, error) {
	target, err := os.Readlink(link)
	if err != nil {
		return 0, err
	}
	_, num, _ := strings.Cut(target, "[")
	n, err := strconv.ParseUint(strings.TrimSuffix(num, "]"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: link %q: %w", link, target, err)
	}
	return n, nil
}

func readProcess(r *Report, proc string, st Status) error {
	cmdline, err := os.ReadFile(filepath.Join(proc, "cmdline"))
	if err != nil {
		return err
	}
	r.Process = Process{HostPid: r.Pid, NSpid: st.NSpid, Pid: st.NSpid[len(st.NSpid)-1],
		Command: strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")}
	name, err := hostname(r.Pid)
	if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("hostname not read: %v", err))
	}
	r.Process.Hostname = name
	return nil
}

// readIdentity reads the ids. /proc/PID/status shows them as the reader's
// user namespace sees them, the host's here; the maps turn them back into
// the ids the process sees (user_namespaces(7)).
func readIdentity(r *Report, proc string, st Status) error {
	id := Identity{HostUid: st.Uid, HostGid: st.Gid, HostGroups: st.Groups}
	var err error
	if id.UidMap, err = readIDMap(filepath.Join(proc, "uid_map")); err != nil {
		return err
	}
	if id.GidMap, err = readIDMap(filepath.Join(proc, "gid_map")); err != nil {
		return err
	}
	setgroups, err := os.ReadFile(filepath.Join(proc, "setgroups"))
	if err != nil {
		return err
	}
	id.Setgroups = strings.TrimSpace(string(setgroups))
	copy(id.Uid[:], insideIDs(id.UidMap, st.Uid[:]))
	copy(id.Gid[:], insideIDs(id.GidMap, st.Gid[:]))
	id.Groups = insideIDs(id.GidMap, st.Groups)
	id.RootOnHost = HostID(id.UidMap, 0)
	r.Identity = id
	return nil
}

func readIDMap(path string) ([]IDRange, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseIDMap(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func readCapabilities(r *Report, _ string, st Status) error {
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return err
	}
	last, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return fmt.Errorf("cap_last_cap: %w", err)
	}
	def, err := caps.Mask(caps.Default)
	if err != nil {
		return err
	}
	hostBounding, err := hostBounding(filepath.Dir(r.HostReference))
	if err != nil {
		return err
	}
	r.Capabilities = Capabilities{
		Bounding: NewCapSet(st.CapBnd, def), Effective: NewCapSet(st.CapEff, def),
		Permitted: NewCapSet(st.CapPrm, def), Inheritable: NewCapSet(st.CapInh, def),
		Ambient: NewCapSet(st.CapAmb, def), Full: FullMask(last), Default: def,
		HostBounding: hostBounding,
	}
	return nil
}

// hostBounding is the most a process of the host can give: the bounding
// sets of the host reference and of this command, in common. A host may
// withhold a capability from root's processes that its init or kthreadd
// still holds (this one withholds CAP_SYS_RESOURCE), and no runtime it
// starts can hand that one out.
func hostBounding(ref string) (uint64, error) {
	var mask uint64 = ^uint64(0)
	for _, dir := range []string{ref, "/proc/self"} {
		text, err := os.ReadFile(filepath.Join(dir, "status"))
		if err != nil {
			return 0, fmt.Errorf("host reference: %w", err)
		}
		st, err := ParseStatus(string(text))
		if err != nil {
			return 0, fmt.Errorf("host reference: %s: %w", dir, err)
		}
		mask &= st.CapBnd
	}
	return mask, nil
}

func readMounts(r *Report, proc string, _ Status) error {
	f, err := os.Open(filepath.Join(proc, "mountinfo"))
	if err != nil {
		return err
	}
	defer f.Close()
	infos, err := mountinfo.GetMountsFromReader(f, nil)
	if err != nil {
		return fmt.Errorf("%s/mountinfo: %w", proc, err)
	}
	r.Mounts = Mounts(infos)
	r.Hardening.ReadOnlyRootfs = RootReadOnly(infos)
	root, err := openRoot(r.Pid)
	if err != nil {
		return err
	}
	defer root.Close()
	if probe, err := openIn(root, "/", unix.O_PATH); errors.Is(err, unix.ENOSYS) {
		r.Notes = append(r.Notes, "this kernel has no openat2 (Linux 5.6 and later): masked paths "+
			"cannot be told safely inside the process's root and are not listed")
	} else if err == nil {
		probe.Close()
	}
	r.Hardening.MaskedPaths, r.Hardening.ReadOnlyPaths = MaskedAndReadOnly(infos, rootProbe{root})
	var others int
	if r.Devices, r.DeviceNodesMore, others, err = devices(root); err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("/dev not listed: %v", err))
	}
	r.DevicesMore = r.DeviceNodesMore + others
	return nil
}

func readCgroup(r *Report, proc string, _ Status) error {
	data, err := os.ReadFile(filepath.Join(proc, "cgroup"))
	if err != nil {
		return err
	}
	lines := ParseCgroup(string(data))
	r.Cgroup.Lines = strings.Split(strings.TrimSpace(string(data)), "\n")
	hostMounts, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup", "cgroup2"))
	if err != nil {
		return fmt.Errorf("read the host's cgroup mounts: %w", err)
	}
	var v2Controllers []string
	if dir := UnifiedDir(lines, hostMounts); dir != "" {
		c, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
		v2Controllers = strings.Fields(string(c))
	}
	r.Cgroup.Limits = []Limit{}
	for _, p := range PlanLimits(lines, hostMounts, v2Controllers) {
		r.Cgroup.Limits = append(r.Cgroup.Limits, readLimit(p))
	}
	if file, v2 := FreezerPlan(lines, hostMounts); file != "" {
		state, _ := os.ReadFile(file)
		r.Cgroup.Frozen = IsFrozen(string(state), v2)
	}
	return nil
}

// readLimit reads the files of one limit. A file the cgroup lacks (the
// root cgroup has no memory.max) gives the error as its value.
func readLimit(p LimitPlan) Limit {
	var contents []string
	for _, f := range p.Files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			return Limit{Name: p.Name, File: f, Value: "none: no such file (a root cgroup has none)"}
		}
		if err != nil {
			return Limit{Name: p.Name, File: f, Value: "unread: " + err.Error()}
		}
		contents = append(contents, string(data))
	}
	return Limit{Name: p.Name, File: strings.Join(p.Files, " "), Value: LimitValue(p.Name, p.V2, contents)}
}

func readRlimits(r *Report, proc string, _ Status) error {
	data, err := os.ReadFile(filepath.Join(proc, "limits"))
	if err != nil {
		return err
	}
	r.Rlimits, err = ParseLimits(string(data))
	return err
}

// readSeccomp counts what the filters of a process in filter mode do. The
// process is stopped for as long as its filters take to copy, about a
// millisecond; counting runs after it is let go.
func readSeccomp(r *Report, _ string, st Status) error {
	r.Seccomp = Seccomp{Mode: [...]string{"disabled", "strict", "filter"}[min(max(st.Seccomp, 0), 2)],
		Filters: st.SeccompFilters}
	if st.Seccomp != 2 {
		return nil
	}
	// A frozen process cannot stop for a tracer: do not wait for it.
	if r.Cgroup.Frozen {
		r.Seccomp.Unknown = "the process's cgroup is frozen (paused), and a frozen process cannot be " +
			"stopped to copy its filters; resume it and inspect again"
		return nil
	}
	filters, err := readFilters(r.Pid)
	if err != nil {
		r.Seccomp.Unknown = fmt.Sprintf("the filters could not be copied (%v); "+
			"only the mode and the number of filters are known", err)
		return nil
	}
	r.Seccomp.Filters = len(filters)
	names, err := seccomp.NativeSyscalls()
	if err != nil {
		r.Seccomp.Unknown = err.Error()
		return nil
	}
	return CountFilters(&r.Seccomp, filters, names, nativeArch)
}
