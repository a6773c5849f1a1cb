package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"sandbox/state"
)

// globalFlags are runc's global flags, which engines pass before the
// command.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "root",
			Usage: "state directory `DIR` (default /run/sandbox for root, $XDG_RUNTIME_DIR/sandbox otherwise)"},
		&cli.StringFlag{Name: "log", Usage: "write the log to `FILE` instead of stderr"},
		&cli.StringFlag{Name: "log-format", Usage: "log format: `text` or json", Value: "text"},
		&cli.BoolFlag{Name: "debug", Usage: "log debug messages"},
		&cli.BoolFlag{Name: "systemd-cgroup", Usage: "use systemd to manage cgroups (not supported: sandbox uses cgroupfs)"},
	}
}

// logger is the process's logger, set up by setupLog from the global flags.
var logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// logToFile is set when --log names a file: errors then go there too, where
// engines look for them, besides the one line on stderr.
var logToFile bool

func logError(err error) {
	if logToFile {
		logger.Error(err.Error())
	}
}

// setupLog configures logging as --log, --log-format and --debug say. The
// json format writes one object per line with level, msg and time, which
// engines parse to show the runtime's error.
func setupLog(c *cli.Context) error {
	var w io.Writer = os.Stderr
	if path := c.String("log"); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_SYNC, 0o644)
		if err != nil {
			return fmt.Errorf("--log %s: %w", path, err)
		}
		w, logToFile = f, true
	}
	opts := &slog.HandlerOptions{Level: slog.LevelWarn}
	if c.Bool("debug") {
		opts.Level = slog.LevelDebug
	}
	switch c.String("log-format") {
	case "text":
		logger = slog.New(slog.NewTextHandler(w, opts))
	case "json":
		logger = slog.New(slog.NewJSONHandler(w, opts))
	default:
		return fmt.Errorf("--log-format %q: use text or json", c.String("log-format"))
	}
	if c.Bool("systemd-cgroup") {
		return errors.New("--systemd-cgroup: the systemd cgroup driver is not supported; use cgroupfs (leave the flag out)")
	}
	return nil
}

// store is the state root that --root names, or the default.
func store(c *cli.Context) *state.Store {
	if root := c.String("root"); root != "" {
		abs, err := filepath.Abs(root)
		if err == nil {
			root = abs
		}
		return &state.Store{Root: root}
	}
	if os.Geteuid() == 0 {
		return &state.Store{Root: "/run/sandbox"}
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		return &state.Store{Root: filepath.Join(dir, "sandbox")}
	}
	return &state.Store{Root: filepath.Join(os.TempDir(), "sandbox-"+strconv.Itoa(os.Geteuid()))}
}

// oneID returns the single container id argument of a command.
func oneID(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		hint := ""
		for _, a := range c.Args().Tail() {
			if strings.HasPrefix(a, "-") {
				hint = ": flags go before the id"
			}
		}
		return "", usageError{fmt.Errorf("%s needs exactly one container id, got %d arguments%s",
			c.Command.Name, c.NArg(), hint)}
	}
	id := c.Args().First()
	return id, state.ValidateID(id)
}

// idCommand is a command that takes one container id and nothing else.
func idCommand(name, usage string, action func(c *cli.Context, id string) error) *cli.Command {
	return &cli.Command{
		Name:         name,
		Usage:        usage,
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			return action(c, id)
		},
	}
}
