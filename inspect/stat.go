package inspect

import (
	"fmt"
	"strconv"
	"strings"
)

// Flags of a process in field 9 of /proc/PID/stat, from
// include/linux/sched.h: PF_EXITING, it has begun to exit; PF_KTHREAD, it
// is a kernel thread.
const (
	pfExiting = 0x00000004
	pfKthread = 0x00200000
)

// Stat is what Read takes from /proc/PID/stat (proc(5)).
type Stat struct {
	Comm  string
	State string // R, S, D, Z, X, ...
	Flags uint64
	Start uint64 // start time in clock ticks after boot
}

// ParseStat reads /proc/PID/stat. The command, field 2, is in parentheses
// and may hold anything, spaces and parentheses included: the fields
// after it start at the last ')'.
func ParseStat(text string) (Stat, error) {
	open, end := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
	if open < 0 || end < open {
		return Stat{}, fmt.Errorf("stat: no command in parentheses")
	}
	f := strings.Fields(text[end+1:])
	if len(f) < 20 {
		return Stat{}, fmt.Errorf("stat: got %d fields after the command, want at least 20", len(f))
	}
	flags, err := strconv.ParseUint(f[6], 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("stat: flags: %w", err)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("stat: starttime: %w", err)
	}
	return Stat{Comm: text[open+1 : end], State: f[0], Flags: flags, Start: start}, nil
}

// KernelThread reports whether the process is a kernel thread.
func (s Stat) KernelThread() bool { return s.Flags&pfKthread != 0 }

// Gone reports whether the process has exited or is exiting: a process in
// exit(2) drops its namespaces, mounts and files before it turns zombie,
// and reads of them then fail with EINVAL or ENOENT.
func (s Stat) Gone() bool {
	return s.State == "Z" || s.State == "X" || s.Flags&pfExiting != 0
}
