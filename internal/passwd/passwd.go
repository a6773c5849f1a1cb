// Package passwd reads the /etc/passwd and /etc/group files of a root
// filesystem. Callers find the files, inside the rootfs, in whatever safe
// way their stage allows, and hand ReadFile a handle; ReadFile reads only
// a regular file of bounded size, and the Parse functions take any length
// of line.
package passwd

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// User is one line of /etc/passwd.
type User struct {
	Name string
	UID  uint32
	GID  uint32
	Home string
}

// Group is one line of /etc/group.
type Group struct {
	Name    string
	GID     uint32
	Members []string
}

// ParseUsers reads passwd(5) lines. Lines that do not parse (comments,
// NIS "+" entries, ids out of range) are skipped, as libc does.
func ParseUsers(r io.Reader) ([]User, error) {
	var users []User
	err := eachLine(r, 7, func(f []string) {
		uid, ok1 := ParseID(f[2])
		gid, ok2 := ParseID(f[3])
		if ok1 && ok2 {
			users = append(users, User{Name: f[0], UID: uid, GID: gid, Home: f[5]})
		}
	})
	return users, err
}

// ParseGroups reads group(5) lines, skipping those that do not parse.
func ParseGroups(r io.Reader) ([]Group, error) {
	var groups []Group
	err := eachLine(r, 4, func(f []string) {
		gid, ok := ParseID(f[2])
		if !ok {
			return
		}
		g := Group{Name: f[0], GID: gid}
		if f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		groups = append(groups, g)
	})
	return groups, err
}

func eachLine(r io.Reader, fields int, fn func([]string)) error {
	s := bufio.NewScanner(r)
	// A line may be as long as the file (a group with many members):
	// bufio's default limit of 64 KiB would make one such line an error.
	s.Buffer(nil, MaxFileSize+1)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) == fields {
			fn(f)
		}
	}
	return s.Err()
}

// MaxID is the largest valid uid or gid: (uid_t)-1 means "no change" to the
// kernel, so it can never name a user.
const MaxID = 1<<32 - 2

// ParseID reads a decimal uid or gid, refusing negative and out-of-range
// values instead of wrapping them (a wrapped -4294967296 would be root).
func ParseID(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > MaxID {
		return 0, false
	}
	return uint32(n), true
}
