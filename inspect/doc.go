// Package inspect measures how a running process is confined, from what
// the kernel reports about it, never from the configuration it was started
// with: /proc/PID/ns against the host's (PID 1's, or kthreadd's),
// /proc/PID/status, the id maps, mountinfo, /proc/PID/cgroup and the
// cgroup files it names, the limits, the seccomp filters the process
// carries, and the hostname of its UTS namespace. Paths inside the process's root are resolved from a
// descriptor of it with openat2(2) RESOLVE_IN_ROOT, never through a
// symlink the process could plant; the text view escapes every string the
// process could choose.
//
// Read measures; Render writes the text view, one section at a time, with
// a line for a learner on what each section means. The measuring is split
// into pure parsers (status, maps, mountinfo, cgroup, limits, classic BPF)
// that the tests feed with text, and the few steps that touch the kernel:
// setns(2) into the UTS namespace (uts_linux.go) and ptrace(2) to copy the
// seccomp filters (filter_unsafe.go).
package inspect
