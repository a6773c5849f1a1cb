package spec

import (
	"fmt"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		in   string
		want specs.LinuxIDMapping
	}{
		{"0:100000:65536", specs.LinuxIDMapping{ContainerID: 0, HostID: 100000, Size: 65536}},
		{"1000:1000:1", specs.LinuxIDMapping{ContainerID: 1000, HostID: 1000, Size: 1}},
		{"0:0:4294967295", specs.LinuxIDMapping{ContainerID: 0, HostID: 0, Size: 4294967295}},
		{"4294967294:0:1", specs.LinuxIDMapping{ContainerID: 4294967294, HostID: 0, Size: 1}},
		{"0:4294967294:1", specs.LinuxIDMapping{ContainerID: 0, HostID: 4294967294, Size: 1}},
		{"007:010:1", specs.LinuxIDMapping{ContainerID: 7, HostID: 10, Size: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIDMap(tt.in)
			if err != nil {
				t.Fatalf("ParseIDMap(%q): got error %v, want %+v", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("ParseIDMap(%q): got %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIDMapErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		bug            string // set when the product code is known to accept the input
	}{
		{"empty", "", `"": write it as CONTAINER:HOST:SIZE, as in 0:100000:65536`, ""},
		{"two fields", "0:1000", `"0:1000": write it as CONTAINER:HOST:SIZE, as in 0:100000:65536`, ""},
		{"four fields", "0:1:2:3", `"0:1:2:3": write it as CONTAINER:HOST:SIZE, as in 0:100000:65536`, ""},
		{"container id not a number", "root:0:1",
			`"root:0:1": container id "root" is not a number from 0 to 4294967295`, ""},
		{"host id not a number", "0:x:1", `"0:x:1": host id "x" is not a number from 0 to 4294967295`, ""},
		{"size with a unit", "0:1:64k", `"0:1:64k": size "64k" is not a number from 0 to 4294967295`, ""},
		{"space", " 0:1:1", `" 0:1:1": container id " 0" is not a number from 0 to 4294967295`, ""},
		{"empty field", "0::1", `"0::1": host id "" is not a number from 0 to 4294967295`, ""},
		{"negative container id", "-1:0:1", `"-1:0:1": container id "-1" is not a number from 0 to 4294967295`, ""},
		{"negative size", "0:0:-5", `"0:0:-5": size "-5" is not a number from 0 to 4294967295`, ""},
		{"plus sign", "+1:0:1", `"+1:0:1": container id "+1" is not a number from 0 to 4294967295`, ""},
		{"size 0", "0:100000:0", `"0:100000:0": size must be at least 1`, ""},
		{"size past 32 bits", "0:0:4294967296",
			`"0:0:4294967296": size "4294967296" is not a number from 0 to 4294967295`, ""},
		{"container range past 2^32", "4294967295:0:2", `"4294967295:0:2": the range runs past id 4294967295`, ""},
		{"host range past 2^32", "0:4294967295:2", `"0:4294967295:2": the range runs past id 4294967295`, ""},
		{"both ranges past 2^32", "4294900000:4294900000:100000",
			`"4294900000:4294900000:100000": the range runs past id 4294967295`, ""},
		// The kernel refuses any extent that includes id 4294967295 ((uid_t)-1): new_idmap_write
		// rejects first+count wrapping to 0 (checked: writing "4294967295 0 1" to uid_map gives EINVAL).
		{"container range ends at 4294967295", "4294967295:0:1",
			`"4294967295:0:1": the range runs past id 4294967295`,
			"ParseIDMap accepts a container range that includes id 4294967295, which the kernel refuses with EINVAL"},
		{"host range ends at 4294967295", "0:4294967295:1",
			`"0:4294967295:1": the range runs past id 4294967295`,
			"ParseIDMap accepts a host range that includes id 4294967295, which the kernel refuses with EINVAL"},
		{"size reaching 4294967295", "1:0:4294967295",
			`"1:0:4294967295": the range runs past id 4294967295`,
			"ParseIDMap accepts 1:0:4294967295, whose container range wraps in the kernel (EINVAL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDMap(tt.in)
			if err == nil {
				t.Fatalf("ParseIDMap(%q): got %+v, want error %q", tt.in, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseIDMap(%q): got error %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestValidateIDMaps(t *testing.T) {
	m := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	lines := func(n int) []specs.LinuxIDMapping {
		var out []specs.LinuxIDMapping
		for i := range n {
			out = append(out, m(uint32(i), uint32(100000+i), 1))
		}
		return out
	}
	tests := []struct {
		name string
		maps []specs.LinuxIDMapping
		want string // "" for no error
	}{
		{"none", nil, ""},
		{"one line", []specs.LinuxIDMapping{m(0, 100000, 65536)}, ""},
		{"adjacent on both sides", []specs.LinuxIDMapping{m(0, 1000, 10), m(10, 1010, 10)}, ""},
		{"crossed but disjoint", []specs.LinuxIDMapping{m(0, 2000, 10), m(10, 1000, 10)}, ""},
		{"whole 32-bit range", []specs.LinuxIDMapping{m(0, 0, 4294967295)}, ""},
		{"340 lines", lines(340), ""},
		{"341 lines", lines(341), "uid map has 341 lines: the kernel takes at most 340"},
		{"size 0", []specs.LinuxIDMapping{m(0, 1000, 1), m(1, 2000, 0)}, "uid map line 2: size must be at least 1"},
		{"container overlap from above", []specs.LinuxIDMapping{m(0, 1000, 10), m(5, 2000, 10)},
			"uid map: container ranges 0:1000:10 and 5:2000:10 overlap"},
		{"container overlap from below", []specs.LinuxIDMapping{m(5, 1000, 10), m(0, 2000, 6)},
			"uid map: container ranges 5:1000:10 and 0:2000:6 overlap"},
		{"container range inside another", []specs.LinuxIDMapping{m(0, 1000, 100), m(50, 5000, 1)},
			"uid map: container ranges 0:1000:100 and 50:5000:1 overlap"},
		{"host overlap from above", []specs.LinuxIDMapping{m(0, 1000, 10), m(100, 1009, 10)},
			"uid map: host ranges 0:1000:10 and 100:1009:10 overlap"},
		{"host overlap from below", []specs.LinuxIDMapping{m(0, 1000, 10), m(100, 995, 6)},
			"uid map: host ranges 0:1000:10 and 100:995:6 overlap"},
		{"overlap with an earlier line, not the previous", []specs.LinuxIDMapping{
			m(0, 1000, 1), m(1, 2000, 1), m(2, 1000, 1)},
			"uid map: host ranges 0:1000:1 and 2:1000:1 overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateIDMaps("uid", tt.maps)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("ValidateIDMaps: got error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateIDMapsNamesKind(t *testing.T) {
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 2}, {ContainerID: 1, HostID: 5, Size: 1}}
	err := ValidateIDMaps("gid", maps)
	if err == nil || !strings.HasPrefix(err.Error(), "gid map: ") {
		t.Errorf("ValidateIDMaps(gid): got %v, want an error starting with %q", err, "gid map: ")
	}
}

func TestMapped(t *testing.T) {
	maps := []specs.LinuxIDMapping{
		{ContainerID: 0, HostID: 100000, Size: 1},
		{ContainerID: 1000, HostID: 200000, Size: 10},
		{ContainerID: 4294967290, HostID: 300000, Size: 5},
	}
	tests := []struct {
		id   uint32
		want bool
	}{
		{0, true},
		{1, false},
		{999, false},
		{1000, true},
		{1009, true},
		{1010, false},
		{100000, false}, // a host id is not a container id
		{4294967289, false},
		{4294967294, true},
		{4294967295, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.id), func(t *testing.T) {
			if got := Mapped(maps, tt.id); got != tt.want {
				t.Errorf("Mapped(%d): got %v, want %v", tt.id, got, tt.want)
			}
		})
	}
	t.Run("no maps", func(t *testing.T) {
		if got := Mapped(nil, 0); got {
			t.Errorf("Mapped(nil, 0): got %v, want false", got)
		}
	})
}

func TestDescribeMapped(t *testing.T) {
	tests := []struct {
		name string
		maps []specs.LinuxIDMapping
		want string
	}{
		{"none", nil, ""},
		{"userns default", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000000, Size: 65536}}, "0-65535"},
		{"single id", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}, "0-0"},
		{"two lines, file order", []specs.LinuxIDMapping{
			{ContainerID: 1000, HostID: 1000, Size: 1000}, {ContainerID: 0, HostID: 100000, Size: 1}},
			"1000-1999, 0-0"},
		{"up to the top", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 4294967295}}, "0-4294967294"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DescribeMapped(tt.maps); got != tt.want {
				t.Errorf("DescribeMapped: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSubIDStart(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		user      string
		uid       int
		size      uint32
		wantStart uint32
		wantOK    bool
		bug       string
	}{
		{"empty file", "", "root", 0, 65536, 0, false, ""},
		{"by name", "alice:100000:65536\nroot:200000:65536\n", "root", 0, 65536, 200000, true, ""},
		{"by uid", "1000:300000:65536\n", "alice", 1000, 65536, 300000, true, ""},
		{"other users only", "alice:100000:65536\n1001:200000:65536\n", "bob", 1002, 65536, 0, false, ""},
		{"first range too small, second fits", "root:100000:1000\nroot:500000:70000\n", "root", 0, 65536,
			500000, true, ""},
		{"exactly the size", "root:100000:65536", "root", 0, 65536, 100000, true, ""},
		{"one short", "root:100000:65535", "root", 0, 65536, 0, false, ""},
		{"first that fits wins", "root:100000:65536\nroot:900000:65536\n", "root", 0, 65536, 100000, true, ""},
		{"surrounding spaces", "  root:100000:65536  \n", "root", 0, 65536, 100000, true, ""},
		{"malformed lines skipped", "root:100000\nroot:x:65536\nroot:1:y\nroot:1:2:3\n# root\nroot:700000:65536\n",
			"root", 0, 65536, 700000, true, ""},
		{"start past 32 bits", "root:4294967296:65536\n", "root", 0, 65536, 0, false, ""},
		{"range past 2^32", "root:4294967295:65536\n", "root", 0, 65536, 0, false, ""},
		{"name is case-sensitive", "Root:100000:65536\n", "root", 0, 65536, 0, false, ""},
		// The kernel refuses a host extent that includes id 4294967295 (EINVAL from uid_map).
		{"range ends at 4294967295", "root:4294901760:65536\n", "root", 0, 65536, 0, false,
			"SubIDStart accepts a range ending at host id 4294967295, which the kernel refuses in uid_map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, ok := SubIDStart([]byte(tt.data), tt.user, tt.uid, tt.size)
			if start != tt.wantStart || ok != tt.wantOK {
				t.Errorf("SubIDStart: got %d, %v, want %d, %v", start, ok, tt.wantStart, tt.wantOK)
			}
		})
	}
}
