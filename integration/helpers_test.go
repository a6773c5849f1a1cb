package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// result is what one sandbox invocation did.
type result struct {
	stdout, stderr string
	code           int
	pid            int // of the sandbox process
}

// env reads the test setup from the environment that `make test` sets.
func env(t *testing.T) (bin, rootfs string) {
	t.Helper()
	required := os.Getenv("SANDBOX_INTEGRATION") == "1"
	skip := func(reason string) {
		t.Helper()
		if required {
			t.Fatalf("integration tests were asked for but cannot run: %s", reason)
		}
		t.Skip(reason)
	}
	if os.Geteuid() != 0 {
		skip("needs root: containers are created with real namespaces")
	}
	bin, rootfs = os.Getenv("SANDBOX_BIN"), os.Getenv("SANDBOX_ROOTFS")
	if bin == "" || rootfs == "" {
		skip("SANDBOX_BIN and SANDBOX_ROOTFS are not set: run `make test`")
	}
	if _, err := os.Stat(filepath.Join(rootfs, "bin/busybox")); err != nil {
		skip("no busybox rootfs at " + rootfs + ": run `make rootfs`")
	}
	return bin, rootfs
}

// sandbox runs the binary with args and stdin, with a deadline, and checks
// afterwards that the host's mount table is unchanged.
func sandbox(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	bin, _ := env(t)
	before := mountTable(t)
	r := runBin(t, bin, stdin, args...)
	if after := mountTable(t); after != before {
		t.Errorf("sandbox %s changed the host's mount table:\nbefore:\n%s\nafter:\n%s", strings.Join(args, " "), before, after)
	}
	return r
}

func runBin(t *testing.T, bin, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	// Files, not pipes: a container that create leaves running keeps the
	// caller's stdout, and a pipe would never see its end.
	dir := t.TempDir()
	out, errOut := createFile(t, dir, "stdout"), createFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = out, errOut
	err := cmd.Run()
	out.Close()
	errOut.Close()
	if ctx.Err() != nil {
		t.Fatalf("sandbox %s: timed out", strings.Join(args, " "))
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		t.Fatalf("sandbox %s: %v", strings.Join(args, " "), err)
	}
	stdout, _ := os.ReadFile(out.Name())
	stderr, _ := os.ReadFile(errOut.Name())
	return result{stdout: string(stdout), stderr: string(stderr), code: code, pid: cmd.Process.Pid}
}

func createFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// runOK runs a container that must succeed and returns its stdout.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	r := sandbox(t, "", args...)
	if r.code != 0 {
		t.Fatalf("sandbox %s: exit %d, stderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// runFails runs sandbox expecting a failure with the given exit status and a
// one-line error containing want.
func runFails(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	r := sandbox(t, "", args...)
	if r.code != code {
		t.Errorf("sandbox %s: got exit %d, want %d (stderr: %s)", strings.Join(args, " "), r.code, code, r.stderr)
	}
	msg := strings.TrimSuffix(r.stderr, "\n")
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "sandbox: ") {
		t.Errorf("sandbox %s: want one line starting with \"sandbox: \", got %q", strings.Join(args, " "), r.stderr)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("sandbox %s: got error %q, want it to contain %q", strings.Join(args, " "), msg, want)
	}
}

// mountTable is the host's mount table, as /proc/self/mountinfo lists it.
func mountTable(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// privateRootfs copies the test rootfs for one test that changes it.
func privateRootfs(t *testing.T) string {
	t.Helper()
	_, rootfs := env(t)
	dst := filepath.Join(t.TempDir(), "r")
	if out, err := exec.Command("cp", "-a", rootfs, dst).CombinedOutput(); err != nil {
		t.Fatalf("copy rootfs: %v: %s", err, out)
	}
	return dst
}

// statusField returns one field of /proc/PID/status as printed by grep
// inside a container, e.g. "CapEff".
func statusField(t *testing.T, status, name string) string {
	t.Helper()
	for _, line := range strings.Split(status, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s in status output:\n%s", name, status)
	return ""
}

// noProcess fails if a process whose command line contains marker is left.
func noProcess(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		pids := processesWith(marker)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left behind with %q in their command line: %v", marker, pids)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func processesWith(marker string) []string {
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})), marker) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}
