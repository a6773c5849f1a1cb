package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"sandbox/spec"
)

func specCommand() *cli.Command {
	return &cli.Command{
		Name:         "spec",
		Usage:        "write a default config.json into the bundle directory",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "bundle `DIR` to write config.json in"},
			&cli.BoolFlag{Name: "rootless",
				Usage: "a config an unprivileged user can run: a user namespace, the host's network"},
			&cli.StringFlag{Name: "seccomp", Value: "unconfined",
				Usage: "linux.seccomp to write: unconfined (none), `default` (Docker's profile, settled for the template's " +
					"capabilities: what run applies), or a FILE in OCI or Docker form"},
		},
		Action: func(c *cli.Context) error {
			path := c.String("bundle") + "/config.json"
			if _, err := os.Stat(path); err == nil {
				return fmt.Errorf("%s already exists: remove it first, or pick another --bundle", path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			s := spec.Default(c.Bool("rootless"))
			profile, err := seccompProfile(c.String("seccomp"))
			if err != nil {
				return err
			}
			if err := spec.SetSeccomp(s, profile); err != nil {
				return err
			}
			data, err := json.MarshalIndent(s, "", "\t")
			if err != nil {
				return err
			}
			return os.WriteFile(path, append(data, '\n'), 0o644)
		},
	}
}
