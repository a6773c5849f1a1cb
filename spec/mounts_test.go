package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseVolume(t *testing.T) {
	host := t.TempDir()
	file := filepath.Join(host, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bind := func(src, dst string, opts ...string) specs.Mount {
		return specs.Mount{Destination: dst, Type: "bind", Source: src, Options: append([]string{"rbind", "nodev"}, opts...)}
	}
	tests := []struct {
		name string
		in   string
		want specs.Mount
	}{
		{"read-write by default", host + ":/data", bind(host, "/data")},
		{"ro", host + ":/data:ro", bind(host, "/data", "ro")},
		{"rw", host + ":/data:rw", bind(host, "/data", "rw")},
		{"container path cleaned", host + ":/data/../srv//x/", bind(host, "/srv/x")},
		{"host path cleaned", host + "/./:/data", bind(host, "/data")},
		{"a file", file + ":/etc/app.conf:ro", bind(file, "/etc/app.conf", "ro")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVolume(tt.in)
			if err != nil {
				t.Fatalf("ParseVolume(%q): got error %v, want %+v", tt.in, err, tt.want)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseVolume(%q):\ngot  %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseVolumeRelativeHost(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	got, err := ParseVolume("data:/data")
	if err != nil {
		t.Fatalf("ParseVolume(data:/data): got error %v, want a mount", err)
	}
	want := filepath.Join(dir, "data")
	if !filepath.IsAbs(got.Source) || !sameFile(t, got.Source, want) {
		t.Errorf("ParseVolume(data:/data) source: got %q, want %q", got.Source, want)
	}
}

func TestParseVolumeErrors(t *testing.T) {
	host := t.TempDir()
	missing := filepath.Join(host, "missing")
	tests := []struct {
		name, in, want string
	}{
		{"host only", host, "write it as HOST:CONTAINER or HOST:CONTAINER:ro"},
		{"four fields", host + ":/a:ro:x", "write it as HOST:CONTAINER or HOST:CONTAINER:ro"},
		{"empty host", ":/data", "write it as HOST:CONTAINER or HOST:CONTAINER:ro"},
		{"empty container path", host + "::ro", "write it as HOST:CONTAINER or HOST:CONTAINER:ro"},
		{"empty", "", "write it as HOST:CONTAINER or HOST:CONTAINER:ro"},
		{"bad option", host + ":/data:rx", `unknown option "rx": use ro or rw`},
		{"upper-case option", host + ":/data:RO", `unknown option "RO": use ro or rw`},
		{"empty option", host + ":/data:", `unknown option "": use ro or rw`},
		{"missing host path", missing + ":/data", "host path " + missing + " does not exist: create it first"},
		{"relative container path", host + ":data", "container path data must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVolume(tt.in)
			if err == nil {
				t.Fatalf("ParseVolume(%q): got %+v, want error %q", tt.in, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseVolume(%q): got error %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseTmpfs(t *testing.T) {
	defaults := []string{"nosuid", "nodev", "noexec", "size=65536k"}
	tests := []struct {
		name     string
		in       string
		wantDst  string
		wantOpts []string
	}{
		{"path only", "/run", "/run", defaults},
		{"empty options", "/run:", "/run", defaults},
		{"options come after the defaults", "/tmp:size=1g,exec", "/tmp",
			[]string{"nosuid", "nodev", "noexec", "size=65536k", "size=1g", "exec"}},
		{"one option", "/var/cache:mode=1777", "/var/cache",
			[]string{"nosuid", "nodev", "noexec", "size=65536k", "mode=1777"}},
		{"path cleaned", "/var/../tmp/", "/tmp", defaults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTmpfs(tt.in)
			if err != nil {
				t.Fatalf("ParseTmpfs(%q): got error %v, want a mount", tt.in, err)
			}
			want := specs.Mount{Destination: tt.wantDst, Type: "tmpfs", Source: "tmpfs", Options: tt.wantOpts}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseTmpfs(%q):\ngot  %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseTmpfsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"relative", "tmp", "container path tmp must be absolute"},
		{"relative with options", "run:size=1m", "container path run must be absolute"},
		{"options only", ":size=1m", "container path  must be absolute"},
		{"empty", "", "container path  must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTmpfs(tt.in)
			if err == nil {
				t.Fatalf("ParseTmpfs(%q): got %+v, want error %q", tt.in, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseTmpfs(%q): got error %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestDefaultMountsAreFresh(t *testing.T) {
	a := DefaultMounts()
	a[0].Options[0] = "changed"
	b := DefaultMounts()
	if b[0].Options[0] != "nosuid" {
		t.Errorf("DefaultMounts after changing an earlier result: got %q, want %q", b[0].Options[0], "nosuid")
	}
}

// sameFile reports whether two paths name the same file, whatever symlinks
// lie on the way (t.TempDir may sit below one).
func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fa, fb)
}
