package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/internal/passwd"
)

// identity is what the rootfs's account files say; both are read lazily and
// only when a name has to be resolved.
type identity struct {
	root   string
	users  []passwd.User
	groups []passwd.Group
	loaded bool
}

func (id *identity) load() error {
	if id.loaded {
		return nil
	}
	id.loaded = true
	var err error
	if id.users, err = readAccounts(id.root, "/etc/passwd", passwd.ParseUsers); err != nil {
		return err
	}
	id.groups, err = readAccounts(id.root, "/etc/group", passwd.ParseGroups)
	return err
}

// readAccounts parses an account file of the rootfs; a missing file reads
// as empty, as it does for libc.
func readAccounts[T any](root, name string, parse func(io.Reader) ([]T, error)) ([]T, error) {
	data, err := readInRootfs(root, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rootfs %s: %w", root, err)
	}
	return parse(bytes.NewReader(data))
}

func setUser(s *specs.Spec, o Options) error {
	id := &identity{root: s.Root.Path}
	// The account files are read first, and their errors reported as the
	// rootfs's: they are not the fault of --user, which may be empty.
	if err := id.load(); err != nil {
		return err
	}
	u, err := id.resolve(o.User)
	if err != nil {
		return fmt.Errorf("--user %s: %w", o.User, err)
	}
	for _, g := range o.GroupAdd {
		gid, err := id.gid(g)
		if err != nil {
			return fmt.Errorf("--group-add %s: %w", g, err)
		}
		u.AdditionalGids = appendNew(u.AdditionalGids, gid)
	}
	s.Process.User = u
	return nil
}

// resolve reads UID[:GID] or NAME[:GROUP] the way docker does: a user found
// in the rootfs's /etc/passwd brings its primary group and the groups that
// list it as a member; an unknown numeric uid runs with gid 0.
func (id *identity) resolve(spec string) (specs.User, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if userPart == "" {
		userPart = "0"
	}
	u, err := id.user(userPart)
	if err != nil {
		return specs.User{}, err
	}
	out := specs.User{UID: u.UID, GID: u.GID}
	if u.Name != "" {
		out.AdditionalGids = passwd.MemberOf(id.groups, u.Name)
	}
	if hasGroup {
		if out.GID, err = id.gid(groupPart); err != nil {
			return specs.User{}, err
		}
	}
	return out, nil
}

func (id *identity) user(s string) (passwd.User, error) {
	if err := id.load(); err != nil {
		return passwd.User{}, err
	}
	if uid, ok, err := parseNumericID("uid", s); ok || err != nil {
		if err != nil {
			return passwd.User{}, err
		}
		u, found := passwd.UserByID(id.users, uid)
		if !found {
			return passwd.User{UID: uid}, nil
		}
		return u, nil
	}
	u, found := passwd.UserByName(id.users, s)
	if !found {
		return passwd.User{}, fmt.Errorf("user %q is not in the rootfs's /etc/passwd: give a numeric uid or add the user", s)
	}
	return u, nil
}

func (id *identity) gid(s string) (uint32, error) {
	if gid, ok, err := parseNumericID("gid", s); ok || err != nil {
		return gid, err
	}
	if err := id.load(); err != nil {
		return 0, err
	}
	g, found := passwd.GroupByName(id.groups, s)
	if !found {
		return 0, fmt.Errorf("group %q is not in the rootfs's /etc/group: give a numeric gid or add the group", s)
	}
	return g.GID, nil
}

// parseNumericID reports whether s is a number (digits, possibly after a
// minus sign, which is then refused) and, if so, whether it is a valid id.
// Anything else is a name.
func parseNumericID(kind, s string) (uint32, bool, error) {
	if s == "" {
		return 0, false, fmt.Errorf("empty %s", kind)
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false, nil
	}
	id, ok := passwd.ParseID(s)
	if !ok {
		return 0, true, fmt.Errorf("%s %s is out of range: use 0 to %d", kind, s, uint32(passwd.MaxID))
	}
	return id, true, nil
}

func appendNew(ids []uint32, id uint32) []uint32 {
	for _, v := range ids {
		if v == id {
			return ids
		}
	}
	return append(ids, id)
}
