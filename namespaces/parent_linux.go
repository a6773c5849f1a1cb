package namespaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/rootfs"
	"sandbox/spec"
)

// Exit statuses sandbox reports for its own failures, the docker convention.
const (
	ExitSetup       = 125 // the runtime failed before the workload started
	ExitCannotExec  = 126 // the command exists but cannot be executed
	ExitNotFound    = 127 // the command is not in the rootfs
	exitSignalShift = 128 // a workload killed by signal N exits 128+N
)

// Error is a failed container start, with the exit status to report.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func setupError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: ExitSetup, Err: err}
}

// Stdio are the container's standard streams. They are handed to the child
// as they are, so pipes and files pass straight through; with a terminal
// they are ignored and the container gets the pty instead.
type Stdio struct {
	In, Out, Err *os.File
}

// Options say how a container is launched, beyond its config.
type Options struct {
	Stdio Stdio

	// Detached leaves the container running after the calling sandbox
	// exits, as create does: no parent-death signal, and the child does
	// not check for its parent before the exec.
	Detached bool

	// ExecFifo, when set, is a fifo that the child opens for writing once
	// everything but the exec is done. The open blocks until start opens
	// it for reading; only then does the workload run.
	ExecFifo string

	// PreserveFDs are extra descriptors the workload inherits, as 3, 4...
	PreserveFDs []*os.File
}

// Process is a container whose child stage runs, from Start until Wait.
type Process struct {
	cmd  *exec.Cmd   // the child stage we started
	proc *os.Process // the container process: cmd's, or for exec its child's
	sync *os.File
	pty  *os.File
	sent chan error // the config writer's result
}

// Start creates the container's namespaces and runs the child stage up to
// the point where only the exec of the workload is left (see the package
// doc). On error nothing of the container remains: the child is killed and
// reaped, and its mounts vanish with its mount namespace.
//
// Start locks the calling goroutine to its OS thread for good: the kernel
// sends the child's parent-death signal when the thread that forked it
// exits (golang/go#27505), so that thread must live as long as the
// container. Call it from the goroutine that will call Wait.
func Start(s *specs.Spec, o Options) (*Process, error) {
	p, err := start(s, o)
	return p, setupError(err)
}

func start(s *specs.Spec, o Options) (*Process, error) {
	if err := spec.Validate(s); err != nil {
		return nil, err
	}
	flags, err := CloneFlags(s.Linux.Namespaces)
	if err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 && flags&unix.CLONE_NEWUSER == 0 {
		return nil, errors.New("creating namespaces needs root: run sandbox as root, or add --userns to use a user namespace")
	}
	if flags&unix.CLONE_NEWUSER != 0 {
		if err := rootfs.CreateMountpoints(s); err != nil {
			return nil, err
		}
	}
	var fifo *os.File
	if o.ExecFifo != "" {
		if fifo, err = os.OpenFile(o.ExecFifo, unix.O_PATH|unix.O_CLOEXEC, 0); err != nil {
			return nil, fmt.Errorf("exec fifo: %w", err)
		}
		defer fifo.Close()
	}
	c := newChildConfig(s)
	c.Detached = o.Detached
	c.HasFifo = fifo != nil
	config, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}

	parentSock, childSock, err := socketPair()
	if err != nil {
		return nil, err
	}
	configR, configW, err := os.Pipe()
	if err != nil {
		parentSock.Close()
		childSock.Close()
		return nil, err
	}
	// The config goes into the pipe while the child starts, so it is there
	// when the child looks; a config larger than the pipe waits for it.
	sent := make(chan error, 1)
	go func() {
		_, err := configW.Write(config)
		configW.Close()
		sent <- err
	}()

	cmd := childCommand(s, flags, o, configR, childSock, fifo)
	if !o.Detached {
		runtime.LockOSThread()
	}
	err = cmd.Start()
	configR.Close()
	childSock.Close()
	if err != nil {
		<-sent
		parentSock.Close()
		return nil, cloneError(err)
	}

	p := &Process{cmd: cmd, proc: cmd.Process, sync: parentSock, sent: sent}
	if s.Process.Terminal {
		if err := p.awaitPty(); err != nil {
			p.abort()
			return nil, err
		}
	}
	return p, nil
}

func socketPair() (*os.File, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return os.NewFile(uintptr(fds[0]), "sync-parent"), os.NewFile(uintptr(fds[1]), "sync-child"), nil
}

// childCommand is the re-exec of our own binary as the child stage. The
// preserved descriptors come first, from 3, so they need not move; the
// child's own follow, and argv[2] says where they start.
func childCommand(s *specs.Spec, flags uintptr, o Options, config, sync, fifo *os.File) *exec.Cmd {
	files := append(append([]*os.File{}, o.PreserveFDs...), config, sync)
	if fifo != nil {
		files = append(files, fifo)
	}
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"sandbox", "init", strconv.Itoa(3 + len(o.PreserveFDs))},
		// The child stage is short-lived: one thread of Go work, no GC.
		Env:         []string{"GOMAXPROCS=1", "GOGC=off"},
		ExtraFiles:  files,
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: flags},
	}
	if !o.Detached {
		// If sandbox dies, so does the container (B20). The child arms it
		// again after its uid changes, which clears it.
		cmd.SysProcAttr.Pdeathsig = unix.SIGKILL
	}
	if !s.Process.Terminal {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdio.In, o.Stdio.Out, o.Stdio.Err
	}
	if flags&unix.CLONE_NEWUSER != 0 {
		cmd.SysProcAttr.UidMappings = sysMaps(s.Linux.UIDMappings)
		cmd.SysProcAttr.GidMappings = sysMaps(s.Linux.GIDMappings)
		// Root of the host may allow setgroups(2), which --group-add and
		// supplementary groups need; an unprivileged caller must deny it
		// before the kernel accepts its gid_map (user_namespaces(7)).
		cmd.SysProcAttr.GidMappingsEnableSetgroups = os.Geteuid() == 0
		// The child starts with its host ids, which the maps need not
		// cover; it must become root of the namespace before its execve,
		// or the kernel gives the child stage no capabilities there.
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true}
	}
	return cmd
}

func sysMaps(maps []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	var out []syscall.SysProcIDMap
	for _, m := range maps {
		out = append(out, syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)})
	}
	return out
}

// cloneError adds the hint that the kernel's errno lacks.
func cloneError(err error) error {
	switch {
	case errors.Is(err, unix.ENOSPC):
		return fmt.Errorf("create namespaces: %w (a namespace limit in /proc/sys/user/ is reached)", err)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Errorf("create namespaces: %w (user namespaces may be disabled on this host, "+
			"or the binary is not reachable by the mapped root)", err)
	}
	return fmt.Errorf("create namespaces: %w", err)
}

// awaitPty reads the child's first message, which must carry the pty.
func (p *Process) awaitPty() error {
	m, fd, err := receive(p.sync)
	switch {
	case errors.Is(err, io.EOF):
		return p.childDied()
	case err != nil:
		return err
	case m.Type == msgError:
		return &Error{Code: m.Code, Err: errors.New(m.Error)}
	case m.Type != msgPty || fd == nil:
		return fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	p.pty = fd
	return nil
}

// childDied explains an end of file before the child said anything.
func (p *Process) childDied() error {
	_, err := p.proc.Wait()
	p.proc = nil
	return fmt.Errorf("the container's child stage died during setup: %v", err)
}

// diedBeforeExec reaps a child that closed the sync socket without the
// message that precedes the exec, and says how it ended.
func (p *Process) diedBeforeExec() error {
	ps, err := p.proc.Wait()
	p.proc = nil
	if err != nil {
		return fmt.Errorf("the container's child stage ended before exec without a message: %w", err)
	}
	return fmt.Errorf("the container's child stage ended before exec without a message (%v)", ps)
}

// AwaitReady returns once a child launched with an ExecFifo has done all
// but the exec and blocks on the fifo. On error the child is gone.
func (p *Process) AwaitReady() error {
	m, _, err := receive(p.sync)
	switch {
	case errors.Is(err, io.EOF):
		err = p.childDied()
	case err == nil && m.Type == msgError:
		err = &Error{Code: m.Code, Err: errors.New(m.Error)}
	case err == nil && m.Type != msgReady:
		err = fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	if err != nil {
		p.abort()
		return setupError(err)
	}
	if err := <-p.sent; err != nil {
		p.abort()
		return setupError(fmt.Errorf("send config to the child: %w", err))
	}
	p.sent <- nil
	return nil
}

// Release lets go of a detached container: the caller exits, and the
// container's init is reparented (to the caller's subreaper, or init).
func (p *Process) Release() {
	p.sync.Close()
	p.proc.Release()
}

// AwaitExec returns once the child has exec'd the workload: the sync socket
// closes on a successful execve(2), or carries the error. On error the child
// is gone and nothing of the container remains.
func (p *Process) AwaitExec() error {
	m, _, err := receive(p.sync)
	announced := err == nil && m.Type == msgExec
	if announced {
		m, _, err = receive(p.sync)
	}
	p.sync.Close()
	if errors.Is(err, io.EOF) {
		if err := <-p.sent; err != nil {
			p.abort()
			return setupError(fmt.Errorf("send config to the child: %w", err))
		}
		if !announced {
			return setupError(p.diedBeforeExec())
		}
		return nil
	}
	if err == nil && m.Type == msgError {
		err = &Error{Code: m.Code, Err: errors.New(m.Error)}
	} else if err == nil {
		err = fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	p.abort()
	return setupError(err)
}

// abort kills the child stage and reaps it.
func (p *Process) abort() {
	p.sync.Close()
	if p.pty != nil {
		p.pty.Close()
	}
	if p.proc != nil {
		p.proc.Kill()
		p.proc.Wait()
	}
	<-p.sent
}

// Kill kills the child and reaps it: the container is gone.
func (p *Process) Kill() { p.abort() }

// Pid is the container process's PID on the host.
func (p *Process) Pid() int { return p.proc.Pid }

// Pty is the master side of the container's terminal, or nil without one.
func (p *Process) Pty() *os.File { return p.pty }

// Signal sends sig to the container process.
func (p *Process) Signal(sig os.Signal) error { return p.proc.Signal(sig) }

// Wait waits for the container process to exit and returns the status to
// report: its exit code, or 128+N when signal N killed it.
func (p *Process) Wait() (int, error) {
	ps, err := p.proc.Wait()
	if err != nil {
		return ExitSetup, err
	}
	ws := ps.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return exitSignalShift + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}
