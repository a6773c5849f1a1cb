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

	"golang.org/x/sys/unix"
)

// ErrNotExist is returned for an id that has no container.
var ErrNotExist = errors.New("container does not exist")

// ErrExist is returned by Create for an id that is taken.
var ErrExist = errors.New("container already exists")

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
	if len(id) > 1024 || strings.HasPrefix(id, ".") ||
		strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != "" {
		return fmt.Errorf("container id %q: use letters, digits and . _ + -, not starting with a dot", id)
	}
	return nil
}

// Dir is the directory of container id.
func (s *Store) Dir(id string) string {
	return filepath.Join(s.Root, id)
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
			return nil, fmt.Errorf("container %s: %w", id, ErrExist)
		}
		return nil, fmt.Errorf("state: %w", err)
	}
	l, err := s.Lock(id)
	if err != nil {
		os.RemoveAll(s.Dir(id))
		return nil, err
	}
	if err := unix.Mkfifo(s.FifoPath(id), 0o600); err != nil {
		l.Unlock()
		os.RemoveAll(s.Dir(id))
		return nil, fmt.Errorf("state: %w", &os.PathError{Op: "mkfifo", Path: s.FifoPath(id), Err: err})
	}
	return l, nil
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
		return nil, fmt.Errorf("container %s: %w", id, ErrNotExist)
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
	data, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir(c.ID), ".state-*")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(s.Dir(c.ID), "state.json"))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state: save %s: %w", c.ID, err)
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
		return nil, fmt.Errorf("container %s: %w", id, ErrNotExist)
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
