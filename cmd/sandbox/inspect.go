package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/inspect"
	"sandbox/state"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:  "inspect",
		Usage: "show how a container (or any host process) is confined, as the kernel reports it",
		Description: `The argument is a container id under --root, or a host PID (with --pid,
always a PID). A PID of a foreground 'sandbox run' stands for the container
it started, one of 'sandbox exec' for the process it started; a thread id
for its process.`,
		ArgsUsage:    "ID|PID",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text",
				Usage: "`text` or json"},
			&cli.BoolFlag{Name: "pid", Usage: "read the argument as a host PID, never as a container id"},
		},
		Action: inspectAction,
	}
}

func inspectAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageError{fmt.Errorf("inspect needs exactly one container id or PID, got %d arguments",
			c.NArg())}
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return usageError{fmt.Errorf("--format %q: use text or json", format)}
	}
	arg := c.Args().First()
	t, err := inspectTarget(c, arg)
	if err != nil {
		return err
	}
	r, err := inspect.Read(t.pid)
	if errors.Is(err, inspect.ErrNoProcess) {
		return fmt.Errorf("inspect %s: process %d does not exist (it has exited, or never did)", arg, t.pid)
	}
	if err != nil {
		return err
	}
	r.Selection = t.notes
	if t.created {
		r.MarkCreated()
	}
	if format == "json" {
		return printJSON(r)
	}
	return inspect.Render(os.Stdout, r)
}

// target is the process an argument names, with what the reader must
// know about how it was chosen.
type target struct {
	pid     int
	notes   []string
	created bool // the init of a container created and not yet started
}

// inspectTarget finds the process to inspect, trying in turn:
//  1. unless --pid, a container of the store (--root): its init, or why it
//     has none;
//  2. a host PID; a thread id stands for its process;
//  3. for the PID of a foreground `sandbox run` or of `sandbox exec`, the
//     process it started, the note naming which command it is.
func inspectTarget(c *cli.Context, arg string) (target, error) {
	var notFound error
	if !c.Bool("pid") && state.ValidateID(arg) == nil {
		t, err := containerTarget(c, arg)
		if !errors.Is(err, state.ErrNotExist) {
			return t, err
		}
		notFound = err
	}

	pid, perr := strconv.Atoi(arg)
	switch {
	case perr == nil && pid > 0:
	case notFound != nil:
		return target{}, notFound
	case c.Bool("pid"):
		return target{}, usageError{fmt.Errorf("inspect --pid %q: not a PID: want a positive number", arg)}
	default:
		return target{}, fmt.Errorf("inspect %q: neither a container id nor a PID", arg)
	}

	t := target{pid: pid}
	if leader, ok := inspect.ThreadGroup(pid); ok && leader != pid {
		t.notes = append(t.notes, fmt.Sprintf("%d is a thread of process %d: showing process %d",
			pid, leader, leader))
		t.pid = leader
	}
	if child, ok := inspect.RunChild(t.pid); ok {
		t.notes = append(t.notes, startedBy(c, t.pid, child))
		t.pid = child
	}
	return t, nil
}

// startedBy words the note for a sandbox process, pid, that stands for
// the process child it started, naming the command pid runs.
func startedBy(c *cli.Context, pid, child int) string {
	verb := inspect.Verb(inspect.Command(pid), func(name string) bool {
		for _, f := range c.App.Flags {
			if slices.Contains(f.Names(), name) {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
		return false
	})
	switch verb {
	case "run":
		return fmt.Sprintf("pid %d is a foreground `sandbox run`: showing its container, pid %d", pid, child)
	case "":
		return fmt.Sprintf("pid %d is a sandbox process: showing the process it started, pid %d", pid, child)
	}
	return fmt.Sprintf("pid %d is `sandbox %s`: showing the process it started, pid %d", pid, verb, child)
}

// containerTarget is the init of container id, noting whether it waits
// for start, and whether id is also a live host PID the reader may have
// meant.
func containerTarget(c *cli.Context, id string) (target, error) {
	st := store(c)
	pid, err := container.InitPid(st, id)
	if err != nil {
		return target{}, err
	}
	t := target{pid: pid}
	if ctr, err := st.Load(id); err == nil && st.Status(ctr) == "created" {
		t.created = true
	}
	if n, err := strconv.Atoi(id); err == nil && n > 0 && inspect.Exists(n) {
		t.notes = append(t.notes, fmt.Sprintf("%s names a container (init pid %d); "+
			"`sandbox inspect --pid %s` inspects host process %s", id, pid, id, id))
	}
	return t, nil
}
