package integration

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// bundle makes an OCI bundle from `sandbox spec` whose process runs args,
// with the test rootfs bound in as its rootfs, and a state root for it.
func bundle(t *testing.T, args ...string) (dir, root string) {
	t.Helper()
	bin, rootfs := env(t)
	dir = t.TempDir()
	if out, err := exec.Command(bin, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		t.Fatalf("sandbox spec: %v: %s", err, out)
	}
	editConfig(t, dir, func(c map[string]any) {
		c["root"] = map[string]any{"path": rootfs, "readonly": true}
		p := c["process"].(map[string]any)
		p["args"] = args
		p["terminal"] = false
	})
	return dir, filepath.Join(t.TempDir(), "state")
}

func editConfig(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	edit(c)
	if data, err = json.Marshal(c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// oci runs `sandbox --root root args...`.
func oci(t *testing.T, root string, args ...string) result {
	t.Helper()
	return sandbox(t, "", append([]string{"--root", root}, args...)...)
}

func ociOK(t *testing.T, root string, args ...string) string {
	t.Helper()
	r := oci(t, root, args...)
	if r.code != 0 {
		t.Fatalf("sandbox %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

type ociState struct {
	Version string `json:"ociVersion"`
	ID      string `json:"id"`
	Status  string `json:"status"`
	Pid     int    `json:"pid"`
	Bundle  string `json:"bundle"`
	Created string `json:"created"`
	Owner   string `json:"owner"`
}

func stateOf(t *testing.T, root, id string) ociState {
	t.Helper()
	var st ociState
	if err := json.Unmarshal([]byte(ociOK(t, root, "state", id)), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitStatus waits for container id to reach status.
func waitStatus(t *testing.T, root, id, status string) ociState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := stateOf(t, root, id)
		if st.Status == status {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: status %s, want %s", id, st.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLifecycle(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "echo $$ > /dev/null; sleep 1000")
	pidFile := filepath.Join(t.TempDir(), "pid")
	ociOK(t, root, "create", "--bundle", dir, "--pid-file", pidFile, "ctr")

	st := stateOf(t, root, "ctr")
	if st.Status != "created" || st.ID != "ctr" || st.Bundle != dir || st.Version == "" || st.Owner != "root" {
		t.Fatalf("after create: got %+v", st)
	}
	if b, _ := os.ReadFile(pidFile); string(b) != strconv.Itoa(st.Pid) {
		t.Errorf("pid file: got %q, want %d", b, st.Pid)
	}
	if cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", st.Pid)); !strings.HasPrefix(string(cmd), "sandbox\x00init") {
		t.Errorf("created init runs %q, want the child stage waiting for start", cmd)
	}

	// The runtime-spec: delete of a container that is not stopped fails
	// and leaves it as it was, a created one too.
	if r := oci(t, root, "delete", "ctr"); r.code == 0 || !strings.Contains(r.stderr, "container ctr is created") {
		t.Errorf("delete of a created container: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	if st := stateOf(t, root, "ctr"); st.Status != "created" {
		t.Fatalf("after a refused delete: status %s, want created", st.Status)
	}

	oci(t, root, "start", "ctr")
	// start returns once the workload runs (the poststart hooks' moment):
	// the init has exec'd by then.
	if cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", st.Pid)); strings.HasPrefix(string(cmd), "sandbox\x00init") {
		t.Errorf("right after start the init still runs %q, want the workload", cmd)
	}
	st = waitStatus(t, root, "ctr", "running")
	awaitCmdline(t, st.Pid, "sleep")
	if r := oci(t, root, "start", "ctr"); r.code == 0 || !strings.Contains(r.stderr, "only a created container can be started") {
		t.Errorf("second start: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	if r := oci(t, root, "delete", "ctr"); r.code == 0 || !strings.Contains(r.stderr, "is running") {
		t.Errorf("delete of a running container: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	if pids := ociOK(t, root, "ps", "--format", "json", "ctr"); strings.TrimSpace(pids) == "[]" {
		t.Errorf("ps: got no processes")
	}

	ociOK(t, root, "kill", "ctr", "0") // signal 0: is it running?
	ociOK(t, root, "kill", "ctr", "KILL")
	waitStatus(t, root, "ctr", "stopped")
	if st := stateOf(t, root, "ctr"); st.Pid != 0 {
		t.Errorf("stopped container reports pid %d, want none", st.Pid)
	}
	if r := oci(t, root, "kill", "ctr", "0"); r.code == 0 || !strings.Contains(r.stderr, "is not running") {
		t.Errorf("kill 0 of a stopped container: got exit %d %q, want a refusal", r.code, r.stderr)
	}
	ociOK(t, root, "delete", "ctr")
	if r := oci(t, root, "state", "ctr"); r.code == 0 {
		t.Errorf("state after delete: got %q, want an error", r.stdout)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("state root holds %d entries after delete, want none", len(entries))
	}
}

// TestStartUnprivileged: the init opens the exec fifo only after it has
// become process.user, so start must work for a user without capabilities
// and for the root of a user namespace that does not map the fifo's owner.
func TestStartUnprivileged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hostUID string
		edit    func(c map[string]any)
	}{
		{"uid 1000 without capabilities", "1000", func(c map[string]any) {
			p := c["process"].(map[string]any)
			p["user"] = map[string]any{"uid": 1000, "gid": 1000}
			p["capabilities"] = map[string]any{}
		}},
		{"root of a user namespace", "100000", func(c map[string]any) {
			l := c["linux"].(map[string]any)
			l["namespaces"] = append(l["namespaces"].([]any), map[string]any{"type": "user"})
			idMap := []any{map[string]any{"containerID": 0, "hostID": 100000, "size": 65536}}
			l["uidMappings"], l["gidMappings"] = idMap, idMap
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, root := bundle(t, "sleep", "1000")
			editConfig(t, dir, tc.edit)
			ociOK(t, root, "create", "--bundle", dir, "u")
			defer oci(t, root, "delete", "--force", "u")
			ociOK(t, root, "start", "u")
			st := waitStatus(t, root, "u", "running")
			status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", st.Pid))
			if !strings.Contains(string(status), "\nUid:\t"+tc.hostUID+"\t") {
				t.Errorf("workload runs with host ids:\n%s\nwant uid %s", status, tc.hostUID)
			}
		})
	}
}

func TestDeleteForce(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	ociOK(t, root, "run", "--detach", "--bundle", dir, "busy")
	pid := waitStatus(t, root, "busy", "running").Pid
	ociOK(t, root, "delete", "--force", "busy")
	if _, ok := aliveStart(pid); ok {
		t.Errorf("init %d still alive after delete --force", pid)
	}
	ociOK(t, root, "delete", "--force", "never-existed")
	if r := oci(t, root, "delete", "never-existed"); r.code == 0 {
		t.Errorf("delete of an unknown id without --force: got exit 0")
	}
}

// awaitCmdline waits for process pid to run a command line starting with
// prefix: start returns once the init has the go-ahead, and its execve (and
// the shell's of its last command) follow.
func awaitCmdline(t *testing.T, pid int, prefix string) {
	t.Helper()
	var cmd []byte
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cmd, _ = os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); strings.HasPrefix(string(cmd), prefix) {
			return
		}
	}
	t.Errorf("running init is %q, want the workload %s", cmd, prefix)
}

func aliveStart(pid int) (string, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
	return f[0], f[0] != "Z"
}

func TestRunBundle(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "echo from-bundle; exit 3")
	r := oci(t, root, "run", "--bundle", dir, "one")
	if r.code != 3 || r.stdout != "from-bundle\n" {
		t.Errorf("run --bundle: got exit %d, stdout %q; want 3 and the workload's output", r.code, r.stdout)
	}
	if list := ociOK(t, root, "list", "--format", "json"); strings.TrimSpace(list) != "[]" {
		t.Errorf("run left a container behind: %s", list)
	}
}

// TestRootfsPropagation: every linux.rootfsPropagation value is accepted,
// and the container's root mount carries it, as mountinfo's optional
// fields show from inside. Slave is left out: a slave of a private host
// mount is private, so what it shows depends on the host.
func TestRootfsPropagation(t *testing.T) {
	for _, tc := range []struct{ prop, want string }{
		{"shared", "shared:"},
		{"rshared", "shared:"},
		{"private", "-"},
		{"unbindable", "unbindable"},
	} {
		t.Run(tc.prop, func(t *testing.T) {
			dir, root := bundle(t, "awk", `$5 == "/"`, "/proc/self/mountinfo")
			editConfig(t, dir, func(c map[string]any) {
				c["linux"].(map[string]any)["rootfsPropagation"] = tc.prop
			})
			r := oci(t, root, "run", "--bundle", dir, "p")
			fields := strings.Fields(r.stdout)
			if r.code != 0 || len(fields) < 7 || !strings.HasPrefix(fields[6], tc.want) {
				t.Errorf("got exit %d, root mount %q, stderr %q; want its field 7 to start with %q",
					r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

func TestSignalAndKillAll(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", `trap "exit 7" TERM; sleep 1000 & wait`)
	ociOK(t, root, "run", "--detach", "--bundle", dir, "k")
	waitStatus(t, root, "k", "running")
	ociOK(t, root, "kill", "--all", "k", "9")
	waitStatus(t, root, "k", "stopped")
	ociOK(t, root, "delete", "k")
	for _, bad := range []string{"NOPE", "-1", "65"} {
		ociOK(t, root, "run", "--detach", "--bundle", dir, "k"+bad)
		if r := oci(t, root, "kill", "k"+bad, bad); r.code == 0 {
			t.Errorf("kill with signal %q: got exit 0", bad)
		}
		ociOK(t, root, "delete", "--force", "k"+bad)
	}
}

func TestCreateBadInput(t *testing.T) {
	dir, root := bundle(t, "true")
	ociOK(t, root, "create", "--bundle", dir, "dup")
	defer oci(t, root, "delete", "--force", "dup")
	before := stateOf(t, root, "dup")
	write := func(t *testing.T, content string) string {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "config.json"), []byte(content), 0o644)
		return d
	}
	for _, tc := range []struct {
		name, want string
		args       []string
	}{
		{"duplicate id", "container dup already exists: choose another id", []string{"create", "--bundle", dir, "dup"}},
		{"bad id", "container id", []string{"create", "--bundle", dir, "../escape"}},
		{"no config.json", "has no config.json", []string{"create", "--bundle", t.TempDir(), "x1"}},
		{"not JSON", "not valid JSON at line 1", []string{"create", "--bundle", write(t, "{oops"), "x2"}},
		{"wrong type", "field process.args", []string{"create", "--bundle", write(t, `{"ociVersion":"1.0.2","process":{"args":"sh"}}`), "x3"}},
		{"unsupported version", "ociVersion 2.0.0 is not supported", []string{"create", "--bundle", write(t, `{"ociVersion":"2.0.0"}`), "x4"}},
		{"unknown id", "container nope does not exist", []string{"start", "nope"}},
		{"no id", "state needs exactly one container id, got 0", []string{"state"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := oci(t, root, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("got exit %d, stderr %q; want one line with %q", r.code, r.stderr, tc.want)
			}
		})
	}
	if after := stateOf(t, root, "dup"); after != before {
		t.Errorf("the failed duplicate create changed the first container: %+v -> %+v", before, after)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("state root holds %d entries, want only dup's", len(entries))
	}
}

func TestConcurrentCreateDelete(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			bin, _ := env(t)
			for _, args := range [][]string{{"create", "--bundle", dir, id}, {"delete", "--force", id}} {
				cmd := exec.Command(bin, append([]string{"--root", root}, args...)...)
				// Standard error to a file, not a pipe: the container keeps no
				// stdio of ours open, or Run would wait for it.
				f, err := os.CreateTemp(t.TempDir(), "stderr")
				if err != nil {
					errs <- err.Error()
					return
				}
				cmd.Stderr = f
				if err := cmd.Run(); err != nil {
					msg, _ := os.ReadFile(f.Name())
					errs <- fmt.Sprintf("%s %s: %v: %s", args[0], id, err, msg)
				}
				f.Close()
			}
		}(fmt.Sprintf("c%d", i))
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("%d entries left in the state root", len(entries))
	}
	noProcess(t, "sandbox\x00init")
}

func TestPreserveFDs(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "echo through-fd3 >&3")
	bin, _ := env(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--root", root, "run", "--preserve-fds", "1", "--bundle", dir, "fds")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v", err)
	}
	w.Close()
	buf := make([]byte, 64)
	n, _ := r.Read(buf)
	if string(buf[:n]) != "through-fd3\n" {
		t.Errorf("got %q through the preserved descriptor", buf[:n])
	}

	// Descriptors the caller did not pass are not there to preserve, not
	// even ones sandbox's own runtime might hold at those numbers.
	for _, n := range []string{"2", "100000000"} {
		r := oci(t, root, "run", "--preserve-fds", n, "--bundle", dir, "nofds")
		if r.code == 0 || !strings.Contains(r.stderr, "--preserve-fds "+n+":") {
			t.Errorf("--preserve-fds %s with nothing passed: got exit %d %q, want a refusal", n, r.code, r.stderr)
		}
	}
}

func TestConsoleSocket(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "tty; sleep 1000")
	editConfig(t, dir, func(c map[string]any) { c["process"].(map[string]any)["terminal"] = true })
	sock := filepath.Join(t.TempDir(), "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan *os.File, 1)
	go func() {
		conn, err := l.AcceptUnix()
		if err != nil {
			got <- nil
			return
		}
		defer conn.Close()
		buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 {
			got <- nil
			return
		}
		fds, _ := unix.ParseUnixRights(&msgs[0])
		got <- os.NewFile(uintptr(fds[0]), "master")
	}()
	ociOK(t, root, "create", "--console-socket", sock, "--bundle", dir, "tty")
	defer oci(t, root, "delete", "--force", "tty")
	master := <-got
	if master == nil {
		t.Fatal("no pty master arrived on the console socket")
	}
	defer master.Close()
	ociOK(t, root, "start", "tty")
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, _ := master.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "/dev/pts/0") {
		t.Errorf("the container's tty: got %q, want /dev/pts/0", buf[:n])
	}
}

// TestCreateStartAsUser starts a created container whose init has already
// become an unprivileged user without capabilities when it opens the exec
// fifo, as with podman run --user 1000 --cap-drop ALL.
func TestCreateStartAsUser(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", "id -u > /dev/null; sleep 1000")
	editConfig(t, dir, func(c map[string]any) {
		p := c["process"].(map[string]any)
		p["user"] = map[string]any{"uid": 1000, "gid": 1000}
		p["capabilities"] = map[string]any{}
	})
	ociOK(t, root, "create", "--bundle", dir, "user")
	defer oci(t, root, "delete", "--force", "user")
	ociOK(t, root, "start", "user")
	st := waitStatus(t, root, "user", "running")
	awaitCmdline(t, st.Pid, "sleep")
}

// TestSessionKeyring: a container joins a session keyring of its own, named
// after it, unless --no-new-keyring keeps the caller's (keyrings(7)).
func TestSessionKeyring(t *testing.T) {
	dir, root := bundle(t, "cat", "/proc/keys")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["maskedPaths"] = []string{}
	})
	r := oci(t, root, "run", "--bundle", dir, "keys")
	if r.code != 0 || !strings.Contains(r.stdout, "keyring   sandbox-keys:") {
		t.Errorf("run: got exit %d, /proc/keys %q; want a session keyring named sandbox-keys", r.code, r.stdout)
	}
	r = oci(t, root, "run", "--no-new-keyring", "--bundle", dir, "shared")
	if r.code != 0 || strings.Contains(r.stdout, "sandbox-shared") {
		t.Errorf("run --no-new-keyring: got exit %d, /proc/keys %q; want no keyring of the container's", r.code, r.stdout)
	}
}

// TestB09NoBoundingKey: a config whose process.capabilities has no bounding
// key gets an empty bounding set, not a full one (youki#3434).
func TestB09NoBoundingKey(t *testing.T) {
	dir, root := bundle(t, "grep", "-E", "^Cap(Bnd|Eff)", "/proc/self/status")
	editConfig(t, dir, func(c map[string]any) {
		c["process"].(map[string]any)["capabilities"] = map[string]any{
			"effective": []string{"CAP_KILL"}, "permitted": []string{"CAP_KILL"}}
	})
	r := oci(t, root, "run", "--bundle", dir, "nobnd")
	if r.code != 0 || statusField(t, r.stdout, "CapBnd") != "0000000000000000" {
		t.Errorf("got exit %d, %q %s; want an empty bounding set", r.code, r.stdout, r.stderr)
	}
}

// TestB24HostnameWithoutUTS: a hostname without a UTS namespace of its own
// is refused, as it would rename the host.
func TestB24HostnameWithoutUTS(t *testing.T) {
	dir, root := bundle(t, "true")
	editConfig(t, dir, func(c map[string]any) {
		l := c["linux"].(map[string]any)
		var nss []any
		for _, ns := range l["namespaces"].([]any) {
			if ns.(map[string]any)["type"] != "uts" {
				nss = append(nss, ns)
			}
		}
		l["namespaces"] = nss
		c["hostname"] = "box"
	})
	h0, _ := os.Hostname()
	r := oci(t, root, "run", "--bundle", dir, "nouts")
	if r.code == 0 || !strings.Contains(r.stderr, "UTS namespace") {
		t.Errorf("got exit %d, stderr %q; want a refusal naming the UTS namespace", r.code, r.stderr)
	}
	if h, _ := os.Hostname(); h != h0 {
		t.Errorf("host's hostname changed from %q to %q", h0, h)
	}
}

// TestSeccompEarlyWithoutNewPrivs: without no_new_privs the filter goes in
// before the capabilities drop, so the rest of the setup runs under it; a
// profile that predates close_range(2) must not stop the container.
func TestSeccompEarlyWithoutNewPrivs(t *testing.T) {
	dir, root := bundle(t, "echo", "ran")
	editConfig(t, dir, func(c map[string]any) {
		c["process"].(map[string]any)["noNewPrivileges"] = false
		c["linux"].(map[string]any)["seccomp"] = map[string]any{
			"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls":      []any{map[string]any{"names": []string{"close_range"}, "action": "SCMP_ACT_ERRNO"}},
		}
	})
	if r := oci(t, root, "run", "--bundle", dir, "early"); r.code != 0 || r.stdout != "ran\n" {
		t.Errorf("got exit %d, stdout %q, stderr %q; want the workload to run", r.code, r.stdout, r.stderr)
	}
}

// TestTmpfsCopyUp: podman's tmpfs options: tmpcopyup fills the tmpfs with
// what it covers, writes stay in the tmpfs, and rro and nosymfollow are
// understood.
func TestTmpfsCopyUp(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", `cat /etc/passwd | head -1; ls -ld /etc | cut -c1-10; echo x > /etc/new && echo wrote=yes`)
	r := privateRootfs(t)
	editConfig(t, dir, func(c map[string]any) {
		c["root"].(map[string]any)["path"] = r
		c["mounts"] = append(c["mounts"].([]any),
			map[string]any{"destination": "/etc", "type": "tmpfs", "source": "tmpfs",
				"options": []string{"rw", "tmpcopyup", "nosuid", "nodev", "nosymfollow"}},
			map[string]any{"destination": "/usr", "type": "bind", "source": filepath.Join(r, "usr"),
				"options": []string{"rbind", "rro"}})
	})
	res := oci(t, root, "run", "--bundle", dir, "cu")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "root:") || !strings.Contains(res.stdout, "wrote=yes") {
		t.Fatalf("got exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(r, "etc", "new")); err == nil {
		t.Errorf("a write to the copied-up /etc reached the image")
	}
}

// TestConsoleSocketWithoutTerminal: a console socket for a container with
// no terminal is a mistake in the caller's setup, refused as runc does.
func TestConsoleSocketWithoutTerminal(t *testing.T) {
	dir, root := bundle(t, "true")
	r := oci(t, root, "create", "--console-socket", filepath.Join(t.TempDir(), "none.sock"), "--bundle", dir, "nt")
	if r.code == 0 || !strings.Contains(r.stderr, "--console-socket needs a terminal") {
		t.Errorf("got exit %d %q, want a refusal", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("state root holds %d entries", len(entries))
	}
}
