package inspect

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"

	"golang.org/x/sys/unix"
)

// maxDevices is how many entries of /dev a report lists: a container can
// fill its /dev with any number of files, and the report must stay
// readable and its reading bounded.
const maxDevices = 64

// openRoot opens the root directory of process pid as an O_PATH descriptor.
// Every later path is resolved from it with openat2(2) and RESOLVE_IN_ROOT,
// so a symlink the process planted (an absolute one, or "..") can never
// lead the walk out of its root and onto the host's files, as a path
// string under /proc/PID/root could.
func openRoot(pid int) (*os.File, error) {
	name := "/proc/" + strconv.Itoa(pid) + "/root"
	fd, err := unix.Open(name, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// openIn opens point, an absolute path in the process's view, below root
// without following any symlink: a mount point the kernel names in
// mountinfo has none on its path, so one found there now is a link the
// process planted.
func openIn(root *os.File, point string, flags uint64) (*os.File, error) {
	how := unix.OpenHow{Flags: flags | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := unix.Openat2(int(root.Fd()), point, &how)
	if err != nil {
		return nil, &os.PathError{Op: "openat2", Path: point, Err: err}
	}
	return os.NewFile(uintptr(fd), point), nil
}

// devices lists at most maxDevices entries of /dev, as the process whose
// root is root sees it: its device nodes (char and block) first, then the
// rest, each part in name order, so that no number of other files can push
// a node out of view; nodesMore and othersMore count what was left out of
// each part. /dev itself and its entries are never followed if symlinks: a
// /dev that is a link is reported as such (with its target), not listed.
func devices(root *os.File) (list []Device, nodesMore, othersMore int, err error) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(root.Fd()), "dev", &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, 0, 0, &os.PathError{Op: "lstat", Path: "/dev", Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		target, _ := readlinkAt(root, "dev")
		return nil, 0, 0, fmt.Errorf("/dev is a symlink to %s: not followed", strconv.Quote(target))
	}
	dir, err := openIn(root, "/dev", unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, 0, 0, err
	}
	defer dir.Close()

	nodes, others, err := firstEntries(dir, maxDevices)
	if err != nil {
		return nil, 0, 0, err
	}
	nodesMore, othersMore = nodes.more, others.more
	if room := maxDevices - len(nodes.names); len(others.names) > room {
		othersMore += len(others.names) - room
		others.names = others.names[:room]
	}
	list = []Device{}
	for _, n := range append(nodes.names, others.names...) {
		if d, ok := device(dir, n); ok {
			list = append(list, d)
		}
	}
	return list, nodesMore, othersMore, nil
}

// firstN is the limit smallest names of a kind, sorted, and how many
// more there were.
type firstN struct {
	names []string
	more  int
}

// firstEntries reads a directory in batches and keeps the limit smallest
// names of its device nodes and of its other entries. The type comes from
// lstat, not from the directory entry: a node bind-mounted over a file
// (the way runtimes give a container /dev/null) is listed by the
// directory as the file beneath it. Memory stays bounded by twice limit
// and one batch, whatever the directory holds.
func firstEntries(dir *os.File, limit int) (nodes, others firstN, err error) {
	for {
		batch, err := dir.Readdirnames(256)
		for _, n := range batch {
			kind := &others
			if isNode(dir, n) {
				kind = &nodes
			}
			kind.names, kind.more = keepFirst(kind.names, n, limit, kind.more)
		}
		if errors.Is(err, io.EOF) || (err == nil && len(batch) == 0) {
			return nodes, others, nil
		}
		if err != nil {
			return firstN{}, firstN{}, err
		}
	}
}

// isNode reports whether the entry name of dir is a character or block
// device, by lstat.
func isNode(dir *os.File, name string) bool {
	var st unix.Stat_t
	if unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return false
	}
	t := st.Mode & unix.S_IFMT
	return t == unix.S_IFCHR || t == unix.S_IFBLK
}

// keepFirst adds name to sorted, a sorted list of at most limit names,
// dropping the greatest when it overflows; dropped counts what was left
// out.
func keepFirst(sorted []string, name string, limit, dropped int) ([]string, int) {
	i := sort.SearchStrings(sorted, name)
	if i >= limit {
		return sorted, dropped + 1
	}
	sorted = append(sorted, "")
	copy(sorted[i+1:], sorted[i:])
	sorted[i] = name
	if len(sorted) > limit {
		return sorted[:limit], dropped + 1
	}
	return sorted, dropped
}

// device describes the entry name of dir, by lstat: a symlink is read,
// never followed. The second result is false when the entry is gone.
func device(dir *os.File, name string) (Device, bool) {
	var st unix.Stat_t
	if unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return Device{}, false
	}
	d := Device{Name: name, Mode: os.FileMode(st.Mode & 0o777).String()}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		d.Type, d.Major, d.Minor = "char", unix.Major(st.Rdev), unix.Minor(st.Rdev)
	case unix.S_IFBLK:
		d.Type, d.Major, d.Minor = "block", unix.Major(st.Rdev), unix.Minor(st.Rdev)
	case unix.S_IFDIR:
		d.Type = "dir"
	case unix.S_IFLNK:
		d.Type = "symlink"
		d.Target, _ = readlinkAt(dir, name)
	case unix.S_IFIFO:
		d.Type = "fifo"
	case unix.S_IFSOCK:
		d.Type = "socket"
	default:
		d.Type = "file"
	}
	return d, true
}

func readlinkAt(dir *os.File, name string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(int(dir.Fd()), name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// rootProbe answers Probe's questions inside a process's root, opened by
// openRoot; a path with a symlink on it answers no.
type rootProbe struct{ root *os.File }

// IsNullDevice reports whether point is the character device 1:3.
func (p rootProbe) IsNullDevice(point string) bool {
	f, err := openIn(p.root, point, unix.O_PATH)
	if err != nil {
		return false
	}
	defer f.Close()
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && unix.Major(st.Rdev) == 1 && unix.Minor(st.Rdev) == 3
}

// IsEmptyDir reports whether point is a directory with no entries; it
// reads one entry at most.
func (p rootProbe) IsEmptyDir(point string) bool {
	f, err := openIn(p.root, point, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	return errors.Is(err, io.EOF)
}
