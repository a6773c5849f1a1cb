package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/state"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:         "list",
		Aliases:      []string{"ls"},
		Usage:        "list the containers",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "`table` or json"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the ids"},
		},
		Action: func(c *cli.Context) error {
			all, err := container.List(store(c))
			if err != nil {
				return err
			}
			switch {
			case c.Bool("quiet"):
				for _, s := range all {
					fmt.Println(s.ID)
				}
				return nil
			case c.String("format") == "json":
				if all == nil {
					all = []state.OCIState{}
				}
				return printJSON(all)
			case c.String("format") == "table":
				return printTable(all)
			}
			return usageError{fmt.Errorf("--format %q: use table or json", c.String("format"))}
		},
	}
}

func printTable(all []state.OCIState) error {
	w := tabwriter.NewWriter(os.Stdout, 8, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER")
	for _, s := range all {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created, s.Owner)
	}
	return w.Flush()
}
