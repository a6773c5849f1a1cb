package kube

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"sandbox/caps"
)

// capabilitySet applies capabilities.add and drop to containerd's default
// set (caps.Default) in containerd's order: ALL in add, then ALL in drop,
// then each added name, then each dropped one; a name in both lists ends
// up dropped. bounding is the runtime's own bounding set, which limits
// what ALL can give.
func capabilitySet(c *corev1.Capabilities, path string, bounding uint64) ([]string, error) {
	set := slices.Clone(caps.Default)
	if c == nil {
		return set, nil
	}
	add, addAll, err := capNames(c.Add, path+".add")
	if err != nil {
		return nil, err
	}
	drop, dropAll, err := capNames(c.Drop, path+".drop")
	if err != nil {
		return nil, err
	}
	if addAll {
		set = caps.Granted(caps.All(), bounding, add)
	}
	if dropAll {
		set = nil
	}
	for _, a := range add {
		if !slices.Contains(set, a) {
			set = append(set, a)
		}
	}
	return slices.DeleteFunc(set, func(n string) bool { return slices.Contains(drop, n) }), nil
}

// capNames reads a list of Kubernetes capability names, which go without
// the CAP_ prefix (containerd adds it), and reports whether ALL is among
// them.
func capNames(list []corev1.Capability, path string) ([]string, bool, error) {
	var out []string
	all := false
	for i, c := range list {
		p := path + "[" + itoa(i) + "]"
		name := string(c)
		switch {
		case strings.EqualFold(name, "ALL"):
			all = true
			continue
		case strings.HasPrefix(strings.ToUpper(name), "CAP_"):
			return nil, false, fieldErr(p,
				"%q: write the name without CAP_, as %s: containerd adds the prefix", name, strings.ToUpper(name[4:]))
		}
		canon, err := caps.Canonical(name)
		if err != nil {
			return nil, false, &FieldError{Path: p, Err: err}
		}
		out = append(out, canon)
	}
	return out, all, nil
}
