package namespaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/hooks"
	"sandbox/internal/explain"
	"sandbox/rootfs"
	"sandbox/seccomp"
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

	// MountBase is a directory of the runtime's own, below which a
	// container without a mount namespace gets its mounts (rootfs.Prepare).
	MountBase string

	// NoNewKeyring keeps the caller's session keyring; otherwise the
	// container gets a new one, named after State.ID.
	NoNewKeyring bool

	// State is the container's state for its hooks: id, bundle and
	// annotations; the launcher fills in the PID and status.
	State specs.State

	// Place, when set, is called with the child's host PID as soon as the
	// child exists, and before the child gets its config: the child does
	// nothing before it has read the config, so whatever Place does to
	// the process (put it in a cgroup) holds for every instruction of the
	// container's setup and of the workload. An error kills the child.
	Place func(pid int) error

	// SeccompCache is a directory for compiled seccomp filters (see
	// seccomp.CompileCached), or "" to compile every time.
	SeccompCache string

	// Explain, when not nil, records every step of the start, the
	// parent's as they are taken and the child's as the child reports
	// them, in the order they happened (run --explain). The child then
	// waits before its execve until the parent has passed on its last
	// line. Not for a Detached container, whose last steps nobody reads.
	Explain *explain.Recorder
}

// Process is a container whose child stage runs, from Start until Wait.
type Process struct {
	cmd  *exec.Cmd   // the child stage we started
	proc *os.Process // the container process: cmd's, or for exec its child's
	sync *os.File
	pty  *os.File
	sent chan error // the config writer's result, read once by configSent
	x    *explain.Recorder

	sentDone bool  // configSent has read sent
	sentErr  error // what it read
	awaited  bool  // AwaitExec has run
	execErr  error // what it returned
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
	if o.Explain != nil && o.Detached {
		return nil, errors.New("explain: a detached container's steps have nobody to read them")
	}
	plan, err := NewPlan(s.Linux.Namespaces)
	if err != nil {
		return nil, err
	}
	flags := plan.Flags
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
	join, err := openJoined(plan.Join)
	if err != nil {
		return nil, err
	}
	defer closeAll(join)
	c := newChildConfig(s)
	c.HasFifo = fifo != nil
	if o.Explain != nil {
		c.Explain, c.SeccompLabel = true, seccompLabel(s.Linux.Seccomp)
	}
	c.MountBase = o.MountBase
	if !o.NoNewKeyring {
		c.Keyring = "sandbox"
		if o.State.ID != "" {
			c.Keyring = "sandbox-" + o.State.ID
		}
	}
	config, err := c.encode(s, o)
	if err != nil {
		return nil, err
	}

	parentSock, childSock, configR, configW, err := channels()
	if err != nil {
		return nil, err
	}
	// The config goes into the pipe once the child is placed, while the
	// child's runtime starts; a config larger than the pipe waits for the
	// child to read it.
	sent := make(chan error, 1)
	placed := make(chan bool, 1)
	go func() {
		if !<-placed {
			configW.Close()
			sent <- errors.New("the child was not placed")
			return
		}
		_, err := configW.Write(config)
		configW.Close()
		sent <- err
	}()

	// A cgroup namespace is created by the child itself, once it is in
	// its cgroup: the namespace's root is the cgroup its creator is in.
	cmd := childCommand(s, flags&^unix.CLONE_NEWCGROUP, o, configR, childSock, fifo, join)
	if exposed(s, o) {
		img, err := selfImage()
		if err != nil {
			placed <- false
			<-sent
			parentSock.Close()
			childSock.Close()
			configR.Close()
			return nil, err
		}
		defer img.Close()
		cmd.Path = imagePath(img)
	}
	if !o.Detached {
		runtime.LockOSThread()
	}
	err = cmd.Start()
	configR.Close()
	childSock.Close()
	if err != nil {
		placed <- false
		<-sent
		parentSock.Close()
		return nil, cloneError(err)
	}

	explainStart(o.Explain, cmd, len(join))
	p := &Process{cmd: cmd, proc: cmd.Process, sync: parentSock, sent: sent, x: o.Explain}
	if joinsPID(join) {
		// The join stage forked into the PID namespace: its child is the
		// container's init (see package nsenter).
		if p.proc, err = awaitFork(cmd, parentSock); err != nil {
			placed <- false
			<-sent
			parentSock.Close()
			return nil, err
		}
	}
	if o.Place != nil {
		if err := o.Place(p.proc.Pid); err != nil {
			placed <- false
			p.abort()
			return nil, err
		}
	}
	placed <- true
	if c.HookPause {
		if err := p.createHooks(s, o.State); err != nil {
			p.abort()
			return nil, err
		}
	}
	if s.Process.Terminal {
		if err := p.awaitPty(); err != nil {
			p.abort()
			return nil, err
		}
	}
	return p, nil
}

// encode finishes c with what both launchers set, the seccomp program
// compiled here in the parent (the child has no libseccomp work to do), and
// encodes it for the config pipe.
func (c *childConfig) encode(s *specs.Spec, o Options) ([]byte, error) {
	c.Detached = o.Detached
	var err error
	if c.Seccomp, err = seccomp.CompileCached(s.Linux.Seccomp, o.SeccompCache); err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// exposed reports whether a process of the container, or of another one,
// can see the child stage while it runs sandbox's code: with create, whose
// init waits for start while exec may add processes, or without a PID
// namespace of the container's own. Only then does the child need a
// sealed copy of the binary (selfImage); a plain run's init is alone in
// its new PID namespace until it execs the workload.
func exposed(s *specs.Spec, o Options) bool {
	return o.ExecFifo != "" || !slices.ContainsFunc(s.Linux.Namespaces, func(ns specs.LinuxNamespace) bool {
		return ns.Type == specs.PIDNamespace && ns.Path == ""
	})
}

// channels are the child's two ways to its parent: the sync socket's ends,
// and the config pipe's.
func channels() (parentSock, childSock, configR, configW *os.File, err error) {
	if parentSock, childSock, err = socketPair(); err != nil {
		return nil, nil, nil, nil, err
	}
	if configR, configW, err = os.Pipe(); err != nil {
		parentSock.Close()
		childSock.Close()
		return nil, nil, nil, nil, err
	}
	return parentSock, childSock, configR, configW, nil
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
func childCommand(s *specs.Spec, flags uintptr, o Options, config, sync, fifo *os.File, join []pathNS) *exec.Cmd {
	base := 3 + len(o.PreserveFDs)
	files := append(append([]*os.File{}, o.PreserveFDs...), config, sync)
	if fifo != nil {
		files = append(files, fifo)
	}
	// The child stage is short-lived: one thread of Go work, no GC.
	env := []string{"GOMAXPROCS=1", "GOGC=off"}
	if len(join) > 0 {
		spec := fmt.Sprintf("_SANDBOX_JOIN=%d:%d:", base+1, btoi(joinsPID(join)))
		for i, j := range join {
			if i > 0 {
				spec += ","
			}
			spec += fmt.Sprintf("%d/0", 3+len(files))
			files = append(files, j.file)
		}
		env = append(env, spec)
	}
	cmd := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{"sandbox", "init", strconv.Itoa(base)},
		Env:         env,
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

// pathNS is a namespace of the config named by path, opened.
type pathNS struct {
	typ  specs.LinuxNamespaceType
	file *os.File
}

// openJoined opens the namespaces to join, checking that each path names a
// namespace of the type the config says: setns(2) with type 0 would take
// any kind.
func openJoined(nss []specs.LinuxNamespace) ([]pathNS, error) {
	var out []pathNS
	for _, ns := range nss {
		f, err := os.OpenFile(ns.Path, os.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			err = checkNamespaceType(f, cloneFlags[ns.Type])
		}
		if err == nil && ns.Type == specs.MountNamespace {
			err = checkNotOwnMountNS(f)
		}
		if err != nil {
			if f != nil {
				f.Close()
			}
			closeAll(out)
			return nil, fmt.Errorf("linux.namespaces: %s namespace %s: %w", ns.Type, ns.Path, err)
		}
		out = append(out, pathNS{ns.Type, f})
	}
	return out, nil
}

// checkNamespaceType asks the kernel which kind of namespace f is
// (ioctl_ns(2), NS_GET_NSTYPE).
func checkNamespaceType(f *os.File, want uintptr) error {
	got, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	if err != nil {
		return fmt.Errorf("not a namespace: %w", err)
	}
	if uintptr(got) != want {
		return errors.New("is a namespace of another type")
	}
	return nil
}

// checkNotOwnMountNS refuses sandbox's own mount namespace: the child
// builds the rootfs and calls pivot_root(2) in the mount namespace it is
// in, which in the caller's would rearrange the caller's, the host's, mounts.
func checkNotOwnMountNS(f *os.File) error {
	own, err := os.Stat("/proc/self/ns/mnt")
	if err != nil {
		return err
	}
	if theirs, err := f.Stat(); err == nil && os.SameFile(own, theirs) {
		return errors.New("is sandbox's own mount namespace, whose mounts the container would change: " +
			"give the container a mount namespace of its own")
	}
	return nil
}

func closeAll(js []pathNS) {
	for _, j := range js {
		j.file.Close()
	}
}

func joinsPID(js []pathNS) bool {
	for _, j := range js {
		if j.typ == specs.PIDNamespace {
			return true
		}
	}
	return false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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

// expect reads the child's next message, which must be of type want, and
// returns the descriptor it carries, if any. The child's death, or its
// error message, comes back as the error.
func (p *Process) expect(want string) (*os.File, error) {
	m, fd, err := p.receive()
	switch {
	case errors.Is(err, io.EOF):
		return nil, p.childDied()
	case err != nil:
		return nil, err
	case m.Type == msgError:
		return nil, &Error{Code: m.Code, Err: errors.New(m.Error)}
	case m.Type != want:
		return nil, fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	return fd, nil
}

// awaitPty reads the child's message that carries the pty.
func (p *Process) awaitPty() error {
	fd, err := p.expect(msgPty)
	if err == nil && fd == nil {
		err = errors.New("sync socket: the pty message carries no descriptor")
	}
	p.pty = fd
	return err
}

// createHooks answers the child's pause before pivot_root: it runs the
// prestart and createRuntime hooks, here in the runtime's namespaces, and
// lets the child go on with the state its own hooks take.
func (p *Process) createHooks(s *specs.Spec, st specs.State) error {
	if _, err := p.expect(msgHooks); err != nil {
		return err
	}
	st.Version, st.Pid, st.Status = specs.Version, p.Pid(), specs.StateCreated // as runc reports it
	for _, name := range []string{hooks.Prestart, hooks.CreateRuntime} {
		if err := hooks.Run(name, hooks.Of(s, name), &st); err != nil {
			return err
		}
		for _, h := range hooks.Of(s, name) {
			p.x.Hook(name, h.Path)
		}
	}
	return send(p.sync, message{Type: msgContinue, State: &st}, nil)
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
	if _, err := p.expect(msgReady); err != nil {
		p.abort()
		return setupError(err)
	}
	if err := p.configSent(); err != nil {
		p.abort()
		return setupError(fmt.Errorf("send config to the child: %w", err))
	}
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
//
// With Options.Explain, every line the child recorded is printed before
// the child is let go on to its execve. A second call returns what the
// first did, so a caller may wait for the exec before it attaches a
// terminal.
func (p *Process) AwaitExec() error {
	if !p.awaited {
		p.execErr, p.awaited = p.awaitExec(), true
	}
	return p.execErr
}

func (p *Process) awaitExec() error {
	m, _, err := p.receive()
	announced := err == nil && m.Type == msgExec
	if announced && p.x.On() {
		err = send(p.sync, message{Type: msgContinue}, nil)
	}
	if announced && err == nil {
		m, _, err = p.receive()
	}
	p.sync.Close()
	if errors.Is(err, io.EOF) {
		if err := p.configSent(); err != nil {
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

// receive reads the child's next message, passing on the explain lines
// that come before it.
func (p *Process) receive() (message, *os.File, error) {
	for {
		m, fd, err := receive(p.sync)
		if err != nil || m.Type != msgExplain {
			return m, fd, err
		}
		p.x.Print(m.Lines)
	}
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
	p.configSent()
}

// configSent waits for the config writer and returns its result; the
// channel is read once, however many of AwaitReady, AwaitExec and abort
// ask.
func (p *Process) configSent() error {
	if !p.sentDone {
		p.sentErr, p.sentDone = <-p.sent, true
	}
	return p.sentErr
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

// explainStart records what cmd.Start did, from the attributes it was
// given: os/exec's clone(2) with the namespace flags it was given (not the
// cgroup namespace, which the child unshares itself), its writes of the id
// maps, and the forked child's own steps up to the execve of the child
// stage.
func explainStart(x *explain.Recorder, cmd *exec.Cmd, joined int) {
	if !x.On() {
		return
	}
	pid, a := cmd.Process.Pid, cmd.SysProcAttr
	x.Clone(uintptr(a.Cloneflags), pid)
	for _, m := range a.UidMappings {
		x.IDMap("uid_map", pid, m.ContainerID, m.HostID, m.Size)
	}
	if a.GidMappings != nil {
		x.ProcSetgroups(pid, a.GidMappingsEnableSetgroups)
	}
	for _, m := range a.GidMappings {
		x.IDMap("gid_map", pid, m.ContainerID, m.HostID, m.Size)
	}
	if c := a.Credential; c != nil {
		x.Note("setgid", strconv.Itoa(int(c.Gid)))
		x.Note("setuid", strconv.Itoa(int(c.Uid)))
	}
	if a.Pdeathsig != 0 {
		x.Prctl(unix.PR_SET_PDEATHSIG, uintptr(a.Pdeathsig))
	}
	x.Exec(cmd.Path, cmd.Args)
	if joined > 0 {
		x.Note("setns", fmt.Sprintf("%d namespaces by path (nsenter, before the Go runtime)", joined))
	}
}

// seccompLabel names the filter for explain: its default action and how
// many syscalls its rules name.
func seccompLabel(s *specs.LinuxSeccomp) string {
	if s == nil {
		return ""
	}
	n := 0
	for _, sc := range s.Syscalls {
		n += len(sc.Names)
	}
	return fmt.Sprintf("default %s, %d syscalls named in %d rules", s.DefaultAction, n, len(s.Syscalls))
}
