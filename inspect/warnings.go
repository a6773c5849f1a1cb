package inspect

import "fmt"

// warnings are the findings a reader must not miss.
func warnings(r *Report) []string {
	var out []string
	id := r.Identity
	switch {
	case id.RootOnHost == 0:
		held := "no capability (its bounding set is empty)"
		if n := len(r.Capabilities.Bounding.Names); n > 0 {
			held = fmt.Sprintf("at most the %d capabilities of its bounding set", n)
		}
		out = append(out, "uid 0 here is uid 0 of the host (no user namespace): "+
			"a process that escapes its namespaces is root on the host, with "+held)
	case hostRoot(id.HostUid):
		out = append(out, fmt.Sprintf("this process's uids (%s here) include host uid 0 (%s on the host): "+
			"its user namespace maps it to host root, which it is once it escapes",
			joinIDs(id.Uid[:]), joinIDs(id.HostUid[:])))
	}
	if hostRoot(id.HostUid) && allCapabilities(r.Capabilities) {
		out = append(out, "every capability is effective: nothing but the namespaces, "+
			"the seccomp filter and the mounts holds this process in")
	}
	return out
}

// hostRoot reports whether any of the ids is host uid 0.
func hostRoot(ids [4]uint32) bool {
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
