package main

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/spec"
)

func execCommand() *cli.Command {
	return &cli.Command{
		Name:         "exec",
		Usage:        "run a new process inside a running container, in all of its namespaces",
		ArgsUsage:    "ID [COMMAND [ARG...]]",
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "process", Aliases: []string{"p"},
				Usage: "the process, as runtime-spec JSON in `FILE`; the other process flags are then ignored"},
			&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give the process a pty"},
			&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "do not wait for the process"},
			&cli.StringFlag{Name: "pid-file", Usage: "write the process's PID to `FILE`"},
			&cli.StringFlag{Name: "console-socket", Usage: "send the pty master to the unix socket at `PATH`"},
			&cli.StringFlag{Name: "cwd", Usage: "working directory `DIR` inside the container"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "add `KEY=VALUE` to the environment"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "run as `UID[:GID]`"},
			&cli.StringSliceFlag{Name: "additional-gids", Aliases: []string{"g"}, Usage: "add supplementary `GID`"},
			&cli.StringSliceFlag{Name: "cap", Aliases: []string{"c"}, Usage: "add capability `NAME`"},
			&cli.BoolFlag{Name: "no-new-privs", Usage: "set no_new_privs even if the container did not"},
		},
		Action: execAction,
	}
}

func execAction(c *cli.Context) error {
	if c.NArg() < 1 {
		return usageError{fmt.Errorf("exec needs a container id: sandbox exec ID COMMAND [ARG...]")}
	}
	id := c.Args().First()
	st := store(c)
	if _, err := st.Load(id); err != nil {
		return err
	}
	proc, err := execProcess(c, st.LoadConfig)
	if err != nil {
		return err
	}
	detach := c.Bool("detach")
	p, err := container.Exec(st, id, proc, container.ExecOptions{
		Stdio: stdio(), Detached: detach, ConsoleSocket: c.String("console-socket"),
	})
	if err != nil {
		return err
	}
	p.ForwardSignals()
	drain, err := attach(p, c.String("console-socket"))
	if err != nil {
		return err
	}
	if err := p.AwaitExec(); err != nil {
		drain()
		return err
	}
	if err := writePidFile(c.String("pid-file"), p.Pid()); err != nil {
		p.Kill()
		return err
	}
	if detach {
		p.Release()
		return nil
	}
	code, err := p.Wait()
	drain()
	if err != nil {
		return err
	}
	return exitError(code)
}

// execProcess is the process to run: the --process file, or the
// container's own process changed by the flags.
func execProcess(c *cli.Context, config func(string) (*specs.Spec, error)) (*specs.Process, error) {
	if path := c.String("process"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--process: %w", err)
		}
		p, err := spec.ParseProcess(data)
		if err != nil {
			return nil, fmt.Errorf("--process %s: %w", path, err)
		}
		return p, nil
	}
	s, err := config(c.Args().First())
	if err != nil {
		return nil, err
	}
	return spec.ExecProcess(s.Process, spec.ExecOptions{
		Args: c.Args().Tail(), Env: c.StringSlice("env"), Cwd: c.String("cwd"),
		User: c.String("user"), AdditionalGids: c.StringSlice("additional-gids"),
		Caps: c.StringSlice("cap"), TTY: c.Bool("tty"), NoNewPrivs: c.Bool("no-new-privs"),
	})
}
