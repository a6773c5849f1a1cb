//go:build cgo

package seccomp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The probe profile allows everything but what the probes check: an
// errnoRet, a masked comparison, and two comparisons of one argument,
// which are alternatives.
const probeProfile = `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	{"names": ["getppid", "no_such_call"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
	{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		"args": [{"index": 0, "value": 16776960, "valueTwo": 262144, "op": "SCMP_CMP_MASKED_EQ"}]},
	{"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
		"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
]}`

// probes are the calls the loaded filter is checked with: name, number,
// first argument.
var probes = []struct {
	name string
	nr   uintptr
	arg  uintptr
}{
	{"getppid", unix.SYS_GETPPID, 0},
	{"personality(ADDR_NO_RANDOMIZE)", unix.SYS_PERSONALITY, 0x0040000},
	{"personality(query)", unix.SYS_PERSONALITY, 0xffffffff},
	{"uname(1)", unix.SYS_UNAME, 1},
	{"uname(2)", unix.SYS_UNAME, 2},
	{"uname(3)", unix.SYS_UNAME, 3},
}

func TestMain(m *testing.M) {
	if os.Getenv("SANDBOX_SECCOMP_PROBE") != "" {
		probe()
	}
	os.Exit(m.Run())
}

// probe runs in a re-executed test binary: it loads the probe profile on
// its main thread, calls each probe on it and prints what the kernel said.
func probe() {
	var s specs.LinuxSeccomp
	err := json.Unmarshal([]byte(probeProfile), &s)
	var p *Program
	if err == nil {
		p, err = Compile(&s)
	}
	if err == nil {
		err = unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
	}
	if err == nil {
		err = p.Load()
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	for _, pr := range probes {
		_, _, errno := unix.RawSyscall(pr.nr, pr.arg, 0, 0)
		fmt.Printf("%s: %d\n", pr.name, int(errno))
	}
	os.Exit(0)
}

func TestLoad(t *testing.T) {
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Env = append(os.Environ(), "SANDBOX_SECCOMP_PROBE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("probe: %v: %s", err, out)
	}
	want := []string{
		"getppid: 38",                        // errnoRet
		"personality(ADDR_NO_RANDOMIZE): 13", // masked equal
		"personality(query): 0",              // mask does not match
		"uname(1): 33", "uname(2): 33",       // either comparison
		"uname(3): 14", // neither: the kernel's own EFAULT
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompileDefault(t *testing.T) {
	tg, err := HostTarget([]string{"CAP_CHOWN"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Default().Resolve(tg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(s)
	if err != nil {
		t.Fatalf("Compile(default): %v", err)
	}
	if _, err := p.instructions(); err != nil {
		t.Errorf("got %v, want a well-formed program", err)
	}
	if p.Flags != 0 {
		t.Errorf("flags: got %#x, want 0", p.Flags)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		s    specs.LinuxSeccomp
		want string
	}{
		{"other byte order", specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
			Architectures: []specs.Arch{specs.ArchS390X}}, "architectures[0]: SCMP_ARCH_S390X: its byte order"},
		{"notify", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActNotify}}}, "syscalls[0].action: SCMP_ACT_NOTIFY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(&tt.s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCompileCached(t *testing.T) {
	dir := t.TempDir() + "/cache"
	s := &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"getppid"}, Action: specs.ActErrno}}}
	first, err := CompileCached(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache: got %v, %v, want one file", entries, err)
	}
	again, err := CompileCached(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.BPF) != string(first.BPF) || again.Flags != unix.SECCOMP_FILTER_FLAG_LOG {
		t.Errorf("from the cache: got %d bytes, flags %#x; want %d bytes, flags %#x",
			len(again.BPF), again.Flags, len(first.BPF), unix.SECCOMP_FILTER_FLAG_LOG)
	}
	path := dir + "/" + entries[0].Name()
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, ok := readCached(path); ok {
		t.Error("a cache file others may write: got it used, want it ignored")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("cache directory: got mode %v, want 0700", fi.Mode().Perm())
	}
}

// TestCacheKey: every field the program depends on changes the key.
func TestCacheKey(t *testing.T) {
	errno := uint(38)
	base := func() *specs.LinuxSeccomp {
		return &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{{
			Names: []string{"personality"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: 8, Op: specs.OpEqualTo}},
		}}}
	}
	tests := []struct {
		name string
		edit func(*specs.LinuxSeccomp)
	}{
		{"default action", func(s *specs.LinuxSeccomp) { s.DefaultAction = specs.ActKillProcess }},
		{"default errnoRet", func(s *specs.LinuxSeccomp) { s.DefaultErrnoRet = &errno }},
		{"architectures", func(s *specs.LinuxSeccomp) { s.Architectures = []specs.Arch{specs.ArchX86} }},
		{"names", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Names = []string{"personality", "read"} }},
		{"action", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Action = specs.ActLog }},
		{"errnoRet", func(s *specs.LinuxSeccomp) { s.Syscalls[0].ErrnoRet = &errno }},
		{"arg index", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Args[0].Index = 1 }},
		{"arg value", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Args[0].Value = 9 }},
		{"arg valueTwo", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Args[0].ValueTwo = 9 }},
		{"arg op", func(s *specs.LinuxSeccomp) { s.Syscalls[0].Args[0].Op = specs.OpMaskedEqual }},
	}
	want := cacheKey(base())
	if again := cacheKey(base()); again != want {
		t.Fatalf("same profile: got keys %s and %s, want one", want, again)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.edit(s)
			if got := cacheKey(s); got == want {
				t.Errorf("got the unchanged profile's key %s, want another", got)
			}
		})
	}
}
