package main

import (
	"github.com/urfave/cli/v2"

	"sandbox/container"
)

func resumeCommand() *cli.Command {
	return idCommand("resume", "thaw a paused container",
		func(c *cli.Context, id string) error { return container.Resume(store(c), id) })
}
