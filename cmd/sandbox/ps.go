package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func psCommand() *cli.Command {
	return &cli.Command{
		Name:         "ps",
		Usage:        "list the processes of a container (host PIDs)",
		ArgsUsage:    "ID [PS-OPTIONS...]",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "`table` or json (the PIDs)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return usageError{fmt.Errorf("ps needs a container id")}
			}
			pids, err := container.Pids(store(c), c.Args().First())
			if err != nil {
				return err
			}
			switch c.String("format") {
			case "json":
				if pids == nil {
					pids = []int{}
				}
				return printJSON(pids)
			case "table":
				return psTable(pids, c.Args().Tail())
			}
			return usageError{fmt.Errorf("--format %q: use table or json", c.String("format"))}
		},
	}
}

// psTable runs the host's ps(1) with the given options (default -ef) and
// keeps the header and the lines of the container's PIDs.
func psTable(pids []int, args []string) error {
	if len(args) == 0 {
		args = []string{"-ef"}
	}
	out, err := exec.Command("ps", args...).Output()
	if err != nil {
		return fmt.Errorf("ps %s: %w", strings.Join(args, " "), err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	col := -1
	for i, h := range strings.Fields(lines[0]) {
		if h == "PID" {
			col = i
		}
	}
	if col < 0 {
		return fmt.Errorf("ps %s: its output has no PID column", strings.Join(args, " "))
	}
	want := map[string]bool{}
	for _, p := range pids {
		want[strconv.Itoa(p)] = true
	}
	fmt.Fprintln(os.Stdout, lines[0])
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) > col && want[f[col]] {
			fmt.Fprintln(os.Stdout, l)
		}
	}
	return nil
}
