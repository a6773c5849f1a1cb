package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// podsDir holds the example pods of the README, one per field: the tests
// run them, so the examples cannot rot.
const podsDir = "../examples/pods"

// podBundle converts an example pod with `sandbox spec --from-pod` into a
// new bundle on the test rootfs, and returns the bundle and a state root.
func podBundle(t *testing.T, pod string, flags ...string) (dir, root string) {
	t.Helper()
	dir = t.TempDir()
	if r := specFromPod(t, filepath.Join(podsDir, pod+".yaml"), dir, flags...); r.code != 0 {
		t.Fatalf("sandbox spec --from-pod %s: exit %d: %s", pod, r.code, r.stderr)
	}
	return dir, filepath.Join(t.TempDir(), "state")
}

// specFromPod runs `sandbox spec --from-pod file` for the test rootfs.
func specFromPod(t *testing.T, file, bundle string, flags ...string) result {
	t.Helper()
	_, rootfs := env(t)
	args := append([]string{"spec", "--from-pod", file, "--bundle", bundle, "--rootfs", rootfs}, flags...)
	return sandbox(t, "", args...)
}

// runPod runs an example pod's container with `run --bundle`.
func runPod(t *testing.T, pod string, flags ...string) result {
	t.Helper()
	dir, root := podBundle(t, pod, flags...)
	id := "kube-" + pod
	r := oci(t, root, "run", "--bundle", dir, id)
	noCgroup(t, id, "run --bundle "+id)
	return r
}

// hostNS is the host's namespace of type name, as readlink prints it.
func hostNS(t *testing.T, name string) string {
	t.Helper()
	link, err := os.Readlink("/proc/self/ns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func firstField(t *testing.T, status, name string) string {
	t.Helper()
	return strings.Fields(statusField(t, status, name))[0]
}

// TestPodExamples runs each example pod and reads from inside the
// container what the kernel made of its field.
func TestPodExamples(t *testing.T) {
	hostBnd := statusField(t, readHost(t, "/proc/self/status"), "CapBnd")
	hostname, _ := os.Hostname()
	tests := []struct {
		pod   string
		flags []string
		code  int
		check func(t *testing.T, r result)
	}{
		{"run-as-user", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "uid", firstField(t, r.stdout, "Uid"), "1000")
			wantEq(t, "gid", firstField(t, r.stdout, "Gid"), "3000")
		}},
		{"supplemental-groups", nil, 0, func(t *testing.T, r result) {
			// The primary gid (1000, user's in /etc/passwd) is among the
			// groups, as containerd puts it there.
			groups := strings.Fields(statusField(t, r.stdout, "Groups"))
			for _, g := range []string{"1000", "2000", "4000"} {
				if !contains(groups, g) {
					t.Errorf("Groups: got %v, want %s among them", groups, g)
				}
			}
		}},
		{"read-only-root", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "rootfs mount", strings.TrimSpace(r.stdout), "/ ro,")
			if !strings.Contains(r.stderr, "Read-only file system") {
				t.Errorf("touch /probe: got stderr %q, want EROFS", r.stderr)
			}
		}},
		{"no-privilege-escalation", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "NoNewPrivs", statusField(t, r.stdout, "NoNewPrivs"), "1")
			wantEq(t, "Seccomp, with no seccompProfile", statusField(t, r.stdout, "Seccomp"), "0")
		}},
		{"privileged", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "CapEff", statusField(t, r.stdout, "CapEff"), hostBnd)
			wantEq(t, "Seccomp", statusField(t, r.stdout, "Seccomp"), "0")
			wantEq(t, "masked", statusField(t, r.stdout, "masked"), "0")
		}},
		{"capabilities", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "CapEff", statusField(t, r.stdout, "CapEff"), "0000000000000400")
			wantEq(t, "CapBnd", statusField(t, r.stdout, "CapBnd"), "0000000000000400")
		}},
		{"seccomp-runtime-default", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "Seccomp", statusField(t, r.stdout, "Seccomp"), "2")
		}},
		{"seccomp-localhost", []string{"--seccomp-root", filepath.Join(podsDir, "seccomp")}, 1,
			func(t *testing.T, r result) {
				if !strings.Contains(r.stderr, "Operation not permitted") {
					t.Errorf("mkdir: got stderr %q, want EPERM from the profile", r.stderr)
				}
			}},
		{"proc-mount-unmasked", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "masked", statusField(t, r.stdout, "masked"), "0")
		}},
		{"sysctls", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "ip_unprivileged_port_start", strings.TrimSpace(r.stdout), "80")
			if host := readHost(t, "/proc/sys/net/ipv4/ip_unprivileged_port_start"); host == "80" {
				t.Errorf("the host's ip_unprivileged_port_start is 80 too: the pod's sysctl reached the host")
			}
		}},
		{"host-network", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "namespaces and hostname", r.stdout,
				hostNS(t, "net")+"\n"+hostNS(t, "uts")+"\n"+hostname+"\n")
		}},
		{"host-pid", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "pid namespace", strings.TrimSpace(r.stdout), hostNS(t, "pid"))
		}},
		{"host-ipc", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "ipc namespace", strings.TrimSpace(r.stdout), hostNS(t, "ipc"))
		}},
		{"host-users", nil, 0, func(t *testing.T, r result) {
			m := strings.Fields(r.stdout)
			if len(m) != 3 || m[0] != "0" || m[1] == "0" || m[2] != "65536" {
				t.Errorf("uid_map: got %q, want container 0 mapped to an unprivileged host range of 65536", r.stdout)
			}
		}},
		{"resources", nil, 0, func(t *testing.T, r result) {
			wantEq(t, "limits, as the container's cgroup shows them", r.stdout, "memory: 67108864\ncpu: 50000\n")
		}},
		{"restricted", nil, 0, func(t *testing.T, r result) {
			if !strings.HasPrefix(r.stdout, "uid=1000(") {
				t.Errorf("id: got %q, want uid 1000", r.stdout)
			}
			for field, want := range map[string]string{"CapEff": "0000000000000000",
				"CapBnd": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2"} {
				wantEq(t, field, statusField(t, r.stdout, field), want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.pod, func(t *testing.T) {
			r := runPod(t, tt.pod, tt.flags...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", r.code, tt.code, r.stdout, r.stderr)
			}
			tt.check(t, r)
		})
	}
}

func wantEq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestPodOwnNamespaces is the negative of the host-* examples: a pod that
// asks for nothing shares no namespace with the host.
func TestPodOwnNamespaces(t *testing.T) {
	pod := filepath.Join(t.TempDir(), "pod.yaml")
	yaml := "apiVersion: v1\nkind: Pod\nmetadata: {name: own}\nspec:\n  containers:\n  - name: demo\n" +
		"    command: [/bin/sh, -c, 'for n in net pid ipc uts user; do readlink /proc/self/ns/$n; done; hostname']\n"
	if err := os.WriteFile(pod, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if r := specFromPod(t, pod, dir); r.code != 0 {
		t.Fatalf("spec --from-pod: exit %d: %s", r.code, r.stderr)
	}
	out := strings.Fields(ociOK(t, filepath.Join(t.TempDir(), "state"), "run", "--bundle", dir, "kube-own"))
	for i, n := range []string{"net", "pid", "ipc", "uts"} {
		if out[i] == hostNS(t, n) {
			t.Errorf("%s namespace: got the host's %s, want one of the container's own", n, out[i])
		}
	}
	wantEq(t, "user namespace", out[4], hostNS(t, "user"))
	wantEq(t, "hostname", out[5], "own")
}

// TestPodMaskedPaths is the negative of the privileged and
// proc-mount-unmasked examples: the same pod without the field has
// /proc/keys, a path every kernel has, masked by a mount.
func TestPodMaskedPaths(t *testing.T) {
	for pod, field := range map[string]string{"privileged": "privileged: true",
		"proc-mount-unmasked": "procMount: Unmasked"} {
		t.Run(pod, func(t *testing.T) {
			data := readHost(t, filepath.Join(podsDir, pod+".yaml"))
			if !strings.Contains(data, field) {
				t.Fatalf("%s.yaml has no %q", pod, field)
			}
			file := filepath.Join(t.TempDir(), "pod.yaml")
			if err := os.WriteFile(file, []byte(strings.Replace(data, field, "{}", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if r := specFromPod(t, file, dir); r.code != 0 {
				t.Fatalf("spec --from-pod: exit %d: %s", r.code, r.stderr)
			}
			out := ociOK(t, filepath.Join(t.TempDir(), "state"), "run", "--bundle", dir, "kube-masked-"+pod)
			wantEq(t, "masked", statusField(t, out, "masked"), "1")
		})
	}
}

// TestPodHostIPCShm: with hostIPC the container sees the host's /dev/shm,
// where POSIX shared memory lives, as under containerd; without it, its
// own.
func TestPodHostIPCShm(t *testing.T) {
	name := fmt.Sprintf("sandbox-kube-test-%d", os.Getpid())
	host := filepath.Join("/dev/shm", name)
	if err := os.WriteFile(host, []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(host) })
	for _, hostIPC := range []bool{true, false} {
		t.Run(fmt.Sprintf("hostIPC %v", hostIPC), func(t *testing.T) {
			yaml := fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: shm}\nspec:\n  hostIPC: %v\n"+
				"  containers:\n  - name: demo\n    command: [/bin/sh, -c, 'cat /dev/shm/%s || true; "+
				"grep \" /dev/shm \" /proc/self/mountinfo | grep -c nosuid,nodev,noexec']\n", hostIPC, name)
			out := runPodYAML(t, yaml, "kube-shm")
			// Either way /dev/shm is nosuid, nodev and noexec: nothing planted
			// in the host's works in the container.
			want := "1\n"
			if hostIPC {
				want = "from the host\n1\n"
			}
			wantEq(t, "the host's file, read inside, and the mount's options", out, want)
		})
	}
}

// TestPodSeccompAnnotation: the deprecated annotation loads the filter
// when the pod has no seccompProfile, as the API server turns it into
// the field.
func TestPodSeccompAnnotation(t *testing.T) {
	yaml := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: old\n  annotations:\n" +
		"    seccomp.security.alpha.kubernetes.io/pod: runtime/default\nspec:\n  containers:\n" +
		"  - name: demo\n    command: [/bin/sh, -c, 'grep ^Seccomp: /proc/self/status']\n"
	out := runPodYAML(t, yaml, "kube-annotation")
	wantEq(t, "Seccomp", statusField(t, out, "Seccomp"), "2")
}

// runPodYAML converts the pod in yaml and runs it as container id with
// `run --bundle`, in a state root of its own; it returns the output.
func runPodYAML(t *testing.T, yaml, id string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if r := specFromPod(t, file, dir); r.code != 0 {
		t.Fatalf("spec --from-pod: exit %d: %s", r.code, r.stderr)
	}
	return ociOK(t, filepath.Join(t.TempDir(), "state"), "run", "--bundle", dir, id)
}

// TestPodBestEffortShares: a container that requests no CPU gets the
// least weight, as the kubelet gives it: cpu.shares 2 on cgroup v1, which
// is cpu.weight 1 on v2.
func TestPodBestEffortShares(t *testing.T) {
	yaml := "apiVersion: v1\nkind: Pod\nmetadata: {name: besteffort}\nspec:\n  containers:\n  - name: demo\n" +
		"    command: [/bin/sh, -c, 'cat /sys/fs/cgroup/cpu.weight 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.shares']\n"
	file := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if r := specFromPod(t, file, dir); r.code != 0 {
		t.Fatalf("spec --from-pod: exit %d: %s", r.code, r.stderr)
	}
	out := strings.TrimSpace(ociOK(t, filepath.Join(t.TempDir(), "state"), "run", "--bundle", dir, "kube-besteffort"))
	if out != "2" && out != "1" {
		t.Errorf("cpu weight: got %q, want cpu.shares 2 (v1) or cpu.weight 1 (v2)", out)
	}
}

// emptyStateRoot fails if a refused start left a container's state.
func emptyStateRoot(t *testing.T, root string) {
	t.Helper()
	entries, _ := os.ReadDir(root)
	if len(entries) > 0 {
		t.Errorf("state root %s holds %d entries after a refused start, want none", root, len(entries))
	}
}

// oneLineError checks a refusal: exit 125 and one line naming want.
func oneLineError(t *testing.T, r result, want string) {
	t.Helper()
	msg := strings.TrimSuffix(r.stderr, "\n")
	if r.code != 125 || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "sandbox: ") ||
		!strings.Contains(msg, want) {
		t.Errorf("got exit %d, stderr %q; want 125 and one line with %q", r.code, r.stderr, want)
	}
}

// TestRunAsNonRoot refuses uid 0 on every start path, before anything is
// set up, and lets another uid start.
func TestRunAsNonRoot(t *testing.T) {
	_, rootfs := env(t)
	const refusal = "the process would run as uid 0, which run.sandbox.non-root"
	t.Run("pod, run --bundle", func(t *testing.T) {
		dir, root := podBundle(t, "run-as-non-root")
		oneLineError(t, oci(t, root, "run", "--bundle", dir, "kube-nonroot"), refusal)
		emptyStateRoot(t, root)
		noCgroup(t, "kube-nonroot", "a refused run --bundle")
	})
	t.Run("pod, create", func(t *testing.T) {
		dir, root := podBundle(t, "run-as-non-root")
		oneLineError(t, oci(t, root, "create", "--bundle", dir, "kube-nonroot-c"), refusal)
		emptyStateRoot(t, root)
		noCgroup(t, "kube-nonroot-c", "a refused create")
		noProcess(t, "kube-nonroot-c")
	})
	t.Run("run --run-as-non-root", func(t *testing.T) {
		r := sandbox(t, "", "run", "--run-as-non-root", rootfs, "/bin/true")
		oneLineError(t, r, refusal)
		noCgroup(t, runCgroup(r.pid), "a refused run")
	})
	t.Run("run --run-as-non-root with uid 1000 mapped to host root", func(t *testing.T) {
		r := sandbox(t, "", "run", "--run-as-non-root", "--user", "1000",
			"--uid-map", "0:100000:1000", "--uid-map", "1000:0:1", "--uid-map", "1001:101001:64535",
			"--gid-map", "0:100000:65536", rootfs, "/bin/true")
		oneLineError(t, r, "uid 1000 is host uid 0 through linux.uidMappings")
		noCgroup(t, runCgroup(r.pid), "a refused run")
	})
	t.Run("run --run-as-non-root --user 1000", func(t *testing.T) {
		wantEq(t, "id -u", runOK(t, "run", "--run-as-non-root", "--user", "1000", rootfs, "id", "-u"), "1000\n")
	})
	t.Run("exec as root into a non-root container", func(t *testing.T) {
		dir, root := podBundle(t, "restricted")
		editConfig(t, dir, func(c map[string]any) {
			c["process"].(map[string]any)["args"] = []string{"sleep", "1000"}
		})
		ociOK(t, root, "run", "--detach", "--bundle", dir, "kube-exec")
		defer oci(t, root, "delete", "--force", "kube-exec")
		oneLineError(t, oci(t, root, "exec", "--user", "0", "kube-exec", "id"), refusal)
		wantEq(t, "exec as the container's user", ociOK(t, root, "exec", "kube-exec", "id", "-u"), "1000\n")
	})
}

// TestSpecFromPodBadInput: each mistake is one line naming the field, and
// no config.json is written.
func TestSpecFromPodBadInput(t *testing.T) {
	write := func(t *testing.T, yaml string) string {
		p := filepath.Join(t.TempDir(), "pod.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pod := func(ctr string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: demo\n" +
			"    command: [/bin/true]\n" + ctr
	}
	two := "apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec:\n  containers:\n" +
		"  - {name: web, command: [/bin/true]}\n  - {name: log, command: [/bin/true]}\n"
	tests := []struct {
		name, yaml, want string
		flags            []string
	}{
		{"not YAML", "kind: Pod\nspec: [\n", "pod.yaml: not valid YAML: line 2", nil},
		{"not a Pod", "apiVersion: apps/v1\nkind: Deployment\n", "kind is Deployment: this reads a Pod", nil},
		{"two documents", pod("") + "---\n" + pod(""),
			"pod.yaml: holds 2 YAML documents (separated by ---): put one Pod in the file", nil},
		{"missing container", two, `the pod has no container "db": choose one of web, log`,
			[]string{"--container", "db"}},
		{"several containers", two, "the pod has several containers (web, log): choose one with --container NAME", nil},
		{"unknown field", pod("    securityContext: {runAsUsr: 1}\n"),
			"spec.containers[0].securityContext.runAsUsr: not a field of a v1 Pod", nil},
		{"wrong type", pod("    securityContext: {privileged: yes please}\n"),
			"spec.containers[0].securityContext.privileged: got a string, want true or false", nil},
		{"negative uid", pod("    securityContext: {runAsUser: -1}\n"),
			"spec.containers[0].securityContext.runAsUser: -1 is out of range", nil},
		{"unknown capability", pod("    securityContext: {capabilities: {add: [TIME_TRAVEL]}}\n"),
			`spec.containers[0].securityContext.capabilities.add[0]: unknown capability "TIME_TRAVEL"`, nil},
		{"seccomp type", pod("    securityContext: {seccompProfile: {type: Strict}}\n"),
			`spec.containers[0].securityContext.seccompProfile.type: "Strict"`, nil},
		{"host-wide sysctl", "apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec:\n" +
			"  securityContext: {sysctls: [{name: vm.swappiness, value: '1'}]}\n" +
			"  containers: [{name: demo, command: [/bin/true]}]\n",
			"spec.securityContext.sysctls[0].name: vm.swappiness is not namespaced", nil},
		{"valueFrom", pod("    env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}]\n"),
			"spec.containers[0].env[0].valueFrom: not supported", nil},
		{"AppArmor annotation", strings.Replace(pod(""), "metadata: {name: bad}",
			"metadata: {name: bad, annotations: {container.apparmor.security.beta.kubernetes.io/demo: runtime/default}}", 1),
			`metadata.annotations[container.apparmor.security.beta.kubernetes.io/demo]: "runtime/default" is not supported`,
			nil},
		{"--rootless", pod(""), "--rootless does not go with --from-pod", []string{"--rootless"}},
		{"Localhost profile missing",
			pod("    securityContext: {seccompProfile: {type: Localhost, localhostProfile: x.json}}\n"),
			"localhostProfile: open " + podsDir + "/seccomp/x.json: no such file or directory",
			[]string{"--seccomp-root", filepath.Join(podsDir, "seccomp")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			oneLineError(t, specFromPod(t, write(t, tt.yaml), dir, tt.flags...), tt.want)
			if _, err := os.Stat(filepath.Join(dir, "config.json")); err == nil {
				t.Errorf("a refused conversion left %s/config.json", dir)
			}
		})
	}
	t.Run("/dev/zero", func(t *testing.T) {
		oneLineError(t, specFromPod(t, "/dev/zero", t.TempDir()),
			"pod file /dev/zero is larger than 1 MiB: a pod is a few KiB")
	})
	t.Run("no pod file", func(t *testing.T) {
		oneLineError(t, specFromPod(t, filepath.Join(t.TempDir(), "none.yaml"), t.TempDir()),
			"pod file: open ")
	})
	t.Run("no bundle directory", func(t *testing.T) {
		oneLineError(t, specFromPod(t, filepath.Join(podsDir, "restricted.yaml"), filepath.Join(t.TempDir(), "none")),
			"none is not a directory: create it first, or pick another --bundle")
	})
	t.Run("existing config.json", func(t *testing.T) {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "config.json")
		os.WriteFile(cfg, []byte("mine\n"), 0o644)
		oneLineError(t, specFromPod(t, filepath.Join(podsDir, "restricted.yaml"), dir),
			"config.json already exists: remove it first, or pick another --bundle")
		wantEq(t, "config.json", readHost(t, cfg), "mine")
	})
	t.Run("the fsGroup note", func(t *testing.T) {
		r := specFromPod(t, filepath.Join(podsDir, "supplemental-groups.yaml"), t.TempDir())
		if r.code != 0 || !strings.Contains(r.stderr, "sandbox: note: spec.securityContext.fsGroup: "+
			"added to the process's groups only; the volume ownership it also sets cannot apply") {
			t.Errorf("got exit %d, stderr %q; want 0 and the fsGroup note", r.code, r.stderr)
		}
	})
}

// TestSpecFromPodWithoutConverter: a sandbox installed without
// sandbox-kube says what to build.
func TestSpecFromPodWithoutConverter(t *testing.T) {
	bin, _ := env(t)
	alone := filepath.Join(t.TempDir(), "sandbox")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
	dir := t.TempDir()
	r := runBin(t, alone, "", "spec", "--from-pod", filepath.Join(podsDir, "restricted.yaml"), "--bundle", dir)
	oneLineError(t, r, "spec --from-pod needs sandbox-kube, beside sandbox or on PATH: build it with `make build`")
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err == nil {
		t.Errorf("left %s/config.json", dir)
	}
}

// TestFromPodRootfsRelative: a --rootfs given as a relative path is the
// caller's, resolved against the working directory, even when it is
// spelled "rootfs" like the default (which stays relative to the bundle).
func TestFromPodRootfsRelative(t *testing.T) {
	bin, _ := env(t)
	work := t.TempDir() // spec only checks that the rootfs is a directory
	for _, d := range []string{"rootfs", "given", "default", "default/rootfs"} {
		if err := os.Mkdir(filepath.Join(work, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pod, err := filepath.Abs(filepath.Join(podsDir, "run-as-user.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ bundle, flag, want string }{
		{"given", "--rootfs=rootfs", filepath.Join(work, "rootfs")},
		{"default", "--container=demo", "rootfs"},
	} {
		cmd := exec.Command(bin, "spec", "--from-pod", pod, tc.flag, "--bundle", tc.bundle)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("spec --from-pod %s: %v: %s", tc.flag, err, out)
		}
		data, err := os.ReadFile(filepath.Join(work, tc.bundle, "config.json"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `"path": "` + tc.want + `"`; !strings.Contains(string(data), want) {
			t.Errorf("%s: config.json has no %s", tc.flag, want)
		}
	}
}
