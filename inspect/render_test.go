package inspect

import (
	"bytes"
	"strings"
	"testing"
)

// squash collapses runs of blanks, so that tests do not depend on how wide
// the columns came out.
func squash(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

func sampleReport() *Report {
	def := uint64(0xa80425fb)
	r := &Report{
		Pid: 818, HostReference: "/proc/1/ns",
		Namespaces: []Namespace{
			{Type: "pid", Inode: 4026532177, Host: 4026531836, Isolated: true},
			{Type: "user", Inode: 4026531837, Host: 4026531837},
		},
		Process: Process{HostPid: 818, Pid: 1, NSpid: []int{818, 1}, Command: []string{"sleep", "9"},
			Hostname: "box"},
		Identity: Identity{Uid: [4]uint32{1000, 1000, 1000, 1000}, Groups: []uint32{},
			HostUid: [4]uint32{101000, 101000, 101000, 101000},
			Gid:     [4]uint32{1000, 1000, 1000, 1000}, HostGid: [4]uint32{101000, 101000, 101000, 101000},
			UidMap: []IDRange{{0, 100000, 65536}}, GidMap: []IDRange{{0, 100000, 65536}},
			Setgroups: "deny", RootOnHost: 100000},
		Capabilities: Capabilities{Bounding: NewCapSet(def, def), Effective: NewCapSet(0, def),
			Permitted: NewCapSet(0, def), Inheritable: NewCapSet(0, def), Ambient: NewCapSet(0, def),
			Full: FullMask(40), Default: def},
		Hardening: Hardening{NoNewPrivs: true, MaskedPaths: []string{"/proc/keys"},
			ReadOnlyPaths: []string{"/proc/sys"}},
		Seccomp: Seccomp{Mode: "filter", Filters: 1, Syscalls: 3, Allowed: 1,
			Actions: map[string]int{"errno": 1}, Names: map[string][]string{"errno": {"mount"}},
			Conditional: []string{"clone"}},
		Devices: []Device{{Name: "null", Type: "char", Major: 1, Minor: 3, Mode: "-rw-rw-rw-"},
			{Name: "fd", Type: "symlink", Target: "/proc/self/fd"}},
	}
	r.Warnings, r.Notes = warnings(r)
	return r
}

func TestRender(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := squash(b.String())
	for _, want := range []string{
		"type process host (pid 1)", "pid 4026532177 4026531836 isolated", "user 4026531837 4026531837 shared",
		"pid inside  1", "host pid    818", "hostname    box",
		"uid_map        0 100000 65536  inside 0-65535 is host 100000-165535",
		"root inside    is host uid 100000",
		"uid 1000 1000 1000 1000 on the host 101000 101000 101000 101000",
		"effective    0x0000000000000000  0 of 41  empty",
		"bounding     0x00000000a80425fb  14 of 41  the default container set",
		"unless ambient",
		"no_new_privs  on: setuid bits and file capabilities are inert",
		"masked        /proc/keys", "read-only     /proc/sys",
		"3 of the native architecture: 1 allowed, 1 conditional, 1 filtered",
		"errno 1:\n mount", "conditional 1, decided by their arguments:\n clone",
		"null  char 1:3", "fd    -> /proc/self/fd",
	} {
		if !strings.Contains(out, squash(want)) {
			t.Errorf("Render: want %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "WARNING") {
		t.Errorf("Render: a user namespace maps root to 100000, want no warning, got:\n%s", out)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("Render: line %q ends in blanks", line)
		}
	}
}

func TestRenderWarnsOfHostRoot(t *testing.T) {
	r := sampleReport()
	r.Identity.UidMap = []IDRange{{0, 0, 4294967295}}
	r.Identity.RootOnHost = 0
	r.Identity.Uid, r.Identity.HostUid = [4]uint32{}, [4]uint32{}
	r.Hardening.NoNewPrivs = false
	r.Warnings, r.Notes = warnings(r)
	var b bytes.Buffer
	if err := Render(&b, r); err != nil {
		t.Fatal(err)
	}
	out := squash(b.String())
	for _, want := range []string{
		"WARNING: uid 0 here is uid 0 of the host (no user namespace): a process that escapes " +
			"its namespaces is root on the host, with at most the 14 capabilities of its bounding set",
		"no_new_privs  off: a setuid-root program",
	} {
		if !strings.Contains(out, squash(want)) {
			t.Errorf("Render: want %q in:\n%s", want, out)
		}
	}
}

func TestRenderUnknownSeccomp(t *testing.T) {
	r := sampleReport()
	r.Seccomp = Seccomp{Mode: "filter", Filters: 2, Unknown: "the filters could not be copied (EACCES)"}
	var b bytes.Buffer
	if err := Render(&b, r); err != nil {
		t.Fatal(err)
	}
	if out := squash(b.String()); !strings.Contains(out, "filter, 2 filter(s)") || !strings.Contains(out, "EACCES") ||
		strings.Contains(out, "allowed") {
		t.Errorf("Render: want the mode, the count and the reason, no counts, got:\n%s", out)
	}
}

func TestCompare(t *testing.T) {
	def := uint64(0xa80425fb)
	c := Capabilities{Full: FullMask(40), Default: def}
	tests := []struct {
		name string
		mask uint64
		want string
	}{
		{"empty", 0, "empty"},
		{"full", FullMask(40), "full: every capability"},
		{"default", def, "the default container set"},
		{"subset", 0x400, "within the default set, 1 of its 14"},
		{"superset", def | 1<<21, "default + SYS_ADMIN"},
		{"neither", 0x400 | 1<<21, "default + SYS_ADMIN, and 1 of the default set's 14"},
		{"many beyond", FullMask(40) &^ (1 << 24), "default + 26 more"},
	}
	for _, tt := range tests {
		if got := compare(NewCapSet(tt.mask, def), c); got != tt.want {
			t.Errorf("compare(%s): got %q, want %q", tt.name, got, tt.want)
		}
	}
}
