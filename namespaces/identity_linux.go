package namespaces

import (
	"errors"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/passwd"
)

// setIDs returns the identity change that caps.Apply runs between its
// steps: supplementary groups, then gid, then uid (each needs the
// capability that the next one takes away).
func setIDs(u specs.User) func() error {
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
		if err := setresgidThread(u.GID); err != nil {
			return fmt.Errorf("set gid %d: %w", u.GID, err)
		}
		if err := setresuidThread(u.UID); err != nil {
			return fmt.Errorf("set uid %d: %w", u.UID, err)
		}
		mask := 0o022
		if u.Umask != nil {
			mask = int(*u.Umask)
		}
		unix.Umask(mask)
		return nil
	}
}

// withHome adds HOME from the container's /etc/passwd when the environment
// lacks it: the user's home, or / for a uid with no entry.
//
// Preconditions: after pivot_root, so the file read is the container's.
func withHome(env []string, uid uint32) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "HOME=") {
			return env
		}
	}
	home := "/"
	if f, err := os.Open("/etc/passwd"); err == nil {
		users, _ := passwd.ParseUsers(f)
		f.Close()
		if u, ok := passwd.UserByID(users, uid); ok && u.Home != "" {
			home = u.Home
		}
	}
	return append(env, "HOME="+home)
}
