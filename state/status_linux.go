package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/cgroups"
)

// StartTime reads the start time of process pid (field 22 of
// /proc/PID/stat), which tells a process from a later one that reuses its
// PID. The second result is false for a process that is gone or a zombie.
func StartTime(pid int) (uint64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	return start, err == nil
}

// Alive reports whether c's init is still the process that was started.
func (c *Container) Alive() bool {
	start, ok := StartTime(c.Pid)
	return ok && start == c.InitStart
}

// StatePaused is the status of a container whose cgroup is frozen (pause).
// The runtime spec names no such state; runc reports this one, and engines
// read it.
const StatePaused specs.ContainerState = "paused"

// Status derives c's OCI status: stopped when its init is gone, created
// while the exec fifo exists, paused while its cgroup is frozen, running
// otherwise.
func (s *Store) Status(c *Container) specs.ContainerState {
	if !c.Alive() {
		return specs.StateStopped
	}
	if _, err := os.Stat(s.FifoPath(c.ID)); err == nil {
		return specs.StateCreated
	} else if !errors.Is(err, fs.ErrNotExist) {
		return specs.StateRunning
	}
	if c.frozen() {
		return StatePaused
	}
	return specs.StateRunning
}

func (c *Container) frozen() bool {
	if len(c.CgroupPaths) == 0 {
		return false
	}
	m, err := cgroups.Load(c.CgroupPaths)
	return err == nil && m.Frozen()
}

// oomKills counts the container's processes that the kernel's OOM killer
// ended, while its cgroup exists.
func (c *Container) oomKills() uint64 {
	if len(c.CgroupPaths) == 0 {
		return 0
	}
	m, err := cgroups.Load(c.CgroupPaths)
	if err != nil {
		return 0
	}
	oom, err := m.OOM()
	if err != nil {
		return 0
	}
	return oom.Kills
}

// OCIState is the state that `sandbox state` prints and hooks receive.
type OCIState struct {
	specs.State
	Created string `json:"created"`
	Owner   string `json:"owner"`

	// OOMKills is how many of the container's processes the kernel's OOM
	// killer ended, for as long as its cgroup exists (until delete). It
	// is sandbox's own field, left out when zero.
	OOMKills uint64 `json:"oomKills,omitempty"`
}

// State returns c's OCI state. A stopped container has no pid.
func (s *Store) State(c *Container) OCIState {
	st := OCIState{
		State: specs.State{
			Version: specs.Version, ID: c.ID, Status: s.Status(c),
			Pid: c.Pid, Bundle: c.Bundle, Annotations: c.Annotations,
		},
		Created:  c.Created.UTC().Format("2006-01-02T15:04:05.000000000Z"),
		Owner:    c.Owner,
		OOMKills: c.oomKills(),
	}
	if st.Status == specs.StateStopped {
		st.Pid = 0
	}
	return st
}

// String is a short description for error messages.
func (c *Container) String() string {
	return fmt.Sprintf("container %s", c.ID)
}
