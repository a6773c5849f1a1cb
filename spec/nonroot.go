package spec

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// NonRootAnnotation is the config annotation that asks for the rule of
// Kubernetes' runAsNonRoot: with the value "true", the container must not
// start when its process would run as uid 0. `sandbox run --run-as-non-root`
// and `sandbox spec --from-pod` set it; Validate enforces it for every
// start, so a bundle run by `create` or `run --bundle` obeys it too.
const NonRootAnnotation = "run.sandbox.non-root"

// setProc clears the masked and read-only paths for Options.UnmaskedProc.
func setProc(s *specs.Spec, o Options) error {
	if o.UnmaskedProc {
		s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
	}
	return nil
}

func setNonRoot(s *specs.Spec, o Options) error {
	if !o.NonRoot {
		return nil
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[NonRootAnnotation] = "true"
	return nil
}

// validateNonRoot applies NonRootAnnotation. The uid checked is the one
// the process takes inside the container: like the kubelet, sandbox refuses
// uid 0 even when a user namespace maps it to an unprivileged host id,
// since the rule is about what the workload was built to expect.
func validateNonRoot(s *specs.Spec) error {
	v, ok := s.Annotations[NonRootAnnotation]
	switch {
	case !ok || v == "false":
		return nil
	case v != "true":
		return fmt.Errorf("annotation %s=%q: write true or false", NonRootAnnotation, v)
	case s.Process.User.UID == 0:
		return fmt.Errorf("the process would run as uid 0, which %s (--run-as-non-root, runAsNonRoot) forbids: "+
			"give another uid with --user, runAsUser or process.user.uid", NonRootAnnotation)
	}
	return nil
}
