package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/caps"
)

const testPasswd = `# a comment
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
web:x:1000:1000:Web server:/home/web:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`

const testGroup = `root:x:0:
tty:x:5:web
staff:x:7:
wheel:x:10:root,web
audio:x:29:web,web
web:x:1000:
daemons:x:2000:daemon
`

// newRootfs makes a rootfs directory holding only etc/passwd and etc/group
// and returns its resolved path.
func newRootfs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mustMkdir(t, filepath.Join(dir, "etc"))
	writeFile(t, filepath.Join(dir, "etc", "passwd"), testPasswd)
	writeFile(t, filepath.Join(dir, "etc", "group"), testGroup)
	return dir
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newSpec(t *testing.T, o Options) *specs.Spec {
	t.Helper()
	if o.Rootfs == "" {
		o.Rootfs = newRootfs(t)
	}
	if o.Args == nil {
		o.Args = []string{"/bin/sh"}
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): got error %v, want a spec", o, err)
	}
	return s
}

var defaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
	"CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
}

func TestNewDefaults(t *testing.T) {
	root := newRootfs(t)
	s := newSpec(t, Options{Rootfs: root, Args: []string{"/bin/echo", "hi"}})

	if s.Version != specs.Version {
		t.Errorf("version: got %q, want %q", s.Version, specs.Version)
	}
	if want := (specs.Root{Path: root}); *s.Root != want {
		t.Errorf("root: got %+v, want %+v", *s.Root, want)
	}
	if s.Hostname != "sandbox" {
		t.Errorf("hostname: got %q, want %q", s.Hostname, "sandbox")
	}
	p := s.Process
	if !slices.Equal(p.Args, []string{"/bin/echo", "hi"}) || p.Cwd != "/" || p.Terminal || !p.NoNewPrivileges {
		t.Errorf("process: got args %q, cwd %q, terminal %v, noNewPrivileges %v, "+
			"want [/bin/echo hi], /, false, true", p.Args, p.Cwd, p.Terminal, p.NoNewPrivileges)
	}
	wantUser := specs.User{UID: 0, GID: 0, AdditionalGids: []uint32{10}}
	if !reflect.DeepEqual(p.User, wantUser) {
		t.Errorf("user: got %+v, want %+v", p.User, wantUser)
	}
	if want := []string{"PATH=" + DefaultPath, "HOSTNAME=sandbox"}; !slices.Equal(p.Env, want) {
		t.Errorf("env: got %q, want %q", p.Env, want)
	}
	if !slices.Equal(p.Capabilities.Bounding, defaultCaps) || !slices.Equal(p.Capabilities.Effective, defaultCaps) {
		t.Errorf("capabilities: got bounding %v, effective %v, want both %v",
			p.Capabilities.Bounding, p.Capabilities.Effective, defaultCaps)
	}
	wantNS := []specs.LinuxNamespace{
		{Type: specs.PIDNamespace}, {Type: specs.MountNamespace}, {Type: specs.UTSNamespace},
		{Type: specs.IPCNamespace}, {Type: specs.CgroupNamespace}, {Type: specs.NetworkNamespace},
	}
	if !reflect.DeepEqual(s.Linux.Namespaces, wantNS) {
		t.Errorf("namespaces: got %+v, want %+v", s.Linux.Namespaces, wantNS)
	}
	if s.Linux.UIDMappings != nil || s.Linux.GIDMappings != nil {
		t.Errorf("id maps: got %+v and %+v, want none", s.Linux.UIDMappings, s.Linux.GIDMappings)
	}
	if !slices.Equal(s.Linux.MaskedPaths, MaskedPaths) || !slices.Equal(s.Linux.ReadonlyPaths, ReadonlyPaths) {
		t.Errorf("paths: got masked %v, read-only %v, want %v and %v",
			s.Linux.MaskedPaths, s.Linux.ReadonlyPaths, MaskedPaths, ReadonlyPaths)
	}
	wantMounts := DefaultMounts()
	wantMounts[2].Options = append(wantMounts[2].Options, "gid=5")
	if !reflect.DeepEqual(s.Mounts, wantMounts) {
		t.Errorf("mounts:\ngot  %+v\nwant %+v", s.Mounts, wantMounts)
	}
	if err := Validate(s); err != nil {
		t.Errorf("Validate(New(...)): got %v, want nil", err)
	}
}

func TestNewCopiesPackageLists(t *testing.T) {
	s := newSpec(t, Options{})
	s.Linux.MaskedPaths[0] = "/changed"
	s.Linux.ReadonlyPaths[0] = "/changed"
	if MaskedPaths[0] != "/proc/acpi" || ReadonlyPaths[0] != "/proc/bus" {
		t.Errorf("after changing a spec: got MaskedPaths[0] %q, ReadonlyPaths[0] %q, want /proc/acpi and /proc/bus",
			MaskedPaths[0], ReadonlyPaths[0])
	}
}

func TestNewProcessFlags(t *testing.T) {
	s := newSpec(t, Options{
		Hostname: "web-1", Cwd: "/srv", ReadOnly: true, TTY: true, AllowPrivilegeEscalation: true,
	})
	if s.Hostname != "web-1" || s.Process.Cwd != "/srv" || !s.Root.Readonly || !s.Process.Terminal ||
		s.Process.NoNewPrivileges {
		t.Errorf("got hostname %q, cwd %q, readonly %v, terminal %v, noNewPrivileges %v, "+
			"want web-1, /srv, true, true, false",
			s.Hostname, s.Process.Cwd, s.Root.Readonly, s.Process.Terminal, s.Process.NoNewPrivileges)
	}
}

func TestNewNet(t *testing.T) {
	tests := []struct {
		net     string
		wantNet bool
	}{
		{"", true},
		{"none", true},
		{"host", false},
	}
	for _, tt := range tests {
		t.Run("net="+tt.net, func(t *testing.T) {
			s := newSpec(t, Options{Net: tt.net})
			if got := HasNamespace(s, specs.NetworkNamespace); got != tt.wantNet {
				t.Errorf("network namespace: got %v, want %v", got, tt.wantNet)
			}
			if got := len(s.Linux.Namespaces); got != 5+btoi(tt.wantNet) {
				t.Errorf("namespaces: got %d, want %d", got, 5+btoi(tt.wantNet))
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestNewErrors(t *testing.T) {
	root := newRootfs(t)
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no rootfs", Options{Args: []string{"/bin/sh"}},
			"no rootfs given: name the directory that holds the container's files"},
		{"no command", Options{Rootfs: root},
			"no command given: say what to run, as in `sandbox run ROOTFS /bin/sh`"},
		{"bad net", Options{Rootfs: root, Args: []string{"sh"}, Net: "bridge"},
			`--net "bridge": use none (a private network with only loopback) or host`},
		{"bad uid map", Options{Rootfs: root, Args: []string{"sh"}, UIDMaps: []string{"0:1000"}},
			`--uid-map "0:1000": write it as CONTAINER:HOST:SIZE, as in 0:100000:65536`},
		{"bad gid map", Options{Rootfs: root, Args: []string{"sh"},
			UIDMaps: []string{"0:1000:1"}, GIDMaps: []string{"0:1000:0"}},
			`--gid-map "0:1000:0": size must be at least 1`},
		{"gid map alone", Options{Rootfs: root, Args: []string{"sh"}, GIDMaps: []string{"0:1000:1"}},
			"--gid-map needs a --uid-map too"},
		{"unknown user", Options{Rootfs: root, Args: []string{"sh"}, User: "ghost"},
			`--user ghost: user "ghost" is not in the rootfs's /etc/passwd: give a numeric uid or add the user`},
		{"unknown group", Options{Rootfs: root, Args: []string{"sh"}, User: "web:ghosts"},
			`--user web:ghosts: group "ghosts" is not in the rootfs's /etc/group: give a numeric gid or add the group`},
		{"negative uid", Options{Rootfs: root, Args: []string{"sh"}, User: "-1"},
			"--user -1: uid -1 is out of range: use 0 to 4294967294"},
		{"uid (uid_t)-1", Options{Rootfs: root, Args: []string{"sh"}, User: "4294967295"},
			"--user 4294967295: uid 4294967295 is out of range: use 0 to 4294967294"},
		{"uid past 32 bits", Options{Rootfs: root, Args: []string{"sh"}, User: "4294967296"},
			"--user 4294967296: uid 4294967296 is out of range: use 0 to 4294967294"},
		{"wrapping uid", Options{Rootfs: root, Args: []string{"sh"}, User: "-4294967296"},
			"--user -4294967296: uid -4294967296 is out of range: use 0 to 4294967294"},
		{"negative gid", Options{Rootfs: root, Args: []string{"sh"}, User: "web:-5"},
			"--user web:-5: gid -5 is out of range: use 0 to 4294967294"},
		{"name that starts with a digit", Options{Rootfs: root, Args: []string{"sh"}, User: "1abc"},
			`--user 1abc: user "1abc" is not in the rootfs's /etc/passwd: give a numeric uid or add the user`},
		{"sign is not a number", Options{Rootfs: root, Args: []string{"sh"}, User: "+5"},
			`--user +5: user "+5" is not in the rootfs's /etc/passwd: give a numeric uid or add the user`},
		{"empty group", Options{Rootfs: root, Args: []string{"sh"}, User: "web:"},
			"--user web:: empty gid"},
		{"unknown group-add", Options{Rootfs: root, Args: []string{"sh"}, GroupAdd: []string{"video"}},
			`--group-add video: group "video" is not in the rootfs's /etc/group: give a numeric gid or add the group`},
		{"negative group-add", Options{Rootfs: root, Args: []string{"sh"}, GroupAdd: []string{"-1"}},
			"--group-add -1: gid -1 is out of range: use 0 to 4294967294"},
		{"cap added and dropped", Options{Rootfs: root, Args: []string{"sh"}, CapAdd: []string{"NET_ADMIN"},
			CapDrop: []string{"net_admin"}},
			"capability CAP_NET_ADMIN is both added and dropped: keep one of --cap-add and --cap-drop"},
		{"env without =", Options{Rootfs: root, Args: []string{"sh"}, Env: []string{"FOO"}},
			`--env "FOO": write it as KEY=VALUE`},
		{"env without a key", Options{Rootfs: root, Args: []string{"sh"}, Env: []string{"=bar"}},
			`--env "=bar": write it as KEY=VALUE`},
		{"volume with a missing host path", Options{Rootfs: root, Args: []string{"sh"},
			Volumes: []string{filepath.Join(root, "nope") + ":/data"}},
			"--volume " + filepath.Join(root, "nope") + ":/data: host path " + filepath.Join(root, "nope") +
				" does not exist: create it first"},
		{"relative tmpfs", Options{Rootfs: root, Args: []string{"sh"}, Tmpfs: []string{"tmp"}},
			"--tmpfs tmp: container path tmp must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.o)
			if err == nil {
				t.Fatalf("New: got a spec (%+v), want error %q", s.Process, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("New: got error %q, want %q", err, tt.want)
			}
		})
	}
}

func TestNewUser(t *testing.T) {
	tests := []struct {
		name     string
		user     string
		groupAdd []string
		want     specs.User
	}{
		{"default is root", "", nil, specs.User{UID: 0, GID: 0, AdditionalGids: []uint32{10}}},
		{"by name", "web", nil, specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 10, 29}}},
		{"by uid found in passwd", "1000", nil, specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 10, 29}}},
		{"name with a group name", "web:staff", nil, specs.User{UID: 1000, GID: 7, AdditionalGids: []uint32{5, 10, 29}}},
		{"name with a gid", "web:4242", nil, specs.User{UID: 1000, GID: 4242, AdditionalGids: []uint32{5, 10, 29}}},
		{"user without groups", "nobody", nil, specs.User{UID: 65534, GID: 65534}},
		{"user in one group", "daemon", nil, specs.User{UID: 1, GID: 1, AdditionalGids: []uint32{2000}}},
		{"numeric uid not in passwd gets gid 0", "4242", nil, specs.User{UID: 4242, GID: 0}},
		{"numeric uid and gid", "4242:4343", nil, specs.User{UID: 4242, GID: 4343}},
		{"numeric uid and group name", "4242:tty", nil, specs.User{UID: 4242, GID: 5}},
		{"largest uid", "4294967294", nil, specs.User{UID: 4294967294, GID: 0}},
		{"only a group", ":tty", nil, specs.User{UID: 0, GID: 5, AdditionalGids: []uint32{10}}},
		{"leading zeros", "01000", nil, specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 10, 29}}},
		{"group-add by name and number", "4242", []string{"audio", "44"},
			specs.User{UID: 4242, GID: 0, AdditionalGids: []uint32{29, 44}}},
		{"group-add keeps no repeats", "web", []string{"wheel", "staff", "7", "10"},
			specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 10, 29, 7}}},
	}
	root := newRootfs(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSpec(t, Options{Rootfs: root, User: tt.user, GroupAdd: tt.groupAdd})
			if !reflect.DeepEqual(s.Process.User, tt.want) {
				t.Errorf("--user %q --group-add %q: got %+v, want %+v", tt.user, tt.groupAdd, s.Process.User, tt.want)
			}
		})
	}
}

func TestNewCapAddAllForNonRoot(t *testing.T) {
	s := newSpec(t, Options{Rootfs: newRootfs(t), User: "4242", CapAdd: []string{"ALL"}})
	c := s.Process.Capabilities
	bounding, err := caps.OwnBounding()
	if err != nil {
		t.Fatal(err)
	}
	granted := caps.Granted(caps.All(), bounding, nil)
	if !reflect.DeepEqual(c.Bounding, granted) || !reflect.DeepEqual(c.Ambient, c.Bounding) || !reflect.DeepEqual(c.Effective, c.Bounding) {
		t.Errorf("--cap-add ALL --user 4242: got %+v, want every capability this host grants (%v) in every set", c, granted)
	}
}

func TestNewUserWithoutAccountFiles(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := newSpec(t, Options{Rootfs: root, User: "1000:1000", GroupAdd: []string{"5"}})
	if want := (specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5}}); !reflect.DeepEqual(s.Process.User, want) {
		t.Errorf("numeric user in an empty rootfs: got %+v, want %+v", s.Process.User, want)
	}

	_, err = New(Options{Rootfs: root, Args: []string{"sh"}, User: "root"})
	want := `--user root: user "root" is not in the rootfs's /etc/passwd: give a numeric uid or add the user`
	if err == nil || err.Error() != want {
		t.Errorf("named user in an empty rootfs: got error %v, want %q", err, want)
	}
}

// TestNewUserReadsInsideRootfs checks that an /etc/passwd symlink is
// followed inside the rootfs, never to the host's file of the same path.
func TestNewUserReadsInsideRootfs(t *testing.T) {
	root := newRootfs(t)
	mustMkdir(t, filepath.Join(root, "alt"))
	writeFile(t, filepath.Join(root, "alt", "passwd"), "inside:x:4000:4001::/:/bin/sh\n")
	if err := os.Remove(filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, "/alt/passwd", filepath.Join(root, "etc", "passwd"))

	s := newSpec(t, Options{Rootfs: root, User: "inside"})
	if want := (specs.User{UID: 4000, GID: 4001}); !reflect.DeepEqual(s.Process.User, want) {
		t.Errorf("user through an absolute symlink: got %+v, want %+v", s.Process.User, want)
	}
}

func TestNewCapabilities(t *testing.T) {
	withNetAdmin := []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
		"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
		"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
	}
	none := []string{}
	tests := []struct {
		name    string
		o       Options
		want    specs.LinuxCapabilities
		nonRoot bool
	}{
		{"root, default", Options{}, specs.LinuxCapabilities{
			Bounding: defaultCaps, Effective: defaultCaps, Permitted: defaultCaps, Inheritable: none, Ambient: none}, false},
		{"root, drop-all and add", Options{DropAll: true, CapAdd: []string{"chown"}}, specs.LinuxCapabilities{
			Bounding: []string{"CAP_CHOWN"}, Effective: []string{"CAP_CHOWN"}, Permitted: []string{"CAP_CHOWN"},
			Inheritable: none, Ambient: none}, false},
		{"web, default", Options{User: "web"}, specs.LinuxCapabilities{
			Bounding: defaultCaps}, true},
		{"web, add by name", Options{User: "web", CapAdd: []string{"net_admin"}}, specs.LinuxCapabilities{
			Bounding: withNetAdmin, Effective: []string{"CAP_NET_ADMIN"}, Permitted: []string{"CAP_NET_ADMIN"},
			Inheritable: []string{"CAP_NET_ADMIN"}, Ambient: []string{"CAP_NET_ADMIN"}}, true},
		{"numeric uid, add one of the default set", Options{User: "4242", CapAdd: []string{"Net_Bind_Service"}},
			specs.LinuxCapabilities{
				Bounding: defaultCaps, Effective: []string{"CAP_NET_BIND_SERVICE"},
				Permitted: []string{"CAP_NET_BIND_SERVICE"}, Inheritable: []string{"CAP_NET_BIND_SERVICE"},
				Ambient: []string{"CAP_NET_BIND_SERVICE"}}, true},
		{"uid 0 given by group only", Options{User: ":5"}, specs.LinuxCapabilities{
			Bounding: defaultCaps, Effective: defaultCaps, Permitted: defaultCaps, Inheritable: none, Ambient: none}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSpec(t, tt.o).Process.Capabilities
			for _, set := range []struct {
				name      string
				got, want []string
			}{
				{"bounding", c.Bounding, tt.want.Bounding},
				{"effective", c.Effective, tt.want.Effective},
				{"permitted", c.Permitted, tt.want.Permitted},
				{"inheritable", c.Inheritable, tt.want.Inheritable},
				{"ambient", c.Ambient, tt.want.Ambient},
			} {
				if !slices.Equal(set.got, set.want) {
					t.Errorf("%s: got %v, want %v", set.name, set.got, set.want)
				}
			}
		})
	}
}

func TestNewEnv(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want []string
	}{
		{"defaults", Options{}, []string{"PATH=" + DefaultPath, "HOSTNAME=sandbox"}},
		{"hostname follows --hostname", Options{Hostname: "box"}, []string{"PATH=" + DefaultPath, "HOSTNAME=box"}},
		{"TERM only with a tty", Options{TTY: true}, []string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "TERM=xterm"}},
		{"added after the defaults", Options{Env: []string{"FOO=1", "EMPTY="}},
			[]string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "FOO=1", "EMPTY="}},
		{"-e overrides a default", Options{Env: []string{"PATH=/bin"}}, []string{"HOSTNAME=sandbox", "PATH=/bin"}},
		{"-e overrides TERM", Options{TTY: true, Env: []string{"TERM=dumb"}},
			[]string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "TERM=dumb"}},
		{"last -e wins", Options{Env: []string{"FOO=1", "BAR=2", "FOO=3"}},
			[]string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "BAR=2", "FOO=3"}},
		{"a longer key leaves PATH alone", Options{Env: []string{"PATHX=1", "PAT=2"}},
			[]string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "PATHX=1", "PAT=2"}},
		{"value with =", Options{Env: []string{"OPTS=a=b"}}, []string{"PATH=" + DefaultPath, "HOSTNAME=sandbox", "OPTS=a=b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newSpec(t, tt.o).Process.Env
			if !slices.Equal(got, tt.want) {
				t.Errorf("env: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewMounts(t *testing.T) {
	host := t.TempDir()
	s := newSpec(t, Options{Volumes: []string{host + ":/data:ro", host + ":/srv"}, Tmpfs: []string{"/run:size=1m"}})

	want := DefaultMounts()
	want[2].Options = append(want[2].Options, "gid=5")
	want = append(want,
		specs.Mount{Destination: "/data", Type: "bind", Source: host, Options: []string{"rbind", "nodev", "ro"}},
		specs.Mount{Destination: "/srv", Type: "bind", Source: host, Options: []string{"rbind", "nodev"}},
		specs.Mount{Destination: "/run", Type: "tmpfs", Source: "tmpfs",
			Options: []string{"nosuid", "nodev", "noexec", "size=65536k", "size=1m"}},
	)
	if !reflect.DeepEqual(s.Mounts, want) {
		t.Errorf("mounts:\ngot  %+v\nwant %+v", s.Mounts, want)
	}
}

func TestNewUserNS(t *testing.T) {
	s := newSpec(t, Options{UserNS: true})

	if !HasNamespace(s, specs.UserNamespace) {
		t.Errorf("namespaces: got %+v, want a user namespace", s.Linux.Namespaces)
	}
	var wantUIDs, wantGIDs []specs.LinuxIDMapping
	if euid := os.Geteuid(); euid == 0 {
		wantUIDs = []specs.LinuxIDMapping{{ContainerID: 0, HostID: subIDStartFor(t, "/etc/subuid"), Size: 65536}}
		wantGIDs = []specs.LinuxIDMapping{{ContainerID: 0, HostID: subIDStartFor(t, "/etc/subgid"), Size: 65536}}
	} else {
		wantUIDs = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(euid), Size: 1}}
		wantGIDs = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Getegid()), Size: 1}}
	}
	if !reflect.DeepEqual(s.Linux.UIDMappings, wantUIDs) || !reflect.DeepEqual(s.Linux.GIDMappings, wantGIDs) {
		t.Errorf("id maps: got %+v and %+v, want %+v and %+v",
			s.Linux.UIDMappings, s.Linux.GIDMappings, wantUIDs, wantGIDs)
	}
}

// subIDStartFor is what --userns should pick for root from a subordinate id
// file on this host.
func subIDStartFor(t *testing.T, file string) uint32 {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		return DefaultUserNSStart
	}
	if start, ok := SubIDStart(data, "root", 0, UserNSSize); ok {
		return start
	}
	return DefaultUserNSStart
}

func TestNewIDMaps(t *testing.T) {
	m := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	tests := []struct {
		name               string
		uidMaps, gidMaps   []string
		wantUIDs, wantGIDs []specs.LinuxIDMapping
		wantTTYGID         bool
	}{
		{"uid map used for gids too", []string{"0:100000:65536"}, nil,
			[]specs.LinuxIDMapping{m(0, 100000, 65536)}, []specs.LinuxIDMapping{m(0, 100000, 65536)}, true},
		{"both maps", []string{"0:100000:65536"}, []string{"0:200000:1000", "1000:300000:1"},
			[]specs.LinuxIDMapping{m(0, 100000, 65536)}, []specs.LinuxIDMapping{m(0, 200000, 1000), m(1000, 300000, 1)},
			true},
		{"gid 5 unmapped: no gid=5 on devpts", []string{"0:1000:1"}, nil,
			[]specs.LinuxIDMapping{m(0, 1000, 1)}, []specs.LinuxIDMapping{m(0, 1000, 1)}, false},
		{"gid 5 mapped alone", []string{"0:1000:1"}, []string{"0:1000:1", "5:2000:1"},
			[]specs.LinuxIDMapping{m(0, 1000, 1)}, []specs.LinuxIDMapping{m(0, 1000, 1), m(5, 2000, 1)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSpec(t, Options{UIDMaps: tt.uidMaps, GIDMaps: tt.gidMaps})
			if !HasNamespace(s, specs.UserNamespace) {
				t.Errorf("namespaces: got %+v, want a user namespace", s.Linux.Namespaces)
			}
			if !reflect.DeepEqual(s.Linux.UIDMappings, tt.wantUIDs) || !reflect.DeepEqual(s.Linux.GIDMappings, tt.wantGIDs) {
				t.Errorf("id maps: got %+v and %+v, want %+v and %+v",
					s.Linux.UIDMappings, s.Linux.GIDMappings, tt.wantUIDs, tt.wantGIDs)
			}
			devpts := s.Mounts[2]
			if devpts.Destination != "/dev/pts" {
				t.Fatalf("mount 2: got %s, want /dev/pts", devpts.Destination)
			}
			if got := slices.Contains(devpts.Options, "gid=5"); got != tt.wantTTYGID {
				t.Errorf("gid=5 on /dev/pts: got %v, want %v (options %v)", got, tt.wantTTYGID, devpts.Options)
			}
		})
	}
}

// TestNewUserNSValidates checks that a --userns spec for a named user passes
// Validate, and that one for an unmapped uid fails it with the uid named.
func TestNewUserNSValidates(t *testing.T) {
	root := newRootfs(t)
	ok := newSpec(t, Options{Rootfs: root, User: "web", UIDMaps: []string{"0:100000:65536"}})
	if err := Validate(ok); err != nil {
		t.Errorf("Validate(--user web --uid-map 0:100000:65536): got %v, want nil", err)
	}

	bad := newSpec(t, Options{Rootfs: root, User: "70000", UIDMaps: []string{"0:100000:65536"}})
	want := "uid 70000 is not mapped in the user namespace (0-65535)"
	if err := Validate(bad); err == nil || err.Error() != want {
		t.Errorf("Validate(--user 70000 --uid-map 0:100000:65536): got %v, want %q", err, want)
	}
}

func TestNewKubernetesOptions(t *testing.T) {
	names := func(s *specs.Spec) []specs.LinuxNamespaceType {
		var out []specs.LinuxNamespaceType
		for _, ns := range s.Linux.Namespaces {
			out = append(out, ns.Type)
		}
		return out
	}
	hostname, _ := os.Hostname()
	tests := []struct {
		name  string
		o     Options
		check func(t *testing.T, s *specs.Spec)
	}{
		{"host pid and ipc", Options{HostNamespaces: []specs.LinuxNamespaceType{specs.PIDNamespace, specs.IPCNamespace}},
			func(t *testing.T, s *specs.Spec) {
				want := []specs.LinuxNamespaceType{specs.MountNamespace, specs.UTSNamespace,
					specs.CgroupNamespace, specs.NetworkNamespace}
				if got := names(s); !slices.Equal(got, want) {
					t.Errorf("namespaces: got %v, want %v", got, want)
				}
			}},
		{"host uts", Options{HostNamespaces: []specs.LinuxNamespaceType{specs.UTSNamespace}},
			func(t *testing.T, s *specs.Spec) {
				if HasNamespace(s, specs.UTSNamespace) || s.Hostname != "" {
					t.Errorf("got uts namespace %v and hostname %q, want neither",
						HasNamespace(s, specs.UTSNamespace), s.Hostname)
				}
				if !slices.Contains(s.Process.Env, "HOSTNAME="+hostname) {
					t.Errorf("env: got %v, want HOSTNAME=%s", s.Process.Env, hostname)
				}
			}},
		{"unmasked proc", Options{UnmaskedProc: true}, func(t *testing.T, s *specs.Spec) {
			if len(s.Linux.MaskedPaths)+len(s.Linux.ReadonlyPaths) != 0 {
				t.Errorf("got masked %v and read-only %v, want none", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
			}
		}},
		{"sysctl", Options{Sysctl: map[string]string{"net.ipv4.ip_forward": "1"}}, func(t *testing.T, s *specs.Spec) {
			if got := s.Linux.Sysctl["net.ipv4.ip_forward"]; got != "1" {
				t.Errorf("linux.sysctl net.ipv4.ip_forward: got %q, want 1", got)
			}
		}},
		{"non-root", Options{NonRoot: true, User: "1000"}, func(t *testing.T, s *specs.Spec) {
			if got := s.Annotations[NonRootAnnotation]; got != "true" {
				t.Errorf("annotation %s: got %q, want true", NonRootAnnotation, got)
			}
			if err := Validate(s); err != nil {
				t.Errorf("Validate: got %v, want nil", err)
			}
		}},
		{"non-root as root", Options{NonRoot: true}, func(t *testing.T, s *specs.Spec) {
			if err := Validate(s); err == nil || !strings.Contains(err.Error(), "uid 0") {
				t.Errorf("Validate: got %v, want the uid 0 refusal", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, newSpec(t, tt.o))
		})
	}
}

func TestNewHostNamespaceErrors(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"mount", Options{HostNamespaces: []specs.LinuxNamespaceType{specs.MountNamespace}},
			"the mount namespace cannot be shared with the host: share pid, ipc or uts (and the network with --net host)"},
		{"hostname with the host's uts", Options{Hostname: "box",
			HostNamespaces: []specs.LinuxNamespaceType{specs.UTSNamespace}},
			"hostname box needs a uts namespace of the container's own: drop the hostname or stop sharing the host's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Rootfs, tt.o.Args = newRootfs(t), []string{"/bin/sh"}
			_, err := New(tt.o)
			if err == nil || err.Error() != tt.want {
				t.Errorf("New: got error %v, want %q", err, tt.want)
			}
		})
	}
}
