package main

import (
	"encoding/json"
	"os"

	"github.com/urfave/cli/v2"
)

func stateCommand() *cli.Command {
	return idCommand("state", "print the OCI state of a container as JSON", func(c *cli.Context, id string) error {
		st := store(c)
		ctr, err := st.Load(id)
		if err != nil {
			return err
		}
		return printJSON(st.State(ctr))
	})
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
