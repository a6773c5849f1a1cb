package rootfs

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// plan is how one OCI mount is made: the flags and data for mount(2), the
// attributes set with mount_setattr(2) for a bind (which ignores most
// mount(2) flags), and the propagation type applied last.
type plan struct {
	flags       uintptr  // mount(2) flags
	data        []string // filesystem options passed as data
	attrSet     uint64   // MOUNT_ATTR_* to set on a bind
	attrClr     uint64   // MOUNT_ATTR_* to clear on a bind
	propagation uintptr  // MS_SHARED, MS_PRIVATE... with MS_REC, or 0
	bind        bool
	recursive   bool
	copyUp      bool // tmpcopyup: fill a new tmpfs with what it covers
}

type flagOption struct {
	set  bool
	flag uintptr
	attr uint64 // the mount_setattr equivalent, for binds
}

var flagOptions = map[string]flagOption{
	"ro":          {true, unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY},
	"rw":          {false, unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY},
	"nosuid":      {true, unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
	"suid":        {false, unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
	"nodev":       {true, unix.MS_NODEV, unix.MOUNT_ATTR_NODEV},
	"dev":         {false, unix.MS_NODEV, unix.MOUNT_ATTR_NODEV},
	"noexec":      {true, unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
	"exec":        {false, unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
	"sync":        {true, unix.MS_SYNCHRONOUS, 0},
	"async":       {false, unix.MS_SYNCHRONOUS, 0},
	"dirsync":     {true, unix.MS_DIRSYNC, 0},
	"mand":        {true, unix.MS_MANDLOCK, 0},
	"nomand":      {false, unix.MS_MANDLOCK, 0},
	"noatime":     {true, unix.MS_NOATIME, 0},
	"atime":       {false, unix.MS_NOATIME, 0},
	"nodiratime":  {true, unix.MS_NODIRATIME, 0},
	"diratime":    {false, unix.MS_NODIRATIME, 0},
	"relatime":    {true, unix.MS_RELATIME, 0},
	"norelatime":  {false, unix.MS_RELATIME, 0},
	"strictatime": {true, unix.MS_STRICTATIME, 0},
	"silent":      {true, unix.MS_SILENT, 0},
	"loud":        {false, unix.MS_SILENT, 0},
	"nosymfollow": {true, unix.MS_NOSYMFOLLOW, unix.MOUNT_ATTR_NOSYMFOLLOW},
	"symfollow":   {false, unix.MS_NOSYMFOLLOW, unix.MOUNT_ATTR_NOSYMFOLLOW},
}

var propagationOptions = map[string]uintptr{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// parseOptions turns OCI mount options into a plan. Options it does not
// know are passed to the filesystem as data (size=, mode=, newinstance...).
func parseOptions(typ string, options []string) plan {
	p := plan{bind: typ == "bind"}
	for _, o := range options {
		switch o {
		case "bind":
			p.bind = true
		case "rbind":
			p.bind, p.recursive = true, true
		case "defaults", "remount":
		case "tmpcopyup":
			p.copyUp = true
		case "rro":
			// Read-only all the way down: a bind's submounts too.
			p.setFlag(flagOptions["ro"])
		default:
			if f, ok := flagOptions[o]; ok {
				p.setFlag(f)
			} else if pr, ok := propagationOptions[o]; ok {
				p.propagation = pr
			} else {
				p.data = append(p.data, o)
			}
		}
	}
	return p
}

func (p *plan) setFlag(f flagOption) {
	if f.set {
		p.flags |= f.flag
		p.attrSet |= f.attr
		p.attrClr &^= f.attr
		return
	}
	p.flags &^= f.flag
	p.attrClr |= f.attr
	p.attrSet &^= f.attr
}

var propagationNames = []string{
	"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
}

// PropagationFlags reads linux.rootfsPropagation; empty means rprivate.
func PropagationFlags(s string) (uintptr, error) {
	if s == "" {
		return unix.MS_PRIVATE | unix.MS_REC, nil
	}
	f, ok := propagationOptions[s]
	if !ok {
		return 0, fmt.Errorf("linux.rootfsPropagation %q: use one of %s", s, strings.Join(propagationNames, ", "))
	}
	return f, nil
}

// setupPropagation is the propagation that every mount of the new
// namespace gets before the rootfs is bound and pivoted into, given the
// one linux.rootfsPropagation asks for the container's root. It is always
// recursive, so no mount stays a peer of the host's while the rootfs is
// prepared, whatever the host made shared. Shared and unbindable cannot be
// used yet: pivot_root(2) fails with EINVAL while the current root or the
// new root's parent mount is shared, and the rootfs cannot be bound from
// an unbindable mount. They become slave and private until after the pivot.
func setupPropagation(root uintptr) uintptr {
	switch root &^ unix.MS_REC {
	case unix.MS_SHARED, unix.MS_SLAVE:
		return unix.MS_SLAVE | unix.MS_REC
	default:
		return unix.MS_PRIVATE | unix.MS_REC
	}
}

func propagationName(f uintptr) string {
	for _, name := range propagationNames {
		if propagationOptions[name] == f {
			return name
		}
	}
	return fmt.Sprintf("%#x", f)
}

// MountOptions lists the mount options this runtime understands; any other
// option is passed to the filesystem as data.
func MountOptions() []string {
	out := []string{"bind", "rbind", "defaults"}
	for o := range flagOptions {
		out = append(out, o)
	}
	out = append(out, propagationNames...)
	slices.Sort(out)
	return out
}
