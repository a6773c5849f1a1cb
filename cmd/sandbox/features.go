package main

import (
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli/v2"

	"sandbox/caps"
	"sandbox/rootfs"
	"sandbox/seccomp"
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
					Seccomp: seccompFeatures(),
				},
			})
		},
	}
}

// seccompFeatures lists what linux.seccomp may use: SCMP_ACT_NOTIFY is
// refused, archs are those the built-in libseccomp knows, and
// supportedFlags are those this kernel accepts.
func seccompFeatures() *features.Seccomp {
	yes := true
	f := &features.Seccomp{Enabled: &yes}
	for _, a := range seccomp.Actions {
		f.Actions = append(f.Actions, string(a))
	}
	for _, op := range seccomp.Operators {
		f.Operators = append(f.Operators, string(op))
	}
	for _, a := range seccomp.KnownArchitectures() {
		f.Archs = append(f.Archs, string(a))
	}
	for fl := range seccomp.Flags {
		f.KnownFlags = append(f.KnownFlags, string(fl))
	}
	for _, fl := range seccomp.SupportedFlags() {
		f.SupportedFlags = append(f.SupportedFlags, string(fl))
	}
	slices.Sort(f.KnownFlags)
	return f
}
