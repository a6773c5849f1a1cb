package inspect

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

func TestKeepFirst(t *testing.T) {
	tests := []struct {
		name     string
		in       []string
		limit    int
		want     []string
		wantMore int
	}{
		{"under the limit", []string{"b", "a"}, 3, []string{"a", "b"}, 0},
		{"at the limit", []string{"c", "a", "b"}, 3, []string{"a", "b", "c"}, 0},
		{"over: the smallest kept", []string{"e", "d", "c", "b", "a"}, 2, []string{"a", "b"}, 3},
		{"over: a later small name evicts", []string{"x", "y", "z", "a"}, 3, []string{"a", "x", "y"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			more := 0
			for _, n := range tt.in {
				got, more = keepFirst(got, n, tt.limit, more)
			}
			if !slices.Equal(got, tt.want) || more != tt.wantMore {
				t.Errorf("got %v and %d more, want %v and %d more", got, more, tt.want, tt.wantMore)
			}
		})
	}
}

func TestFirstNames(t *testing.T) {
	dir := t.TempDir()
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names, more, err := firstNames(f, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 64 || names[0] != "f000" || names[63] != "f063" || more != 236 {
		t.Errorf("got %d names (%v...) and %d more, want f000-f063 and 236 more", len(names), names[:1], more)
	}
}
