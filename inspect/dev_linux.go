package inspect

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// devices lists /dev as process pid sees it, through /proc/PID/root, whose
// path walk runs in the process's root and mount namespace. Entries are
// read with lstat: a symlink is reported, never followed, so a link
// planted in the rootfs cannot send the reader elsewhere on the host.
func devices(pid int) ([]Device, error) {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "root/dev")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := []Device{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, device(dir, info))
	}
	return out, nil
}

func device(dir string, info fs.FileInfo) Device {
	d := Device{Name: info.Name(), Mode: info.Mode().Perm().String()}
	switch m := info.Mode(); {
	case m&fs.ModeCharDevice != 0:
		d.Type = "char"
	case m&fs.ModeDevice != 0:
		d.Type = "block"
	case m.IsDir():
		d.Type = "dir"
	case m&fs.ModeSymlink != 0:
		d.Type = "symlink"
		d.Target, _ = os.Readlink(filepath.Join(dir, info.Name()))
	case m&fs.ModeNamedPipe != 0:
		d.Type = "fifo"
	case m&fs.ModeSocket != 0:
		d.Type = "socket"
	default:
		d.Type = "file"
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && (d.Type == "char" || d.Type == "block") {
		d.Major, d.Minor = unix.Major(st.Rdev), unix.Minor(st.Rdev)
	}
	return d
}

// rootProbe answers Probe's questions through /proc/PID/root.
type rootProbe string

// IsNullDevice lstats the path in the process's view.
func (r rootProbe) IsNullDevice(point string) bool {
	var st unix.Stat_t
	if unix.Lstat(string(r)+point, &st) != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && unix.Major(st.Rdev) == 1 && unix.Minor(st.Rdev) == 3
}

// IsEmptyDir lists the path in the process's view.
func (r rootProbe) IsEmptyDir(point string) bool {
	entries, err := os.ReadDir(string(r) + point)
	return err == nil && len(entries) == 0
}
