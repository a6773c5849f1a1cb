package main

import (
	"errors"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"sandbox/container"
	"sandbox/internal/explain"
	"sandbox/namespaces"
	"sandbox/spec"
	"sandbox/state"
)

// runBundle is `run --bundle DIR ID`: create, start, wait for the
// workload, delete; with --detach, create and start only.
func runBundle(c *cli.Context) error {
	id, err := oneID(c)
	if err != nil {
		return err
	}
	o, err := createOptions(c)
	if err != nil {
		return err
	}
	o.Foreground = !c.Bool("detach")
	if c.Bool("explain") {
		if c.Bool("detach") {
			return usageError{errors.New("--explain prints the steps up to the exec, which --detach does not wait for: " +
				"drop one of them")}
		}
		o.Explain = explain.New(os.Stderr)
	}
	s, err := spec.Load(o.Bundle)
	if err != nil {
		return err
	}
	warnIgnored(s)
	st := store(c)
	p, err := container.Create(st, id, s, o)
	if err != nil {
		return err
	}
	if err := writePidFile(c.String("pid-file"), p.Pid()); err != nil {
		p.Kill()
		container.Delete(st, id, true, logger)
		return err
	}
	if c.Bool("detach") {
		p.Release()
		return container.Start(st, id, logger)
	}
	defer container.Delete(st, id, true, logger)

	p.ForwardSignals()
	started := o.Explain != nil
	if started {
		// Before the relay puts a terminal in raw mode (see runSpec).
		if err := startExplained(st, id, p); err != nil {
			return err
		}
	}
	drain, err := attach(p, o.ConsoleSocket)
	if err != nil {
		return err
	}
	if !started {
		if err := container.Start(st, id, logger); err != nil {
			p.Kill()
			return err
		}
	}
	// The init may still fail between start and its exec: a startContainer
	// hook, or the exec itself.
	code, err := finish(p, drain)
	if err != nil {
		return err
	}
	if err := container.CheckOOM(st, id, code); err != nil {
		return err
	}
	return exitError(code)
}

// startExplained starts container id while it waits for the exec of p,
// whose child waits before its execve for the parent to print its last
// explain lines; Start itself returns only after that execve. If Start
// fails before the child got going, the child is killed, which ends the
// wait.
func startExplained(st *state.Store, id string, p *namespaces.Process) error {
	execed := make(chan error, 1)
	go func() { execed <- p.AwaitExec() }()
	err := container.Start(st, id, logger)
	if err != nil {
		p.Signal(unix.SIGKILL)
	}
	if eerr := <-execed; err == nil {
		err = eerr
	}
	return err
}
