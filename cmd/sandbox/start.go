package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func startCommand() *cli.Command {
	return idCommand("start", "run the workload of a created container",
		func(c *cli.Context, id string) error { return container.Start(store(c), id, logger) })
}
