// Package cgroups puts a container in a control group of its own and
// limits what it may use there: memory, processes, CPU time, devices. It
// wraps the cgroupfs managers of github.com/opencontainers/cgroups (fs for
// v1, fs2 for v2) and never the systemd one, so sandbox talks to no bus.
//
// # Layouts
//
// A host mounts cgroups in one of three ways, and all three work:
//
//	v2       one cgroup2 tree at /sys/fs/cgroup (current distributions)
//	v1       one tree per controller at /sys/fs/cgroup/<controller>
//	hybrid   v1 trees, plus a cgroup2 tree at /sys/fs/cgroup/unified that
//	         holds the controllers no v1 tree claims
//
// On v1 and hybrid hosts a container's cgroup is one directory in each
// tree, all with the same relative path; on v2 it is one directory.
//
// # Lifetime
//
// New chooses the cgroup; Create makes it and applies the limits before
// any process is in it; Add puts the container's first process in, which
// the launcher does before that process runs the workload (see package
// container); Destroy kills what is left and removes every directory.
// The paths are recorded with the container (Paths, Load), so the later
// commands (pause, update, delete) find the same cgroup from another
// process.
package cgroups
