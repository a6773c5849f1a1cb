package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
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

// TestInspectCreated: a created container's init has not yet applied its
// workload's hardening, and the report says so; started, it no longer does.
func TestInspectCreated(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	ociOK(t, root, "create", "--bundle", dir, "made")
	t.Cleanup(func() { oci(t, root, "delete", "--force", "made") })

	r := inspectJSON(t, root, "made")
	if r.ContainerStatus != "created" || !hasNote(r.Notes, "applied at start") {
		t.Errorf("created: got status %q, notes %q, want created and why no_new_privs and seccomp are off",
			r.ContainerStatus, r.Notes)
	}
	out := runOK(t, "--root", root, "inspect", "made")
	if !strings.Contains(out, "(created: applied at start)") {
		t.Errorf("text: want the no_new_privs line to say it comes at start:\n%s", out)
	}

	ociOK(t, root, "start", "made")
	waitStatus(t, root, "made", "running")
	if r := inspectJSON(t, root, "made"); r.ContainerStatus != "" || hasNote(r.Notes, "applied at start") ||
		!r.Hardening.NoNewPrivs {
		t.Errorf("running: got status %q, notes %q, no_new_privs %v, want no created note and no_new_privs",
			r.ContainerStatus, r.Notes, r.Hardening.NoNewPrivs)
	}
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

// TestInspectTargets: what an argument stands for, said in the report.
func TestInspectTargets(t *testing.T) {
	env(t)

	t.Run("thread id", func(t *testing.T) {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			t.Fatal(err)
		}
		tid := ""
		for _, e := range tasks {
			if e.Name() != strconv.Itoa(os.Getpid()) {
				tid = e.Name()
			}
		}
		if tid == "" {
			t.Fatal("the test process has no thread besides its main one")
		}
		r := inspectJSON(t, "", tid)
		if r.Pid != os.Getpid() || !hasNote(r.Selection, tid+" is a thread of process "+strconv.Itoa(os.Getpid())) {
			t.Errorf("thread %s: got pid %d, selection %q, want the test process %d and a note", tid, r.Pid,
				r.Selection, os.Getpid())
		}
	})

	t.Run("foreground run, json", func(t *testing.T) {
		_, rootfs := env(t)
		runPid, pid := container(t, rootfs)
		r := inspectJSON(t, "", strconv.Itoa(runPid))
		if r.Pid != pid || !hasNote(r.Selection, "is a foreground `sandbox run`") {
			t.Errorf("got pid %d, selection %q, want %d and the foreground note", r.Pid, r.Selection, pid)
		}
	})

	t.Run("sandbox exec", func(t *testing.T) {
		dir, root := bundle(t, "sleep", "1000")
		ociOK(t, root, "run", "--detach", "--bundle", dir, "ex")
		t.Cleanup(func() { oci(t, root, "delete", "--force", "ex") })
		cmdline := "sleep " + bcMarker()
		p := bcStart(t, nil, append([]string{"--root", root, "exec", "ex"}, strings.Fields(cmdline)...)...)
		pid := bcAwaitPid(t, cmdline)
		t.Cleanup(func() {
			p.signal(t, syscall.SIGKILL)
			p.wait(t, 5*time.Second)
		})
		want := fmt.Sprintf("pid %d is `sandbox exec`: showing the process it started, pid %d",
			p.cmd.Process.Pid, pid)
		r := inspectJSON(t, "", strconv.Itoa(p.cmd.Process.Pid))
		if r.Pid != pid || !slices.Contains(r.Selection, want) {
			t.Errorf("got pid %d, selection %q, want %d and %q", r.Pid, r.Selection, pid, want)
		}
	})

	t.Run("container id that is a live PID", func(t *testing.T) {
		sleep := strconv.Itoa(hostSleep(t))
		dir, root := bundle(t, "sleep", "1000")
		ociOK(t, root, "create", "--bundle", dir, sleep)
		t.Cleanup(func() { oci(t, root, "delete", "--force", sleep) })
		init := stateOf(t, root, sleep).Pid

		r := inspectJSON(t, root, sleep)
		if r.Pid != init || !hasNote(r.Selection, "sandbox inspect --pid "+sleep) {
			t.Errorf("got pid %d, selection %q, want the container's %d and how to inspect PID %s", r.Pid,
				r.Selection, init, sleep)
		}
		out := runOK(t, "--root", root, "inspect", "--pid", "--format", "json", sleep)
		if !strings.Contains(out, `"pid": `+sleep+",") {
			t.Errorf("inspect --pid %s: want the host process:\n%.300s", sleep, out)
		}
	})
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

// TestInspectHostIDWarnings: host uid 0 and host gid 0 are warned about
// when the process holds them or can take them, as its status shows, and
// only noted when it cannot.
func TestInspectHostIDWarnings(t *testing.T) {
	_, rootfs := env(t)
	tests := []struct {
		name        string
		flags       []string
		status      []string // lines of the process's /proc/PID/status
		warn, notes []string
	}{
		{"uid 1000, no capability, no_new_privs", []string{"--drop-all", "--user", "1000"},
			[]string{"Uid:\t1000\t1000\t1000\t1000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1"},
			nil, []string{"root here is root of the host (no user namespace), but this process " +
				"(uids 1000 1000 1000 1000) cannot become it"}},
		{"uid 1000, privilege escalation allowed", []string{"--user", "1000", "--allow-privilege-escalation"},
			[]string{"Uid:\t1000\t1000\t1000\t1000", "NoNewPrivs:\t0"},
			[]string{"(uid 1000) can become uid 0 here, which is host uid 0", "(gid 1000) can become gid 0"},
			nil},
		{"gid 0 mapped to host gid 0", []string{"--uid-map", "0:100000:65536", "--gid-map", "0:0:1",
			"--gid-map", "1:100001:65535"},
			[]string{"Uid:\t100000\t100000\t100000\t100000", "Gid:\t0\t0\t0\t0"},
			[]string{"gids and groups (0 0 0 0 here) include host gid 0 (0 0 0 0 on the host)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, pid := container(t, rootfs, tt.flags...)
			status := string(mustReadFile(t, fmt.Sprintf("/proc/%d/status", pid)))
			for _, line := range tt.status {
				if !strings.Contains(status, line+"\n") {
					t.Fatalf("/proc/%d/status: want %q in:\n%s", pid, line, status)
				}
			}
			r := inspectJSON(t, "", strconv.Itoa(pid))
			checkFindings(t, "warnings", r.Warnings, tt.warn)
			for _, want := range tt.notes {
				if !hasNote(r.Notes, want) {
					t.Errorf("notes: got %q, want %q", r.Notes, want)
				}
			}
		})
	}
}

// checkFindings checks that got holds exactly one finding per want, each
// containing it.
func checkFindings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %q, want %d like %q", what, got, len(want), want)
		return
	}
	for _, w := range want {
		if !hasNote(got, w) {
			t.Errorf("%s: got %q, want %q", what, got, w)
		}
	}
}
