package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostSleep starts a sleep on the host (through prefix, a command such as
// unshare, when given) and returns its PID; it is killed when the test
// ends.
func hostSleep(t *testing.T, prefix ...string) int {
	t.Helper()
	args := append(prefix, "sleep", "60")
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if len(prefix) == 0 {
		return cmd.Process.Pid
	}
	// unshare execs sleep in place once its namespaces are set up.
	deadline := time.Now().Add(5 * time.Second)
	for {
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", cmd.Process.Pid))
		if strings.HasSuffix(exe, "/sleep") {
			return cmd.Process.Pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v: no sleep after 5 s (exe %s)", args, exe)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hasNote(notes []string, want string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, want) })
}

// TestInspectHostReference: run in namespaces of its own, inspect still
// compares with the host's, not its own: a host process is not isolated.
func TestInspectHostReference(t *testing.T) {
	bin, _ := env(t)
	pid := hostSleep(t)
	res := runBin(t, "unshare", "", "-n", "-u", bin, "inspect", "--format", "json", strconv.Itoa(pid))
	if res.code != 0 {
		t.Fatalf("unshare -n -u sandbox inspect: exit %d: %s", res.code, res.stderr)
	}
	var r inspected
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	if isolated, _ := isolation(r); len(isolated) != 0 {
		t.Errorf("host process seen from other net and uts namespaces: got %v isolated (reference %s), want none",
			isolated, r.HostReference)
	}
	if r.HostReference != "/proc/1/ns" && r.HostReference != "/proc/2/ns" {
		t.Errorf("host reference: got %s, want PID 1's or kthreadd's", r.HostReference)
	}
}

// TestInspectPrivilegedWarning: a --privileged container holds every
// capability the host gives, even where the host withholds some of the
// kernel's, and is warned about.
func TestInspectPrivilegedWarning(t *testing.T) {
	_, rootfs := env(t)
	_, pid := container(t, rootfs, "--privileged")
	r := inspectJSON(t, "", strconv.Itoa(pid))
	if !hasNote(r.Warnings, "every capability is effective") {
		t.Errorf("warnings: got %q, want every capability effective (effective %#x)", r.Warnings,
			r.Capabilities.Effective.Mask)
	}
}

// TestInspectHostRootInUserNamespace: a process whose uid inside its user
// namespace is host uid 0 is warned about.
func TestInspectHostRootInUserNamespace(t *testing.T) {
	env(t)
	pid := hostSleep(t, "unshare", "-U", "--map-user=1234")
	r := inspectJSON(t, "", strconv.Itoa(pid))
	if r.Identity.Uid != [4]uint32{1234, 1234, 1234, 1234} || !hasNote(r.Warnings, "include host uid 0") {
		t.Errorf("got uid %v, warnings %q, want 1234 and a warning that it is host uid 0", r.Identity.Uid,
			r.Warnings)
	}
}

// TestInspectRefusals: processes inspect cannot or need not report on get
// one line saying why.
func TestInspectRefusals(t *testing.T) {
	env(t)
	t.Run("kernel thread", func(t *testing.T) {
		r := bcFails(t, 125, []string{"process 2 (kthreadd) is a kernel thread", "nothing confines it"},
			"inspect", "2")
		if r.stdout != "" {
			t.Errorf("stdout: got %q, want nothing", r.stdout)
		}
	})
	t.Run("PID 1 closed to root", func(t *testing.T) {
		if _, err := os.Readlink("/proc/1/ns/pid"); err == nil {
			t.Skip("PID 1 is open to root on this host")
		}
		r := bcFails(t, 125, []string{"the kernel refused even root", "protected on this host"}, "inspect", "1")
		if strings.Contains(r.stderr, "another user's") {
			t.Errorf("stderr: got %q, want no hint for a non-root caller", r.stderr)
		}
	})
}

// TestInspectExiting: processes that exit while they are read give either
// a report or the one-line "does not exist" error, never a raw read error.
func TestInspectExiting(t *testing.T) {
	bin, _ := env(t)
	for i := range 40 {
		cmd := exec.Command("sleep", fmt.Sprintf("0.0%02d", i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		res := runBin(t, bin, "", "inspect", strconv.Itoa(cmd.Process.Pid))
		cmd.Wait()
		if res.code != 0 && !strings.Contains(res.stderr, "does not exist (it has exited") {
			t.Errorf("inspect of a sleep of %d ms: got exit %d, %q, want a report or the exited error",
				i, res.code, res.stderr)
		}
	}
}
