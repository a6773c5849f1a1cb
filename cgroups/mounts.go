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
//   - On a v2 host in a cgroup namespace, a fresh cgroup2 mount shows the
//     namespace's root, the container's cgroup, as "/". Without the
//     namespace it would show the host's whole tree, so the container's
//     directory is bound instead.
//   - On v1 and hybrid hosts a tmpfs holds one bind per tree (the unified
//     one as "unified") of the container's directory in it. A fresh v1
//     mount in a cgroup namespace would show the same files, but makes a
//     superblock per tree per container, set up at start and torn down at
//     exit: about 4 ms more per container on a hybrid host with ten trees.
//
// The binds need Own as the host names it: l must be read before the
// cgroup namespace is created. The tmpfs is made read-only by returning
// its path for the rootfs's read-only paths: mounts inside it need it
// writable until then.
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
		mounts = append(mounts, treeMount(dst, t, flags, false))
	}
	if slices.Contains(flags, "ro") {
		readonly = []string{m.Destination}
	}
	return mounts, readonly
}

func treeMount(dst string, t Tree, flags []string, fresh bool) specs.Mount {
	if fresh {
		return specs.Mount{Destination: dst, Type: "cgroup2", Source: "cgroup2", Options: flags}
	}
	rel := strings.TrimPrefix(t.Own, t.Root)
	return specs.Mount{Destination: dst, Type: "bind", Source: path.Join(t.Mountpoint, rel),
		Options: append([]string{"rbind"}, flags...)}
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
