package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func sh(script string) specs.Hook {
	return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", script}}
}

func TestRunPassesStateAndStops(t *testing.T) {
	out := filepath.Join(t.TempDir(), "log")
	hs := []specs.Hook{sh("cat >> " + out), sh("echo boom >&2; exit 3"), sh("echo never >> " + out)}
	err := Run(CreateRuntime, hs, &specs.State{ID: "c", Status: specs.StateCreated})
	if err == nil || !strings.Contains(err.Error(), "createRuntime hook 1 (/bin/sh): exit status 3: boom") {
		t.Errorf("got %v, want the second hook's failure with its stderr", err)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), `"id":"c"`) || strings.Contains(string(data), "never") {
		t.Errorf("log: got %q, want the state from the first hook and nothing from the third", data)
	}
}

func TestRunEachGoesOn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "log")
	hs := []specs.Hook{sh("exit 1"), sh("echo second >> " + out)}
	if err := RunEach(Poststop, hs, &specs.State{}); err == nil {
		t.Error("got no error, want the first hook's")
	}
	if data, _ := os.ReadFile(out); string(data) != "second\n" {
		t.Errorf("got %q, want the second hook to run", data)
	}
}

func TestTimeout(t *testing.T) {
	one := 1
	h := sh("sleep 30 & sleep 30")
	h.Timeout = &one
	err := Run(Prestart, []specs.Hook{h}, &specs.State{})
	if err == nil || !strings.Contains(err.Error(), "killed after its timeout of 1s") {
		t.Errorf("got %v, want the timeout", err)
	}
}

func TestValidate(t *testing.T) {
	zero := 0
	for _, tc := range []struct {
		hooks *specs.Hooks
		want  string
	}{
		{&specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true"}}}, ""},
		{&specs.Hooks{Poststop: []specs.Hook{{Path: "bin/true"}}}, `hooks.poststop[0].path "bin/true" must be absolute`},
		{&specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/x", Timeout: &zero}}}, "hooks.createRuntime[0].timeout 0 must be above 0 seconds"},
	} {
		err := Validate(&specs.Spec{Hooks: tc.hooks})
		if (tc.want == "") != (err == nil) || (err != nil && err.Error() != tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}
