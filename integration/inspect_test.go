package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// As INSPECT_PROBE="name=nr ...", the test binary makes each system call
// with every argument zero and prints the kernel's answer, "name: ok" or
// "name: ERRNO": what inspect's reading of a filter must predict.
func init() {
	if os.Getenv("INSPECT_PROBE") == "" {
		return
	}
	for _, call := range strings.Fields(os.Getenv("INSPECT_PROBE")) {
		name, nr, _ := strings.Cut(call, "=")
		n, _ := strconv.Atoi(nr)
		if _, _, errno := unix.RawSyscall6(uintptr(n), 0, 0, 0, 0, 0, 0); errno != 0 {
			fmt.Printf("%s: %s\n", name, unix.ErrnoName(errno))
		} else {
			fmt.Printf("%s: ok\n", name)
		}
	}
	os.Exit(0)
}

// inspected is the part of `sandbox inspect --format json` the tests
// check, spelled with the json names scripts rely on.
type inspected struct {
	Pid             int      `json:"pid"`
	Selection       []string `json:"selection"`
	ContainerStatus string   `json:"containerStatus"`
	HostReference   string   `json:"hostReference"`
	Namespaces      []struct {
		Type     string `json:"type"`
		Inode    uint64 `json:"inode"`
		Host     uint64 `json:"host"`
		Isolated bool   `json:"isolated"`
	} `json:"namespaces"`
	Process struct {
		HostPid  int      `json:"hostPid"`
		Pid      int      `json:"pid"`
		Command  []string `json:"command"`
		Hostname string   `json:"hostname"`
	} `json:"process"`
	Identity struct {
		Uid        [4]uint32 `json:"uid"`
		Gid        [4]uint32 `json:"gid"`
		UidMap     []idRange `json:"uidMap"`
		GidMap     []idRange `json:"gidMap"`
		HostUid    [4]uint32 `json:"hostUid"`
		Groups     []uint32  `json:"groups"`
		RootOnHost int64     `json:"rootOnHost"`
	} `json:"identity"`
	Capabilities struct {
		Bounding    capSet `json:"bounding"`
		Effective   capSet `json:"effective"`
		Permitted   capSet `json:"permitted"`
		Inheritable capSet `json:"inheritable"`
		Ambient     capSet `json:"ambient"`
		Full        uint64 `json:"full"`
		Default     uint64 `json:"default"`
	} `json:"capabilities"`
	Hardening struct {
		NoNewPrivs     bool     `json:"noNewPrivs"`
		ReadOnlyRootfs bool     `json:"readOnlyRootfs"`
		MaskedPaths    []string `json:"maskedPaths"`
		ReadOnlyPaths  []string `json:"readOnlyPaths"`
	} `json:"hardening"`
	Seccomp struct {
		Mode        string              `json:"mode"`
		Filters     int                 `json:"filters"`
		Unknown     string              `json:"unknown"`
		Syscalls    int                 `json:"syscalls"`
		Allowed     int                 `json:"allowed"`
		Names       map[string][]string `json:"names"`
		Conditional []string            `json:"conditional"`
	} `json:"seccomp"`
	Mounts []struct {
		Point       string `json:"point"`
		ReadOnly    bool   `json:"readOnly"`
		Propagation string `json:"propagation"`
	} `json:"mounts"`
	Devices []struct {
		Name         string `json:"name"`
		Type         string `json:"type"`
		Major, Minor uint32
	} `json:"devices"`
	DevicesMore     int `json:"devicesMore"`
	DeviceNodesMore int `json:"deviceNodesMore"`
	Cgroup          struct {
		Lines  []string `json:"lines"`
		Limits []struct {
			Name, Value string
		} `json:"limits"`
	} `json:"cgroup"`
	Rlimits []struct {
		Name, Soft, Hard string
	} `json:"rlimits"`
	Warnings []string `json:"warnings"`
	Notes    []string `json:"notes"`
}

type idRange struct {
	Inside  uint32 `json:"inside"`
	Outside uint32 `json:"outside"`
	Size    uint32 `json:"size"`
}

type capSet struct {
	Mask   uint64   `json:"mask"`
	Names  []string `json:"names"`
	Beyond []string `json:"beyondDefault"`
}

// inspectJSON runs `sandbox [--root root] inspect --format json target`.
func inspectJSON(t *testing.T, root, target string) inspected {
	t.Helper()
	args := []string{"inspect", "--format", "json", target}
	if root != "" {
		args = append([]string{"--root", root}, args...)
	}
	out := runOK(t, args...)
	var r inspected
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("inspect --format json: %v:\n%s", err, out)
	}
	return r
}

// inspectText runs `sandbox inspect target` and returns its output with
// runs of blanks collapsed, so checks do not depend on column widths.
func inspectText(t *testing.T, target string) string {
	t.Helper()
	out := runOK(t, "inspect", target)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

// container runs `sandbox run FLAGS ROOTFS sleep N` in the background and
// returns the host PIDs of the sandbox process and of the container's init.
// The container is killed when the test ends.
func container(t *testing.T, rootfs string, flags ...string) (runPid, initPid int) {
	t.Helper()
	cmdline := "sleep " + bcMarker()
	args := append(append([]string{"run"}, flags...), rootfs)
	p := bcStart(t, nil, append(args, strings.Fields(cmdline)...)...)
	initPid = bcAwaitPid(t, cmdline)
	t.Cleanup(func() {
		if p.running() {
			p.signal(t, syscall.SIGKILL)
			p.wait(t, 5*time.Second)
		}
		bcGone(t, cmdline, 2*time.Second)
	})
	return p.cmd.Process.Pid, initPid
}

// ownStatus is a field of the test process's /proc/self/status.
func ownStatus(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	return statusField(t, string(data), name)
}

func ownMask(t *testing.T, name string) uint64 {
	t.Helper()
	m, err := strconv.ParseUint(ownStatus(t, name), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// isolation is the namespaces reported isolated, sorted by type name.
func isolation(r inspected) (isolated, shared []string) {
	for _, n := range r.Namespaces {
		if n.Isolated {
			isolated = append(isolated, n.Type)
		} else {
			shared = append(shared, n.Type)
		}
	}
	slices.Sort(isolated)
	slices.Sort(shared)
	return isolated, shared
}

// checkNamespaces compares each namespace with the kernel's links: the
// process's, and the test's own as the host's.
func checkNamespaces(t *testing.T, r inspected, pid int, wantIsolated []string) {
	t.Helper()
	if len(r.Namespaces) < 7 {
		t.Fatalf("namespaces: got %d, want at least 7: %+v", len(r.Namespaces), r.Namespaces)
	}
	for _, n := range r.Namespaces {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, n.Type))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%s:[%d]", n.Type, n.Inode); link != want {
			t.Errorf("%s namespace: got inode %d, the kernel says %s", n.Type, n.Inode, link)
		}
		own, _ := os.Readlink("/proc/self/ns/" + n.Type)
		if isolated := own != link; n.Isolated != isolated {
			t.Errorf("%s namespace: got isolated=%v, want %v (%s against the host's %s)",
				n.Type, n.Isolated, isolated, link, own)
		}
	}
	if got, _ := isolation(r); !slices.Equal(got, wantIsolated) {
		t.Errorf("isolated namespaces: got %v, want %v", got, wantIsolated)
	}
}

func limit(r inspected, name string) string {
	for _, l := range r.Cgroup.Limits {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

func device(r inspected, name string) string {
	for _, d := range r.Devices {
		if d.Name == name {
			return fmt.Sprintf("%s %d:%d", d.Type, d.Major, d.Minor)
		}
	}
	return ""
}

// notStopped fails if pid is left stopped or traced after an inspect.
func notStopped(t *testing.T, pid int) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	st := string(data)
	if state := statusField(t, st, "State"); strings.HasPrefix(state, "t") || strings.HasPrefix(state, "T") {
		t.Errorf("process %d left %s after inspect", pid, state)
	}
	if tracer := statusField(t, st, "TracerPid"); tracer != "0" {
		t.Errorf("process %d left traced by %s after inspect", pid, tracer)
	}
}

var defaultIsolated = []string{"cgroup", "ipc", "mnt", "net", "pid", "uts"}

const defaultMask = 0xa80425fb

// TestInspectDefault: a default container, measured field by field against
// the kernel and the flags it was started with.
func TestInspectDefault(t *testing.T) {
	_, rootfs := env(t)
	runPid, pid := container(t, rootfs, "--hostname", "insp", "--memory", "64m", "--pids-limit", "50")
	r := inspectJSON(t, "", strconv.Itoa(pid))
	notStopped(t, pid)

	checkNamespaces(t, r, pid, defaultIsolated)
	if r.Process.Pid != 1 || r.Process.HostPid != pid || r.Process.Hostname != "insp" ||
		!strings.HasPrefix(strings.Join(r.Process.Command, " "), "sleep ") {
		t.Errorf("process: got %+v, want pid 1 inside, host pid %d, hostname insp, sleep", r.Process, pid)
	}
	if r.Identity.Uid != [4]uint32{} || r.Identity.RootOnHost != 0 || len(r.Warnings) == 0 ||
		!strings.Contains(r.Warnings[0], "root on the host") {
		t.Errorf("identity: got %+v, warnings %q, want root, host uid 0 and a warning", r.Identity, r.Warnings)
	}
	c := r.Capabilities
	for name, s := range map[string]capSet{"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted} {
		if s.Mask != defaultMask || len(s.Names) != 14 || len(s.Beyond) != 0 {
			t.Errorf("%s set: got %+v, want the default 14 (%#x)", name, s, defaultMask)
		}
	}
	if c.Inheritable.Mask != 0 || c.Ambient.Mask != 0 || c.Default != defaultMask {
		t.Errorf("inheritable %#x, ambient %#x, default %#x: want 0, 0, %#x",
			c.Inheritable.Mask, c.Ambient.Mask, c.Default, defaultMask)
	}
	h := r.Hardening
	if !h.NoNewPrivs || h.ReadOnlyRootfs {
		t.Errorf("hardening: got %+v, want no_new_privs and a writable rootfs", h)
	}
	for _, p := range []string{"/proc/keys", "/proc/timer_list", "/proc/acpi", "/sys/firmware"} {
		if !slices.Contains(h.MaskedPaths, p) {
			t.Errorf("masked paths: got %v, want %s among them", h.MaskedPaths, p)
		}
	}
	for _, p := range []string{"/proc/sys", "/proc/bus", "/proc/irq", "/proc/fs"} {
		if !slices.Contains(h.ReadOnlyPaths, p) {
			t.Errorf("read-only paths: got %v, want %s among them", h.ReadOnlyPaths, p)
		}
	}
	s := r.Seccomp
	if s.Mode != "filter" || s.Filters != 1 || s.Unknown != "" || s.Syscalls < 300 {
		t.Fatalf("seccomp: got mode %s, %d filters, %d calls (%s), want filter, 1, over 300",
			s.Mode, s.Filters, s.Syscalls, s.Unknown)
	}
	for _, call := range []string{"mount", "unshare", "setns", "keyctl", "bpf", "reboot"} {
		if !slices.Contains(s.Names["errno"], call) {
			t.Errorf("seccomp: want %s refused with errno, got errno for %v", call, s.Names["errno"])
		}
	}
	if !slices.Contains(s.Conditional, "clone") || slices.Contains(s.Names["errno"], "read") {
		t.Errorf("seccomp: want clone conditional and read allowed, got conditional %v", s.Conditional)
	}
	if r.Mounts[0].Point != "/" || r.Mounts[0].Propagation != "private" {
		t.Errorf("first mount: got %+v, want / private", r.Mounts[0])
	}
	if got := device(r, "null"); got != "char 1:3" {
		t.Errorf("/dev/null: got %q, want char 1:3", got)
	}
	if got := limit(r, "memory"); got != "67108864" {
		t.Errorf("memory limit: got %q, want 67108864", got)
	}
	if got := limit(r, "pids"); got != "50" {
		t.Errorf("pids limit: got %q, want 50", got)
	}
	if len(r.Rlimits) < 16 || r.Rlimits[0].Name != "Max cpu time" {
		t.Errorf("rlimits: got %+v, want the 16 of /proc/PID/limits", r.Rlimits)
	}

	t.Run("text, through the sandbox run PID", func(t *testing.T) {
		out := inspectText(t, strconv.Itoa(runPid))
		for _, want := range []string{
			fmt.Sprintf("pid %d is a foreground `sandbox run`: showing its container, pid %d", runPid, pid),
			"WARNING: uid 0 here is uid 0 of the host (no user namespace): a process that escapes " +
				"its namespaces is root on the host",
			"pid inside 1", fmt.Sprintf("host pid %d", pid), "hostname insp",
			"user 4026531837", "isolated", "shared",
			"effective 0x00000000a80425fb 14 of", "the default container set",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("inspect text: want %q in:\n%s", want, out)
			}
		}
		notStopped(t, pid)
	})
}

// TestInspectSettings: each flag shows where the kernel says it should.
func TestInspectSettings(t *testing.T) {
	_, rootfs := env(t)
	ownBounding := ownMask(t, "CapBnd")
	tests := []struct {
		name     string
		flags    []string
		isolated []string
		check    func(t *testing.T, r inspected)
	}{
		{"user 1000, drop-all", []string{"--user", "1000", "--drop-all"}, defaultIsolated,
			func(t *testing.T, r inspected) {
				if ids := [4]uint32{1000, 1000, 1000, 1000}; r.Identity.Uid != ids || r.Identity.HostUid != ids {
					t.Errorf("identity: got %+v, want uid 1000, host uid 1000", r.Identity)
				}
				c := r.Capabilities
				for _, m := range []uint64{c.Bounding.Mask, c.Effective.Mask, c.Permitted.Mask, c.Ambient.Mask} {
					if m != 0 {
						t.Errorf("capabilities: got %+v, want every set empty", c)
					}
				}
			}},
		{"read-only rootfs", []string{"--read-only"}, defaultIsolated,
			func(t *testing.T, r inspected) {
				if !r.Hardening.ReadOnlyRootfs {
					t.Errorf("read-only rootfs: got %+v, want true", r.Hardening)
				}
			}},
		{"host network", []string{"--net", "host"}, []string{"cgroup", "ipc", "mnt", "pid", "uts"}, nil},
		{"cap-add NET_ADMIN", []string{"--cap-add", "NET_ADMIN"}, defaultIsolated,
			func(t *testing.T, r inspected) {
				if e := r.Capabilities.Effective; !slices.Equal(e.Beyond, []string{"CAP_NET_ADMIN"}) ||
					e.Mask != defaultMask|1<<12 {
					t.Errorf("effective: got %+v, want the default set and CAP_NET_ADMIN", e)
				}
			}},
		{"seccomp unconfined", []string{"--seccomp", "unconfined"}, defaultIsolated,
			func(t *testing.T, r inspected) {
				if r.Seccomp.Mode != "disabled" || r.Seccomp.Filters != 0 || r.Seccomp.Syscalls != 0 {
					t.Errorf("seccomp: got %+v, want disabled", r.Seccomp)
				}
			}},
		{"privileged", []string{"--privileged"}, defaultIsolated,
			func(t *testing.T, r inspected) {
				// Every capability the host grants: this one withholds some.
				if e := r.Capabilities.Effective.Mask; e != ownBounding {
					t.Errorf("effective: got %#x, want the host's bounding set %#x", e, ownBounding)
				}
				if r.Seccomp.Mode != "disabled" || len(r.Hardening.MaskedPaths) != 0 {
					t.Errorf("privileged: got seccomp %s, masked %v, want disabled and none",
						r.Seccomp.Mode, r.Hardening.MaskedPaths)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, pid := container(t, rootfs, tt.flags...)
			r := inspectJSON(t, "", strconv.Itoa(pid))
			checkNamespaces(t, r, pid, tt.isolated)
			if tt.check != nil {
				tt.check(t, r)
			}
			notStopped(t, pid)
		})
	}
}

// TestInspectUserNamespace: with --userns, root inside is the first
// subordinate id, user 1000 shows as 1000 inside and as its mapped id on
// the host, and nothing warns of host root.
func TestInspectUserNamespace(t *testing.T) {
	env(t)
	uid0 := bcUserNSStart(t, "/etc/subuid")
	r := bcCopyRootfs(t, filepath.Join(bcDir(t, 0o755), "r"))
	_, pid := container(t, r, "--userns", "--user", "1000")
	got := inspectJSON(t, "", strconv.Itoa(pid))
	checkNamespaces(t, got, pid, []string{"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"})
	want := []idRange{{0, uint32(uid0), 65536}}
	id := got.Identity
	if !slices.Equal(id.UidMap, want) || id.RootOnHost != int64(uid0) {
		t.Errorf("identity: got map %v, root on host %d, want %v and %d", id.UidMap, id.RootOnHost, want, uid0)
	}
	// The uid the process sees, and the one the host's status shows.
	status := string(mustReadFile(t, fmt.Sprintf("/proc/%d/status", pid)))
	hostUid := strings.Join(strings.Fields(statusField(t, status, "Uid")), " ")
	if id.Uid != [4]uint32{1000, 1000, 1000, 1000} || fmt.Sprint(id.HostUid[:]) != "["+hostUid+"]" ||
		id.HostUid[0] != uint32(uid0+1000) {
		t.Errorf("uids: got %v inside, %v on the host, want 1000 and %d (status: %s)", id.Uid, id.HostUid,
			uid0+1000, hostUid)
	}
	if !slices.Equal(id.Groups, []uint32{100}) {
		t.Errorf("groups: got %v, want [100] (users), as inside", id.Groups)
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings: got %q, want none: root is not host root", got.Warnings)
	}
	// Seccomp filters of a process in another user namespace are copied
	// by host root too.
	if got.Seccomp.Mode != "filter" || got.Seccomp.Unknown != "" || got.Seccomp.Syscalls == 0 {
		t.Errorf("seccomp: got %+v, want counted filters", got.Seccomp)
	}
}

// TestInspectOCI: a container of the store, by id, both created (its init
// waits to start) and running.
func TestInspectOCI(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	ociOK(t, root, "create", "--bundle", dir, "insp")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "insp") })
	pid := stateOf(t, root, "insp").Pid

	created := inspectJSON(t, root, "insp")
	if created.Pid != pid {
		t.Errorf("created container: got pid %d, want the init's %d", created.Pid, pid)
	}
	notStopped(t, pid)

	ociOK(t, root, "start", "insp")
	waitStatus(t, root, "insp", "running")
	r := inspectJSON(t, root, "insp")
	checkNamespaces(t, r, pid, []string{"cgroup", "ipc", "mnt", "net", "pid", "uts"})
	if r.Pid != pid || r.Process.Pid != 1 || !r.Hardening.ReadOnlyRootfs || !r.Hardening.NoNewPrivs {
		t.Errorf("running container: got pid %d (%d inside), read-only %v, no_new_privs %v, "+
			"want %d, 1, true (the bundle's root.readonly), true", r.Pid, r.Process.Pid,
			r.Hardening.ReadOnlyRootfs, r.Hardening.NoNewPrivs, pid)
	}
	notStopped(t, pid)
}

// TestInspectPaused: a frozen process cannot stop for ptrace, so inspect
// says why the filter counts are missing, at once, and the container runs
// on when resumed, neither stopped nor traced.
func TestInspectPaused(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["seccomp"] = map[string]any{"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": []any{map[string]any{"names": []any{"mount", "reboot"}, "action": "SCMP_ACT_ERRNO"}}}
	})
	ociOK(t, root, "run", "--detach", "--bundle", dir, "paused")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "paused") })
	pid := waitStatus(t, root, "paused", "running").Pid
	ociOK(t, root, "pause", "paused")

	start := time.Now()
	r := inspectJSON(t, root, "paused")
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("inspect of a paused container took %v, want no wait for a stop", took)
	}
	if r.Seccomp.Mode != "filter" || r.Seccomp.Filters != 1 || !strings.Contains(r.Seccomp.Unknown, "frozen") {
		t.Errorf("seccomp: got %+v, want filter mode, 1 filter, and why the rest is unknown", r.Seccomp)
	}

	ociOK(t, root, "resume", "paused")
	notStopped(t, pid)
	r = inspectJSON(t, root, "paused")
	if got := r.Seccomp.Names["errno"]; !slices.Equal(got, []string{"mount", "reboot"}) || r.Seccomp.Unknown != "" {
		t.Errorf("seccomp after resume: got errno for %v (%s), want mount and reboot", got, r.Seccomp.Unknown)
	}
	notStopped(t, pid)
}

// TestInspectSeccompAgainstKernel: what inspect reads from a filter is
// what the kernel does. Each call it counts as refused fails with the
// profile's errno when made, and calls it counts as allowed go through.
// The calls are ones that are harmless with zero arguments.
func TestInspectSeccompAgainstKernel(t *testing.T) {
	env(t)
	r := seccompRootfs(t)
	p := writeProfile(t, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getppid", "kcmp", "pidfd_getfd", "setns", "unshare"], "action": "SCMP_ACT_ERRNO",
		 "errnoRet": 123},
		{"names": ["getpgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 123,
		 "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}]}`)
	numbers := map[string]uintptr{
		"getppid": unix.SYS_GETPPID, "kcmp": unix.SYS_KCMP, "pidfd_getfd": unix.SYS_PIDFD_GETFD,
		"setns": unix.SYS_SETNS, "unshare": unix.SYS_UNSHARE,
		"getpid": unix.SYS_GETPID, "getuid": unix.SYS_GETUID, "gettid": unix.SYS_GETTID,
		"sched_yield": unix.SYS_SCHED_YIELD, "getpgid": unix.SYS_GETPGID,
	}

	_, pid := container(t, r, "--seccomp", p)
	got := inspectJSON(t, "", strconv.Itoa(pid)).Seccomp
	refused := got.Names["errno"]
	if want := []string{"getppid", "kcmp", "pidfd_getfd", "setns", "unshare"}; !slices.Equal(refused, want) ||
		!slices.Equal(got.Conditional, []string{"getpgid"}) || got.Allowed != got.Syscalls-6 {
		t.Fatalf("inspect: got errno for %v, conditional %v, %d of %d allowed, want %v, [getpgid], all others",
			refused, got.Conditional, got.Allowed, got.Syscalls, want)
	}

	var calls []string
	for name, nr := range numbers {
		calls = append(calls, fmt.Sprintf("%s=%d", name, nr))
	}
	out := runOK(t, "run", "--seccomp", p, "-e", "INSPECT_PROBE="+strings.Join(calls, " "), r, "/probe")
	answers := bcKV(strings.ReplaceAll(out, ": ", "="))
	for name := range numbers {
		// errno 123 is ENOMEDIUM; an allowed call may fail for its own
		// reasons, but never with the filter's errno.
		switch got, filtered := answers[name], slices.Contains(refused, name); {
		case got == "":
			t.Errorf("%s: no answer from the probe:\n%s", name, out)
		case filtered && got != "ENOMEDIUM":
			t.Errorf("%s made in the container: got %s, want ENOMEDIUM as inspect predicts", name, got)
		case !filtered && got == "ENOMEDIUM":
			t.Errorf("%s made in the container: got the filter's ENOMEDIUM, inspect counts it allowed", name)
		}
	}
}

// TestInspectHostProcess: a plain process on the host shares every
// namespace, runs as host root with the host's capabilities and no filter.
func TestInspectHostProcess(t *testing.T) {
	env(t)
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	r := inspectJSON(t, "", strconv.Itoa(cmd.Process.Pid))
	checkNamespaces(t, r, cmd.Process.Pid, nil)
	if r.Process.Pid != cmd.Process.Pid || r.Process.HostPid != cmd.Process.Pid {
		t.Errorf("process: got %+v, want the same pid inside and out", r.Process)
	}
	if r.Identity.Uid != [4]uint32{} || r.Identity.RootOnHost != 0 {
		t.Errorf("identity: got %+v, want host root", r.Identity)
	}
	if got, want := r.Capabilities.Effective.Mask, ownMask(t, "CapEff"); got != want {
		t.Errorf("effective: got %#x, want the test's own %#x", got, want)
	}
	if r.Seccomp.Mode != "disabled" || r.Hardening.NoNewPrivs {
		t.Errorf("got seccomp %s, no_new_privs %v, want disabled and off", r.Seccomp.Mode, r.Hardening.NoNewPrivs)
	}
	// A host may mask a path of its own (an empty read-only tmpfs), but
	// never the container masks under /proc and /sys.
	mounts := mountTable(t)
	for _, p := range r.Hardening.MaskedPaths {
		if strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/") || !strings.Contains(mounts, " "+p+" ") {
			t.Errorf("masked on the host: got %s, want only mount points of the host outside /proc and /sys", p)
		}
	}
	host, _ := os.Hostname()
	if r.Process.Hostname != host {
		t.Errorf("hostname: got %q, want the host's %q", r.Process.Hostname, host)
	}
	notStopped(t, cmd.Process.Pid)
}

// TestInspectBadInput: each mistake is one line, a non-zero exit, and
// leaves no state or process behind.
func TestInspectBadInput(t *testing.T) {
	env(t)
	root := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := strconv.Itoa(gone.Process.Pid)

	dir, stoppedRoot := bundle(t, "true")
	ociOK(t, stoppedRoot, "create", "--bundle", dir, "done")
	t.Cleanup(func() { oci(t, stoppedRoot, "delete", "--force", "done") })
	ociOK(t, stoppedRoot, "start", "done")
	waitStatus(t, stoppedRoot, "done", "stopped")

	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"unknown id", []string{"--root", root, "inspect", "nosuch"},
			[]string{"container nosuch does not exist", "sandbox list"}},
		{"dead PID", []string{"--root", root, "inspect", dead},
			[]string{"process " + dead + " does not exist"}},
		{"garbage", []string{"--root", root, "inspect", "../x"},
			[]string{`"../x"`, "neither a container id nor a PID"}},
		{"stopped container", []string{"--root", stoppedRoot, "inspect", "done"},
			[]string{"container done is stopped", "sandbox delete done"}},
		{"two arguments", []string{"inspect", "1", "2"}, []string{"exactly one container id or PID"}},
		{"bad format", []string{"inspect", "--format", "xml", "1"}, []string{`--format "xml"`, "text or json"}},
		{"--pid with an id", []string{"--root", root, "inspect", "--pid", "web"},
			[]string{`--pid "web"`, "not a PID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bcFails(t, 125, tt.wants, tt.args...)
			if r.stdout != "" {
				t.Errorf("stdout: got %q, want nothing", r.stdout)
			}
		})
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("state root: got %v after failed inspects, want it empty", entries)
	}
}

// TestInspectBugCases: what the bug cases ask inspect to show, in its
// text view: B07's empty permitted and effective sets of a non-root
// process, B12's two sides of the id maps, B17's masked and read-only
// paths, B23's no_new_privs and what it makes inert.
func TestInspectBugCases(t *testing.T) {
	env(t)
	r := bcCopyRootfs(t, filepath.Join(bcDir(t, 0o755), "r"))
	uid0, gid0 := bcUserNSStart(t, "/etc/subuid"), bcUserNSStart(t, "/etc/subgid")

	t.Run("B07 and B23: non-root", func(t *testing.T) {
		_, pid := container(t, r, "--user", "1000")
		out := inspectText(t, strconv.Itoa(pid))
		for _, want := range []string{
			"uid 1000 1000 1000 1000",
			"effective 0x0000000000000000 0 of", "permitted 0x0000000000000000 0 of",
			"bounding 0x00000000a80425fb 14 of",
			"a non-root process's permitted and effective sets are cleared at execve unless ambient",
			"no_new_privs on: setuid bits and file capabilities are inert, execve never adds privilege",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("inspect: want %q in:\n%s", want, out)
			}
		}
	})

	t.Run("B12: both sides of the maps", func(t *testing.T) {
		_, pid := container(t, r, "--userns")
		out := inspectText(t, strconv.Itoa(pid))
		for _, want := range []string{
			fmt.Sprintf("uid_map 0 %d 65536 inside 0-65535 is host %d-%d", uid0, uid0, uid0+65535),
			fmt.Sprintf("gid_map 0 %d 65536 inside 0-65535 is host %d-%d", gid0, gid0, gid0+65535),
			fmt.Sprintf("root inside is host uid %d", uid0),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("inspect: want %q in:\n%s", want, out)
			}
		}
		if strings.Contains(out, "WARNING") {
			t.Errorf("inspect: want no warning with a user namespace, got:\n%s", out)
		}
	})

	t.Run("B17: masked and read-only paths", func(t *testing.T) {
		_, pid := container(t, r)
		out := inspectText(t, strconv.Itoa(pid))
		for _, want := range []string{
			"masked /proc/acpi /proc/keys /proc/timer_list /sys/firmware",
			"read-only /proc/bus /proc/fs /proc/irq /proc/sys",
			"/sys sysfs ro private",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("inspect: want %q in:\n%s", want, out)
			}
		}
	})
}

func mustReadFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// probeThreadUID, as BC_PROBE=thread-uid, leaves its first thread root and
// makes another uid 1000 with a raw setresuid(2), which changes only the
// calling thread (Go's syscall.Setresuid would change them all). It says
// "ready" and waits to be killed.
func probeThreadUID() {
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is not root any more
		_, _, errno := syscall.RawSyscall(syscall.SYS_SETRESUID, 1000, 1000, 1000)
		if errno != 0 {
			done <- errno
			return
		}
		done <- nil
		time.Sleep(time.Hour) // a goroutine asleep, not blocked: no deadlock
	}()
	if err := <-done; err != nil {
		fmt.Println("probe:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	time.Sleep(time.Hour)
	os.Exit(0)
}

// TestInspectThreadsDiffer: ids and capabilities belong to each thread. A
// report of the first thread must say when another thread differs.
func TestInspectThreadsDiffer(t *testing.T) {
	env(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "BC_PROBE=thread-uid")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("probe: got %q, want ready", line)
	}
	text := runOK(t, "inspect", "--pid", strconv.Itoa(cmd.Process.Pid))
	if !strings.Contains(text, "have other ids, capabilities, no_new_privs or filters than the first thread") {
		t.Errorf("a thread with uid 1000 beside a root leader: no warning in:\n%s", text)
	}

	// A process whose threads agree gets no such warning.
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sleep.Process.Kill()
		sleep.Wait()
	})
	if text := runOK(t, "inspect", "--pid", strconv.Itoa(sleep.Process.Pid)); strings.Contains(text, "first thread") {
		t.Errorf("a one-thread process: got a thread warning in:\n%s", text)
	}
}
