package integration

// Bug cases: mount destinations, /proc and /sys, devices, propagation, rootfs paths.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestB03MountDestinationSymlink: a -v destination that is, or becomes, a
// symlink must be resolved inside the rootfs (CVE-2021-30465,
// CVE-2024-45310); the host paths the symlinks name gain nothing.
func TestB03MountDestinationSymlink(t *testing.T) {
	env(t)
	// 0755: with --userns the mapped root must reach the rootfs and volumes.
	dir := bcDir(t, 0o755)
	src, victim, created := filepath.Join(dir, "src"), filepath.Join(dir, "victim"), filepath.Join(dir, "created")
	bcMkdir(t, src, victim)
	bcWriteFile(t, filepath.Join(src, "f"), "hostdata\n", 0o644)
	// plant makes a rootfs copy with the case's three symlinks.
	plant := func(name string) string {
		r := bcCopyRootfs(t, filepath.Join(dir, name))
		climb := strings.Repeat("../", strings.Count(r, "/")+3)
		bcSymlink(t, "/etc", filepath.Join(r, "abs"))
		bcSymlink(t, climb+strings.TrimPrefix(victim, "/"), filepath.Join(r, "rel"))
		bcSymlink(t, created, filepath.Join(r, "etc/resolv.conf"))
		return r
	}
	r := plant("r")

	t.Run("absolute symlink", func(t *testing.T) {
		// /abs -> /etc inside the rootfs is the rootfs's /etc.
		if got := runOK(t, "run", "-v", src+":/abs", r, "ls", "/etc"); got != "f\n" {
			t.Errorf("ls /etc: got %q, want %q (the volume bound on the rootfs's /etc)", got, "f\n")
		}
	})

	t.Run("climbing relative symlink", func(t *testing.T) {
		if got := runOK(t, "run", "-v", src+":/rel", r, "ls", "/rel"); got != "f\n" {
			t.Errorf("ls /rel: got %q, want %q", got, "f\n")
		}
		if got := bcEntries(t, victim); len(got) != 0 {
			t.Errorf("host %s gained entries %v", victim, got)
		}
		if fi, err := os.Stat(filepath.Join(r, victim)); err != nil || !fi.IsDir() {
			t.Errorf("want the mountpoint created inside the rootfs at %s: %v", filepath.Join(r, victim), err)
		}
	})

	t.Run("file mountpoint is a symlink", func(t *testing.T) {
		got := runOK(t, "run", "-v", filepath.Join(src, "f")+":/etc/resolv.conf", r, "cat", "/etc/resolv.conf")
		if got != "hostdata\n" {
			t.Errorf("cat /etc/resolv.conf: got %q, want %q", got, "hostdata\n")
		}
		bcAbsent(t, created, "the mountpoint must be created inside the rootfs")
		if fi, err := os.Lstat(filepath.Join(r, created)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("want a file mountpoint inside the rootfs at %s: %v", filepath.Join(r, created), err)
		}
	})

	// With a user namespace the parent creates the mountpoints from the
	// host, outside the container's mount namespace: the same symlinks must
	// still be followed inside the rootfs.
	t.Run("mountpoints created from the host for --userns", func(t *testing.T) {
		ru := plant("ru")
		got := runOK(t, "run", "--userns", "-v", src+":/rel", "-v", filepath.Join(src, "f")+":/etc/resolv.conf",
			ru, "sh", "-c", "ls /rel; cat /etc/resolv.conf")
		if got != "f\nhostdata\n" {
			t.Errorf("got %q, want %q", got, "f\nhostdata\n")
		}
		if got := bcEntries(t, victim); len(got) != 0 {
			t.Errorf("host %s gained entries %v", victim, got)
		}
		bcAbsent(t, created, "the mountpoint must be created inside the rootfs")
		if fi, err := os.Stat(filepath.Join(ru, victim)); err != nil || !fi.IsDir() {
			t.Errorf("want the mountpoint created inside the rootfs at %s: %v", filepath.Join(ru, victim), err)
		}
	})

	t.Run("race with a second container", func(t *testing.T) {
		bcRaceDestination(t, dir)
	})
}

// bcRaceDestination is B03's race: container A swaps /shared/d between a
// directory and symlinks to host paths while container B is started again
// and again with a volume on /shared/d. The case puts its marker file in the
// host's /; ours lives in a host directory that A's symlinks name, so the
// test writes nothing outside its scratch directory.
func bcRaceDestination(t *testing.T, dir string) {
	shared, x, hostDir := filepath.Join(dir, "shared"), filepath.Join(dir, "x"), filepath.Join(dir, "hostdir")
	bcMkdir(t, shared, x, hostDir)
	bcWriteFile(t, filepath.Join(x, "x-file"), "", 0o644)
	marker := "bc-host-marker-" + bcMarker()
	bcWriteFile(t, filepath.Join(hostDir, marker), "", 0o644)
	rA := bcCopyRootfs(t, filepath.Join(dir, "rA"))
	rB := bcCopyRootfs(t, filepath.Join(dir, "rB"))

	tag := "bc-race-" + bcMarker()
	script := fmt.Sprintf(`: %s; while :; do
		mkdir /shared/d; rm -rf /shared/d
		ln -s / /shared/d; rm -f /shared/d
		ln -s %s /shared/d; rm -f /shared/d
		ln -s %s/new /shared/d; rm -f /shared/d
	done 2>/dev/null`, tag, hostDir, hostDir)
	a := bcStart(t, nil, "run", "-v", shared+":/shared", rA, "sh", "-c", script)

	outcomes := map[string]int{}
	var refusals []string
	start := time.Now()
	for i := 0; i < 100 && time.Since(start) < 4*time.Second; i++ {
		res := sandbox(t, "", "run", "-v", shared+":/shared", "-v", x+":/shared/d", rB, "ls", "/shared/d")
		if strings.Contains(res.stdout+res.stderr, marker) {
			t.Errorf("run %d: container B saw the host's marker file:\n%s%s", i, res.stdout, res.stderr)
		}
		outcomes[fmt.Sprintf("exit %d", res.code)]++
		if res.code == 125 && len(refusals) < 5 && !slices.Contains(refusals, res.stderr) {
			refusals = append(refusals, res.stderr)
		}
	}
	t.Logf("container B outcomes: %v; some refusals: %q", outcomes, refusals)

	if !a.running() {
		t.Errorf("container A stopped before the race ended: exit %d", a.wait(t, time.Second))
	}
	a.signal(t, syscall.SIGKILL)
	a.wait(t, 5*time.Second)
	noProcess(t, tag)
	if got := bcEntries(t, hostDir); !slices.Equal(got, []string{marker}) {
		t.Errorf("host %s: got entries %v, want only %s", hostDir, got, marker)
	}
}

// --- B05 -------------------------------------------------------------------

// TestB05ProcSysIntegrity: a /proc or /sys that is a symlink, or a volume
// over /proc, is refused before the workload starts (CVE-2019-16884,
// CVE-2019-19921, CVE-2023-27561).
func TestB05ProcSysIntegrity(t *testing.T) {
	env(t)
	for _, d := range []string{"/proc", "/sys"} {
		t.Run(d+" is a symlink", func(t *testing.T) {
			r := privateRootfs(t)
			if err := os.RemoveAll(filepath.Join(r, d)); err != nil {
				t.Fatal(err)
			}
			bcMkdir(t, filepath.Join(r, "bad"))
			bcSymlink(t, "/bad", filepath.Join(r, d))
			bcFails(t, 125, []string{d, "symlink"}, "run", r, "touch", "/ran")
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
		})
	}

	fake := filepath.Join(t.TempDir(), "fakeproc")
	bcMkdir(t, filepath.Join(fake, "self/attr"))
	for _, dst := range []string{"/proc", "/proc/sys", "/sys"} {
		t.Run("volume on "+dst, func(t *testing.T) {
			r := privateRootfs(t)
			bcFails(t, 125, []string{dst, "reserved"}, "run", "-v", fake+":"+dst, r, "touch", "/ran")
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
			if got := bcEntries(t, fake); !slices.Equal(got, []string{"self"}) {
				t.Errorf("fake procfs gained entries: %v", got)
			}
		})
	}

	// The same volumes reached through a symlink in the image: the check
	// must apply where the destination resolves, not to the path as
	// written (CVE-2019-19921).
	corePattern := filepath.Join(t.TempDir(), "core_pattern")
	bcWriteFile(t, corePattern, "|/bc/fake-handler\n", 0o644)
	for _, tc := range []struct{ name, link, target, src, dst, want string }{
		{"core_pattern through /lnk", "lnk", "/proc/sys/kernel", corePattern, "/lnk/core_pattern",
			"/proc/sys/kernel/core_pattern is reserved"},
		{"/proc through /lnk", "lnk", "/proc", fake, "/lnk", "/proc is reserved"},
		{"/sys through a relative /lnk", "lnk", "sys", fake, "/lnk", "/sys is reserved"},
	} {
		t.Run("volume on "+tc.name, func(t *testing.T) {
			r := privateRootfs(t)
			bcSymlink(t, tc.target, filepath.Join(r, tc.link))
			bcFails(t, 125, []string{tc.dst, tc.want}, "run", "-v", tc.src+":"+tc.dst, r, "touch", "/ran")
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
			if got := bcEntries(t, fake); !slices.Equal(got, []string{"self"}) {
				t.Errorf("fake procfs gained entries: %v", got)
			}
		})
	}

	// The one exception the design allows: lxcfs-style files over /proc.
	t.Run("lxcfs file on /proc/cpuinfo", func(t *testing.T) {
		info := filepath.Join(t.TempDir(), "cpuinfo")
		bcWriteFile(t, info, "processor : bc\n", 0o644)
		got := runOK(t, "run", "-v", info+":/proc/cpuinfo:ro", privateRootfs(t), "cat", "/proc/cpuinfo")
		if got != "processor : bc\n" {
			t.Errorf("cat /proc/cpuinfo: got %q, want the bound file", got)
		}
	})
}

// B06 (a process joining the container with `exec` can be ptraced or holds
// host descriptors) needs the OCI exec command: see the #3 list at the top.

// --- B09 -------------------------------------------------------------------

// bcMasked is runc's list of masked paths, which our design uses.
var bcMasked = []string{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap"}

// TestB17ProcSysMasking: with the default capabilities, container root can
// neither write host-wide kernel knobs nor read the masked paths.
func TestB17ProcSysMasking(t *testing.T) {
	_, rootfs := env(t)
	corePattern, err := os.ReadFile("/proc/sys/kernel/core_pattern")
	if err != nil {
		t.Fatal(err)
	}
	sysrqBefore := bcSysrqLogLines(t)

	t.Run("writes to sysrq-trigger and core_pattern fail", func(t *testing.T) {
		out := runOK(t, "run", rootfs, "sh", "-c", `echo h > /proc/sysrq-trigger; echo w1=$?
			cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern; echo w2=$?`)
		kv := bcKV(out)
		for _, k := range []string{"w1", "w2"} {
			if v, ok := kv[k]; !ok || v == "0" {
				t.Errorf("%s: got %q, want a non-zero status (EROFS or EACCES)", k, v)
			}
		}
		if got, _ := os.ReadFile("/proc/sys/kernel/core_pattern"); !bytes.Equal(got, corePattern) {
			t.Errorf("host core_pattern changed: got %q, want %q", got, corePattern)
		}
		if after := bcSysrqLogLines(t); after != sysrqBefore {
			t.Errorf("the kernel log gained sysrq lines: %d before, %d after", sysrqBefore, after)
		}
	})

	t.Run("masked paths read empty", func(t *testing.T) {
		script := ""
		for _, p := range bcMasked {
			script += fmt.Sprintf(`if [ -d %[1]s ]; then echo "%[1]s=$(ls -A %[1]s | wc -l)"
				elif [ -e %[1]s ]; then echo "%[1]s=$(cat %[1]s | wc -c)"; else echo %[1]s=absent; fi
				`, p)
		}
		kv := bcKV(runOK(t, "run", rootfs, "sh", "-c", script))
		for _, p := range bcMasked {
			if v := kv[p]; v != "0" && v != "absent" {
				t.Errorf("%s: got %q entries or bytes, want 0", p, v)
			}
		}
		// Not vacuous: this host has a /sys/firmware with entries.
		if _, err := os.Stat("/sys/firmware"); err == nil && kv["/sys/firmware"] != "0" {
			t.Errorf("/sys/firmware: got %q, want it present and empty, as it exists on the host", kv["/sys/firmware"])
		}
	})

	t.Run("sys and read-only paths are mounted ro", func(t *testing.T) {
		out := runOK(t, "run", rootfs, "sh", "-c", `for p in /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
			[ -e $p ] && echo "exists $p"; done; cat /proc/mounts`)
		want := []string{"/sys", "/proc/sys"}
		for _, line := range strings.Split(out, "\n") {
			if p, ok := strings.CutPrefix(line, "exists "); ok {
				want = append(want, p)
			}
		}
		ro := map[string]bool{}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 4 && !strings.HasPrefix(line, "exists ") {
				ro[f[1]] = slices.Contains(strings.Split(f[3], ","), "ro")
			}
		}
		for _, p := range want {
			if v, ok := ro[p]; !ok || !v {
				t.Errorf("%s: want a read-only mount there (present %v, ro %v)", p, ok, v)
			}
		}
	})

	// inspect listing the masked and read-only paths: TestInspectBugCases.
}

// bcSysrqLogLines counts the kernel log's sysrq lines, or returns -1 where
// this kernel has no /proc/sysrq-trigger for a container to write.
func bcSysrqLogLines(t *testing.T) int {
	t.Helper()
	if _, err := os.Stat("/proc/sysrq-trigger"); err != nil {
		return -1
	}
	out, err := exec.Command("dmesg").Output()
	if err != nil {
		t.Fatalf("dmesg: %v", err)
	}
	return strings.Count(strings.ToLower(string(out)), "sysrq")
}

// --- B18 -------------------------------------------------------------------

// bcDevSet is what the container's /dev holds without a terminal.
var bcDevSet = []string{"fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm",
	"stderr", "stdin", "stdout", "tty", "urandom", "zero"}

// TestB18DeviceNodes: /dev holds only the standard nodes, and a node for the
// host's disk, made with mknod or shipped in the image, cannot be opened.
// The case's cgroup part (device rules) is covered by our design: every
// mount the container can write is nodev, so open(2) fails with EACCES.
func TestB18DeviceNodes(t *testing.T) {
	_, rootfs := env(t)
	var st syscall.Stat_t
	if err := syscall.Stat("/", &st); err != nil {
		t.Fatal(err)
	}
	// The host's root filesystem device, decoded as glibc's major(3) does.
	major := (st.Dev>>8)&0xfff | (st.Dev>>32)&^0xfff
	minor := st.Dev&0xff | (st.Dev>>12)&^0xff

	t.Run("dev holds the standard nodes only", func(t *testing.T) {
		got := strings.Fields(runOK(t, "run", rootfs, "ls", "-A", "/dev"))
		if !slices.Equal(got, bcDevSet) {
			t.Errorf("/dev: got %v, want %v", got, bcDevSet)
		}
	})

	t.Run("a terminal adds console", func(t *testing.T) {
		got := strings.Fields(strings.ReplaceAll(runOK(t, "run", "-t", rootfs, "ls", "-A1", "/dev"), "\r", ""))
		want := append([]string{"console"}, bcDevSet...)
		if !slices.Equal(got, want) {
			t.Errorf("/dev with -t: got %v, want %v", got, want)
		}
	})

	t.Run("mknod of the host disk cannot be opened", func(t *testing.T) {
		r := privateRootfs(t)
		vol := t.TempDir() // 0700: the node made here is on the host's disk
		dirs := []string{"/tmp", "/dev", "/dev/shm", "/vol", "/scratch"}
		script := "umask 077\n"
		for _, d := range dirs {
			script += fmt.Sprintf(`mknod %[1]s/disk b %[2]d %[3]d; echo "%[1]s:mknod=$?"
				echo "%[1]s:read=$(head -c 512 %[1]s/disk 2>/dev/null | wc -c)"
				echo "%[1]s:err=$(head -c 512 %[1]s/disk 2>&1 >/dev/null)"
				`, d, major, minor)
		}
		kv := bcKV(runOK(t, "run", "-v", vol+":/vol", "--tmpfs", "/scratch", r, "sh", "-c", script))
		for _, d := range dirs {
			// CAP_MKNOD is in the default set, so the node is made...
			if got := kv[d+":mknod"]; got != "0" {
				t.Errorf("%s: mknod status %q, want 0 (CAP_MKNOD is a default capability)", d, got)
			}
			// ...but nodev makes it useless.
			if got := kv[d+":read"]; got != "0" {
				t.Errorf("%s: read %q bytes of the host's disk, want 0", d, got)
			}
			if got := kv[d+":err"]; !bcDenied(got) {
				t.Errorf("%s: open error %q, want EACCES or EPERM", d, got)
			}
		}
	})

	t.Run("node shipped in the image cannot be opened", func(t *testing.T) {
		r := privateRootfs(t)
		node := filepath.Join(r, "hostdisk")
		// mknod(2) takes the kernel's encoding: minor's low byte, major, then
		// the rest of minor.
		dev := minor&0xff | major<<8 | (minor&^0xff)<<12
		if err := syscall.Mknod(node, syscall.S_IFBLK|0o600, int(dev)); err != nil {
			t.Fatal(err)
		}
		kv := bcKV(runOK(t, "run", r, "sh", "-c", `echo "read=$(head -c 512 /hostdisk 2>/dev/null | wc -c)"
			echo "err=$(head -c 512 /hostdisk 2>&1 >/dev/null)"`))
		if kv["read"] != "0" {
			t.Errorf("read %q bytes of the host's disk, want 0", kv["read"])
		}
		if !bcDenied(kv["err"]) {
			t.Errorf("open error %q, want EACCES or EPERM", kv["err"])
		}
	})
}

// TestB18VolumeOnDev: a volume cannot take the place of /dev or of an entry
// the runtime makes there, as written or through an image symlink, so none
// of the nodes and links the runtime writes while it builds /dev lands in
// a host directory. A name of the user's own under /dev is fine.
func TestB18VolumeOnDev(t *testing.T) {
	env(t)
	r := privateRootfs(t)
	bcSymlink(t, "/dev", filepath.Join(r, "lnk"))
	for _, tc := range []struct {
		name  string
		flags []string
		dst   string
		want  string
	}{
		{"/dev", nil, "/dev", "/dev is built by sandbox itself"},
		{"/dev through /lnk", nil, "/lnk", "/dev is built by sandbox itself"},
		{"/dev through /lnk, with a terminal", []string{"-t"}, "/lnk", "/dev is built by sandbox itself"},
		{"/dev/pts", nil, "/dev/pts", "/dev/pts is set up by sandbox itself"},
		{"/dev/null through /lnk", nil, "/lnk/null", "/dev/null is set up by sandbox itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := t.TempDir()
			args := append(append([]string{"run"}, tc.flags...), "-v", host+":"+tc.dst, r, "touch", "/ran")
			bcFails(t, 125, []string{tc.dst, tc.want}, args...)
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
			if got := bcEntries(t, host); len(got) != 0 {
				t.Errorf("host directory %s: got entries %v, want none", host, got)
			}
		})
	}

	t.Run("a name of one's own under /dev", func(t *testing.T) {
		host := t.TempDir()
		bcWriteFile(t, filepath.Join(host, "f"), "mine\n", 0o644)
		if got := runOK(t, "run", "-v", host+":/dev/data", r, "cat", "/dev/data/f"); got != "mine\n" {
			t.Errorf("cat /dev/data/f: got %q, want the volume's file", got)
		}
		if got := bcEntries(t, host); !slices.Equal(got, []string{"f"}) {
			t.Errorf("host directory %s: got entries %v, want only f", host, got)
		}
	})
}

// TestB18TmpfsOptions: --tmpfs takes only options that keep a tmpfs nodev
// and nosuid and a new filesystem; the refusal names the option, before
// anything is created, and a value the kernel refuses is named too.
func TestB18TmpfsOptions(t *testing.T) {
	env(t)
	dir := bcDir(t, 0o755) // --userns needs a rootfs that its root can reach
	r := bcCopyRootfs(t, filepath.Join(dir, "r"))

	t.Run("exec is allowed, nodev stays", func(t *testing.T) {
		out := runOK(t, "run", "--tmpfs", "/exec:exec,size=1m", r, "sh", "-c",
			`echo "opts=$(grep ' /exec ' /proc/self/mountinfo | cut -d' ' -f6)"
			mknod /exec/null c 1 3; echo "write=$( (echo x > /exec/null) 2>&1)"`)
		kv := bcKV(out)
		if o := kv["opts"]; !strings.Contains(o, "nodev") || !strings.Contains(o, "nosuid") || strings.Contains(o, "noexec") {
			t.Errorf("mount options of /exec: got %q, want nodev and nosuid, without noexec", o)
		}
		if !bcDenied(kv["write"]) {
			t.Errorf("writing a node made on the tmpfs: got %q, want EACCES or EPERM", kv["write"])
		}
	})

	for _, tc := range []struct{ opts, want string }{
		{"dev", "option dev is refused"},
		{"size=1m,dev", "option dev is refused"},
		{"suid", "option suid is refused"},
		{"bind", "option bind is refused"},
		{"rbind", "option rbind is refused"},
		{"remount", "option remount is refused"},
		{"rshared", "option rshared is not accepted"},
		{"size=abc", "option size=abc"},
		{"mode=9", "option mode=9"},
	} {
		t.Run("refuses "+tc.opts, func(t *testing.T) {
			bcFails(t, 125, []string{"--tmpfs /scratch:" + tc.opts, tc.want},
				"run", "--tmpfs", "/scratch:"+tc.opts, r, "touch", "/ran")
			bcAbsent(t, filepath.Join(r, "scratch"), "no mountpoint for a refused tmpfs")
			bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
		})
	}

	t.Run("refuses /dev", func(t *testing.T) {
		bcFails(t, 125, []string{"--tmpfs /dev", "/dev is built by sandbox itself"},
			"run", "-t", "--tmpfs", "/dev", r, "touch", "/ran")
		bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
	})

	t.Run("a value the kernel refuses is named", func(t *testing.T) {
		// uid 70000 passes our check, but is not mapped in the namespace.
		bcFails(t, 125, []string{"mount tmpfs on /scratch", "uid=70000", "invalid argument"},
			"run", "--userns", "--tmpfs", "/scratch:uid=70000", r, "touch", "/ran")
		if err := os.Remove(filepath.Join(r, "scratch")); err != nil {
			t.Errorf("the mountpoint made for the refused tmpfs: %v", err)
		}
		bcAbsent(t, filepath.Join(r, "ran"), "the workload must not start")
	})
}

// bcDenied reports whether a shell's error says EACCES or EPERM.
func bcDenied(msg string) bool {
	return strings.Contains(msg, "Permission denied") || strings.Contains(msg, "not permitted")
}

// --- B19 -------------------------------------------------------------------

// TestB19MountPropagation: with the caller's / rshared, no container mount
// reaches the caller, during or after the run, and a failed start leaves
// nothing either. The caller is a private mount namespace of the test, made
// rshared there, so the host's propagation is never changed.
func TestB19MountPropagation(t *testing.T) {
	bin, _ := env(t)
	dir := bcDir(t, 0o700)
	r := bcCopyRootfs(t, filepath.Join(dir, "r"))
	bcMkdir(t, filepath.Join(r, "mnt"), filepath.Join(dir, "sync"), filepath.Join(dir, "v"),
		filepath.Join(dir, "control"))
	for _, f := range []string{"up", "down"} {
		if err := syscall.Mkfifo(filepath.Join(dir, "sync", f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	script := `bin=$1 r=$2 d=$3
		mount --make-rshared / || exit 1
		# Control: a mount made in a copy of this namespace shows up here.
		unshare --mount --propagation unchanged mount -t tmpfs bc-control "$d/control"
		if grep -q " $d/control " /proc/self/mountinfo; then echo control=propagates; umount "$d/control"; fi
		cat /proc/self/mountinfo > "$d/before"
		"$bin" run --cap-add SYS_ADMIN -v "$d/sync:/sync" "$r" sh -c \
			'mount -t tmpfs bc-t1 /mnt && touch /mnt/y && echo up > /sync/up && cat /sync/down' &
		timeout 10 cat "$d/sync/up" >/dev/null
		cat /proc/self/mountinfo > "$d/during"
		timeout 10 sh -c 'echo go > "$1"' sh "$d/sync/down"
		wait $!; echo run1=$?
		"$bin" run --cap-add SYS_ADMIN -v "$d/v:/v" "$r" mount -t tmpfs bc-t2 /v; echo run2=$?
		"$bin" run -v "$d/v:/v" "$r" /nonexistent 2>/dev/null; echo run3=$?
		cat /proc/self/mountinfo > "$d/after"
		echo mnt=$(ls -A "$r/mnt" | wc -l)
		echo v=$(ls -A "$d/v" | wc -l)
		rm -rf "$r" && echo removed=yes`
	res := bcUnshare(t, script, bin, r, dir)
	kv := bcKV(res.stdout)
	want := map[string]string{"control": "propagates", "run1": "0", "run2": "0", "run3": "127",
		"mnt": "0", "v": "0", "removed": "yes"}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("%s: got %q, want %q (stdout:\n%sstderr:\n%s)", k, kv[k], v, res.stdout, res.stderr)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "before"))
	for _, f := range []string{"during", "after"} {
		got, _ := os.ReadFile(filepath.Join(dir, f))
		if len(before) == 0 || !bytes.Equal(got, before) {
			t.Errorf("caller's mount table %s the runs:\n%s\nbefore them:\n%s", f, got, before)
		}
	}
}

// --- B20 -------------------------------------------------------------------

// TestB26RootfsPaths: symlinked, relative, trailing-slash and spaced rootfs
// paths all reach the right directory; / and a regular file are refused.
func TestB26RootfsPaths(t *testing.T) {
	env(t)
	dir := bcDir(t, 0o700)
	// Each copy names itself in /which, so a run proves which one it used.
	copyAs := func(path string) string {
		bcCopyRootfs(t, path)
		bcWriteFile(t, filepath.Join(path, "which"), path+"\n", 0o644)
		return path
	}
	r := copyAs(filepath.Join(dir, "R"))
	real := copyAs(filepath.Join(dir, "real/r"))
	rel := copyAs(filepath.Join(dir, "a/r"))
	spaced := copyAs(filepath.Join(dir, "with space"))
	bcMkdir(t, filepath.Join(dir, "a/b"))
	bcSymlink(t, r, filepath.Join(dir, "rl"))
	bcSymlink(t, filepath.Join(dir, "real"), filepath.Join(dir, "lnk"))

	cases := []struct {
		name, cwd, arg, want string
	}{
		{"symlink to the rootfs", "", filepath.Join(dir, "rl"), r},
		{"symlinked parent", "", filepath.Join(dir, "lnk/r"), real},
		{"relative", dir, "R", r},
		{"trailing slash", dir, "R/", r},
		{"absolute from elsewhere", "/tmp", r, r},
		{"relative with ..", filepath.Join(dir, "a/b"), "../r", rel},
		{"space in the path", "", spaced, spaced},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := bcRun(t, bcOpts{dir: c.cwd}, "run", c.arg, "cat", "/which")
			if res.code != 0 || res.stdout != c.want+"\n" {
				t.Errorf("run %s from %q: got exit %d and %q, want 0 and %q (stderr: %s)",
					c.arg, c.cwd, res.code, res.stdout, c.want+"\n", res.stderr)
			}
		})
	}

	t.Run("host root is refused", func(t *testing.T) {
		bcFails(t, 125, []string{"rootfs /"}, "run", "/", "true")
	})

	t.Run("regular file is refused", func(t *testing.T) {
		file := filepath.Join(dir, "file")
		bcWriteFile(t, file, "", 0o644)
		bcFails(t, 125, []string{file, "not a directory"}, "run", file, "true")
	})
}

// --- B27 -------------------------------------------------------------------

// TestB27RootfsMounts: a rootfs on tmpfs, on a read-only mount, or below a
// shared mount runs with pivot_root, and a read-only one is never written.
func TestB27RootfsMounts(t *testing.T) {
	bin, _ := env(t)
	dir := bcDir(t, 0o700)

	t.Run("rootfs on tmpfs", func(t *testing.T) {
		m := filepath.Join(dir, "m")
		bcMkdir(t, m)
		bcMount(t, "bc-tmpfs", m, "tmpfs", 0, "size=64m")
		r := bcCopyRootfs(t, filepath.Join(m, "r"))
		if got := runOK(t, "run", r, "stat", "-f", "-c", "%T", "/"); got != "tmpfs\n" {
			t.Errorf("filesystem type of /: got %q, want %q", got, "tmpfs\n")
		}
	})

	r := bcCopyRootfs(t, filepath.Join(dir, "r"))
	ro := filepath.Join(dir, "ro")
	bcMkdir(t, ro)
	bcMount(t, r, ro, "", syscall.MS_BIND, "")
	if err := syscall.Mount("", ro, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount %s read-only: %v", ro, err)
	}

	t.Run("read-only rootfs is not written", func(t *testing.T) {
		before := bcTree(t, r)
		out := runOK(t, "run", "--read-only", ro, "sh", "-c",
			"touch /x 2>/dev/null; echo w=$?; touch /dev/shm/x; echo s=$?; touch /tmp/x 2>/dev/null; echo ok=yes")
		kv := bcKV(out)
		if kv["w"] == "" || kv["w"] == "0" {
			t.Errorf("touch /x: status %q, want non-zero", kv["w"])
		}
		if kv["s"] != "0" || kv["ok"] != "yes" {
			t.Errorf("want /dev/shm writable and the script to finish, got:\n%s", out)
		}
		if after := bcTree(t, r); after != before {
			t.Errorf("the read-only rootfs changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("missing mountpoint on a read-only rootfs", func(t *testing.T) {
		src := filepath.Join(dir, "src")
		bcMkdir(t, src)
		bcFails(t, 125, []string{"cannot create mountpoint /newdir: rootfs is read-only"},
			"run", "--read-only", "-v", src+":/newdir", ro, "true")
	})

	t.Run("under a shared mount", func(t *testing.T) {
		res := bcUnshare(t, `mount --make-rshared / || exit 1; "$1" run "$2" true; echo rc=$?`, bin, r)
		if got := bcKV(res.stdout)["rc"]; got != "0" {
			t.Errorf("run under an rshared /: got rc %q, want 0 (stdout %q, stderr %q)", got, res.stdout, res.stderr)
		}
	})
}

// --- B28 -------------------------------------------------------------------

// TestHostDeviceNodesUnchanged: the default device nodes and the masks are
// the host's own nodes, bound in read-only: container root can use them but
// cannot chown or chmod the host's /dev/null.
func TestHostDeviceNodesUnchanged(t *testing.T) {
	_, rootfs := env(t)
	var before syscall.Stat_t
	if err := syscall.Stat("/dev/null", &before); err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "run", rootfs, "sh", "-c", `for f in /dev/null /dev/zero /proc/keys; do
		chown 1:1 $f 2>/dev/null; echo "chown $f=$?"; chmod 000 $f 2>/dev/null; echo "chmod $f=$?"; done
		echo x > /dev/null && echo write=ok`)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "ch") && strings.HasSuffix(line, "=0") {
			t.Errorf("container root changed a host node: %s", line)
		}
	}
	if !strings.Contains(out, "write=ok") {
		t.Errorf("writing /dev/null failed:\n%s", out)
	}
	var after syscall.Stat_t
	if err := syscall.Stat("/dev/null", &after); err != nil {
		t.Fatal(err)
	}
	if after.Uid != before.Uid || after.Gid != before.Gid || after.Mode != before.Mode || after.Ctim != before.Ctim {
		t.Errorf("the host's /dev/null changed: %+v, was %+v", after, before)
	}
}
