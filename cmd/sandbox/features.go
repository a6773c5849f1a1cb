package main

import (
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli/v2"

	"sandbox/caps"
	"sandbox/rootfs"
)

func featuresCommand() *cli.Command {
	return &cli.Command{
		Name:         "features",
		Usage:        "print what this runtime supports, as the runtime-spec features JSON",
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			no, yes := false, true
			return printJSON(features.Features{
				OCIVersionMin: "1.0.0",
				OCIVersionMax: specs.Version,
				MountOptions:  rootfs.MountOptions(),
				Linux: &features.Linux{
					Namespaces: []string{"cgroup", "ipc", "mount", "network", "pid", "user", "uts"},
					Capabilities: func() []string {
						var out []string
						for _, n := range caps.All() {
							out = append(out, strings.ToUpper(n))
						}
						return out
					}(),
					Cgroup:  &features.Cgroup{V1: &yes, V2: &yes, Systemd: &no, SystemdUser: &no},
					Seccomp: &features.Seccomp{Enabled: &no},
				},
			})
		},
	}
}
