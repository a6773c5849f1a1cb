package namespaces

import (
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

	"sandbox/namespaces/nsenter"
	"sandbox/spec"
)

// ErrNoJoinStage is returned by Exec from a binary built without cgo, which
// lacks the constructor that joins the namespaces.
var ErrNoJoinStage = errors.New("this sandbox binary was built without cgo, " +
	"so it cannot enter a running container: rebuild it with `make build`")

// joinable are the namespace types a process can enter, by their names
// under /proc/PID/ns.
var joinable = []struct {
	name string
	flag uintptr
}{
	{"user", unix.CLONE_NEWUSER}, {"mnt", unix.CLONE_NEWNS}, {"pid", unix.CLONE_NEWPID},
	{"net", unix.CLONE_NEWNET}, {"ipc", unix.CLONE_NEWIPC}, {"uts", unix.CLONE_NEWUTS},
	{"cgroup", unix.CLONE_NEWCGROUP}, {"time", unix.CLONE_NEWTIME},
}

// Exec starts s.Process inside the namespaces of the running container
// whose init is pid, reached through pidfd, and runs its child stage up to
// the exec, as Start does for a new container. s is the container's config
// with the process to run in place of its own.
//
// The child stage joins through the constructor of package nsenter, then
// forks into the PID namespace; the process returned is that fork, a child
// of the caller. Exec locks the calling goroutine to its OS thread unless
// o.Detached, for the same reason as Start.
func Exec(pidfd *os.File, pid int, s *specs.Spec, o Options) (*Process, error) {
	if !nsenter.Available {
		return nil, setupError(ErrNoJoinStage)
	}
	p, err := join(pidfd, pid, s, o)
	return p, setupError(err)
}

func join(pidfd *os.File, pid int, s *specs.Spec, o Options) (*Process, error) {
	if err := spec.Validate(s); err != nil {
		return nil, err
	}
	flags, err := joinFlags(pid)
	if err != nil {
		return nil, err
	}
	c := newChildConfig(s)
	config, err := c.encode(s, o)
	if err != nil {
		return nil, err
	}
	parentSock, childSock, configR, configW, err := channels()
	if err != nil {
		return nil, err
	}
	defer configW.Close()

	img, err := selfImage()
	if err != nil {
		parentSock.Close()
		childSock.Close()
		configR.Close()
		return nil, err
	}
	defer img.Close()
	cmd := joinCommand(s, o, flags, configR, childSock, pidfd)
	cmd.Path = imagePath(img)
	if !o.Detached {
		runtime.LockOSThread()
	}
	err = cmd.Start()
	configR.Close()
	childSock.Close()
	if err != nil {
		parentSock.Close()
		return nil, fmt.Errorf("start the join stage: %w", err)
	}
	proc, err := awaitFork(cmd, parentSock)
	if err != nil {
		parentSock.Close()
		return nil, err
	}

	p := &Process{proc: proc, sync: parentSock, sent: make(chan error, 1)}
	if o.Place != nil {
		if err := o.Place(proc.Pid); err != nil {
			p.sent <- nil // no config was written
			p.abort()
			return nil, err
		}
	}
	_, err = configW.Write(config)
	configW.Close()
	p.sent <- err
	if s.Process.Terminal {
		if err := p.awaitPty(); err != nil {
			p.abort()
			return nil, err
		}
	}
	return p, nil
}

// joinFlags are the namespaces in which the process pid differs from the
// caller: setns(2) refuses to enter the caller's own user namespace again.
func joinFlags(pid int) (uintptr, error) {
	var flags uintptr
	for _, ns := range joinable {
		own, err := os.Stat("/proc/self/ns/" + ns.name)
		if errors.Is(err, os.ErrNotExist) {
			continue // a kernel without this namespace type
		}
		if err != nil {
			return 0, err
		}
		theirs, err := os.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, ns.name))
		if err != nil {
			return 0, fmt.Errorf("the container's %s namespace: %w", ns.name, err)
		}
		if !os.SameFile(own, theirs) {
			flags |= ns.flag
		}
	}
	return flags, nil
}

// joinCommand is the re-exec of our binary as the join stage. Its
// descriptors: 3 the config pipe, 4 the sync socket, 5 the pidfd, as
// _SANDBOX_JOIN tells the constructor.
func joinCommand(s *specs.Spec, o Options, flags uintptr, config, sync, pidfd *os.File) *exec.Cmd {
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"sandbox", "exec-init", "3"},
		Env: []string{"GOMAXPROCS=1", "GOGC=off",
			"_SANDBOX_JOIN=4:1:5/" + strconv.FormatUint(uint64(flags), 10)},
		ExtraFiles:  []*os.File{config, sync, pidfd},
		SysProcAttr: &syscall.SysProcAttr{},
	}
	if !s.Process.Terminal {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdio.In, o.Stdio.Out, o.Stdio.Err
	}
	return cmd
}

// awaitFork reads the PID of the join stage's fork, which is our child,
// and reaps the join stage itself, which exits once it has sent it.
func awaitFork(cmd *exec.Cmd, sync *os.File) (*os.Process, error) {
	m, _, err := receive(sync)
	werr := cmd.Wait()
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("the join stage died before it forked: %v", werr)
	case err != nil:
		return nil, err
	case m.Type == msgError:
		return nil, &Error{Code: m.Code, Err: errors.New(m.Error)}
	case m.Type != msgPid || m.Pid <= 0:
		return nil, fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	return os.FindProcess(m.Pid)
}
