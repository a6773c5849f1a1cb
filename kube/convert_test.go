package kube

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"k8s.io/apimachinery/pkg/api/resource"

	"sandbox/caps"
	"sandbox/spec"
)

// newRootfs makes a rootfs holding only the account files.
func newRootfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"passwd": "root:x:0:0::/root:/bin/sh\nweb:x:1000:1000::/home/web:/bin/sh\n",
		"group":  "root:x:0:\nweb:x:1000:\nusers:x:100:web\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, "etc", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// podYAML is a pod named demo with one container, app, running /bin/true;
// podFields go under spec, ctrFields under the container, both indented
// as they are there.
func podYAML(podFields, ctrFields string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo\nspec:\n" + podFields +
		"  containers:\n  - name: app\n    command: [/bin/true]\n" + ctrFields
}

func convert(t *testing.T, yaml string, o Options) (*specs.Spec, []string, error) {
	t.Helper()
	pod, err := ParsePod([]byte(yaml))
	if err != nil {
		return nil, nil, err
	}
	if o.Rootfs == "" {
		o.Rootfs = newRootfs(t)
	}
	return Convert(pod, o)
}

func ownBounding(t *testing.T) uint64 {
	t.Helper()
	b, err := caps.OwnBounding()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvert(t *testing.T) {
	defaults := slices.Clone(caps.Default)
	tests := []struct {
		name     string
		pod, ctr string
		check    func(t *testing.T, s *specs.Spec)
	}{
		{"defaults", "", "", func(t *testing.T, s *specs.Spec) {
			want(t, "uid", s.Process.User.UID, uint32(0))
			want(t, "hostname", s.Hostname, "demo")
			want(t, "noNewPrivileges", s.Process.NoNewPrivileges, false)
			want(t, "readonly", s.Root.Readonly, false)
			want(t, "seccomp", s.Linux.Seccomp == nil, true)
			wantSet(t, "bounding", s.Process.Capabilities.Bounding, defaults)
			wantSet(t, "effective", s.Process.Capabilities.Effective, defaults)
			want(t, "masked paths", len(s.Linux.MaskedPaths), len(spec.MaskedPaths))
			want(t, "non-root annotation", s.Annotations[spec.NonRootAnnotation], "")
			want(t, "network namespace", spec.HasNamespace(s, specs.NetworkNamespace), true)
			want(t, "cpu shares, as the kubelet's for a BestEffort container", *s.Linux.Resources.CPU.Shares,
				uint64(2))
			for _, m := range s.Mounts {
				if m.Destination == "/dev/shm" && m.Type != "tmpfs" {
					t.Errorf("/dev/shm: got a %s mount, want the container's own tmpfs", m.Type)
				}
			}
		}},
		{"runAsUser from the pod, runAsGroup from the container",
			"  securityContext:\n    runAsUser: 1000\n    runAsGroup: 5\n",
			"    securityContext:\n      runAsGroup: 7\n", func(t *testing.T, s *specs.Spec) {
				want(t, "user", s.Process.User, specs.User{UID: 1000, GID: 7, AdditionalGids: []uint32{7, 100}})
			}},
		{"runAsUser of the container wins", "  securityContext:\n    runAsUser: 1000\n",
			"    securityContext:\n      runAsUser: 2000\n", func(t *testing.T, s *specs.Spec) {
				want(t, "user", s.Process.User, specs.User{UID: 2000, AdditionalGids: []uint32{0}})
			}},
		{"supplementalGroups and fsGroup", "  securityContext:\n    supplementalGroups: [4000, 4001]\n    fsGroup: 2000\n",
			"", func(t *testing.T, s *specs.Spec) {
				want(t, "additionalGids", s.Process.User.AdditionalGids, []uint32{0, 4000, 4001, 2000})
			}},
		{"runAsNonRoot", "  securityContext:\n    runAsNonRoot: true\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "annotation", s.Annotations[spec.NonRootAnnotation], "true")
		}},
		{"runAsNonRoot false in the container wins", "  securityContext:\n    runAsNonRoot: true\n",
			"    securityContext:\n      runAsNonRoot: false\n", func(t *testing.T, s *specs.Spec) {
				want(t, "annotation", s.Annotations[spec.NonRootAnnotation], "")
			}},
		{"readOnlyRootFilesystem", "", "    securityContext:\n      readOnlyRootFilesystem: true\n",
			func(t *testing.T, s *specs.Spec) { want(t, "readonly", s.Root.Readonly, true) }},
		{"allowPrivilegeEscalation false", "", "    securityContext:\n      allowPrivilegeEscalation: false\n",
			func(t *testing.T, s *specs.Spec) { want(t, "noNewPrivileges", s.Process.NoNewPrivileges, true) }},
		{"allowPrivilegeEscalation false with SYS_ADMIN: the API server's quirk", "",
			"    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities: {add: [SYS_ADMIN]}\n",
			func(t *testing.T, s *specs.Spec) {
				want(t, "noNewPrivileges", s.Process.NoNewPrivileges, true)
				want(t, "CAP_SYS_ADMIN", slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_ADMIN"), true)
			}},
		{"allowPrivilegeEscalation true", "", "    securityContext:\n      allowPrivilegeEscalation: true\n",
			func(t *testing.T, s *specs.Spec) { want(t, "noNewPrivileges", s.Process.NoNewPrivileges, false) }},
		{"capabilities drop ALL, add one", "",
			"    securityContext:\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE]\n",
			func(t *testing.T, s *specs.Spec) {
				wantSet(t, "bounding", s.Process.Capabilities.Bounding, []string{"CAP_NET_BIND_SERVICE"})
			}},
		{"capabilities: a drop wins over an add", "",
			"    securityContext:\n      capabilities:\n        add: [net_admin, CHOWN]\n        drop: [CHOWN]\n",
			func(t *testing.T, s *specs.Spec) {
				got := s.Process.Capabilities.Bounding
				if !slices.Contains(got, "CAP_NET_ADMIN") || slices.Contains(got, "CAP_CHOWN") {
					t.Errorf("bounding: got %v, want CAP_NET_ADMIN and no CAP_CHOWN", got)
				}
			}},
		{"capabilities add ALL", "", "    securityContext:\n      capabilities:\n        add: [ALL]\n",
			func(t *testing.T, s *specs.Spec) {
				wantSet(t, "bounding", s.Process.Capabilities.Bounding, caps.Granted(caps.All(), ownBounding(t), nil))
			}},
		{"non-root keeps capabilities only in the bounding set", "",
			"    securityContext:\n      runAsUser: 1000\n      capabilities:\n        add: [NET_ADMIN]\n",
			func(t *testing.T, s *specs.Spec) {
				c := s.Process.Capabilities
				want(t, "bounding has NET_ADMIN", slices.Contains(c.Bounding, "CAP_NET_ADMIN"), true)
				want(t, "effective, permitted, ambient", len(c.Effective)+len(c.Permitted)+len(c.Ambient), 0)
			}},
		{"privileged", "",
			"    securityContext:\n      privileged: true\n      seccompProfile:\n        type: RuntimeDefault\n",
			func(t *testing.T, s *specs.Spec) {
				wantSet(t, "bounding", s.Process.Capabilities.Bounding, caps.Granted(caps.All(), ownBounding(t), nil))
				want(t, "masked paths", len(s.Linux.MaskedPaths), 0)
				want(t, "seccomp", s.Linux.Seccomp == nil, true)
				want(t, "all devices allowed", s.Linux.Resources.Devices[0].Allow, true)
			}},
		{"seccompProfile RuntimeDefault from the pod",
			"  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n",
			"", func(t *testing.T, s *specs.Spec) {
				want(t, "seccomp default action", s.Linux.Seccomp != nil && s.Linux.Seccomp.DefaultAction != "", true)
			}},
		{"seccompProfile Unconfined in the container wins",
			"  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n",
			"    securityContext:\n      seccompProfile:\n        type: Unconfined\n", func(t *testing.T, s *specs.Spec) {
				want(t, "seccomp", s.Linux.Seccomp == nil, true)
			}},
		{"procMount Unmasked", "  hostUsers: false\n", "    securityContext:\n      procMount: Unmasked\n",
			func(t *testing.T, s *specs.Spec) {
				want(t, "masked and read-only paths", len(s.Linux.MaskedPaths)+len(s.Linux.ReadonlyPaths), 0)
			}},
		{"procMount Default", "", "    securityContext:\n      procMount: Default\n", func(t *testing.T, s *specs.Spec) {
			want(t, "masked paths", len(s.Linux.MaskedPaths), len(spec.MaskedPaths))
		}},
		{"sysctls, one written with slashes",
			"  securityContext:\n    sysctls:\n    - {name: net.ipv4.ip_unprivileged_port_start, value: \"80\"}\n" +
				"    - {name: kernel/shm_rmid_forced, value: \"1\"}\n", "",
			func(t *testing.T, s *specs.Spec) {
				want(t, "sysctl", s.Linux.Sysctl, map[string]string{
					"net.ipv4.ip_unprivileged_port_start": "80", "kernel.shm_rmid_forced": "1"})
			}},
		{"a sysctl value with a tab", "  securityContext:\n    sysctls:\n" +
			"    - {name: net.ipv4.ip_local_port_range, value: \"32768\\t60999\"}\n", "",
			func(t *testing.T, s *specs.Spec) {
				want(t, "sysctl", s.Linux.Sysctl["net.ipv4.ip_local_port_range"], "32768\t60999")
			}},
		{"hostIPC binds the host's /dev/shm", "  hostIPC: true\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "ipc namespace", spec.HasNamespace(s, specs.IPCNamespace), false)
			var shm []specs.Mount
			for _, m := range s.Mounts {
				if m.Destination == "/dev/shm" {
					shm = append(shm, m)
				}
			}
			want(t, "/dev/shm mounts", shm, []specs.Mount{{Destination: "/dev/shm", Type: "bind",
				Source: "/dev/shm", Options: []string{"rbind", "rprivate", "rw", "nosuid", "nodev", "noexec"}}})
		}},
		{"hostNetwork", "  hostNetwork: true\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "network namespace", spec.HasNamespace(s, specs.NetworkNamespace), false)
			want(t, "uts namespace", spec.HasNamespace(s, specs.UTSNamespace), false)
			want(t, "hostname", s.Hostname, "")
		}},
		{"hostPID and hostIPC", "  hostPID: true\n  hostIPC: true\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "pid namespace", spec.HasNamespace(s, specs.PIDNamespace), false)
			want(t, "ipc namespace", spec.HasNamespace(s, specs.IPCNamespace), false)
			want(t, "network namespace", spec.HasNamespace(s, specs.NetworkNamespace), true)
		}},
		{"hostUsers false", "  hostUsers: false\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "user namespace", spec.HasNamespace(s, specs.UserNamespace), true)
			want(t, "uid map size", s.Linux.UIDMappings[0].Size, uint32(spec.UserNSSize))
		}},
		{"spec.hostname", "  hostname: web-1\n", "", func(t *testing.T, s *specs.Spec) {
			want(t, "hostname", s.Hostname, "web-1")
		}},
		{"command, args, env with $(VAR), workingDir", "",
			"    args: [\"$(GREETING) world\", \"$$(GREETING)\"]\n    workingDir: /tmp\n" +
				"    env:\n    - {name: WHO, value: world}\n    - {name: GREETING, value: \"hello $(WHO)\"}\n",
			func(t *testing.T, s *specs.Spec) {
				want(t, "args", s.Process.Args, []string{"/bin/true", "hello world world", "$(GREETING)"})
				want(t, "cwd", s.Process.Cwd, "/tmp")
				want(t, "GREETING", slices.Contains(s.Process.Env, "GREETING=hello world"), true)
			}},
		{"resources", "", "    resources:\n      limits: {memory: 64Mi, cpu: 500m}\n      requests: {cpu: 250m}\n",
			func(t *testing.T, s *specs.Spec) {
				r := s.Linux.Resources
				want(t, "memory limit", *r.Memory.Limit, int64(64<<20))
				want(t, "cpu quota", *r.CPU.Quota, int64(50000))
				want(t, "cpu shares", *r.CPU.Shares, uint64(256))
			}},
		{"a cpu limit alone is its request too", "", "    resources:\n      limits: {cpu: 2}\n",
			func(t *testing.T, s *specs.Spec) {
				want(t, "cpu quota", *s.Linux.Resources.CPU.Quota, int64(200000))
				want(t, "cpu shares", *s.Linux.Resources.CPU.Shares, uint64(2048))
			}},
		{"a cpu limit of 0 sets no quota", "", "    resources:\n      limits: {cpu: 0}\n",
			func(t *testing.T, s *specs.Spec) {
				want(t, "cpu quota", s.Linux.Resources.CPU.Quota == nil, true)
				want(t, "cpu shares", *s.Linux.Resources.CPU.Shares, uint64(2))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := convert(t, podYAML(tt.pod, tt.ctr), Options{})
			if err != nil {
				t.Fatalf("Convert: got error %v, want a config", err)
			}
			tt.check(t, s)
		})
	}
}

func want[T any](t *testing.T, what string, got, wantV T) {
	t.Helper()
	if !equal(got, wantV) {
		t.Errorf("%s: got %v, want %v", what, got, wantV)
	}
}

func wantSet(t *testing.T, what string, got, wantV []string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(wantV))
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %v, want %v", what, g, w)
	}
}

func TestConvertNotes(t *testing.T) {
	yaml := podYAML("  securityContext:\n    fsGroup: 2000\n",
		"    volumeMounts:\n    - {name: data, mountPath: /data}\n    resources:\n      limits: {nvidia.com/gpu: 1}\n"+
			"      requests: {memory: 64Mi}\n")
	_, notes, err := convert(t, yaml, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(notes, "\n")
	for _, w := range []string{"spec.securityContext.fsGroup:", "spec.containers[0].volumeMounts:",
		"spec.containers[0].resources.limits.nvidia.com/gpu:", "spec.containers[0].resources.requests.memory:"} {
		if !strings.Contains(got, w) {
			t.Errorf("notes: got %q, want one starting %q", got, w)
		}
	}
}

func TestConvertLocalhostSeccomp(t *testing.T) {
	root := t.TempDir()
	profile := `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}`
	if err := os.WriteFile(filepath.Join(root, "deny-mkdir.json"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := podYAML("", "    securityContext:\n      seccompProfile:\n        type: Localhost\n"+
		"        localhostProfile: deny-mkdir.json\n")
	s, _, err := convert(t, yaml, Options{SeccompRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != specs.ActAllow {
		t.Fatalf("seccomp: got %+v, want the profile's default action SCMP_ACT_ALLOW", s.Linux.Seccomp)
	}
}

func TestCPUClamps(t *testing.T) {
	tests := []struct {
		cpu    string
		shares uint64
		cpus   string
	}{
		{"1m", 2, "0.01"},
		{"1", 1024, "1"},
		{"250m", 256, "0.25"},
		{"9m", 9, "0.01"},
		{"11m", 11, "0.011"},
		{"256", 262144, "256"},
		{"1000", 262144, "1000"},
		{"1048576", 262144, "1048576"},
		{"1e9", 262144, ""},
	}
	for _, tt := range tests {
		t.Run(tt.cpu, func(t *testing.T) {
			q := resource.MustParse(tt.cpu)
			if got := cpuShares(q); got != tt.shares {
				t.Errorf("cpuShares: got %d, want %d", got, tt.shares)
			}
			got, err := cpuLimit(q, "limits.cpu")
			if tt.cpus == "" {
				if err == nil {
					t.Errorf("cpuLimit: got %s, want an error", got)
				}
				return
			}
			if err != nil || got != tt.cpus {
				t.Errorf("cpuLimit: got %q, %v; want %q", got, err, tt.cpus)
			}
		})
	}
}

// annotated adds annotations, written as a flow mapping's entries, to a
// pod of podYAML.
func annotated(yaml, entries string) string {
	return strings.Replace(yaml, "  name: demo\n", "  name: demo\n  annotations: {"+entries+"}\n", 1)
}

func TestConvertAnnotations(t *testing.T) {
	podField := "  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n"
	ctrField := "    securityContext:\n      seccompProfile: {type: Unconfined}\n"
	tests := []struct {
		name, pod, ctr, annotations string
		filter                      bool
	}{
		{"none", "", "", "", false},
		{"the pod's annotation", "", "", "seccomp.security.alpha.kubernetes.io/pod: runtime/default", true},
		{"docker/default", "", "", "seccomp.security.alpha.kubernetes.io/pod: docker/default", true},
		{"the container's annotation", "", "",
			"container.seccomp.security.alpha.kubernetes.io/app: runtime/default", true},
		{"another container's annotation", "", "",
			"container.seccomp.security.alpha.kubernetes.io/other: runtime/default", false},
		{"the container's annotation over the pod's field", "  securityContext:\n    seccompProfile: {type: Unconfined}\n",
			"", "container.seccomp.security.alpha.kubernetes.io/app: runtime/default", true},
		{"the container's field over the pod's annotation", "", ctrField,
			"seccomp.security.alpha.kubernetes.io/pod: runtime/default", false},
		{"the pod's field and the same annotation", podField, "",
			"seccomp.security.alpha.kubernetes.io/pod: runtime/default", true},
		{"unconfined", "", "", "seccomp.security.alpha.kubernetes.io/pod: unconfined", false},
		{"AppArmor unconfined", "", "", "container.apparmor.security.beta.kubernetes.io/app: unconfined", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := convert(t, annotated(podYAML(tt.pod, tt.ctr), tt.annotations), Options{})
			if err != nil {
				t.Fatalf("Convert: got error %v, want a config", err)
			}
			want(t, "seccomp filter", s.Linux.Seccomp != nil, tt.filter)
		})
	}
}
