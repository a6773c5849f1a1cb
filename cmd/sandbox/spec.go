package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"sandbox/spec"
)

func specCommand() *cli.Command {
	return &cli.Command{
		Name:  "spec",
		Usage: "write a default config.json into the bundle directory, or one for a Kubernetes pod's container",
		Description: `With --from-pod POD.yaml, the config is the one a kubelet and containerd
would give a runtime for that container's security settings (see README,
"Kubernetes pods"). The conversion is done by sandbox-kube, a binary of its
own, found beside sandbox or on PATH.`,
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "bundle `DIR` to write config.json in"},
			&cli.BoolFlag{Name: "rootless",
				Usage: "a config an unprivileged user can run: a user namespace, the host's network"},
			&cli.StringFlag{Name: "seccomp", Value: "unconfined",
				Usage: "linux.seccomp to write: unconfined (none), `default` (Docker's profile, settled for the template's " +
					"capabilities: what run applies), or a FILE in OCI or Docker form"},
			&cli.StringFlag{Name: "from-pod", Usage: "write the config for a container of the Kubernetes Pod in `FILE`"},
			&cli.StringFlag{Name: "container", Usage: "with --from-pod: the container `NAME` (when the pod has several)"},
			&cli.StringFlag{Name: "rootfs", Usage: "with --from-pod: the root filesystem `PATH` (default: BUNDLE/rootfs)"},
			&cli.StringFlag{Name: "seccomp-root", Usage: "with --from-pod: the `DIR` of Localhost seccomp profiles " +
				"(default: /var/lib/kubelet/seccomp)"},
		},
		Action: func(c *cli.Context) error {
			if c.IsSet("from-pod") {
				return specFromPod(c)
			}
			for _, name := range podFlags {
				if c.IsSet(name) {
					return usageError{fmt.Errorf("--%s goes with --from-pod FILE", name)}
				}
			}
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

// podFlags are the flags that only --from-pod takes.
var podFlags = []string{"container", "rootfs", "seccomp-root"}

// specFromPod replaces sandbox with sandbox-kube, which does the
// conversion: the Kubernetes API it links must stay out of this binary,
// which every container start runs.
func specFromPod(c *cli.Context) error {
	for _, name := range []string{"rootless", "seccomp"} {
		if c.IsSet(name) {
			return usageError{fmt.Errorf("--%s does not go with --from-pod: the pod's securityContext decides", name)}
		}
	}
	if c.NArg() > 0 {
		return usageError{fmt.Errorf("spec takes no arguments, got %q: the pod file goes with --from-pod",
			c.Args().First())}
	}
	bin, err := kubeBinary()
	if err != nil {
		return err
	}
	argv := []string{bin, "--bundle", c.String("bundle")}
	for _, name := range podFlags {
		if c.IsSet(name) {
			argv = append(argv, "--"+name, c.String(name))
		}
	}
	argv = append(argv, "--", c.String("from-pod"))
	logger.Debug("spec --from-pod", "exec", bin, "args", argv[1:])
	return os.NewSyscallError("execve "+bin, syscall.Exec(bin, argv, os.Environ()))
}

// kubeBinary finds sandbox-kube beside the running sandbox, then on PATH.
func kubeBinary() (string, error) {
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), "sandbox-kube")
		if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return beside, nil
		}
	}
	if p, err := exec.LookPath("sandbox-kube"); err == nil {
		return p, nil
	}
	return "", errors.New("spec --from-pod needs sandbox-kube, beside sandbox or on PATH: " +
		"build it with `make build` (bin/sandbox-kube) and install it with sandbox")
}
