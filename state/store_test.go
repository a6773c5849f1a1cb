package state

import (
	"errors"
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want string
	}{
		{"web", ""},
		{"a.b_c+d-1", ""},
		{"", "container id is empty"},
		{".hidden", "id"},
		{"a/b", "id"},
		{"..", "id"},
		{strings.Repeat("x", 255), ""},
		{strings.Repeat("x", 256), "container id is 256 characters long: keep it to 255"},
	} {
		err := ValidateID(tc.id)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("ValidateID(%.20q): got %v, want %q", tc.id, err, tc.want)
		}
	}
}

// TestStoreRoundTrip: a record and its config come back as saved, a second
// create of the id fails with ErrExist, and Remove leaves nothing.
func TestStoreRoundTrip(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	lock, err := s.Create("c1")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.FifoPath("c1")); err != nil || fi.Mode().Perm() != 0o622 || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("exec fifo: got %v, %v; want a fifo with mode 0622", fi, err)
	}
	c := &Container{ID: "c1", Bundle: "/b", Pid: 42, Annotations: map[string]string{"k": "v"}}
	if err := s.Save(c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConfig("c1", &specs.Spec{Version: "1.0.2", Hostname: "h"}); err != nil {
		t.Fatal(err)
	}
	lock.Unlock()

	got, err := s.Load("c1")
	if err != nil || got.Pid != 42 || got.Bundle != "/b" || got.Annotations["k"] != "v" {
		t.Errorf("Load: got %+v, %v", got, err)
	}
	if cfg, err := s.LoadConfig("c1"); err != nil || cfg.Hostname != "h" {
		t.Errorf("LoadConfig: got %+v, %v", cfg, err)
	}
	if _, err := s.Create("c1"); !errors.Is(err, ErrExist) {
		t.Errorf("second Create: got %v, want ErrExist", err)
	}
	if ids, err := s.List(); err != nil || len(ids) != 1 || ids[0] != "c1" {
		t.Errorf("List: got %v, %v", ids, err)
	}
	if err := s.Remove("c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("c1"); !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), "container c1 does not exist") {
		t.Errorf("Load after Remove: got %v, want ErrNotExist naming c1", err)
	}
}
