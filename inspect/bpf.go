package inspect

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// seccompData is struct seccomp_data as a filter sees it (seccomp(2)): nr
// at 0, arch at 4, instruction_pointer at 8, args[6] from 16, in host byte
// order. Loads at or past argsOffset, or of the instruction pointer, are
// what make a call's outcome depend on more than its number.
const (
	seccompDataSize = 64
	ipOffset        = 8
	argsOffset      = 16
)

// Verdict is what one filter run returned for one system call.
type Verdict struct {
	Ret uint32
	// Inspected is set when the run read the arguments or the instruction
	// pointer: with other values, the outcome may differ.
	Inspected bool
}

// RunFilter runs a classic BPF seccomp program for system call nr of
// architecture arch, with every argument and the instruction pointer zero.
//
// It follows the kernel's rules for seccomp programs: 32-bit aligned loads
// from seccomp_data only, sixteen scratch words, jumps only forward (so it
// ends within len(prog) steps), and a division by zero in X returns 0.
func RunFilter(prog []unix.SockFilter, nr int32, arch uint32) (Verdict, error) {
	var data [seccompDataSize]byte
	binary.NativeEndian.PutUint32(data[0:], uint32(nr))
	binary.NativeEndian.PutUint32(data[4:], arch)
	m := machine{data: data[:]}
	for pc := 0; pc < len(prog); pc++ {
		ins := prog[pc]
		ret, done, err := m.step(ins, &pc)
		if err != nil {
			return Verdict{}, fmt.Errorf("bpf: instruction %d (code %#x): %w", pc, ins.Code, err)
		}
		if done {
			return Verdict{Ret: ret, Inspected: m.inspected}, nil
		}
	}
	return Verdict{}, fmt.Errorf("bpf: the program ends without a return")
}

// machine is the state of one run: the accumulator, the index register
// and the scratch memory.
type machine struct {
	data      []byte
	a, x      uint32
	mem       [16]uint32
	inspected bool
}

// step runs one instruction; pc is advanced by jumps (the loop adds one).
func (m *machine) step(ins unix.SockFilter, pc *int) (uint32, bool, error) {
	switch ins.Code & 0x07 {
	case unix.BPF_LD:
		return 0, false, m.load(ins, &m.a)
	case unix.BPF_LDX:
		return 0, false, m.load(ins, &m.x)
	case unix.BPF_ST, unix.BPF_STX:
		if ins.K >= 16 {
			return 0, false, fmt.Errorf("store to scratch word %d", ins.K)
		}
		v := m.a
		if ins.Code&0x07 == unix.BPF_STX {
			v = m.x
		}
		m.mem[ins.K] = v
		return 0, false, nil
	case unix.BPF_ALU:
		// A division by an X of zero ends the program with 0, which
		// seccomp reads as kill; the checker refuses a constant zero.
		op := ins.Code & 0xf0
		if (op == unix.BPF_DIV || op == unix.BPF_MOD) && ins.Code&0x08 == unix.BPF_X && m.x == 0 {
			return 0, true, nil
		}
		return 0, false, m.alu(ins)
	case unix.BPF_JMP:
		return 0, false, m.jump(ins, pc)
	case unix.BPF_RET:
		if ins.Code&0x18 == unix.BPF_A {
			return m.a, true, nil
		}
		return ins.K, true, nil
	default: // unix.BPF_MISC
		if ins.Code&0xf8 == unix.BPF_TXA {
			m.a = m.x
		} else {
			m.x = m.a
		}
		return 0, false, nil
	}
}

func (m *machine) load(ins unix.SockFilter, reg *uint32) error {
	switch ins.Code & 0xe0 {
	case unix.BPF_IMM:
		*reg = ins.K
	case unix.BPF_LEN:
		*reg = seccompDataSize
	case unix.BPF_MEM:
		if ins.K >= 16 {
			return fmt.Errorf("load of scratch word %d", ins.K)
		}
		*reg = m.mem[ins.K]
	case unix.BPF_ABS:
		if ins.Code&0x18 != unix.BPF_W || ins.K%4 != 0 || ins.K >= seccompDataSize {
			return fmt.Errorf("load at offset %d: seccomp allows aligned 32-bit loads only", ins.K)
		}
		if ins.K >= ipOffset {
			m.inspected = true
		}
		*reg = binary.NativeEndian.Uint32(m.data[ins.K:])
	default:
		return fmt.Errorf("load mode %#x is not allowed in seccomp", ins.Code&0xe0)
	}
	return nil
}

func (m *machine) alu(ins unix.SockFilter) error {
	v := ins.K
	if ins.Code&0x08 == unix.BPF_X {
		v = m.x
	}
	if v == 0 && (ins.Code&0xf0 == unix.BPF_DIV || ins.Code&0xf0 == unix.BPF_MOD) {
		return fmt.Errorf("division by a constant zero")
	}
	switch ins.Code & 0xf0 {
	case unix.BPF_ADD:
		m.a += v
	case unix.BPF_SUB:
		m.a -= v
	case unix.BPF_MUL:
		m.a *= v
	case unix.BPF_DIV:
		m.a /= v
	case unix.BPF_MOD:
		m.a %= v
	case unix.BPF_OR:
		m.a |= v
	case unix.BPF_AND:
		m.a &= v
	case unix.BPF_XOR:
		m.a ^= v
	case unix.BPF_LSH:
		m.a <<= v & 31
	case unix.BPF_RSH:
		m.a >>= v & 31
	case unix.BPF_NEG:
		m.a = -m.a
	default:
		return fmt.Errorf("unknown ALU operation")
	}
	return nil
}

func (m *machine) jump(ins unix.SockFilter, pc *int) error {
	v := ins.K
	if ins.Code&0x08 == unix.BPF_X {
		v = m.x
	}
	var taken bool
	switch ins.Code & 0xf0 {
	case unix.BPF_JA:
		*pc += int(ins.K)
		return nil
	case unix.BPF_JEQ:
		taken = m.a == v
	case unix.BPF_JGT:
		taken = m.a > v
	case unix.BPF_JGE:
		taken = m.a >= v
	case unix.BPF_JSET:
		taken = m.a&v != 0
	default:
		return fmt.Errorf("unknown jump")
	}
	if taken {
		*pc += int(ins.Jt)
	} else {
		*pc += int(ins.Jf)
	}
	return nil
}

// Action names the action of a filter's return value.
func Action(ret uint32) string {
	switch ret & unix.SECCOMP_RET_ACTION_FULL {
	case unix.SECCOMP_RET_KILL_PROCESS:
		return "kill_process"
	case unix.SECCOMP_RET_KILL_THREAD:
		return "kill_thread"
	case unix.SECCOMP_RET_TRAP:
		return "trap"
	case unix.SECCOMP_RET_ERRNO:
		return "errno"
	case unix.SECCOMP_RET_USER_NOTIF:
		return "notify"
	case unix.SECCOMP_RET_TRACE:
		return "trace"
	case unix.SECCOMP_RET_LOG:
		return "log"
	case unix.SECCOMP_RET_ALLOW:
		return "allow"
	}
	return "kill_process" // the kernel treats an unknown action as kill
}

// Stricter reports whether return value a takes precedence over b when
// several filters answer one call: the kernel keeps the action with the
// lowest value as a signed number (seccomp(2), "multiple filters").
func Stricter(a, b uint32) bool {
	return int32(a&unix.SECCOMP_RET_ACTION_FULL) < int32(b&unix.SECCOMP_RET_ACTION_FULL)
}
