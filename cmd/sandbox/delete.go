package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/state"
)

func deleteCommand() *cli.Command {
	return &cli.Command{
		Name:         "delete",
		Usage:        "remove a created or stopped container",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "kill a running container first"},
		},
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			err = container.Delete(store(c), id, c.Bool("force"), logger)
			if errors.Is(err, state.ErrNotExist) && c.Bool("force") {
				// Engines call delete --force after a failed create.
				return nil
			}
			return err
		},
	}
}
