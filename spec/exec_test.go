package spec

import (
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestExecProcess(t *testing.T) {
	base := &specs.Process{
		Args: []string{"sleep", "1000"}, Env: []string{"PATH=/bin"}, Cwd: "/",
		User:            specs.User{UID: 0, GID: 0},
		Capabilities:    &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_KILL"}, Permitted: []string{"CAP_KILL"}},
		NoNewPrivileges: true,
	}
	tests := []struct {
		name  string
		o     ExecOptions
		check func(t *testing.T, p *specs.Process)
	}{
		{"args and env", ExecOptions{Args: []string{"ls"}, Env: []string{"A=b"}}, func(t *testing.T, p *specs.Process) {
			if !reflect.DeepEqual(p.Args, []string{"ls"}) || !reflect.DeepEqual(p.Env, []string{"PATH=/bin", "A=b"}) {
				t.Errorf("got args %v env %v", p.Args, p.Env)
			}
		}},
		{"user and gids", ExecOptions{Args: []string{"id"}, User: "1000:27", AdditionalGids: []string{"5", "5"}}, func(t *testing.T, p *specs.Process) {
			want := specs.User{UID: 1000, GID: 27, AdditionalGids: []uint32{5}}
			if !reflect.DeepEqual(p.User, want) {
				t.Errorf("got %+v, want %+v", p.User, want)
			}
		}},
		{"uid only keeps the gid", ExecOptions{Args: []string{"id"}, User: "7"}, func(t *testing.T, p *specs.Process) {
			if p.User.UID != 7 || p.User.GID != 0 {
				t.Errorf("got %+v, want uid 7 gid 0", p.User)
			}
		}},
		{"cap for root", ExecOptions{Args: []string{"x"}, Caps: []string{"net_raw"}}, func(t *testing.T, p *specs.Process) {
			c := p.Capabilities
			if !reflect.DeepEqual(c.Effective, []string{"CAP_KILL", "CAP_NET_RAW"}) || len(c.Ambient) != 0 {
				t.Errorf("got %+v", c)
			}
		}},
		{"cap for a user is ambient", ExecOptions{Args: []string{"x"}, User: "1000", Caps: []string{"CAP_NET_RAW"}}, func(t *testing.T, p *specs.Process) {
			c := p.Capabilities
			if !reflect.DeepEqual(c.Ambient, []string{"CAP_NET_RAW"}) || !reflect.DeepEqual(c.Inheritable, []string{"CAP_NET_RAW"}) {
				t.Errorf("got %+v", c)
			}
		}},
		{"cwd and tty", ExecOptions{Args: []string{"x"}, Cwd: "/tmp", TTY: true}, func(t *testing.T, p *specs.Process) {
			if p.Cwd != "/tmp" || !p.Terminal || !p.NoNewPrivileges {
				t.Errorf("got cwd %q terminal %v nnp %v", p.Cwd, p.Terminal, p.NoNewPrivileges)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ExecProcess(base, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
			if len(base.Env) != 1 || len(base.Capabilities.Effective) != 1 || base.User.UID != 0 {
				t.Errorf("base process changed: %+v", base)
			}
		})
	}
}

func TestExecProcessErrors(t *testing.T) {
	base := &specs.Process{Args: []string{"sh"}, Cwd: "/"}
	for _, c := range []struct {
		o    ExecOptions
		want string
	}{
		{ExecOptions{}, "needs a command"},
		{ExecOptions{Args: []string{"x"}, User: "alice"}, "numeric UID[:GID]"},
		{ExecOptions{Args: []string{"x"}, User: "-1"}, "out of range"},
		{ExecOptions{Args: []string{"x"}, User: "1:g"}, `gid "g": give a number`},
		{ExecOptions{Args: []string{"x"}, AdditionalGids: []string{"4294967296"}}, "out of range"},
		{ExecOptions{Args: []string{"x"}, Caps: []string{"NOPE"}}, `unknown capability "NOPE"`},
	} {
		if _, err := ExecProcess(base, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error with %q", c.o, err, c.want)
		}
	}
}

func TestParseProcess(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"args":["a"],"cwd":"/"}`, ""},
		{`{"args":[],"cwd":"/"}`, "args is empty"},
		{`{"args":["a"]}`, "cwd is empty"},
		{`{"args":"a"}`, "field args"},
		{`{`, "not valid JSON"},
	} {
		_, err := ParseProcess([]byte(c.in))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.in, err, c.want)
		}
	}
}
