package inspect

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Render writes r as text, in sections a learner reads top to bottom,
// each opened by one line on what it shows. Every string of r that holds
// a control character or invalid UTF-8 is printed quoted (see printable),
// and so is a value the process chose that holds a blank, in a column
// (see cell).
func Render(w io.Writer, r *Report) error {
	r = escaped(r)
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	for _, section := range []func(io.Writer, *Report){
		renderSelection, renderWarnings, renderNamespaces, renderProcess, renderIdentity,
		renderCapabilities, renderHardening, renderSeccomp, renderMounts,
		renderDevices, renderCgroup, renderRlimits, renderNotes,
	} {
		section(tw, r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The padding of a row's last cell is only trailing blanks.
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \n")
		if strings.HasSuffix(l, "\n") {
			lines[i] += "\n"
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, ""))
	return err
}

func heading(w io.Writer, title, explain string) {
	fmt.Fprintf(w, "\n%s\n  # %s\n", title, explain)
}

func renderSelection(w io.Writer, r *Report) {
	for _, s := range r.Selection {
		fmt.Fprintf(w, "%s\n", s)
	}
}

func renderWarnings(w io.Writer, r *Report) {
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", warn)
	}
}

func renderNamespaces(w io.Writer, r *Report) {
	heading(w, "Namespaces",
		"isolated: the process has its own; shared: it sees the host's view of that resource")
	ref := map[string]string{"/proc/1/ns": "host (pid 1)", "/proc/2/ns": "host (kthreadd)"}[r.HostReference]
	if ref == "" {
		ref = "host (sandbox's own)"
	}
	fmt.Fprintf(w, "  type\tprocess\t%s\t\n", ref)
	for _, n := range r.Namespaces {
		state := "shared"
		if n.Isolated {
			state = "isolated"
		}
		fmt.Fprintf(w, "  %s\t%d\t%d\t%s\n", n.Type, n.Inode, n.Host, state)
	}
}

func renderProcess(w io.Writer, r *Report) {
	heading(w, "Process",
		"a process has a PID in each PID namespace it is in: its own first, then the host's")
	p := r.Process
	fmt.Fprintf(w, "  pid inside\t%d\n  host pid\t%d\n  hostname\t%s\n  command\t%s\n",
		p.Pid, p.HostPid, cell(p.Hostname), strings.Join(cells(p.Command), " "))
}

func renderIdentity(w io.Writer, r *Report) {
	heading(w, "Identity",
		"a map line reads INSIDE OUTSIDE COUNT: COUNT ids from INSIDE are host ids from OUTSIDE")
	id := r.Identity
	fmt.Fprintf(w, "  uid\t%s\ton the host %s\t(real effective saved filesystem)\n",
		joinIDs(id.Uid[:]), joinIDs(id.HostUid[:]))
	fmt.Fprintf(w, "  gid\t%s\ton the host %s\t\n", joinIDs(id.Gid[:]), joinIDs(id.HostGid[:]))
	if len(id.Groups) == 0 {
		fmt.Fprintf(w, "  groups\t(none)\t\t\n")
	} else {
		fmt.Fprintf(w, "  groups\t%s\ton the host %s\t\n", joinIDs(id.Groups), joinIDs(id.HostGroups))
	}
	for _, m := range []struct {
		name string
		r    []IDRange
	}{{"uid_map", id.UidMap}, {"gid_map", id.GidMap}} {
		for _, l := range m.r {
			fmt.Fprintf(w, "  %s\t%d %d %d\tinside %s\t\n",
				m.name, l.Inside, l.Outside, l.Size, rangeText(l))
		}
	}
	fmt.Fprintf(w, "  setgroups\t%s\t\t\n", id.Setgroups)
	root := "is not mapped: no process here can be root"
	if id.RootOnHost >= 0 {
		root = fmt.Sprintf("is host uid %d", id.RootOnHost)
	}
	fmt.Fprintf(w, "  root inside\t%s\t\t\n", root)
}

func rangeText(l IDRange) string {
	end := uint64(l.Inside) + uint64(l.Size) - 1
	return fmt.Sprintf("%d-%d is host %d-%d", l.Inside, end, l.Outside, uint64(l.Outside)+uint64(l.Size)-1)
}

func joinIDs(ids []uint32) string {
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprint(id))
	}
	return strings.Join(s, " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func renderCapabilities(w io.Writer, r *Report) {
	heading(w, "Capabilities", "effective is what the kernel checks; bounding is the most any program here can "+
		"gain; a non-root process's permitted and effective sets are cleared at execve unless ambient")
	for _, n := range r.Namespaces {
		if n.Type == "user" && n.Isolated {
			fmt.Fprintf(w, "  # %s\n",
				"in its own user namespace: they act on what that namespace owns, not on the host")
		}
	}
	c := r.Capabilities
	full := len(capNames(c.Full))
	for _, s := range []struct {
		name string
		set  CapSet
	}{
		{"bounding", c.Bounding}, {"effective", c.Effective}, {"permitted", c.Permitted},
		{"inheritable", c.Inheritable}, {"ambient", c.Ambient},
	} {
		fmt.Fprintf(w, "  %s\t%#016x\t%d of %d\t%s\n", s.name, s.set.Mask, len(s.set.Names), full,
			compare(s.set, c))
		wrap(w, trimCap(s.set.Names))
	}
}

// compare words how a set stands against the full and the default set.
func compare(s CapSet, c Capabilities) string {
	switch {
	case s.Mask == 0:
		return "empty"
	case s.Mask == c.Full:
		return "full: every capability"
	case s.Mask == c.HostBounding:
		return "every capability the host gives"
	case s.Mask == c.Default:
		return "the default container set"
	case len(s.Beyond) == 0:
		return fmt.Sprintf("within the default set, %d of its %d", len(s.Names), len(capNames(c.Default)))
	}
	beyond := strings.Join(trimCap(s.Beyond), " ")
	if len(s.Beyond) > 4 {
		beyond = fmt.Sprintf("%d more", len(s.Beyond))
	}
	if len(s.Missing) == 0 {
		return "default + " + beyond
	}
	return fmt.Sprintf("default + %s, and %d of the default set's %d", beyond,
		len(s.Names)-len(s.Beyond), len(capNames(c.Default)))
}

func trimCap(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimPrefix(n, "CAP_")
	}
	return out
}

func renderHardening(w io.Writer, r *Report) {
	heading(w, "Hardening", "no_new_privs makes setuid bits and file capabilities inert at execve; "+
		"masked paths read as empty, read-only paths refuse writes")
	h := r.Hardening
	nnp := "off: a setuid-root program or one with file capabilities gains privilege at execve"
	if h.NoNewPrivs {
		nnp = "on: setuid bits and file capabilities are inert, execve never adds privilege"
	}
	if r.ContainerStatus == "created" {
		nnp += " (created: applied at start)"
	}
	fmt.Fprintf(w, "  no_new_privs\t%s\n", nnp)
	rootfs := "writable"
	if h.ReadOnlyRootfs {
		rootfs = "read-only"
	}
	fmt.Fprintf(w, "  rootfs\t%s\n", rootfs)
	fmt.Fprintf(w, "  masked\t%s\n", orNone(strings.Join(cells(h.MaskedPaths), " ")))
	fmt.Fprintf(w, "  read-only\t%s\n", orNone(strings.Join(cells(h.ReadOnlyPaths), " ")))
}

func renderSeccomp(w io.Writer, r *Report) {
	heading(w, "Seccomp", "the kernel runs each filter on every system call; "+
		"counts come from running the filters the process carries, with zero arguments")
	s := r.Seccomp
	created := ""
	if r.ContainerStatus == "created" {
		created = " (created: the workload's filter is applied at start)"
	}
	fmt.Fprintf(w, "  mode\t%s, %d filter(s)%s\n", s.Mode, s.Filters, created)
	if s.Unknown != "" {
		fmt.Fprintf(w, "  unknown\t%s\n", s.Unknown)
		return
	}
	if s.Mode != "filter" {
		return
	}
	allowed := fmt.Sprint(s.Allowed)
	if n := s.Actions["log"]; n > 0 {
		allowed = fmt.Sprintf("%d (%d logged)", s.Allowed, n)
	}
	fmt.Fprintf(w, "  syscalls\t%d of the native architecture: %s allowed, %d conditional, %d filtered\n",
		s.Syscalls, allowed, len(s.Conditional), s.Filtered())
	for _, a := range actionOrder {
		if n := s.Actions[a.name]; n > 0 {
			fmt.Fprintf(w, "  %s\t%d%s:\n", a.name, n, a.means)
			wrap(w, s.Names[a.name])
		}
	}
	if len(s.Conditional) > 0 {
		fmt.Fprintf(w, "  conditional\t%d, decided by their arguments:\n", len(s.Conditional))
		wrap(w, s.Conditional)
	}
}

// actionOrder lists the actions other than allow, strictest first, with
// what each does to the call where that is not plain from its name.
var actionOrder = []struct{ name, means string }{
	{"kill_process", ""}, {"kill_thread", " (the whole process if it has one thread)"},
	{"trap", " (SIGSYS)"}, {"errno", ""},
	{"notify", " (ENOSYS unless a supervisor listens)"}, {"trace", " (ENOSYS unless a tracer is attached)"},
	{"log", " (allowed, with an audit record)"},
}

// Filtered is how many calls always end in an action that keeps them from
// running: every action but allow and log.
func (s Seccomp) Filtered() int {
	n := 0
	for a, c := range s.Actions {
		if a != "log" {
			n += c
		}
	}
	return n
}

func renderMounts(w io.Writer, r *Report) {
	heading(w, "Mounts", "propagation private: mount events neither reach the host nor come from it; "+
		"shared:N and master:N name the peer group they travel with")
	fmt.Fprintf(w, "  point\ttype\tro/rw\tpropagation\n")
	for _, m := range r.Mounts {
		mode := "rw"
		if m.ReadOnly {
			mode = "ro"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", cell(m.Point), cell(m.Type), mode, cell(m.Propagation))
	}
}

func renderDevices(w io.Writer, r *Report) {
	heading(w, "/dev",
		"device nodes the process can open, subject to the devices cgroup; symlinks are not followed")
	for _, d := range r.Devices {
		switch d.Type {
		case "char", "block":
			fmt.Fprintf(w, "  %s\t%s %d:%d\t%s\n", cell(d.Name), d.Type, d.Major, d.Minor, d.Mode)
		case "symlink":
			fmt.Fprintf(w, "  %s\t-> %s\t\n", cell(d.Name), cell(d.Target))
		default:
			fmt.Fprintf(w, "  %s\t%s\t%s\n", cell(d.Name), d.Type, d.Mode)
		}
	}
	if r.DevicesMore > 0 {
		fmt.Fprintf(w, "  ... and %d more: %d device node(s), %d other entries\n", r.DevicesMore,
			r.DeviceNodesMore, r.DevicesMore-r.DeviceNodesMore)
	}
}

func renderCgroup(w io.Writer, r *Report) {
	heading(w, "Cgroup", "limits are read from the host's files for the process's cgroup; max means none")
	for _, l := range r.Cgroup.Lines {
		fmt.Fprintf(w, "  %s\n", cell(l))
	}
	for _, l := range r.Cgroup.Limits {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", l.Name, l.Value, l.File)
	}
	if r.Cgroup.Frozen {
		fmt.Fprintf(w, "  frozen\tits processes do not run until it is resumed\t\n")
	}
}

func renderRlimits(w io.Writer, r *Report) {
	heading(w, "Rlimits", "the soft limit is enforced; the process may raise it up to the hard one")
	fmt.Fprintf(w, "  limit\tsoft\thard\tunits\n")
	for _, l := range r.Rlimits {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", l.Name, l.Soft, l.Hard, l.Units)
	}
}

func renderNotes(w io.Writer, r *Report) {
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// wrap writes names in an indented column, lines kept under 100 columns.
func wrap(w io.Writer, names []string) {
	line := ""
	for _, n := range names {
		if line != "" && len(line)+1+len(n) > 80 {
			fmt.Fprintf(w, "  \t%s\n", line)
			line = ""
		}
		line = strings.TrimPrefix(line+" "+n, " ")
	}
	if line != "" {
		fmt.Fprintf(w, "  \t%s\n", line)
	}
}
