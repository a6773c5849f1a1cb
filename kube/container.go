package kube

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// findContainer picks the container to convert, from the pod's containers
// or its init containers, and returns it with its field path. An empty
// name picks the pod's only container.
func findContainer(pod *corev1.Pod, name string) (*corev1.Container, string, error) {
	if len(pod.Spec.Containers) == 0 {
		return nil, "", fieldErr("spec.containers", "is empty: a pod needs at least one container")
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
