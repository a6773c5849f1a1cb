package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func startCommand() *cli.Command {
	return &cli.Command{
		Name:         "start",
		Usage:        "run the workload of a created container",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			return container.Start(store(c), id, logger)
		},
	}
}
