package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// podman is a rootful podman whose storage, configuration, locks and
// events all live in one temporary directory, and whose OCI runtime is
// sandbox. Nothing of it outlives the test: see cleanup.
type podman struct {
	dir          string
	bin          string // sandbox
	env          []string
	image        string
	cgroupParent string // every container's cgroup parent, so its cgroups can be found and removed
}

// hostPaths are what podman creates outside its configured directories
// whatever it is told: netavark's run directory, and the blob info cache
// that `podman import` writes. Those the test creates, it removes.
var hostPaths = []string{
	"/run/containers",
	"/run/containers/networks",
	"/var/lib/containers",
	"/var/lib/containers/cache",
	"/var/lib/containers/cache/blob-info-cache-v1.boltdb",
}

func newPodman(t *testing.T) *podman {
	t.Helper()
	bin, rootfs := env(t)
	if _, err := exec.LookPath("podman"); err != nil {
		skipOrFail(t, "podman is not installed: apt-get install podman")
	}
	if _, err := exec.LookPath("script"); err != nil {
		skipOrFail(t, "script(1) is not installed, needed for a pty: apt-get install bsdutils")
	}
	p := &podman{
		dir: t.TempDir(), bin: bin, image: "localhost/sandbox-test:latest",
		cgroupParent: fmt.Sprintf("/sandbox-podman-test-%d", os.Getpid()),
	}
	p.writeConfig(t)
	p.env = append(os.Environ(),
		"CONTAINERS_CONF="+filepath.Join(p.dir, "containers.conf"),
		"CONTAINERS_STORAGE_CONF="+filepath.Join(p.dir, "storage.conf"),
		"TMPDIR="+filepath.Join(p.dir, "tmp"))

	mounts := mountTable(t)
	var existed []string
	for _, path := range hostPaths {
		if _, err := os.Lstat(path); err == nil {
			existed = append(existed, path)
		}
	}
	t.Cleanup(func() { p.cleanup(t, mounts, existed) })

	tarball := filepath.Join(p.dir, "rootfs.tar")
	if out, err := exec.Command("tar", "-C", rootfs, "-cf", tarball, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar the rootfs: %v: %s", err, out)
	}
	p.ok(t, "import", tarball, p.image)
	return p
}

// skipOrFail skips, or fails when `make test` asked for every integration
// test to run.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("SANDBOX_INTEGRATION") == "1" {
		t.Fatalf("integration tests were asked for but cannot run: %s", reason)
	}
	t.Skip(reason)
}

// writeConfig writes containers.conf and storage.conf. The ulimits stay
// below the hard limits of a root without CAP_SYS_RESOURCE; podman's
// default nofile of 1048576 would fail there with EPERM. static_dir stays
// at its default, below the graph root: conmon's exit command, `podman
// container cleanup`, is given the graph root but not the static dir, and
// must find the same database.
func (p *podman) writeConfig(t *testing.T) {
	t.Helper()
	d := p.dir
	conf := fmt.Sprintf(`[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=512:512"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "%[1]s/events.log"
tmp_dir = "%[1]s/libpod"
volume_path = "%[1]s/volumes"
image_copy_tmp_dir = "%[1]s/tmp"
lock_type = "file"
runtime = "sandbox"

[engine.runtimes]
sandbox = ["%[2]s"]

[network]
network_config_dir = "%[1]s/net"
`, d, p.bin)
	storage := fmt.Sprintf(`[storage]
driver = "vfs"
graphroot = "%[1]s/graph"
runroot = "%[1]s/run"
`, d)
	for name, content := range map[string]string{"containers.conf": conf, "storage.conf": storage} {
		if err := os.WriteFile(filepath.Join(d, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(d, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
}

// run runs podman with args and stdin, and returns what it did.
func (p *podman) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return p.command(t, stdin, "podman", args...)
}

// runTTY runs podman under script(1), which gives it a pty as its stdin
// and stdout, as a terminal user would.
func (p *podman) runTTY(t *testing.T, args ...string) result {
	t.Helper()
	line := "podman"
	for _, a := range args {
		line += " '" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return p.command(t, "", "script", "-qec", line, "/dev/null")
}

func (p *podman) command(t *testing.T, stdin, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = p.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out", name, strings.Join(args, " "))
	}
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// ok runs podman expecting success and returns its stdout, trimmed.
func (p *podman) ok(t *testing.T, args ...string) string {
	t.Helper()
	r := p.run(t, "", args...)
	if r.code != 0 {
		t.Fatalf("podman %s: exit %d, stderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// runArgs is `run` with the flags every container of the test gets.
func (p *podman) runArgs(args ...string) []string {
	return append([]string{"run", "--cgroup-parent", p.cgroupParent}, args...)
}

// cleanup removes every container, the storage and what podman left on the
// host, and fails the test for what it should not have left: mounts,
// processes, cgroups, sandbox state.
func (p *podman) cleanup(t *testing.T, mounts string, existed []string) {
	p.run(t, "", "rm", "--all", "--force", "--time", "0")
	p.run(t, "", "system", "reset", "--force")
	p.unmountLeftovers(t)
	if after := mountTable(t); after != mounts {
		t.Errorf("podman left mounts behind:\nbefore:\n%s\nafter:\n%s", mounts, after)
	}
	noProcess(t, p.dir)
	p.removeCgroups(t)
	p.checkSandboxState(t)
	for i := len(hostPaths) - 1; i >= 0; i-- {
		if !slices.Contains(existed, hostPaths[i]) {
			os.Remove(hostPaths[i]) // directories go only when empty
		}
	}
}

// unmountLeftovers detaches whatever is still mounted below the test's
// directory, deepest first, so the temporary directory can be removed.
func (p *podman) unmountLeftovers(t *testing.T) {
	var points []string
	for _, line := range strings.Split(mountTable(t), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], p.dir+"/") {
			points = append(points, f[4])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		t.Errorf("podman left %s mounted", points[i])
		syscall.Unmount(points[i], syscall.MNT_DETACH)
	}
}

// removeCgroups removes the cgroups podman made below the test's cgroup
// parent (conmon's, with the cgroupfs manager), deepest first. rmdir(2)
// removes only an empty cgroup, so a cgroup that still holds a process
// stays, and fails the test.
func (p *podman) removeCgroups(t *testing.T) {
	tops, _ := filepath.Glob("/sys/fs/cgroup/*" + p.cgroupParent)
	tops = append(tops, "/sys/fs/cgroup"+p.cgroupParent)
	for _, top := range tops {
		var dirs []string
		filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, path)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			if err := os.Remove(dirs[i]); err != nil {
				t.Errorf("cgroup left behind: %v", err)
			}
		}
	}
}

// checkSandboxState fails for a record of one of the test's containers in
// sandbox's default state root, which podman uses, and deletes it.
func (p *podman) checkSandboxState(t *testing.T) {
	entries, _ := os.ReadDir("/run/sandbox")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("/run/sandbox", e.Name(), "state.json"))
		var st struct{ Bundle string }
		if err != nil || json.Unmarshal(data, &st) != nil || !strings.HasPrefix(st.Bundle, p.dir+"/") {
			continue
		}
		t.Errorf("sandbox state of container %s left behind", e.Name())
		exec.Command(p.bin, "delete", "--force", e.Name()).Run()
	}
}

func TestPodman(t *testing.T) {
	p := newPodman(t)

	t.Run("run --rm echo", func(t *testing.T) {
		r := p.run(t, "", p.runArgs("--rm", p.image, "echo", "hi")...)
		if r.code != 0 || r.stdout != "hi\n" {
			t.Errorf("got exit %d, stdout %q, stderr %q; want 0 and \"hi\\n\"", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("detached, exec, stop, rm", func(t *testing.T) {
		testPodmanDetached(t, p)
	})

	t.Run("run -it", func(t *testing.T) {
		// The workload lingers a little before it exits: when it exits
		// right after writing, podman's attach sometimes misses the
		// output even though conmon logged it (seen with runc too, more
		// rarely).
		r := p.runTTY(t, p.runArgs("-it", "--rm", p.image, "sh", "-c", "tty; sleep 0.2; exit 4")...)
		if r.code != 4 || !strings.Contains(r.stdout, "/dev/pts/0") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want 4 and the tty /dev/pts/0", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("user 1000 without capabilities", func(t *testing.T) {
		status := p.ok(t, p.runArgs("--rm", "--user", "1000", "--cap-drop", "ALL", p.image,
			"grep", "-E", "^(Uid|Gid|Cap[A-Za-z]+):", "/proc/self/status")...)
		for field, want := range map[string]string{
			"Uid": "1000\t1000\t1000\t1000", "CapInh": "0000000000000000", "CapPrm": "0000000000000000",
			"CapEff": "0000000000000000", "CapBnd": "0000000000000000", "CapAmb": "0000000000000000",
		} {
			if got := statusField(t, status, field); got != want {
				t.Errorf("%s: got %q, want %q", field, got, want)
			}
		}
	})

	t.Run("exit status", func(t *testing.T) {
		if r := p.run(t, "", p.runArgs("--rm", p.image, "sh", "-c", "exit 3")...); r.code != 3 {
			t.Errorf("sh -c 'exit 3': got exit %d, want 3 (stderr %q)", r.code, r.stderr)
		}
		r := p.run(t, "", p.runArgs("--rm", p.image, "no-such-command")...)
		if r.code != 127 || !strings.Contains(r.stderr, "no-such-command: executable file not found in $PATH") {
			t.Errorf("missing command: got exit %d, stderr %q; want 127 and sandbox's reason", r.code, r.stderr)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		r := p.run(t, "data through stdin\n", p.runArgs("--rm", "-i", p.image, "cat")...)
		if r.code != 0 || r.stdout != "data through stdin\n" {
			t.Errorf("got exit %d, stdout %q, stderr %q; want 0 and the input back", r.code, r.stdout, r.stderr)
		}
	})

	// --read-only gives tmpfs mounts with tmpcopyup at /run, /tmp...
	t.Run("read-only", func(t *testing.T) {
		r := p.run(t, "", p.runArgs("--rm", "--read-only", p.image, "sh", "-c",
			"touch /x 2>/dev/null; echo root=$?; touch /tmp/y && echo tmp=ok")...)
		if r.code != 0 || !strings.Contains(r.stdout, "tmp=ok") || strings.Contains(r.stdout, "root=0") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want a read-only / and a writable /tmp", r.code, r.stdout, r.stderr)
		}
	})
}

// testPodmanDetached runs a container in the background, execs into it
// when sandbox can, stops it with SIGTERM, which its trap turns into exit
// status 7, and removes it.
func testPodmanDetached(t *testing.T, p *podman) {
	id := p.ok(t, p.runArgs("-d", p.image, "sh", "-c", `trap "exit 7" TERM; sleep 1000 & wait`)...)
	defer p.run(t, "", "rm", "--force", "--time", "0", id)
	if st := p.ok(t, "inspect", "--format", "{{.State.Status}}", id); st != "running" {
		t.Fatalf("after run -d: status %q, want running", st)
	}

	t.Run("exec", func(t *testing.T) {
		if out := p.ok(t, "exec", id, "cat", "/proc/1/cmdline"); !strings.Contains(out, "trap") {
			t.Errorf("exec: PID 1 is %q, want the container's shell", out)
		}
		r := p.runTTY(t, "exec", "-it", id, "sh", "-c", "tty; exit 5")
		if r.code != 5 || !strings.Contains(r.stdout, "/dev/pts/") {
			t.Errorf("exec -it: got exit %d, stdout %q, stderr %q; want 5 and a tty", r.code, r.stdout, r.stderr)
		}
		// podman reads the runtime's message to tell 127 from 126.
		for _, cmd := range []string{"no-such-command", "/nonexistent"} {
			if r := p.run(t, "", "exec", id, cmd); r.code != 127 {
				t.Errorf("exec %s: got exit %d (%q), want 127", cmd, r.code, r.stderr)
			}
		}
	})

	p.ok(t, "stop", "--time", "10", id)
	if code := p.ok(t, "inspect", "--format", "{{.State.ExitCode}}", id); code != "7" {
		t.Errorf("after stop: exit code %s, want 7 from the workload's TERM trap", code)
	}
	p.ok(t, "rm", id)
	if r := p.run(t, "", "inspect", id); r.code == 0 {
		t.Errorf("inspect after rm: the container is still there")
	}
	noProcess(t, id)
}
