package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
		{"dev/shm", host + ":/dev/shm", bind(host, "/dev/shm")},
		{"a name of one's own under /dev", host + ":/dev/data", bind(host, "/dev/data")},
		{"a prefix of a runtime name", host + ":/dev/nullish", bind(host, "/dev/nullish")},
		{"dev/shm", host + ":/dev/shm", bind(host, "/dev/shm")},
		{"a name of one's own under /dev", host + ":/dev/data", bind(host, "/dev/data")},
		{"a prefix of a runtime name", host + ":/dev/nullish", bind(host, "/dev/nullish")},
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
		{"over /dev", host + ":/dev", "/dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"over /dev, uncleaned", host + ":/x/../dev/", "/dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"over /dev/pts", host + ":/dev/pts", "/dev/pts is set up by sandbox itself: mount somewhere else"},
		{"over a device", host + ":/dev/urandom", "/dev/urandom is set up by sandbox itself: mount somewhere else"},
		{"over a link", host + ":/dev/stdout:ro", "/dev/stdout is set up by sandbox itself: mount somewhere else"},
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
		{"flags that restrict or change nothing", "/t:ro,rw,nosuid,nodev,noexec,exec,noatime,relatime,strictatime,nodiratime",
			"/t", append(slices.Clone(defaults), "ro", "rw", "nosuid", "nodev", "noexec", "exec",
				"noatime", "relatime", "strictatime", "nodiratime")},
		{"tmpfs data options", "/t:size=50%,nr_blocks=10k,nr_inodes=1M,mode=0700,uid=1000,gid=100,huge=within_size",
			"/t", append(slices.Clone(defaults), "size=50%", "nr_blocks=10k", "nr_inodes=1M", "mode=0700",
				"uid=1000", "gid=100", "huge=within_size")},
		{"dev/shm is the user's", "/dev/shm:size=1g", "/dev/shm", append(slices.Clone(defaults), "size=1g")},
		{"a name of one's own under /dev", "/dev/scratch", "/dev/scratch", defaults},
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
		{"dev", "/x:dev", "option dev is refused: it would let device nodes made there open host devices"},
		{"dev after others", "/x:size=1m,dev", "option dev is refused: it would let device nodes made there open host devices"},
		{"suid", "/x:suid", "option suid is refused: it would let setuid programs there gain privileges"},
		{"bind", "/x:bind", "option bind is refused: a tmpfs is not a bind mount: use --volume to share a host path"},
		{"rbind", "/x:rbind", "option rbind is refused: a tmpfs is not a bind mount: use --volume to share a host path"},
		{"remount", "/x:remount", "option remount is refused: a tmpfs is always a new mount"},
		{"propagation", "/x:rshared", "option rshared is not accepted: use ro, rw, nosuid, nodev, noexec, exec, " +
			"noatime, relatime, strictatime, nodiratime, or gid=, huge=, mode=, nr_blocks=, nr_inodes=, size=, uid=VALUE"},
		{"other filesystem flag", "/x:mand", "option mand is not accepted: use ro, rw, nosuid, nodev, noexec, exec, " +
			"noatime, relatime, strictatime, nodiratime, or gid=, huge=, mode=, nr_blocks=, nr_inodes=, size=, uid=VALUE"},
		{"size not a number", "/x:size=abc", "option size=abc: give bytes, with an optional k, m or g suffix, " +
			"or a percentage of RAM such as 50%"},
		{"size with two suffixes", "/x:size=1mk", "option size=1mk: give bytes, with an optional k, m or g suffix, " +
			"or a percentage of RAM such as 50%"},
		{"size without a value", "/x:size", "option size: give bytes, with an optional k, m or g suffix, " +
			"or a percentage of RAM such as 50%"},
		{"nr_inodes as a percentage", "/x:nr_inodes=5%", "option nr_inodes=5%: give a count, with an optional k, m or g suffix"},
		{"mode not octal", "/x:mode=888", "option mode=888: give an octal mode such as 1777"},
		{"mode too large", "/x:mode=17777", "option mode=17777: give an octal mode such as 1777"},
		{"uid negative", "/x:uid=-1", "option uid=-1: give a number from 0 to 4294967294"},
		{"gid a name", "/x:gid=users", "option gid=users: give a number from 0 to 4294967294"},
		{"huge unknown", "/x:huge=yes", "option huge=yes: give never, always, within_size or advise"},
		{"over /dev", "/dev", "/dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"over /dev, uncleaned", "/dev/./", "/dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"over /dev/pts", "/dev/pts", "/dev/pts is set up by sandbox itself: mount somewhere else"},
		{"under /dev/pts", "/dev/pts/x", "/dev/pts/x is set up by sandbox itself: mount somewhere else"},
		{"over a device", "/dev/null", "/dev/null is set up by sandbox itself: mount somewhere else"},
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
