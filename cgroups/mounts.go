package cgroups

import (
	"path"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Tree is one cgroup tree that the host mounts.
type Tree struct {
	Mountpoint string // where the host mounts it: /sys/fs/cgroup/memory
	Root       string // the cgroup at its root (mountinfo field 4), "/" on a host
	V2         bool
	Options    string // the mount data that names a v1 tree: "memory", "name=systemd"
	Own        string // the cgroup sandbox's process is in, on this tree
}

// Layout is how the host mounts cgroups, for MountPlan.
type Layout struct {
	Trees []Tree // v2: one tree at /sys/fs/cgroup; else one per v1 tree, and the hybrid's unified
}

// MountPlan expands the config's mount of type "cgroup" (or "cgroup2") at
// m.Destination into the mounts that show the container its own cgroup,
// and returns them with the paths that must be made read-only once they
// are made. The config's mount options (ro, nosuid...) apply to each.
//
//   - In a cgroup namespace a fresh mount of a tree shows the namespace's
//     root, the container's cgroup, as "/": v2 gets one cgroup2 mount; v1
//     and hybrid get a tmpfs holding one cgroup mount per tree, with the
//     tree's own options, and the unified tree as "unified".
//   - Without one, a fresh mount would show the host's whole tree, so each
//     tree's directory of the container's cgroup is bound in instead.
//
// The tmpfs is made read-only by returning its path for the rootfs's
// read-only paths: mounts inside it need it writable until then.
func MountPlan(m specs.Mount, l Layout, inNamespace bool) (mounts []specs.Mount, readonly []string) {
	flags := mountFlags(m.Options)
	if len(l.Trees) == 1 && l.Trees[0].V2 {
		return []specs.Mount{treeMount(m.Destination, l.Trees[0], flags, inNamespace)}, nil
	}
	root := specs.Mount{Destination: m.Destination, Type: "tmpfs", Source: "cgroup",
		Options: []string{"nosuid", "nodev", "noexec", "mode=755", "size=64k"}}
	mounts = append(mounts, root)
	for _, t := range l.Trees {
		dst := path.Join(m.Destination, path.Base(t.Mountpoint))
		mounts = append(mounts, treeMount(dst, t, flags, inNamespace))
	}
	if slices.Contains(flags, "ro") {
		readonly = []string{m.Destination}
	}
	return mounts, readonly
}

func treeMount(dst string, t Tree, flags []string, inNamespace bool) specs.Mount {
	if !inNamespace {
		rel := strings.TrimPrefix(t.Own, t.Root)
		return specs.Mount{Destination: dst, Type: "bind", Source: path.Join(t.Mountpoint, rel),
			Options: append([]string{"rbind"}, flags...)}
	}
	if t.V2 {
		return specs.Mount{Destination: dst, Type: "cgroup2", Source: "cgroup2", Options: flags}
	}
	opts := slices.Clone(flags)
	if t.Options != "" {
		opts = append(opts, t.Options)
	}
	return specs.Mount{Destination: dst, Type: "cgroup", Source: "cgroup", Options: opts}
}

// mountFlags keeps the options of the config's cgroup mount that are
// flags; the tree-naming data comes from the host.
func mountFlags(options []string) []string {
	known := []string{"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
		"relatime", "norelatime", "noatime", "atime", "strictatime", "nodiratime"}
	var out []string
	for _, o := range options {
		if slices.Contains(known, o) {
			out = append(out, o)
		}
	}
	return out
}

// treeOptions reads the mount data that names a v1 tree from its
// superblock options in mountinfo: the controllers, or name=, without
// rw/ro and without a release agent, which only the host may set.
func treeOptions(super string) string {
	var out []string
	for _, o := range strings.Split(super, ",") {
		if o == "rw" || o == "ro" || o == "" || strings.HasPrefix(o, "release_agent=") {
			continue
		}
		out = append(out, o)
	}
	return strings.Join(out, ",")
}

// ownKey is the key of a tree in /proc/self/cgroup: the first controller
// or name= of its options, or "" for the unified tree.
func ownKey(t Tree) string {
	if t.V2 {
		return ""
	}
	for _, o := range strings.Split(t.Options, ",") {
		if o != "xattr" && o != "noprefix" && o != "clone_children" && o != "cpuset_v2_mode" {
			return o
		}
	}
	return t.Options
}
