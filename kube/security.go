package kube

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// security is a container's effective security context: the container's
// own settings where it has them, else the pod's, each with the path of
// the field it came from, for errors.
type security struct {
	runAsUser, runAsGroup  *int64
	userPath, groupPath    string
	runAsNonRoot           bool
	seccomp                *corev1.SeccompProfile
	seccompPath            string
	privileged             bool
	readOnlyRoot           bool
	allowPrivilegeEscalate *bool
	capabilities           *corev1.Capabilities
	procMount              corev1.ProcMountType
	containerPath, podPath string
	supplementalGroups     []int64
	fsGroup                *int64
}

// overlay returns the container's value when it is set, else the pod's,
// with the path of the one chosen.
func overlay[T any](ctr, pod *T, ctrPath, podPath, name string) (*T, string) {
	if ctr != nil {
		return ctr, ctrPath + "." + name
	}
	return pod, podPath + "." + name
}

// effectiveSecurity merges the pod's and the container's securityContext
// as the kubelet does: runAsUser, runAsGroup, runAsNonRoot and
// seccompProfile are the container's if it sets them, else the pod's;
// supplementalGroups and fsGroup belong to the pod only; the rest to the
// container only.
func effectiveSecurity(pod *corev1.Pod, c *corev1.Container, cpath string) security {
	ps := pod.Spec.SecurityContext
	if ps == nil {
		ps = &corev1.PodSecurityContext{}
	}
	cs := c.SecurityContext
	if cs == nil {
		cs = &corev1.SecurityContext{}
	}
	e := security{containerPath: cpath + ".securityContext", podPath: "spec.securityContext"}
	cp, pp := e.containerPath, e.podPath
	e.runAsUser, e.userPath = overlay(cs.RunAsUser, ps.RunAsUser, cp, pp, "runAsUser")
	e.runAsGroup, e.groupPath = overlay(cs.RunAsGroup, ps.RunAsGroup, cp, pp, "runAsGroup")
	nonRoot, _ := overlay(cs.RunAsNonRoot, ps.RunAsNonRoot, cp, pp, "runAsNonRoot")
	e.runAsNonRoot = nonRoot != nil && *nonRoot
	e.seccomp, e.seccompPath = overlay(cs.SeccompProfile, ps.SeccompProfile, cp, pp, "seccompProfile")
	e.privileged = cs.Privileged != nil && *cs.Privileged
	e.readOnlyRoot = cs.ReadOnlyRootFilesystem != nil && *cs.ReadOnlyRootFilesystem
	e.allowPrivilegeEscalate = cs.AllowPrivilegeEscalation
	e.capabilities = cs.Capabilities
	if cs.ProcMount != nil {
		e.procMount = *cs.ProcMount
	}
	e.supplementalGroups, e.fsGroup = ps.SupplementalGroups, ps.FSGroup
	return e
}

// noNewPrivileges is Kubernetes' rule: no_new_privs only when
// allowPrivilegeEscalation is false; unset allows escalation.
func (e security) noNewPrivileges() bool {
	return e.allowPrivilegeEscalate != nil && !*e.allowPrivilegeEscalate
}

// validate checks the values the API server would refuse, and those that
// containerd would fail on only at start.
func (e security) validate(hostUsers bool) error {
	checks := []func(bool) error{e.validateIDs, e.validateEscalation, e.validateProcMount}
	for _, check := range checks {
		if err := check(hostUsers); err != nil {
			return err
		}
	}
	return nil
}

func (e security) validateIDs(hostUsers bool) error {
	if err := checkID(e.userPath, e.runAsUser); err != nil {
		return err
	}
	if err := checkID(e.groupPath, e.runAsGroup); err != nil {
		return err
	}
	if err := checkID(e.podPath+".fsGroup", e.fsGroup); err != nil {
		return err
	}
	for i, g := range e.supplementalGroups {
		if err := checkID(e.podPath+".supplementalGroups["+itoa(i)+"]", &g); err != nil {
			return err
		}
	}
	if !hostUsers {
		return e.validateMapped()
	}
	return nil
}

// validateMapped refuses ids that a user namespace of hostUsers: false
// leaves unmapped: the kubelet gives a pod 65536 ids, 0 to 65535.
func (e security) validateMapped() error {
	ids := map[string]*int64{
		e.userPath: e.runAsUser, e.groupPath: e.runAsGroup, e.podPath + ".fsGroup": e.fsGroup,
	}
	for i := range e.supplementalGroups {
		ids[e.podPath+".supplementalGroups["+itoa(i)+"]"] = &e.supplementalGroups[i]
	}
	for _, path := range sortedKeys(ids) {
		if id := ids[path]; id != nil && *id >= podIDs {
			return fieldErr(path, "%d is not mapped: with hostUsers: false the pod has ids 0 to %d",
				*id, podIDs-1)
		}
	}
	return nil
}

// podIDs is the size of a pod's user namespace, as the kubelet maps it.
const podIDs = 65536

// validateEscalation applies the API server's rule, to the letter: a
// container that may not gain privileges can be neither privileged nor
// given "CAP_SYS_ADMIN". The server compares the name as written, so
// SYS_ADMIN and ALL, which do grant CAP_SYS_ADMIN, pass; they are accepted
// here too, and the container gets no_new_privs as well as the capability,
// which is what the kubelet would run.
func (e security) validateEscalation(bool) error {
	if !e.noNewPrivileges() {
		return nil
	}
	path := e.containerPath + ".allowPrivilegeEscalation"
	if e.privileged {
		return fieldErr(path, "false contradicts privileged: true: a privileged container can always escalate")
	}
	if e.capabilities != nil && slices.Contains(e.capabilities.Add, "CAP_SYS_ADMIN") {
		return fieldErr(path, "false contradicts capabilities.add CAP_SYS_ADMIN, which allows escalation")
	}
	return nil
}

// validateProcMount allows Unmasked only in a pod of its own user
// namespace, as the API server does.
func (e security) validateProcMount(hostUsers bool) error {
	path := e.containerPath + ".procMount"
	switch e.procMount {
	case "", corev1.DefaultProcMount:
		return nil
	case corev1.UnmaskedProcMount:
		if hostUsers {
			return fieldErr(path, "Unmasked needs spec.hostUsers: false, a user namespace of the pod's own")
		}
		return nil
	}
	return fieldErr(path, "%q: use Default or Unmasked", e.procMount)
}
