package seccomp

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// HostTarget is the Target of a container on this host whose bounding set
// is caps.
func HostTarget(caps []string) (Target, error) {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return Target{}, os.NewSyscallError("uname", err)
	}
	t := Target{Arch: NativeArch(), Caps: caps}
	release := unix.ByteSliceToString(uts.Release[:])
	if _, err := fmt.Sscanf(release, "%d.%d", &t.Kernel[0], &t.Kernel[1]); err != nil {
		return Target{}, fmt.Errorf("seccomp: kernel release %q: %w", release, err)
	}
	return t, nil
}
