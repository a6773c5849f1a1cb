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

	"golang.org/x/sys/unix"
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

// TestDevicesNodesFirst: files named to sort before every device node do
// not push the nodes out of the bounded listing.
func TestDevicesNodesFirst(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "dev")
	if err := os.Mkdir(dev, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(dev, fmt.Sprintf("\x01f%03d", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []struct {
		name string
		mode uint32
	}{{"null", unix.S_IFCHR}, {"zero", unix.S_IFCHR}, {"loop0", unix.S_IFBLK}} {
		err := unix.Mknod(filepath.Join(dev, n.name), n.mode|0o666, int(unix.Mkdev(1, 3)))
		if errors.Is(err, unix.EPERM) {
			t.Skip("mknod needs CAP_MKNOD")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	list, nodesMore, othersMore, err := devices(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range list {
		names = append(names, d.Name)
	}
	if len(list) != 64 || !slices.Equal(names[:3], []string{"loop0", "null", "zero"}) ||
		list[0].Type != "block" || names[3] != "\x01f000" || nodesMore != 0 || othersMore != 300-61 {
		t.Errorf("got %d entries %q..., %d nodes and %d others more, want loop0 null zero first, "+
			"then \\x01f000..., 0 and 239 more", len(list), names[:4], nodesMore, othersMore)
	}
}
