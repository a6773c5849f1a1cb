package inspect

import (
	"fmt"
	"strings"
)

// Capability numbers the warnings test (capability.h).
const (
	capSetgid = 6
	capSetuid = 7
)

// warnings are the findings a reader must not miss; notes are the facts
// of the same checks that endanger nothing.
//
// A host id 0 is flagged when the process holds it now (any of its real,
// effective, saved and filesystem ids, or for gid 0 its groups), or when
// it is mapped into the process's user namespace (always, without one) and
// the process can take it: it holds CAP_SETUID (CAP_SETGID) in its
// permitted set, so setuid(2) reaches any mapped id, or no_new_privs is
// off, so a setuid (setgid) program, or one with file capabilities, changes
// its ids at execve. With no_new_privs on and the capability not permitted,
// no execve and no system call can give it that id: a note says so.
func warnings(r *Report) (warns, notes []string) {
	w, n := uidFindings(r)
	warns, notes = append(warns, w...), append(notes, n...)
	w, n = gidFindings(r)
	warns, notes = append(warns, w...), append(notes, n...)
	if hostRoot(r.Identity.HostUid[:]) && allCapabilities(r.Capabilities) {
		warns = append(warns, "every capability is effective: nothing but the namespaces, "+
			"the seccomp filter and the mounts holds this process in")
	}
	return warns, notes
}

// uidFindings checks host uid 0.
func uidFindings(r *Report) (warns, notes []string) {
	id := r.Identity
	inside, mapped := insideOf(id.UidMap, 0)
	how := gainWay(r, capSetuid, "setuid")
	switch {
	case isIdentity(id.UidMap) && hostRoot(id.HostUid[:]):
		warns = append(warns, "uid 0 here is uid 0 of the host (no user namespace): "+
			"a process that escapes its namespaces is root on the host, with "+heldCaps(r))
	case hostRoot(id.HostUid[:]):
		warns = append(warns, fmt.Sprintf("this process's uids (%s here) include host uid 0 (%s on the host): "+
			"its user namespace maps it to host root, which it is once it escapes",
			joinIDs(id.Uid[:]), joinIDs(id.HostUid[:])))
	case mapped && how != "":
		warns = append(warns, fmt.Sprintf("this process (uid %s) can become uid %d here, which is "+
			"host uid 0 (root on the host once it escapes): %s", joinIDs(id.Uid[:1]), inside, how))
	case mapped:
		root := fmt.Sprintf("uid %d here is host uid 0", inside)
		if isIdentity(id.UidMap) {
			root = "root here is root of the host (no user namespace)"
		}
		notes = append(notes, cannotBecome(root, "uids", id.Uid, "setuid"))
	}
	return warns, notes
}

// gidFindings checks host gid 0: the host's group root owns files and
// devices that its group may read or write.
func gidFindings(r *Report) (warns, notes []string) {
	id := r.Identity
	inside, mapped := insideOf(id.GidMap, 0)
	how := gainWay(r, capSetgid, "setgid")
	held := append(append([]uint32{}, id.HostGid[:]...), id.HostGroups...)
	switch {
	case hostRoot(held):
		warns = append(warns, fmt.Sprintf("this process's gids and groups (%s here) include host gid 0 "+
			"(%s on the host): files and devices of the host's group root are open to it, "+
			"as far as their group permissions go, once it escapes",
			idsAndGroups(id.Gid, id.Groups), idsAndGroups(id.HostGid, id.HostGroups)))
	case mapped && how != "":
		warns = append(warns, fmt.Sprintf("this process (gid %s) can become gid %d here, which is "+
			"host gid 0 (the host's group root): %s", joinIDs(id.Gid[:1]), inside, how))
	case mapped:
		root := fmt.Sprintf("gid %d here is host gid 0", inside)
		if isIdentity(id.GidMap) {
			root = "group root here is the host's group root (no user namespace)"
		}
		notes = append(notes, cannotBecome(root, "gids", id.Gid, "setgid"))
	}
	return warns, notes
}

// cannotBecome is the note for a host id 0 (root) that the process, with
// ids of the kind named, cannot take: call's capability is not permitted
// and no_new_privs is on (see gainWay).
func cannotBecome(root, kind string, ids [4]uint32, call string) string {
	return fmt.Sprintf("%s, but this process (%s %s) cannot become it: "+
		"its permitted set lacks CAP_%s and no_new_privs is on, so no %s program "+
		"or file capability can change its ids", root, kind, joinIDs(ids[:]), strings.ToUpper(call), call)
}

// gainWay says how the process can change its ids (capability c, of the
// call named call), or "" when it cannot.
func gainWay(r *Report, c uint, call string) string {
	if r.Capabilities.Permitted.Mask&(1<<c) != 0 {
		return fmt.Sprintf("its permitted set holds CAP_%s, so %s(2) reaches any mapped id",
			strings.ToUpper(call), call)
	}
	if !r.Hardening.NoNewPrivs {
		return fmt.Sprintf("no_new_privs is off, so a %s program or one with file capabilities "+
			"changes its ids at execve", call)
	}
	return ""
}

// heldCaps words the capabilities a host-root process holds at most.
func heldCaps(r *Report) string {
	if n := len(r.Capabilities.Bounding.Names); n > 0 {
		return fmt.Sprintf("at most the %d capabilities of its bounding set", n)
	}
	return "no capability (its bounding set is empty)"
}

// insideOf returns the id inside the namespace that host id hostID is,
// and whether any range of m holds it.
func insideOf(m []IDRange, hostID uint32) (uint32, bool) {
	for _, r := range m {
		if hostID >= r.Outside && uint64(hostID) < uint64(r.Outside)+uint64(r.Size) {
			return r.Inside + (hostID - r.Outside), true
		}
	}
	return 0, false
}

// isIdentity reports whether m maps every id to itself, as the initial user
// namespace's map does.
func isIdentity(m []IDRange) bool {
	return len(m) == 1 && m[0] == IDRange{Inside: 0, Outside: 0, Size: 4294967295}
}

func idsAndGroups(ids [4]uint32, groups []uint32) string {
	if len(groups) == 0 {
		return joinIDs(ids[:])
	}
	return joinIDs(ids[:]) + ", groups " + joinIDs(groups)
}

// hostRoot reports whether any of the host ids is 0.
func hostRoot(ids []uint32) bool {
	for _, id := range ids {
		if id == 0 {
			return true
		}
	}
	return false
}

// allCapabilities reports whether the effective set holds every
// capability the host can give: its bounding set, which may lack some of
// the kernel's (Full).
func allCapabilities(c Capabilities) bool {
	most := c.HostBounding
	if most == 0 {
		most = c.Full
	}
	return c.Effective.Mask&most == most
}
