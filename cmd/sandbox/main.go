// Command sandbox is a small OCI container runtime: it runs a command as
// PID 1 inside new Linux namespaces, in a given root filesystem, with a
// trimmed capability set and the identity it is told to use.

// The Go runtime otherwise keeps GOMAXPROCS in step with the cgroup CPU
// limit, holding that cgroup's files open on the lowest free descriptors,
// 3 and up, the very ones --preserve-fds hands to a container when the
// caller left them closed. A short-lived runtime needs no such watch.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"sandbox/container"
	"sandbox/namespaces"
)

func init() {
	if namespaces.IsChild() {
		// capset(2) and the final execve(2) must happen on one thread;
		// locking here keeps main on the main thread from the start.
		runtime.LockOSThread()
	}
}

func main() {
	if namespaces.IsChild() {
		namespaces.Init()
	}
	// Descriptors sandbox's caller left open must not reach a container:
	// os/exec passes every descriptor without close-on-exec to a child.
	// The ones a container is given (--preserve-fds) are passed explicitly.
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	os.Exit(exitCode(newApp().Run(os.Args)))
}

func newApp() *cli.App {
	app := &cli.App{
		Name: "sandbox",
		Usage: "run a command in a container: new namespaces, trimmed capabilities, " +
			"its own root filesystem",
		Version:                   version,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true,
		OnUsageError:              usageErrorHandler,
		Flags:                     globalFlags(),
		Before:                    setupLog,
		Commands: []*cli.Command{
			runCommand(), createCommand(), startCommand(), execCommand(), stateCommand(), killCommand(),
			deleteCommand(), listCommand(), psCommand(), featuresCommand(), specCommand(),
			pauseCommand(), resumeCommand(), updateCommand(), inspectCommand(),
		},
	}
	// cli gives each command a "help" subcommand, alias "h", which would
	// shadow containers named h or help: `sandbox state h` printed help.
	for _, c := range app.Commands {
		c.HideHelpCommand = true
	}
	return app
}

// version and commit are set at build time by the Makefile.
var version, commit = "dev", "unknown"

func init() {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Printf("sandbox version %s\ncommit: %s\nspec: %s\ngo: %s\n",
			version, commit, specs.Version, runtime.Version())
	}
}

// exitError carries the workload's own exit status out of a command.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake on the command line.
type usageError struct{ error }

// usageErrorHandler keeps cli from printing the whole help on a bad flag:
// the one-line error names the flag, and --help is a flag away.
func usageErrorHandler(_ *cli.Context, err error, _ bool) error {
	return usageError{err}
}

// exitCode prints err, if any, as one line and returns the status to exit
// with: the workload's own, or 125 and up for sandbox's failures.
func exitCode(err error) int {
	var code exitError
	var nsErr *namespaces.Error
	var oom *container.OOMError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &oom):
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", err)
		logError(err)
		return oom.Status()
	case errors.As(err, &nsErr):
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", err)
		logError(err)
		return nsErr.Code
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(os.Stderr, "sandbox: %v (see sandbox --help)\n", usage.error)
	} else {
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", err)
	}
	logError(err)
	return namespaces.ExitSetup
}
