package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// holder starts a process in new namespaces of the given unshare(1)
// options and returns its PID, the one whose namespaces a config names.
func holder(t *testing.T, opts ...string) int {
	t.Helper()
	cmd := exec.Command("unshare", append(opts, "--fork", "sleep", "1000")...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// The sleep is unshare's child, in the new PID namespace.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		if f := strings.Fields(string(b)); len(f) == 1 {
			var pid int
			fmt.Sscan(f[0], &pid)
			return pid
		}
	}
	t.Fatal("unshare did not start its child")
	return 0
}

// TestNamespaceByPath: a config that names namespaces by path puts the
// container in them, the PID and mount namespaces included.
func TestNamespaceByPath(t *testing.T) {
	pid := holder(t, "--ipc", "--uts", "--net", "--pid", "--mount")
	dir, root := bundle(t, "sh", "-c", nsLinks)
	editConfig(t, dir, func(c map[string]any) {
		var nss []any
		for _, n := range []string{"ipc", "uts", "network", "pid", "mount"} {
			file := map[string]string{"network": "net", "mount": "mnt"}[n]
			if file == "" {
				file = n
			}
			nss = append(nss, map[string]any{"type": n, "path": fmt.Sprintf("/proc/%d/ns/%s", pid, file)})
		}
		c["linux"].(map[string]any)["namespaces"] = nss
	})
	r := oci(t, root, "run", "--bundle", dir, "byp")
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	kv := bcKV(r.stdout)
	for _, n := range []string{"ipc", "uts", "net", "pid", "mnt"} {
		want, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, n))
		if kv[n] != want {
			t.Errorf("%s namespace: got %q, want the holder's %q", n, kv[n], want)
		}
	}
}

func TestNamespaceByPathRefused(t *testing.T) {
	self := os.Getpid()
	for _, c := range []struct {
		name string
		nss  []any
		want string
	}{
		{"own mount namespace", []any{map[string]any{"type": "mount", "path": fmt.Sprintf("/proc/%d/ns/mnt", self)}, map[string]any{"type": "pid"}},
			"is sandbox's own mount namespace"},
		{"wrong type", []any{map[string]any{"type": "mount"}, map[string]any{"type": "network", "path": fmt.Sprintf("/proc/%d/ns/uts", self)}},
			"is a namespace of another type"},
		{"not a namespace", []any{map[string]any{"type": "mount"}, map[string]any{"type": "ipc", "path": "/etc/hostname"}},
			"ipc namespace /etc/hostname: not a namespace"},
		{"user namespace", []any{map[string]any{"type": "mount"}, map[string]any{"type": "user", "path": fmt.Sprintf("/proc/%d/ns/user", self)}},
			"joining the user namespace at"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, root := bundle(t, "true")
			editConfig(t, dir, func(cfg map[string]any) {
				cfg["linux"].(map[string]any)["namespaces"] = c.nss
				delete(cfg, "hostname")
			})
			r := oci(t, root, "run", "--bundle", dir, "bad")
			if r.code == 0 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("got exit %d, stderr %q; want one line with %q", r.code, r.stderr, c.want)
			}
		})
	}
}

// TestNoMountNamespace: a config without a mount namespace shares the
// host's; the container's mounts are made there, below the state
// directory, and none of them outlives the container, whether it ends in
// delete, in run, or in a failed create (the harness compares the host's
// mount table around each command).
func TestNoMountNamespace(t *testing.T) {
	dir, root := bundle(t, "sh", "-c", nsLinks+"; ls /bin/busybox")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["namespaces"] = []any{}
		delete(c, "hostname")
	})
	r := oci(t, root, "run", "--bundle", dir, "shared")
	if r.code != 0 || !strings.Contains(r.stdout, "/bin/busybox") {
		t.Fatalf("run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	kv := bcKV(r.stdout)
	for _, n := range []string{"mnt", "pid", "net"} {
		if want, _ := os.Readlink("/proc/self/ns/" + n); kv[n] != want {
			t.Errorf("%s namespace: got %q, want the host's %q", n, kv[n], want)
		}
	}
	if !strings.Contains(r.stderr, "no mount namespace") {
		t.Errorf("stderr: got %q, want a warning about the missing mount namespace", r.stderr)
	}

	editConfig(t, dir, func(c map[string]any) {
		c["process"].(map[string]any)["args"] = []string{"sleep", "1000"}
	})
	// Between create and delete the mounts are the host's, on purpose.
	bin, _ := env(t)
	before := mountTable(t)
	if r := runBin(t, bin, "", "--root", root, "create", "--bundle", dir, "held"); r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	if mountTable(t) == before {
		t.Errorf("create: the container's mounts are not in the host's mount table")
	}
	if r := runBin(t, bin, "", "--root", root, "delete", "--force", "held"); r.code != 0 {
		t.Fatalf("delete: exit %d: %s", r.code, r.stderr)
	}
	if after := mountTable(t); after != before {
		t.Errorf("delete left mounts on the host:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	editConfig(t, dir, func(c map[string]any) {
		c["process"].(map[string]any)["args"] = []string{"no-such-command"}
	})
	if r := oci(t, root, "create", "--bundle", dir, "failed"); r.code != 127 {
		t.Errorf("create of a missing command: got exit %d %q, want 127", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("state root holds %d entries", len(entries))
	}
}
