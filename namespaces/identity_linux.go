package namespaces

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
	"sandbox/internal/passwd"
)

// setIDs returns the identity change that caps.Apply runs between its
// steps: supplementary groups, then gid, then uid (each needs the
// capability that the next one takes away).
func setIDs(u specs.User, x *explain.Recorder) func() error {
	return func() error {
		// An empty list still clears the groups inherited from the host.
		err := setgroupsThread(u.AdditionalGids)
		if errors.Is(err, unix.EPERM) && len(u.AdditionalGids) == 0 {
			err = nil // setgroups is denied in this user namespace; nothing to clear
		}
		if err != nil {
			return fmt.Errorf("set supplementary groups %v: %w (an unprivileged user namespace denies setgroups)",
				u.AdditionalGids, err)
		}
		x.Groups(u.AdditionalGids)
		if err := setresgidThread(u.GID); err != nil {
			return fmt.Errorf("set gid %d: %w", u.GID, err)
		}
		x.ID("setresgid", u.GID)
		if err := setresuidThread(u.UID); err != nil {
			return fmt.Errorf("set uid %d: %w", u.UID, err)
		}
		x.ID("setresuid", u.UID)
		mask := 0o022
		if u.Umask != nil {
			mask = int(*u.Umask)
		}
		unix.Umask(mask)
		x.Umask(mask)
		return nil
	}
}

// withHome adds HOME from the container's /etc/passwd when the environment
// lacks it: the user's home, or / for a uid with no entry. An /etc/passwd
// that cannot serve (missing, not a regular file, too large: see
// passwd.ReadFile) also means /: HOME is a convenience, and a FIFO or a
// link to stdin in the image must neither hang the start nor eat the
// workload's input.
//
// Preconditions: after pivot_root, so the file read is the container's.
func withHome(env []string, uid uint32) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "HOME=") {
			return env
		}
	}
	home := "/"
	if u, ok := containerUser(uid); ok && u.Home != "" {
		home = u.Home
	}
	return append(env, "HOME="+home)
}

func containerUser(uid uint32) (passwd.User, bool) {
	h, err := os.OpenFile("/etc/passwd", unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return passwd.User{}, false
	}
	defer h.Close()
	data, err := passwd.ReadFile(h)
	if err != nil {
		return passwd.User{}, false
	}
	users, _ := passwd.ParseUsers(bytes.NewReader(data))
	return passwd.UserByID(users, uid)
}
