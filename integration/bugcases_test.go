package integration

// The bug cases of /work/shared/cases/bug-cases.md, one test per case, for
// `sandbox run`. Each subtest is one check line of its case and asserts the
// case's expected outcome, picking the one our design documents where the
// case allows several.
//
// Scratch files live in t.TempDir() or in /tmp/bc-* directories that these
// tests create and remove. Nothing here talks to an address outside
// loopback, and the only processes ended are ones these tests started.
//
// The OCI parts live beside the OCI tests: B06 in exec_test.go, B09's
// bundle without a bounding key and B24's hostname without a UTS namespace
// in oci_test.go. B20's cgroups: a killed run's cgroup goes with the next
// run (cgroups.Sweep), which TestB20KilledRuntime checks.
//
// What the cases ask `sandbox inspect` to show is checked in
// inspect_test.go (TestInspectBugCases): both sides of the id maps (B12),
// the masked and read-only paths (B17), no_new_privs and the inert setuid
// bits and file capabilities (B23), and a non-root process's empty
// permitted and effective sets (B07).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a probe program inside containers: it is
// static, so it runs in the busybox rootfs. As BC_PROBE=ids (B23), unlike
// busybox, which drops a setuid identity by itself, it reports the
// credentials the kernel gave it; as BC_PROBE=tiocsti it tries to push a
// character into the input of the terminal on its stdin.
func init() {
	switch os.Getenv("BC_PROBE") {
	case "ids":
		probeIDs()
	case "tiocsti":
		probeTIOCSTI()
	case "thread-uid":
		probeThreadUID()
	}
}

func probeIDs() {
	fmt.Printf("euid=%d\n", os.Geteuid())
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Println("probe:", err)
		os.Exit(1)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "CapPrm:") || strings.HasPrefix(line, "CapEff:") {
			fmt.Println(line)
		}
	}
	os.Exit(0)
}

// Capability masks as /proc/PID/status prints them.
const (
	bcNoCaps      = "0000000000000000"
	bcDefaultCaps = "00000000a80425fb" // Docker's 14
)

// bcDir makes a scratch directory /tmp/bc-NAME-XXXX with the given mode and
// removes it after the test. It refuses to remove a tree that still has a
// mount below it: RemoveAll would walk into whatever is mounted there.
func bcDir(t *testing.T, mode os.FileMode) string {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	dir, err := os.MkdirTemp("/tmp", "bc-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m := bcMountsUnder(t, dir); len(m) > 0 {
			t.Errorf("mounts left under %s, not removing it: %v", dir, m)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove %s: %v", dir, err)
		}
	})
	return dir
}

// bcMountsUnder lists the host's mount points at or below dir.
func bcMountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	unescape := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	var found []string
	for _, line := range strings.Split(mountTable(t), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		if mp := unescape.Replace(f[4]); mp == dir || strings.HasPrefix(mp, dir+"/") {
			found = append(found, mp)
		}
	}
	return found
}

// bcCopyRootfs copies the test rootfs to dst, for a test that needs the
// copy at a path of its choosing.
func bcCopyRootfs(t *testing.T, dst string) string {
	t.Helper()
	_, rootfs := env(t)
	bcMkdir(t, filepath.Dir(dst))
	if out, err := exec.Command("cp", "-a", rootfs, dst).CombinedOutput(); err != nil {
		t.Fatalf("copy rootfs to %s: %v: %s", dst, err, out)
	}
	return dst
}

// bcOpts are the settings of one command run by bcExec; zero values mean
// the test's own environment and directory, empty stdin, captured output.
type bcOpts struct {
	dir     string
	env     []string // added to the test's environment
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	timeout time.Duration
}

// bcExec runs a program to completion with a deadline and, like sandbox,
// checks that the host's mount table is the same afterwards.
func bcExec(t *testing.T, o bcOpts, prog string, args ...string) result {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = o.dir
	if o.env != nil {
		cmd.Env = append(os.Environ(), o.env...)
	}
	cmd.Stdin = o.stdin
	if cmd.Stdin == nil {
		cmd.Stdin = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if o.stdout != nil {
		cmd.Stdout = o.stdout
	}
	if o.stderr != nil {
		cmd.Stderr = o.stderr
	}

	before := mountTable(t)
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: no exit within %v", prog, strings.Join(args, " "), o.timeout)
	}
	if after := mountTable(t); after != before {
		t.Errorf("%s %s changed the host's mount table:\nbefore:\n%s\nafter:\n%s",
			prog, strings.Join(args, " "), before, after)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s %s: %v", prog, strings.Join(args, " "), err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: bcCode(cmd.ProcessState)}
}

// bcRun runs the sandbox binary with bcExec.
func bcRun(t *testing.T, o bcOpts, args ...string) result {
	t.Helper()
	bin, _ := env(t)
	return bcExec(t, o, bin, args...)
}

func bcCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// bcFails is runFails with several substrings that the one-line error must
// all contain.
func bcFails(t *testing.T, code int, wants []string, args ...string) result {
	t.Helper()
	r := sandbox(t, "", args...)
	cmdline := strings.Join(args, " ")
	if r.code != code {
		t.Errorf("sandbox %s: got exit %d, want %d (stderr: %s)", cmdline, r.code, code, r.stderr)
	}
	msg := strings.TrimSuffix(r.stderr, "\n")
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "sandbox: ") {
		t.Errorf("sandbox %s: want one line starting with \"sandbox: \", got %q", cmdline, r.stderr)
	}
	for _, want := range wants {
		if !strings.Contains(msg, want) {
			t.Errorf("sandbox %s: got error %q, want it to contain %q", cmdline, msg, want)
		}
	}
	return r
}

// bcProc is a sandbox started in the background.
type bcProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// bcStart starts sandbox with args in the background, its stdout going to
// stdout (nil discards it). The test's cleanup kills it if it still runs.
func bcStart(t *testing.T, stdout *os.File, args ...string) *bcProc {
	t.Helper()
	bin, _ := env(t)
	cmd := exec.Command(bin, args...)
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sandbox %s: %v", strings.Join(args, " "), err)
	}
	p := &bcProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if p.running() {
			cmd.Process.Kill()
		}
		<-p.done
	})
	return p
}

// bcStartLines starts sandbox with its stdout on a pipe that the test reads
// line by line.
func bcStartLines(t *testing.T, args ...string) (*bcProc, *bufio.Reader) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	p := bcStart(t, w, args...)
	w.Close()
	return p, bufio.NewReader(r)
}

func (p *bcProc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *bcProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal sandbox (pid %d): %v", p.cmd.Process.Pid, err)
	}
}

// wait returns the exit status, 128+N for signal N.
func (p *bcProc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return bcCode(p.cmd.ProcessState)
	case <-time.After(timeout):
		t.Fatalf("sandbox (pid %d) did not exit within %v", p.cmd.Process.Pid, timeout)
		return 0
	}
}

// bcReadLine reads one line from a container's output, with a deadline.
func bcReadLine(t *testing.T, r *bufio.Reader, timeout time.Duration) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		ch <- line
	}()
	select {
	case line := <-ch:
		return strings.TrimSuffix(line, "\n")
	case <-time.After(timeout):
		t.Fatalf("no line of output within %v", timeout)
		return ""
	}
}

// bcMarker is a number for a workload's command line, such as `sleep N`,
// that no other process on the host is likely to share.
func bcMarker() string {
	return strconv.Itoa(100000 + mrand.IntN(800000))
}

// bcPids lists the processes whose command line is exactly cmdline.
func bcPids(cmdline string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		args := bytes.ReplaceAll(bytes.TrimSuffix(data, []byte{0}), []byte{0}, []byte{' '})
		if err == nil && string(args) == cmdline {
			pids = append(pids, pid)
		}
	}
	return pids
}

// bcAwaitPid waits for the one process whose command line is cmdline.
func bcAwaitPid(t *testing.T, cmdline string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids := bcPids(cmdline)
		if len(pids) == 1 {
			return pids[0]
		}
		if len(pids) > 1 || time.Now().After(deadline) {
			t.Fatalf("want one process %q, found %v", cmdline, pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bcGone fails unless no process with command line cmdline is left within
// the given time.
func bcGone(t *testing.T, cmdline string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		pids := bcPids(cmdline)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q still runs %v after it should have died: pids %v", cmdline, within, pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bcKV reads KEY=VALUE lines of a container's output.
func bcKV(out string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			kv[k] = v
		}
	}
	return kv
}

// bcEntries lists a host directory, sorted.
func bcEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func bcWriteFile(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func bcMkdir(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func bcSymlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// bcAbsent fails if name exists on the host.
func bcAbsent(t *testing.T, name, why string) {
	t.Helper()
	if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists on the host (%v): %s", name, err, why)
	}
}

// bcTree records every path, mode, size and mtime under dir, to prove a
// run wrote nothing there.
func bcTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// bcMount mounts on the host for one test and unmounts in its cleanup.
func bcMount(t *testing.T, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(target, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", target, err)
		}
	})
}

// bcUnshare runs a shell script as root in a private mount namespace of its
// own, so that it may change mount propagation without touching the host's.
// The script gets args as $1, $2...
func bcUnshare(t *testing.T, script string, args ...string) result {
	t.Helper()
	argv := append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh"}, args...)
	return bcExec(t, bcOpts{}, "unshare", argv...)
}

// --- B03 -------------------------------------------------------------------
