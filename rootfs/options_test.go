package rootfs

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name string
		typ  string
		opts []string
		want plan
	}{
		{"no options", "tmpfs", nil, plan{}},
		{"bind type", "bind", nil, plan{bind: true}},
		{"bind option", "none", []string{"bind"}, plan{bind: true}},
		{"rbind option", "none", []string{"rbind"}, plan{bind: true, recursive: true}},
		{"rbind on bind type", "bind", []string{"rbind"}, plan{bind: true, recursive: true}},
		{"defaults and remount ignored", "tmpfs", []string{"defaults", "remount"}, plan{}},
		{"ro", "tmpfs", []string{"ro"}, plan{flags: unix.MS_RDONLY, attrSet: unix.MOUNT_ATTR_RDONLY}},
		{"rw", "bind", []string{"rw"}, plan{bind: true, attrClr: unix.MOUNT_ATTR_RDONLY}},
		{"ro then rw: rw wins", "bind", []string{"ro", "rw"}, plan{bind: true, attrClr: unix.MOUNT_ATTR_RDONLY}},
		{"rw then ro: ro wins", "bind", []string{"rw", "ro"},
			plan{bind: true, flags: unix.MS_RDONLY, attrSet: unix.MOUNT_ATTR_RDONLY}},
		{"nosuid nodev noexec", "bind", []string{"nosuid", "nodev", "noexec"}, plan{
			bind:    true,
			flags:   unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC,
			attrSet: unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC,
		}},
		{"suid dev exec clear", "bind", []string{"suid", "dev", "exec"}, plan{
			bind:    true,
			attrClr: unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC,
		}},
		{"noexec then exec", "tmpfs", []string{"nosuid", "noexec", "exec"}, plan{
			flags:   unix.MS_NOSUID,
			attrSet: unix.MOUNT_ATTR_NOSUID,
			attrClr: unix.MOUNT_ATTR_NOEXEC,
		}},
		{"flags without a bind attribute", "tmpfs", []string{"sync", "dirsync", "mand", "noatime", "nodiratime",
			"relatime", "strictatime", "silent"}, plan{
			flags: unix.MS_SYNCHRONOUS | unix.MS_DIRSYNC | unix.MS_MANDLOCK | unix.MS_NOATIME |
				unix.MS_NODIRATIME | unix.MS_RELATIME | unix.MS_STRICTATIME | unix.MS_SILENT,
		}},
		{"flags turned back off", "tmpfs", []string{"sync", "async", "mand", "nomand", "noatime", "atime",
			"nodiratime", "diratime", "relatime", "norelatime", "silent", "loud"}, plan{}},
		{"propagation", "bind", []string{"rbind", "rslave"}, plan{
			bind: true, recursive: true, propagation: unix.MS_SLAVE | unix.MS_REC,
		}},
		{"last propagation wins", "tmpfs", []string{"shared", "private"}, plan{propagation: unix.MS_PRIVATE}},
		{"unknown options become data, in order", "tmpfs", []string{"nosuid", "size=64k", "mode=755", "newinstance"},
			plan{flags: unix.MS_NOSUID, attrSet: unix.MOUNT_ATTR_NOSUID, data: []string{"size=64k", "mode=755", "newinstance"}}},
		{"devpts defaults", "devpts", []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
			plan{
				flags:   unix.MS_NOSUID | unix.MS_NOEXEC,
				attrSet: unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NOEXEC,
				data:    []string{"newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
			}},
		{"options are case-sensitive", "tmpfs", []string{"RO", "Bind"}, plan{data: []string{"RO", "Bind"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseOptions(tt.typ, tt.opts)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseOptions(%q, %q):\ngot  %+v\nwant %+v", tt.typ, tt.opts, got, tt.want)
			}
		})
	}
}

func TestParseOptionsPropagation(t *testing.T) {
	tests := []struct {
		opt  string
		want uintptr
	}{
		{"private", unix.MS_PRIVATE},
		{"rprivate", unix.MS_PRIVATE | unix.MS_REC},
		{"shared", unix.MS_SHARED},
		{"rshared", unix.MS_SHARED | unix.MS_REC},
		{"slave", unix.MS_SLAVE},
		{"rslave", unix.MS_SLAVE | unix.MS_REC},
		{"unbindable", unix.MS_UNBINDABLE},
		{"runbindable", unix.MS_UNBINDABLE | unix.MS_REC},
	}
	for _, tt := range tests {
		t.Run(tt.opt, func(t *testing.T) {
			got := parseOptions("bind", []string{tt.opt})
			want := plan{bind: true, propagation: tt.want}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parseOptions(bind, %s): got %+v, want %+v", tt.opt, got, want)
			}
		})
	}
}

func TestPropagationFlags(t *testing.T) {
	tests := []struct {
		in   string
		want uintptr
	}{
		{"", unix.MS_PRIVATE | unix.MS_REC},
		{"private", unix.MS_PRIVATE},
		{"rprivate", unix.MS_PRIVATE | unix.MS_REC},
		{"shared", unix.MS_SHARED},
		{"rshared", unix.MS_SHARED | unix.MS_REC},
		{"slave", unix.MS_SLAVE},
		{"rslave", unix.MS_SLAVE | unix.MS_REC},
		{"unbindable", unix.MS_UNBINDABLE},
		{"runbindable", unix.MS_UNBINDABLE | unix.MS_REC},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := PropagationFlags(tt.in)
			if err != nil {
				t.Fatalf("PropagationFlags(%q): got error %v, want %#x", tt.in, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("PropagationFlags(%q): got %#x, want %#x", tt.in, got, tt.want)
			}
		})
	}

	for _, bad := range []string{"rbind", "Private", "recursive", " shared"} {
		t.Run(fmt.Sprintf("%q", bad), func(t *testing.T) {
			got, err := PropagationFlags(bad)
			want := fmt.Sprintf("linux.rootfsPropagation %q: use one of "+
				"private, rprivate, shared, rshared, slave, rslave, unbindable, runbindable", bad)
			if err == nil || err.Error() != want || got != 0 {
				t.Errorf("PropagationFlags(%q): got %#x, %v, want 0, %q", bad, got, err, want)
			}
		})
	}
}

func TestSetupPropagation(t *testing.T) {
	private, slave := uintptr(unix.MS_PRIVATE|unix.MS_REC), uintptr(unix.MS_SLAVE|unix.MS_REC)
	tests := []struct {
		root string
		want uintptr
	}{
		{"", private},
		{"private", private},
		{"rprivate", private},
		{"slave", slave},
		{"rslave", slave},
		{"shared", slave},
		{"rshared", slave},
		{"unbindable", private},
		{"runbindable", private},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.root), func(t *testing.T) {
			root, err := PropagationFlags(tt.root)
			if err != nil {
				t.Fatal(err)
			}
			if got := setupPropagation(root); got != tt.want {
				t.Errorf("setupPropagation(%s): got %s, want %s",
					propagationName(root), propagationName(got), propagationName(tt.want))
			}
		})
	}
}

func TestPropagationName(t *testing.T) {
	tests := []struct {
		in   uintptr
		want string
	}{
		{unix.MS_PRIVATE | unix.MS_REC, "rprivate"},
		{unix.MS_SLAVE, "slave"},
		{unix.MS_SHARED | unix.MS_REC, "rshared"},
		{unix.MS_BIND, fmt.Sprintf("%#x", unix.MS_BIND)},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := propagationName(tt.in); got != tt.want {
				t.Errorf("propagationName(%#x): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCoveredBy(t *testing.T) {
	tests := []struct {
		p      string
		mounts []string
		want   bool
	}{
		{"/dev/pts", []string{"/proc", "/dev"}, true},
		{"/dev/shm/x", []string{"/dev"}, true},
		{"/dev", []string{"/dev"}, false}, // a mount does not cover its own mountpoint
		{"/devices", []string{"/dev"}, false},
		{"/dev/pts", []string{"/dev/"}, true},
		{"/proc", []string{"/dev", "/sys"}, false},
		{"/srv", nil, false},
		{"/anything", []string{"/"}, true},
		{"/", []string{"/"}, true},
		{"/data/sub", []string{"/data/sub/deeper"}, false},
		{"/data/sub/deeper", []string{"/srv", "/data/sub"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.p+" in "+strings.Join(tt.mounts, ","), func(t *testing.T) {
			if got := coveredBy(tt.p, tt.mounts); got != tt.want {
				t.Errorf("coveredBy(%q, %q): got %v, want %v", tt.p, tt.mounts, got, tt.want)
			}
		})
	}
}
