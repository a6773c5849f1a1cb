package namespaces

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

func TestBoundText(t *testing.T) {
	long := "working directory /" + strings.Repeat("a", 100<<10) + ": file name too long"
	tests := []struct {
		name, in           string
		max                int
		wantHead, wantTail string
	}{
		{"short text kept", "rootfs: mount x: invalid argument", 64, "rootfs: mount x: invalid argument", ""},
		{"exactly max kept", strings.Repeat("b", 64), 64, strings.Repeat("b", 64), ""},
		{"long path cut in the middle", long, 4096, "working directory /aaa", "aaa: file name too long"},
		{"multi-byte runes stay whole", strings.Repeat("é", 5000), 1001, "é", "é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := boundText(tt.in, tt.max)
			if len(got) > tt.max {
				t.Errorf("boundText: got %d bytes, want at most %d", len(got), tt.max)
			}
			if !utf8.ValidString(got) {
				t.Errorf("boundText: got invalid UTF-8 %q", got)
			}
			if !strings.HasPrefix(got, tt.wantHead) || !strings.HasSuffix(got, tt.wantTail) {
				t.Errorf("boundText: got %.60q...%q, want it to start %q and end %q", got, got[max(0, len(got)-40):], tt.wantHead, tt.wantTail)
			}
			if len(tt.in) > tt.max && !strings.Contains(got, " bytes cut ...] ") {
				t.Errorf("boundText: got %.80q, want it to say how much was cut", got)
			}
		})
	}
}

// fakeChildEnv makes the test binary a stand-in for the child stage that
// talks over the sync socket on fd 3 (see TestMain).
const fakeChildEnv = "SANDBOX_TEST_FAKE_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(fakeChildEnv) {
	case "":
		os.Exit(m.Run())
	case "exit":
		os.Exit(3)
	case "error":
		send(os.NewFile(3, "sync"), message{Type: msgError, Error: "setup failed", Code: ExitSetup}, nil)
		os.Exit(1)
	case "exec":
		send(os.NewFile(3, "sync"), message{Type: msgExec}, nil)
		unix.CloseOnExec(3)
		unix.Exec("/bin/sh", []string{"sh", "-c", "exit 0"}, nil)
		os.Exit(2)
	case "explain":
		sync := os.NewFile(3, "sync")
		childExplain = explain.NewBuffer()
		for i := range fakeLines {
			childExplain.Note("step", strconv.Itoa(i))
		}
		childExplain.Note("long", strings.Repeat("x", 3*maxExplainText))
		send(sync, message{Type: msgExec}, nil)
		if err := awaitGoAhead(sync); err != nil {
			os.Exit(4)
		}
		unix.CloseOnExec(3)
		unix.Exec("/bin/sh", []string{"sh", "-c", "exit 0"}, nil)
		os.Exit(2)
	case "explain-error":
		childExplain = explain.NewBuffer()
		childExplain.Note("chdir", "/")
		send(os.NewFile(3, "sync"), message{Type: msgError, Error: "setup failed", Code: ExitSetup}, nil)
		os.Exit(1)
	}
}

// fakeLines is how many lines the fake child records: more than one
// explain packet holds.
const fakeLines = 2000

// TestAwaitExec tells a workload that runs from a child that ended before
// its exec without a word: the sync socket's end of file alone is both.
func TestAwaitExec(t *testing.T) {
	tests := []struct {
		mode, want string // want: part of the error, "" for success
	}{
		{"exec", ""},
		{"exit", "child stage ended before exec without a message (exit status 3)"},
		{"error", "setup failed"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p := startFakeChild(t, tt.mode, nil)
			err := p.AwaitExec()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("AwaitExec: got %v, want success", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("AwaitExec: got %v, want an error containing %q", err, tt.want)
			}
			var e *Error
			if tt.want != "" && (!errors.As(err, &e) || e.Code != ExitSetup) {
				t.Errorf("AwaitExec: got %#v, want an *Error with code %d", err, ExitSetup)
			}
			if p.proc != nil {
				p.proc.Wait()
			}
		})
	}
}

// startFakeChild starts the test binary as a fake child in mode, with x as
// the parent's recorder.
func startFakeChild(t *testing.T, mode string, x *explain.Recorder) *Process {
	t.Helper()
	parent, child, err := socketPair()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fakeChildEnv+"="+mode)
	cmd.ExtraFiles = []*os.File{child}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	p := &Process{cmd: cmd, proc: cmd.Process, sync: parent, sent: make(chan error, 1), x: x}
	p.sent <- nil
	return p
}

// TestAwaitExecExplain has a child send more explain lines than one packet
// holds, then wait for the go-ahead: the parent prints them all, in order,
// before it lets the child exec; and lines come before an error too.
func TestAwaitExecExplain(t *testing.T) {
	var out strings.Builder
	p := startFakeChild(t, "explain", explain.New(&out))
	if err := p.AwaitExec(); err != nil {
		t.Fatalf("AwaitExec: got %v, want success", err)
	}
	if code, err := p.Wait(); code != 0 || err != nil {
		t.Errorf("the fake child: got exit %d (%v), want 0: it execs only after the go-ahead", code, err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != fakeLines+1 {
		t.Fatalf("got %d lines, want %d", len(lines), fakeLines+1)
	}
	for i := 0; i < fakeLines; i++ {
		if want := explain.Line("step", strconv.Itoa(i)); lines[i] != want {
			t.Fatalf("line %d: got %q, want %q", i, lines[i], want)
		}
	}
	if long := lines[fakeLines]; len(long) > maxExplainText || !strings.Contains(long, " bytes cut ...] ") {
		t.Errorf("the long line: got %d bytes, want it cut to at most %d", len(long), maxExplainText)
	}
	if err := p.AwaitExec(); err != nil {
		t.Errorf("AwaitExec again: got %v, want the first call's nil", err)
	}

	out.Reset()
	p = startFakeChild(t, "explain-error", explain.New(&out))
	err := p.AwaitExec()
	if err == nil || err.Error() != "setup failed" || out.String() != explain.Line("chdir", "/")+"\n" {
		t.Errorf("got error %v after %q, want the chdir line, then setup failed", err, out.String())
	}
	if again := p.AwaitExec(); again != err {
		t.Errorf("AwaitExec again: got %v, want the first call's %v", again, err)
	}
}
