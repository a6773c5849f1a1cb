package kube

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"sandbox/spec"
)

// hostname is the container's hostname as the kubelet sets it: the pod's
// spec.hostname, else its name cut to 63 characters without a trailing -
// or . The pod's FQDN is not used: that needs the cluster's domain.
func hostname(pod *corev1.Pod) (string, error) {
	if h := pod.Spec.Hostname; h != "" {
		if errs := validation.IsDNS1123Label(h); len(errs) > 0 {
			return "", fieldErr("spec.hostname", "%q: %s", h, errs[0])
		}
		return h, nil
	}
	name := pod.Name
	if name == "" {
		return "", fieldErr("metadata.name", "is missing: name the pod")
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return "", fieldErr("metadata.name", "%q: %s", name, errs[0])
	}
	if len(name) > 63 {
		name = name[:63]
	}
	return strings.TrimRight(name, "-."), nil
}

// hostUsers reports whether the pod shares the host's user namespace, the
// default.
func hostUsers(pod *corev1.Pod) bool {
	return pod.Spec.HostUsers == nil || *pod.Spec.HostUsers
}

// validateHost applies the API server's rule that a pod in a user
// namespace of its own shares no other namespace with the host: the
// host's network, pids or IPC seen from inside it would be owned by a
// namespace it has no capability in.
func validateHost(pod *corev1.Pod) error {
	if hostUsers(pod) {
		return nil
	}
	shared := map[string]bool{
		"spec.hostNetwork": pod.Spec.HostNetwork,
		"spec.hostPID":     pod.Spec.HostPID,
		"spec.hostIPC":     pod.Spec.HostIPC,
	}
	for _, path := range sortedKeys(shared) {
		if shared[path] {
			return fieldErr(path, "true contradicts spec.hostUsers: false: "+
				"a pod in its own user namespace shares no namespace with the host")
		}
	}
	return nil
}

// sysctlName is the API server's pattern for a sysctl name, in dotted or
// slashed form.
var sysctlName = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// sysctls turns the pod's sysctls into linux.sysctl. A name may use / as
// the kubelet allows (net/ipv4/ip_forward); it must be a setting of a
// namespace the pod has of its own: network ones not with hostNetwork,
// IPC ones not with hostIPC, as the kubelet refuses them.
func sysctls(pod *corev1.Pod) (map[string]string, error) {
	sc := pod.Spec.SecurityContext
	if sc == nil || len(sc.Sysctls) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for i, s := range sc.Sysctls {
		path := fmt.Sprintf("spec.securityContext.sysctls[%d].name", i)
		if len(s.Name) > 253 || !sysctlName.MatchString(s.Name) {
			return nil, fieldErr(path, "%q: write a sysctl name as dotted words, as net.ipv4.ip_forward",
				s.Name)
		}
		name := dotted(s.Name)
		if _, dup := out[name]; dup {
			return nil, fieldErr(path, "%s is set twice", name)
		}
		if err := checkSysctlNamespace(pod, name); err != nil {
			return nil, &FieldError{Path: path, Err: err}
		}
		if strings.IndexFunc(s.Value, isControl) >= 0 {
			return nil, fieldErr(fmt.Sprintf("spec.securityContext.sysctls[%d].value", i),
				"%q holds a control character: the kernel would cut the value there or refuse it; "+
					"give it on one line", s.Value)
		}
		out[name] = s.Value
	}
	return out, nil
}

// dotted converts a name written with slashes to dots, the kubelet's way:
// when the first separator is a slash, slashes and dots swap, since a dot
// is then part of a name (net/ipv4/conf/eth0.100/forwarding).
func dotted(name string) string {
	i := strings.IndexAny(name, "./")
	if i < 0 || name[i] == '.' {
		return name
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, name)
}

func checkSysctlNamespace(pod *corev1.Pod, name string) error {
	switch spec.SysctlNamespace(name) {
	case specs.NetworkNamespace:
		if pod.Spec.HostNetwork {
			return fmt.Errorf("%s belongs to the network namespace, which hostNetwork shares with the host",
				name)
		}
	case specs.IPCNamespace:
		if pod.Spec.HostIPC {
			return fmt.Errorf("%s belongs to the IPC namespace, which hostIPC shares with the host", name)
		}
	case specs.UTSNamespace:
		return fmt.Errorf("%s: set the hostname with spec.hostname instead", name)
	default:
		return fmt.Errorf("%s is not namespaced: it would change the whole host; "+
			"give a net.*, kernel.shm*, kernel.msg*, kernel.sem or fs.mqueue.* setting", name)
	}
	return nil
}

// isControl reports the characters a sysctl value cannot hold: control
// characters other than the tab, which separates the fields of a value
// such as net.ipv4.ip_local_port_range.
func isControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r)
}
