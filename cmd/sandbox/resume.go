package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func resumeCommand() *cli.Command {
	return &cli.Command{
		Name:         "resume",
		Usage:        "thaw a paused container",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			return container.Resume(store(c), id)
		},
	}
}
