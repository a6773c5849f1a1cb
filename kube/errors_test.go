package kube

import (
	"strings"
	"testing"
)

func TestParsePodErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"not YAML", "kind: Pod\nspec: [\n", "not valid YAML: line 2: did not find expected node content"},
		{"duplicate key", "kind: Pod\nkind: Pod\n",
			`not valid YAML: unmarshal errors: line 2: key "kind" already set in map`},
		{"two documents", podYAML("", "") + "---\n" + podYAML("", ""),
			"holds 2 YAML documents (separated by ---): put one Pod in the file"},
		{"a second document after a comment", "---\n# a pod\n" + podYAML("", "") + "--- # next\nkind: Pod\n",
			"holds 2 YAML documents (separated by ---): put one Pod in the file"},
		{"a list", "- a\n- b\n", "not a Pod: the document is not a mapping of fields (want kind: Pod)"},
		{"no kind", "apiVersion: v1\n", "kind is missing: this reads a Pod (kind: Pod, apiVersion: v1)"},
		{"a Deployment", "apiVersion: apps/v1\nkind: Deployment\n",
			"kind is Deployment: this reads a Pod (kind: Pod, apiVersion: v1) only"},
		{"wrong apiVersion", "apiVersion: v2\nkind: Pod\n", "apiVersion is v2: a Pod is apiVersion v1"},
		{"unknown field", podYAML("", "    securityContext:\n      runAsUsr: 5\n"),
			"spec.containers[0].securityContext.runAsUsr: not a field of a v1 Pod: check its spelling and place"},
		{"wrong type in the second container", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n" +
			"  - name: b\n    securityContext:\n      runAsUser: root\n",
			"spec.containers[1].securityContext.runAsUser: got a string, want a whole number"},
		{"wrong type in a list", podYAML("", "    securityContext:\n      capabilities:\n        add: [5]\n"),
			"spec.containers[0].securityContext.capabilities.add[0]: got a number, want a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePod([]byte(tt.yaml))
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParsePod: got error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	twoContainers := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" +
		"  initContainers: [{name: setup, command: [/bin/true]}]\n" +
		"  containers: [{name: a, command: [/bin/true]}, {name: b, command: [/bin/true]}]\n"
	sc := func(fields string) string { return podYAML("", "    securityContext:\n"+fields) }
	podSC := func(fields string) string { return podYAML("  securityContext:\n"+fields, "") }
	tests := []struct {
		name, yaml, container, want string
	}{
		{"several containers, none chosen", twoContainers, "",
			"the pod has several containers (setup (init), a, b): choose one with --container NAME"},
		{"missing container", twoContainers, "c", `the pod has no container "c": choose one of setup (init), a, b`},
		{"duplicate name", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" +
			"  containers: [{name: a, command: [/bin/true]}, {name: a, command: [/bin/false]}]\n", "a",
			`spec.containers[1].name: "a" is already the name of spec.containers[0]: give each container its own`},
		{"init container named as a container", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" +
			"  initContainers: [{name: a, command: [/bin/true]}]\n  containers: [{name: a, command: [/bin/true]}]\n", "a",
			`spec.initContainers[0].name: "a" is already the name of spec.containers[0]: give each container its own`},
		{"ephemeral container named as a container", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" +
			"  ephemeralContainers: [{name: a}]\n  containers: [{name: a, command: [/bin/true]}]\n", "",
			`spec.ephemeralContainers[0].name: "a" is already the name of spec.containers[0]: give each container its own`},
		{"no name", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{command: [/bin/true]}]\n", "",
			"spec.containers[0].name: is missing: name the container"},
		{"name not a DNS label", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" +
			"  containers: [{name: Web_1, command: [/bin/true]}]\n", "",
			`spec.containers[0].name: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric ` +
				`characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or ` +
				`'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"sysctl value with a newline", podSC("    sysctls: [{name: net.ipv4.ip_forward, value: \"1\\n0\"}]\n"), "",
			`spec.securityContext.sysctls[0].value: "1\n0" holds a control character: the kernel would cut ` +
				"the value there or refuse it; give it on one line"},
		{"no containers", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n", "",
			"spec.containers: is empty: a pod needs at least one container"},
		{"no command", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n", "",
			"spec.containers[0].command: is empty, and the pod's image is not read, so there is no entrypoint " +
				"to take: set command (and args)"},
		{"negative runAsUser", sc("      runAsUser: -1\n"), "",
			"spec.containers[0].securityContext.runAsUser: -1 is out of range: give an id from 0 to 2147483647"},
		{"runAsGroup too big", podSC("    runAsGroup: 2147483648\n"), "",
			"spec.securityContext.runAsGroup: 2147483648 is out of range: give an id from 0 to 2147483647"},
		{"negative supplementalGroups", podSC("    supplementalGroups: [1, -2]\n"), "",
			"spec.securityContext.supplementalGroups[1]: -2 is out of range: give an id from 0 to 2147483647"},
		{"unmapped with hostUsers false", podYAML("  hostUsers: false\n  securityContext: {runAsUser: 70000}\n", ""), "",
			"spec.securityContext.runAsUser: 70000 is not mapped: with hostUsers: false the pod has ids 0 to 65535"},
		{"unknown capability", sc("      capabilities: {add: [NET_ADMN]}\n"), "",
			`spec.containers[0].securityContext.capabilities.add[0]: unknown capability "NET_ADMN"`},
		{"CAP_ prefix", sc("      capabilities: {drop: [CAP_CHOWN]}\n"), "",
			`spec.containers[0].securityContext.capabilities.drop[0]: "CAP_CHOWN": write the name without CAP_, ` +
				"as CHOWN: containerd adds the prefix"},
		{"unknown seccomp type", sc("      seccompProfile: {type: Strict}\n"), "",
			`spec.containers[0].securityContext.seccompProfile.type: "Strict": use RuntimeDefault, Unconfined or Localhost`},
		{"Localhost without a profile", podSC("    seccompProfile: {type: Localhost}\n"), "",
			"spec.securityContext.seccompProfile.localhostProfile: is missing: type Localhost needs the profile's " +
				"file name, relative to the kubelet's seccomp directory"},
		{"Localhost climbing out", sc("      seccompProfile: {type: Localhost, localhostProfile: ../x.json}\n"), "",
			`spec.containers[0].securityContext.seccompProfile.localhostProfile: "../x.json": give a path ` +
				"relative to the seccomp directory, without .."},
		{"Localhost file missing", sc("      seccompProfile: {type: Localhost, localhostProfile: none.json}\n"), "",
			"spec.containers[0].securityContext.seccompProfile.localhostProfile: open /nonexistent/none.json: " +
				"no such file or directory: put the profile there, or name its directory with --seccomp-root"},
		{"localhostProfile with RuntimeDefault",
			sc("      seccompProfile: {type: RuntimeDefault, localhostProfile: a}\n"), "",
			"spec.containers[0].securityContext.seccompProfile.localhostProfile: may be set only with type Localhost"},
		{"bad procMount", sc("      procMount: Hidden\n"), "",
			`spec.containers[0].securityContext.procMount: "Hidden": use Default or Unmasked`},
		{"Unmasked with the host's users", sc("      procMount: Unmasked\n"), "",
			"spec.containers[0].securityContext.procMount: Unmasked needs spec.hostUsers: false, " +
				"a user namespace of the pod's own"},
		{"privileged without escalation", sc("      privileged: true\n      allowPrivilegeEscalation: false\n"), "",
			"spec.containers[0].securityContext.allowPrivilegeEscalation: false contradicts privileged: true: " +
				"a privileged container can always escalate"},
		{"CAP_SYS_ADMIN without escalation",
			sc("      allowPrivilegeEscalation: false\n      capabilities: {add: [CAP_SYS_ADMIN]}\n"), "",
			"spec.containers[0].securityContext.allowPrivilegeEscalation: false contradicts capabilities.add " +
				"CAP_SYS_ADMIN, which allows escalation"},
		{"host-wide sysctl", podSC("    sysctls: [{name: kernel.panic, value: \"1\"}]\n"), "",
			"spec.securityContext.sysctls[0].name: kernel.panic is not namespaced: it would change the whole host; " +
				"give a net.*, kernel.shm*, kernel.msg*, kernel.sem or fs.mqueue.* setting"},
		{"invalid sysctl name", podSC("    sysctls: [{name: \"net..x\", value: \"1\"}]\n"), "",
			`spec.securityContext.sysctls[0].name: "net..x": write a sysctl name as dotted words, as net.ipv4.ip_forward`},
		{"net sysctl with hostNetwork", podYAML("  hostNetwork: true\n  securityContext:\n"+
			"    sysctls: [{name: net.ipv4.ip_forward, value: \"1\"}]\n", ""), "",
			"spec.securityContext.sysctls[0].name: net.ipv4.ip_forward belongs to the network namespace, " +
				"which hostNetwork shares with the host"},
		{"hostPID with hostUsers false", podYAML("  hostUsers: false\n  hostPID: true\n", ""), "",
			"spec.hostPID: true contradicts spec.hostUsers: false: a pod in its own user namespace shares " +
				"no namespace with the host"},
		{"env valueFrom", podYAML("", "    env: [{name: X, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n"), "",
			"spec.containers[0].env[0].valueFrom: not supported: there is no API server or node to read it from; " +
				"give value instead"},
		{"relative workingDir", podYAML("", "    workingDir: tmp\n"), "",
			`spec.containers[0].workingDir: "tmp": give an absolute path`},
		{"bad hostname", podYAML("  hostname: Web_1\n", ""), "",
			`spec.hostname: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric ` +
				`characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  ` +
				`or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"SELinux", sc("      seLinuxOptions: {type: spc_t}\n"), "",
			"spec.containers[0].securityContext.seLinuxOptions: not supported: sandbox applies no SELinux label; remove it"},
		{"huge memory limit", podYAML("", "    resources: {limits: {memory: 1e30}}\n"), "",
			"spec.containers[0].resources.limits.memory: 1e+30: more bytes than a 64-bit limit holds: " +
				"give at most 8Ei, or no limit"},
		{"huge cpu limit", podYAML("", "    resources: {limits: {cpu: 1e12}}\n"), "",
			"spec.containers[0].resources.limits.cpu: 1T: more than 1048576 CPUs, the largest limit " +
				"sandbox sets a quota for: give a smaller one, or no limit"},
		{"negative cpu request", podYAML("", "    resources: {requests: {cpu: -1}}\n"), "",
			"spec.containers[0].resources.requests.cpu: -1: give a quantity of 0 or more"},
		{"negative memory limit", podYAML("", "    resources: {limits: {memory: -64Mi}}\n"), "",
			"spec.containers[0].resources.limits.memory: -64Mi: give a quantity of 0 or more"},
		{"request above limit", podYAML("", "    resources: {limits: {cpu: 500m}, requests: {cpu: 1}}\n"), "",
			"spec.containers[0].resources.requests.cpu: 1 is above limits.cpu 500m: a request cannot exceed its limit"},
		{"memory request above limit", podYAML("", "    resources: {limits: {memory: 64Mi}, requests: {memory: 1Gi}}\n"), "",
			"spec.containers[0].resources.requests.memory: 1Gi is above limits.memory 64Mi: a request cannot exceed its limit"},
		{"seccomp annotation with an unknown value",
			annotated(podYAML("", ""), "seccomp.security.alpha.kubernetes.io/pod: strict"), "",
			`metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: "strict": use ` +
				"securityContext.seccompProfile instead of this deprecated annotation (its values are " +
				"runtime/default, unconfined and localhost/NAME)"},
		{"seccomp annotation contradicting the field", annotated(sc("      seccompProfile: {type: RuntimeDefault}\n"),
			"container.seccomp.security.alpha.kubernetes.io/app: unconfined"), "",
			`metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]: "unconfined" contradicts ` +
				"the seccompProfile field: remove the annotation and keep securityContext.seccompProfile"},
		{"AppArmor annotation", annotated(podYAML("", ""),
			"container.apparmor.security.beta.kubernetes.io/app: runtime/default"), "",
			`metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: "runtime/default" is not ` +
				"supported: sandbox loads no AppArmor profile; remove the annotation or set it to unconfined"},
		{"AppArmor annotation for no container", annotated(podYAML("", ""),
			"container.apparmor.security.beta.kubernetes.io/web: unconfined"), "",
			`metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: the pod has no container ` +
				`"web": name one of its containers`},
		{"AppArmor annotation with an unknown value", annotated(podYAML("", ""),
			"container.apparmor.security.beta.kubernetes.io/app: strict"), "",
			`metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: "strict": ` +
				"use runtime/default, localhost/NAME or unconfined"},
		{"small memory limit", podYAML("", "    resources: {limits: {memory: 1Mi}}\n"), "",
			"spec.containers[0].resources.limits.memory: 1Mi: give at least 4Mi, or the container cannot start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := convert(t, tt.yaml, Options{Container: tt.container, SeccompRoot: "/nonexistent"})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Convert: got error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "1", "B": "two"}
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"$(A)", "1"},
		{"x$(A)y$(B)z", "x1ytwoz"},
		{"$(C)", "$(C)"},
		{"$$(A)", "$(A)"},
		{"$$", "$"},
		{"$A", "$A"},
		{"$(A", "$(A"},
		{"end$", "end$"},
	}
	for _, tt := range tests {
		if got := expand(tt.in, vars); got != tt.want {
			t.Errorf("expand(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDotted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"net.ipv4.ip_forward", "net.ipv4.ip_forward"},
		{"net/ipv4/ip_forward", "net.ipv4.ip_forward"},
		{"net/ipv4/conf/eth0.100/forwarding", "net.ipv4.conf.eth0/100.forwarding"},
	}
	for _, tt := range tests {
		if got := dotted(tt.in); got != tt.want {
			t.Errorf("dotted(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
