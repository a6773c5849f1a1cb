package namespaces

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
	"sandbox/rootfs"
)

// setupSession is step 3 of child: a terminal of the container's own, or
// none at all. console says whether the pty also becomes /dev/console.
func setupSession(sync *os.File, p *specs.Process, console bool, x *explain.Recorder) error {
	if p.Terminal {
		return setupTerminal(sync, console, p.User.UID, p.User.GID, x)
	}
	if err := newSession(); err != nil {
		return err
	}
	x.Note("setsid", "a new session, with no controlling terminal")
	return nil
}

// chownSlave gives the pty slave to the workload's uid, so that a
// workload that is not root can open its own terminal again by name (tty,
// ssh-style password prompts). The group stays tty when devpts gave it
// gid=5; otherwise it becomes the workload's gid. The mode stays 0620.
func chownSlave(slave *os.File, uid, gid uint32) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(slave.Fd()), &st); err != nil {
		return fmt.Errorf("terminal: %w", &os.PathError{Op: "fstat", Path: "pty slave", Err: err})
	}
	group := -1
	if st.Gid == 0 {
		group = int(gid)
	}
	if err := unix.Fchown(int(slave.Fd()), int(uid), group); err != nil {
		return fmt.Errorf("terminal: give the pty to uid %d: %w", uid,
			&os.PathError{Op: "fchown", Path: "pty slave", Err: err})
	}
	return nil
}

// newSession puts the child in a session of its own, which has no
// controlling terminal. Without it the workload would share the caller's
// session and terminal: it could open /dev/tty and write to the user's
// screen, or push keystrokes into the caller's shell with TIOCSTI where
// dev.tty.legacy_tiocsti is on (CVE-2016-7545, CVE-2017-5226). Outside
// the terminal's session, TIOCSTI on a terminal still open as stdio needs
// CAP_SYS_ADMIN. The child is never a process group leader, so setsid(2)
// cannot fail with EPERM.
func newSession() error {
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("new session: %w", os.NewSyscallError("setsid", err))
	}
	return nil
}

// setupTerminal gives the container a pty from its own devpts instance: the
// master goes to the parent over the sync socket, the slave becomes the
// controlling terminal, stdio and, when console is set, /dev/console (a
// process joining a running container leaves the container's console be).
//
// Preconditions: after pivot_root, in a new session-less state (the child
// is not yet a session leader).
func setupTerminal(sync *os.File, console bool, uid, gid uint32, x *explain.Recorder) error {
	master, err := os.OpenFile("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		return fmt.Errorf("terminal: unlock pty: %w", os.NewSyscallError("ioctl TIOCSPTLCK", err))
	}
	// TIOCGPTPEER opens the slave from the master, with no path lookup
	// that a container could redirect.
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		return fmt.Errorf("terminal: open pty slave: %w", os.NewSyscallError("ioctl TIOCGPTPEER", errno))
	}
	slave := os.NewFile(fd, "pty-slave")
	defer slave.Close()
	if err := chownSlave(slave, uid, gid); err != nil {
		return err
	}
	x.Note("openat", "/dev/ptmx; ioctl TIOCSPTLCK 0, TIOCGPTPEER: the pty slave; fchown to the user")

	if console {
		if err := rootfs.MountConsole(slave, x); err != nil {
			return err
		}
	}
	x.Note("sendmsg", "the pty master to the parent (SCM_RIGHTS)")
	if err := send(sync, message{Type: msgPty}, master); err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("terminal: %w", os.NewSyscallError("setsid", err))
	}
	x.Note("setsid", "a new session")
	if err := unix.IoctlSetInt(int(slave.Fd()), unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("terminal: %w", os.NewSyscallError("ioctl TIOCSCTTY", err))
	}
	x.Note("ioctl", "TIOCSCTTY: the pty is the controlling terminal")
	for _, std := range []int{0, 1, 2} {
		if err := unix.Dup3(int(slave.Fd()), std, 0); err != nil {
			return fmt.Errorf("terminal: %w", os.NewSyscallError("dup3", err))
		}
	}
	x.Note("dup3", "the pty slave onto 0, 1 and 2")
	return nil
}
