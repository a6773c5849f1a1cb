//go:build cgo

package seccomp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// CompileCached is Compile with a cache of programs in dir, one file per
// distinct linux.seccomp, or plain Compile when dir is "".
//
// libseccomp takes some 20 ms to compile Docker's profile for x86-64 with
// its 32-bit and x32 sub-architectures, as long as the rest of a container
// start; a cached program is read in a fraction of a millisecond. The key
// covers everything the program depends on: the profile, the architecture
// and the libseccomp version. dir is created mode 0700, and a file is used
// only if it belongs to the caller and no one else may write it, since its
// content becomes the container's filter. A cache that cannot be written
// costs speed, not correctness.
func CompileCached(s *specs.LinuxSeccomp, dir string) (*Program, error) {
	if s == nil || dir == "" {
		return Compile(s)
	}
	if err := Validate(s); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, cacheKey(s))
	if bpf, ok := readCached(path); ok {
		return &Program{BPF: bpf, Flags: flagBits(s.Flags)}, nil
	}
	p, err := Compile(s)
	if err != nil {
		return nil, err
	}
	writeCached(dir, path, p.BPF)
	return p, nil
}

// cacheKey hashes every field of s that the program depends on, written
// out field by field rather than through encoding/json, whose encoders for
// these types would cost the parent memory on every start.
func cacheKey(s *specs.LinuxSeccomp) string {
	major, minor, micro := libseccomp.GetLibraryVersion()
	h := sha256.New()
	fmt.Fprintf(h, "sandbox seccomp v1 %s libseccomp %d.%d.%d\n", runtime.GOARCH, major, minor, micro)
	fmt.Fprintf(h, "%s %d %q\n", s.DefaultAction, errnoOf(s.DefaultErrnoRet), s.Architectures)
	for _, sc := range s.Syscalls {
		fmt.Fprintf(h, "%q %s %d", sc.Names, sc.Action, errnoOf(sc.ErrnoRet))
		for _, a := range sc.Args {
			fmt.Fprintf(h, " %d %d %d %s", a.Index, a.Value, a.ValueTwo, a.Op)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)) + ".bpf"
}

// errnoOf is errnoRet as the filter uses it, -1 for none (EPERM).
func errnoOf(errnoRet *uint) int64 {
	if errnoRet == nil {
		return -1
	}
	return int64(*errnoRet)
}

func readCached(path string) ([]byte, bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil ||
		int(st.Uid) != os.Geteuid() || st.Mode&0o022 != 0 || st.Mode&unix.S_IFMT != unix.S_IFREG ||
		st.Size == 0 || st.Size%8 != 0 || st.Size > 8*0xffff {
		return nil, false
	}
	bpf := make([]byte, st.Size)
	if _, err := io.ReadFull(f, bpf); err != nil {
		return nil, false
	}
	return bpf, true
}

// writeCached stores a program under a temporary name and renames it into
// place, so a reader never sees half a file.
func writeCached(dir, path string, bpf []byte) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(bpf)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}
