package container

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
	"sandbox/internal/explain"
	"sandbox/namespaces"
	"sandbox/rootfs"
	"sandbox/state"
)

// CreateOptions are create's settings beyond the config.
type CreateOptions struct {
	Bundle      string
	Stdio       namespaces.Stdio
	PreserveFDs []*os.File

	// ConsoleSocket receives the pty master when the config asks for a
	// terminal (process.terminal).
	ConsoleSocket string

	// NoNewKeyring keeps the caller's session keyring.
	NoNewKeyring bool

	// Foreground keeps the container tied to the calling process, as
	// `run --bundle` does: it dies if sandbox dies.
	Foreground bool

	// Explain records every step (namespaces.Options.Explain); foreground
	// only. The caller must then wait for the exec (AwaitExec) while Start
	// runs: the child waits before its execve for the parent to print its
	// last lines, and Start returns only after that execve.
	Explain *explain.Recorder
}

// Create sets up container id from s and leaves its init waiting for
// Start, in the container's cgroup. On error nothing remains: no process,
// no mount, no cgroup, no state.
func Create(store *state.Store, id string, s *specs.Spec, o CreateOptions) (*namespaces.Process, error) {
	lock, err := store.Create(id)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()

	p, err := create(store, id, s, o)
	if err != nil {
		if uerr := rootfs.Unmount(mountBase(store, id)); uerr != nil {
			return nil, errors.Join(err, uerr) // and the state stays, for delete
		}
		store.Remove(id)
		return nil, err
	}
	return p, nil
}

func create(store *state.Store, id string, s *specs.Spec, o CreateOptions) (*namespaces.Process, error) {
	if o.ConsoleSocket != "" && !s.Process.Terminal {
		return nil, fmt.Errorf("--console-socket needs a terminal: set process.terminal in the config, or drop the socket")
	}
	if s.Process.Terminal && o.ConsoleSocket == "" && !o.Foreground {
		return nil, fmt.Errorf("process.terminal is set: give --console-socket to receive the terminal, or --detach=false")
	}
	cg, err := newCgroup(s, id, o.Explain)
	if err != nil {
		return nil, err
	}
	p, err := launch(store, id, s, o, cg)
	if err != nil {
		destroyCgroup(cg)
		return nil, err
	}
	return p, nil
}

// launch starts the init in cg and records the container.
func launch(store *state.Store, id string, s *specs.Spec, o CreateOptions,
	cg *cgroups.Manager) (*namespaces.Process, error) {
	p, err := namespaces.Start(s, namespaces.Options{
		Stdio: o.Stdio, Detached: !o.Foreground, ExecFifo: store.FifoPath(id), PreserveFDs: o.PreserveFDs,
		State: specs.State{ID: id, Bundle: o.Bundle, Annotations: s.Annotations}, NoNewKeyring: o.NoNewKeyring,
		MountBase: mountBase(store, id),
		Place:     place(cg, o.Explain), SeccompCache: store.SeccompCache(), Explain: o.Explain,
	})
	if err != nil {
		return nil, err
	}
	if p.Pty() != nil && o.ConsoleSocket != "" {
		if err := sendConsole(o.ConsoleSocket, p.Pty()); err != nil {
			p.Kill()
			return nil, err
		}
	}
	if err := p.AwaitReady(); err != nil {
		return nil, err
	}

	c := &state.Container{
		ID: id, Bundle: o.Bundle, Pid: p.Pid(), Created: time.Now(),
		Owner: owner(), Annotations: s.Annotations, CgroupPaths: cgroupPaths(cg),
	}
	start, ok := state.StartTime(c.Pid)
	if !ok {
		p.Kill()
		return nil, fmt.Errorf("container %s: its init died during create", id)
	}
	c.InitStart = start
	if err := store.SaveConfig(id, s); err != nil {
		p.Kill()
		return nil, err
	}
	if err := store.Save(c); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

// mountBase is where a container without a mount namespace has its mounts
// (rootfs.Prepare), in its state directory, which only the runtime uses.
func mountBase(store *state.Store, id string) string {
	return filepath.Join(store.Dir(id), "rootfs")
}

// owner is the name of the user that created the container.
func owner() string {
	uid := strconv.Itoa(os.Geteuid())
	if u, err := user.LookupId(uid); err == nil {
		return u.Username
	}
	return uid
}
