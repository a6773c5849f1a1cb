// Package inspect measures how a running process is confined, from what
// the kernel reports about it, never from the configuration it was started
// with: /proc/PID/ns against PID 1's, /proc/PID/status, the id maps,
// mountinfo, /proc/PID/cgroup and the cgroup files it names, the limits,
// the seccomp filters the process carries, and the hostname of its UTS
// namespace.
//
// Read measures; Render writes the text view, one section at a time, with
// a line for a learner on what each section means. The measuring is split
// into pure parsers (status, maps, mountinfo, cgroup, limits, classic BPF)
// that the tests feed with text, and the few steps that touch the kernel:
// setns(2) into the UTS namespace (uts_linux.go) and ptrace(2) to copy the
// seccomp filters (filter_unsafe.go).
package inspect
