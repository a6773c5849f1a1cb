package kube

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"sandbox/seccomp"
)

// DefaultSeccompRoot is where the kubelet keeps Localhost seccomp
// profiles: the seccomp directory of its root, /var/lib/kubelet.
const DefaultSeccompRoot = "/var/lib/kubelet/seccomp"

// seccompProfile reads seccompProfile at path: RuntimeDefault is the
// default profile, Unconfined and unset are no filter (a kubelet without
// --seccomp-default), Localhost a profile file below root.
func seccompProfile(p *corev1.SeccompProfile, path, root string) (*seccomp.Profile, error) {
	if p == nil {
		return nil, nil
	}
	if p.Type != corev1.SeccompProfileTypeLocalhost && p.LocalhostProfile != nil {
		return nil, fieldErr(path+".localhostProfile", "may be set only with type Localhost")
	}
	switch p.Type {
	case corev1.SeccompProfileTypeRuntimeDefault:
		return seccomp.Default(), nil
	case corev1.SeccompProfileTypeUnconfined:
		return nil, nil
	case corev1.SeccompProfileTypeLocalhost:
		return localhostProfile(p.LocalhostProfile, path+".localhostProfile", root)
	case "":
		return nil, fieldErr(path+".type", "is missing: use RuntimeDefault, Unconfined or Localhost")
	}
	return nil, fieldErr(path+".type", "%q: use RuntimeDefault, Unconfined or Localhost", p.Type)
}

// localhostProfile reads the profile file name below root. As the API
// server requires, name is relative and does not climb out with "..".
func localhostProfile(name *string, path, root string) (*seccomp.Profile, error) {
	if name == nil || *name == "" {
		return nil, fieldErr(path, "is missing: type Localhost needs the profile's file name, "+
			"relative to the kubelet's seccomp directory")
	}
	if filepath.IsAbs(*name) || slices.Contains(strings.Split(*name, "/"), "..") {
		return nil, fieldErr(path, "%q: give a path relative to the seccomp directory, without ..", *name)
	}
	file := filepath.Join(root, *name)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fieldErr(path, "%w: put the profile there, or name its directory with --seccomp-root", err)
	}
	prof, err := seccomp.ParseProfile(data)
	if err != nil {
		return nil, fieldErr(path, "%s: %w", file, err)
	}
	return prof, nil
}
