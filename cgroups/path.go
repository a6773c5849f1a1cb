package cgroups

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Parent is the cgroup under which a container gets its own when its
// config names none (linux.cgroupsPath).
const Parent = "/sandbox"

// runPrefix starts the generated names of `sandbox run` containers, which
// have no id of their own.
const runPrefix = "run-"

// Path chooses the cgroup of container id: linux.cgroupsPath when the
// config gives one, else Parent/id. An absolute cgroupsPath is taken from
// the root of each cgroup tree; a relative one from the cgroup sandbox
// itself runs in, as runc does. A path that climbs out with ".." is
// refused: it could name another container's or the host's cgroup.
func Path(cgroupsPath, id string) (string, error) {
	if cgroupsPath == "" {
		if id == "" || strings.ContainsAny(id, "/") || id == "." || id == ".." {
			return "", fmt.Errorf("cgroups: container id %q cannot name a cgroup", id)
		}
		return path.Join(Parent, id), nil
	}
	if strings.Contains(cgroupsPath, ":") {
		return "", fmt.Errorf("linux.cgroupsPath %q is a systemd slice:prefix:name path; "+
			"sandbox manages cgroupfs paths only: give a path such as /sandbox/NAME", cgroupsPath)
	}
	for _, e := range strings.Split(cgroupsPath, "/") {
		if e == ".." {
			return "", fmt.Errorf("linux.cgroupsPath %q must not contain ..", cgroupsPath)
		}
	}
	clean := path.Clean(cgroupsPath)
	if clean == "/" || clean == "." {
		return "", fmt.Errorf("linux.cgroupsPath %q names the root cgroup: "+
			"give the container a cgroup of its own", cgroupsPath)
	}
	return clean, nil
}

// RunID makes a name for the cgroup of a `sandbox run` container, which
// has no container id: unique on the host, and naming the sandbox process
// that made it, so that a leftover can be told from a cgroup in use (see
// Sweep).
func RunID(pid int) string {
	b := make([]byte, 6)
	rand.Read(b)
	return runPrefix + strconv.Itoa(pid) + "-" + hex.EncodeToString(b)
}

// runOwner returns the pid in a name made by RunID, or false.
func runOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, runPrefix)
	if !ok {
		return 0, false
	}
	p, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	return pid, err == nil && pid > 0
}
