package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hostV2 reports whether the host mounts cgroup v2 alone.
func hostV2() bool {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return err == nil
}

// cgroupFile is the host path of a file of the cgroup /sandbox/NAME: the
// v1 file in the v1 controller's tree, or the v2 file.
func cgroupFile(name, controller, v1File, v2File string) string {
	if hostV2() {
		return filepath.Join("/sys/fs/cgroup/sandbox", name, v2File)
	}
	return filepath.Join("/sys/fs/cgroup", controller, "sandbox", name, v1File)
}

// cgroupDirs lists the directories the cgroup /sandbox/NAME has on the
// host, in every tree; name may be a glob.
func cgroupDirs(name string) []string {
	v2, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/sandbox", name))
	v1, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*/sandbox", name))
	return append(v2, v1...)
}

// runCgroup is the name glob of the cgroup of the `sandbox run` process
// pid; other runs on the machine have their own.
func runCgroup(pid int) string {
	return fmt.Sprintf("run-%d-*", pid)
}

// noCgroup fails if the cgroup /sandbox/NAME (a glob) is left in any tree.
func noCgroup(t *testing.T, name, after string) {
	t.Helper()
	if dirs := cgroupDirs(name); len(dirs) > 0 {
		t.Errorf("after %s: cgroup directories left behind: %v", after, dirs)
	}
}

func readHost(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// inside is a shell prelude for workloads: $PIDS, $MEM and $CPU name the
// container's own cgroup directories, as its cgroup namespace shows them.
const inside = `if [ -e /sys/fs/cgroup/cgroup.controllers ]; then PIDS=/sys/fs/cgroup MEM=/sys/fs/cgroup
usage() { echo $(( $(grep usage_usec /sys/fs/cgroup/cpu.stat | cut -d' ' -f2) * 1000 )); }
else PIDS=/sys/fs/cgroup/pids MEM=/sys/fs/cgroup/memory
usage() { cat /sys/fs/cgroup/cpuacct/cpuacct.usage; }; fi
`

// A fork bomb stops at the pids limit: the kernel refuses the forks past
// it and counts them, the count never passes the limit, and the host
// still starts processes meanwhile.
func TestCgroupPidsLimit(t *testing.T) {
	_, rootfs := env(t)
	p, lines := bcStartLines(t, "run", "--pids-limit", "20", rootfs, "sh", "-c", inside+`
		echo started
		bomb() { bomb | bomb & }; bomb 2>/dev/null; sleep 1
		echo max=$(cat $PIDS/pids.max) refused=$(grep '^max ' $PIDS/pids.events | cut -d' ' -f2) peak=$(cat $PIDS/pids.peak 2>/dev/null)
		kill -9 -1 2>/dev/null; exit 0`)
	if got := bcReadLine(t, lines, 10*time.Second); got != "started" {
		t.Fatalf("got %q, want started", got)
	}
	time.Sleep(300 * time.Millisecond)
	if out, err := os.ReadFile("/proc/self/status"); err != nil || len(out) == 0 {
		t.Errorf("the host cannot read its own status during the bomb: %v", err)
	}
	hostPid, err := syscall.ForkExec("/bin/true", []string{"true"}, nil)
	if err != nil {
		t.Errorf("the host cannot start a process during the bomb: %v", err)
	} else {
		var ws syscall.WaitStatus
		syscall.Wait4(hostPid, &ws, 0, nil)
	}

	kv := bcKV(strings.ReplaceAll(bcReadLine(t, lines, 15*time.Second), " ", "\n"))
	if code := p.wait(t, 15*time.Second); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if kv["max"] != "20" {
		t.Errorf("pids.max inside: got %q, want 20", kv["max"])
	}
	// pids.events counts the forks the kernel refused at the limit.
	if n, _ := strconv.Atoi(kv["refused"]); n == 0 {
		t.Errorf("pids.events max: got %q, want forks refused at the limit", kv["refused"])
	}
	if peak, err := strconv.Atoi(kv["peak"]); err == nil && peak > 20 {
		t.Errorf("pids.peak: got %d, want at most 20", peak)
	}
	noCgroup(t, runCgroup(p.cmd.Process.Pid), "a fork bomb")
}

// Allocating past --memory gets the workload OOM-killed: run says so in
// one line, and exits 137.
func TestCgroupMemoryOOM(t *testing.T) {
	_, rootfs := env(t)
	// tail keeps a whole line in memory, and /dev/zero has no newline.
	r := sandbox(t, "", "run", "--memory", "32m", rootfs, "sh", "-c",
		inside+`echo limit=$(cat $MEM/memory.limit_in_bytes $MEM/memory.max 2>/dev/null)
		exec 2>/dev/null; head -c 300m /dev/zero | tail >/dev/null`)
	if r.code != 137 {
		t.Errorf("exit %d, want 137 (stderr %q)", r.code, r.stderr)
	}
	if got := strings.TrimSpace(r.stdout); got != "limit=33554432" {
		t.Errorf("memory limit inside: got %q, want limit=33554432", got)
	}
	msg := strings.TrimSuffix(r.stderr, "\n")
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "sandbox: out of memory") || !strings.Contains(msg, "32 MiB") {
		t.Errorf("stderr: got %q, want one line naming the 32 MiB memory limit", r.stderr)
	}
	noCgroup(t, runCgroup(r.pid), "an OOM kill")
}

// `state` reports the OOM kills of a container until delete.
func TestCgroupOOMState(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "exec 2>/dev/null; head -c 300m /dev/zero | tail >/dev/null; sleep 1000")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["resources"] = map[string]any{"memory": map[string]any{"limit": 32 << 20}}
	})
	ociOK(t, root, "run", "--detach", "--bundle", dir, "oom")
	deadline := time.Now().Add(10 * time.Second)
	// The OOM killer may end more than one process (tail, then head).
	for !regexp.MustCompile(`"oomKills": [1-9]`).MatchString(ociOK(t, root, "state", "oom")) {
		if time.Now().After(deadline) {
			t.Fatalf("state never reported the OOM kill: %s", ociOK(t, root, "state", "oom"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	ociOK(t, root, "delete", "--force", "oom")
	noCgroup(t, "oom", "delete")
}

// --cpus 0.5 holds a busy loop to half a CPU: over 2 seconds the cgroup's
// own CPU counter grows by about 1 second.
func TestCgroupCPUQuota(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", "--cpus", "0.5", rootfs, "sh", "-c", inside+`
		a=$(usage); timeout 2 sh -c 'while :; do :; done' 2>/dev/null; b=$(usage); echo $(( (b - a) / 1000000 ))`)
	ms, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("got %q, want a CPU time in ms", out)
	}
	if ms < 800 || ms > 1200 {
		t.Errorf("CPU time of a 2s busy loop under --cpus 0.5: got %d ms, want 1000 ms within 20%%", ms)
	}
}

// cpuUsage reads the CPU time of container NAME's cgroup from the host.
func cpuUsage(t *testing.T, name string) time.Duration {
	t.Helper()
	s := readHost(t, cgroupFile(name, "cpuacct", "cpuacct.usage", "cpu.stat"))
	if hostV2() {
		for _, l := range strings.Split(s, "\n") {
			if v, ok := strings.CutPrefix(l, "usage_usec "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return time.Duration(n) * time.Microsecond
			}
		}
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Duration(n)
}

// pause freezes the container, so its busy loop gets no CPU at all, and
// state reads paused; resume lets it run again.
func TestPauseResume(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "while :; do :; done")
	ociOK(t, root, "run", "--detach", "--bundle", dir, "frz")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "frz") })
	waitStatus(t, root, "frz", "running")

	ociOK(t, root, "pause", "frz")
	if st := stateOf(t, root, "frz"); st.Status != "paused" {
		t.Errorf("after pause: got status %s, want paused", st.Status)
	}
	before := cpuUsage(t, "frz")
	time.Sleep(300 * time.Millisecond)
	if d := cpuUsage(t, "frz") - before; d > 5*time.Millisecond {
		t.Errorf("a paused busy loop used %v of CPU in 300ms, want none", d)
	}
	if r := oci(t, root, "pause", "frz"); r.code == 0 {
		t.Errorf("pause of a paused container: got exit 0")
	}

	ociOK(t, root, "resume", "frz")
	if st := stateOf(t, root, "frz"); st.Status != "running" {
		t.Errorf("after resume: got status %s, want running", st.Status)
	}
	before = cpuUsage(t, "frz")
	time.Sleep(300 * time.Millisecond)
	if d := cpuUsage(t, "frz") - before; d < 100*time.Millisecond {
		t.Errorf("a resumed busy loop used %v of CPU in 300ms, want most of it", d)
	}
	// kill KILL ends a paused container too: its processes are thawed to
	// take the signal.
	ociOK(t, root, "pause", "frz")
	ociOK(t, root, "kill", "frz", "KILL")
	waitStatus(t, root, "frz", "stopped")
	ociOK(t, root, "delete", "frz")
	noCgroup(t, "frz", "kill KILL and delete")
}

// update changes the limits of a running container.
func TestUpdate(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	ociOK(t, root, "run", "--detach", "--bundle", dir, "upd")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "upd") })
	waitStatus(t, root, "upd", "running")

	ociOK(t, root, "update", "--pids-limit", "7", "upd")
	if got := readHost(t, cgroupFile("upd", "pids", "pids.max", "pids.max")); got != "7" {
		t.Errorf("pids.max after update: got %s, want 7", got)
	}
	res := filepath.Join(t.TempDir(), "res.json")
	if err := os.WriteFile(res, []byte(`{"memory": {"limit": 67108864}, "pids": {"limit": 9}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ociOK(t, root, "update", "--resources", res, "upd")
	if got := readHost(t, cgroupFile("upd", "memory", "memory.limit_in_bytes", "memory.max")); got != "67108864" {
		t.Errorf("memory limit after update: got %s, want 67108864", got)
	}
	if got := readHost(t, cgroupFile("upd", "pids", "pids.max", "pids.max")); got != "9" {
		t.Errorf("pids.max after update --resources: got %s, want 9", got)
	}
	if r := oci(t, root, "update", "--memory", "lots", "upd"); r.code == 0 {
		t.Errorf("update --memory lots: got exit 0")
	}
	ociOK(t, root, "delete", "--force", "upd")
	if r := oci(t, root, "update", "--pids-limit", "5", "upd"); r.code == 0 {
		t.Errorf("update of a deleted container: got exit 0")
	}
}

// Nothing of a container's cgroup outlives it: not after run, not after
// delete, not after a failed create, not after SIGKILL of the workload.
func TestCgroupRemoved(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", rootfs, "true")
	noCgroup(t, runCgroup(r.pid), "run")

	marker := bcMarker()
	p := bcStart(t, nil, "run", rootfs, "sleep", marker)
	pid := bcAwaitPid(t, "sleep "+marker)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 10*time.Second); code != 137 {
		t.Errorf("run after SIGKILL of the workload: exit %d, want 137", code)
	}
	noCgroup(t, runCgroup(p.cmd.Process.Pid), "SIGKILL of the workload")

	dir, root := bundle(t, "sleep", "1000")
	ociOK(t, root, "create", "--bundle", dir, "gone")
	if len(cgroupDirs("gone")) == 0 {
		t.Errorf("create made no cgroup /sandbox/gone")
	}
	ociOK(t, root, "delete", "--force", "gone")
	noCgroup(t, "gone", "delete")

	bad, root2 := bundle(t, "no-such-command")
	if r := oci(t, root2, "create", "--bundle", bad, "failed"); r.code == 0 {
		t.Fatalf("create of a missing command: got exit 0")
	}
	noCgroup(t, "failed", "a failed create")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["resources"] = map[string]any{"cpu": map[string]any{"cpus": "4095"}}
	})
	if r := oci(t, root2, "create", "--bundle", dir, "badcpus"); r.code == 0 || !strings.Contains(r.stderr, "cgroups") {
		t.Errorf("create with cpus 4095: got exit %d %q, want a cgroups error", r.code, r.stderr)
	}
	noCgroup(t, "badcpus", "a create with a bad limit")
	if entries, _ := os.ReadDir(root2); len(entries) != 0 {
		t.Errorf("failed creates left %d state entries", len(entries))
	}
}

// The container sees its own cgroup as "/", and cannot change the tree.
func TestCgroupNamespace(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", rootfs, "sh", "-c", inside+`
		cat /proc/self/cgroup
		touch /sys/fs/cgroup/x 2>/dev/null && echo WROTE-TREE
		echo 1 > $PIDS/pids.max 2>/dev/null && echo WROTE-LIMIT
		awk '$5 ~ /^\/sys\/fs\/cgroup/ { top[$5] = $6 } END { for (m in top) if (top[m] !~ /^ro/) print "RW: " m }' /proc/self/mountinfo
		exit 0`)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(line, "WROTE") || strings.HasPrefix(line, "RW: ") {
			t.Errorf("the cgroup tree is writable inside: %s", line)
			continue
		}
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || f[2] != "/" {
			t.Errorf("/proc/self/cgroup: got %q, want every path to be /", line)
		}
	}
	if !strings.Contains(out, "0::/") {
		t.Errorf("/proc/self/cgroup: got\n%s\nwant the unified line 0::/", out)
	}
}

// TestCgroupSweep: a cgroup that a killed `sandbox run` left in one tree
// only is removed by the next run once its owner is gone.
func TestCgroupSweep(t *testing.T) {
	_, rootfs := env(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tree := "/sys/fs/cgroup/sandbox"
	if !hostV2() {
		tree = "/sys/fs/cgroup/pids/sandbox"
	}
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("run-%d-0badc0ffee00", dead.Process.Pid)
	if err := os.Mkdir(filepath.Join(tree, name), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(filepath.Join(tree, name)) })
	runOK(t, "run", rootfs, "true")
	noCgroup(t, name, "the next run")
}

// TestCgroupKernelTCP: on cgroup v1, memory.kernelTCP sets the TCP buffer
// limit, the one kernel-memory limit the kernel still honours.
func TestCgroupKernelTCP(t *testing.T) {
	if hostV2() {
		t.Skip("cgroup v2 has no kernel TCP limit; sandbox ignores memory.kernelTCP there")
	}
	dir, root := bundle(t, "sleep", "1000")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["resources"] = map[string]any{
			"memory": map[string]any{"limit": 64 << 20, "kernelTCP": 16 << 20}}
	})
	ociOK(t, root, "create", "--bundle", dir, "ktcp")
	defer oci(t, root, "delete", "--force", "ktcp")
	got := strings.TrimSpace(readHost(t, cgroupFile("ktcp", "memory", "memory.kmem.tcp.limit_in_bytes", "")))
	if got != strconv.Itoa(16<<20) {
		t.Errorf("memory.kmem.tcp.limit_in_bytes: got %s, want %d", got, 16<<20)
	}
}

// TestCgroupOfAnother: a create whose cgroup already holds processes (the
// same id under another --root) is refused, and the other container lives
// on through the refusal.
func TestCgroupOfAnother(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	root2 := filepath.Join(t.TempDir(), "state2")
	ociOK(t, root, "run", "--detach", "--bundle", dir, "twin")
	defer oci(t, root, "delete", "--force", "twin")
	pid := waitStatus(t, root, "twin", "running").Pid
	r := oci(t, root2, "create", "--bundle", dir, "twin")
	if r.code == 0 || !strings.Contains(r.stderr, "/sandbox/twin already exists: another container") {
		t.Errorf("create of the same id under another root: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	oci(t, root2, "delete", "--force", "twin")
	if _, ok := aliveStart(pid); !ok || waitStatus(t, root, "twin", "running").Pid != pid {
		t.Errorf("the first container did not survive the second's refused create and delete")
	}
}

// TestCgroupOfStopped: a stopped container keeps its cgroup until delete.
// The same id under another --root must not move into it: the first
// root's delete would remove the cgroup and kill the second container.
func TestCgroupOfStopped(t *testing.T) {
	quick, root := bundle(t, "true")
	long, _ := bundle(t, "sleep", "1000")
	root2 := filepath.Join(t.TempDir(), "state2")
	ociOK(t, root, "run", "--detach", "--bundle", quick, "twin2")
	waitStatus(t, root, "twin2", "stopped")

	r := oci(t, root2, "create", "--bundle", long, "twin2")
	if r.code == 0 || !strings.Contains(r.stderr, "/sandbox/twin2 already exists") {
		t.Errorf("create beside a stopped twin: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	emptyStateRoot(t, root2)

	ociOK(t, root, "delete", "twin2")
	ociOK(t, root2, "run", "--detach", "--bundle", long, "twin2")
	defer oci(t, root2, "delete", "--force", "twin2")
	waitStatus(t, root2, "twin2", "running")
}

// TestCgroupClaimRace: two creates of one id under two roots at once.
// Exactly one may win the cgroup /sandbox/ID, or the loser's delete would
// kill the winner; a check that it does not exist yet lets both pass.
func TestCgroupClaimRace(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	root2 := filepath.Join(t.TempDir(), "state2")
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("race%d", i)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for j, r := range []string{root, root2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[j] = oci(t, r, "create", "--bundle", dir, id).code
			}()
		}
		wg.Wait()
		oci(t, root, "delete", "--force", id)
		oci(t, root2, "delete", "--force", id)
		if (codes[0] == 0) == (codes[1] == 0) {
			t.Errorf("%s: create exit statuses %v, want exactly one success", id, codes)
		}
		noCgroup(t, id, "deletes of "+id)
	}
}

// TestCgroupsPathUnderSandbox: an explicit cgroupsPath below /sandbox is
// sandbox's own ground too: naming another container's cgroup is refused.
func TestCgroupsPathUnderSandbox(t *testing.T) {
	quick, root := bundle(t, "true")
	long, _ := bundle(t, "sleep", "1000")
	root2 := filepath.Join(t.TempDir(), "state2")
	ociOK(t, root, "run", "--detach", "--bundle", quick, "owner3")
	defer oci(t, root, "delete", "--force", "owner3")
	waitStatus(t, root, "owner3", "stopped")
	editConfig(t, long, func(c map[string]any) {
		c["linux"].(map[string]any)["cgroupsPath"] = "/sandbox/owner3"
	})
	r := oci(t, root2, "create", "--bundle", long, "intruder")
	if r.code == 0 || !strings.Contains(r.stderr, "/sandbox/owner3 already exists") {
		t.Errorf("cgroupsPath of another container's cgroup: got exit %d %q, want a refusal", r.code, r.stderr)
		oci(t, root2, "delete", "--force", "intruder")
	}
	emptyStateRoot(t, root2)
}
