package namespaces

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
	"sandbox/spec"
)

// The child writes process.oomScoreAdj and linux.sysctl into /proc after
// pivot_root, never through a path of the container's /proc: a container
// whose /proc is fake, or has a file bound over the one written, would
// have the runtime's root write land elsewhere (CVE-2019-16884,
// CVE-2019-19921; B05 in the bug cases). For exec that /proc is under the
// container's control; for a new container it is the one the child just
// mounted, with /proc/sys read-only on top.
//
// So each write goes through pathrs-lite's procfs handle: a procfs
// instance of the child's own, made with fsopen(2) and never attached to
// any path, or, where a new instance is refused (mount_too_revealing in a
// user namespace), a detached clone of the /proc mount without the mounts
// on top. The library checks the handle's root to be procfs (statfs magic
// and root inode) and walks below it with openat2(RESOLVE_NO_XDEV), so
// nothing mounted over a file is followed. The file opened for writing is
// checked once more, by fstatfs(2), to be on procfs.
//
// Which files are reached does not depend on the procfs instance: a sysctl
// file acts on the namespaces of the process that opens it, and
// /proc/self on that process.

// setOOMScoreAdj writes process.oomScoreAdj for the child, which the
// workload inherits.
func setOOMScoreAdj(adj *int, x *explain.Recorder) error {
	if adj == nil {
		return nil
	}
	open := func(h *procfs.Handle) (*os.File, error) { return h.OpenSelf("oom_score_adj") }
	err := writeProc(open, strconv.Itoa(*adj))
	if errors.Is(err, unix.EACCES) {
		return fmt.Errorf("process.oomScoreAdj %d: below the score sandbox runs with, the kernel asks for "+
			"CAP_SYS_RESOURCE, which sandbox lacks here: ask for a higher score", *adj)
	}
	if err != nil {
		return fmt.Errorf("process.oomScoreAdj %d: %w", *adj, err)
	}
	x.WriteProcInt("/proc/self/oom_score_adj", *adj)
	return nil
}

// setSysctls writes linux.sysctl, in the order of the keys. spec.Validate
// has allowed only keys that live in a namespace of the container's own.
func setSysctls(sysctls map[string]string, x *explain.Recorder) error {
	keys := make([]string, 0, len(sysctls))
	for k := range sysctls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		name := "sys/" + spec.SysctlPath(key)
		open := func(h *procfs.Handle) (*os.File, error) { return h.OpenRoot(name) }
		err := writeProc(open, sysctls[key])
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("linux.sysctl %s: no such setting in the container's %s namespace",
				key, spec.SysctlNamespace(key))
		}
		if err != nil {
			return fmt.Errorf("linux.sysctl %s=%s: %w", key, sysctls[key], err)
		}
		if x.On() {
			x.WriteProc("/proc/"+name, sysctls[key])
		}
	}
	return nil
}

// writeProc writes value to the procfs file that open finds below a
// verified procfs handle.
func writeProc(open func(*procfs.Handle) (*os.File, error), value string) error {
	h, err := procfs.OpenProcRoot()
	if err != nil {
		return fmt.Errorf("open a procfs handle: %w", err)
	}
	defer h.Close()
	path, err := open(h)
	if err != nil {
		return err
	}
	defer path.Close()
	f, err := pathrs.Reopen(path, unix.O_WRONLY|unix.O_CLOEXEC)
	if err != nil {
		return err
	}
	defer f.Close()

	var fs unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &fs); err != nil {
		return &os.PathError{Op: "fstatfs", Path: f.Name(), Err: err}
	}
	if fs.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("%s is not on procfs (filesystem type %#x): refusing to write it", f.Name(), fs.Type)
	}
	_, err = f.WriteString(value)
	return err
}
