package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ErrNotExist is returned for an id that has no container.
var ErrNotExist = errors.New("container does not exist")

// ErrExist is returned by Create for an id that is taken.
var ErrExist = errors.New("container already exists")

// idError is a sentinel about one container id; it reads as one sentence.
type idError struct {
	id   string
	err  error
	hint string
}

func (e *idError) Error() string {
	return fmt.Sprintf("container %s %s: %s", e.id, strings.TrimPrefix(e.err.Error(), "container "), e.hint)
}

func (e *idError) Unwrap() error { return e.err }

func notExist(id string) error {
	return &idError{id, ErrNotExist, "see `sandbox list` for the containers under this --root"}
}

// Container is the record of one container.
type Container struct {
	ID          string            `json:"id"`
	Bundle      string            `json:"bundle"`
	Pid         int               `json:"pid"`
	InitStart   uint64            `json:"initStart"` // the init's start time, in clock ticks since boot
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`

	// CgroupPaths are the directories of the container's cgroup, by
	// controller on cgroup v1 ("" is the unified tree): cgroups.Load
	// finds the cgroup from them. Empty when the container has none.
	CgroupPaths map[string]string `json:"cgroupPaths,omitempty"`
}

// Store is the state root: one directory per container.
type Store struct {
	Root string
}

// ValidateID accepts the ids runc accepts: letters, digits, and . _ + -,
// not starting with a dot, so an id can never name a path outside Root.
func ValidateID(id string) error {
	if id == "" {
		return errors.New("container id is empty")
	}
	// The id names a directory here and a cgroup: one file name each.
	if len(id) > 255 {
		return fmt.Errorf("container id is %d characters long: keep it to 255", len(id))
	}
	if strings.HasPrefix(id, ".") ||
		strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != "" {
		return fmt.Errorf("container id %q: use letters, digits and . _ + -, not starting with a dot", id)
	}
	return nil
}

// Dir is the directory of container id.
func (s *Store) Dir(id string) string {
	return filepath.Join(s.Root, id)
}

// SeccompCache is the directory of compiled seccomp filters (see
// seccomp.CompileCached). Its name starts with a dot, which no container id
// does.
func (s *Store) SeccompCache() string {
	return filepath.Join(s.Root, ".seccomp")
}

// FifoPath is the exec fifo of container id.
func (s *Store) FifoPath(id string) string {
	return filepath.Join(s.Dir(id), "exec.fifo")
}

// Create makes the directory of a new container, locked, with its exec
// fifo. It fails with ErrExist if the id is taken.
func (s *Store) Create(id string) (*Lock, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Root, 0o700); err != nil {
		return nil, fmt.Errorf("state root: %w", err)
	}
	if err := os.Mkdir(s.Dir(id), 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, &idError{id, ErrExist, "choose another id, or delete the old container"}
		}
		return nil, fmt.Errorf("state: %w", err)
	}
	l, err := s.Lock(id)
	if err != nil {
		os.RemoveAll(s.Dir(id))
		return nil, err
	}
	if err := makeFifo(s.FifoPath(id)); err != nil {
		l.Unlock()
		os.RemoveAll(s.Dir(id))
		return nil, fmt.Errorf("state: %w", err)
	}
	return l, nil
}

// makeFifo creates the exec fifo writable by anyone. The init opens it for
// writing after it has taken the container user's uid and dropped its
// capabilities, so a fifo only root may write would stop every container
// that runs as another user (podman run --user 1000). Nobody else can reach
// it: the state directory is root's alone, and the init goes through the
// descriptor its parent opened (see package namespaces). The mode is set
// apart from mkfifo(2) so the umask cannot narrow it.
func makeFifo(path string) error {
	if err := unix.Mkfifo(path, 0o600); err != nil {
		return &os.PathError{Op: "mkfifo", Path: path, Err: err}
	}
	return os.Chmod(path, 0o622)
}

// Lock is an exclusive hold on one container's record.
type Lock struct {
	dir *os.File
}

// Lock waits for the exclusive lock on container id.
func (s *Store) Lock(id string) (*Lock, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	dir, err := os.Open(s.Dir(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notExist(id)
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if err := unix.Flock(int(dir.Fd()), unix.LOCK_EX); err != nil {
		dir.Close()
		return nil, fmt.Errorf("state: lock %s: %w", id, err)
	}
	return &Lock{dir: dir}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() {
	l.dir.Close()
}

// Save writes c's record atomically.
func (s *Store) Save(c *Container) error {
	return s.writeJSON(c.ID, "state.json", c)
}

// SaveConfig keeps the container's config beside its record, so that exec
// and update act on the config it was created from, whatever happens to
// the bundle afterwards.
func (s *Store) SaveConfig(id string, spec *specs.Spec) error {
	return s.writeJSON(id, "config.json", spec)
}

// LoadConfig reads the config kept by SaveConfig.
func (s *Store) LoadConfig(id string) (*specs.Spec, error) {
	data, err := os.ReadFile(filepath.Join(s.Dir(id), "config.json"))
	if err != nil {
		return nil, fmt.Errorf("state: config of %s: %w", id, err)
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("state: %s/config.json: %w", s.Dir(id), err)
	}
	return &spec, nil
}

// writeJSON replaces file name of container id with v, atomically: a
// reader sees the old file or the new one, never a part.
func (s *Store) writeJSON(id, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir(id), "."+name+"-*")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(s.Dir(id), name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state: save %s of %s: %w", name, id, err)
	}
	return nil
}

// Load reads the record of container id. A directory without a record is
// a create still in progress, or one that died half-way; it reads as
// ErrNotExist.
func (s *Store) Load(id string) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(s.Dir(id), "state.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notExist(id)
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var c Container
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("state: %s/state.json: %w", s.Dir(id), err)
	}
	return &c, nil
}

// Remove deletes the directory of container id.
func (s *Store) Remove(id string) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	// A mount left below the directory (the rootfs of a container that
	// shares the host's mount namespace) would make RemoveAll walk into
	// the container's files: never remove through one.
	if ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(s.Dir(id))); err != nil || len(ms) > 0 {
		return fmt.Errorf("state: %s still has mounts below it; not removed", s.Dir(id))
	}
	if err := os.RemoveAll(s.Dir(id)); err != nil {
		return fmt.Errorf("state: remove %s: %w", id, err)
	}
	return nil
}

// List returns the ids that have a record, sorted.
func (s *Store) List() ([]string, error) {
	entries, err := os.ReadDir(s.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(s.Root, e.Name(), "state.json")); e.IsDir() && err == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}
