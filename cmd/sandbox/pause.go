package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func pauseCommand() *cli.Command {
	return idCommand("pause", "freeze every process of a running container (cgroup freezer)",
		func(c *cli.Context, id string) error { return container.Pause(store(c), id) })
}
