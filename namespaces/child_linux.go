package namespaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/caps"
	"sandbox/cgroups"
	"sandbox/hooks"
	"sandbox/internal/explain"
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
	// Until its execve, the child holds descriptors from the host: no
	// process of the container may ptrace it or read them through /proc
	// (CVE-2016-9962). The execve of the workload makes it dumpable again.
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
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
//  0. Read the config. The parent sends it only once the child is in its
//     cgroup (Options.Place), so the limits hold from here on. Read the
//     host's cgroup layout, whose paths the cgroup namespace would hide,
//     then create that namespace, if asked: its root is the cgroup. Join
//     a new session keyring, so that the container does not share the
//     caller's (keyrings(7); the user keyring of a uid stays shared, which
//     only a user namespace or seccomp stops).
//  1. Build the filesystem and pivot_root into it (rootfs.Prepare), while
//     the process is still root with every capability.
//  2. Bring up loopback in a new network namespace, and set the hostname
//     (the config was checked to have a UTS namespace for it). Then write
//     linux.sysctl, after the hostname so that kernel.hostname wins, and
//     process.oomScoreAdj, both through a verified procfs handle
//     (procfs_linux.go says why not through the container's /proc).
//  3. Start a new session. With a terminal: open a pty from the container's
//     own devpts, pass the master to the parent, and make the slave the
//     controlling terminal. Without one, the session alone cuts the caller's
//     controlling terminal off (see newSession).
//  4. Fill in HOME from the container's /etc/passwd, after the pivot, so the
//     host's passwd is never read (runc#4688).
//  5. Raise the hard limits of process.rlimits that need it, while that is
//     still allowed (rlimit_linux.go). Without no_new_privs only: load the
//     seccomp filter, while the child still holds CAP_SYS_ADMIN, which
//     seccomp(2) then requires (runc does the same); the rest of the setup
//     runs filtered from here on. Then trim the bounding set, change uid
//     and gids, set the capability sets (caps.Apply orders these).
//  6. Arm the parent-death signal again: the uid change cleared it.
//  7. Enter the working directory and find the command, both as the
//     container user, so permissions are checked as the workload will meet
//     them.
//  8. For create: report ready and block on the exec fifo until start.
//     Otherwise check that the parent is still there: if it died before
//     step 6, no signal will come.
//  9. Set no_new_privs, mark every descriptor above 2 close-on-exec, load
//     the seccomp filter (when step 5 did not), reset signal dispositions
//     and mask, set process.rlimits exactly, and execve. With no_new_privs
//     set, an unprivileged thread may load a filter, so it goes in as late
//     as possible: the runtime's own setup is not filtered, and only
//     rt_sigaction, rt_sigprocmask, prlimit64, execve and the Go runtime's
//     own calls run under it before the workload, calls that any usable
//     profile allows. The rlimits come last, so that a small address-space
//     limit meant for the workload does not starve sandbox's own Go code.
//     With --explain, wait between the exec message and execve for the
//     parent to print the last lines (see the package doc).
func child(base int, sync *os.File) error {
	c, err := readConfig(os.NewFile(uintptr(base), "config"))
	if err != nil {
		return err
	}
	x := startExplain(c)
	s := c.spec()
	var layout cgroups.Layout
	if rootfs.HasCgroupMount(s) {
		if layout, err = cgroups.HostLayout(); err != nil {
			return err
		}
	}
	if newNamespace(s, specs.CgroupNamespace) {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return fmt.Errorf("create the cgroup namespace: %w", os.NewSyscallError("unshare", err))
		}
		x.Unshare(unix.CLONE_NEWCGROUP)
	}
	if c.Keyring != "" {
		if err := newSessionKeyring(c.Keyring, x); err != nil {
			return err
		}
	}
	var st *specs.State
	beforePivot := func() (err error) {
		st, err = createHooks(c, sync, x)
		return err
	}
	if err := rootfs.Prepare(s, layout, beforePivot, c.MountBase, x); err != nil {
		return userNSHint(s, err)
	}
	if err := setupUTSAndNet(s, x); err != nil {
		return err
	}
	if err := setSysctls(s.Linux.Sysctl, x); err != nil {
		return err
	}
	if err := setOOMScoreAdj(s.Process.OOMScoreAdj, x); err != nil {
		return err
	}
	if err := setupSession(sync, s.Process, true, x); err != nil {
		return err
	}
	env, path, err := becomeWorkload(s, c, x)
	if err != nil {
		return err
	}
	if c.HasFifo {
		if err := awaitStart(sync, os.NewFile(uintptr(base+2), "exec.fifo"), x); err != nil {
			return err
		}
	}
	if !c.Detached && parentGone(sync) {
		os.Exit(ExitSetup)
	}
	if len(c.StartContainer) > 0 {
		st.Status = specs.StateCreated
		if err := hooks.Run(hooks.StartContainer, c.StartContainer, st); err != nil {
			return err
		}
		explainHooks(x, hooks.StartContainer, c.StartContainer)
	}
	// A detached container's parent has let go of the sync socket.
	return execWorkload(s, path, env, base, c, sync, !c.Detached, x)
}

// childExplain is the child's recorder when the parent asked for
// --explain, and nil otherwise. It is the whole process's, like the child
// stage itself: send passes its lines on before every message, the error
// message of Init included.
var childExplain *explain.Recorder

// startExplain starts the child's recorder when c asks for it, with the
// step the child took at its entry, before it could read c.
func startExplain(c *childConfig) *explain.Recorder {
	if !c.Explain {
		return nil
	}
	childExplain = explain.NewBuffer()
	childExplain.Prctl(unix.PR_SET_DUMPABLE, 0)
	return childExplain
}

// explainHooks records the hooks of point name, which ran.
func explainHooks(x *explain.Recorder, name string, hs []specs.Hook) {
	for _, h := range hs {
		x.Hook(name, h.Path)
	}
}

// createHooks is the pause before pivot_root for the hooks, when the config
// has any: the parent runs its own and answers with the container's state,
// then the child runs the createContainer hooks, in the container's mount
// namespace and still able to see the host's files, as the runtime-spec
// asks.
func createHooks(c *childConfig, sync *os.File, x *explain.Recorder) (*specs.State, error) {
	if !c.HookPause {
		return nil, nil
	}
	if err := send(sync, message{Type: msgHooks}, nil); err != nil {
		return nil, err
	}
	m, _, err := receive(sync)
	if err != nil {
		return nil, fmt.Errorf("wait for the runtime's hooks: %w", err)
	}
	if m.Type != msgContinue || m.State == nil {
		return nil, fmt.Errorf("sync socket: unexpected message %q", m.Type)
	}
	if err := hooks.Run(hooks.CreateContainer, c.CreateContainer, m.State); err != nil {
		return nil, err
	}
	explainHooks(x, hooks.CreateContainer, c.CreateContainer)
	return m.State, nil
}

// joined is the child stage of Exec, already inside the container's
// namespaces (see package nsenter) and so past step 1 of child. It follows
// child's order from step 3 on, without the container-wide steps, but for
// process.oomScoreAdj, which belongs to the process.
func joined(base int, sync *os.File) error {
	c, err := readConfig(os.NewFile(uintptr(base), "config"))
	if err != nil {
		return err
	}
	s := c.spec()
	if err := setOOMScoreAdj(s.Process.OOMScoreAdj, nil); err != nil {
		return err
	}
	if err := setupSession(sync, s.Process, false, nil); err != nil {
		return err
	}
	env, path, err := becomeWorkload(s, c, nil)
	if err != nil {
		return err
	}
	if !c.Detached && parentGone(sync) {
		os.Exit(ExitSetup)
	}
	return execWorkload(s, path, env, base, c, sync, true, nil)
}

// becomeWorkload is steps 4 to 7 of child: the limits, identity,
// capabilities and working directory of the workload, and the path of its
// command.
func becomeWorkload(s *specs.Spec, c *childConfig, x *explain.Recorder) (env []string, path string, err error) {
	env = withHome(s.Process.Env, s.Process.User.UID)
	if err := raiseHardLimits(s.Process.Rlimits, x); err != nil {
		return nil, "", err
	}
	if !s.Process.NoNewPrivileges {
		if err := loadFilter(c, x); err != nil {
			return nil, "", err
		}
	}
	if err := caps.Apply(s.Process.Capabilities, setIDs(s.Process.User, x), x); err != nil {
		return nil, "", err
	}
	if !c.Detached {
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
			return nil, "", fmt.Errorf("arm the parent-death signal: %w", os.NewSyscallError("prctl", err))
		}
		x.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL))
	}
	if err := unix.Chdir(s.Process.Cwd); err != nil {
		return nil, "", fmt.Errorf("working directory %s: %w", s.Process.Cwd, err)
	}
	x.Note("chdir", s.Process.Cwd)
	path, err = lookPath(s.Process.Args[0], env)
	return env, path, err
}

// loadFilter loads the config's seccomp filter, if it has one.
func loadFilter(c *childConfig, x *explain.Recorder) error {
	if c.Seccomp == nil {
		x.Skip("seccomp", "no filter (unconfined)")
		return nil
	}
	if err := c.Seccomp.Load(); err != nil {
		return err
	}
	if x.On() {
		x.Seccomp(len(c.Seccomp.BPF)/8, c.Seccomp.Flags, c.SeccompLabel)
	}
	return nil
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
//
// Once ready is sent nobody reads an error, so the open is tried first
// without blocking: with no reader yet it fails with ENXIO, which the
// kernel returns only after the permission check passed.
func awaitStart(sync, fifo *os.File, x *explain.Recorder) error {
	path := fmt.Sprintf("/proc/self/fd/%d", fifo.Fd())
	probe, err := os.OpenFile(path, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err == nil {
		probe.Close()
	} else if !errors.Is(err, unix.ENXIO) {
		return fmt.Errorf("open the exec fifo: %w", err)
	}
	if err := send(sync, message{Type: msgReady}, nil); err != nil {
		return err
	}
	w, err := os.OpenFile(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	fifo.Close()
	if err != nil {
		return fmt.Errorf("open the exec fifo: %w", err)
	}
	x.Note("openat", "exec.fifo O_WRONLY: returns once start opens it for reading")
	if _, err := w.Write([]byte{0}); err != nil {
		w.Close()
		return fmt.Errorf("exec fifo: %w", err)
	}
	// The write end stays open until the execve closes it (or the child
	// dies): start waits for that end of file, so that it returns, and
	// runs the poststart hooks, only once the workload runs.
	execFifo = w
	return nil
}

// execFifo holds the exec fifo's write end open from awaitStart to the
// execve; a reference, so that the collector cannot close it earlier.
var execFifo *os.File

// execWorkload is step 9 of child. On success it does not return. When
// announce is set, a parent waits in AwaitExec: it is told just before the
// execve, so that an end of file without that message means the child died
// before the exec, not that the workload runs.
//
// With --explain, the child waits after the exec message for the parent's
// answer: the parent has then printed every line, so none can come after
// the workload's own output.
func execWorkload(s *specs.Spec, path string, env []string, base int, c *childConfig,
	sync *os.File, announce bool, x *explain.Recorder) error {
	if s.Process.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", os.NewSyscallError("prctl", err))
		}
		x.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1)
	} else {
		x.Skip("prctl", "PR_SET_NO_NEW_PRIVS (process.noNewPrivileges is false)")
	}
	// Preserved descriptors, 3 up to base, stay open for the workload.
	if err := closeOnExecFrom(base, x); err != nil {
		return err
	}
	if s.Process.NoNewPrivileges {
		if err := loadFilter(c, x); err != nil {
			return err
		}
	}
	if err := resetSignals(); err != nil {
		return fmt.Errorf("reset signal dispositions: %w", err)
	}
	x.Note("rt_sigaction", "SIG_DFL for signals 1-64; sigprocmask: none blocked")
	if err := setRlimits(s.Process.Rlimits, x); err != nil {
		return err
	}
	x.Exec(path, s.Process.Args)
	if announce {
		if err := send(sync, message{Type: msgExec}, nil); err != nil {
			return err
		}
		if x.On() {
			if err := awaitGoAhead(sync); err != nil {
				return err
			}
		}
	}
	err := unix.Exec(path, s.Process.Args, env)
	return execError(path, err)
}

// awaitGoAhead waits for the parent's answer to the exec message. It reads
// with read(2), not recvmsg(2): the seccomp filter may be loaded by now,
// and any profile that lets a workload run allows read.
func awaitGoAhead(sync *os.File) error {
	buf := make([]byte, 512)
	for {
		n, err := unix.Read(int(sync.Fd()), buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("explain: wait for the parent: %w", os.NewSyscallError("read", err))
		}
		var m message
		if n == 0 || json.Unmarshal(buf[:n], &m) != nil || m.Type != msgContinue {
			return errors.New("explain: the parent did not answer the exec message")
		}
		return nil
	}
}

// closeOnExecFrom marks every descriptor from first up close-on-exec, so
// the workload inherits only its stdio, whatever the runtime had open.
func closeOnExecFrom(first int, x *explain.Recorder) error {
	err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		x.CloseRange(first)
		return nil
	}
	// ENOSYS and EINVAL: a kernel before close_range(2) or its flag; EPERM:
	// a seccomp profile loaded early (without no_new_privs) that predates
	// the call, as older Docker profiles do.
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EPERM) {
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
	x.Note("fcntl", "FD_CLOEXEC on each open descriptor from /proc/self/fd")
	return nil
}

// newNamespace reports whether the config creates a namespace of type t,
// rather than joining one by path or sharing the caller's.
func newNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return ns.Path == ""
		}
	}
	return false
}

// newSessionKeyring makes the process join a new, empty session keyring
// named name. A kernel built without keys has nothing to share.
func newSessionKeyring(name string, x *explain.Recorder) error {
	_, err := unix.KeyctlJoinSessionKeyring(name)
	if err != nil && !errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("join a new session keyring: %w (--no-new-keyring keeps the caller's)",
			os.NewSyscallError("keyctl", err))
	}
	if err == nil && x.On() {
		x.Note("keyctl", "KEYCTL_JOIN_SESSION_KEYRING "+name)
	}
	return nil
}

// userNSHint explains a permission error of the rootfs set-up in a user
// namespace: the child is then the container's root, an unprivileged host
// uid to the host's files, and a directory only host root may search
// (mktemp -d makes one) hides the rootfs or a volume below it.
func userNSHint(s *specs.Spec, err error) error {
	userns := false
	for _, ns := range s.Linux.Namespaces {
		userns = userns || ns.Type == specs.UserNamespace
	}
	if !userns || !errors.Is(err, unix.EACCES) {
		return err
	}
	who := "an unprivileged host uid"
	// The line of uid 0 reads "0 HOSTID COUNT".
	if m, rerr := os.ReadFile("/proc/self/uid_map"); rerr == nil {
		for _, line := range strings.Split(string(m), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "0" {
				who = "host uid " + f[1]
			}
		}
	}
	return fmt.Errorf("%w (in its user namespace the container's root is %s: "+
		"it needs search permission on every directory above the rootfs and each volume)", err, who)
}
