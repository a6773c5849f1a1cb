package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The test binary is also the seccomp probe: a static program that makes
// the system calls busybox cannot, and prints the kernel's answer to each
// as "name: ok" or "name: ERRNO".
func init() {
	if os.Getenv("SECCOMP_PROBE") == "" {
		return
	}
	for _, name := range strings.Fields(os.Getenv("SECCOMP_PROBE")) {
		err := probeCall(name)
		if err == nil {
			fmt.Printf("%s: ok\n", name)
		} else {
			fmt.Printf("%s: %s\n", name, unix.ErrnoName(err.(unix.Errno)))
		}
	}
	os.Exit(0)
}

// probeCall makes one system call, chosen to succeed for root with
// Docker's default capabilities unless a filter refuses it. PTRACE_PID
// names the process that ptrace attaches to.
func probeCall(name string) error {
	self := uintptr(os.Getpid())
	var errno unix.Errno
	switch name {
	case "add_key":
		_, err := unix.AddKey("user", "sandbox-probe", []byte("x"), unix.KEY_SPEC_PROCESS_KEYRING)
		return err
	case "keyctl":
		_, err := unix.KeyctlInt(unix.KEYCTL_GET_KEYRING_ID, unix.KEY_SPEC_PROCESS_KEYRING, 1, 0, 0)
		return err
	case "personality": // ADDR_NO_RANDOMIZE, which Docker's profile does not allow
		_, _, errno = unix.Syscall(unix.SYS_PERSONALITY, 0x0040000, 0, 0)
	case "kcmp":
		_, _, errno = unix.Syscall6(unix.SYS_KCMP, self, self, 0, 0, 0, 0)
	case "ptrace":
		var pid int
		fmt.Sscan(os.Getenv("PTRACE_PID"), &pid)
		_, _, errno = unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_ATTACH, uintptr(pid), 0, 0, 0, 0)
	case "bpf": // an unknown command: EINVAL from the kernel, EPERM from a filter
		_, _, errno = unix.Syscall(unix.SYS_BPF, 0xffff, 0, 0)
	case "getppid":
		_, _, errno = unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
	default:
		return unix.ENOTSUP
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// seccompRootfs is a private rootfs with the probe at /probe.
func seccompRootfs(t *testing.T) string {
	t.Helper()
	r := privateRootfs(t)
	bcPlantProbe(t, r, "probe", 0o755)
	return r
}

// probeResults runs the probe for calls in a container and returns its
// answers by call.
func probeResults(t *testing.T, args []string, calls string) map[string]string {
	t.Helper()
	out := runOK(t, append(append([]string{"run", "-e", "SECCOMP_PROBE=" + calls}, args...), "/probe")...)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			got[k] = v
		}
	}
	return got
}

// TestSeccompDefault: `run` applies Docker's profile unless told otherwise.
// Each call below works for root with the default capabilities when no
// filter is loaded, and the profile refuses it with EPERM.
func TestSeccompDefault(t *testing.T) {
	env(t)
	r := seccompRootfs(t)
	const calls = "add_key keyctl bpf personality kcmp"
	unconfined := map[string]string{"add_key": "ok", "keyctl": "ok", "bpf": "EINVAL", "personality": "ok", "kcmp": "ok"}

	t.Run("filter mode", func(t *testing.T) {
		out := runOK(t, "run", r, "grep", "Seccomp:", "/proc/self/status")
		if got := statusField(t, out, "Seccomp"); got != "2" {
			t.Errorf("Seccomp: got %s, want 2 (filter)", got)
		}
		out = runOK(t, "run", "--seccomp", "unconfined", r, "grep", "Seccomp:", "/proc/self/status")
		if got := statusField(t, out, "Seccomp"); got != "0" {
			t.Errorf("Seccomp with --seccomp unconfined: got %s, want 0", got)
		}
	})
	t.Run("refused by default", func(t *testing.T) {
		got := probeResults(t, []string{r}, calls)
		for _, call := range strings.Fields(calls) {
			if got[call] != "EPERM" {
				t.Errorf("%s: got %q, want EPERM", call, got[call])
			}
		}
	})
	t.Run("allowed unconfined", func(t *testing.T) {
		got := probeResults(t, []string{"--seccomp", "unconfined", r}, calls)
		for call, want := range unconfined {
			if got[call] != want {
				t.Errorf("%s: got %s, want %s", call, got[call], want)
			}
		}
	})
	// unshare(2) and mount(2) need CAP_SYS_ADMIN from the kernel too; a
	// user namespace needs no capability, so unshare -U tells the filter
	// apart.
	t.Run("unshare", func(t *testing.T) {
		res := sandbox(t, "", "run", r, "unshare", "-U", "true")
		if res.code == 0 || !strings.Contains(res.stderr, "Operation not permitted") {
			t.Errorf("unshare -U: got exit %d, %q, want EPERM", res.code, res.stderr)
		}
		runOK(t, "run", "--seccomp", "unconfined", r, "unshare", "-U", "true")
	})
	t.Run("mount", func(t *testing.T) {
		res := sandbox(t, "", "run", r, "mount", "-t", "tmpfs", "none", "/tmp")
		if res.code == 0 || !strings.Contains(res.stderr, "permission denied") {
			t.Errorf("mount: got exit %d, %q, want EPERM", res.code, res.stderr)
		}
		runOK(t, "run", "--seccomp", "unconfined", "--cap-add", "SYS_ADMIN", r, "mount", "-t", "tmpfs", "none", "/tmp")
		// The profile follows the capabilities: with CAP_SYS_ADMIN it
		// allows mount, as Docker's does.
		runOK(t, "run", "--cap-add", "SYS_ADMIN", r, "mount", "-t", "tmpfs", "none", "/tmp")
	})
	// Docker's profile allows ptrace on kernels from 4.8, whose seccomp
	// can no longer be bypassed with it; what it keeps for CAP_SYS_PTRACE
	// is kcmp, pidfd_getfd and process_vm_*, and kcmp is refused above.
	t.Run("ptrace follows the kernel", func(t *testing.T) {
		out := runOK(t, "run", "-e", "SECCOMP_PROBE=ptrace", r, "sh", "-c",
			`sleep 30 & PTRACE_PID=$! /probe; kill $!`)
		if strings.TrimSpace(out) != "ptrace: ok" {
			t.Errorf("ptrace of a sibling: got %q, want ok", out)
		}
	})
	// A host process is out of reach whatever the filter: the PID
	// namespace has no number for it, even with CAP_SYS_PTRACE and no
	// filter at all.
	t.Run("ptrace of a host process", func(t *testing.T) {
		host := strconv.Itoa(os.Getpid())
		for _, args := range [][]string{{"run"}, {"run", "--seccomp", "unconfined", "--cap-add", "SYS_PTRACE"}} {
			out := runOK(t, append(args, "-e", "SECCOMP_PROBE=ptrace", "-e", "PTRACE_PID="+host, r, "/probe")...)
			if got := strings.TrimSpace(out); got != "ptrace: ESRCH" && got != "ptrace: EPERM" {
				t.Errorf("%v: ptrace of host pid %s: got %q, want ESRCH or EPERM", args, host, got)
			}
		}
	})
	t.Run("without no_new_privs", func(t *testing.T) {
		// The filter is then loaded before the capabilities are dropped,
		// while CAP_SYS_ADMIN still allows it.
		out := runOK(t, "run", "--allow-privilege-escalation", "--user", "1000", "--drop-all", r,
			"grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status")
		if statusField(t, out, "Seccomp") != "2" || statusField(t, out, "NoNewPrivs") != "0" {
			t.Errorf("got %q, want Seccomp 2 and NoNewPrivs 0", out)
		}
	})
}

// writeProfile writes a profile file for --seccomp.
func writeProfile(t *testing.T, profile string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSeccompProfileFile: a file in either form is applied, errnoRet and
// Docker's capability conditions included; what sandbox cannot apply is
// refused in one line that names the field.
func TestSeccompProfileFile(t *testing.T) {
	env(t)
	r := seccompRootfs(t)

	t.Run("OCI with errnoRet", func(t *testing.T) {
		p := writeProfile(t, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122},
			{"names": ["no_such_call_anywhere"], "action": "SCMP_ACT_KILL"}]}`)
		if got := probeResults(t, []string{"--seccomp", p, r}, "getppid"); got["getppid"] != "ENOSYS" {
			t.Errorf("getppid: got %s, want ENOSYS", got["getppid"])
		}
		res := sandbox(t, "", "run", "--seccomp", p, r, "mkdir", "/tmp/d")
		if res.code == 0 || !strings.Contains(res.stderr, "Disk quota exceeded") {
			t.Errorf("mkdir: got exit %d, %q, want EDQUOT", res.code, res.stderr)
		}
	})
	t.Run("Docker form with caps", func(t *testing.T) {
		p := writeProfile(t, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]}`)
		if got := probeResults(t, []string{"--seccomp", p, r}, "getppid"); got["getppid"] != "ENOSYS" {
			t.Errorf("getppid: got %s, want ENOSYS", got["getppid"])
		}
		got := probeResults(t, []string{"--seccomp", p, "--cap-add", "SYS_ADMIN", r}, "getppid")
		if got["getppid"] != "ok" {
			t.Errorf("getppid with CAP_SYS_ADMIN: got %s, want ok (the rule excludes it)", got["getppid"])
		}
	})
	t.Run("notify refused", func(t *testing.T) {
		p := writeProfile(t, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}`)
		runFails(t, 125, "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY", "run", "--seccomp", p, r, "true")
	})
	t.Run("unknown operator", func(t *testing.T) {
		p := writeProfile(t, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 9, "op": "SCMP_CMP_IS"}]}]}`)
		runFails(t, 125, `linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_IS"`, "run", "--seccomp", p, r, "true")
	})
	t.Run("not a profile", func(t *testing.T) {
		p := writeProfile(t, `{"syscalls": []}`)
		runFails(t, 125, "read as OCI linux.seccomp: defaultAction is missing", "run", "--seccomp", p, r, "true")
		runFails(t, 125, "--seccomp: open /nonexistent", "run", "--seccomp", "/nonexistent", r, "true")
	})
}

// TestSeccompExec: a process that exec starts in a container gets the
// container's filter too.
func TestSeccompExec(t *testing.T) {
	env(t)
	root, _ := running(t, func(c map[string]any) {
		c["linux"].(map[string]any)["seccomp"] = map[string]any{
			"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": []any{map[string]any{
				"names": []string{"mkdir", "mkdirat"}, "action": "SCMP_ACT_ERRNO", "errnoRet": 122,
			}},
		}
	})
	out := ociOK(t, root, "exec", "ctr", "grep", "Seccomp:", "/proc/self/status")
	if got := statusField(t, out, "Seccomp"); got != "2" {
		t.Errorf("Seccomp of the exec'd process: got %s, want 2", got)
	}
	res := oci(t, root, "exec", "ctr", "mkdir", "/tmp/d")
	if res.code == 0 || !strings.Contains(res.stderr, "Disk quota exceeded") {
		t.Errorf("mkdir in exec: got exit %d, %q, want EDQUOT", res.code, res.stderr)
	}
}
