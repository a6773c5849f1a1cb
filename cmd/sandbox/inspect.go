package main

import (
	"errors"
	"fmt"
	"os"
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
		Description: `The argument is a container id under --root, or a host PID. A PID of a
foreground 'sandbox run' stands for the container it started.`,
		ArgsUsage:    "ID|PID",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text",
				Usage: "`text` or json"},
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
	pid, note, err := inspectTarget(c, c.Args().First())
	if err != nil {
		return err
	}
	r, err := inspect.Read(pid)
	if errors.Is(err, inspect.ErrNoProcess) {
		return fmt.Errorf("inspect %s: process %d does not exist (it has exited, or never did)",
			c.Args().First(), pid)
	}
	if err != nil {
		return err
	}
	if format == "json" {
		return printJSON(r)
	}
	if note != "" {
		fmt.Println(note)
	}
	return inspect.Render(os.Stdout, r)
}

// inspectTarget finds the process to inspect, trying in turn:
//  1. a container of the store (--root): its init, or why it has none;
//  2. a host PID;
//  3. for the PID of a foreground `sandbox run`, the container it started.
func inspectTarget(c *cli.Context, arg string) (pid int, note string, err error) {
	var notFound error
	if state.ValidateID(arg) == nil {
		pid, err := container.InitPid(store(c), arg)
		if !errors.Is(err, state.ErrNotExist) {
			return pid, "", err
		}
		notFound = err
	}

	pid, perr := strconv.Atoi(arg)
	switch {
	case perr == nil && pid > 0:
	case notFound != nil:
		return 0, "", notFound
	default:
		return 0, "", fmt.Errorf("inspect %q: neither a container id nor a PID", arg)
	}

	if child, ok := inspect.RunChild(pid); ok {
		note := fmt.Sprintf("pid %d is a foreground `sandbox run`: showing its container, pid %d", pid, child)
		return child, note, nil
	}
	return pid, "", nil
}
