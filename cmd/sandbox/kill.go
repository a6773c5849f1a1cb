package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"sandbox/container"
)

func killCommand() *cli.Command {
	return &cli.Command{
		Name:         "kill",
		Usage:        "send a signal (default SIGTERM) to a container's init; signal 0 only checks it is running",
		ArgsUsage:    "ID [SIGNAL]",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "signal every process of the container"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 || c.NArg() > 2 {
				return usageError{fmt.Errorf("kill needs a container id and at most one signal")}
			}
			sig := unix.SIGTERM
			if c.NArg() == 2 {
				var err error
				if sig, err = parseSignal(c.Args().Get(1)); err != nil {
					return err
				}
			}
			return container.Kill(store(c), c.Args().First(), sig, c.Bool("all"))
		},
	}
}

// parseSignal reads a signal as a number, or a name with or without SIG,
// in any case: 9, KILL, sigkill, SIGRTMIN+3. Signal 0 sends nothing: as
// with kill(2), and runc, it only asks whether the init is still running.
func parseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 64 {
			return 0, fmt.Errorf("signal %s is out of range: use 0 to 64", s)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	// The real-time signals, as kill(1) names them: RTMIN is 34 and RTMAX 64
	// on Linux, as glibc keeps 32 and 33 for itself.
	switch name {
	case "SIGRTMIN":
		return 34, nil
	case "SIGRTMAX":
		return 64, nil
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMIN+"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 34+n <= 64 {
			return unix.Signal(34 + n), nil
		}
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMAX-"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 64-n >= 34 {
			return unix.Signal(64 - n), nil
		}
	}
	return 0, fmt.Errorf("unknown signal %q: give a number or a name such as TERM, KILL or SIGHUP", s)
}
