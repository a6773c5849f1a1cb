package inspect

import (
	"os"
	"strconv"
	"strings"
)

// RunChild returns the process that a sandbox process pid started and
// waits for (a foreground `sandbox run`'s container init, or the process
// of `sandbox exec`; Verb tells which): pid must run the same binary as the caller (the
// same file, or one at the same path that a rebuild has since replaced),
// and have exactly one child in another PID or mount namespace than its
// own. The second result is false otherwise.
func RunChild(pid int) (int, bool) {
	if !sameBinary(pid) {
		return 0, false
	}
	var found []int
	for _, c := range children(pid) {
		if otherNS(pid, c, "pid") || otherNS(pid, c, "mnt") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return 0, false
	}
	return found[0], true
}

// children lists the processes whose parent is pid, from /proc/PID/stat.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The command, field 2, is in parentheses and may hold anything.
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, c)
		}
	}
	return out
}

func otherNS(a, b int, t string) bool {
	la, err1 := os.Readlink("/proc/" + strconv.Itoa(a) + "/ns/" + t)
	lb, err2 := os.Readlink("/proc/" + strconv.Itoa(b) + "/ns/" + t)
	return err1 == nil && err2 == nil && la != lb
}

func sameBinary(pid int) bool {
	exe := "/proc/" + strconv.Itoa(pid) + "/exe"
	self, err1 := os.Stat("/proc/self/exe")
	other, err2 := os.Stat(exe)
	if err1 == nil && err2 == nil && os.SameFile(self, other) {
		return true
	}
	ownPath, err1 := os.Readlink("/proc/self/exe")
	path, err2 := os.Readlink(exe)
	return err1 == nil && err2 == nil && strings.TrimSuffix(path, " (deleted)") == ownPath
}

// ThreadGroup returns the process that thread id belongs to, its thread
// group leader (Tgid in /proc/ID/status): /proc answers for a thread id
// too, though it does not list it. The second result is false when id is
// no live thread.
func ThreadGroup(id int) (int, bool) {
	text, err := os.ReadFile("/proc/" + strconv.Itoa(id) + "/status")
	if err != nil {
		return 0, false
	}
	st, err := ParseStatus(string(text))
	return st.Tgid, err == nil && st.Tgid > 0
}

// Exists reports whether pid is a live process (not a zombie).
func Exists(pid int) bool {
	st, err := readStat(pid)
	return err == nil && !st.Gone()
}

// Verb returns the command word of a sandbox command line, args (argv[0]
// first): its first argument that is neither a flag nor the value of one,
// such as "run" or "exec"; takesValue says which global flags, named
// without dashes, take the next argument as their value. It returns ""
// when args has no command word.
func Verb(args []string, takesValue func(name string) bool) string {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a
		}
		if a == "--" {
			return ""
		}
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue(name) {
			i++
		}
	}
	return ""
}

// Command returns the command line of process pid, argv[0] first, or nil
// when it cannot be read.
func Command(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}
