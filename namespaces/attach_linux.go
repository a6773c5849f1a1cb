package namespaces

import (
	"io"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// forwarded are the signals that sandbox passes on to the container
// process. SIGWINCH is forwarded only without a terminal: with one, the
// pty's new size makes the kernel send it.
var forwarded = []os.Signal{
	unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2, unix.SIGWINCH,
}

// ForwardSignals relays the signals sandbox receives to the container
// process until stop is called. The process is PID 1 of its namespace, so
// the kernel drops a signal it has no handler for, SIGKILL aside.
func (p *Process) ForwardSignals() (stop func()) {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, forwarded...)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-ch:
				if sig == unix.SIGWINCH && p.pty != nil {
					p.resize()
					continue
				}
				p.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// AttachTerminal connects the caller's stdin and stdout to the container's
// pty, putting a terminal stdin in raw mode so keys reach the container
// unchanged. wait blocks until the container's output is drained and
// restores the terminal.
func (p *Process) AttachTerminal(in, out *os.File) (wait func(), err error) {
	var restore func()
	if term.IsTerminal(int(in.Fd())) {
		state, err := term.MakeRaw(int(in.Fd()))
		if err != nil {
			return nil, err
		}
		restore = func() { term.Restore(int(in.Fd()), state) }
		p.resizeFrom(in)
	}

	go func() {
		io.Copy(p.pty, in)
		if restore == nil {
			// Not a terminal: pass the end of input on as ^D.
			p.pty.Write([]byte{4})
		}
	}()
	var drained sync.WaitGroup
	drained.Add(1)
	go func() {
		defer drained.Done()
		io.Copy(out, p.pty) // ends with EIO once every slave descriptor is closed
	}()
	return func() {
		drained.Wait()
		if restore != nil {
			restore()
		}
	}, nil
}

func (p *Process) resize() {
	p.resizeFrom(os.Stdin)
}

func (p *Process) resizeFrom(in *os.File) {
	ws, err := unix.IoctlGetWinsize(int(in.Fd()), unix.TIOCGWINSZ)
	if err == nil {
		unix.IoctlSetWinsize(int(p.pty.Fd()), unix.TIOCSWINSZ, ws)
	}
}
