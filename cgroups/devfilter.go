package cgroups

import (
	"encoding/binary"

	devices "github.com/opencontainers/cgroups/devices/config"
)

// On cgroup v2 the kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program
// about every device access instead of reading rule lists. The program
// gets a struct bpf_cgroup_dev_ctx (include/uapi/linux/bpf.h):
//
//	u32 access_type   (access << 16) | type
//	u32 major
//	u32 minor
//
// and returns 1 to allow, 0 to deny. devFilter compiles the rule list into
// one: the rules are tested from the last to the first and the first that
// matches decides, which is what the v1 lists give for the lists sandbox
// writes (a leading "deny all", then exceptions). No rule matching means
// deny.
const (
	devTypeBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devTypeChar  = 2 // BPF_DEVCG_DEV_CHAR
	devMknod     = 1 // BPF_DEVCG_ACC_MKNOD
	devRead      = 2 // BPF_DEVCG_ACC_READ
	devWrite     = 4 // BPF_DEVCG_ACC_WRITE
)

// Registers the filter uses, after its prologue.
const (
	regCtx, regType, regAccess, regMajor, regMinor, regTmp = 1, 2, 3, 4, 5, 6
)

// insn is one eBPF instruction (struct bpf_insn).
type insn struct {
	op       uint8
	dst, src uint8
	off      int16
	imm      int32
}

// Opcodes, from include/uapi/linux/bpf.h and bpf_common.h.
const (
	opLoadW   = 0x61 // BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off)
	opMovImm  = 0xb7 // BPF_ALU64 | BPF_MOV | BPF_K
	opMovReg  = 0xbf // BPF_ALU64 | BPF_MOV | BPF_X
	opAndImm  = 0x57 // BPF_ALU64 | BPF_AND | BPF_K
	opRshImm  = 0x77 // BPF_ALU64 | BPF_RSH | BPF_K
	opJeqImm  = 0x15 // BPF_JMP | BPF_JEQ | BPF_K: if dst == imm, skip off
	opJneImm  = 0x55 // BPF_JMP | BPF_JNE | BPF_K
	opExit    = 0x95 // BPF_JMP | BPF_EXIT: return r0
	regResult = 0
)

// devFilter compiles rules into the program's instructions.
func devFilter(rules []*devices.Rule) []insn {
	prog := []insn{
		{op: opLoadW, dst: regType, src: regCtx, off: 0},
		{op: opMovReg, dst: regAccess, src: regType},
		{op: opRshImm, dst: regAccess, imm: 16},
		{op: opAndImm, dst: regType, imm: 0xffff},
		{op: opLoadW, dst: regMajor, src: regCtx, off: 4},
		{op: opLoadW, dst: regMinor, src: regCtx, off: 8},
	}
	for i := len(rules) - 1; i >= 0; i-- {
		block := ruleBlock(rules[i])
		prog = append(prog, block...)
		if len(block) == 2 {
			// A rule that matches every access decides them all: the
			// verifier refuses code after it as unreachable.
			return prog
		}
	}
	return append(prog, insn{op: opMovImm, dst: regResult, imm: 0}, insn{op: opExit})
}

// ruleBlock tests one rule; when it matches, the program returns its
// verdict, and otherwise every test jumps past the block. An allow rule
// matches an access it fully covers; a deny rule one it touches at all.
func ruleBlock(r *devices.Rule) []insn {
	var tests []insn
	switch r.Type {
	case devices.CharDevice:
		tests = append(tests, insn{op: opJneImm, dst: regType, imm: devTypeChar})
	case devices.BlockDevice:
		tests = append(tests, insn{op: opJneImm, dst: regType, imm: devTypeBlock})
	}
	acc := accessBits(r.Permissions)
	if acc != devMknod|devRead|devWrite {
		tests = append(tests, insn{op: opMovReg, dst: regTmp, src: regAccess})
		if r.Allow {
			tests = append(tests, insn{op: opAndImm, dst: regTmp, imm: ^acc & 7},
				insn{op: opJneImm, dst: regTmp, imm: 0})
		} else {
			tests = append(tests, insn{op: opAndImm, dst: regTmp, imm: acc},
				insn{op: opJeqImm, dst: regTmp, imm: 0})
		}
	}
	if r.Type != devices.WildcardDevice && r.Major != devices.Wildcard {
		tests = append(tests, insn{op: opJneImm, dst: regMajor, imm: int32(r.Major)})
	}
	if r.Type != devices.WildcardDevice && r.Minor != devices.Wildcard {
		tests = append(tests, insn{op: opJneImm, dst: regMinor, imm: int32(r.Minor)})
	}
	verdict := int32(0)
	if r.Allow {
		verdict = 1
	}
	block := append(tests, insn{op: opMovImm, dst: regResult, imm: verdict}, insn{op: opExit})
	for i := range block {
		if block[i].op == opJneImm || block[i].op == opJeqImm {
			block[i].off = int16(len(block) - i - 1)
		}
	}
	return block
}

func accessBits(p devices.Permissions) int32 {
	var acc int32
	for _, c := range p {
		switch c {
		case 'm':
			acc |= devMknod
		case 'r':
			acc |= devRead
		case 'w':
			acc |= devWrite
		}
	}
	return acc
}

// encode lays the instructions out as the kernel reads them.
func encode(prog []insn) []byte {
	out := make([]byte, 0, 8*len(prog))
	for _, in := range prog {
		out = append(out, in.op, in.dst&0xf|in.src<<4)
		out = binary.LittleEndian.AppendUint16(out, uint16(in.off))
		out = binary.LittleEndian.AppendUint32(out, uint32(in.imm))
	}
	return out
}
