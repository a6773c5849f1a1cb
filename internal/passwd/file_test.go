package passwd

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	regular := write("passwd", "root:x:0:0::/root:/bin/sh\n")
	empty := write("empty", "")
	big := write("big", "")
	if err := os.Truncate(big, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		flags      int
		want       string // the content, or a part of the error
		wantErr    bool
	}{
		{"regular file", regular, 0, "root:x:0:0::/root:/bin/sh\n", false},
		{"empty file", empty, 0, "", false},
		{"link followed by the caller", link, 0, "root:x:0:0::/root:/bin/sh\n", false},
		{"link not followed", link, unix.O_NOFOLLOW, "is a symlink: an account file must be a regular file", true},
		{"directory", dir, 0, "is a directory: an account file must be a regular file", true},
		{"FIFO, without blocking", fifo, 0, "is a FIFO: an account file must be a regular file", true},
		{"character device, never opened", "/dev/null", 0, "is a character device: an account file must be a regular file", true},
		{"socket", sock, 0, "is a socket: an account file must be a regular file", true},
		{"too large", big, 0, "is 4194305 bytes long: account files are read up to 4194304", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := os.OpenFile(tt.path, unix.O_PATH|unix.O_CLOEXEC|tt.flags, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			done := make(chan struct{})
			var data []byte
			go func() {
				data, err = ReadFile(h)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) did not return", tt.path)
			}
			switch {
			case tt.wantErr && err == nil:
				t.Errorf("ReadFile(%s): got %q, want an error containing %q", tt.path, data, tt.want)
			case tt.wantErr && (!strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.path)):
				t.Errorf("ReadFile(%s): got error %q, want %s and %q", tt.path, err, tt.path, tt.want)
			case !tt.wantErr && err != nil:
				t.Errorf("ReadFile(%s): got error %v, want %q", tt.path, err, tt.want)
			case !tt.wantErr && string(data) != tt.want:
				t.Errorf("ReadFile(%s): got %q, want %q", tt.path, data, tt.want)
			}
		})
	}
}
