package container

import (
	"fmt"
	"os"
	"sort"
	"strconv"

	"sandbox/state"
)

// List returns the state of every container in the store.
func List(store *state.Store) ([]state.OCIState, error) {
	ids, err := store.List()
	if err != nil {
		return nil, err
	}
	var out []state.OCIState
	for _, id := range ids {
		c, err := store.Load(id)
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, store.State(c))
	}
	return out, nil
}

// Pids returns the host PIDs of the processes in the container's PID
// namespace, found by comparing /proc/PID/ns/pid with the init's.
func Pids(store *state.Store, id string) ([]int, error) {
	c, err := store.Load(id)
	if err != nil {
		return nil, err
	}
	if !c.Alive() {
		return nil, nil
	}
	ns, err := os.Readlink("/proc/" + strconv.Itoa(c.Pid) + "/ns/pid")
	if err != nil {
		return nil, nil
	}
	if own, _ := os.Readlink("/proc/self/ns/pid"); own == ns {
		return nil, fmt.Errorf("container %s shares the host's PID namespace: "+
			"its processes cannot be told from the host's", id)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if link, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && link == ns {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// InitPid returns the host PID of container id's init, for a container
// created or running. A stopped container has none.
func InitPid(store *state.Store, id string) (int, error) {
	c, err := store.Load(id)
	if err != nil {
		return 0, err
	}
	if !c.Alive() {
		return 0, fmt.Errorf("container %s is stopped: its init (pid %d) has exited; "+
			"`sandbox delete %s` removes its record", id, c.Pid, id)
	}
	return c.Pid, nil
}
