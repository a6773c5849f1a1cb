package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveRootfs(t *testing.T) {
	base := t.TempDir()
	real, err := filepath.EvalSymlinks(base)
	if err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(real, "rootfs")
	mustMkdir(t, rootfs)
	mustSymlink(t, "rootfs", filepath.Join(real, "link"))
	mustMkdir(t, filepath.Join(real, "images"))
	mustSymlink(t, "..", filepath.Join(real, "images", "up"))
	t.Chdir(real)

	tests := []struct {
		name, in, want string
	}{
		{"absolute", rootfs, rootfs},
		{"trailing slash", rootfs + "/", rootfs},
		{"relative to the working directory", "rootfs", rootfs},
		{"relative with dot segments", "./images/../rootfs/", rootfs},
		{"symlink resolved", filepath.Join(real, "link"), rootfs},
		{"relative symlink resolved", "link", rootfs},
		{"symlink in the middle", "images/up/rootfs", rootfs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveRootfs(tt.in)
			if err != nil {
				t.Fatalf("ResolveRootfs(%q): got error %v, want %q", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("ResolveRootfs(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolveRootfsErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "image.tar")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, filepath.Join(dir, "gone"), filepath.Join(dir, "dangling"))
	mustSymlink(t, "/", filepath.Join(dir, "hostroot"))
	mustSymlink(t, file, filepath.Join(dir, "tarlink"))

	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no rootfs given: name the directory that holds the container's files"},
		{"missing", filepath.Join(dir, "nope"),
			"rootfs " + filepath.Join(dir, "nope") + " does not exist: give the directory that holds the container's files"},
		{"missing parent", filepath.Join(dir, "a", "b"),
			"rootfs " + filepath.Join(dir, "a", "b") + " does not exist: give the directory that holds the container's files"},
		{"dangling symlink", filepath.Join(dir, "dangling"),
			"rootfs " + filepath.Join(dir, "dangling") + " does not exist: give the directory that holds the container's files"},
		{"regular file", file,
			"rootfs " + file + " is not a directory: give the directory that holds the container's files"},
		{"symlink to a regular file", filepath.Join(dir, "tarlink"),
			"rootfs " + filepath.Join(dir, "tarlink") +
				" is not a directory: give the directory that holds the container's files"},
		{"host root", "/", "rootfs / is the host's own root: give a separate directory"},
		{"host root, unclean", "//.//", "rootfs //.// is the host's own root: give a separate directory"},
		{"symlink to host root", filepath.Join(dir, "hostroot"),
			"rootfs " + filepath.Join(dir, "hostroot") + " is the host's own root: give a separate directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveRootfs(tt.in)
			if err == nil {
				t.Fatalf("ResolveRootfs(%q): got %q, want error %q", tt.in, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ResolveRootfs(%q): got error %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

// TestResolveRootfsMissingSaysDoesNotExist keeps the user-facing word the
// CLI documentation relies on, for a relative path too.
func TestResolveRootfsMissingSaysDoesNotExist(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := ResolveRootfs("no-such-rootfs")
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "no-such-rootfs") {
		t.Errorf("ResolveRootfs(no-such-rootfs): got %v, want an error naming it and saying it does not exist", err)
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
