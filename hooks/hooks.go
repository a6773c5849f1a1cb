// Package hooks runs the OCI lifecycle hooks of a runtime-spec config:
// programs an engine asks the runtime to run at set points of a
// container's life, each given the container's state as JSON on stdin.
//
// The points, in the order a container meets them, and where each runs:
//
// The state a hook reads has the status the container has for runc at that
// point: "created" for the hooks of create (the spec's "creating", but
// engines are written against runc), "created" for startContainer,
// "running" for poststart and "stopped" for poststop.
//
//	prestart, createRuntime  create, once the namespaces exist and the
//	                         mounts are made, before pivot_root; in the
//	                         runtime's namespaces (the parent)
//	createContainer          right after, in the container's mount
//	                         namespace, before pivot_root (the child)
//	startContainer           start, after the container's init has taken
//	                         the workload's identity, just before its exec,
//	                         inside the container (the child)
//	poststart                start, once the workload runs (the parent)
//	poststop                 delete, once the container is gone
//
// A failing prestart, createRuntime, createContainer or startContainer hook
// fails the create or start, which then leaves nothing behind; a failing
// poststart or poststop hook is only reported (runtime-spec config.md).
package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Names of the hook points, as in the config's "hooks" object.
const (
	Prestart        = "prestart"
	CreateRuntime   = "createRuntime"
	CreateContainer = "createContainer"
	StartContainer  = "startContainer"
	Poststart       = "poststart"
	Poststop        = "poststop"
)

// Of returns the hooks of s at point name.
func Of(s *specs.Spec, name string) []specs.Hook {
	h := s.Hooks
	if h == nil {
		return nil
	}
	switch name {
	case Prestart:
		return h.Prestart // deprecated in the spec, still sent by engines
	case CreateRuntime:
		return h.CreateRuntime
	case CreateContainer:
		return h.CreateContainer
	case StartContainer:
		return h.StartContainer
	case Poststart:
		return h.Poststart
	case Poststop:
		return h.Poststop
	}
	return nil
}

// Run runs the hooks of point name in order, each with st as JSON on its
// stdin, and stops at the first that fails.
func Run(name string, hs []specs.Hook, st *specs.State) error {
	return run(name, hs, st, true)
}

// RunEach runs every hook of point name, in order, whether or not those
// before it failed, as poststart and poststop hooks are run; it returns
// the failures, joined.
func RunEach(name string, hs []specs.Hook, st *specs.State) error {
	return run(name, hs, st, false)
}

func run(name string, hs []specs.Hook, st *specs.State, stop bool) error {
	if len(hs) == 0 {
		return nil
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	var errs []error
	for i, h := range hs {
		if err := runOne(h, data); err != nil {
			errs = append(errs, fmt.Errorf("%s hook %d (%s): %w", name, i, h.Path, err))
			if stop {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// maxStderr bounds the part of a hook's stderr that its error quotes.
const maxStderr = 512

func runOne(h specs.Hook, state []byte) error {
	ctx := context.Background()
	if h.Timeout != nil {
		if *h.Timeout <= 0 {
			return fmt.Errorf("timeout %d: give a number of seconds above 0", *h.Timeout)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.Path)
	if len(h.Args) > 0 {
		cmd.Args = h.Args
	}
	cmd.Env = h.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Stdin = bytes.NewReader(state)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// A timeout ends the hook's whole process group: a child it left
	// behind would hold its stderr open, and Wait with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("killed after its timeout of %ds", *h.Timeout)
	}
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if msg := firstLine(stderr.String()); errors.As(err, &ee) && msg != "" {
		return fmt.Errorf("%w: %s", err, msg)
	}
	return err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > maxStderr {
		s = s[:maxStderr] + "..."
	}
	return s
}

// Validate checks what the runtime-spec requires of every hook: an
// absolute path and a positive timeout.
func Validate(s *specs.Spec) error {
	for _, name := range []string{Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop} {
		for i, h := range Of(s, name) {
			if !strings.HasPrefix(h.Path, "/") {
				return fmt.Errorf("hooks.%s[%d].path %q must be absolute", name, i, h.Path)
			}
			if h.Timeout != nil && *h.Timeout <= 0 {
				return fmt.Errorf("hooks.%s[%d].timeout %d must be above 0 seconds", name, i, *h.Timeout)
			}
		}
	}
	return nil
}
