package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/spec"
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
	drain, err := attach(p, o.ConsoleSocket)
	if err != nil {
		return err
	}
	if err := container.Start(st, id, logger); err != nil {
		p.Kill()
		return err
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
