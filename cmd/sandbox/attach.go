package main

import (
	"os"
)

// workload is a started container process whose exec and exit sandbox
// waits for: a namespaces.Process, or a container.Foreground around one.
type workload interface {
	Pty() *os.File
	AttachTerminal(in, out *os.File) (wait func(), err error)
	Kill()
	AwaitExec() error
	Wait() (int, error)
}

// attach connects the caller's stdin and stdout to the container's pty,
// when it has one that no console socket took; drain then waits for the
// container's output. On error the container is killed.
func attach(p workload, consoleSocket string) (drain func(), err error) {
	if p.Pty() == nil || consoleSocket != "" {
		return func() {}, nil
	}
	if drain, err = p.AttachTerminal(os.Stdin, os.Stdout); err != nil {
		p.Kill()
		return nil, err
	}
	return drain, nil
}

// finish waits for the workload's execve, which may still fail, then for
// its exit, and returns its status; drain runs before either return.
func finish(p workload, drain func()) (int, error) {
	if err := p.AwaitExec(); err != nil {
		drain()
		return 0, err
	}
	code, err := p.Wait()
	drain()
	return code, err
}
