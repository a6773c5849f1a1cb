package inspect

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestReadSelf reads the test process, which runs on the host: every
// namespace is the caller's own, and the identity is its own.
func TestReadSelf(t *testing.T) {
	r, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if r.Process.HostPid != os.Getpid() || r.Process.NSpid[0] != os.Getpid() {
		t.Errorf("pid: got %d (NSpid %v), want %d", r.Process.HostPid, r.Process.NSpid, os.Getpid())
	}
	if !strings.HasSuffix(r.Process.Command[0], ".test") {
		t.Errorf("command: got %v, want the test binary", r.Process.Command)
	}
	if uid := uint32(os.Getuid()); r.Identity.Uid[0] != uid {
		t.Errorf("uid: got %v, want %d first", r.Identity.Uid, uid)
	}
	if len(r.Mounts) == 0 || len(r.Rlimits) < 10 {
		t.Errorf("got %d mounts and %d rlimits, want some of each", len(r.Mounts), len(r.Rlimits))
	}
	if r.HostReference == "/proc/self/ns" {
		for _, n := range r.Namespaces {
			if n.Isolated {
				t.Errorf("namespace %s: got isolated from itself", n.Type)
			}
		}
	}
	if os.Geteuid() == 0 {
		want, _ := os.Hostname()
		if r.Process.Hostname != want {
			t.Errorf("hostname: got %q, want %q", r.Process.Hostname, want)
		}
	}
}

func TestReadGone(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("no true(1) to start: %v", err)
	}
	_, err := Read(cmd.Process.Pid)
	if !errors.Is(err, ErrNoProcess) {
		t.Errorf("Read of an exited process: got %v, want ErrNoProcess", err)
	}
}
