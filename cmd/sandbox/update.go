package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"sandbox/container"
	"sandbox/spec"
)

func updateCommand() *cli.Command {
	return &cli.Command{
		Name:         "update",
		Usage:        "change the resource limits of a container",
		ArgsUsage:    "ID",
		OnUsageError: usageErrorHandler,
		Description: `The limits come from --resources, a JSON file in the form of the config's
linux.resources ("-" reads standard input), and from the flags, which take
precedence. Only the limits given change.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "resources", Aliases: []string{"r"}, Usage: "linux.resources JSON `FILE`, or - for stdin"},
			&cli.StringFlag{Name: "memory", Usage: "memory limit `SIZE` (64m, 1g)"},
			&cli.StringFlag{Name: "memory-reservation", Usage: "memory soft limit `SIZE`"},
			&cli.StringFlag{Name: "memory-swap", Usage: "limit of memory plus swap, `SIZE`, or -1 for unlimited"},
			&cli.Int64Flag{Name: "pids-limit", Usage: "at most `N` processes and threads (-1: no limit)"},
			&cli.Int64Flag{Name: "cpu-quota", Usage: "CPU time `USEC` per period (-1: no limit)"},
			&cli.Uint64Flag{Name: "cpu-period", Usage: "CFS period `USEC`"},
			&cli.Uint64Flag{Name: "cpu-share", Usage: "CPU weight `N` (1024 is the default)"},
			&cli.StringFlag{Name: "cpuset-cpus", Usage: "CPUs `LIST` to run on"},
			&cli.StringFlag{Name: "cpuset-mems", Usage: "memory nodes `LIST` to use"},
			&cli.UintFlag{Name: "blkio-weight", Usage: "block IO weight `N`, 10 to 1000"},
		},
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			r, err := updateResources(c)
			if err != nil {
				return err
			}
			return container.Update(store(c), id, r)
		},
	}
}

// updateResources reads --resources, then lays the flags over it.
func updateResources(c *cli.Context) (*specs.LinuxResources, error) {
	r := &specs.LinuxResources{}
	if path := c.String("resources"); path != "" {
		if err := readResources(path, r); err != nil {
			return nil, err
		}
	}
	if err := memoryFlags(c, r); err != nil {
		return nil, err
	}
	if c.IsSet("pids-limit") {
		n := c.Int64("pids-limit")
		r.Pids = &specs.LinuxPids{Limit: &n}
	}
	cpuFlags(c, r)
	if c.IsSet("blkio-weight") {
		w := uint16(c.Uint("blkio-weight"))
		if r.BlockIO == nil {
			r.BlockIO = &specs.LinuxBlockIO{}
		}
		r.BlockIO.Weight = &w
	}
	return r, nil
}

func readResources(path string, r *specs.LinuxResources) error {
	var in io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("--resources: %w", err)
		}
		defer f.Close()
		in = f
	}
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return fmt.Errorf("--resources %s: not linux.resources JSON: %w", path, err)
	}
	return nil
}

func memoryFlags(c *cli.Context, r *specs.LinuxResources) error {
	for _, f := range []struct {
		flag string
		set  func(*specs.LinuxMemory, *int64)
	}{
		{"memory", func(m *specs.LinuxMemory, v *int64) { m.Limit = v }},
		{"memory-reservation", func(m *specs.LinuxMemory, v *int64) { m.Reservation = v }},
		{"memory-swap", func(m *specs.LinuxMemory, v *int64) { m.Swap = v }},
	} {
		if !c.IsSet(f.flag) {
			continue
		}
		v := int64(-1)
		if s := c.String(f.flag); s != "-1" {
			n, err := spec.ParseBytes(s)
			if err != nil {
				return usageError{fmt.Errorf("--%s %s: %w", f.flag, s, err)}
			}
			v = n
		}
		if r.Memory == nil {
			r.Memory = &specs.LinuxMemory{}
		}
		f.set(r.Memory, &v)
	}
	return nil
}

func cpuFlags(c *cli.Context, r *specs.LinuxResources) {
	cpu := r.CPU
	if cpu == nil {
		cpu = &specs.LinuxCPU{}
	}
	set := false
	if c.IsSet("cpu-quota") {
		v := c.Int64("cpu-quota")
		cpu.Quota, set = &v, true
	}
	if c.IsSet("cpu-period") {
		v := c.Uint64("cpu-period")
		cpu.Period, set = &v, true
	}
	if c.IsSet("cpu-share") {
		v := c.Uint64("cpu-share")
		cpu.Shares, set = &v, true
	}
	if c.IsSet("cpuset-cpus") {
		cpu.Cpus, set = c.String("cpuset-cpus"), true
	}
	if c.IsSet("cpuset-mems") {
		cpu.Mems, set = c.String("cpuset-mems"), true
	}
	if set {
		r.CPU = cpu
	}
}
