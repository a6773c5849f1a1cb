package kube

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The deprecated annotations that came before the seccompProfile and
// appArmorProfile fields. The API server still turns them into the fields
// when a pod is created without them, so a pod file that uses them asks
// for that confinement.
const (
	seccompPodKey      = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAt = "container.seccomp.security.alpha.kubernetes.io/"
	appArmorAt         = "container.apparmor.security.beta.kubernetes.io/"
)

func annotationPath(key string) string { return "metadata.annotations[" + key + "]" }

// applySeccompAnnotations gives e the seccomp profile the annotations ask
// for, where the API server would set it: the container's annotation
// stands for the container's field when that is unset, the pod's for the
// pod's. An annotation that names a profile sandbox does not know is
// refused, and so is one that contradicts the field beside it (the API
// server refuses both), so no pod runs less confined than it asks.
func (e *security) applySeccompAnnotations(pod *corev1.Pod, c *corev1.Container) error {
	var ctrField, podField *corev1.SeccompProfile
	if c.SecurityContext != nil {
		ctrField = c.SecurityContext.SeccompProfile
	}
	if pod.Spec.SecurityContext != nil {
		podField = pod.Spec.SecurityContext.SeccompProfile
	}
	ctr, ctrKey, err := seccompAnnotation(pod, seccompContainerAt+c.Name, ctrField)
	if err != nil {
		return err
	}
	podProf, podKey, err := seccompAnnotation(pod, seccompPodKey, podField)
	if err != nil {
		return err
	}
	switch {
	case ctrField != nil:
	case ctr != nil:
		e.seccomp, e.seccompPath = ctr, annotationPath(ctrKey)
	case podField != nil:
	case podProf != nil:
		e.seccomp, e.seccompPath = podProf, annotationPath(podKey)
	}
	return nil
}

// seccompAnnotation reads the annotation key, if the pod has it, as a
// profile, and checks it against the field it stands for.
func seccompAnnotation(pod *corev1.Pod, key string,
	field *corev1.SeccompProfile) (*corev1.SeccompProfile, string, error) {
	v, ok := pod.Annotations[key]
	if !ok {
		return nil, "", nil
	}
	prof, err := seccompFromAnnotation(v)
	if err != nil {
		return nil, "", &FieldError{Path: annotationPath(key), Err: err}
	}
	if field != nil && !sameSeccomp(prof, field) {
		return nil, "", fieldErr(annotationPath(key), "%q contradicts the seccompProfile field: "+
			"remove the annotation and keep securityContext.seccompProfile", v)
	}
	return prof, key, nil
}

// seccompFromAnnotation reads an annotation's value as the API server
// does: runtime/default (or docker/default), unconfined, localhost/NAME.
func seccompFromAnnotation(v string) (*corev1.SeccompProfile, error) {
	switch {
	case v == "runtime/default" || v == "docker/default":
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}, nil
	case v == "unconfined":
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}, nil
	case strings.HasPrefix(v, "localhost/") && len(v) > len("localhost/"):
		name := strings.TrimPrefix(v, "localhost/")
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: &name}, nil
	}
	return nil, fmt.Errorf("%q: use securityContext.seccompProfile instead of this deprecated annotation "+
		"(its values are runtime/default, unconfined and localhost/NAME)", v)
}

func sameSeccomp(a, b *corev1.SeccompProfile) bool {
	if a.Type != b.Type {
		return false
	}
	return a.LocalhostProfile == nil || b.LocalhostProfile == nil || *a.LocalhostProfile == *b.LocalhostProfile
}

// checkAppArmorAnnotations refuses the AppArmor annotations that the API
// server would refuse (an unknown value, a container the pod does not
// have) and, for the container converted, any profile other than
// unconfined: the API server turns the annotation into appArmorProfile,
// which sandbox refuses unless Unconfined.
func checkAppArmorAnnotations(pod *corev1.Pod, c *corev1.Container) error {
	names := containerNamesOnly(pod)
	for _, key := range sortedKeys(pod.Annotations) {
		ctr, ok := strings.CutPrefix(key, appArmorAt)
		if !ok {
			continue
		}
		v, path := pod.Annotations[key], annotationPath(key)
		if !slices.Contains(names, ctr) {
			return fieldErr(path, "the pod has no container %q: name one of its containers", ctr)
		}
		if v != "unconfined" && v != "runtime/default" && !strings.HasPrefix(v, "localhost/") {
			return fieldErr(path, "%q: use runtime/default, localhost/NAME or unconfined", v)
		}
		if ctr == c.Name && v != "unconfined" {
			return fieldErr(path, "%q is not supported: sandbox loads no AppArmor profile; "+
				"remove the annotation or set it to unconfined", v)
		}
	}
	return nil
}

// containerNamesOnly lists the names of all the pod's containers.
func containerNamesOnly(pod *corev1.Pod) []string {
	var names []string
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.EphemeralContainers {
		names = append(names, c.Name)
	}
	return names
}
