package container

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// sendConsole passes the pty master to the engine listening on the unix
// socket at path, as SCM_RIGHTS with the master's name as the payload, the
// protocol engines (conmon, containerd) expect from runc.
func sendConsole(path string, pty *os.File) error {
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return fmt.Errorf("--console-socket %s: %w", path, err)
	}
	defer conn.Close()

	f, err := conn.File()
	if err != nil {
		return fmt.Errorf("--console-socket %s: %w", path, err)
	}
	defer f.Close()
	name := []byte("/dev/ptmx")
	if err := unix.Sendmsg(int(f.Fd()), name, unix.UnixRights(int(pty.Fd())), nil, 0); err != nil {
		return fmt.Errorf("--console-socket %s: %w", path, os.NewSyscallError("sendmsg", err))
	}
	return nil
}
