package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// running starts a detached container from a bundle whose init sleeps,
// edited by edit, and deletes it when the test ends.
func running(t *testing.T, edit func(map[string]any)) (root string, pid int) {
	t.Helper()
	dir, root := bundle(t, "sleep", "1000")
	if edit != nil {
		editConfig(t, dir, edit)
	}
	ociOK(t, root, "run", "--detach", "--bundle", dir, "ctr")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "ctr") })
	return root, waitStatus(t, root, "ctr", "running").Pid
}

var nsTypes = []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

// nsLinks prints, for each namespace type, the link of /proc/self/ns.
const nsLinks = `for n in cgroup ipc mnt net pid time user uts; do echo "$n=$(readlink /proc/self/ns/$n)"; done`

// TestExecJoinsEveryNamespace: the exec'd process is in each namespace of
// the container's init, user and mount namespaces included.
func TestExecJoinsEveryNamespace(t *testing.T) {
	withUserNS := func(c map[string]any) {
		l := c["linux"].(map[string]any)
		l["namespaces"] = append(l["namespaces"].([]any), map[string]any{"type": "user"})
		l["uidMappings"] = []any{map[string]any{"containerID": 0, "hostID": 200000, "size": 65536}}
		l["gidMappings"] = []any{map[string]any{"containerID": 0, "hostID": 200000, "size": 65536}}
	}
	for name, edit := range map[string]func(map[string]any){"host ids": nil, "user namespace": withUserNS} {
		t.Run(name, func(t *testing.T) {
			root, pid := running(t, edit)
			out := ociOK(t, root, "exec", "ctr", "sh", "-c", nsLinks+`; echo self=$$; cat /proc/self/uid_map`)
			kv := bcKV(out)
			for _, n := range nsTypes {
				want, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, n))
				if err != nil {
					t.Fatal(err)
				}
				if kv[n] != want {
					t.Errorf("%s namespace: got %q, want the init's %q", n, kv[n], want)
				}
			}
			if p, _ := strconv.Atoi(kv["self"]); p <= 1 {
				t.Errorf("exec'd shell has pid %q in the container, want a new one above 1", kv["self"])
			}
			if cg := ociOK(t, root, "exec", "ctr", "sh", "-c", "cat /proc/self/cgroup; echo; cat /proc/1/cgroup"); !sameHalves(cg) {
				t.Errorf("exec'd process in another cgroup than the init:\n%s", cg)
			}
			if edit != nil && !strings.Contains(out, "200000") {
				t.Errorf("uid_map inside the exec: want the container's mapping, got:\n%s", out)
			}
		})
	}
}

// sameHalves reports whether the text before the first blank line equals
// the text after it.
func sameHalves(s string) bool {
	a, b, ok := strings.Cut(s, "\n\n")
	return ok && a+"\n" == b
}

// TestExecProcess: identity, capabilities, no_new_privs, environment and
// working directory come from the container, changed only by the flags.
func TestExecProcess(t *testing.T) {
	root, _ := running(t, nil)
	out := ociOK(t, root, "exec", "ctr", "sh", "-c", `echo id=$(id -u):$(id -g) cwd=$PWD path=$PATH; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status`)
	if !strings.Contains(out, "id=0:0 cwd=/ path=/usr/local/sbin") {
		t.Errorf("default exec: got %q", out)
	}
	if got := statusField(t, out, "CapEff"); got != "00000000a80425fb" {
		t.Errorf("CapEff: got %s, want the container's default set 00000000a80425fb", got)
	}
	if got := statusField(t, out, "NoNewPrivs"); got != "1" {
		t.Errorf("NoNewPrivs: got %s, want 1", got)
	}

	out = ociOK(t, root, "exec", "--user", "1000:1000", "-g", "27", "--cap", "sys_ptrace", "--cwd", "/tmp", "-e", "X=y", "ctr",
		"sh", "-c", `echo id=$(id -u):$(id -g) groups=$(id -G) cwd=$PWD x=$X; grep -E "^Cap(Eff|Amb|Bnd)" /proc/self/status`)
	if !strings.Contains(out, "id=1000:1000 groups=1000 27 cwd=/tmp x=y") {
		t.Errorf("exec with flags: got %q", out)
	}
	if got := statusField(t, out, "CapAmb"); got != "0000000000080000" {
		t.Errorf("CapAmb with --cap sys_ptrace as uid 1000: got %s, want 0000000000080000", got)
	}

	proc := filepath.Join(t.TempDir(), "process.json")
	bcWriteFile(t, proc, `{"args":["sh","-c","echo $FOO $(id -u)"],"cwd":"/","env":["FOO=bar"],"user":{"uid":7,"gid":7}}`, 0o644)
	if out := ociOK(t, root, "exec", "--process", proc, "ctr"); out != "bar 7\n" {
		t.Errorf("exec --process: got %q, want %q", out, "bar 7\n")
	}

	// uid (uid_t)-1 is "no change" to setresuid(2): the process would keep
	// the runtime's root.
	bcWriteFile(t, proc, `{"args":["id","-u"],"cwd":"/","user":{"uid":4294967295,"gid":7}}`, 0o644)
	if r := oci(t, root, "exec", "--process", proc, "ctr"); r.code != 125 || r.stdout != "" ||
		!strings.Contains(r.stderr, "process.user.uid 4294967295 is (uid_t)-1") {
		t.Errorf("exec --process with uid 4294967295: got exit %d, %q %q, want a refusal", r.code, r.stdout, r.stderr)
	}
}

// TestBundleUIDNoChange: a bundle whose uid is (uid_t)-1 is refused before
// anything is created, where setresuid(2) would have left it root.
func TestBundleUIDNoChange(t *testing.T) {
	for _, field := range []string{"uid", "gid"} {
		dir, root := bundle(t, "id")
		editConfig(t, dir, func(c map[string]any) {
			c["process"].(map[string]any)["user"].(map[string]any)[field] = 4294967295
		})
		r := oci(t, root, "run", "--bundle", dir, "nochange")
		if r.code != 125 || r.stdout != "" || !strings.Contains(r.stderr, "process.user."+field+" 4294967295") {
			t.Errorf("%s 4294967295: got exit %d, %q %q, want a refusal", field, r.code, r.stdout, r.stderr)
		}
		noCgroup(t, "nochange", "run --bundle with "+field+" -1")
	}
}

// TestExecStatus: the exit status is the process's own, or the docker
// convention for a command that is missing or cannot run.
func TestExecStatus(t *testing.T) {
	root, _ := running(t, nil)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sh", "-c", "exit 3"}, 3, ""},
		{[]string{"sh", "-c", "kill -9 $$"}, 137, ""},
		{[]string{"no-such-command"}, 127, "no-such-command: executable file not found in $PATH of the container"},
		{[]string{"/etc"}, 126, "/etc"},
	} {
		r := oci(t, root, append([]string{"exec", "ctr"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("exec %v: got exit %d %q, want %d %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	// A failure after the exec must not leave exec waiting for ever.
	for _, args := range [][]string{{"exec", "--pid-file", "/nonexistent/dir/pid", "ctr", "true"},
		{"exec", "-d", "--pid-file", "/nonexistent/dir/pid", "ctr", "sleep", "1"}} {
		if r := oci(t, root, args...); r.code == 0 || !strings.Contains(r.stderr, "--pid-file") {
			t.Errorf("%v: got exit %d %q, want a --pid-file error", args, r.code, r.stderr)
		}
	}
	if r := oci(t, root, "exec", "ctr"); r.code == 0 || !strings.Contains(r.stderr, "needs a command") {
		t.Errorf("exec without a command: got exit %d %q", r.code, r.stderr)
	}
	if r := oci(t, root, "exec", "nope", "true"); r.code == 0 || !strings.Contains(r.stderr, "container nope does not exist") {
		t.Errorf("exec into an unknown id: got exit %d %q", r.code, r.stderr)
	}
}

// TestExecDetached: exec -d returns once the process runs, and the pid
// file names it on the host.
func TestExecDetached(t *testing.T) {
	root, pid := running(t, nil)
	pidFile := filepath.Join(t.TempDir(), "exec.pid")
	ociOK(t, root, "exec", "-d", "--pid-file", pidFile, "ctr", "sleep", "999")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	execPid, _ := strconv.Atoi(string(b))
	cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", execPid))
	if !strings.HasPrefix(string(cmd), "sleep\x00999") {
		t.Fatalf("pid file names %d running %q, want sleep 999", execPid, cmd)
	}
	own, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	if got, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", execPid)); got != own {
		t.Errorf("detached process in pid namespace %s, want the container's %s", got, own)
	}
	ociOK(t, root, "kill", "ctr", "KILL")
	waitStatus(t, root, "ctr", "stopped")
	bcGone(t, "sleep\x00999", 5*time.Second)
	if r := oci(t, root, "exec", "ctr", "true"); r.code == 0 || !strings.Contains(r.stderr, "stopped") {
		t.Errorf("exec into a stopped container: got exit %d %q", r.code, r.stderr)
	}
}

// TestB06ExecHoldsNoHostFD: while processes join the container, a watcher
// inside it never reaches a descriptor of theirs above 2, nor their
// environment; after its exec a joined process holds only 0-2.
func TestB06ExecHoldsNoHostFD(t *testing.T) {
	root, _ := running(t, nil)
	watcher := `while :; do for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" = $$ ] && continue
		for f in $p/fd/*; do fd=${f##*/}; [ "$fd" -gt 2 ] 2>/dev/null || continue
			l=$(readlink $f 2>/dev/null) && echo "fd $n/$fd $l"; done
		e=$(tr '\0' ' ' < $p/environ 2>/dev/null) && case "$e" in *_SANDBOX*|*GOGC*) echo "env $n $e";; esac
	done; done`
	ociOK(t, root, "exec", "-d", "ctr", "sh", "-c", watcher+" > /tmp/watch.log")
	for i := 0; i < 100; i++ {
		ociOK(t, root, "exec", "ctr", "true")
	}
	out := ociOK(t, root, "exec", "ctr", "sh", "-c", "cat /tmp/watch.log; echo fds=$(ls /proc/self/fd)")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[:len(lines)-1] {
		// The watcher sees its own shell's and sleep's descriptors: none
		// of those is above 2 either, so any line is a leak.
		t.Errorf("watcher saw: %s", l)
	}
	if fds := lines[len(lines)-1]; fds != "fds=0 1 2 3" {
		t.Errorf("descriptors of an exec'd ls: got %q, want 0 1 2 and ls's own 3", fds)
	}
}

// TestCreatedInitNotExposed: while a created init waits for start, the
// container's other processes cannot read its descriptors (it is not
// dumpable: CVE-2016-9962), and even with CAP_SYS_PTRACE its /proc/1/exe is
// a sealed in-memory copy of the runtime, never the host's binary
// (CVE-2019-5736).
func TestCreatedInitNotExposed(t *testing.T) {
	probe := `n=0; for f in /proc/1/fd/*; do readlink $f >/dev/null 2>&1 && n=$((n+1)); done; echo fds=$n
		echo exe=$(readlink /proc/1/exe 2>/dev/null); (: >> /proc/1/exe) 2>/dev/null; echo write=$?`
	for _, ptrace := range []bool{false, true} {
		dir, root := bundle(t, "sleep", "1000")
		if ptrace {
			editConfig(t, dir, func(c map[string]any) {
				cs := c["process"].(map[string]any)["capabilities"].(map[string]any)
				for _, set := range []string{"bounding", "effective", "permitted"} {
					cs[set] = append(cs[set].([]any), "CAP_SYS_PTRACE")
				}
			})
		}
		ociOK(t, root, "create", "--bundle", dir, "wait")
		kv := bcKV(ociOK(t, root, "exec", "wait", "sh", "-c", probe))
		oci(t, root, "delete", "--force", "wait")
		if !ptrace && kv["fds"] != "0" {
			t.Errorf("without CAP_SYS_PTRACE: %s of the created init's descriptors readable, want none", kv["fds"])
		}
		if ptrace && !strings.HasPrefix(kv["exe"], "/memfd:sandbox") {
			t.Errorf("with CAP_SYS_PTRACE: the created init's exe is %q, want the sealed copy /memfd:sandbox", kv["exe"])
		}
		if kv["write"] == "0" {
			t.Errorf("ptrace %v: the created init's binary was opened for writing", ptrace)
		}
	}
}
