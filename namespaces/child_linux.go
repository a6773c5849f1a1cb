package namespaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/caps"
	"sandbox/rootfs"
)

// IsChild reports whether this process is a child stage that Start or Exec
// started: argv[1] is "init" or "exec-init".
func IsChild() bool {
	return len(os.Args) > 1 && (os.Args[1] == "init" || os.Args[1] == "exec-init")
}

// Init is the child stage, entered when IsChild. It never returns: it execs
// the workload or reports its error to the parent and exits.
//
// Preconditions: the main goroutine, locked to the main thread from an
// init function, before anything else has run.
func Init() {
	base := -1
	if len(os.Args) == 3 {
		base, _ = strconv.Atoi(os.Args[2])
	}
	sync := os.NewFile(uintptr(base+1), "sync")
	if base < 3 || !isSyncSocket(sync) {
		fmt.Fprintln(os.Stderr, "sandbox: init is the container's child stage, started by sandbox itself; use `sandbox run`")
		os.Exit(ExitSetup)
	}
	var err error
	if os.Args[1] == "exec-init" {
		err = joined(base, sync)
	} else {
		err = child(base, sync)
	}
	code := ExitSetup
	var e *Error
	if errors.As(err, &e) {
		code = e.Code
	}
	send(sync, message{Type: msgError, Error: boundText(err.Error(), maxErrorText), Code: code}, nil)
	os.Exit(1)
}

// isSyncSocket reports whether f is a SOCK_SEQPACKET socket, as the sync
// socket is. That a descriptor is merely open proves nothing: run by hand,
// the process may hold other files there (the Go runtime itself opens
// cgroup v1 files on some hosts).
func isSyncSocket(f *os.File) bool {
	typ, err := unix.GetsockoptInt(int(f.Fd()), unix.SOL_SOCKET, unix.SO_TYPE)
	return err == nil && typ == unix.SOCK_SEQPACKET
}

// child finishes the container inside its namespaces. The order is the
// security argument, step by step:
//
//  1. Build the filesystem and pivot_root into it (rootfs.Prepare), while
//     the process is still root with every capability.
//  2. Bring up loopback in a new network namespace, and set the hostname
//     (the config was checked to have a UTS namespace for it).
//  3. Start a new session. With a terminal: open a pty from the container's
//     own devpts, pass the master to the parent, and make the slave the
//     controlling terminal. Without one, the session alone cuts the caller's
//     controlling terminal off (see newSession).
//  4. Fill in HOME from the container's /etc/passwd, after the pivot, so the
//     host's passwd is never read (runc#4688).
//  5. Trim the bounding set, change uid and gids, set the capability sets
//     (caps.Apply orders these).
//  6. Arm the parent-death signal again: the uid change cleared it.
//  7. Enter the working directory and find the command, both as the
//     container user, so permissions are checked as the workload will meet
//     them.
//  8. For create: report ready and block on the exec fifo until start.
//     Otherwise check that the parent is still there: if it died before
//     step 6, no signal will come.
//  9. Set no_new_privs, mark every descriptor above 2 close-on-exec, reset
//     signal dispositions and mask, and execve.
func child(base int, sync *os.File) error {
	c, err := readConfig(os.NewFile(uintptr(base), "config"))
	if err != nil {
		return err
	}
	s := c.spec()
	if err := rootfs.Prepare(s); err != nil {
		return err
	}
	if err := setupUTSAndNet(s); err != nil {
		return err
	}
	if err := setupSession(sync, s.Process, true); err != nil {
		return err
	}
	env, path, err := becomeWorkload(s, c.Detached)
	if err != nil {
		return err
	}
	if c.HasFifo {
		if err := awaitStart(sync, os.NewFile(uintptr(base+2), "exec.fifo")); err != nil {
			return err
		}
	}
	if !c.Detached && parentGone(sync) {
		os.Exit(ExitSetup)
	}
	return execWorkload(s, path, env, base, sync, !c.HasFifo)
}

// joined is the child stage of Exec, already inside the container's
// namespaces (see package nsenter) and so past step 1 of child. It follows
// child's order from step 3 on, without the container-wide steps.
func joined(base int, sync *os.File) error {
	c, err := readConfig(os.NewFile(uintptr(base), "config"))
	if err != nil {
		return err
	}
	s := c.spec()
	if err := setupSession(sync, s.Process, false); err != nil {
		return err
	}
	env, path, err := becomeWorkload(s, c.Detached)
	if err != nil {
		return err
	}
	if !c.Detached && parentGone(sync) {
		os.Exit(ExitSetup)
	}
	return execWorkload(s, path, env, base, sync, true)
}

// becomeWorkload is steps 4 to 7 of child: the identity, capabilities and
// working directory of the workload, and the path of its command.
func becomeWorkload(s *specs.Spec, detached bool) (env []string, path string, err error) {
	env = withHome(s.Process.Env, s.Process.User.UID)
	if err := caps.Apply(s.Process.Capabilities, setIDs(s.Process.User)); err != nil {
		return nil, "", err
	}
	if !detached {
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
			return nil, "", fmt.Errorf("arm the parent-death signal: %w", os.NewSyscallError("prctl", err))
		}
	}
	if err := unix.Chdir(s.Process.Cwd); err != nil {
		return nil, "", fmt.Errorf("working directory %s: %w", s.Process.Cwd, err)
	}
	path, err = lookPath(s.Process.Args[0], env)
	return env, path, err
}

func readConfig(f *os.File) (*childConfig, error) {
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var c childConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return &c, nil
}

// parentGone reports whether the parent closed its end of the sync socket,
// which it does only by dying. Checked after the parent-death signal is
// armed again, it closes the window in which the parent could die unseen.
func parentGone(sync *os.File) bool {
	fds := []unix.PollFd{{Fd: int32(sync.Fd()), Events: unix.POLLRDHUP}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0 && fds[0].Revents&(unix.POLLHUP|unix.POLLRDHUP) != 0
}

// awaitStart tells the parent that only the exec is left, then blocks
// until start opens the exec fifo for reading, and tells it so with one
// byte. The fifo is reached through the descriptor the parent opened: its
// path is outside the container.
func awaitStart(sync, fifo *os.File) error {
	if err := send(sync, message{Type: msgReady}, nil); err != nil {
		return err
	}
	w, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fifo.Fd()), unix.O_WRONLY|unix.O_CLOEXEC, 0)
	fifo.Close()
	if err != nil {
		return fmt.Errorf("open the exec fifo: %w", err)
	}
	defer w.Close()
	if _, err := w.Write([]byte{0}); err != nil {
		return fmt.Errorf("exec fifo: %w", err)
	}
	return nil
}

// execWorkload is step 9 of child. On success it does not return. When
// announce is set, a parent waits in AwaitExec: it is told just before the
// execve, so that an end of file without that message means the child died
// before the exec, not that the workload runs.
func execWorkload(s *specs.Spec, path string, env []string, base int, sync *os.File, announce bool) error {
	if s.Process.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", os.NewSyscallError("prctl", err))
		}
	}
	// Preserved descriptors, 3 up to base, stay open for the workload.
	if err := closeOnExecFrom(base); err != nil {
		return err
	}
	if err := resetSignals(); err != nil {
		return fmt.Errorf("reset signal dispositions: %w", err)
	}
	if announce {
		if err := send(sync, message{Type: msgExec}, nil); err != nil {
			return err
		}
	}
	err := unix.Exec(path, s.Process.Args, env)
	return execError(path, err)
}

// closeOnExecFrom marks every descriptor from first up close-on-exec, so
// the workload inherits only its stdio, whatever the runtime had open.
func closeOnExecFrom(first int) error {
	err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) {
		return os.NewSyscallError("close_range", err)
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return fmt.Errorf("list open descriptors: %w", err)
	}
	for _, e := range entries {
		var fd int
		if _, err := fmt.Sscan(e.Name(), &fd); err == nil && fd >= first {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}
