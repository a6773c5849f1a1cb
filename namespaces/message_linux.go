package namespaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// message is one packet on the sync socket; see the package doc.
type message struct {
	Type  string `json:"type"`
	Error string `json:"error,omitempty"`
	Code  int    `json:"code,omitempty"`
	Pid   int    `json:"pid,omitempty"` // msgPid: the join stage's fork

	State *specs.State `json:"state,omitempty"` // msgContinue: for the child's hooks
	Lines []string     `json:"lines,omitempty"` // msgExplain: the child's steps
}

const (
	msgError = "error"
	msgPty   = "pty"
	msgReady = "ready"
	msgPid   = "pid"
	msgExec  = "exec"

	msgHooks    = "hooks"    // child -> parent: before pivot_root, run your hooks
	msgContinue = "continue" // parent -> child: done; the container's state
	msgExplain  = "explain"  // child -> parent: --explain lines, before the next message
)

// maxExplainText bounds the lines of one explain packet, far below
// maxMessage even when JSON escapes every byte.
const maxExplainText = 8 << 10

// maxMessage bounds a packet; an error text is the largest message.
const maxMessage = 64 << 10

// maxErrorText bounds the error text the child sends. Escaped as JSON, even
// a text of control characters stays under maxMessage, and a packet that
// size is far below the socket's send buffer, so sendmsg(2) cannot fail
// with EMSGSIZE however long a path or name in the error is.
const maxErrorText = 4 << 10

// boundText returns s, or for a longer s its start and end with the middle
// cut out, at most max bytes and valid UTF-8: the start says what failed,
// the end carries the kernel's reason.
func boundText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	mark := fmt.Sprintf(" [... %d bytes cut ...] ", len(s)-max)
	keep := (max - len(mark)) / 2
	head, tail := s[:keep], s[len(s)-keep:]
	return strings.ToValidUTF8(head, "") + mark + strings.ToValidUTF8(tail, "")
}

// send writes m as one packet, with fd attached when it is not nil. In a
// child that explains, the lines recorded since the last message go first,
// so that the parent prints them before it acts on m.
func send(sock *os.File, m message, fd *os.File) error {
	if err := sendLines(sock, childExplain.Take()); err != nil {
		return err
	}
	return sendPacket(sock, m, fd)
}

// sendLines sends explain lines in packets of at most maxExplainText bytes
// of text; a longer line is cut.
func sendLines(sock *os.File, lines []string) error {
	for len(lines) > 0 {
		n, size := 0, 0
		for n < len(lines) && (n == 0 || size+len(lines[n]) <= maxExplainText) {
			lines[n] = boundText(lines[n], maxExplainText)
			size += len(lines[n])
			n++
		}
		if err := sendPacket(sock, message{Type: msgExplain, Lines: lines[:n]}, nil); err != nil {
			return err
		}
		lines = lines[n:]
	}
	return nil
}

func sendPacket(sock *os.File, m message, fd *os.File) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var oob []byte
	if fd != nil {
		oob = unix.UnixRights(int(fd.Fd()))
	}
	// MSG_NOSIGNAL: a parent that died must give an error, not SIGPIPE.
	if err := unix.Sendmsg(int(sock.Fd()), data, oob, nil, unix.MSG_NOSIGNAL); err != nil {
		return os.NewSyscallError("sendmsg", err)
	}
	return nil
}

// receive reads one packet; io.EOF means the peer closed its end (for the
// parent: the child exec'd the workload, or died).
func receive(sock *os.File) (message, *os.File, error) {
	buf := make([]byte, maxMessage)
	oob := make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, flags, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return message{}, nil, os.NewSyscallError("recvmsg", err)
		}
		if flags&unix.MSG_TRUNC != 0 {
			return message{}, nil, fmt.Errorf("sync socket: a message longer than %d bytes", maxMessage)
		}
		if n == 0 && oobn == 0 {
			return message{}, nil, io.EOF
		}
		fd, err := parseRights(oob[:oobn])
		if err != nil {
			return message{}, nil, err
		}
		var m message
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return message{}, nil, fmt.Errorf("sync socket: bad message: %w", err)
		}
		return m, fd, nil
	}
}

func parseRights(oob []byte) (*os.File, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	cmsgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(cmsgs) != 1 {
		return nil, fmt.Errorf("sync socket: bad control message")
	}
	fds, err := unix.ParseUnixRights(&cmsgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("sync socket: bad descriptor")
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}
