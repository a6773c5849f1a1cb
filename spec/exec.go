package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/caps"
)

// ExecOptions are the flags of exec that change the container's own
// process into the one to run beside it.
type ExecOptions struct {
	Args           []string
	Env            []string // KEY=VALUE, added to the container's environment
	Cwd            string
	User           string   // UID[:GID], numeric as in runc
	AdditionalGids []string // numeric
	Caps           []string // added to the container's capabilities
	TTY            bool
	NoNewPrivs     bool
}

// ExecProcess builds the process for exec from the container's process:
// the same environment, identity, capabilities and no_new_privs, with the
// options applied on top. base is not changed.
func ExecProcess(base *specs.Process, o ExecOptions) (*specs.Process, error) {
	if len(o.Args) == 0 {
		return nil, errors.New("exec needs a command: sandbox exec ID COMMAND [ARG...], or --process FILE")
	}
	p := *base
	p.Args = slices.Clone(o.Args)
	p.Terminal = o.TTY
	p.ConsoleSize = nil
	p.Env = append(slices.Clone(base.Env), o.Env...)
	p.NoNewPrivileges = base.NoNewPrivileges || o.NoNewPrivs
	if o.Cwd != "" {
		p.Cwd = o.Cwd
	}
	if err := execUser(&p, o); err != nil {
		return nil, err
	}
	c, err := addCaps(base.Capabilities, o.Caps, p.User.UID)
	if err != nil {
		return nil, err
	}
	p.Capabilities = c
	return &p, nil
}

func execUser(p *specs.Process, o ExecOptions) error {
	if o.User != "" {
		uid, gid, hasGID := strings.Cut(o.User, ":")
		id, numeric, err := parseNumericID("uid", uid)
		if err == nil && !numeric {
			err = fmt.Errorf("--user %s: exec takes a numeric UID[:GID]", o.User)
		}
		if err != nil {
			return err
		}
		p.User = specs.User{UID: id, GID: p.User.GID}
		if hasGID {
			if p.User.GID, err = numericID("gid", gid); err != nil {
				return err
			}
		}
	}
	for _, g := range o.AdditionalGids {
		id, err := numericID("gid", g)
		if err != nil {
			return err
		}
		p.User.AdditionalGids = appendNew(p.User.AdditionalGids, id)
	}
	return nil
}

func numericID(kind, s string) (uint32, error) {
	id, numeric, err := parseNumericID(kind, s)
	if err == nil && !numeric {
		err = fmt.Errorf("%s %q: give a number", kind, s)
	}
	return id, err
}

// addCaps adds names to the container's sets, as runc's exec --cap does: to
// bounding, effective and permitted, and for a non-root user also to
// inheritable and ambient, the only way a capability survives its execve
// (see package caps).
func addCaps(base *specs.LinuxCapabilities, names []string, uid uint32) (*specs.LinuxCapabilities, error) {
	c := &specs.LinuxCapabilities{}
	if base != nil {
		*c = *base
	}
	c.Bounding, c.Effective, c.Permitted = slices.Clone(c.Bounding), slices.Clone(c.Effective), slices.Clone(c.Permitted)
	c.Inheritable, c.Ambient = slices.Clone(c.Inheritable), slices.Clone(c.Ambient)
	for _, n := range names {
		name, err := caps.Canonical(n)
		if err != nil {
			return nil, fmt.Errorf("--cap: %w", err)
		}
		sets := []*[]string{&c.Bounding, &c.Effective, &c.Permitted}
		if uid != 0 {
			sets = append(sets, &c.Inheritable, &c.Ambient)
		}
		for _, set := range sets {
			if !slices.Contains(*set, name) {
				*set = append(*set, name)
			}
		}
	}
	return c, nil
}

// ParseProcess reads the process JSON of `exec --process`. A JSON error
// names the line and the field.
func ParseProcess(data []byte) (*specs.Process, error) {
	var p specs.Process
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, describeJSONError(data, err)
	}
	if len(p.Args) == 0 {
		return nil, errors.New("args is empty: name the command to run")
	}
	if p.Cwd == "" {
		return nil, errors.New("cwd is empty: give an absolute working directory")
	}
	return &p, nil
}

// InheritLimits gives a process for exec the container's process.rlimits
// and process.oomScoreAdj where it leaves them out, so that a process
// beside the init is held as the init is. An empty "rlimits": [] is not
// left out: it asks for the limits exec itself runs with.
func InheritLimits(p, container *specs.Process) {
	if p.Rlimits == nil {
		p.Rlimits = slices.Clone(container.Rlimits)
	}
	if p.OOMScoreAdj == nil && container.OOMScoreAdj != nil {
		adj := *container.OOMScoreAdj
		p.OOMScoreAdj = &adj
	}
}
