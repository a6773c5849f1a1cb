package cgroups

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	cg "github.com/opencontainers/cgroups"
	"golang.org/x/sys/unix"
)

// cgroup2Dir makes a cgroup of its own on the host's cgroup2 tree (the
// whole tree on v2, the unified one on hybrid), removed by cleanup.
func cgroup2Dir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates a cgroup and loads a BPF program")
	}
	var mnt string
	for _, m := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		var st unix.Statfs_t
		if unix.Statfs(m, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			mnt = m
		}
	}
	if mnt == "" {
		t.Skip("the host mounts no cgroup2 tree")
	}
	dir := filepath.Join(mnt, "sandbox-devtest-"+strconv.Itoa(os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.Remove(dir); err != nil {
			t.Errorf("remove the test cgroup: %v", err)
		}
	})
	return dir
}

// The kernel applies the compiled filter: the default devices open, any
// other is refused with EPERM.
func TestDevicesV2Kernel(t *testing.T) {
	dir := cgroup2Dir(t)
	res, err := translate(nil, true, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := setDevicesV2(dir, res); err != nil {
		t.Fatalf("attach the device filter: %v", err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)

	tests := []struct {
		dev    string
		wantOK bool
	}{
		{"/dev/null", true},
		{"/dev/zero", true},
		{"/dev/kmsg", false},
	}
	for _, tt := range tests {
		t.Run(tt.dev, func(t *testing.T) {
			if _, err := os.Stat(tt.dev); err != nil {
				t.Skipf("no %s on this host", tt.dev)
			}
			// The shell is cloned straight into the cgroup.
			cmd := exec.Command("/bin/sh", "-c", "exec 3<"+tt.dev)
			cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
			out, err := cmd.CombinedOutput()
			if tt.wantOK && err != nil {
				t.Errorf("open %s in the cgroup: got %v (%s), want success", tt.dev, err, out)
			}
			if !tt.wantOK && (err == nil || !strings.Contains(strings.ToLower(string(out)), "not permitted")) {
				t.Errorf("open %s in the cgroup: got %v (%s), want operation not permitted", tt.dev, err, out)
			}
		})
	}
	if pids, _ := cg.GetAllPids(dir); len(pids) != 0 {
		t.Errorf("processes left in the test cgroup: %v", pids)
	}
}
