// Package kube turns the security settings of one container of a
// Kubernetes Pod into the OCI config that a kubelet and containerd's CRI
// plugin would hand a runtime for it, built with package spec so that the
// result is what `sandbox run` would make of the same settings.
//
// The pod is read with the real API types (k8s.io/api/core/v1), strictly:
// an unknown field, a value of the wrong type or an invalid value fails
// with the field's path, as spec.containers[0].securityContext.runAsUser.
// The conversion follows the kubelet and containerd in these rules:
//
//   - a container's securityContext overrides the pod's, field by field;
//   - allowPrivilegeEscalation unset allows it: no_new_privs only when false;
//   - seccompProfile unset is Unconfined, as a kubelet without
//     --seccomp-default; a privileged container is never filtered;
//   - capabilities.add and drop change containerd's default set: ALL is
//     applied first, then the names, and a drop wins over an add;
//   - a non-root process keeps its capabilities only in the bounding set:
//     no ambient ones, so after its exec it holds none;
//   - runAsNonRoot becomes spec.NonRootAnnotation, which the runtime
//     checks at every start.
//
// The package imports the Kubernetes API, which is heavy to load: it is
// linked only into bin/sandbox-kube, never into bin/sandbox, whose every
// start (and every re-executed child) would pay for it.
package kube
