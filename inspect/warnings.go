package inspect

import "fmt"

// warnings are the findings a reader must not miss.
func warnings(r *Report) []string {
	var out []string
	if r.Identity.RootOnHost == 0 {
		held := "no capability (its bounding set is empty)"
		if n := len(r.Capabilities.Bounding.Names); n > 0 {
			held = fmt.Sprintf("at most the %d capabilities of its bounding set", n)
		}
		out = append(out, "uid 0 here is uid 0 of the host (no user namespace): "+
			"a process that escapes its namespaces is root on the host, with "+held)
	}
	if r.Capabilities.Effective.Mask == r.Capabilities.Full && r.Identity.RootOnHost == 0 {
		out = append(out, "every capability is effective: nothing but the namespaces, "+
			"the seccomp filter and the mounts holds this process in")
	}
	return out
}
