package caps

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want capability.Cap
	}{
		{"prefixed upper case", "CAP_NET_RAW", capability.CAP_NET_RAW},
		{"bare lower case", "net_raw", capability.CAP_NET_RAW},
		{"mixed case", "Net_Raw", capability.CAP_NET_RAW},
		{"lower-case prefix", "cap_sys_admin", capability.CAP_SYS_ADMIN},
		{"number 0", "chown", capability.CAP_CHOWN},
		{"newest known", "CAP_CHECKPOINT_RESTORE", capability.CAP_CHECKPOINT_RESTORE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want %v", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("Parse(%q): got %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseUnknown(t *testing.T) {
	for _, in := range []string{"", "CAP_", "NET_RAWX", "CAP_CAP_CHOWN", "ALL", "net raw"} {
		t.Run(in, func(t *testing.T) {
			_, err := Parse(in)
			if err == nil {
				t.Fatalf("Parse(%q): got no error, want an unknown-capability error", in)
			}
			msg := err.Error()
			for _, want := range []string{"unknown capability", "CHOWN, DAC_OVERRIDE", "NET_RAW"} {
				if !strings.Contains(msg, want) {
					t.Errorf("Parse(%q): got %q, want it to contain %q", in, msg, want)
				}
			}
			if strings.Contains(msg, "CAP_NET_RAW") {
				t.Errorf("Parse(%q): got %q, want the valid names without the CAP_ prefix", in, msg)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"already canonical", "CAP_KILL", "CAP_KILL", false},
		{"bare lower case", "kill", "CAP_KILL", false},
		{"mixed case prefix", "Cap_Sys_Chroot", "CAP_SYS_CHROOT", false},
		{"unknown", "CAP_FLY", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Canonical(%q): got error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Canonical(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAllIsInKernelOrder(t *testing.T) {
	all := All()
	if len(all) == 0 || all[0] != "CAP_CHOWN" {
		t.Fatalf("All(): got %v, want a list starting with CAP_CHOWN", all)
	}
	for i, n := range all {
		c, err := Parse(n)
		if err != nil || int(c) != i {
			t.Errorf("All()[%d]: got %s (number %d, error %v), want capability number %d", i, n, c, err, i)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  uint64
	}{
		{"default set", Default, 0xa80425fb},
		{"net_bind_service alone", []string{"CAP_NET_BIND_SERVICE"}, 0x400},
		{"any spelling", []string{"chown", "Cap_Dac_Override"}, 0x3},
		{"repeats count once", []string{"KILL", "CAP_KILL"}, 0x20},
		{"sys_admin", []string{"SYS_ADMIN"}, 1 << 21},
		{"empty", nil, 0},
		{"every known capability", All(), 1<<len(All()) - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mask(tt.names)
			if err != nil {
				t.Fatalf("Mask(%v): got error %v, want %#x", tt.names, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("Mask(%v): got %#x, want %#x", tt.names, got, tt.want)
			}
		})
	}

	t.Run("unknown name", func(t *testing.T) {
		got, err := Mask([]string{"CHOWN", "BOGUS"})
		if err == nil || got != 0 {
			t.Errorf("Mask with BOGUS: got %#x, %v, want 0 and an error", got, err)
		}
	})
}

func TestResolve(t *testing.T) {
	// The default set in kernel order.
	def := []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
		"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
		"CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
	}
	allButSysAdmin := slices.DeleteFunc(All(), func(n string) bool { return n == "CAP_SYS_ADMIN" })
	tests := []struct {
		name      string
		dropAll   bool
		add, drop []string
		want      []string
	}{
		{name: "default set", want: def},
		{name: "drop-all", dropAll: true, want: []string{}},
		{name: "drop-all then add", dropAll: true, add: []string{"net_bind_service", "CHOWN"},
			want: []string{"CAP_CHOWN", "CAP_NET_BIND_SERVICE"}},
		{name: "add outside the default", add: []string{"sys_admin"}, want: []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
			"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
			"CAP_SYS_ADMIN", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
		}},
		{name: "add already in the default", add: []string{"CAP_KILL"}, want: def},
		{name: "add twice in two spellings", add: []string{"NET_ADMIN", "cap_net_admin"}, want: []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
			"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
			"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
		}},
		{name: "drop from the default", drop: []string{"net_raw", "Mknod", "CAP_SETFCAP"}, want: []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
			"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE",
		}},
		{name: "drop one not held", drop: []string{"SYS_ADMIN"}, want: def},
		{name: "ALL in drop", drop: []string{"all"}, want: []string{}},
		{name: "ALL in drop then add", drop: []string{"ALL"}, add: []string{"KILL", "CHOWN"},
			want: []string{"CAP_CHOWN", "CAP_KILL"}},
		{name: "ALL in add", add: []string{"ALL"}, want: All()},
		{name: "ALL in add minus a drop", add: []string{"all"}, drop: []string{"SYS_ADMIN"},
			want: allButSysAdmin},
		{name: "ALL in add beats drop-all", dropAll: true, add: []string{"ALL"}, want: All()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.dropAll, tt.add, tt.drop)
			if err != nil {
				t.Fatalf("Resolve: got error %v, want %v", err, tt.want)
			}
			if len(got) != len(tt.want) || !slices.Equal(got, tt.want) {
				t.Errorf("Resolve:\ngot  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestResolveDoesNotChangeDefault(t *testing.T) {
	before := slices.Clone(Default)
	if _, err := Resolve(false, []string{"SYS_ADMIN"}, []string{"CHOWN"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(Default, before) {
		t.Errorf("Default after Resolve: got %v, want %v", Default, before)
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name      string
		add, drop []string
		want      []string // substrings of the error
	}{
		{"unknown in add", []string{"FLY"}, nil, []string{"--cap-add", `"FLY"`, ", or ALL)"}},
		{"ALL added and dropped", []string{"all"}, []string{"ALL"}, []string{"ALL is both added and dropped"}},
		{"unknown in drop", nil, []string{"cap_fly"}, []string{"--cap-drop", `"cap_fly"`}},
		{"added and dropped", []string{"net_admin"}, []string{"CAP_NET_ADMIN"},
			[]string{"CAP_NET_ADMIN is both added and dropped"}},
		{"added and dropped, default cap", []string{"CAP_KILL"}, []string{"kill"},
			[]string{"CAP_KILL is both added and dropped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(false, tt.add, tt.drop)
			if err == nil {
				t.Fatalf("Resolve: got %v, want an error", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Resolve: got error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestSets(t *testing.T) {
	set := []string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	tests := []struct {
		name  string
		added []string
		uid   uint32
		want  specs.LinuxCapabilities
	}{
		{"root gets the whole set, nothing inheritable", []string{"CAP_KILL"}, 0, specs.LinuxCapabilities{
			Bounding: set, Effective: set, Permitted: set, Inheritable: []string{}, Ambient: []string{},
		}},
		{"non-root without adds gets only bounding", nil, 1000, specs.LinuxCapabilities{
			Bounding: set, Effective: nil, Permitted: nil, Inheritable: nil, Ambient: nil,
		}},
		{"non-root gets what was added", []string{"CAP_NET_BIND_SERVICE"}, 1000, specs.LinuxCapabilities{
			Bounding:  set,
			Effective: []string{"CAP_NET_BIND_SERVICE"}, Permitted: []string{"CAP_NET_BIND_SERVICE"},
			Inheritable: []string{"CAP_NET_BIND_SERVICE"}, Ambient: []string{"CAP_NET_BIND_SERVICE"},
		}},
		{"non-root: added but not in the set, and repeats", []string{"CAP_SYS_ADMIN", "CAP_KILL", "CAP_KILL"}, 65534,
			specs.LinuxCapabilities{
				Bounding:  set,
				Effective: []string{"CAP_KILL"}, Permitted: []string{"CAP_KILL"},
				Inheritable: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sets(set, tt.added, tt.uid)
			check := func(kind string, got, want []string) {
				t.Helper()
				if !slices.Equal(got, want) || (want != nil && got == nil) {
					t.Errorf("%s: got %#v, want %#v", kind, got, want)
				}
			}
			check("bounding", got.Bounding, tt.want.Bounding)
			check("effective", got.Effective, tt.want.Effective)
			check("permitted", got.Permitted, tt.want.Permitted)
			check("inheritable", got.Inheritable, tt.want.Inheritable)
			check("ambient", got.Ambient, tt.want.Ambient)
		})
	}
}

func TestSetsCopies(t *testing.T) {
	set := []string{"CAP_CHOWN", "CAP_KILL"}
	got := Sets(set, nil, 0)
	got.Effective[0] = "CAP_SYS_ADMIN"
	if set[0] != "CAP_CHOWN" || got.Bounding[0] != "CAP_CHOWN" || got.Permitted[0] != "CAP_CHOWN" {
		t.Errorf("after changing effective: got set %v, bounding %v, permitted %v, want each to start with CAP_CHOWN",
			set, got.Bounding, got.Permitted)
	}
}

func TestWithheldAndGranted(t *testing.T) {
	full := uint64(1)<<len(All()) - 1
	noResource := full &^ (1 << 24) // CAP_SYS_RESOURCE
	tests := []struct {
		name         string
		set          []string
		bounding     uint64
		keep         []string
		wantWithheld []string
		wantGranted  []string
	}{
		{"everything granted", []string{"CAP_CHOWN", "CAP_SYS_RESOURCE"}, full, nil,
			nil, []string{"CAP_CHOWN", "CAP_SYS_RESOURCE"}},
		{"one withheld", []string{"CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_KILL"}, noResource, nil,
			[]string{"CAP_SYS_RESOURCE"}, []string{"CAP_CHOWN", "CAP_KILL"}},
		{"a withheld one named on its own is kept", []string{"CAP_CHOWN", "CAP_SYS_RESOURCE"}, noResource,
			[]string{"CAP_SYS_RESOURCE"}, []string{"CAP_SYS_RESOURCE"}, []string{"CAP_CHOWN", "CAP_SYS_RESOURCE"}},
		{"repeats named once", []string{"CAP_SYS_RESOURCE", "CAP_SYS_RESOURCE"}, noResource, nil,
			[]string{"CAP_SYS_RESOURCE"}, []string{}},
		{"empty bounding set", []string{"CAP_CHOWN", "CAP_KILL"}, 0, nil,
			[]string{"CAP_CHOWN", "CAP_KILL"}, []string{}},
		{"empty set", nil, noResource, nil, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Withheld(tt.set, tt.bounding); !slices.Equal(got, tt.wantWithheld) {
				t.Errorf("Withheld(%v, %#x): got %v, want %v", tt.set, tt.bounding, got, tt.wantWithheld)
			}
			if got := Granted(tt.set, tt.bounding, tt.keep); !slices.Equal(got, tt.wantGranted) {
				t.Errorf("Granted(%v, %#x, %v): got %v, want %v", tt.set, tt.bounding, tt.keep, got, tt.wantGranted)
			}
		})
	}
}
