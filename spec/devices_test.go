package spec

import (
	"os"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateDevices(t *testing.T) {
	mode := func(m os.FileMode) *os.FileMode { return &m }
	dev := func(p, typ string, major, minor int64) specs.LinuxDevice {
		return specs.LinuxDevice{Path: p, Type: typ, Major: major, Minor: minor}
	}
	tests := []struct {
		name    string
		devices []specs.LinuxDevice
		mounts  []specs.Mount // nil: DefaultMounts
		want    string
	}{
		{"char", []specs.LinuxDevice{dev("/dev/fuse", "c", 10, 229)}, nil, ""},
		{"unbuffered", []specs.LinuxDevice{dev("/dev/x", "u", 1, 3)}, nil, ""},
		{"block, nested", []specs.LinuxDevice{dev("/dev/disk/a", "b", 8, 0)}, nil, ""},
		{"fifo", []specs.LinuxDevice{dev("/dev/p", "p", 0, 0)}, nil, ""},
		{"largest numbers", []specs.LinuxDevice{dev("/dev/x", "c", 4095, 1048575)}, nil, ""},
		{"mode", []specs.LinuxDevice{{Path: "/dev/x", Type: "c", Major: 1, Minor: 3, FileMode: mode(0o660)}}, nil, ""},
		{"outside /dev", []specs.LinuxDevice{dev("/tmp/fuse", "c", 10, 229)}, nil,
			"linux.devices /tmp/fuse: give a clean path under /dev, as in /dev/fuse"},
		{"/dev itself", []specs.LinuxDevice{dev("/dev", "c", 10, 229)}, nil,
			"linux.devices /dev: give a clean path under /dev, as in /dev/fuse"},
		{"dot-dot", []specs.LinuxDevice{dev("/dev/../etc/x", "c", 10, 229)}, nil,
			"linux.devices /dev/../etc/x: give a clean path under /dev, as in /dev/fuse"},
		{"relative", []specs.LinuxDevice{dev("dev/x", "c", 10, 229)}, nil,
			"linux.devices dev/x: give a clean path under /dev, as in /dev/fuse"},
		{"bad type", []specs.LinuxDevice{dev("/dev/x", "s", 1, 1)}, nil,
			`linux.devices /dev/x: type "s": use c (or u), b or p`},
		{"major too big", []specs.LinuxDevice{dev("/dev/x", "c", 4096, 1)}, nil,
			"linux.devices /dev/x: device number 4096:1 is out of range (major 0-4095, minor 0-1048575)"},
		{"negative minor", []specs.LinuxDevice{dev("/dev/x", "b", 1, -1)}, nil,
			"linux.devices /dev/x: device number 1:-1 is out of range (major 0-4095, minor 0-1048575)"},
		{"type bits in mode", []specs.LinuxDevice{{Path: "/dev/x", Type: "c", FileMode: mode(os.ModeSetuid | 0o644)}}, nil,
			"linux.devices /dev/x: fileMode 040000644: give permission bits only (0 to 0777)"},
		{"twice", []specs.LinuxDevice{dev("/dev/x", "c", 1, 3), dev("/dev/x", "c", 1, 5)}, nil,
			"linux.devices /dev/x: listed twice"},
		{"/dev bound from the host", []specs.LinuxDevice{dev("/dev/x", "c", 1, 3)},
			[]specs.Mount{{Destination: "/dev", Type: "bind", Source: "/dev", Options: []string{"rbind"}}},
			"mount destination /dev is built by sandbox itself: mount at a name of your own under /dev instead"},
		{"no /dev mount", []specs.LinuxDevice{dev("/dev/x", "c", 1, 3)}, []specs.Mount{},
			"linux.devices needs a tmpfs mounted at /dev: sandbox creates device nodes only there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			s.Linux.Devices = tt.devices
			if tt.mounts != nil {
				s.Mounts = tt.mounts
			}
			got := ""
			if err := Validate(s); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got error %q, want %q", got, tt.want)
			}
		})
	}
}
