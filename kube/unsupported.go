package kube

import (
	corev1 "k8s.io/api/core/v1"
)

// checkUnsupported refuses the security settings sandbox cannot apply:
// leaving them out would run the container with less confinement than
// the pod asks for. SELinux and AppArmor need a label or profile that the
// runtime does not load (linux.mountLabel and process.apparmorProfile are
// not applied); a Strict supplementalGroupsPolicy would need the rootfs's
// groups left out, which spec.New always merges.
func checkUnsupported(pod *corev1.Pod, c *corev1.Container, cpath string) error {
	if ps := pod.Spec.SecurityContext; ps != nil {
		if err := checkLSM("spec.securityContext", ps.SELinuxOptions, ps.AppArmorProfile); err != nil {
			return err
		}
		if p := ps.SupplementalGroupsPolicy; p != nil && *p != corev1.SupplementalGroupsPolicyMerge {
			return fieldErr("spec.securityContext.supplementalGroupsPolicy",
				"%q is not supported: sandbox merges the groups of the rootfs's /etc/group (Merge)", *p)
		}
	}
	if cs := c.SecurityContext; cs != nil {
		if err := checkLSM(cpath+".securityContext", cs.SELinuxOptions, cs.AppArmorProfile); err != nil {
			return err
		}
	}
	if err := checkAppArmorAnnotations(pod, c); err != nil {
		return err
	}
	if pod.Spec.OS != nil && pod.Spec.OS.Name != corev1.Linux {
		return fieldErr("spec.os.name", "%q: sandbox runs Linux containers only", pod.Spec.OS.Name)
	}
	if f := pod.Spec.SetHostnameAsFQDN; f != nil && *f {
		return fieldErr("spec.setHostnameAsFQDN", "true is not supported: the FQDN needs the cluster's domain")
	}
	return nil
}

func checkLSM(path string, se *corev1.SELinuxOptions, aa *corev1.AppArmorProfile) error {
	if se != nil {
		return fieldErr(path+".seLinuxOptions", "not supported: sandbox applies no SELinux label; remove it")
	}
	if aa != nil && aa.Type != corev1.AppArmorProfileTypeUnconfined {
		return fieldErr(path+".appArmorProfile", "not supported: sandbox loads no AppArmor profile; "+
			"remove it or set type: Unconfined")
	}
	return nil
}
