package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"sandbox/container"
	"sandbox/rootfs"
	"sandbox/spec"
)

func bundleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "bundle `DIR` holding config.json"},
		&cli.StringFlag{Name: "pid-file", Usage: "write the container's init PID to `FILE`"},
		&cli.StringFlag{Name: "console-socket", Usage: "send the pty master to the unix socket at `PATH`"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "not supported: sandbox always uses pivot_root"},
		&cli.BoolFlag{Name: "no-new-keyring", Usage: "keep the caller's session keyring"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass `N` more descriptors, from 3, to the container"},
	}
}

func createCommand() *cli.Command {
	return &cli.Command{
		Name:         "create",
		Usage:        "set up a container from an OCI bundle and leave it waiting for start",
		ArgsUsage:    "ID",
		Flags:        bundleFlags(),
		Action:       createAction,
		OnUsageError: usageErrorHandler,
	}
}

func createAction(c *cli.Context) error {
	id, err := oneID(c)
	if err != nil {
		return err
	}
	o, err := createOptions(c)
	if err != nil {
		return err
	}
	s, err := spec.Load(o.Bundle)
	if err != nil {
		return err
	}
	warnIgnored(s)
	p, err := container.Create(store(c), id, s, o)
	if err != nil {
		return err
	}
	if err := writePidFile(c.String("pid-file"), p.Pid()); err != nil {
		p.Kill()
		container.Delete(store(c), id, true, logger)
		return err
	}
	p.Release()
	return nil
}

func createOptions(c *cli.Context) (container.CreateOptions, error) {
	if c.Bool("no-pivot") {
		return container.CreateOptions{}, usageError{fmt.Errorf("--no-pivot is not supported: " +
			"sandbox always uses pivot_root, since a chroot can be escaped")}
	}
	n := c.Int("preserve-fds")
	if n < 0 {
		return container.CreateOptions{}, usageError{fmt.Errorf("--preserve-fds %d: give a count of 0 or more", n)}
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err == nil && uint64(n) > lim.Cur {
		err := fmt.Errorf("--preserve-fds %d: more than this process may have open (%d)", n, lim.Cur)
		return container.CreateOptions{}, usageError{err}
	}
	var fds []*os.File
	for i := 0; i < n; i++ {
		if _, err := unix.FcntlInt(uintptr(3+i), unix.F_GETFD, 0); err != nil {
			return container.CreateOptions{}, usageError{fmt.Errorf("--preserve-fds %d: descriptor %d is not open", n, 3+i)}
		}
		fds = append(fds, os.NewFile(uintptr(3+i), "preserved-"+strconv.Itoa(3+i)))
	}
	bundle, err := filepath.Abs(c.String("bundle"))
	if err != nil {
		return container.CreateOptions{}, err
	}
	return container.CreateOptions{
		Bundle: bundle, Stdio: stdio(), PreserveFDs: fds, ConsoleSocket: c.String("console-socket"),
		NoNewKeyring: c.Bool("no-new-keyring"),
	}, nil
}

// writePidFile writes pid atomically, as engines read the file as soon as
// it appears.
func writePidFile(path string, pid int) error {
	if path == "" {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("--pid-file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--pid-file: %w", err)
	}
	return nil
}

// warnIgnored tells about each section of the config that this version
// does not apply yet.
func warnIgnored(s *specs.Spec) {
	for _, field := range spec.Ignored(s) {
		logger.Warn("config section not applied yet by sandbox: " + field)
	}
	if rootfs.SharesMounts(s) {
		logger.Warn("linux.namespaces has no mount namespace: the container's mounts are made in the host's, " +
			"and its rootfs is entered with chroot, which a process holding CAP_SYS_CHROOT can leave")
	}
}
