package cgroups

import (
	"encoding/hex"
	"testing"

	devices "github.com/opencontainers/cgroups/devices/config"
)

// run interprets the filter as the kernel would, for one access: it
// covers exactly the instructions devFilter emits.
func run(t *testing.T, prog []insn, typ, access, major, minor uint32) int {
	t.Helper()
	ctx := []uint32{access<<16 | typ, major, minor}
	var r [11]uint64
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.op {
		case opLoadW:
			r[in.dst] = uint64(ctx[in.off/4])
		case opMovImm:
			r[in.dst] = uint64(int64(in.imm))
		case opMovReg:
			r[in.dst] = r[in.src]
		case opAndImm:
			r[in.dst] &= uint64(int64(in.imm))
		case opRshImm:
			r[in.dst] >>= uint(in.imm)
		case opJneImm:
			if r[in.dst] != uint64(int64(in.imm)) {
				pc += int(in.off)
			}
		case opJeqImm:
			if r[in.dst] == uint64(int64(in.imm)) {
				pc += int(in.off)
			}
		case opExit:
			return int(r[0])
		default:
			t.Fatalf("instruction %d: unknown opcode %#x", pc, in.op)
		}
	}
	t.Fatal("the program ran off its end")
	return -1
}

func TestDevFilter(t *testing.T) {
	rules := append([]*devices.Rule{denyAll,
		{Type: devices.CharDevice, Major: 10, Minor: 200, Permissions: "rw", Allow: true},
		{Type: devices.CharDevice, Major: 1, Minor: 8, Permissions: "w", Allow: false},
	}, defaultDevices...)
	prog := devFilter(rules)
	const r, w, m = devRead, devWrite, devMknod
	tests := []struct {
		name                      string
		typ, access, major, minor uint32
		want                      int
	}{
		{"read /dev/null", devTypeChar, r, 1, 3, 1},
		{"write /dev/null", devTypeChar, w | r, 1, 3, 1},
		{"a pty", devTypeChar, r | w, 136, 7, 1},
		{"mknod any char", devTypeChar, m, 8, 0, 1},
		{"mknod any block", devTypeBlock, m, 8, 0, 1},
		{"read a disk", devTypeBlock, r, 8, 0, 0},
		{"read /dev/mem", devTypeChar, r, 1, 1, 0},
		{"tun read write", devTypeChar, r | w, 10, 200, 1},
		{"tun mknod needs m", devTypeChar, m | r, 10, 200, 0},
		{"block 10:200 is not the char rule", devTypeBlock, r, 10, 200, 0},
		// The default allows random rwm, and comes after the deny: it wins.
		{"later rules decide", devTypeChar, w, 1, 8, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t, prog, tt.typ, tt.access, tt.major, tt.minor); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}

	// A deny rule that comes last overrides an earlier allow.
	prog = devFilter([]*devices.Rule{denyAll, defaultDevices[2],
		{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "w", Allow: false}})
	if got := run(t, prog, devTypeChar, w, 1, 3); got != 0 {
		t.Errorf("write /dev/null after a later deny: got %d, want 0", got)
	}
	if got := run(t, prog, devTypeChar, r, 1, 3); got != 1 {
		t.Errorf("read /dev/null after a deny of w only: got %d, want 1", got)
	}
}

func TestEncode(t *testing.T) {
	got := hex.EncodeToString(encode([]insn{
		{op: opLoadW, dst: 2, src: 1, off: 4},
		{op: opJneImm, dst: 4, off: 3, imm: -1},
		{op: opExit},
	}))
	want := "6112040000000000" + "55040300ffffffff" + "9500000000000000"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
