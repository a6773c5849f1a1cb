package integration

// Bug cases: capabilities, user namespaces, no_new_privs, hostname, environment.

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestB09BoundingSet: --drop-all empties all five sets, bounding included,
// and the default set holds none of the escape capabilities.
func TestB09BoundingSet(t *testing.T) {
	_, rootfs := env(t)

	t.Run("drop-all empties every set", func(t *testing.T) {
		out := runOK(t, "run", "--drop-all", rootfs, "grep", "-E", "^Cap(Inh|Prm|Eff|Bnd|Amb)", "/proc/self/status")
		for _, f := range []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"} {
			if got := statusField(t, out, f); got != bcNoCaps {
				t.Errorf("%s: got %s, want %s", f, got, bcNoCaps)
			}
		}
	})

	t.Run("one added capability is the whole bounding set", func(t *testing.T) {
		out := runOK(t, "run", "--drop-all", "--cap-add", "NET_BIND_SERVICE", rootfs, "grep", "CapBnd", "/proc/self/status")
		if got := statusField(t, out, "CapBnd"); got != "0000000000000400" {
			t.Errorf("CapBnd: got %s, want 0000000000000400", got)
		}
	})

	t.Run("default bounding set", func(t *testing.T) {
		out := runOK(t, "run", rootfs, "grep", "CapBnd", "/proc/self/status")
		got := statusField(t, out, "CapBnd")
		if got != bcDefaultCaps {
			t.Errorf("CapBnd: got %s, want %s", got, bcDefaultCaps)
		}
		mask, err := strconv.ParseUint(got, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		escape := map[string]uint{"DAC_READ_SEARCH": 2, "NET_ADMIN": 12, "SYS_MODULE": 16,
			"SYS_RAWIO": 17, "SYS_PTRACE": 19, "SYS_ADMIN": 21, "SYS_TIME": 25}
		for name, bit := range escape {
			if mask&(1<<bit) != 0 {
				t.Errorf("default bounding set %s holds CAP_%s", got, name)
			}
		}
	})

	// The OCI part (no bounding key) is in the #3 list at the top.
}

// --- B10 -------------------------------------------------------------------

// TestB10AmbientCapabilities: the default set never becomes ambient for a
// non-root user, and an explicitly added capability reaches it, the same
// way on every run.
func TestB10AmbientCapabilities(t *testing.T) {
	_, rootfs := env(t)

	t.Run("default set is not ambient", func(t *testing.T) {
		out := runOK(t, "run", "--user", "1000", rootfs, "grep", "-E", "^Cap(Prm|Eff|Amb)", "/proc/self/status")
		for _, f := range []string{"CapPrm", "CapEff", "CapAmb"} {
			if got := statusField(t, out, f); got != bcNoCaps {
				t.Errorf("%s: got %s, want %s", f, got, bcNoCaps)
			}
		}
	})

	t.Run("added capability binds port 80, every run", func(t *testing.T) {
		script := `grep -E "^Cap(Prm|Eff|Amb)" /proc/self/status
			nc -l -p 80 >/dev/null & i=0
			while [ $i -lt 100 ]; do
				if netstat -ltn | grep -q ":80 "; then echo bound; kill $!; exit 0; fi
				usleep 10000; i=$((i+1))
			done
			echo not-bound`
		var first string
		for i := 0; i < 20; i++ {
			out := runOK(t, "run", "--user", "1000", "--drop-all", "--cap-add", "NET_BIND_SERVICE", rootfs, "sh", "-c", script)
			if i == 0 {
				first = out
				for _, f := range []string{"CapPrm", "CapEff", "CapAmb"} {
					if got := statusField(t, out, f); got != "0000000000000400" {
						t.Errorf("%s: got %s, want 0000000000000400", f, got)
					}
				}
				if !strings.HasSuffix(out, "bound\n") || strings.HasSuffix(out, "not-bound\n") {
					t.Errorf("want the listener bound on port 80, got:\n%s", out)
				}
			} else if out != first {
				t.Fatalf("run %d differs from run 0:\n%s\nvs\n%s", i, out, first)
			}
		}
	})
}

// --- B12 -------------------------------------------------------------------

// bcUserNSStart is the host id that --userns maps container id 0 to: the
// first range of 65536 in file for root, or 1000000.
func bcUserNSStart(t *testing.T, file string) int {
	t.Helper()
	data, _ := os.ReadFile(file)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(strings.TrimSpace(line), ":")
		if len(f) != 3 || (f[0] != "root" && f[0] != "0") {
			continue
		}
		start, err1 := strconv.Atoi(f[1])
		count, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil && count >= 65536 {
			return start
		}
	}
	return 1000000
}

// TestB12UserNamespaceMapping: with --userns, container root is an
// unprivileged host id, which is what the host sees on processes and files;
// an unmapped uid is refused up front.
func TestB12UserNamespaceMapping(t *testing.T) {
	env(t)
	uid0, gid0 := bcUserNSStart(t, "/etc/subuid"), bcUserNSStart(t, "/etc/subgid")
	// The mapped root must reach the rootfs through every directory above it.
	dir := bcDir(t, 0o755)
	r := bcCopyRootfs(t, filepath.Join(dir, "r"))
	vol := filepath.Join(dir, "vol")
	bcMkdir(t, vol)
	if err := os.Chmod(vol, 0o777); err != nil {
		t.Fatal(err)
	}

	t.Run("maps, identity and file owners", func(t *testing.T) {
		out := runOK(t, "run", "--userns", "-v", vol+":/vol", r, "sh", "-c",
			"cat /proc/self/uid_map /proc/self/gid_map; id; touch /vol/f; ls -lnd /bin /etc")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 {
			t.Fatalf("want 5 lines (two maps, id, two ls lines), got:\n%s", out)
		}
		for i, want := range []string{fmt.Sprintf("0 %d 65536", uid0), fmt.Sprintf("0 %d 65536", gid0)} {
			if got := strings.Join(strings.Fields(lines[i]), " "); got != want {
				t.Errorf("map line %d: got %q, want %q", i+1, got, want)
			}
		}
		if !strings.HasPrefix(lines[2], "uid=0(root) gid=0(root)") {
			t.Errorf("id: got %q, want uid=0(root) gid=0(root)", lines[2])
		}
		// Our design maps ids and does not shift the image: files owned by
		// host root are outside the mapping and show as the overflow id.
		for _, l := range lines[3:] {
			if f := strings.Fields(l); len(f) < 4 || f[2] != "65534" || f[3] != "65534" {
				t.Errorf("ls -ln: got %q, want host-root files owned by 65534:65534", l)
			}
		}
		var st syscall.Stat_t
		if err := syscall.Stat(filepath.Join(vol, "f"), &st); err != nil {
			t.Fatal(err)
		}
		if int(st.Uid) != uid0 || int(st.Gid) != gid0 {
			t.Errorf("host owner of the new file: got %d:%d, want %d:%d", st.Uid, st.Gid, uid0, gid0)
		}
	})

	t.Run("host sees PID 1 as the mapped uid", func(t *testing.T) {
		cmdline := "sleep " + bcMarker()
		p := bcStart(t, nil, append([]string{"run", "--userns", r}, strings.Fields(cmdline)...)...)
		pid := bcAwaitPid(t, cmdline)
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		for f, id := range map[string]int{"Uid": uid0, "Gid": gid0} {
			// real, effective, saved and filesystem ids
			want := strings.TrimSpace(strings.Repeat(strconv.Itoa(id)+" ", 4))
			if got := strings.Join(strings.Fields(statusField(t, string(status), f)), " "); got != want {
				t.Errorf("%s of PID 1 on the host: got %q, want %q", f, got, want)
			}
		}
		p.signal(t, syscall.SIGKILL)
		p.wait(t, 5*time.Second)
		bcGone(t, cmdline, 2*time.Second)
	})

	// Supplementary groups need setgroups(2), which the map writes must
	// leave allowed when root of the host creates the namespace.
	t.Run("user and groups inside the mapping", func(t *testing.T) {
		const want = "uid=1000(user) gid=1000(user) groups=100(users)\n"
		if got := runOK(t, "run", "--userns", "--user", "1000", r, "id"); got != want {
			t.Errorf("id: got %q, want %q", got, want)
		}
	})

	t.Run("unmapped uid is refused up front", func(t *testing.T) {
		bcFails(t, 125, []string{"uid 70000 is not mapped in the user namespace (0-65535)"},
			"run", "--userns", "--user", "70000", r, "touch", "/tmp/ran")
		bcAbsent(t, filepath.Join(r, "tmp/ran"), "the workload must not start")
	})

	// inspect printing both sides of the mapping: TestInspectBugCases.
}

// --- B13 -------------------------------------------------------------------

// bcPlantProbe copies the test binary into the rootfs as name with mode.
func bcPlantProbe(t *testing.T, r, name string, mode os.FileMode) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("test binary %s is dynamically linked: it must be static to run in the busybox rootfs", self)
		}
	}
	f.Close()
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(r, name)
	bcWriteFile(t, dst, string(data), mode)
	return dst
}

// bcSetFileCaps gives a file the permitted capabilities in mask, without
// the effective bit (security.capability, VFS_CAP_REVISION_2): a process
// that cannot get them still runs, and shows what it got.
func bcSetFileCaps(t *testing.T, file string, mask uint32) {
	t.Helper()
	data := make([]byte, 20)
	binary.LittleEndian.PutUint32(data[0:], 0x02000000)
	binary.LittleEndian.PutUint32(data[4:], mask)
	if err := syscall.Setxattr(file, "security.capability", data, 0); err != nil {
		t.Fatalf("set file capabilities on %s: %v", file, err)
	}
}

// bcProbe runs the probe in a container and returns euid, CapPrm, CapEff.
func bcProbe(t *testing.T, args ...string) (euid, prm, eff string) {
	t.Helper()
	out := runOK(t, append([]string{"run", "-e", "BC_PROBE=ids"}, args...)...)
	return bcKV(out)["euid"], statusField(t, out, "CapPrm"), statusField(t, out, "CapEff")
}

// TestB23NoNewPrivs: no_new_privs is on by default, so a setuid-root or
// file-capability program gives a non-root user nothing; with the opt-out,
// what it gains stays inside the bounding set.
func TestB23NoNewPrivs(t *testing.T) {
	env(t)
	r := privateRootfs(t)
	bcPlantProbe(t, r, "suid", os.ModeSetuid|0o755)
	fcap := bcPlantProbe(t, r, "fcap", 0o755)
	const netRaw = 1 << 13
	bcSetFileCaps(t, fcap, netRaw)

	t.Run("setuid root is inert", func(t *testing.T) {
		out := runOK(t, "run", "-e", "BC_PROBE=ids", "--user", "1000", r, "sh", "-c",
			"grep NoNewPrivs /proc/self/status; /suid")
		if got := statusField(t, out, "NoNewPrivs"); got != "1" {
			t.Errorf("NoNewPrivs: got %s, want 1", got)
		}
		if got := bcKV(out)["euid"]; got != "1000" {
			t.Errorf("euid of the setuid-root program: got %s, want 1000", got)
		}
	})

	t.Run("setuid root with drop-all", func(t *testing.T) {
		_, prm, eff := bcProbe(t, "--user", "1000", "--drop-all", r, "/suid")
		if prm != bcNoCaps || eff != bcNoCaps {
			t.Errorf("CapPrm %s, CapEff %s: want both %s", prm, eff, bcNoCaps)
		}
	})

	t.Run("file capabilities are inert", func(t *testing.T) {
		euid, prm, eff := bcProbe(t, "--user", "1000", r, "/fcap")
		if euid != "1000" || prm != bcNoCaps || eff != bcNoCaps {
			t.Errorf("euid %s, CapPrm %s, CapEff %s: want 1000 and no capabilities", euid, prm, eff)
		}
	})

	// The opt-out works as documented (setuid gives euid 0), but what the
	// program gains never exceeds the bounding set.
	t.Run("opt-out with drop-all gains nothing", func(t *testing.T) {
		euid, prm, eff := bcProbe(t, "--user", "1000", "--drop-all", "--allow-privilege-escalation", r, "/suid")
		if euid != "0" {
			t.Errorf("euid: got %s, want 0 (no_new_privs is off)", euid)
		}
		if prm != bcNoCaps || eff != bcNoCaps {
			t.Errorf("CapPrm %s, CapEff %s: want both %s (empty bounding set)", prm, eff, bcNoCaps)
		}
	})

	t.Run("opt-out stays inside the default set", func(t *testing.T) {
		euid, prm, eff := bcProbe(t, "--user", "1000", "--allow-privilege-escalation", r, "/suid")
		if euid != "0" || prm != bcDefaultCaps || eff != bcDefaultCaps {
			t.Errorf("euid %s, CapPrm %s, CapEff %s: want 0 and %s", euid, prm, eff, bcDefaultCaps)
		}
		euid, prm, _ = bcProbe(t, "--user", "1000", "--allow-privilege-escalation", r, "/fcap")
		if euid != "1000" || prm != fmt.Sprintf("%016x", netRaw) {
			t.Errorf("file capability NET_RAW: euid %s, CapPrm %s, want 1000 and %016x", euid, prm, netRaw)
		}
	})

	// inspect reporting no_new_privs: TestInspectBugCases.
}

// --- B24 -------------------------------------------------------------------

// TestB24Hostname: the hostname is set in the container's own UTS
// namespace, never the host's, and a bad one fails before anything starts.
func TestB24Hostname(t *testing.T) {
	_, rootfs := env(t)
	hostName, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	domain, err := os.ReadFile("/proc/sys/kernel/domainname")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("given hostname, the host's domain name", func(t *testing.T) {
		// A new UTS namespace starts as a copy of the host's, and sandbox
		// sets only the hostname.
		got := runOK(t, "run", "--hostname", "box", rootfs, "sh", "-c", "hostname; cat /proc/sys/kernel/domainname")
		if want := "box\n" + string(domain); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("default hostname", func(t *testing.T) {
		if got := runOK(t, "run", rootfs, "hostname"); got != "sandbox\n" {
			t.Errorf("got %q, want %q", got, "sandbox\n")
		}
	})

	t.Run("65 characters are refused up front", func(t *testing.T) {
		r := privateRootfs(t)
		bcFails(t, 125, []string{"hostname", "64"}, "run", "--hostname", strings.Repeat("a", 65), r, "touch", "/ran")
		bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
	})

	t.Run("container root cannot rename the host", func(t *testing.T) {
		runOK(t, "run", "--cap-add", "SYS_ADMIN", rootfs, "hostname", "bc-evil")
		if got, _ := os.Hostname(); got != hostName {
			t.Errorf("host hostname: got %q, want %q", got, hostName)
		}
	})

	// The OCI part (hostname without a uts namespace) is in the #3 list at the top.
}

// --- B25 -------------------------------------------------------------------

// TestB25CommandLookupEnv: the command, PATH, environment and HOME come
// from the container, never from the host.
func TestB25CommandLookupEnv(t *testing.T) {
	_, rootfs := env(t)
	const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

	t.Run("command found on the container's PATH", func(t *testing.T) {
		r := privateRootfs(t)
		bcWriteFile(t, filepath.Join(r, "usr/local/bin/hello"), "#!/bin/sh\necho hi\n", 0o755)
		if got := runOK(t, "run", r, "hello"); got != "hi\n" {
			t.Errorf("got %q, want %q", got, "hi\n")
		}
	})

	t.Run("host-only command is not found", func(t *testing.T) {
		bcFails(t, 127, []string{"apt-get", "not found", "$PATH of the container (" + defaultPath + ")"}, "run", rootfs, "apt-get")
	})

	t.Run("host environment does not leak", func(t *testing.T) {
		res := bcRun(t, bcOpts{env: []string{"SANDBOX_SECRET=x"}}, "run", rootfs, "env")
		got := strings.Fields(res.stdout)
		slices.Sort(got)
		want := []string{"HOME=/root", "HOSTNAME=sandbox", "PATH=" + defaultPath}
		if res.code != 0 || !slices.Equal(got, want) {
			t.Errorf("env: got exit %d and %v, want 0 and exactly %v", res.code, got, want)
		}
	})

	t.Run("HOME from the container's passwd", func(t *testing.T) {
		r := privateRootfs(t)
		bcWriteFile(t, filepath.Join(r, "etc/passwd"),
			"root:x:0:0:root:/var/roothome:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n", 0o644)
		for _, c := range []struct{ user, want string }{{"", "/var/roothome"}, {"1000", "/home/alice"}, {"4242", "/"}} {
			args := []string{"run", r, "sh", "-c", "echo $HOME"}
			if c.user != "" {
				args = append([]string{"run", "--user", c.user}, args[1:]...)
			}
			if got := runOK(t, args...); got != c.want+"\n" {
				t.Errorf("HOME for user %q: got %q, want %q", c.user, got, c.want+"\n")
			}
		}
	})
}

// TestB25AccountFileTypes: an image's /etc/passwd or /etc/group that is not
// a regular file is never opened for reading by the runtime, on the host or
// in the container: a FIFO must not hang the start, a device node must not
// be opened by host root, a link to stdin must not eat the workload's input.
// A line longer than 64 KiB is just a long line.
func TestB25AccountFileTypes(t *testing.T) {
	env(t)
	for _, tc := range []struct {
		name, file string
		plant      func(t *testing.T, p string)
		want       string
	}{
		{"passwd is a FIFO", "etc/passwd", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "/etc/passwd is a FIFO"},
		{"group is a device node", "etc/group", func(t *testing.T, p string) {
			if err := syscall.Mknod(p, syscall.S_IFCHR|0o644, 1<<8|3); err != nil { // 1:3, /dev/null
				t.Fatal(err)
			}
		}, "/etc/group is a character device"},
		{"passwd is a directory", "etc/passwd", func(t *testing.T, p string) { bcMkdir(t, p) },
			"/etc/passwd is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := privateRootfs(t)
			p := filepath.Join(r, tc.file)
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			tc.plant(t, p)
			bin, _ := env(t)
			res := bcExec(t, bcOpts{timeout: 20 * time.Second}, bin, "run", r, "touch", "/ran")
			if res.code != 125 || strings.Count(res.stderr, "\n") != 1 ||
				!strings.Contains(res.stderr, "rootfs "+r) || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want 125 and one line naming the rootfs and %q", res.code, res.stderr, tc.want)
			}
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
		})
	}

	// Links that lead nowhere in the image's own tree on the host, but to
	// the container's stdin and /dev/zero once it runs: HOME falls back to /.
	for _, target := range []string{"/proc/self/fd/0", "/dev/zero"} {
		t.Run("passwd links to "+target, func(t *testing.T) {
			r := privateRootfs(t)
			p := filepath.Join(r, "etc/passwd")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			bcSymlink(t, target, p)
			bin, _ := env(t)
			res := bcExec(t, bcOpts{stdin: strings.NewReader("for the workload\n"), timeout: 20 * time.Second},
				bin, "run", r, "sh", "-c", "echo HOME=$HOME; cat")
			if res.code != 0 || res.stdout != "HOME=/\nfor the workload\n" {
				t.Errorf("got exit %d, stdout %q, stderr %q; want HOME=/ and all of stdin", res.code, res.stdout, res.stderr)
			}
		})
	}

	t.Run("a line longer than 64 KiB", func(t *testing.T) {
		r := privateRootfs(t)
		members := strings.TrimSuffix(strings.Repeat("member,", 20<<10), ",")
		f, err := os.OpenFile(filepath.Join(r, "etc/group"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString("big:x:4000:" + members + ",user\n")
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := runOK(t, "run", r, "id", "-u"); got != "0\n" {
			t.Errorf("id -u: got %q, want 0", got)
		}
		if got := runOK(t, "run", "--user", "user", r, "id", "-G"); got != "1000 100 4000\n" {
			t.Errorf("id -G for user: got %q, want 1000 100 4000 (the long line's group included)", got)
		}
	})
}

// --- B26 -------------------------------------------------------------------
