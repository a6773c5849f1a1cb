package container

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/internal/explain"
	"sandbox/namespaces"
	"sandbox/state"
)

// Foreground is a container that lives as long as the sandbox process
// that runs it, as `sandbox run ROOTFS COMMAND` does: it has no id and no
// state record. Its cgroup, named by cgroups.RunID, goes when Wait or
// AwaitExec returns.
type Foreground struct {
	*namespaces.Process
	cg *cgroups.Manager
}

// StartForeground creates the container's cgroup and starts its init in
// it (see namespaces.Start), keeping compiled seccomp filters in the store's
// cache. On error nothing of the container remains. x, when not nil,
// records every step (namespaces.Options.Explain).
func StartForeground(store *state.Store, s *specs.Spec, stdio namespaces.Stdio,
	x *explain.Recorder) (*Foreground, error) {
	if os.Geteuid() == 0 {
		cgroups.Sweep()
	}
	cg, err := newCgroup(s, cgroups.RunID(os.Getpid()), x)
	if err != nil {
		return nil, &namespaces.Error{Code: namespaces.ExitSetup, Err: err}
	}
	p, err := namespaces.Start(s, namespaces.Options{
		Stdio: stdio, Place: place(cg, x), SeccompCache: store.SeccompCache(), Explain: x,
	})
	if err != nil {
		destroyCgroup(cg)
		return nil, err
	}
	return &Foreground{Process: p, cg: cg}, nil
}

// AwaitExec returns once the workload runs; on error the container and
// its cgroup are gone.
func (f *Foreground) AwaitExec() error {
	err := f.Process.AwaitExec()
	if err != nil {
		destroyCgroup(f.cg)
	}
	return err
}

// Wait waits for the workload to exit, then removes the cgroup with
// anything left in it, and returns the workload's exit status (see
// namespaces.Process.Wait). When the OOM killer ended any process of the
// container, the error is an *OOMError carrying that status.
func (f *Foreground) Wait() (int, error) {
	code, err := f.Process.Wait()
	oom := oomError(f.cg, code)
	if derr := destroyCgroup(f.cg); err == nil {
		err = derr
	}
	if err == nil && oom != nil {
		err = oom
	}
	return code, err
}

// OOMError reports that the kernel's OOM killer ended processes of the
// container at its memory limit.
type OOMError struct {
	Code int // the workload's exit status
	cgroups.OOM
}

func (e *OOMError) Error() string {
	limit := "no memory limit of its own (the host ran out)"
	if e.Limit >= 0 {
		limit = "its memory limit of " + formatBytes(e.Limit) + " (linux.resources.memory.limit, --memory)"
	}
	return fmt.Sprintf("out of memory: the kernel's OOM killer ended %d process(es) of the container, which reached %s",
		e.Kills, limit)
}

// Status is the status to exit with: the workload's own. (Not named
// ExitCode: urfave/cli would print and exit on its own for such an error.)
func (e *OOMError) Status() int { return e.Code }

func oomError(cg *cgroups.Manager, code int) *OOMError {
	if cg == nil {
		return nil
	}
	oom, err := cg.OOM()
	if err != nil || oom.Kills == 0 {
		return nil
	}
	return &OOMError{Code: code, OOM: oom}
}

// formatBytes writes n in the largest binary unit that divides it evenly
// enough to read: 64 MiB, 1.5 GiB, 4096 B.
func formatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// CheckOOM returns an *OOMError carrying code when the kernel's OOM killer
// ended processes of container id, and nil otherwise; call it before
// Delete, which removes the cgroup that counts them.
func CheckOOM(store *state.Store, id string, code int) error {
	c, err := store.Load(id)
	if err != nil || len(c.CgroupPaths) == 0 {
		return nil
	}
	cg, err := cgroups.Load(c.CgroupPaths)
	if err != nil {
		return nil
	}
	if e := oomError(cg, code); e != nil {
		return e
	}
	return nil
}
