package integration

import (
	"context"
	"math/bits"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// explainSteps are the names of the first column of --explain, each with
// the count of lines that carry it.
func explainSteps(stderr string) map[string]int {
	steps := map[string]int{}
	for _, line := range strings.Split(stderr, "\n") {
		if step, _, ok := strings.Cut(line, " "); ok {
			steps[step]++
		}
	}
	return steps
}

// lineIndex is the index of the first line of lines that starts with
// prefix, or -1.
func lineIndex(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// linesWith returns the lines of text that start with prefix.
func linesWith(text, prefix string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// TestExplainOrder checks that the steps come in the order the security
// argument needs, parent's and child's interleaved: clone, then the id
// maps, the cgroup, the mounts, pivot_root, the capability sets,
// no_new_privs, the filter, and execve last.
func TestExplainOrder(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", "--explain", "--userns", rootfs, "echo", "workload")
	if r.code != 0 || r.stdout != "workload\n" {
		t.Fatalf("got exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	order := []string{
		"clone ", "uid_map ", "gid_map ", "execve       /proc/self/", "cgroup ", "mount        proc on /proc",
		"pivot_root ", "umount2 ", "capbset ", "setresuid ", "capset ", "prctl        PR_SET_NO_NEW_PRIVS 1",
		"seccomp      SECCOMP_SET_MODE_FILTER", "execve       /bin/echo",
	}
	last := -1
	for _, prefix := range order {
		i := lineIndex(lines, prefix)
		if i < 0 {
			t.Fatalf("no line starting with %q in:\n%s", prefix, r.stderr)
		}
		if i <= last {
			t.Errorf("%q is line %d, want it after line %d (%q)", prefix, i, last, lines[last])
		}
		last = i
	}
	if last != len(lines)-1 {
		t.Errorf("the workload's execve is line %d of %d, want it last:\n%s", last, len(lines), r.stderr)
	}
	for _, l := range lines {
		if len(l) < 14 || l[0] == ' ' || l[12] != ' ' || l[13] == ' ' {
			t.Errorf("line %q: want a step name, then the text from column 14", l)
		}
	}
}

// TestExplainMatchesKernel compares what --explain says with what the
// kernel reports inside the container: the uid map, the bounding set and
// the effective set, and the mounts.
func TestExplainMatchesKernel(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", "--explain", "--userns", "--cap-drop", "ALL", "--cap-add", "NET_RAW", "--cap-add", "KILL",
		rootfs, "sh", "-c", "cat /proc/self/uid_map; grep ^Cap /proc/self/status; cat /proc/self/mountinfo")
	if r.code != 0 {
		t.Fatalf("got exit %d, stderr:\n%s", r.code, r.stderr)
	}

	uidMap := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0])
	maps := linesWith(r.stderr, "uid_map ")
	if len(maps) != 1 || strings.Join(strings.Fields(maps[0])[1:4], " ") != strings.Join(uidMap, " ") {
		t.Errorf("explain says %q, the kernel's uid_map is %q", maps, uidMap)
	}

	bnd := linesWith(r.stderr, "capbset ")
	if len(bnd) != 1 || !strings.HasSuffix(bnd[0], ": 2 KILL,NET_RAW") {
		t.Errorf("capbset: got %q, want the bounding set KILL,NET_RAW", bnd)
	}
	for _, field := range []string{"CapBnd", "CapEff"} {
		mask, err := strconv.ParseUint(statusField(t, r.stdout, field), 16, 64)
		if err != nil || bits.OnesCount64(mask) != 2 {
			t.Errorf("%s: got %s, want the 2 capabilities explain names", field, statusField(t, r.stdout, field))
		}
	}
	capset := linesWith(r.stderr, "capset ")
	if len(capset) != 1 || strings.Count(capset[0], "-> 2") != 2 || strings.Count(capset[0], "-> none") != 2 {
		t.Errorf("capset: got %q, want effective and permitted going to 2, the others to none", capset)
	}

	for _, m := range linesWith(r.stderr, "mount        ") {
		fields := strings.Fields(m)
		if len(fields) < 4 || fields[2] != "on" || fields[1] == "tmpfs" || strings.Contains(m, "MS_BIND") {
			continue // propagation, the masks' tmpfs, and the rootfs, which becomes /
		}
		if !strings.Contains(r.stdout, " "+fields[3]+" ") {
			t.Errorf("explain says %q, but mountinfo has nothing at %s", m, fields[3])
		}
	}
}

// TestExplainFollowsConfig checks that the lines come from what the code
// did with each config, not from a fixed script.
func TestExplainFollowsConfig(t *testing.T) {
	_, rootfs := env(t)
	base := sandbox(t, "", "run", "--explain", rootfs, "true")
	if base.code != 0 {
		t.Fatalf("got exit %d, stderr:\n%s", base.code, base.stderr)
	}
	for _, tc := range []struct {
		name      string
		flags     []string
		want      []string // lines that must be there, by prefix
		wantNot   []string // lines that the default run has and this one must not
		baseHas   []string // ...checked to be in the default run
		baseHasNo []string // lines the default run must not have
	}{
		{
			name: "userns", flags: []string{"--userns"},
			want:      []string{"uid_map      0 ", "gid_map      0 ", "setgroups    allow", "setuid       0"},
			baseHasNo: []string{"uid_map ", "gid_map ", "setuid "},
		},
		{
			name: "net host", flags: []string{"--net", "host"},
			wantNot: []string{"ioctl        SIOCSIFFLAGS lo IFF_UP"},
			baseHas: []string{"ioctl        SIOCSIFFLAGS lo IFF_UP"},
		},
		{
			name: "seccomp unconfined", flags: []string{"--seccomp", "unconfined"},
			want:    []string{"seccomp      - skipped: no filter (unconfined)"},
			wantNot: []string{"seccomp      SECCOMP_SET_MODE_FILTER"},
			baseHas: []string{"seccomp      SECCOMP_SET_MODE_FILTER"},
		},
		{
			name: "drop all", flags: []string{"--drop-all"},
			want:    []string{"capbset      drop ", "capset       eff "},
			baseHas: []string{"capbset      drop "},
		},
		{
			name: "read-only", flags: []string{"--read-only"},
			want:      []string{"setattr      " + rootfs + " +ro"},
			baseHasNo: []string{"setattr      " + rootfs + " +ro"},
		},
		{
			name: "allow privilege escalation", flags: []string{"--allow-privilege-escalation"},
			want:    []string{"prctl        - skipped: PR_SET_NO_NEW_PRIVS"},
			wantNot: []string{"prctl        PR_SET_NO_NEW_PRIVS 1"},
			baseHas: []string{"prctl        PR_SET_NO_NEW_PRIVS 1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"run", "--explain"}, tc.flags...), rootfs, "true")
			r := sandbox(t, "", args...)
			if r.code != 0 {
				t.Fatalf("got exit %d, stderr:\n%s", r.code, r.stderr)
			}
			check := func(text, prefix string, want bool, what string) {
				t.Helper()
				if got := len(linesWith(text, prefix)) > 0; got != want {
					t.Errorf("%s: line %q there: got %v, want %v:\n%s", what, prefix, got, want, text)
				}
			}
			for _, p := range tc.want {
				check(r.stderr, p, true, strings.Join(tc.flags, " "))
			}
			for _, p := range tc.wantNot {
				check(r.stderr, p, false, strings.Join(tc.flags, " "))
			}
			for _, p := range tc.baseHas {
				check(base.stderr, p, true, "default run")
			}
			for _, p := range tc.baseHasNo {
				check(base.stderr, p, false, "default run")
			}
		})
	}

	// The clone flags themselves.
	clone := func(r result) string { return strings.Join(linesWith(r.stderr, "clone "), "") }
	if c := clone(base); !strings.Contains(c, "CLONE_NEWNET") || strings.Contains(c, "CLONE_NEWUSER") {
		t.Errorf("default run: got %q, want CLONE_NEWNET and no CLONE_NEWUSER", c)
	}
	// The child makes its cgroup namespace itself, once in its cgroup: the
	// clone(2) line names only the flags that clone was given.
	if c := clone(base); strings.Contains(c, "CLONE_NEWCGROUP") ||
		len(linesWith(base.stderr, "unshare      CLONE_NEWCGROUP")) != 1 {
		t.Errorf("default run: got clone %q, want CLONE_NEWCGROUP only in the child's unshare line", c)
	}
	c := clone(sandbox(t, "", "run", "--explain", "--net", "host", "--userns", rootfs, "true"))
	if strings.Contains(c, "CLONE_NEWNET") || !strings.Contains(c, "CLONE_NEWUSER") {
		t.Errorf("--net host --userns: got %q, want CLONE_NEWUSER and no CLONE_NEWNET", c)
	}
	d := linesWith(sandbox(t, "", "run", "--explain", "--drop-all", rootfs, "true").stderr, "capset ")
	if len(d) != 1 || strings.Count(d[0], "-> none") != 4 {
		t.Errorf("--drop-all: got %q, want every set empty after", d)
	}
}

// TestExplainBeforeWorkload runs a workload that writes at once, with
// stdout and stderr on one pipe: every explain line must come before its
// first byte, every time.
func TestExplainBeforeWorkload(t *testing.T) {
	bin, rootfs := env(t)
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin, "run", "--explain", rootfs, "sh", "-c",
			"w=WORK; echo ${w}LOAD-OUT; echo ${w}LOAD-ERR >&2") // no marker in the execve line
		out, err := cmd.CombinedOutput() // one pipe for both
		cancel()
		if err != nil {
			t.Fatalf("run %d: %v: %s", i, err, out)
		}
		text := string(out)
		first := strings.Index(text, "WORKLOAD-")
		exec := strings.LastIndex(text, "execve       /bin/sh")
		if first < 0 || exec < 0 || exec > first {
			t.Fatalf("run %d: the workload's output at byte %d, the last execve line at %d, want it first:\n%s",
				i, first, exec, text)
		}
		if tail := text[first:]; tail != "WORKLOAD-OUT\nWORKLOAD-ERR\n" {
			t.Fatalf("run %d: after the workload's first output got %q, want only its own lines", i, tail)
		}
	}
}

// TestExplainTerminal runs with -t: the lines go to sandbox's stderr, the
// workload's output to the terminal relay on stdout.
func TestExplainTerminal(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", "--explain", "-t", rootfs, "echo", "on-the-pty")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "on-the-pty" {
		t.Fatalf("got exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, prefix := range []string{
		"ioctl        TIOCSCTTY", "move_mount   pty slave on /dev/console", "execve       /bin/echo",
	} {
		if len(linesWith(r.stderr, prefix)) != 1 {
			t.Errorf("no line %q in:\n%s", prefix, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("stderr has carriage returns: the lines went through the terminal:\n%q", r.stderr)
	}
}

// TestExplainOff checks that without --explain nothing of it reaches
// stderr.
func TestExplainOff(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", rootfs, "echo", "quiet")
	if r.code != 0 || r.stdout != "quiet\n" || r.stderr != "" {
		t.Errorf("got exit %d, stdout %q, stderr %q; want quiet and an empty stderr", r.code, r.stdout, r.stderr)
	}
}

// TestExplainFailure checks that a failing start still shows the steps up
// to the failure, then the error, and leaves nothing behind.
func TestExplainFailure(t *testing.T) {
	_, rootfs := env(t)
	r := sandbox(t, "", "run", "--explain", rootfs, "/no-such-command")
	if r.code != 127 {
		t.Fatalf("got exit %d, want 127; stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	n := len(lines)
	if n < 3 || lines[n-2] != "chdir        /" ||
		lines[n-1] != "sandbox: /no-such-command: no such file or directory in the container" {
		t.Errorf("want the steps up to chdir, then the error, got:\n%s", r.stderr)
	}
	if lineIndex(lines, "pivot_root ") < 0 || lineIndex(lines, "execve       /no-such-command") >= 0 {
		t.Errorf("want pivot_root and no execve of the command, got:\n%s", r.stderr)
	}
	noProcess(t, "/no-such-command")

	// A mount that fails: the mounts before it, then its error.
	r = sandbox(t, "", "run", "--explain", "-v", "/etc/hostname:/etc", rootfs, "true")
	lines = strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	n = len(lines)
	if r.code != 125 || n < 2 || !strings.HasPrefix(lines[n-1], "sandbox: rootfs: mount /etc/hostname on /etc:") ||
		!strings.HasPrefix(lines[n-2], "move_mount   ") || lineIndex(lines, "pivot_root ") >= 0 {
		t.Errorf("a file on /etc: got exit %d, want 125, the mounts before it and the error:\n%s", r.code, r.stderr)
	}
}

// TestExplainBundle runs an OCI bundle with a hook: the same steps come
// from the same code, with the hook, and the exec fifo that start opens,
// in their places; nothing of the container is left.
func TestExplainBundle(t *testing.T) {
	dir, root := bundle(t, "echo", "from-bundle")
	editConfig(t, dir, func(c map[string]any) {
		c["hooks"] = map[string]any{"prestart": []any{map[string]any{"path": "/bin/true"}}}
	})
	r := oci(t, root, "run", "--explain", "--bundle", dir, "ex1")
	if r.code != 0 || r.stdout != "from-bundle\n" {
		t.Fatalf("got exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	last := -1
	for _, prefix := range []string{"clone ", "cgroup ", "mount        proc on /proc", "hook         prestart /bin/true",
		"pivot_root ", "capset ", "openat       exec.fifo", "prctl        PR_SET_NO_NEW_PRIVS 1", "execve       /bin/echo"} {
		i := lineIndex(lines, prefix)
		if i <= last {
			t.Errorf("%q is line %d, want it after line %d:\n%s", prefix, i, last, r.stderr)
		}
		last = i
	}
	if out := ociOK(t, root, "list", "-q"); out != "" {
		t.Errorf("containers left behind: %q", out)
	}
}

// TestExplainBadUse checks the combination --explain does not take.
func TestExplainBadUse(t *testing.T) {
	dir, root := bundle(t, "true")
	r := oci(t, root, "run", "--explain", "--detach", "--bundle", dir, "x1")
	if r.code != 125 || !strings.Contains(r.stderr, "--explain prints the steps up to the exec") ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("--explain --detach: got exit %d, stderr %q; want 125 and one line", r.code, r.stderr)
	}
	if out := ociOK(t, root, "list", "-q"); out != "" {
		t.Errorf("containers left behind: %q", out)
	}
}
