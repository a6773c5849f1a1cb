package spec

import (
	"fmt"
	"os"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestSysctlNamespace(t *testing.T) {
	tests := []struct {
		key  string
		want specs.LinuxNamespaceType
	}{
		{"kernel.shmmax", specs.IPCNamespace},
		{"kernel.shmall", specs.IPCNamespace},
		{"kernel.shm_rmid_forced", specs.IPCNamespace},
		{"kernel.msgmax", specs.IPCNamespace},
		{"kernel.msgmnb", specs.IPCNamespace},
		{"kernel.sem", specs.IPCNamespace},
		{"kernel.sem_next_id", specs.IPCNamespace},
		{"fs.mqueue.queues_max", specs.IPCNamespace},
		{"net.ipv4.ip_forward", specs.NetworkNamespace},
		{"net.core.somaxconn", specs.NetworkNamespace},
		{"kernel.hostname", specs.UTSNamespace},
		{"kernel.domainname", specs.UTSNamespace},

		// Host-wide: refused.
		{"kernel.core_pattern", ""},
		{"kernel.semx", ""},
		{"kernel.sysrq", ""},
		{"kernel.pid_max", ""},
		{"fs.file-max", ""},
		{"fs.mqueue", ""},
		{"vm.overcommit_memory", ""},
		{"kernel", ""},
		{"network.x", ""},
	}
	for _, tt := range tests {
		if got := SysctlNamespace(tt.key); got != tt.want {
			t.Errorf("SysctlNamespace(%q): got %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestValidateSysctls(t *testing.T) {
	noNet := func(s *specs.Spec) {}
	withNet := func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	}
	withIPC := func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.IPCNamespace})
	}
	hostNet := func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces,
			specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: fmt.Sprintf("/proc/%d/ns/net", os.Getpid())})
	}
	tests := []struct {
		name   string
		key    string
		value  string
		change func(*specs.Spec)
		want   string
	}{
		{"net with own netns", "net.ipv4.ip_forward", "1", withNet, ""},
		{"ipc with own ipc ns", "kernel.shmmax", "4096", withIPC, ""},
		{"mqueue", "fs.mqueue.msg_max", "20", withIPC, ""},
		{"hostname with uts", "kernel.domainname", "example.org", noNet, ""},
		{"net without netns", "net.ipv4.ip_forward", "1", noNet,
			"linux.sysctl net.ipv4.ip_forward: needs a new network namespace of the container's own, " +
				"or it would change the host's"},
		{"net in the host's netns by path", "net.ipv4.ip_forward", "1", hostNet,
			"linux.sysctl net.ipv4.ip_forward: needs a new network namespace of the container's own, " +
				"or it would change the host's"},
		{"ipc without ipc ns", "kernel.msgmax", "1", noNet,
			"linux.sysctl kernel.msgmax: needs a new ipc namespace of the container's own, or it would change the host's"},
		{"host-wide", "kernel.core_pattern", "|/x", withIPC,
			"linux.sysctl kernel.core_pattern: not a namespaced setting; sandbox sets only kernel.shm*, kernel.msg*, " +
				"kernel.sem, fs.mqueue.*, net.*, kernel.hostname and kernel.domainname"},
		{"vm", "vm.swappiness", "1", withNet,
			"linux.sysctl vm.swappiness: not a namespaced setting; sandbox sets only kernel.shm*, kernel.msg*, " +
				"kernel.sem, fs.mqueue.*, net.*, kernel.hostname and kernel.domainname"},
		{"slash in key", "net.ipv4/../../kernel/core_pattern", "1", withNet,
			`linux.sysctl "net.ipv4/../../kernel/core_pattern": write the key as dotted names, as in net.ipv4.ip_forward`},
		{"slash part that is ..", "net.ipv4.conf.//.core_pattern", "1", withNet,
			`linux.sysctl "net.ipv4.conf.//.core_pattern": write the key as dotted names, as in net.ipv4.ip_forward`},
		{"slash part that is .", "net./.ip_forward", "1", withNet,
			`linux.sysctl "net./.ip_forward": write the key as dotted names, as in net.ipv4.ip_forward`},
		{"a dot inside a name, as a slash", "net.ipv4.conf.eth0/100.forwarding", "1", withNet, ""},
		{"empty part", "net..ip_forward", "1", withNet,
			`linux.sysctl "net..ip_forward": write the key as dotted names, as in net.ipv4.ip_forward`},
		{"newline in value", "net.ipv4.ip_forward", "1\n0", withNet,
			"linux.sysctl net.ipv4.ip_forward: the value holds a newline or NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.change(s)
			s.Linux.Sysctl = map[string]string{tt.key: tt.value}
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

func TestSysctlPath(t *testing.T) {
	for key, want := range map[string]string{
		"net.ipv4.ip_forward":               "net/ipv4/ip_forward",
		"net.ipv4.conf.eth0/100.forwarding": "net/ipv4/conf/eth0.100/forwarding",
		"kernel.shmmax":                     "kernel/shmmax",
	} {
		if got := SysctlPath(key); got != want {
			t.Errorf("SysctlPath(%q): got %q, want %q", key, got, want)
		}
	}
}
