package explain

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestCloneFlags(t *testing.T) {
	tests := []struct {
		name  string
		flags uintptr
		want  string
	}{
		{"none", 0, "0"},
		{"one", unix.CLONE_NEWNS, "CLONE_NEWNS"},
		{"default run", unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWPID |
			unix.CLONE_NEWNET, "CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET"},
		{"user before pid", unix.CLONE_NEWUSER | unix.CLONE_NEWPID, "CLONE_NEWUSER|CLONE_NEWPID"},
		{"unknown bit kept as hex", unix.CLONE_NEWNET | unix.CLONE_VM, "CLONE_NEWNET|0x100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CloneFlags(tt.flags); got != tt.want {
				t.Errorf("CloneFlags(%#x): got %q, want %q", tt.flags, got, tt.want)
			}
		})
	}
}

func TestMountFlagsAndAttrs(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"propagation", MountFlags(unix.MS_REC | unix.MS_PRIVATE), "MS_REC|MS_PRIVATE"},
		{"proc", MountFlags(unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC), "MS_NOSUID|MS_NODEV|MS_NOEXEC"},
		{"no flags", MountFlags(0), "0"},
		{"no attrs", Attrs(0), ""},
		{"read-only bind", Attrs(unix.MOUNT_ATTR_RDONLY), "ro"},
		{"device", Attrs(unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NOEXEC), "ro,nosuid,noexec"},
		{"atime is a field", Attrs(unix.MOUNT_ATTR_NOATIME | unix.MOUNT_ATTR_NODEV), "nodev,noatime"},
		{"strictatime", Attrs(unix.MOUNT_ATTR_STRICTATIME), "strictatime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestCaps(t *testing.T) {
	const last = 40
	tests := []struct {
		name        string
		mask        uint64
		caps, count string
	}{
		{"empty", 0, "none", "none"},
		{"full", 1<<41 - 1, "all 41", "all 41"},
		{"bits past last are not counted", 1<<63 | 1<<41 - 1, "all 41", "all 41"},
		{"two", 1<<0 | 1<<13, "2 CHOWN,NET_RAW", "2"},
		{"kernel order", 1<<21 | 1<<12 | 1<<7, "3 SETUID,NET_ADMIN,SYS_ADMIN", "3"},
		{"most named by what they lack", (1<<41 - 1) &^ (1<<24 | 1<<0), "39 all but CHOWN,SYS_RESOURCE", "39"},
		{"half named as they are", 1<<20 - 1, "20 " + strings.Join(first20, ","), "20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Caps(tt.mask, last); got != tt.caps {
				t.Errorf("Caps(%#x): got %q, want %q", tt.mask, got, tt.caps)
			}
			if got := Count(tt.mask, last); got != tt.count {
				t.Errorf("Count(%#x): got %q, want %q", tt.mask, got, tt.count)
			}
		})
	}
}

func TestPrctlAndSeccompFlags(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"no_new_privs", Prctl(unix.PR_SET_NO_NEW_PRIVS, 1), "PR_SET_NO_NEW_PRIVS 1"},
		{"pdeathsig names the signal", Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL)), "PR_SET_PDEATHSIG SIGKILL"},
		{"unknown option", Prctl(4242, 7), "option 4242 7"},
		{"no seccomp flags", SeccompFlags(0), "0"},
		{"seccomp flags", SeccompFlags(unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_LOG), "TSYNC|LOG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		max  int
		want string
	}{
		{"empty", nil, 10, "[]"},
		{"words", []string{"sh", "-c", "echo hi"}, 100, `["sh" "-c" "echo hi"]`},
		{"control characters quoted", []string{"a\nb"}, 100, `["a\nb"]`},
		{"cut", []string{"sh", "-c", strings.Repeat("x", 50)}, 20, `["sh" "-c" "xxxxxxxx...]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quote(tt.argv, tt.max); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRecorder checks the two modes, the column, and that a nil recorder
// takes every call without effect.
func TestRecorder(t *testing.T) {
	var out bytes.Buffer
	direct := New(&out)
	direct.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1)
	direct.Skip("seccomp", "no filter (unconfined)")
	want := "prctl        PR_SET_NO_NEW_PRIVS 1\nseccomp      - skipped: no filter (unconfined)\n"
	if out.String() != want {
		t.Errorf("direct: got %q, want %q", out.String(), want)
	}

	buf := NewBuffer()
	buf.Mount("proc", "/proc", "proc", unix.MS_NOSUID, "")
	buf.Exec("/bin/sh", []string{"sh"})
	lines := buf.Take()
	wantLines := []string{"mount        proc on /proc type proc (MS_NOSUID)", `execve       /bin/sh ["sh"]`}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("buffer: got %q, want %q", lines, wantLines)
	}
	if again := buf.Take(); len(again) != 0 {
		t.Errorf("second Take: got %q, want nothing", again)
	}
	direct.Print(lines)
	if !strings.HasSuffix(out.String(), wantLines[1]+"\n") {
		t.Errorf("Print: got %q, want it to end with the buffer's lines", out.String())
	}

	var off *Recorder
	off.Clone(unix.CLONE_NEWNS, 1)
	off.Capset(CapSets{}, CapSets{}, 40)
	off.Print([]string{"x"})
	if off.On() || off.Take() != nil {
		t.Error("a nil recorder: got something recorded, want nothing")
	}
}

// TestNilRecorderAllocates nothing: the start path without --explain pays
// a nil check per step and no more.
func TestNilRecorderAllocates(t *testing.T) {
	var off *Recorder
	target, argv := "/proc", []string{"sh", "-c", "true"}
	allocs := testing.AllocsPerRun(100, func() {
		off.Mount("proc", target, "proc", unix.MS_NOSUID, "")
		off.Bind("/dev/null", target, false, unix.MOUNT_ATTR_RDONLY, 0)
		off.Capbset(1, 0, 40)
		off.Exec(argv[0], argv)
		off.Note("chdir", target)
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per run with a nil recorder, want 0", allocs)
	}
}

// first20 are the names of capabilities 0 to 19, in kernel order.
var first20 = []string{
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
	"LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
}
