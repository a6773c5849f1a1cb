package kube

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// findContainer picks the container to convert, from the pod's containers
// or its init containers, and returns it with its field path. An empty
// name picks the pod's only container.
func findContainer(pod *corev1.Pod, name string) (*corev1.Container, string, error) {
	if len(pod.Spec.Containers) == 0 {
		return nil, "", fieldErr("spec.containers", "is empty: a pod needs at least one container")
	}
	if err := checkNames(pod); err != nil {
		return nil, "", err
	}
	if name == "" {
		if len(pod.Spec.Containers)+len(pod.Spec.InitContainers) == 1 {
			return &pod.Spec.Containers[0], "spec.containers[0]", nil
		}
		return nil, "", fmt.Errorf("the pod has several containers (%s): "+
			"choose one with --container NAME", strings.Join(containerNames(pod), ", "))
	}
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == name {
			return &pod.Spec.Containers[i], fmt.Sprintf("spec.containers[%d]", i), nil
		}
	}
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Name == name {
			return &pod.Spec.InitContainers[i], fmt.Sprintf("spec.initContainers[%d]", i), nil
		}
	}
	return nil, "", fmt.Errorf("the pod has no container %q: choose one of %s", name,
		strings.Join(containerNames(pod), ", "))
}

// checkNames applies the API server's rule to the names of all the pod's
// containers, init and ephemeral ones too: each is a DNS-1123 label
// (lower-case letters, digits and -, at most 63), unique in the pod, so
// that --container can pick any of them.
func checkNames(pod *corev1.Pod) error {
	seen := map[string]string{}
	check := func(name, path string) error {
		if name == "" {
			return fieldErr(path, "is missing: name the container")
		}
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
			return fieldErr(path, "%q: %s", name, errs[0])
		}
		if first, dup := seen[name]; dup {
			return fieldErr(path, "%q is already the name of %s: give each container its own", name, first)
		}
		seen[name] = strings.TrimSuffix(path, ".name")
		return nil
	}
	for i, c := range pod.Spec.Containers {
		if err := check(c.Name, fmt.Sprintf("spec.containers[%d].name", i)); err != nil {
			return err
		}
	}
	for i, c := range pod.Spec.InitContainers {
		if err := check(c.Name, fmt.Sprintf("spec.initContainers[%d].name", i)); err != nil {
			return err
		}
	}
	for i, c := range pod.Spec.EphemeralContainers {
		if err := check(c.Name, fmt.Sprintf("spec.ephemeralContainers[%d].name", i)); err != nil {
			return err
		}
	}
	return nil
}

func containerNames(pod *corev1.Pod) []string {
	var names []string
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name+" (init)")
	}
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	return names
}
