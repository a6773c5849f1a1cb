package cgroups

import (
	"reflect"
	"testing"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var cgroupMount = specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup",
	Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}}

var (
	v2Layout     = Layout{Trees: []Tree{{Mountpoint: "/sys/fs/cgroup", Root: "/", V2: true, Own: "/sandbox/web"}}}
	hybridLayout = Layout{Trees: []Tree{
		{Mountpoint: "/sys/fs/cgroup/memory", Root: "/", Options: "memory", Own: "/sandbox/web"},
		{Mountpoint: "/sys/fs/cgroup/systemd", Root: "/", Options: "xattr,name=systemd", Own: "/sandbox/web"},
		{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", V2: true, Own: "/sandbox/web"},
	}}
)

func TestMountPlan(t *testing.T) {
	flags := []string{"nosuid", "noexec", "nodev", "relatime", "ro"}
	tmpfs := specs.Mount{Destination: "/sys/fs/cgroup", Type: "tmpfs", Source: "cgroup",
		Options: []string{"nosuid", "nodev", "noexec", "mode=755", "size=64k"}}
	tests := []struct {
		name         string
		layout       Layout
		inNS         bool
		want         []specs.Mount
		wantReadonly []string
	}{
		{"v2 in a cgroup namespace", v2Layout, true, []specs.Mount{
			{Destination: "/sys/fs/cgroup", Type: "cgroup2", Source: "cgroup2", Options: flags},
		}, nil},
		{"v2 without one binds the container's cgroup", v2Layout, false, []specs.Mount{
			{Destination: "/sys/fs/cgroup", Type: "bind", Source: "/sys/fs/cgroup/sandbox/web",
				Options: append([]string{"rbind"}, flags...)},
		}, nil},
		{"hybrid binds each tree's directory, namespace or not", hybridLayout, true, []specs.Mount{
			tmpfs,
			{Destination: "/sys/fs/cgroup/memory", Type: "bind", Source: "/sys/fs/cgroup/memory/sandbox/web",
				Options: append([]string{"rbind"}, flags...)},
			{Destination: "/sys/fs/cgroup/systemd", Type: "bind", Source: "/sys/fs/cgroup/systemd/sandbox/web",
				Options: append([]string{"rbind"}, flags...)},
			{Destination: "/sys/fs/cgroup/unified", Type: "bind", Source: "/sys/fs/cgroup/unified/sandbox/web",
				Options: append([]string{"rbind"}, flags...)},
		}, []string{"/sys/fs/cgroup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ro := MountPlan(cgroupMount, tt.layout, tt.inNS)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mounts:\ngot  %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(ro, tt.wantReadonly) {
				t.Errorf("read-only paths: got %v, want %v", ro, tt.wantReadonly)
			}
		})
	}
}

// A config that asks for a writable cgroup tree gets one: no read-only
// path, and no ro flag.
func TestMountPlanWritable(t *testing.T) {
	m := cgroupMount
	m.Options = []string{"rw", "nosuid"}
	got, ro := MountPlan(m, hybridLayout, true)
	if ro != nil || !reflect.DeepEqual(got[1].Options, []string{"rbind", "rw", "nosuid"}) {
		t.Errorf("got read-only %v and memory options %v, want none and [rbind rw nosuid]", ro, got[1].Options)
	}
}

func TestLayoutFrom(t *testing.T) {
	infos := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup/cpu", Root: "/", FSType: "cgroup", VFSOptions: "rw,cpu"},
		{Mountpoint: "/sys/fs/cgroup/systemd", Root: "/", FSType: "cgroup",
			VFSOptions: "rw,xattr,release_agent=/lib/systemd/agent,name=systemd"},
		{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", FSType: "cgroup2", VFSOptions: "rw"},
		{Mountpoint: "/sys/fs/cgroup/cpu2", Root: "/", FSType: "cgroup", VFSOptions: "rw,cpu"},  // the same tree again
		{Mountpoint: "/sys/fs/cgroup/rdma", Root: "/", FSType: "cgroup", VFSOptions: "rw,rdma"}, // not in /proc/self/cgroup
	}
	own := "3:cpu:/sandbox/a\n2:name=systemd:/sandbox/b\n0::/sandbox/c\n"
	want := Layout{Trees: []Tree{
		{Mountpoint: "/sys/fs/cgroup/cpu", Root: "/", Options: "cpu", Own: "/sandbox/a"},
		{Mountpoint: "/sys/fs/cgroup/systemd", Root: "/", Options: "xattr,name=systemd", Own: "/sandbox/b"},
		{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", V2: true, Own: "/sandbox/c"},
	}}
	if got := layoutFrom(infos, own); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}
