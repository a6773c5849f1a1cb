package inspect

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
)

func TestPropagation(t *testing.T) {
	tests := []struct{ optional, want string }{
		{"", "private"},
		{"shared:1", "shared:1"},
		{"master:12", "master:12"},
		{"shared:3 master:1", "shared:3 master:1"},
		{"master:1 propagate_from:2", "master:1"},
		{"unbindable", "unbindable"},
	}
	for _, tt := range tests {
		if got := Propagation(tt.optional); got != tt.want {
			t.Errorf("Propagation(%q): got %q, want %q", tt.optional, got, tt.want)
		}
	}
}

// fakeProbe answers from lists of null-device paths and empty directories.
type fakeProbe struct{ nulls, empty []string }

func (f fakeProbe) IsNullDevice(p string) bool { return slices.Contains(f.nulls, p) }
func (f fakeProbe) IsEmptyDir(p string) bool   { return slices.Contains(f.empty, p) }

func parseMountinfo(t *testing.T, text string) []*mountinfo.Info {
	t.Helper()
	infos, err := mountinfo.GetMountsFromReader(strings.NewReader(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

// containerMounts is a trimmed mountinfo of a container with the default
// masks: /dev/null over /proc/keys, an empty read-only tmpfs over
// /sys/firmware, and /proc/sys bound read-only over itself.
const containerMounts = `68 45 254:0 /srv/rootfs / rw,relatime - ext4 /dev/vda rw
70 68 0:42 / /proc rw,nosuid - proc proc rw
71 68 0:43 / /dev rw,nosuid - tmpfs tmpfs rw
87 71 0:6 /null /dev/null ro,nosuid - devtmpfs devtmpfs rw
75 68 0:46 / /sys ro,nosuid - sysfs sysfs ro
94 70 0:6 /null /proc/keys ro,nosuid - devtmpfs devtmpfs rw
96 75 0:49 / /sys/firmware ro,nosuid - tmpfs tmpfs ro,size=0k
97 70 0:42 /sys /proc/sys ro,nosuid - proc proc rw
98 70 0:42 /bus /proc/bus rw,nosuid - proc proc rw
99 71 0:50 / /dev/shm ro shared:5 - tmpfs shm rw
100 70 0:42 /fs /proc/other ro,nosuid - proc proc rw
`

func TestMaskedAndReadOnly(t *testing.T) {
	infos := parseMountinfo(t, containerMounts)
	probe := fakeProbe{nulls: []string{"/dev/null", "/proc/keys"}, empty: []string{"/sys/firmware"}}
	masked, readonly := MaskedAndReadOnly(infos, probe)
	if want := []string{"/proc/keys", "/sys/firmware"}; !slices.Equal(masked, want) {
		t.Errorf("masked: got %v, want %v", masked, want)
	}
	// /proc/bus is a bind over itself but writable; /dev/shm is a read-only
	// tmpfs that is not empty; /proc/other shows /fs somewhere else.
	if want := []string{"/proc/sys"}; !slices.Equal(readonly, want) {
		t.Errorf("read-only: got %v, want %v", readonly, want)
	}
}

func TestMaskedAndReadOnlyHost(t *testing.T) {
	host := `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
23 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw
24 22 0:6 / /proc rw shared:3 - proc proc rw
`
	masked, readonly := MaskedAndReadOnly(parseMountinfo(t, host), fakeProbe{nulls: []string{"/dev/null"}})
	if len(masked) != 0 || len(readonly) != 0 {
		t.Errorf("host mounts: got masked %v, read-only %v, want none", masked, readonly)
	}
}

func TestRootReadOnly(t *testing.T) {
	tests := []struct {
		name, text string
		want       bool
	}{
		{"writable", "1 0 8:1 / / rw - ext4 /dev/sda rw\n", false},
		{"read-only", "1 0 8:1 / / ro,nosuid - ext4 /dev/sda rw\n", true},
		{"last mount on / wins", "1 0 8:1 / / rw - ext4 /dev/sda rw\n2 1 8:1 / / ro - ext4 /dev/sda rw\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RootReadOnly(parseMountinfo(t, tt.text)); got != tt.want {
				t.Errorf("RootReadOnly: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMounts(t *testing.T) {
	got := Mounts(parseMountinfo(t, containerMounts))
	if len(got) != 11 {
		t.Fatalf("Mounts: got %d, want 11", len(got))
	}
	shm := got[9]
	if shm.Point != "/dev/shm" || !shm.ReadOnly || shm.Propagation != "shared:5" || shm.Type != "tmpfs" {
		t.Errorf("Mounts: /dev/shm: got %+v", shm)
	}
	if got[0].ReadOnly || got[0].Propagation != "private" {
		t.Errorf("Mounts: /: got %+v, want writable and private", got[0])
	}
}
