package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// limitLine is the soft and hard columns of one line of /proc/PID/limits,
// such as "Max open files", from the file's text.
func limitLine(t *testing.T, limits, name string) string {
	t.Helper()
	for _, line := range strings.Split(limits, "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 {
				return f[0] + ":" + f[1]
			}
		}
	}
	t.Fatalf("no %q in /proc/self/limits:\n%s", name, limits)
	return ""
}

// TestUlimitRun: --ulimit sets soft and hard limits exactly, as the shell
// and the kernel see them inside.
func TestUlimitRun(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", "--ulimit", "nofile=1024:2048", "--ulimit", "core=0:unlimited", "--ulimit", "nproc=500",
		rootfs, "sh", "-c", "echo $(ulimit -n) $(ulimit -Hn); cat /proc/self/limits")
	first, limits, _ := strings.Cut(out, "\n")
	if first != "1024 2048" {
		t.Errorf("ulimit -n, ulimit -Hn: got %q, want \"1024 2048\"", first)
	}
	for name, want := range map[string]string{
		"Max open files": "1024:2048", "Max core file size": "0:unlimited", "Max processes": "500:500",
	} {
		if got := limitLine(t, limits, name); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
}

// TestRlimitsExec: exec gets the container's process.rlimits and
// oomScoreAdj, unless its --process JSON gives its own.
func TestRlimitsExec(t *testing.T) {
	root, _ := running(t, func(c map[string]any) {
		p := c["process"].(map[string]any)
		p["rlimits"] = []any{map[string]any{"type": "RLIMIT_NOFILE", "soft": 3000, "hard": 4000}}
		p["oomScoreAdj"] = 400
	})
	show := "cat /proc/self/oom_score_adj /proc/self/limits"
	out := ociOK(t, root, "exec", "ctr", "sh", "-c", show)
	if got := limitLine(t, out, "Max open files"); got != "3000:4000" {
		t.Errorf("exec: Max open files %s, want the container's 3000:4000", got)
	}
	if adj, _, _ := strings.Cut(out, "\n"); adj != "400" {
		t.Errorf("exec: oom_score_adj %s, want the container's 400", adj)
	}

	proc := filepath.Join(t.TempDir(), "process.json")
	bcWriteFile(t, proc, fmt.Sprintf(`{"args":["sh","-c",%q],"cwd":"/","oomScoreAdj":600,
		"rlimits":[{"type":"RLIMIT_NOFILE","soft":100,"hard":200}]}`, show), 0o644)
	out = ociOK(t, root, "exec", "--process", proc, "ctr")
	if got := limitLine(t, out, "Max open files"); got != "100:200" {
		t.Errorf("exec --process: Max open files %s, want its own 100:200", got)
	}
	if adj, _, _ := strings.Cut(out, "\n"); adj != "600" {
		t.Errorf("exec --process: oom_score_adj %s, want its own 600", adj)
	}
}

// TestRlimitAboveHostHard: a hard limit above the one sandbox runs with
// needs CAP_SYS_RESOURCE, which this machine's root lacks. The error names
// the limit and the host's value, and the failed create leaves nothing.
func TestRlimitAboveHostHard(t *testing.T) {
	env(t)
	var caps unix.CapUserHeader = unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&caps, &data[0]); err != nil {
		t.Fatal(err)
	}
	if data[0].Effective&(1<<unix.CAP_SYS_RESOURCE) != 0 {
		t.Skip("this test runs with CAP_SYS_RESOURCE, which may raise any hard limit")
	}
	var host unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &host); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("RLIMIT_NOFILE hard limit %d is above the host's %d", host.Max+1, host.Max)

	_, rootfs := env(t)
	ulimit := fmt.Sprintf("nofile=1024:%d", host.Max+1)
	runFails(t, 125, want, "run", "--ulimit", ulimit, rootfs, "true")

	dir, root := bundle(t, "true")
	editConfig(t, dir, func(c map[string]any) {
		c["process"].(map[string]any)["rlimits"] = []any{
			map[string]any{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": host.Max + 1}}
	})
	r := oci(t, root, "create", "--bundle", dir, "rl")
	if r.code == 0 || !strings.Contains(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("create: got exit %d, stderr %q; want one line with %q", r.code, r.stderr, want)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("the failed create left %d entries in the state root", len(entries))
	}
	noCgroup(t, "rl", "the failed create")
	noProcess(t, dir)
}

// TestRlimitsRefused: a type the kernel does not know, and a soft limit
// above the hard one, fail before anything starts.
func TestRlimitsRefused(t *testing.T) {
	for name, c := range map[string]struct {
		limit map[string]any
		want  string
	}{
		"unknown": {map[string]any{"type": "RLIMIT_TEST", "soft": 1024, "hard": 1024},
			`process.rlimits: unknown type "RLIMIT_TEST"`},
		"soft above hard": {map[string]any{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024},
			"process.rlimits: RLIMIT_NOFILE has soft limit 2048 above its hard limit 1024"},
	} {
		t.Run(name, func(t *testing.T) {
			dir, root := bundle(t, "true")
			editConfig(t, dir, func(cfg map[string]any) {
				cfg["process"].(map[string]any)["rlimits"] = []any{c.limit}
			})
			r := oci(t, root, "run", "--bundle", dir, "bad")
			if r.code != 125 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("got exit %d, stderr %q; want 125 and one line with %q", r.code, r.stderr, c.want)
			}
		})
	}
}

// TestOOMScoreAdj: the container's process starts with process.oomScoreAdj.
func TestOOMScoreAdj(t *testing.T) {
	dir, root := bundle(t, "cat", "/proc/self/oom_score_adj")
	editConfig(t, dir, func(c map[string]any) { c["process"].(map[string]any)["oomScoreAdj"] = 500 })
	if out := ociOK(t, root, "run", "--bundle", dir, "oom"); out != "500\n" {
		t.Errorf("oom_score_adj: got %q, want 500", out)
	}
}

// TestSysctl: namespaced sysctls are set inside, and the host's stay as
// they were.
func TestSysctl(t *testing.T) {
	hostForward := readHost(t, "/proc/sys/net/ipv4/ip_forward")
	hostShmmax := readHost(t, "/proc/sys/kernel/shmmax")
	forward := "1"
	if hostForward == "1" {
		forward = "0"
	}
	dir, root := bundle(t, "cat",
		"/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/shmmax", "/proc/sys/kernel/domainname")
	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["sysctl"] = map[string]any{
			"net.ipv4.ip_forward": forward, "kernel.shmmax": "4096", "kernel.domainname": "example.test"}
	})
	out := ociOK(t, root, "run", "--bundle", dir, "sysctl")
	if want := forward + "\n4096\nexample.test\n"; out != want {
		t.Errorf("inside: got %q, want %q", out, want)
	}
	if got := readHost(t, "/proc/sys/net/ipv4/ip_forward"); got != hostForward {
		t.Errorf("host net.ipv4.ip_forward: got %s, want it unchanged at %s", got, hostForward)
	}
	if got := readHost(t, "/proc/sys/kernel/shmmax"); got != hostShmmax {
		t.Errorf("host kernel.shmmax: got %s, want it unchanged at %s", got, hostShmmax)
	}
}

// TestSysctlRefused: a host-wide sysctl, and a namespaced one without the
// container's own namespace, fail before anything starts.
func TestSysctlRefused(t *testing.T) {
	pattern := readHost(t, "/proc/sys/kernel/core_pattern")
	for name, c := range map[string]struct {
		key, value, dropNS, want string
	}{
		"host-wide": {"kernel.core_pattern", "|/bin/false", "",
			"linux.sysctl kernel.core_pattern: not a namespaced setting"},
		"host network": {"net.ipv4.ip_forward", "1", "network",
			"linux.sysctl net.ipv4.ip_forward: needs a new network namespace of the container's own"},
	} {
		t.Run(name, func(t *testing.T) {
			dir, root := bundle(t, "touch", "/tmp/ran")
			editConfig(t, dir, func(cfg map[string]any) {
				l := cfg["linux"].(map[string]any)
				l["sysctl"] = map[string]any{c.key: c.value}
				var kept []any
				for _, ns := range l["namespaces"].([]any) {
					if ns.(map[string]any)["type"] != c.dropNS {
						kept = append(kept, ns)
					}
				}
				l["namespaces"] = kept
			})
			r := oci(t, root, "run", "--bundle", dir, "bad")
			if r.code != 125 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("got exit %d, stderr %q; want 125 and one line with %q", r.code, r.stderr, c.want)
			}
		})
	}
	if got := readHost(t, "/proc/sys/kernel/core_pattern"); got != pattern {
		t.Errorf("host kernel.core_pattern: got %q, want it unchanged at %q", got, pattern)
	}
}

// devicesConfig lists a char, a block and a fifo device, with modes and
// owners, and a configured /dev/null that replaces the default one.
var devicesConfig = []any{
	map[string]any{"path": "/dev/test1", "type": "c", "major": 10, "minor": 666, "fileMode": 0o640, "uid": 7, "gid": 8},
	map[string]any{"path": "/dev/disk/test2", "type": "b", "major": 8, "minor": 666, "fileMode": 0o600},
	map[string]any{"path": "/dev/test3", "type": "p", "fileMode": 0o660, "uid": 1, "gid": 1},
	map[string]any{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666},
}

// TestDevices: each node of linux.devices is there with its type, number,
// mode and owner, and a char device can be used on the nodev /dev.
func TestDevices(t *testing.T) {
	dir, root := bundle(t, "sh", "-c",
		`for d in /dev/test1 /dev/disk/test2 /dev/test3 /dev/null; do stat -c "%n %F %t:%T %a %u:%g" $d; done; `+
			`echo x > /dev/null && echo null-ok`)
	editConfig(t, dir, func(c map[string]any) { c["linux"].(map[string]any)["devices"] = devicesConfig })
	out := ociOK(t, root, "run", "--bundle", dir, "dev")
	want := "/dev/test1 character special file a:29a 640 7:8\n" +
		"/dev/disk/test2 block special file 8:29a 600 0:0\n" +
		"/dev/test3 fifo 0:0 660 1:1\n" +
		"/dev/null character special file 1:3 666 0:0\n" +
		"null-ok\n"
	if out != want {
		t.Errorf("inside: got\n%s\nwant\n%s", out, want)
	}
}

// TestDevicesUserNS: in a user namespace a device is the host's node,
// bound in; a number the host's node does not have is refused.
func TestDevicesUserNS(t *testing.T) {
	userns := func(c map[string]any, devices []any) {
		l := c["linux"].(map[string]any)
		l["namespaces"] = append(l["namespaces"].([]any), map[string]any{"type": "user"})
		l["uidMappings"] = []any{map[string]any{"containerID": 0, "hostID": 200000, "size": 65536}}
		l["gidMappings"] = []any{map[string]any{"containerID": 0, "hostID": 200000, "size": 65536}}
		l["devices"] = devices
	}
	dir, root := bundle(t, "sh", "-c", `stat -c "%F %t:%T" /dev/zero /dev/test3; echo x > /dev/zero && echo zero-ok`)
	editConfig(t, dir, func(c map[string]any) {
		userns(c, []any{map[string]any{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5},
			map[string]any{"path": "/dev/test3", "type": "p"}})
	})
	out := ociOK(t, root, "run", "--bundle", dir, "dev")
	if want := "character special file 1:5\nfifo 0:0\nzero-ok\n"; out != want {
		t.Errorf("inside: got %q, want %q", out, want)
	}

	editConfig(t, dir, func(c map[string]any) {
		c["linux"].(map[string]any)["devices"] = []any{
			map[string]any{"path": "/dev/zero", "type": "c", "major": 1, "minor": 99}}
	})
	r := oci(t, root, "run", "--bundle", dir, "bad")
	if want := "the host's /dev/zero is not the c device 1:99"; r.code != 125 || !strings.Contains(r.stderr, want) {
		t.Errorf("got exit %d, stderr %q; want 125 and %q", r.code, r.stderr, want)
	}
}

// TestDevicesOutsideDev: a node outside /dev is refused: sandbox makes
// nodes only in the container's own /dev, never in the image.
func TestDevicesOutsideDev(t *testing.T) {
	r := privateRootfs(t)
	dir, root := bundle(t, "true")
	editConfig(t, dir, func(c map[string]any) {
		c["root"] = map[string]any{"path": r}
		c["linux"].(map[string]any)["devices"] = []any{
			map[string]any{"path": "/tmp/evil", "type": "c", "major": 1, "minor": 1}}
	})
	res := oci(t, root, "run", "--bundle", dir, "bad")
	want := "linux.devices /tmp/evil: give a clean path under /dev"
	if res.code != 125 || !strings.Contains(res.stderr, want) {
		t.Errorf("got exit %d, stderr %q; want 125 and %q", res.code, res.stderr, want)
	}
	bcAbsent(t, filepath.Join(r, "tmp/evil"), "no node may be made in the image")
}
