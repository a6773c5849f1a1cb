package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostile runs `sandbox run FLAGS ROOTFS sh -c SETUP; exec FINAL MARK` in
// the background, where FINAL is a sleep command, and returns the host PID
// of the process that ends up sleeping. It is killed when the test ends.
func hostile(t *testing.T, rootfs, setup, final string, flags ...string) int {
	t.Helper()
	marker := bcMarker()
	args := append(append([]string{"run"}, flags...), rootfs, "sh", "-c",
		setup+"; exec "+final+" "+marker)
	p := bcStart(t, nil, args...)
	cmdline := strings.TrimPrefix(final, "chroot /n ") + " " + marker
	pid := bcAwaitPid(t, cmdline)
	t.Cleanup(func() {
		if p.running() {
			p.signal(t, syscall.SIGKILL)
			p.wait(t, 5*time.Second)
		}
		bcGone(t, cmdline, 2*time.Second)
	})
	return pid
}

// TestInspectHostileRoot: links a container plants in its root never lead
// inspect onto the host's files.
func TestInspectHostileRoot(t *testing.T) {
	env(t)
	r := privateRootfs(t)
	host := t.TempDir()
	if err := os.WriteFile(filepath.Join(host, "HOST_ONLY_FILE"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	t.Run("/dev a symlink to a host directory", func(t *testing.T) {
		pid := hostile(t, r, "mkdir -p /n/bin && cp /bin/busybox /n/bin/ && ln -s "+host+" /n/dev",
			"chroot /n /bin/busybox sleep")
		got := inspectJSON(t, "", strconv.Itoa(pid))
		if len(got.Devices) != 0 || !slices.ContainsFunc(got.Notes, func(n string) bool {
			return strings.Contains(n, "/dev is a symlink to \""+host+"\": not followed")
		}) {
			t.Errorf("got devices %+v, notes %q, want none and a note that /dev links to %s",
				got.Devices, got.Notes, host)
		}
		if out := inspectText(t, strconv.Itoa(pid)); strings.Contains(out, "HOST_ONLY_FILE") {
			t.Errorf("inspect listed a host directory as /dev:\n%s", out)
		}
	})

	// A read-only tmpfs hidden under a symlink to an empty host directory:
	// followed, the link made a masked path of it.
	t.Run("mount point hidden under a symlink", func(t *testing.T) {
		pid := hostile(t, r, "mkdir -p /a/b && mount -t tmpfs -o ro none /a/b && mount -t tmpfs none /a && "+
			"ln -s "+empty+" /a/b", "sleep", "--privileged")
		got := inspectJSON(t, "", strconv.Itoa(pid))
		if slices.Contains(got.Hardening.MaskedPaths, "/a/b") {
			t.Errorf("masked paths: got %v, want no /a/b: the probe followed a link to the host's %s",
				got.Hardening.MaskedPaths, empty)
		}
	})
}

// TestInspectDevBound: a /dev with hundreds of files named to sort before
// every device node lists its device nodes first, then the first other
// entries by name, 64 in all, and counts what was left out of each.
func TestInspectDevBound(t *testing.T) {
	env(t)
	pid := hostile(t, privateRootfs(t),
		`i=0; while [ $i -lt 300 ]; do : > "/dev/$(printf '\001')zz$i"; i=$((i+1)); done`, "sleep")
	dev := "/proc/" + strconv.Itoa(pid) + "/root/dev"
	entries, err := os.ReadDir(dev)
	if err != nil {
		t.Fatal(err)
	}
	var nodes, others []string // as the kernel lists them, in name order
	for _, e := range entries {
		// lstat: the directory lists a node bound over a file as a file.
		fi, err := os.Lstat(filepath.Join(dev, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeDevice != 0 {
			nodes = append(nodes, e.Name())
		} else {
			others = append(others, e.Name())
		}
	}
	if !slices.Contains(nodes, "null") || len(nodes) >= 64 || len(others) < 300 {
		t.Fatalf("%s: got nodes %q and %d others, want null among fewer than 64 nodes, 300 others", dev,
			nodes, len(others))
	}

	got := inspectJSON(t, "", strconv.Itoa(pid))
	var names []string
	for _, d := range got.Devices {
		names = append(names, d.Name)
	}
	want := append(slices.Clone(nodes), others[:64-len(nodes)]...)
	if !slices.Equal(names, want) || got.DevicesMore != len(entries)-64 || got.DeviceNodesMore != 0 {
		t.Errorf("devices: got %q, %d more (%d nodes), want %q, %d more (0 nodes)", names, got.DevicesMore,
			got.DeviceNodesMore, want, len(entries)-64)
	}
	out := inspectText(t, strconv.Itoa(pid))
	more := fmt.Sprintf("... and %d more: 0 device node(s), %d other entries", len(entries)-64, len(entries)-64)
	for _, w := range []string{"null char 1:3", more} {
		if !strings.Contains(out, w) {
			t.Errorf("text: want %q in:\n%s", w, out)
		}
	}
}

// TestInspectForgedStrings: names the container chooses reach the text
// view escaped: no forged line, no terminal escape.
func TestInspectForgedStrings(t *testing.T) {
	env(t)
	pid := hostile(t, privateRootfs(t), `: > "/dev/$(printf 'x\nCapabilities\n  effective empty\033[8m\a')"; `+
		`hostname "$(printf 'h\033]0;t\a')"`, "sleep", "--cap-add", "SYS_ADMIN", "--seccomp", "unconfined")
	out := runOK(t, "inspect", strconv.Itoa(pid))
	if n := strings.Count(out, "\nCapabilities\n"); n != 1 {
		t.Errorf("text: got %d Capabilities headings, want 1:\n%s", n, out)
	}
	for _, c := range []string{"\x1b", "\a"} {
		if strings.Contains(out, c) {
			t.Errorf("text: got a raw %q, want it escaped:\n%q", c, out)
		}
	}
	for _, want := range []string{`"x\nCapabilities\n  effective empty\x1b[8m\a"`, `"h\x1b]0;t\a"`} {
		if !strings.Contains(out, want) {
			t.Errorf("text: want %s in:\n%s", want, out)
		}
	}
}

// TestInspectBlankMountPoint: a mount point the container names with
// blanks, as mountinfo reports it, is quoted in the Mounts table: it does
// not pass for a row of more columns.
func TestInspectBlankMountPoint(t *testing.T) {
	env(t)
	const point = "/mnt/x  tmpfs  ro  private"
	pid := hostile(t, privateRootfs(t), `mkdir -p "`+point+`" && mount -t tmpfs none "`+point+`"`, "sleep",
		"--cap-add", "SYS_ADMIN", "--seccomp", "unconfined")
	mountinfo := string(mustReadFile(t, "/proc/"+strconv.Itoa(pid)+"/mountinfo"))
	if !strings.Contains(mountinfo, " /mnt/x\\040\\040tmpfs\\040\\040ro\\040\\040private ") {
		t.Fatalf("mountinfo: want the mount point, blanks escaped, in:\n%s", mountinfo)
	}
	out := runOK(t, "inspect", strconv.Itoa(pid))
	if !strings.Contains(out, "\n  "+strconv.Quote(point)+"  tmpfs") {
		t.Errorf("text: want the mount point quoted, %s, then its type, in:\n%s", strconv.Quote(point), out)
	}
	if strings.Contains(out, "\n  "+point) {
		t.Errorf("text: got the mount point unquoted:\n%s", out)
	}
}
