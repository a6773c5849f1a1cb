package explain

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Clone records clone(2) of the child with the namespace flags, as pid.
func (r *Recorder) Clone(flags uintptr, pid int) {
	if r == nil {
		return
	}
	r.add("clone", fmt.Sprintf("%s -> pid %d", CloneFlags(flags), pid))
}

// Unshare records unshare(2) with the namespace flags.
func (r *Recorder) Unshare(flags uintptr) {
	if r == nil {
		return
	}
	r.add("unshare", CloneFlags(flags))
}

// IDMap records one line written to /proc/PID/uid_map or gid_map (file).
func (r *Recorder) IDMap(file string, pid, inside, outside, size int) {
	if r == nil {
		return
	}
	r.add(file, fmt.Sprintf("%-22s (write /proc/%d/%s)", fmt.Sprintf("%d %d %d", inside, outside, size), pid, file))
}

// ProcSetgroups records the write of allow or deny to /proc/PID/setgroups.
func (r *Recorder) ProcSetgroups(pid int, allow bool) {
	if r == nil {
		return
	}
	v := "deny"
	if allow {
		v = "allow"
	}
	r.add("setgroups", fmt.Sprintf("%-22s (write /proc/%d/setgroups)", v, pid))
}

// CgroupCreate records the creation of the container's cgroup at path in
// n hierarchies, with its limits written.
func (r *Recorder) CgroupCreate(path string, n int) {
	if r == nil {
		return
	}
	r.add("mkdir", fmt.Sprintf("cgroup %s (%s), limits written", path, hierarchies(n)))
}

// CgroupJoin records the write of pid to cgroup.procs of path.
func (r *Recorder) CgroupJoin(path string, pid, n int) {
	if r == nil {
		return
	}
	r.add("cgroup", fmt.Sprintf("write %d to %s/cgroup.procs (%s)", pid, path, hierarchies(n)))
}

func hierarchies(n int) string {
	if n == 1 {
		return "1 hierarchy"
	}
	return strconv.Itoa(n) + " hierarchies"
}

// Exec records execve(2) of path with argv; it is recorded just before the
// call, which does not return when it works.
func (r *Recorder) Exec(path string, argv []string) {
	if r == nil {
		return
	}
	r.add("execve", path+" "+Quote(argv, 100))
}

// Mount records mount(2). With neither source nor type it is a change of
// propagation or flags of target.
func (r *Recorder) Mount(source, target, fstype string, flags uintptr, data string) {
	if r == nil {
		return
	}
	if source == "" && fstype == "" {
		r.add("mount", target+" "+MountFlags(flags))
		return
	}
	opts := MountFlags(flags)
	if data != "" {
		opts += "," + data
	}
	if fstype == "" {
		r.add("mount", fmt.Sprintf("%s on %s (%s)", source, target, opts))
		return
	}
	r.add("mount", fmt.Sprintf("%s on %s type %s (%s)", source, target, fstype, opts))
}

// Bind records a bind mount made with open_tree(2) and move_mount(2), with
// the attributes set and cleared with mount_setattr(2) before the move.
func (r *Recorder) Bind(source, target string, recursive bool, set, clr uint64) {
	if r == nil {
		return
	}
	var opts []string
	if recursive {
		opts = append(opts, "rec")
	}
	if a := Attrs(set); a != "" {
		opts = append(opts, a)
	}
	if a := Attrs(clr); a != "" {
		opts = append(opts, "clear "+a)
	}
	text := source + " on " + target
	if len(opts) > 0 {
		text += " (" + strings.Join(opts, ",") + ")"
	}
	r.add("move_mount", text)
}

// Setattr records mount_setattr(2) on the mount at target.
func (r *Recorder) Setattr(target string, set, clr uint64, recursive bool) {
	if r == nil {
		return
	}
	text := target
	if a := Attrs(set); a != "" {
		text += " +" + a
	}
	if a := Attrs(clr); a != "" {
		text += " -" + a
	}
	if recursive {
		text += " (recursive)"
	}
	r.add("setattr", text)
}

// Prctl records prctl(2) with an option that takes one argument.
func (r *Recorder) Prctl(option int, arg uintptr) {
	if r == nil {
		return
	}
	r.add("prctl", Prctl(option, arg))
}

// Capbset records the trim of the bounding set with PR_CAPBSET_DROP, from
// before to after; both are masks of bits 0 to last.
func (r *Recorder) Capbset(before, after uint64, last int) {
	if r == nil {
		return
	}
	r.add("capbset", fmt.Sprintf("drop %d: %s", bits.OnesCount64(before&^after), Caps(after, last)))
}

// CapSets are a thread's capability sets as masks.
type CapSets struct {
	Effective, Permitted, Inheritable, Ambient uint64
}

// Capset records capset(2) and the ambient set's prctl(2) calls, with the
// sets before and after.
func (r *Recorder) Capset(before, after CapSets, last int) {
	if r == nil {
		return
	}
	r.add("capset", fmt.Sprintf("eff %s, prm %s, inh %s, amb %s",
		change(before.Effective, after.Effective, last), change(before.Permitted, after.Permitted, last),
		change(before.Inheritable, after.Inheritable, last), change(before.Ambient, after.Ambient, last)))
}

func change(before, after uint64, last int) string {
	return Count(before, last) + " -> " + Count(after, last)
}

// ID records setresuid(2) or setresgid(2) (step) to id.
func (r *Recorder) ID(step string, id uint32) {
	if r == nil {
		return
	}
	r.add(step, fmt.Sprintf("%d %d %d", id, id, id))
}

// Groups records setgroups(2).
func (r *Recorder) Groups(gids []uint32) {
	if r == nil {
		return
	}
	r.add("setgroups", fmt.Sprint(gids))
}

// Umask records umask(2).
func (r *Recorder) Umask(mask int) {
	if r == nil {
		return
	}
	r.add("umask", fmt.Sprintf("%04o", mask))
}

// Seccomp records seccomp(2) loading a program of n instructions.
func (r *Recorder) Seccomp(n int, flags uint, label string) {
	if r == nil {
		return
	}
	text := fmt.Sprintf("SECCOMP_SET_MODE_FILTER %d insns", n)
	if flags != 0 {
		text += " flags " + SeccompFlags(flags)
	}
	if label != "" {
		text += ": " + label
	}
	r.add("seccomp", text)
}

// Rlimit records prlimit(2) of resource name.
func (r *Recorder) Rlimit(name string, soft, hard uint64) {
	if r == nil {
		return
	}
	r.add("prlimit", fmt.Sprintf("%s %s:%s", name, limit(soft), limit(hard)))
}

func limit(v uint64) string {
	if v == ^uint64(0) {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}

// WriteProc records a write of value to a procfs file.
func (r *Recorder) WriteProc(file, value string) {
	if r == nil {
		return
	}
	r.add("write", value+" > "+file)
}

// WriteProcInt is WriteProc of a number.
func (r *Recorder) WriteProcInt(file string, value int) {
	if r == nil {
		return
	}
	r.WriteProc(file, strconv.Itoa(value))
}

// CloseRange records close_range(2) from first up with CLOSE_RANGE_CLOEXEC.
func (r *Recorder) CloseRange(first int) {
	if r == nil {
		return
	}
	r.add("close_range", strconv.Itoa(first)+"..~0 CLOSE_RANGE_CLOEXEC")
}

// Hook records one hook run by the runtime, at point name.
func (r *Recorder) Hook(name, path string) {
	if r == nil {
		return
	}
	r.add("hook", name+" "+path)
}

// PivotRoot records pivot_root(".", ".") in the new root at path.
func (r *Recorder) PivotRoot(path string) {
	if r == nil {
		return
	}
	r.add("pivot_root", ". . (in "+path+"; the old root is stacked on it)")
}

// Chroot records chroot(".") in path.
func (r *Recorder) Chroot(path string) {
	if r == nil {
		return
	}
	r.add("chroot", ". (in "+path+")")
}

// Symlink records symlinkat(2) of link, pointing at target.
func (r *Recorder) Symlink(link, target string) {
	if r == nil {
		return
	}
	r.add("symlinkat", link+" -> "+target)
}

// Mknod records mknodat(2) of a node of type typ (c, b, u, p) at path.
func (r *Recorder) Mknod(path, typ string) {
	if r == nil {
		return
	}
	r.add("mknodat", path+" type "+typ)
}
