package spec

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// NonRootAnnotation is the config annotation that asks for the rule of
// Kubernetes' runAsNonRoot: with the value "true", the container must not
// start when its process would run as uid 0. `sandbox run --run-as-non-root`
// and `sandbox spec --from-pod` set it; Validate enforces it for every
// start, so a bundle run by `create` or `run --bundle` obeys it too.
const NonRootAnnotation = "run.sandbox.non-root"

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
