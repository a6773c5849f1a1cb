package main

import (
	"encoding/json"
	"os"

	"github.com/urfave/cli/v2"
)

func stateCommand() *cli.Command {
	return &cli.Command{
		Name:         "state",
		Usage:        "print the OCI state of a container as JSON",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			st := store(c)
			ctr, err := st.Load(id)
			if err != nil {
				return err
			}
			return printJSON(st.State(ctr))
		},
	}
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
