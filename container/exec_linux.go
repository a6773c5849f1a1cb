package container

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/cgroups"
	"sandbox/namespaces"
	"sandbox/spec"
	"sandbox/state"
)

// ExecOptions are exec's settings beyond the process to run.
type ExecOptions struct {
	Stdio namespaces.Stdio

	// Detached leaves the process running after the caller exits.
	Detached bool

	// ConsoleSocket receives the pty master when the process asks for a
	// terminal.
	ConsoleSocket string
}

// Exec starts proc in every namespace of running container id, with the
// config the container was created from, and runs it up to its exec.
func Exec(store *state.Store, id string, proc *specs.Process, o ExecOptions) (*namespaces.Process, error) {
	c, err := store.Load(id)
	if err != nil {
		return nil, err
	}
	switch st := store.Status(c); st {
	case specs.StateRunning, specs.StateCreated:
	default:
		return nil, fmt.Errorf("container %s is %s: exec needs a running container", id, st)
	}
	s, err := store.LoadConfig(id)
	if err != nil {
		return nil, err
	}
	spec.InheritLimits(proc, s.Process)
	s.Process = proc
	if proc.Terminal && o.ConsoleSocket == "" && o.Detached {
		return nil, errors.New("a terminal for a detached exec needs --console-socket to receive it")
	}

	var cg *cgroups.Manager
	if len(c.CgroupPaths) > 0 {
		if cg, err = cgroups.Load(c.CgroupPaths); err != nil {
			return nil, err
		}
	}
	pidfd, err := openInit(c)
	if err != nil {
		return nil, err
	}
	defer pidfd.Close()
	p, err := namespaces.Exec(pidfd, c.Pid, s, namespaces.Options{
		Stdio: o.Stdio, Detached: o.Detached, Place: place(cg, nil), SeccompCache: store.SeccompCache(),
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
	return p, nil
}

// openInit opens a pidfd of the container's init and checks, once it is
// open, that the PID still belongs to that init: from then on the pidfd
// cannot come to name another process.
func openInit(c *state.Container) (*os.File, error) {
	fd, err := unix.PidfdOpen(c.Pid, 0)
	if err == nil && !c.Alive() {
		unix.Close(fd)
		err = unix.ESRCH
	}
	if errors.Is(err, unix.ESRCH) {
		return nil, fmt.Errorf("container %s is not running", c.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", c.ID, os.NewSyscallError("pidfd_open", err))
	}
	return os.NewFile(uintptr(fd), "pidfd"), nil
}
