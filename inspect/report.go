package inspect

// Report is what Read measures about one process. Field names and json
// tags are stable: scripts may read `sandbox inspect --format json`.
type Report struct {
	Pid int `json:"pid"`
	// Selection says how the argument led to Pid, when not directly: the
	// container of a foreground run, the process of a thread, a container
	// id that is also a PID.
	Selection []string `json:"selection,omitempty"`
	// ContainerStatus is "created" for the init of a container not yet
	// started: it has not yet applied the capabilities, no_new_privs and
	// seccomp filter of its workload.
	ContainerStatus string `json:"containerStatus,omitempty"`
	// HostReference is where the host's namespaces were read: /proc/1/ns;
	// /proc/2/ns (kthreadd) where PID 1's are out of reach; /proc/self/ns
	// where both are.
	HostReference string       `json:"hostReference"`
	Namespaces    []Namespace  `json:"namespaces"`
	Process       Process      `json:"process"`
	Identity      Identity     `json:"identity"`
	Capabilities  Capabilities `json:"capabilities"`
	Hardening     Hardening    `json:"hardening"`
	Seccomp       Seccomp      `json:"seccomp"`
	Mounts        []Mount      `json:"mounts"`
	Devices       []Device     `json:"devices"`
	// DevicesMore is how many entries of /dev are not in Devices, which
	// holds at most 64: the device nodes first, then the other entries,
	// each in name order. DeviceNodesMore is how many of those left out
	// are device nodes.
	DevicesMore     int      `json:"devicesMore,omitempty"`
	DeviceNodesMore int      `json:"deviceNodesMore,omitempty"`
	Cgroup          Cgroup   `json:"cgroup"`
	Rlimits         []Rlimit `json:"rlimits"`
	Warnings        []string `json:"warnings,omitempty"`
	// Notes name what could not be measured, and why.
	Notes []string `json:"notes,omitempty"`
}

// Namespace compares one namespace of the process with the host's: PID
// 1's, or the caller's (see Report.HostReference).
type Namespace struct {
	Type     string `json:"type"`     // pid, net, mnt, uts, ipc, user, cgroup, time
	Inode    uint64 `json:"inode"`    // of /proc/PID/ns/TYPE
	Host     uint64 `json:"host"`     // of HostReference/TYPE
	Isolated bool   `json:"isolated"` // the inodes differ
}

// Process is who the process is, inside and on the host.
type Process struct {
	HostPid  int      `json:"hostPid"`
	Pid      int      `json:"pid"`   // in its own PID namespace: the last NSpid
	NSpid    []int    `json:"nspid"` // outermost (host) first
	Command  []string `json:"command"`
	Hostname string   `json:"hostname"`
}

// Identity is the process's credentials, inside its user namespace and on
// the host.
type Identity struct {
	// Uid and Gid are real, effective, saved and filesystem ids as the
	// process sees them; Groups its supplementary groups, also inside.
	Uid    [4]uint32 `json:"uid"`
	Gid    [4]uint32 `json:"gid"`
	Groups []uint32  `json:"groups"`
	// HostUid, HostGid and HostGroups are the same ids as the host sees
	// them.
	HostUid    [4]uint32 `json:"hostUid"`
	HostGid    [4]uint32 `json:"hostGid"`
	HostGroups []uint32  `json:"hostGroups"`
	UidMap     []IDRange `json:"uidMap"`
	GidMap     []IDRange `json:"gidMap"`
	Setgroups  string    `json:"setgroups"` // allow or deny
	// RootOnHost is the host uid that uid 0 of the process's user namespace
	// is, or -1 when uid 0 is not mapped.
	RootOnHost int64 `json:"rootOnHost"`
}

// IDRange is one line of uid_map or gid_map.
type IDRange struct {
	Inside  uint32 `json:"inside"`
	Outside uint32 `json:"outside"`
	Size    uint32 `json:"size"`
}

// Capabilities holds the five sets, decoded.
type Capabilities struct {
	Bounding    CapSet `json:"bounding"`
	Effective   CapSet `json:"effective"`
	Permitted   CapSet `json:"permitted"`
	Inheritable CapSet `json:"inheritable"`
	Ambient     CapSet `json:"ambient"`
	// Full is the mask of every capability this kernel knows
	// (cap_last_cap); Default is the mask `sandbox run` gives by default.
	Full    uint64 `json:"full"`
	Default uint64 `json:"default"`
	// HostBounding is every capability the host can give: the bounding
	// sets of the host reference (see Report.HostReference) and of the
	// inspect command, in common.
	HostBounding uint64 `json:"hostBounding"`
}

// CapSet is one capability set: its mask, names and how it compares with
// the full and the default container set.
type CapSet struct {
	Mask  uint64   `json:"mask"`
	Names []string `json:"names"`
	// Beyond lists what the set holds beyond the default container set;
	// Missing what of the default set it lacks.
	Beyond  []string `json:"beyondDefault"`
	Missing []string `json:"missingFromDefault"`
}

// Hardening is the process's other confinement.
type Hardening struct {
	NoNewPrivs     bool     `json:"noNewPrivs"`
	ReadOnlyRootfs bool     `json:"readOnlyRootfs"`
	MaskedPaths    []string `json:"maskedPaths"`
	ReadOnlyPaths  []string `json:"readOnlyPaths"`
}

// Seccomp is the process's system call filtering, counted over the native
// architecture's system calls by running the filters it carries.
type Seccomp struct {
	Mode    string `json:"mode"` // disabled, strict, filter
	Filters int    `json:"filters"`
	// Unknown says why the counts below are missing, when they are.
	Unknown string `json:"unknown,omitempty"`
	// Syscalls is how many system call numbers of the native architecture
	// were tried; Allowed of them pass whatever their arguments.
	Syscalls int `json:"syscalls,omitempty"`
	Allowed  int `json:"allowed,omitempty"`
	// Actions counts the calls that always end in each action other than
	// allow (errno, kill_process, kill_thread, trap, trace, notify, and log,
	// whose calls run and are also counted in Allowed); Names lists them by
	// action.
	Actions map[string]int      `json:"actions,omitempty"`
	Names   map[string][]string `json:"names,omitempty"`
	// Conditional lists the calls whose outcome depends on their arguments.
	Conditional []string `json:"conditional,omitempty"`
}

// Mount is one line of the process's mountinfo.
type Mount struct {
	Point       string `json:"point"`
	Root        string `json:"root"`
	Type        string `json:"type"`
	Source      string `json:"source"`
	Options     string `json:"options"`
	ReadOnly    bool   `json:"readOnly"`
	Propagation string `json:"propagation"` // shared:N, master:N, unbindable or private
}

// Device is one entry of the process's /dev, not followed if a symlink.
type Device struct {
	Name   string `json:"name"`
	Type   string `json:"type"` // char, block, dir, symlink, file, fifo, socket
	Major  uint32 `json:"major,omitempty"`
	Minor  uint32 `json:"minor,omitempty"`
	Target string `json:"target,omitempty"`
	Mode   string `json:"mode"`
}

// Cgroup is the process's cgroup and the limits read from its files.
type Cgroup struct {
	Lines  []string `json:"lines"` // /proc/PID/cgroup
	Limits []Limit  `json:"limits"`
	// Frozen is set while the cgroup is frozen (sandbox pause).
	Frozen bool `json:"frozen"`
}

// Limit is one cgroup limit, as the host's cgroup file holds it.
type Limit struct {
	Name  string `json:"name"`  // memory, pids, cpu, cpuset
	File  string `json:"file"`  // the host path read
	Value string `json:"value"` // "max" for none
}

// Rlimit is one line of /proc/PID/limits.
type Rlimit struct {
	Name  string `json:"name"`
	Soft  string `json:"soft"`
	Hard  string `json:"hard"`
	Units string `json:"units,omitempty"`
}

// MarkCreated records that r is of a created container's init, which
// waits for start: capabilities, no_new_privs and the seccomp filter are
// applied just before the workload's execve, so what r shows of them is
// the waiting init, not the workload.
func (r *Report) MarkCreated() {
	r.ContainerStatus = "created"
	r.Notes = append(r.Notes, "the container is created, not started: its capabilities, no_new_privs "+
		"and seccomp filter are applied at start, just before the workload runs; "+
		"those shown are the waiting init's")
}
