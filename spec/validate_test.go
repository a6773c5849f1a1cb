package spec

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// validSpec returns a small config that Validate accepts; each case changes
// one thing in it.
func validSpec() *specs.Spec {
	return &specs.Spec{
		Root:     &specs.Root{Path: "/var/lib/box/rootfs"},
		Hostname: "box",
		Process:  &specs.Process{Args: []string{"/bin/sh"}, Cwd: "/", Env: []string{"PATH=/bin"}},
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.MountNamespace}, {Type: specs.UTSNamespace},
		}},
		Mounts: DefaultMounts(),
	}
}

func withUserNS(s *specs.Spec) {
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000000, Size: 65536}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000000, Size: 65536}}
}

func mount(dst, typ string) specs.Mount {
	return specs.Mount{Destination: dst, Type: typ, Source: "src"}
}

func addMount(dst, typ string) func(*specs.Spec) {
	return func(s *specs.Spec) { s.Mounts = append(s.Mounts, mount(dst, typ)) }
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *specs.Spec)
		want   string // the whole error, or "" for none
	}{
		{"valid", func(*specs.Spec) {}, ""},

		// Required sections.
		{"no root", func(s *specs.Spec) { s.Root = nil }, "root.path is empty: name the container's root filesystem"},
		{"empty root path", func(s *specs.Spec) { s.Root.Path = "" },
			"root.path is empty: name the container's root filesystem"},
		{"no process", func(s *specs.Spec) { s.Process = nil }, "process.args is empty: say what to run"},
		{"no args", func(s *specs.Spec) { s.Process.Args = nil }, "process.args is empty: say what to run"},
		{"empty command name", func(s *specs.Spec) { s.Process.Args = []string{"", "x"} },
			"process.args[0] is an empty string: name the program to run"},
		{"empty argument after the name", func(s *specs.Spec) { s.Process.Args = []string{"echo", ""} }, ""},
		{"no linux", func(s *specs.Spec) { s.Linux = nil }, "linux is missing: sandbox runs Linux containers only"},

		// Namespaces.
		{"unknown namespace", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "vm"})
		}, `linux.namespaces: unknown type "vm"`},
		{"namespace twice", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.PIDNamespace})
		}, "linux.namespaces: pid is listed twice"},
		{"user namespace without a mount namespace", func(s *specs.Spec) {
			s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.UTSNamespace}, {Type: specs.UserNamespace}}
		}, "linux.namespaces: a user namespace needs a mount namespace too, as its root may not mount in the host's"},

		// Hostname.
		{"hostname without uts namespace", func(s *specs.Spec) {
			s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.MountNamespace}}
		}, "hostname needs a private UTS namespace: add uts to linux.namespaces"},
		{"no hostname, no uts namespace", func(s *specs.Spec) {
			s.Hostname = ""
			s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.MountNamespace}}
		}, ""},
		{"64-character hostname", func(s *specs.Spec) { s.Hostname = strings.Repeat("a", 64) }, ""},
		{"65-character hostname", func(s *specs.Spec) { s.Hostname = strings.Repeat("a", 65) },
			`hostname "aaaaaaaaaaaaaaaaaaaa"... is 65 characters long: the kernel takes at most 64`},
		{"dotted hostname with digits, hyphens, capitals", func(s *specs.Spec) { s.Hostname = "Web-1.example.com" }, ""},
		{"underscore", func(s *specs.Spec) { s.Hostname = "my_box" },
			`hostname "my_box": use letters, digits and inner hyphens, in dot-separated labels`},
		{"space", func(s *specs.Spec) { s.Hostname = "my box" },
			`hostname "my box": use letters, digits and inner hyphens, in dot-separated labels`},
		{"leading hyphen", func(s *specs.Spec) { s.Hostname = "-box" },
			`hostname "-box": use letters, digits and inner hyphens, in dot-separated labels`},
		{"trailing hyphen in a label", func(s *specs.Spec) { s.Hostname = "box-.lan" },
			`hostname "box-.lan": use letters, digits and inner hyphens, in dot-separated labels`},
		{"empty label", func(s *specs.Spec) { s.Hostname = "box..lan" },
			`hostname "box..lan": use letters, digits and inner hyphens, in dot-separated labels`},
		{"trailing dot", func(s *specs.Spec) { s.Hostname = "box." },
			`hostname "box.": use letters, digits and inner hyphens, in dot-separated labels`},
		{"slash", func(s *specs.Spec) { s.Hostname = "box/x" },
			`hostname "box/x": use letters, digits and inner hyphens, in dot-separated labels`},
		{"non-ASCII", func(s *specs.Spec) { s.Hostname = "bäx" },
			`hostname "bäx": use letters, digits and inner hyphens, in dot-separated labels`},

		// Process.
		{"relative cwd", func(s *specs.Spec) { s.Process.Cwd = "tmp" }, `process.cwd "tmp" must be an absolute path`},
		{"empty cwd", func(s *specs.Spec) { s.Process.Cwd = "" }, `process.cwd "" must be an absolute path`},
		{"env entry without =", func(s *specs.Spec) { s.Process.Env = []string{"A=1", "FOO"} },
			`process.env "FOO": write it as KEY=VALUE`},
		{"env entry without a key", func(s *specs.Spec) { s.Process.Env = []string{"=1"} },
			`process.env "=1": write it as KEY=VALUE`},
		{"env entry with an empty value", func(s *specs.Spec) { s.Process.Env = []string{"EMPTY="} }, ""},
		{"known capabilities in any spelling", func(s *specs.Spec) {
			s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL", "chown"}}
		}, ""},
		// Mounts.
		{"relative destination", addMount("data", "bind"),
			`mount destination "data" must be an absolute path`},
		{"mount on /", addMount("/", "bind"),
			"mount destination / is reserved for the rootfs: mount somewhere inside it"},
		{"mount on /proc/sys", addMount("/proc/sys", "bind"),
			"mount destination /proc/sys is reserved: /proc and /sys belong to the kernel"},
		{"mount on /sys/x", addMount("/sys/x", "tmpfs"),
			"mount destination /sys/x is reserved: /proc and /sys belong to the kernel"},
		{"unclean path into /proc", addMount("//proc/./self/", "bind"),
			"mount destination /proc/self is reserved: /proc and /sys belong to the kernel"},
		{"bind over /proc", addMount("/proc", "bind"),
			"mount destination /proc is reserved: /proc and /sys belong to the kernel"},
		{"tmpfs over /sys", addMount("/sys", "tmpfs"),
			"mount destination /sys is reserved: /proc and /sys belong to the kernel"},
		{"bind over /sys/fs/cgroup", addMount("/sys/fs/cgroup", "bind"),
			"mount destination /sys/fs/cgroup is reserved: /proc and /sys belong to the kernel"},
		{"proc at /proc", func(s *specs.Spec) { s.Mounts = []specs.Mount{mount("/proc", "proc")} }, ""},
		{"sysfs at /sys", func(s *specs.Spec) { s.Mounts = []specs.Mount{mount("/sys", "sysfs")} }, ""},
		{"cgroup2 at /sys/fs/cgroup", addMount("/sys/fs/cgroup", "cgroup2"), ""},
		{"cgroup at /sys/fs/cgroup", addMount("/sys/fs/cgroup", "cgroup"), ""},
		{"bind on /proc/cpuinfo", addMount("/proc/cpuinfo", "bind"), ""},
		{"bind on /proc/meminfo", addMount("/proc/meminfo", "bind"), ""},
		{"name that only starts with /proc", addMount("/procfs", "bind"), ""},
		{"path that leaves /proc", addMount("/proc/../srv", "bind"), ""},
		{"volume", addMount("/data", "bind"), ""},
		{"bind over /dev", addMount("/dev", "bind"),
			"mount destination /dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"rbind option over /dev/pts", func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/dev/pts/", Type: "none", Source: "/x", Options: []string{"rbind"}})
		}, "mount destination /dev/pts is set up by sandbox itself: mount somewhere else"},
		{"bind over /dev/null", addMount("/dev/null", "bind"),
			"mount destination /dev/null is set up by sandbox itself: mount somewhere else"},
		{"bind on /dev/shm", addMount("/dev/shm", "bind"), ""},
		{"tmpfs at /dev", addMount("/dev", "tmpfs"), ""},

		// User namespace.
		{"user namespace with maps", withUserNS, ""},
		{"user namespace without maps", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.UIDMappings, s.Linux.GIDMappings = nil, nil
		}, "a user namespace needs linux.uidMappings and linux.gidMappings"},
		{"user namespace without gid maps", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.GIDMappings = nil
		}, "a user namespace needs linux.uidMappings and linux.gidMappings"},
		{"overlapping uid maps", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.UIDMappings = append(s.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: 100, HostID: 5, Size: 1})
		}, "uid map: container ranges 0:1000000:65536 and 100:5:1 overlap"},
		{"overlapping gid maps", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.GIDMappings = append(s.Linux.GIDMappings, specs.LinuxIDMapping{ContainerID: 70000, HostID: 1000001, Size: 1})
		}, "gid map: host ranges 0:1000000:65536 and 70000:1000001:1 overlap"},
		{"uid not mapped", func(s *specs.Spec) {
			withUserNS(s)
			s.Process.User.UID = 70000
		}, "uid 70000 is not mapped in the user namespace (0-65535)"},
		{"last mapped uid", func(s *specs.Spec) {
			withUserNS(s)
			s.Process.User = specs.User{UID: 65535, GID: 65535, AdditionalGids: []uint32{65535}}
		}, ""},
		{"gid not mapped", func(s *specs.Spec) {
			withUserNS(s)
			s.Process.User.GID = 65536
		}, "gid 65536 is not mapped in the user namespace (0-65535)"},
		{"additional gid not mapped", func(s *specs.Spec) {
			withUserNS(s)
			s.Process.User.AdditionalGids = []uint32{5, 70001}
		}, "gid 70001 is not mapped in the user namespace (0-65535)"},
		{"uid not mapped, two-line map", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.UIDMappings = []specs.LinuxIDMapping{
				{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1000, HostID: 100000, Size: 1000}}
			s.Process.User.UID = 1
		}, "uid 1 is not mapped in the user namespace (0-0, 1000-1999)"},
		{"uid maps without a user namespace", func(s *specs.Spec) {
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000000, Size: 65536}}
		}, "linux.uidMappings and linux.gidMappings need a user namespace: add user to linux.namespaces"},
		{"gid maps without a user namespace", func(s *specs.Spec) {
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000000, Size: 65536}}
		}, "linux.uidMappings and linux.gidMappings need a user namespace: add user to linux.namespaces"},
		{"unmapped ids are fine without a user namespace", func(s *specs.Spec) {
			s.Process.User = specs.User{UID: 70000, GID: 70000}
		}, ""},

		// runAsNonRoot.
		{"non-root asked, uid 0", func(s *specs.Spec) {
			s.Annotations = map[string]string{NonRootAnnotation: "true"}
		}, "the process would run as uid 0, which run.sandbox.non-root (--run-as-non-root, runAsNonRoot) forbids: " +
			"give another uid with --user, runAsUser or process.user.uid"},
		{"non-root asked, uid 0 inside a user namespace", func(s *specs.Spec) {
			withUserNS(s)
			s.Annotations = map[string]string{NonRootAnnotation: "true"}
		}, "the process would run as uid 0, which run.sandbox.non-root (--run-as-non-root, runAsNonRoot) forbids: " +
			"give another uid with --user, runAsUser or process.user.uid"},
		{"non-root asked, uid 1000", func(s *specs.Spec) {
			s.Annotations = map[string]string{NonRootAnnotation: "true"}
			s.Process.User.UID = 1000
		}, ""},
		{"non-root not asked", func(s *specs.Spec) {
			s.Annotations = map[string]string{NonRootAnnotation: "false"}
		}, ""},
		{"non-root asked, uid 1000 mapped to host root", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.UIDMappings = []specs.LinuxIDMapping{
				{ContainerID: 0, HostID: 100000, Size: 1000}, {ContainerID: 1000, HostID: 0, Size: 1},
			}
			s.Annotations = map[string]string{NonRootAnnotation: "true"}
			s.Process.User.UID = 1000
		}, "uid 1000 is host uid 0 through linux.uidMappings, which run.sandbox.non-root (--run-as-non-root, " +
			"runAsNonRoot) forbids: map it to an unprivileged host uid"},

		{"user namespace without container root", func(s *specs.Spec) {
			withUserNS(s)
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 2000, HostID: 0, Size: 1}}
			s.Process.User = specs.User{UID: 2000}
		}, "linux.uidMappings and linux.gidMappings (--uid-map, --gid-map) must map container id 0: " +
			"sandbox sets the container up as its root; map it too, as with --uid-map 0:1000000:1"},

		// (uid_t)-1 means "no change" to setresuid(2): the process would
		// stay root.
		{"uid -1", func(s *specs.Spec) { s.Process.User.UID = 4294967295 },
			`process.user.uid 4294967295 is (uid_t)-1, which the kernel takes as "no change" ` +
				"(the process would stay root): give 0 to 4294967294"},
		{"gid -1", func(s *specs.Spec) { s.Process.User.GID = 4294967295 },
			`process.user.gid 4294967295 is (uid_t)-1, which the kernel takes as "no change" ` +
				"(the process would stay root): give 0 to 4294967294"},
		{"additional gid -1", func(s *specs.Spec) { s.Process.User.AdditionalGids = []uint32{5, 4294967295} },
			`process.user.additionalGids 4294967295 is (uid_t)-1, which the kernel takes as "no change" ` +
				"(the process would stay root): give 0 to 4294967294"},
		{"uid 4294967294", func(s *specs.Spec) { s.Process.User.UID = 4294967294 }, ""},
		{"non-root annotation misspelt", func(s *specs.Spec) {
			s.Annotations = map[string]string{NonRootAnnotation: "yes"}
		}, `annotation run.sandbox.non-root="yes": write true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.change(s)
			err := Validate(s)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate: got error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHasNamespace(t *testing.T) {
	s := validSpec()
	tests := []struct {
		typ  specs.LinuxNamespaceType
		want bool
	}{
		{specs.PIDNamespace, true},
		{specs.MountNamespace, true},
		{specs.UTSNamespace, true},
		{specs.NetworkNamespace, false},
		{specs.UserNamespace, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			if got := HasNamespace(s, tt.typ); got != tt.want {
				t.Errorf("HasNamespace(%s): got %v, want %v", tt.typ, got, tt.want)
			}
		})
	}
}

func TestValidateCapabilities(t *testing.T) {
	tests := []struct {
		name    string
		caps    specs.LinuxCapabilities
		want    string // how the error starts
		notWant string // what the error must not say
		bug     string
	}{
		{"unknown in bounding", specs.LinuxCapabilities{Bounding: []string{"CAP_FLY"}},
			`process.capabilities: unknown capability "CAP_FLY" (valid names: CHOWN, DAC_OVERRIDE, `, "", ""},
		{"unknown in ambient", specs.LinuxCapabilities{Bounding: []string{"CAP_KILL"}, Ambient: []string{"CAP_FLY"}},
			`process.capabilities: unknown capability "CAP_FLY" (valid names: CHOWN, DAC_OVERRIDE, `, "", ""},
		{"unknown in inheritable", specs.LinuxCapabilities{Inheritable: []string{"sys_fly"}},
			`process.capabilities: unknown capability "sys_fly" (valid names: CHOWN, DAC_OVERRIDE, `, "", ""},
		// A config's capability lists take names only; ALL is a flag shorthand.
		{"ALL in a config", specs.LinuxCapabilities{Effective: []string{"ALL"}},
			`process.capabilities: unknown capability "ALL"`, "or ALL",
			`Validate refuses "ALL" in process.capabilities but its message lists ALL as a valid name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			s.Process.Capabilities = &tt.caps
			err := Validate(s)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Validate: got error %v, want one starting %q", err, tt.want)
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("Validate: got error %q, want one without %q", err, tt.notWant)
			}
		})
	}
}
