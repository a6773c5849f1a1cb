package explain

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/moby/sys/capability"
	"golang.org/x/sys/unix"
)

// flagName is one bit, or a value under a mask, and its name.
type flagName struct {
	bit  uint64
	name string
}

var cloneNames = []flagName{
	{unix.CLONE_NEWNS, "CLONE_NEWNS"}, {unix.CLONE_NEWUTS, "CLONE_NEWUTS"},
	{unix.CLONE_NEWIPC, "CLONE_NEWIPC"}, {unix.CLONE_NEWUSER, "CLONE_NEWUSER"},
	{unix.CLONE_NEWPID, "CLONE_NEWPID"}, {unix.CLONE_NEWNET, "CLONE_NEWNET"},
	{unix.CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {unix.CLONE_NEWTIME, "CLONE_NEWTIME"},
}

var mountNames = []flagName{
	{unix.MS_RDONLY, "MS_RDONLY"}, {unix.MS_NOSUID, "MS_NOSUID"}, {unix.MS_NODEV, "MS_NODEV"},
	{unix.MS_NOEXEC, "MS_NOEXEC"}, {unix.MS_SYNCHRONOUS, "MS_SYNCHRONOUS"},
	{unix.MS_REMOUNT, "MS_REMOUNT"}, {unix.MS_MANDLOCK, "MS_MANDLOCK"},
	{unix.MS_DIRSYNC, "MS_DIRSYNC"}, {unix.MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
	{unix.MS_NOATIME, "MS_NOATIME"}, {unix.MS_NODIRATIME, "MS_NODIRATIME"},
	{unix.MS_BIND, "MS_BIND"}, {unix.MS_MOVE, "MS_MOVE"}, {unix.MS_REC, "MS_REC"},
	{unix.MS_SILENT, "MS_SILENT"}, {unix.MS_UNBINDABLE, "MS_UNBINDABLE"},
	{unix.MS_PRIVATE, "MS_PRIVATE"}, {unix.MS_SLAVE, "MS_SLAVE"}, {unix.MS_SHARED, "MS_SHARED"},
	{unix.MS_RELATIME, "MS_RELATIME"}, {unix.MS_STRICTATIME, "MS_STRICTATIME"},
	{unix.MS_LAZYTIME, "MS_LAZYTIME"},
}

var attrNames = []flagName{
	{unix.MOUNT_ATTR_RDONLY, "ro"}, {unix.MOUNT_ATTR_NOSUID, "nosuid"},
	{unix.MOUNT_ATTR_NODEV, "nodev"}, {unix.MOUNT_ATTR_NOEXEC, "noexec"},
	{unix.MOUNT_ATTR_NODIRATIME, "nodiratime"}, {unix.MOUNT_ATTR_NOSYMFOLLOW, "nosymfollow"},
	{unix.MOUNT_ATTR_IDMAP, "idmap"},
}

// atimeNames are the values of the MOUNT_ATTR__ATIME field, not bits.
var atimeNames = []flagName{
	{unix.MOUNT_ATTR_NOATIME, "noatime"}, {unix.MOUNT_ATTR_STRICTATIME, "strictatime"},
}

// flags names the bits of v from table, joined by |, with any bits the
// table lacks as one hex number; 0 is "0".
func flags(v uint64, table []flagName) string {
	var names []string
	for _, f := range table {
		if v&f.bit != 0 {
			names = append(names, f.name)
			v &^= f.bit
		}
	}
	if v != 0 {
		names = append(names, "0x"+strconv.FormatUint(v, 16))
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}

// CloneFlags names the namespace bits of clone(2) or unshare(2) flags.
func CloneFlags(f uintptr) string { return flags(uint64(f), cloneNames) }

// MountFlags names the MS_ bits of mount(2) flags.
func MountFlags(f uintptr) string { return flags(uint64(f), mountNames) }

// Attrs names MOUNT_ATTR_ bits as mount options: "ro,nosuid"; 0 is "".
func Attrs(a uint64) string {
	var names []string
	for _, f := range atimeNames {
		if a&unix.MOUNT_ATTR__ATIME == f.bit {
			names = append(names, f.name)
		}
	}
	a &^= unix.MOUNT_ATTR__ATIME
	if a == 0 && len(names) == 0 {
		return ""
	}
	if a != 0 {
		names = append(strings.Split(flags(a, attrNames), "|"), names...)
	}
	return strings.Join(names, ",")
}

// Caps describes a capability set, a mask of bits 0 to last: "none",
// "all 41" (every capability this kernel knows), or the count and the
// names, without their CAP_ prefix, in kernel order; a set that holds more
// than half of them is named by those it lacks: "40 all but SYS_RESOURCE".
func Caps(mask uint64, last int) string {
	full := uint64(1)<<(uint(last)+1) - 1
	mask &= full
	switch mask {
	case 0:
		return "none"
	case full:
		return "all " + strconv.Itoa(last+1)
	}
	n := strconv.Itoa(bits.OnesCount64(mask))
	if missing := full &^ mask; bits.OnesCount64(missing) < bits.OnesCount64(mask) {
		return n + " all but " + capNames(missing, last)
	}
	return n + " " + capNames(mask, last)
}

// capNames lists the names of the capabilities in mask, joined by commas.
func capNames(mask uint64, last int) string {
	names := make([]string, 0, bits.OnesCount64(mask))
	for c := 0; c <= last; c++ {
		if mask&(1<<uint(c)) != 0 {
			names = append(names, strings.ToUpper(capability.Cap(c).String()))
		}
	}
	return strings.Join(names, ",")
}

// Count describes a capability set by its size only: "none", "all 41", or
// "14".
func Count(mask uint64, last int) string {
	full := uint64(1)<<(uint(last)+1) - 1
	switch mask &= full; mask {
	case 0:
		return "none"
	case full:
		return "all " + strconv.Itoa(last+1)
	}
	return strconv.Itoa(bits.OnesCount64(mask))
}

var prctlNames = map[int]string{
	unix.PR_SET_DUMPABLE:     "PR_SET_DUMPABLE",
	unix.PR_SET_KEEPCAPS:     "PR_SET_KEEPCAPS",
	unix.PR_SET_NO_NEW_PRIVS: "PR_SET_NO_NEW_PRIVS",
	unix.PR_SET_PDEATHSIG:    "PR_SET_PDEATHSIG",
}

// Prctl names a prctl(2) option and its argument.
func Prctl(option int, arg uintptr) string {
	name, ok := prctlNames[option]
	if !ok {
		name = "option " + strconv.Itoa(option)
	}
	if option == unix.PR_SET_PDEATHSIG {
		return name + " " + unix.SignalName(unix.Signal(arg))
	}
	return name + " " + strconv.FormatUint(uint64(arg), 10)
}

var seccompFlagNames = []flagName{
	{unix.SECCOMP_FILTER_FLAG_TSYNC, "TSYNC"}, {unix.SECCOMP_FILTER_FLAG_LOG, "LOG"},
	{unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SPEC_ALLOW"},
	{unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, "NEW_LISTENER"},
	{unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH, "TSYNC_ESRCH"},
	{unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, "WAIT_KILLABLE_RECV"},
}

// SeccompFlags names SECCOMP_FILTER_FLAG_ bits, without the prefix.
func SeccompFlags(f uint) string { return flags(uint64(f), seccompFlagNames) }

// Quote writes argv as a short list of quoted words, cut after max bytes.
func Quote(argv []string, max int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(a))
		if b.Len() > max {
			return b.String()[:max] + "...]"
		}
	}
	b.WriteByte(']')
	return b.String()
}
