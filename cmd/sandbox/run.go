package main

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/internal/explain"
	"sandbox/namespaces"
	"sandbox/seccomp"
	"sandbox/spec"
	"sandbox/state"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run COMMAND as PID 1 of a new container on ROOTFS, and exit with its status",
		ArgsUsage: "ROOTFS COMMAND [ARG...] | --bundle DIR ID",
		Description: `Without flags the container gets new pid, network (loopback only), mount, uts
ipc and cgroup namespaces, a cgroup of its own, Docker's default capability set
and seccomp profile, no_new_privs, and runs as root: without --userns that is
root of the host, held in only by namespaces, capabilities and the filter.
Exit status: the command's own, 128+N when signal N killed it, 125 when sandbox
failed, 126 when the command cannot run, 127 when it is missing.

With --bundle DIR and one argument, the container ID, it runs an OCI bundle
instead, as runc run does: create, start, wait, delete.`,
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "drop-all", Usage: "empty every capability set, bounding included"},
			&cli.StringSliceFlag{Name: "cap-add", Usage: "add capability `NAME` (NET_RAW, net_raw, CAP_NET_RAW or ALL)"},
			&cli.StringSliceFlag{Name: "cap-drop", Usage: "drop capability `NAME` (or ALL)"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "run as `UID[:GID]` or NAME[:GROUP] of the rootfs"},
			&cli.StringSliceFlag{Name: "group-add", Usage: "add supplementary group `GID` (or name)"},
			&cli.BoolFlag{Name: "userns", Usage: "map container ids 0-65535 to unprivileged host ids"},
			&cli.StringSliceFlag{Name: "uid-map", Usage: "map uids `CONTAINER:HOST:SIZE` (implies a user namespace)"},
			&cli.StringSliceFlag{Name: "gid-map", Usage: "map gids `CONTAINER:HOST:SIZE` (default: as --uid-map)"},
			&cli.StringFlag{Name: "hostname", Usage: "container hostname", Value: spec.DefaultHostname},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variable `KEY=VALUE`"},
			&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory `DIR` inside the container"},
			&cli.BoolFlag{Name: "read-only", Usage: "mount the rootfs read-only"},
			&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: "bind `HOST:CONTAINER[:ro]`"},
			&cli.StringSliceFlag{Name: "tmpfs", Usage: "mount a tmpfs at `PATH[:OPTIONS]`"},
			&cli.StringFlag{Name: "net", Usage: "`none` (own network, loopback only) or host", Value: "none"},
			&cli.BoolFlag{Name: "allow-privilege-escalation",
				Usage: "leave no_new_privs off, so setuid and file-capability programs work"},
			&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give the container a terminal"},
			&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "with --bundle: start the container and return"},
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"},
				Usage: "memory limit `SIZE` (64m, 1g); swap is held to it too"},
			&cli.StringFlag{Name: "memory-swap", Usage: "limit of memory plus swap, `SIZE`, or -1 for unlimited swap"},
			&cli.Int64Flag{Name: "pids-limit", Usage: "at most `N` processes and threads (-1: no limit)"},
			&cli.StringFlag{Name: "cpus", Usage: "CPU time `N` CPUs' worth per period, such as 0.5 or 2"},
			&cli.StringFlag{Name: "cpuset-cpus", Usage: "run only on CPUs `LIST`, such as 0-1,3"},
			&cli.Uint64Flag{Name: "cpu-shares", Usage: "CPU weight `N` against other cgroups (1024 is the default)"},
			&cli.BoolFlag{Name: "privileged", Usage: "WARNING: every capability, no seccomp, no masked paths, " +
				"every host device: without --userns, root in this container is root on the host"},
			&cli.StringFlag{Name: "seccomp", Value: "default",
				Usage: "system call filter: `default` (Docker's profile), unconfined, or a FILE in OCI or Docker form"},
			&cli.BoolFlag{Name: "run-as-non-root",
				Usage: "refuse to start when the command would run as uid 0, as Kubernetes' runAsNonRoot"},
			&cli.StringSliceFlag{Name: "ulimit",
				Usage: "set resource limit `NAME=SOFT[:HARD]` (nofile, nproc, core, memlock, stack...; -1 or unlimited)"},
			&cli.BoolFlag{Name: "explain",
				Usage: "print each step of the start and its kernel call on stderr, before the command runs"},
		}, bundleFlags()...),
		Action:       runAction,
		OnUsageError: usageErrorHandler,
	}
}

func runAction(c *cli.Context) error {
	if isBundleRun(c) {
		return runBundle(c)
	}
	if c.Bool("detach") {
		return usageError{errors.New("--detach needs --bundle: a container run from a rootfs " +
			"lives as long as its sandbox run (use &, or an OCI bundle with run -d)")}
	}
	args := c.Args().Slice()
	if len(args) == 0 {
		return usageError{errors.New("run needs a rootfs and a command: sandbox run [flags] ROOTFS COMMAND [ARG...]")}
	}
	seccompName := c.String("seccomp")
	if c.Bool("privileged") && !c.IsSet("seccomp") {
		seccompName = "unconfined"
	}
	profile, err := seccompProfile(seccompName)
	if err != nil {
		return err
	}
	s, err := spec.New(spec.Options{
		Rootfs:                   args[0],
		Args:                     args[1:],
		Env:                      c.StringSlice("env"),
		Hostname:                 c.String("hostname"),
		Cwd:                      c.String("workdir"),
		User:                     c.String("user"),
		GroupAdd:                 c.StringSlice("group-add"),
		DropAll:                  c.Bool("drop-all"),
		CapAdd:                   c.StringSlice("cap-add"),
		CapDrop:                  c.StringSlice("cap-drop"),
		UserNS:                   c.Bool("userns"),
		UIDMaps:                  c.StringSlice("uid-map"),
		GIDMaps:                  c.StringSlice("gid-map"),
		ReadOnly:                 c.Bool("read-only"),
		Volumes:                  c.StringSlice("volume"),
		Tmpfs:                    c.StringSlice("tmpfs"),
		Net:                      c.String("net"),
		AllowPrivilegeEscalation: c.Bool("allow-privilege-escalation"),
		TTY:                      c.Bool("tty"),
		Resources: spec.Resources{
			Memory: c.String("memory"), MemorySwap: c.String("memory-swap"), PidsLimit: c.Int64("pids-limit"),
			Cpus: c.String("cpus"), CpusetCpus: c.String("cpuset-cpus"), CpuShares: c.Uint64("cpu-shares"),
		},
		Seccomp:    profile,
		Privileged: c.Bool("privileged"),
		Ulimits:    c.StringSlice("ulimit"),
		NonRoot:    c.Bool("run-as-non-root"),
	})
	if err != nil {
		return err
	}
	// Checked here as well as at the start, so that a refusal comes before
	// the container's cgroup is made.
	if err := spec.Validate(s); err != nil {
		return err
	}
	var x *explain.Recorder
	if c.Bool("explain") {
		x = explain.New(os.Stderr)
	}
	return runSpec(store(c), s, x)
}

// seccompProfile reads the profile that --seccomp names; unconfined is nil.
func seccompProfile(name string) (*seccomp.Profile, error) {
	switch name {
	case "default":
		return seccomp.Default(), nil
	case "unconfined":
		return nil, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--seccomp: %w (give default, unconfined or a profile file)", err)
	}
	p, err := seccomp.ParseProfile(data)
	if err != nil {
		return nil, fmt.Errorf("--seccomp %s: %w", name, err)
	}
	logger.Debug("seccomp profile", "file", name, "format", p.Format)
	return p, nil
}

func stdio() namespaces.Stdio {
	return namespaces.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
}

// runSpec starts the container, relays signals and the terminal, and
// returns the workload's exit status. x, when not nil, prints the steps.
func runSpec(st *state.Store, s *specs.Spec, x *explain.Recorder) error {
	p, err := container.StartForeground(st, s, stdio(), x)
	if err != nil {
		return err
	}
	// Forwarding stays on until sandbox exits: signal.Stop would wait for
	// the signal goroutine to idle, and a signal sent after the container
	// is reaped goes nowhere (os.Process signals through a pidfd).
	p.ForwardSignals()

	// The last explain lines come with the exec; with a terminal they go
	// out before the relay puts it in raw mode, where a newline no longer
	// returns the cursor. The workload's first output waits in the pty.
	if x != nil && p.Pty() != nil {
		if err := p.AwaitExec(); err != nil {
			return err
		}
	}

	drain, err := attach(p, "")
	if err != nil {
		return err
	}
	code, err := finish(p, drain)
	if err != nil {
		return err
	}
	return exitError(code)
}

// isBundleRun tells `run --bundle DIR ID` (or runc's `run ID`, with the
// bundle in the working directory) from `run ROOTFS COMMAND`: a container
// id cannot hold a slash, and a lone argument naming a directory is a
// rootfs whose command is missing.
func isBundleRun(c *cli.Context) bool {
	if c.IsSet("bundle") {
		return true
	}
	if c.NArg() != 1 || state.ValidateID(c.Args().First()) != nil {
		return false
	}
	fi, err := os.Stat(c.Args().First())
	return err != nil || !fi.IsDir()
}
