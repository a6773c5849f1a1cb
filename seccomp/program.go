package seccomp

import (
	"encoding/binary"
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Program is a compiled filter, ready for seccomp(2): what the child
// receives in its config.
type Program struct {
	// BPF is the classic BPF program, struct sock_filter after struct
	// sock_filter, in the host's byte order.
	BPF []byte `json:"bpf"`
	// Flags are the SECCOMP_FILTER_FLAG_* bits to load it with.
	Flags uint `json:"flags,omitempty"`
}

// instructions decodes the program into the kernel's struct sock_filter.
func (p *Program) instructions() ([]unix.SockFilter, error) {
	n := len(p.BPF) / 8
	if n == 0 || n > 0xffff || len(p.BPF)%8 != 0 {
		return nil, errors.New("seccomp: the filter program is malformed")
	}
	insns := make([]unix.SockFilter, n)
	for i := range insns {
		b := p.BPF[8*i:]
		insns[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(b), Jt: b[2], Jf: b[3], K: binary.NativeEndian.Uint32(b[4:]),
		}
	}
	return insns, nil
}

// flagBits is the SECCOMP_FILTER_FLAG_* bits of validated flags.
func flagBits(flags []specs.LinuxSeccompFlag) uint {
	var bits uint
	for _, f := range flags {
		bits |= Flags[f]
	}
	return bits
}
