package rootfs

import (
	"reflect"
	"testing"
)

func TestPlanCgroup(t *testing.T) {
	hybrid := `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
50 23 0:40 / /mnt/other\040dir rw - cgroup cgroup rw,pids`
	tests := []struct {
		name, mountinfo, self string
		want                  cgroupPlan
	}{
		{"hybrid host", hybrid,
			"4:memory:/parent/conmon\n2:cpu,cpuacct:/parent/conmon\n1:name=systemd:/\n0::/\n",
			cgroupPlan{binds: []cgroupBind{
				{name: "cpu,cpuacct", source: "/sys/fs/cgroup/cpu,cpuacct/parent/conmon", links: []string{"cpu", "cpuacct"}},
				{name: "memory", source: "/sys/fs/cgroup/memory/parent/conmon"},
				{name: "systemd", source: "/sys/fs/cgroup/systemd"},
				{name: "unified", source: "/sys/fs/cgroup/unified"},
			}}},
		{"a hierarchy the process is not in is left out", hybrid, "4:memory:/a\n",
			cgroupPlan{binds: []cgroupBind{{name: "memory", source: "/sys/fs/cgroup/memory/a"}}}},
		{"cgroup v2 only", "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate", "0::/user.slice/x\n",
			cgroupPlan{whole: "/sys/fs/cgroup/user.slice/x"}},
		{"mount root below the hierarchy's", "30 23 0:26 /ns /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
			"4:memory:/ns/ctr\n", cgroupPlan{binds: []cgroupBind{{name: "memory", source: "/sys/fs/cgroup/memory/ctr"}}}},
		{"cgroup outside the mount root", "30 23 0:26 /ns /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
			"4:memory:/nsother\n", cgroupPlan{}},
		{"no cgroups mounted", "22 1 0:21 / /proc rw - proc proc rw", "0::/\n", cgroupPlan{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planCgroup(tt.mountinfo, tt.self); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUnescapeOctal(t *testing.T) {
	for in, want := range map[string]string{
		`/plain`: "/plain", `/a\040b`: "/a b", `/tab\011x`: "/tab\tx", `/back\134slash`: `/back\slash`,
		`/short\04`: `/short\04`, `/not\08x`: `/not\08x`,
	} {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q): got %q, want %q", in, got, want)
		}
	}
}
