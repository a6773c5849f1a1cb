package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func pauseCommand() *cli.Command {
	return &cli.Command{
		Name:         "pause",
		Usage:        "freeze every process of a running container (cgroup freezer)",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			return container.Pause(store(c), id)
		},
	}
}
