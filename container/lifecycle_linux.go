package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/cgroups"
	"sandbox/hooks"
	"sandbox/rootfs"
	"sandbox/state"
)

// Start lets a created container's init exec its workload, then runs the
// poststart hooks; a failing one is only reported to log.
func Start(store *state.Store, id string, log *slog.Logger) error {
	lock, err := store.Lock(id)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	c, err := store.Load(id)
	if err != nil {
		return err
	}
	switch st := store.Status(c); st {
	case specs.StateCreated:
	case specs.StateStopped:
		return fmt.Errorf("container %s is stopped: a container starts once; delete it and create it again", id)
	default:
		return fmt.Errorf("container %s is %s: only a created container can be started", id, st)
	}
	if err := openFifo(store.FifoPath(id), c); err != nil {
		return err
	}
	if err := os.Remove(store.FifoPath(id)); err != nil {
		return err
	}
	runHooks(store, c, hooks.Poststart, specs.StateRunning, log)
	return nil
}

// runHooks runs the hooks of a point that cannot fail the container: the
// failure is logged (runtime-spec config.md, poststart and poststop).
func runHooks(store *state.Store, c *state.Container, name string, status specs.ContainerState, log *slog.Logger) {
	s, err := store.LoadConfig(c.ID)
	if err != nil {
		log.Warn("hooks not run", "point", name, "error", err)
		return
	}
	hs := hooks.Of(s, name)
	if len(hs) == 0 {
		return
	}
	st := &specs.State{Version: specs.Version, ID: c.ID, Status: status, Bundle: c.Bundle, Annotations: c.Annotations}
	if status != specs.StateStopped {
		st.Pid = c.Pid
	}
	if err := hooks.RunEach(name, hs, st); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			log.Warn(line)
		}
	}
}

// openFifo opens the exec fifo for reading, which unblocks the init's open
// for writing, and waits for its byte, checking meanwhile that the init is
// still alive (a fifo gives no hang-up for a writer that never came).
func openFifo(path string, c *state.Container) error {
	f, err := os.OpenFile(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("container %s: exec fifo: %w", c.ID, err)
	}
	defer f.Close()
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("container %s: exec fifo: %w", c.ID, os.NewSyscallError("poll", err))
		}
		if n > 0 && fds[0].Revents&unix.POLLIN != 0 {
			buf := make([]byte, 1)
			if _, err := unix.Read(int(f.Fd()), buf); err == nil {
				return awaitExec(f, c)
			}
		}
		if !c.Alive() {
			return fmt.Errorf("container %s: its init died before it could start", c.ID)
		}
	}
}

// awaitExec waits for the end of file on the exec fifo, which comes when
// the init's execve closes the write end it kept open (or the init dies):
// the runtime-spec has start return, and the poststart hooks run, after
// the workload was executed.
func awaitExec(f *os.File, c *state.Container) error {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	buf := make([]byte, 1)
	for {
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("container %s: exec fifo: %w", c.ID, os.NewSyscallError("poll", err))
		}
		if n > 0 {
			if r, err := unix.Read(int(f.Fd()), buf); r == 0 && err == nil {
				return nil
			}
		}
		if !c.Alive() {
			return nil // it died after the go-ahead: state says stopped
		}
	}
}

// Kill sends sig to the container's init, or with all to every process of
// its PID namespace.
func Kill(store *state.Store, id string, sig unix.Signal, all bool) error {
	c, err := store.Load(id)
	if err != nil {
		return err
	}
	if store.Status(c) == specs.StateStopped {
		return fmt.Errorf("container %s is not running", id)
	}
	pids := []int{c.Pid}
	if all {
		if pids, err = Pids(store, id); err != nil {
			return err
		}
	}
	for _, pid := range pids {
		if err := signalInit(c, pid, sig); err != nil {
			return err
		}
	}
	// A frozen process takes its SIGKILL only when thawed: thaw a paused
	// container so that kill KILL ends it, as engines expect of runc.
	if sig == unix.SIGKILL && store.Status(c) == state.StatePaused && len(c.CgroupPaths) > 0 {
		cg, err := cgroups.Load(c.CgroupPaths)
		if err != nil {
			return fmt.Errorf("container %s: %w", id, err)
		}
		return cg.Thaw()
	}
	return nil
}

// signalInit sends sig through a pidfd. For the init, the pidfd is checked
// against the recorded start time after it is opened, so a PID reused by
// another process after the init died is never signalled.
func signalInit(c *state.Container, pid int, sig unix.Signal) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("container %s: %w", c.ID, os.NewSyscallError("pidfd_open", err))
	}
	defer unix.Close(fd)
	if pid == c.Pid && !c.Alive() {
		return fmt.Errorf("container %s is not running", c.ID)
	}
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("container %s: signal %d: %w", c.ID, sig, os.NewSyscallError("pidfd_send_signal", err))
	}
	return nil
}

// Delete removes a created or stopped container; with force it kills a
// running one first and waits for it to die.
func Delete(store *state.Store, id string, force bool, log *slog.Logger) error {
	lock, err := store.Lock(id)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	c, err := store.Load(id)
	if errors.Is(err, state.ErrNotExist) {
		// A create that died half-way left a directory without a record.
		return store.Remove(id)
	}
	if err != nil {
		return err
	}
	st := store.Status(c)
	// The runtime-spec: deleting a container that is not stopped is an
	// error and changes nothing, a created one included (runc deletes
	// that one; engines that clean up after a failed start pass --force).
	if st != specs.StateStopped && !force {
		return fmt.Errorf("container %s is %s: stop it first, or delete it with --force", id, st)
	}
	if err := removeCgroup(c); err != nil {
		return err
	}
	if st != specs.StateStopped {
		if err := killAndWait(c); err != nil {
			return err
		}
	}
	if err := rootfs.Unmount(mountBase(store, id)); err != nil {
		return err
	}
	runHooks(store, c, hooks.Poststop, specs.StateStopped, log)
	return store.Remove(id)
}

// removeCgroup kills every process left in c's cgroup, the init and
// whatever escaped its PID namespace, frozen or not, and removes the
// cgroup.
func removeCgroup(c *state.Container) error {
	if len(c.CgroupPaths) == 0 {
		return nil
	}
	cg, err := cgroups.Load(c.CgroupPaths)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.ID, err)
	}
	if err := cg.Destroy(true); err != nil {
		return fmt.Errorf("container %s: %w", c.ID, err)
	}
	return nil
}

func killAndWait(c *state.Container) error {
	if !c.Alive() {
		return nil // removeCgroup killed it
	}
	if err := signalInit(c, c.Pid, unix.SIGKILL); err != nil {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if !c.Alive() {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("container %s: init %d did not die within 10s of SIGKILL", c.ID, c.Pid)
}
