package cgroups

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	cg "github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/fs"
	"github.com/opencontainers/cgroups/fs2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func init() {
	// The library leaves device rules to a package of its own, which also
	// brings the systemd driver in; sandbox writes them itself.
	cg.DevicesSetV1 = setDevicesV1
	cg.DevicesSetV2 = setDevicesV2
}

// Manager is one container's cgroup.
type Manager struct {
	m    cg.Manager
	path string // as chosen by Path, for messages
	v2   bool
	res  *cg.Resources // the limits Create applies

	kernelTCP *int64 // see kernelTCP
}

// IsV2 reports whether the host mounts the unified cgroup v2 tree alone.
func IsV2() bool { return cg.IsCgroup2UnifiedMode() }

// New prepares the manager of the cgroup at path (see Path) with the
// config's linux.resources. Nothing is created until Create.
func New(path string, r *specs.LinuxResources) (*Manager, error) {
	v2 := IsV2()
	res, err := translate(r, v2, true)
	if err != nil {
		return nil, err
	}
	m, err := newManager(&cg.Cgroup{Path: path, Resources: res}, v2, nil)
	if err != nil {
		return nil, fmt.Errorf("cgroups: %s: %w", path, err)
	}
	return &Manager{m: m, path: path, v2: v2, res: res, kernelTCP: kernelTCP(r)}, nil
}

// kernelTCP is linux.resources.memory.kernelTCP, which the library leaves
// out with the rest of kmem: unlike memory.kmem.limit_in_bytes, which the
// kernel has ignored since 5.16, the v1 TCP buffer limit still works.
func kernelTCP(r *specs.LinuxResources) *int64 {
	if r == nil || r.Memory == nil {
		return nil
	}
	return r.Memory.KernelTCP
}

// setKernelTCP writes the v1 TCP buffer limit; cgroup v2 has none, so it
// is ignored there, as the runtime-spec allows for kernel memory.
func (m *Manager) setKernelTCP(limit *int64) error {
	if m.v2 || limit == nil {
		return nil
	}
	dir := m.m.Path("memory")
	if dir == "" {
		return nil
	}
	file := filepath.Join(dir, "memory.kmem.tcp.limit_in_bytes")
	if err := os.WriteFile(file, []byte(strconv.FormatInt(*limit, 10)), 0); err != nil {
		return fmt.Errorf("cgroups: memory.kernelTCP: %w", err)
	}
	return nil
}

// Load finds the cgroup that Paths recorded, from another process.
func Load(paths map[string]string) (*Manager, error) {
	if len(paths) == 0 {
		return nil, errors.New("cgroups: the container has no cgroup")
	}
	v2 := IsV2()
	m, err := newManager(&cg.Cgroup{Resources: &cg.Resources{SkipDevices: true}}, v2, maps.Clone(paths))
	if err != nil {
		return nil, fmt.Errorf("cgroups: %w", err)
	}
	return &Manager{m: m, path: paths[anyKey(paths)], v2: v2}, nil
}

func newManager(c *cg.Cgroup, v2 bool, paths map[string]string) (cg.Manager, error) {
	if !v2 {
		return fs.NewManager(c, paths)
	}
	dir := ""
	if paths != nil {
		dir = paths[""]
	}
	return fs2.NewManager(c, dir)
}

func anyKey(paths map[string]string) string {
	for _, k := range []string{"", "memory", "pids", "devices"} {
		if _, ok := paths[k]; ok {
			return k
		}
	}
	for k := range paths {
		return k
	}
	return ""
}

// Paths are the cgroup's directories, by controller on v1 ("" is the
// unified tree), to record with the container.
func (m *Manager) Paths() map[string]string {
	return maps.Clone(m.m.GetPaths())
}

// Path is the cgroup's path below the root of each tree, as Path chose it.
func (m *Manager) Path() string { return m.path }

// Create makes the cgroup, in every tree, and applies the limits, with no
// process in it yet. On error nothing of it remains.
func (m *Manager) Create() error {
	if err := m.m.Apply(-1); err != nil {
		m.m.Destroy()
		return fmt.Errorf("cgroups: create %s: %w", m.path, createHint(err))
	}
	// A cgroup that already holds processes is someone else's (another
	// --root with the same id, a cgroupsPath naming a busy cgroup): its
	// limits are not ours to set, nor its processes ours to kill when
	// this container goes.
	if pids, err := m.m.GetAllPids(); err == nil && len(pids) > 0 {
		return fmt.Errorf("cgroups: %s already holds %d process(es) of another container or service: "+
			"choose another id or linux.cgroupsPath", m.path, len(pids))
	}
	if err := m.m.Set(m.res); err != nil {
		m.m.Destroy()
		return fmt.Errorf("cgroups: apply linux.resources to %s: %w", m.path, err)
	}
	if err := m.setKernelTCP(m.kernelTCP); err != nil {
		m.m.Destroy()
		return err
	}
	return nil
}

// createHint explains the errno of a failed mkdir in a cgroup tree.
func createHint(err error) error {
	switch {
	case errors.Is(err, unix.EROFS):
		return fmt.Errorf("%w (the cgroup tree is mounted read-only here: are we in a container?)", err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return fmt.Errorf("%w (creating cgroups needs root, or a delegated cgroup)", err)
	}
	return err
}

// Add puts process pid, with all its threads, in the cgroup.
func (m *Manager) Add(pid int) error {
	if err := m.m.AddPid("", pid); err != nil {
		return fmt.Errorf("cgroups: add pid %d to %s: %w", pid, m.path, err)
	}
	return nil
}

// Update applies new limits to the running container. Only the limits r
// sets change; device rules are kept as they are.
func (m *Manager) Update(r *specs.LinuxResources) error {
	res, err := translate(r, m.v2, false)
	if err != nil {
		return err
	}
	res.SkipDevices = true
	if err := m.m.Set(res); err != nil {
		return fmt.Errorf("cgroups: update %s: %w", m.path, err)
	}
	return m.setKernelTCP(kernelTCP(r))
}

// Freeze stops every process of the cgroup where it stands, and returns
// once the kernel reports them all frozen.
func (m *Manager) Freeze() error {
	if err := m.m.Freeze(cg.Frozen); err != nil {
		return fmt.Errorf("cgroups: freeze %s: %w", m.path, err)
	}
	return nil
}

// Thaw lets a frozen cgroup run again.
func (m *Manager) Thaw() error {
	if err := m.m.Freeze(cg.Thawed); err != nil {
		return fmt.Errorf("cgroups: thaw %s: %w", m.path, err)
	}
	return nil
}

// Frozen reports whether the cgroup is frozen, or freezing.
func (m *Manager) Frozen() bool {
	st, err := m.m.GetFreezerState()
	return err == nil && st == cg.Frozen
}

// Claim makes the cgroup's directory in one tree with a plain mkdir(2),
// which exactly one of several callers wins: the proof that the cgroup is
// new and the caller's, where a check that it does not exist yet would
// let two racing creates both pass. The tree is the first by name but
// cpuset, whose v1 directories need cpus and mems that Create copies in.
// It fails with fs.ErrExist inside when the directory is there already.
func (m *Manager) Claim() error {
	paths := m.m.GetPaths()
	keys := slices.Sorted(maps.Keys(paths))
	for _, k := range keys {
		if k == "cpuset" || paths[k] == "" {
			continue
		}
		dir := paths[k]
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("cgroups: create %s: %w", m.path, createHint(err))
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("cgroups: claim %s: %w", m.path, err)
		}
		return nil
	}
	return nil
}

// Exists reports whether the cgroup is still there.
func (m *Manager) Exists() bool { return m.m.Exists() }

// Pids lists the host PIDs of every process in the cgroup and below.
func (m *Manager) Pids() ([]int, error) {
	pids, err := m.m.GetAllPids()
	if err != nil {
		return nil, fmt.Errorf("cgroups: list the processes of %s: %w", m.path, err)
	}
	return pids, nil
}

// Destroy removes the cgroup from every tree. With kill, it first kills
// every process still in it and waits for them to go: a cgroup that holds
// a process cannot be removed.
func (m *Manager) Destroy(kill bool) error {
	if kill {
		if err := m.killAll(); err != nil {
			return err
		}
	}
	if err := m.m.Destroy(); err != nil {
		return fmt.Errorf("cgroups: remove %s: %w", m.path, err)
	}
	return nil
}

// killAll sends SIGKILL to every process of the cgroup. A process that
// forks while it is being killed could escape a simple loop over the
// list, so v2 uses cgroup.kill (Linux 5.14), which the kernel applies to
// the whole cgroup at once, and otherwise the cgroup is frozen for the
// loop: SIGKILL ends even a frozen process once it is thawed.
func (m *Manager) killAll() error {
	if pids, err := m.m.GetAllPids(); err == nil && len(pids) == 0 {
		return nil // the common case, and freezing an empty v1 cgroup still costs a wait
	}
	if m.v2 {
		err := cg.WriteFile(m.m.Path(""), "cgroup.kill", "1")
		if err == nil || errors.Is(err, os.ErrNotExist) && !m.m.Exists() {
			return m.awaitEmpty()
		}
	}
	frozen := m.m.Freeze(cg.Frozen) == nil
	pids, _ := m.m.GetAllPids()
	for _, pid := range pids {
		unix.Kill(pid, unix.SIGKILL)
	}
	if frozen {
		m.m.Freeze(cg.Thawed)
	}
	return m.awaitEmpty()
}

// killWait bounds the wait for killed processes to leave their cgroup. A
// killed multi-threaded process stays listed (as its zombie leader) until
// its last thread is gone, and on a loaded host the kernel's teardown of a
// container's last process (its namespaces, an RCU grace period each) has
// been seen to take over 10 s: 2 cores, 12 busy loops, 50 containers
// deleted at once.
const killWait = 30 * time.Second

func (m *Manager) awaitEmpty() error {
	for deadline := time.Now().Add(killWait); ; {
		pids, err := m.m.GetAllPids()
		if err != nil || len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroups: %s: processes %v still exiting %v after SIGKILL: "+
				"the kernel has not finished tearing them down; try again", m.path, pids, killWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Sweep removes the cgroups that `sandbox run` processes left behind when
// they were killed before they could remove their own: empty cgroups
// under Parent, named by RunID after a process that no longer exists, in
// every tree, so a cgroup half removed (gone from some v1 trees, left in
// another or in a hybrid host's unified tree) goes too. A cgroup still
// holding a process is never removed: rmdir(2) refuses it.
func Sweep() {
	l, err := HostLayout()
	if err != nil {
		return
	}
	for _, t := range l.Trees {
		dir := filepath.Join(t.Mountpoint, Parent)
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			pid, ok := runOwner(e.Name())
			if !ok || !e.IsDir() || unix.Kill(pid, 0) != unix.ESRCH {
				continue
			}
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// OOM is what the memory controller counted for the cgroup.
type OOM struct {
	Kills uint64 // processes the OOM killer ended
	Hits  uint64 // times usage reached the limit (v1 memory.failcnt, v2 memory.events "max")
	Limit int64  // the memory limit in bytes, or -1 for none
}

// OOM reads the memory controller's counters: memory.events on v2,
// memory.oom_control and memory.failcnt on v1.
func (m *Manager) OOM() (OOM, error) {
	dir := m.m.Path("memory")
	if dir == "" {
		return OOM{}, fmt.Errorf("cgroups: %s has no memory controller", m.path)
	}
	var o OOM
	var err error
	if o.Kills, err = m.m.OOMKillCount(); err != nil {
		return OOM{}, fmt.Errorf("cgroups: %s: %w", m.path, err)
	}
	hitsFile, limitFile := "memory.failcnt", "memory.limit_in_bytes"
	if m.v2 {
		hitsFile, limitFile = "memory.events", "memory.max"
	}
	o.Hits = readCounter(dir, hitsFile, "max")
	o.Limit = readLimit(dir, limitFile)
	return o, nil
}
