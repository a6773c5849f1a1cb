package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// defaultCaps is the mask of Docker's default set, as the README lists it.
const defaultCaps = "00000000a80425fb"

func TestMainJob(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", "--drop-all", "--user", "1000", rootfs, "/bin/sh", "-c",
		`echo pid=$$ uid=$(id -u) gid=$(id -g); grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs)" /proc/self/status`)
	if !strings.Contains(out, "pid=1 uid=1000 gid=1000") {
		t.Errorf("got %q, want pid=1 uid=1000 gid=1000", out)
	}
	for _, set := range []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"} {
		if got := statusField(t, out, set); got != "0000000000000000" {
			t.Errorf("%s: got %s, want 0000000000000000", set, got)
		}
	}
	if got := statusField(t, out, "NoNewPrivs"); got != "1" {
		t.Errorf("NoNewPrivs: got %s, want 1", got)
	}
}

func TestPIDNamespace(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", rootfs, "/bin/sh", "-c", `echo $$; ls -d /proc/[0-9]* | wc -l`)
	lines := strings.Fields(out)
	if len(lines) != 2 || lines[0] != "1" {
		t.Fatalf("got %q, want PID 1 first", out)
	}
	// sh, ls and wc: the host's processes are not visible.
	if n, _ := strconv.Atoi(lines[1]); n > 4 {
		t.Errorf("container sees %d processes, want at most 4", n)
	}
}

func TestHostname(t *testing.T) {
	_, rootfs := env(t)
	host, _ := os.Hostname()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"default", nil, "sandbox"},
		{"flag", []string{"--hostname", "box"}, "box"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"run"}, tc.args...), rootfs, "hostname")
			if got := strings.TrimSpace(runOK(t, args...)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("set inside stays inside", func(t *testing.T) {
		runOK(t, "run", "--cap-add", "SYS_ADMIN", rootfs, "hostname", "evil")
		if now, _ := os.Hostname(); now != host {
			t.Errorf("host hostname changed from %q to %q", host, now)
		}
	})
	t.Run("too long", func(t *testing.T) {
		runFails(t, 125, "at most 64", "run", "--hostname", strings.Repeat("a", 65), rootfs, "true")
	})
	t.Run("bad characters", func(t *testing.T) {
		runFails(t, 125, "hostname", "run", "--hostname", "a_b!", rootfs, "true")
	})
}

func TestNetwork(t *testing.T) {
	_, rootfs := env(t)
	t.Run("none has only loopback, up", func(t *testing.T) {
		out := runOK(t, "run", rootfs, "/bin/sh", "-c", `cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '; cat /sys/class/net/lo/operstate; ping -c1 -W2 127.0.0.1 >/dev/null && echo ping-ok`)
		if got := strings.Fields(out); len(got) != 3 || got[0] != "lo" || got[2] != "ping-ok" {
			t.Errorf("got %q, want lo only, up, and pingable", out)
		}
	})
	t.Run("host shares the host's interfaces", func(t *testing.T) {
		hostIfs, _ := os.ReadDir("/sys/class/net")
		out := runOK(t, "run", "--net", "host", rootfs, "ls", "/sys/class/net")
		if got := len(strings.Fields(out)); got != len(hostIfs) {
			t.Errorf("got %d interfaces, want the host's %d", got, len(hostIfs))
		}
	})
	t.Run("bad value", func(t *testing.T) {
		runFails(t, 125, "--net", "run", "--net", "bridge", rootfs, "true")
	})
}

func TestMounts(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", rootfs, "cat", "/proc/self/mountinfo")
	var points []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		points = append(points, f[4])
	}
	if points[0] != "/" {
		t.Errorf("first mount point is %q, want / (the pivoted rootfs)", points[0])
	}
	for _, p := range points {
		switch {
		case p == "/", strings.HasPrefix(p, "/proc"), strings.HasPrefix(p, "/dev"), strings.HasPrefix(p, "/sys"):
		default:
			t.Errorf("unexpected mount %s in the container: only the rootfs, /proc, /dev and /sys belong there", p)
		}
	}
	t.Run("host files unreachable", func(t *testing.T) {
		r := sandbox(t, "", "run", rootfs, "ls", "/work", "/usr/local/go")
		if r.code == 0 {
			t.Errorf("the host's /work or /usr/local/go is visible in the container: %s", r.stdout)
		}
	})
	t.Run("rootfs is nodev", func(t *testing.T) {
		out := runOK(t, "run", rootfs, "sh", "-c", `mknod /tmp/null2 c 1 3 && cat /tmp/null2; echo rc=$?; rm -f /tmp/null2`)
		if !strings.Contains(out, "rc=1") {
			t.Errorf("a device node made in the rootfs could be opened: %q", out)
		}
	})
}

func TestCapabilities(t *testing.T) {
	_, rootfs := env(t)
	status := func(t *testing.T, args ...string) string {
		t.Helper()
		a := append(append([]string{"run"}, args...), rootfs, "grep", "-E", "^Cap", "/proc/self/status")
		return runOK(t, a...)
	}
	for _, tc := range []struct {
		name                    string
		args                    []string
		eff, prm, bnd, inh, amb string
	}{
		{"default", nil, defaultCaps, defaultCaps, defaultCaps, "0000000000000000", "0000000000000000"},
		{"drop all", []string{"--drop-all"}, zero, zero, zero, zero, zero},
		{"drop all, add one", []string{"--drop-all", "--cap-add", "NET_BIND_SERVICE"},
			"0000000000000400", "0000000000000400", "0000000000000400", zero, zero},
		{"drop one", []string{"--cap-drop", "chown"}, "00000000a80425fa", "00000000a80425fa", "00000000a80425fa", zero, zero},
		{"add sys_admin", []string{"--cap-add", "CAP_SYS_ADMIN"}, "00000000a82425fb", "00000000a82425fb", "00000000a82425fb", zero, zero},
		{"non-root default", []string{"--user", "1000"}, zero, zero, defaultCaps, zero, zero},
		{"non-root added", []string{"--user", "1000", "--drop-all", "--cap-add", "net_bind_service"},
			"0000000000000400", "0000000000000400", "0000000000000400", "0000000000000400", "0000000000000400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := status(t, tc.args...)
			for name, want := range map[string]string{"CapEff": tc.eff, "CapPrm": tc.prm, "CapBnd": tc.bnd, "CapInh": tc.inh, "CapAmb": tc.amb} {
				if got := statusField(t, out, name); got != want {
					t.Errorf("%s: got %s, want %s", name, got, want)
				}
			}
		})
	}
	t.Run("cannot be regained through setuid root", func(t *testing.T) {
		r := privateRootfs(t)
		suid := filepath.Join(r, "status")
		buildProbe(t, suid)
		syscall.Chmod(suid, 0o4755) // os.Chmod would drop the setuid bit of a plain 0o4755
		out := runOK(t, "run", "--drop-all", "--user", "1000", "--allow-privilege-escalation", r, "/status")
		if uids := strings.Fields(statusField(t, out, "Uid")); len(uids) < 2 || uids[1] != "0" {
			t.Fatalf("the setuid-root probe did not run with euid 0: %q", out)
		}
		for _, set := range []string{"CapPrm", "CapEff", "CapBnd"} {
			if got := statusField(t, out, set); got != zero {
				t.Errorf("%s after a setuid-root exec: got %s, want %s", set, got, zero)
			}
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		runFails(t, 125, `unknown capability "NOT_A_CAP"`, "run", "--cap-add", "NOT_A_CAP", rootfs, "true")
	})
}

// TestCapabilitiesHostWithholds runs sandbox with CAP_SYS_NICE out of its
// own bounding set, as some hosts run root without CAP_SYS_RESOURCE: naming
// the capability fails with its name before the workload runs, and ALL
// means all that the host grants.
func TestCapabilitiesHostWithholds(t *testing.T) {
	bin, rootfs := env(t)
	own, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	hostBnd, err := strconv.ParseUint(statusField(t, string(own), "CapBnd"), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	const sysNice = 1 << 23
	withheld := func(args ...string) []string {
		return append([]string{"--bounding-set", "-sys_nice", bin, "run"}, args...)
	}

	t.Run("ALL is what the host grants", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			args []string
			want uint64
		}{
			{"all granted", []string{"run", "--cap-add", "ALL", rootfs, "grep", "CapBnd", "/proc/self/status"}, hostBnd},
			{"one withheld", withheld("--cap-add", "ALL", rootfs, "grep", "CapBnd", "/proc/self/status"), hostBnd &^ sysNice},
		} {
			t.Run(tc.name, func(t *testing.T) {
				prog := "setpriv"
				if tc.args[0] == "run" {
					prog = bin
				}
				res := bcExec(t, bcOpts{}, prog, tc.args...)
				if want := fmt.Sprintf("%016x", tc.want); res.code != 0 || statusField(t, res.stdout, "CapBnd") != want {
					t.Errorf("got exit %d, %q (stderr %q), want 0 and CapBnd %s", res.code, res.stdout, res.stderr, want)
				}
			})
		}
	})

	t.Run("a withheld one is named", func(t *testing.T) {
		r := privateRootfs(t)
		for _, add := range [][]string{{"--cap-add", "SYS_NICE"}, {"--cap-add", "ALL", "--cap-add", "sys_nice"}} {
			res := bcExec(t, bcOpts{}, "setpriv", withheld(append(add, r, "touch", "/ran")...)...)
			msg := strings.TrimSuffix(res.stderr, "\n")
			if res.code != 125 || strings.Contains(msg, "\n") ||
				!strings.Contains(msg, "withholds CAP_SYS_NICE from sandbox's own bounding set") {
				t.Errorf("%v: got exit %d, %q; want 125 and one line naming CAP_SYS_NICE", add, res.code, res.stderr)
			}
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
		}
	})
}

const zero = "0000000000000000"

func TestUser(t *testing.T) {
	_, rootfs := env(t)
	for _, tc := range []struct {
		name, user string
		extra      []string
		want       string
	}{
		{"root", "", nil, "uid=0(root) gid=0(root)"},
		{"numeric in passwd", "1000", nil, "uid=1000(user) gid=1000(user) groups=100(users)"},
		{"uid and gid", "1000:5", nil, "uid=1000(user) gid=5(tty) groups=100(users)"},
		{"name", "user", nil, "uid=1000(user) gid=1000(user) groups=100(users)"},
		{"name and group", "user:users", nil, "uid=1000(user) gid=100(users) groups=100(users)"},
		{"unknown uid gets gid 0", "4242", nil, "uid=4242 gid=0(root)"},
		{"group-add", "1000", []string{"--group-add", "tty"}, "uid=1000(user) gid=1000(user) groups=5(tty),100(users)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"run"}
			if tc.user != "" {
				args = append(args, "--user", tc.user)
			}
			args = append(append(args, tc.extra...), rootfs, "id")
			if got := strings.TrimSpace(runOK(t, args...)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("host file stays unreadable", func(t *testing.T) {
		r := sandbox(t, "", "run", "--user", "1000", rootfs, "cat", "/etc/shadow")
		if r.code == 0 {
			t.Errorf("uid 1000 read /etc/shadow: %q", r.stdout)
		}
	})
	for _, bad := range []struct{ user, want string }{
		{"-1", "out of range"},
		{"4294967295", "out of range"},
		{"1000:-5", "out of range"},
		{"alice", `user "alice" is not in the rootfs's /etc/passwd`},
		{"1000:nogroupnamed", `group "nogroupnamed" is not in the rootfs's /etc/group`},
	} {
		t.Run("refuses "+bad.user, func(t *testing.T) {
			runFails(t, 125, bad.want, "run", "--user", bad.user, rootfs, "id")
		})
	}
}

func TestNoNewPrivs(t *testing.T) {
	_, rootfs := env(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "1"},
		{[]string{"--allow-privilege-escalation"}, "0"},
	} {
		args := append(append([]string{"run"}, tc.args...), rootfs, "grep", "NoNewPrivs", "/proc/self/status")
		if got := statusField(t, runOK(t, args...), "NoNewPrivs"); got != tc.want {
			t.Errorf("%v: NoNewPrivs got %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestUserNamespace(t *testing.T) {
	_, rootfs := env(t)
	t.Run("maps root to an unprivileged range", func(t *testing.T) {
		out := runOK(t, "run", "--userns", rootfs, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u")
		f := strings.Fields(out)
		if len(f) != 7 || f[0] != "0" || f[1] == "0" || f[2] != "65536" || f[6] != "0" {
			t.Fatalf("got %q, want container 0 mapped to a non-zero host id, 65536 ids, and uid 0 inside", out)
		}
	})
	t.Run("host sees the mapped uid", func(t *testing.T) {
		bin, _ := env(t)
		marker := "3" + strconv.Itoa(os.Getpid()%1000)
		cmd := exec.Command(bin, "run", "--userns", rootfs, "sleep", marker)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		pid := waitForProcess(t, "sleep "+marker)
		status, _ := os.ReadFile("/proc/" + pid + "/status")
		uid := strings.Fields(statusField(t, string(status), "Uid"))[0]
		if uid == "0" {
			t.Errorf("container root is host uid 0 with --userns")
		}
	})
	t.Run("explicit map", func(t *testing.T) {
		out := runOK(t, "run", "--uid-map", "0:200000:2000", "--gid-map", "0:200000:2000", rootfs, "cat", "/proc/self/uid_map")
		if f := strings.Fields(out); len(f) != 3 || f[1] != "200000" || f[2] != "2000" {
			t.Errorf("got %q, want 0 200000 2000", out)
		}
	})
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--userns", "--user", "70000"}, "uid 70000 is not mapped in the user namespace (0-65535)"},
		{[]string{"--uid-map", "0:100000"}, "CONTAINER:HOST:SIZE"},
		{[]string{"--uid-map", "0:100000:0"}, "size must be at least 1"},
		{[]string{"--uid-map", "0:-1:10"}, "not a number"},
		{[]string{"--uid-map", "0:4294967290:10"}, "runs past"},
		{[]string{"--uid-map", "0:100000:10", "--uid-map", "5:200000:10"}, "overlap"},
		{[]string{"--uid-map", "2000:0:1", "--gid-map", "2000:0:1", "--user", "2000:2000"}, "must map container id 0"},
	} {
		t.Run(strings.Join(bad.args, " "), func(t *testing.T) {
			runFails(t, 125, bad.want, append(append([]string{"run"}, bad.args...), rootfs, "true")...)
		})
	}
}

func TestMaskedAndReadonlyPaths(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", rootfs, "sh", "-c", `
		cat /proc/keys /proc/timer_list 2>/dev/null | wc -c
		ls -A /sys/firmware | wc -l
		echo 1 > /proc/sys/kernel/panic 2>/dev/null; echo w=$?
		grep -E " /proc/sys | /sys " /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1`)
	f := strings.Fields(out)
	want := []string{"0", "0", "w=1", "ro", "ro"}
	if strings.Join(f, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q (masked files empty, /sys/firmware empty, /proc/sys not writable, /sys and /proc/sys ro)", f, want)
	}
}

func TestExitCodes(t *testing.T) {
	_, rootfs := env(t)
	r := privateRootfs(t)
	os.WriteFile(filepath.Join(r, "noexec"), []byte("echo x\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"workload's own", []string{rootfs, "sh", "-c", "exit 42"}, 42, ""},
		{"missing", []string{rootfs, "/nonexistent"}, 127, "/nonexistent: no such file or directory in the container"},
		{"not on PATH", []string{rootfs, "apt-get"}, 127, "apt-get: executable file not found in $PATH of the container (/usr/local/sbin"},
		{"not executable", []string{r, "/noexec"}, 126, "/noexec: permission denied"},
		{"directory", []string{rootfs, "/etc"}, 126, "/etc: is a directory"},
		{"usage", []string{"--bogus-flag", rootfs, "true"}, 125, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run"}, tc.args...)
			if tc.msg != "" {
				runFails(t, tc.code, tc.msg, args...)
				return
			}
			if got := sandbox(t, "", args...).code; got != tc.code {
				t.Errorf("got exit %d, want %d", got, tc.code)
			}
		})
	}
}

func TestKilledBySignal(t *testing.T) {
	bin, rootfs := env(t)
	marker := fmt.Sprintf("20%d", os.Getpid()%1000)
	cmd := exec.Command(bin, "run", rootfs, "sleep", marker)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(waitForProcess(t, "sleep "+marker))
	// From the host: PID 1 of a namespace ignores even SIGKILL from inside.
	syscall.Kill(pid, syscall.SIGKILL)
	cmd.Wait()
	if got := cmd.ProcessState.ExitCode(); got != 137 {
		t.Errorf("got exit %d, want 137 (128+SIGKILL)", got)
	}
}

func TestSignalForwarding(t *testing.T) {
	bin, rootfs := env(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1} {
		t.Run(sig.String(), func(t *testing.T) {
			script := fmt.Sprintf(`trap "exit %d" %s; echo ready; while :; do sleep 0.05; done`, int(sig), strings.TrimPrefix(sigName(sig), "SIG"))
			cmd := exec.Command(bin, "run", rootfs, "sh", "-c", script)
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 6)
			if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
				t.Fatalf("container did not start: %q %v", buf, err)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != int(sig) {
				t.Errorf("got exit %d (%v), want %d from the trap", code, err, int(sig))
			}
		})
	}
}

func sigName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "TERM", syscall.SIGINT: "INT", syscall.SIGHUP: "HUP", syscall.SIGUSR1: "USR1"}[s]
}

func TestStdin(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "hello\n", "run", rootfs, "cat")
	if r.code != 0 || r.stdout != "hello\n" {
		t.Errorf("got %q exit %d, want hello", r.stdout, r.code)
	}
	big := strings.Repeat("0123456789abcdef", 1<<16)
	r = sandbox(t, big, "run", rootfs, "wc", "-c")
	if strings.TrimSpace(r.stdout) != strconv.Itoa(len(big)) {
		t.Errorf("got %q bytes through the pipe, want %d", r.stdout, len(big))
	}
}

func TestVolumes(t *testing.T) {
	env(t)
	// A copy: the mountpoints /data and /etc/motd are made in the rootfs.
	rootfs := privateRootfs(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	os.WriteFile(filepath.Join(dir, "in"), []byte("from host\n"), 0o644)
	t.Run("read-write", func(t *testing.T) {
		out := runOK(t, "run", "-v", dir+":/data", rootfs, "sh", "-c", "cat /data/in; echo from container > /data/out")
		if out != "from host\n" {
			t.Errorf("got %q, want the host's file", out)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "out")); string(b) != "from container\n" {
			t.Errorf("host got %q, want the container's write", b)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		r := sandbox(t, "", "run", "-v", dir+":/data:ro", rootfs, "sh", "-c", "echo x > /data/out2")
		if r.code == 0 {
			t.Error("write to a :ro volume succeeded")
		}
		if _, err := os.Stat(filepath.Join(dir, "out2")); err == nil {
			t.Error("the host file was created through a :ro volume")
		}
	})
	t.Run("file volume", func(t *testing.T) {
		out := runOK(t, "run", "-v", filepath.Join(dir, "in")+":/etc/motd:ro", rootfs, "cat", "/etc/motd")
		if out != "from host\n" {
			t.Errorf("got %q", out)
		}
	})
	t.Run("missing host path", func(t *testing.T) {
		runFails(t, 125, "host path /nonexistent/dir does not exist", "run", "-v", "/nonexistent/dir:/x", rootfs, "true")
	})
	t.Run("reserved destination", func(t *testing.T) {
		runFails(t, 125, "reserved", "run", "-v", dir+":/proc/sys", rootfs, "true")
	})
}

func TestReadOnlyRootfs(t *testing.T) {
	_, rootfs := env(t)
	out := runOK(t, "run", "--read-only", "--tmpfs", "/tmp", rootfs, "sh", "-c",
		`touch /x 2>/dev/null; echo root=$?; touch /tmp/x /dev/shm/x && echo tmp-ok`)
	if out != "root=1\ntmp-ok\n" {
		t.Errorf("got %q, want the rootfs read-only and /tmp, /dev/shm writable", out)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "x")); err == nil {
		os.Remove(filepath.Join(rootfs, "x"))
		t.Error("the container wrote to a --read-only rootfs")
	}
}

func TestEnvironment(t *testing.T) {
	_, rootfs := env(t)
	os.Setenv("SANDBOX_SECRET", "leak")
	defer os.Unsetenv("SANDBOX_SECRET")
	out := runOK(t, "run", "-e", "A=1,2", "-w", "/tmp", rootfs, "sh", "-c", "env | sort; pwd")
	want := "A=1,2\nHOME=/root\nHOSTNAME=sandbox\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nPWD=/tmp\nSHLVL=1\n/tmp\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTerminal(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", "-t", rootfs, "sh", "-c", `tty; [ -t 0 ] && [ -t 1 ] && echo both-tty`)
	if r.code != 0 || !strings.Contains(r.stdout, "/dev/pts/0") || !strings.Contains(r.stdout, "both-tty") {
		t.Errorf("got %q exit %d, want a pty on stdin and stdout", r.stdout, r.code)
	}

	// The pty belongs to the workload's user, so it can open it again by
	// name; others still cannot read it.
	r = sandbox(t, "", "run", "-t", "--user", "1000", rootfs, "sh", "-c",
		`stat -c owner=%u:%g,mode=%a $(tty); (echo x > $(tty)) 2>&1 && echo reopen=ok`)
	out := strings.ReplaceAll(r.stdout, "\r", "")
	if r.code != 0 || !strings.Contains(out, "owner=1000:5,mode=620") || !strings.Contains(out, "reopen=ok") {
		t.Errorf("--user 1000 -t: got %q exit %d, want the pty owned by 1000:5, mode 620, and reopened", out, r.code)
	}
}

// TestInitByHand runs the hidden child stage as a user might, with other
// files open where the sync socket would be: it must refuse, with the
// one-line hint, not fail silently.
func TestInitByHand(t *testing.T) {
	bin, _ := env(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "init", "3")
	cmd.ExtraFiles = []*os.File{createFile(t, dir, "a"), createFile(t, dir, "b")}
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 125 ||
		!strings.Contains(string(out), "init is the container's child stage") {
		t.Errorf("sandbox init 3 with files on 3 and 4: got %q (%v), want exit 125 and the hint", out, err)
	}
}

// TestNoTerminalNoSession runs a container without -t from a caller whose
// controlling terminal is a pty: the container must lead a session of its
// own, with no controlling terminal, so it can neither open /dev/tty nor
// push input into the caller's terminal with TIOCSTI.
func TestNoTerminalNoSession(t *testing.T) {
	env(t)
	r := privateRootfs(t)
	bcPlantProbe(t, r, "probe", 0o755)
	script := `read -r _ _ _ _ _ sid _ < /proc/self/stat; echo sid=$sid
(echo x > /dev/tty) 2>&1 | sed 's/^/devtty=/'
/probe`
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"root", nil},
		{"user without capabilities", []string{"--cap-drop", "ALL", "--user", "1000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"run", "-e", "BC_PROBE=tiocsti"}, tc.flags...), r, "sh", "-c", script)
			kv := bcKV(runOnPty(t, args...))
			if kv["sid"] != "1" {
				t.Errorf("session id: got %q, want 1 (a session of its own)", kv["sid"])
			}
			if !strings.Contains(kv["devtty"], "No such device or address") {
				t.Errorf("open /dev/tty: got %q, want ENXIO (no controlling terminal)", kv["devtty"])
			}
			if kv["tiocsti"] != "operation not permitted" {
				t.Errorf("TIOCSTI on stdin: got %q, want operation not permitted", kv["tiocsti"])
			}
		})
	}
}

// runOnPty runs sandbox with a new pty as its controlling terminal and its
// stdin, and returns the container's stdout.
func runOnPty(t *testing.T, args ...string) string {
	t.Helper()
	bin, _ := env(t)
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()

	var out, errOut strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, &out, &errOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Run(); err != nil {
		t.Fatalf("sandbox %s: %v (stderr: %s)", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

func TestKilledRuntimeTakesContainer(t *testing.T) {
	bin, rootfs := env(t)
	for _, user := range []string{"0", "1000"} {
		t.Run("user "+user, func(t *testing.T) {
			marker := fmt.Sprintf("10%d%s", os.Getpid()%1000, user)
			cmd := exec.Command(bin, "run", "--user", user, rootfs, "sleep", marker)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForProcess(t, "sleep "+marker)
			cmd.Process.Kill()
			cmd.Wait()
			noProcess(t, "sleep "+marker)
		})
	}
}

func TestNotRoot(t *testing.T) {
	bin, rootfs := env(t)
	cmd := exec.Command(bin, "run", rootfs, "true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err == nil || cmd.ProcessState.ExitCode() != 125 || !strings.Contains(string(out), "--userns") {
		t.Errorf("got %q (%v), want exit 125 naming root or --userns", out, err)
	}
}

func TestBadInputLeavesNothing(t *testing.T) {
	_, rootfs := env(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"/nonexistent/rootfs", "true"}, "rootfs /nonexistent/rootfs does not exist"},
		{[]string{file, "true"}, "is not a directory"},
		{[]string{"/", "true"}, "the host's own root"},
		{[]string{"relative/missing", "true"}, "rootfs relative/missing does not exist"},
		{[]string{rootfs}, "no command given"},
		{[]string{rootfs, ""}, "the command is an empty string"},
		{[]string{"--cap-drop", "nope", rootfs, "true"}, `unknown capability "nope"`},
		{[]string{"--cap-add", "NET_RAW", "--cap-drop", "net_raw", rootfs, "true"}, "both added and dropped"},
		{[]string{"-e", "NOEQUALS", rootfs, "true"}, "KEY=VALUE"},
		{[]string{"-v", "onlyonepart", rootfs, "true"}, "HOST:CONTAINER"},
		{[]string{"-d", rootfs, "true"}, "--detach needs --bundle"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			runFails(t, 125, tc.want, append([]string{"run"}, tc.args...)...)
		})
	}
}

// waitForProcess waits for a process whose command line contains marker
// and returns its PID.
func waitForProcess(t *testing.T, marker string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if pids := processesWith(marker); len(pids) > 0 {
			for _, p := range pids {
				if exe, _ := os.Readlink("/proc/" + p + "/exe"); !strings.Contains(exe, "sandbox") {
					return p
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no process %q appeared", marker)
	return ""
}

// buildProbe builds testdata/status, statically, to dst.
func buildProbe(t *testing.T, dst string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", dst, "./testdata/status")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the status probe: %v: %s", err, out)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestPrivileged: --privileged takes the fences down but the namespaces:
// the host's capabilities, no seccomp, no masks, /sys writable, the host's
// devices.
func TestPrivileged(t *testing.T) {
	_, rootfs := env(t)
	host, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "run", "--privileged", rootfs, "sh", "-c",
		`grep -E "^(CapEff|Seccomp):" /proc/self/status; [ -c /dev/kmsg ] && echo kmsg=yes
		grep " /sys " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1
		grep -c " /proc/keys " /proc/self/mountinfo; true`)
	if got, want := statusField(t, out, "CapEff"), statusField(t, string(host), "CapBnd"); got != want {
		t.Errorf("CapEff: got %s, want the host's bounding set %s", got, want)
	}
	if got := statusField(t, out, "Seccomp"); got != "0" {
		t.Errorf("Seccomp: got %s, want 0", got)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(out, "kmsg=yes") {
		t.Errorf("the host's /dev/kmsg is missing:\n%s", out)
	}
	if n := len(lines); n < 2 || lines[n-2] != "rw" || lines[n-1] != "0" {
		t.Errorf("want /sys rw and /proc/keys not masked, got:\n%s", out)
	}
	// Without --privileged the same count is 1: the check can fail.
	if masked := runOK(t, "run", rootfs, "grep", "-c", " /proc/keys ", "/proc/self/mountinfo"); masked != "1\n" {
		t.Errorf("a default run: got %q mounts over /proc/keys, want 1", masked)
	}
	runFails(t, 125, "--privileged grants every capability and --drop-all none", "run", "--privileged", "--drop-all", rootfs, "true")
}

// A rootfs or volume below a directory that only host root may search
// (t.TempDir and mktemp -d make such directories) is out of reach of a
// container root mapped to an unprivileged host uid: the error says so.
func TestUserNSUnreachableRootfs(t *testing.T) {
	rootfs := privateRootfs(t) // below a 0700 t.TempDir()
	hint := "the container's root is host uid 1000000: it needs search permission"
	runFails(t, 125, hint, "run", "--userns", rootfs, "true")

	// A reachable rootfs of its own (the mountpoint of the volume is made
	// in it before the volume is found out of reach), with a volume below
	// a 0700 directory. t.TempDir's parent is 0700 too: use /tmp itself.
	open, err := os.MkdirTemp("", "sbx-userns-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(open) })
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", rootfs, filepath.Join(open, "r")).CombinedOutput(); err != nil {
		t.Fatalf("copy rootfs: %v: %s", err, out)
	}
	r := sandbox(t, "", "run", "--userns", "-v", t.TempDir()+":/v", filepath.Join(open, "r"), "true")
	if r.code != 125 || !strings.Contains(r.stderr, "mount source of /v") || !strings.Contains(r.stderr, hint) {
		t.Errorf("a volume out of reach: got exit %d %q, want 125 naming /v with the hint", r.code, r.stderr)
	}
}
