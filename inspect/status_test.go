package inspect

import (
	"slices"
	"strings"
	"testing"
)

const containerStatus = `Name:	sleep
State:	S (sleeping)
Tgid:	818
NSpid:	818	1
Uid:	1000	1000	1000	1000
Gid:	1000	1000	1000	1000
Groups:	10 20 
CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	00000000a80425fb
CapAmb:	0000000000000400
NoNewPrivs:	1
Seccomp:	2
Seccomp_filters:	1
`

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Status
	}{
		{"container process", containerStatus, Status{
			Tgid: 818, NSpid: []int{818, 1}, Uid: [4]uint32{1000, 1000, 1000, 1000}, Gid: [4]uint32{1000, 1000, 1000, 1000},
			Groups: []uint32{10, 20}, CapBnd: 0xa80425fb, CapAmb: 0x400, NoNewPrivs: true,
			Seccomp: 2, SeccompFilters: 1,
		}},
		{"host root, older kernel without Seccomp_filters", "NSpid:\t42\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n" +
			"Groups:\t\nCapEff:\t000001ffffffffff\nNoNewPrivs:\t0\nSeccomp:\t0\n", Status{
			NSpid: []int{42}, Groups: []uint32{}, CapEff: 0x1ffffffffff,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.text)
			if err != nil {
				t.Fatalf("ParseStatus: got error %v, want %+v", err, tt.want)
			}
			if !slices.Equal(got.NSpid, tt.want.NSpid) || !slices.Equal(got.Groups, tt.want.Groups) ||
				got.Uid != tt.want.Uid || got.Gid != tt.want.Gid || got.CapEff != tt.want.CapEff ||
				got.CapBnd != tt.want.CapBnd || got.CapAmb != tt.want.CapAmb || got.CapPrm != tt.want.CapPrm ||
				got.NoNewPrivs != tt.want.NoNewPrivs || got.Seccomp != tt.want.Seccomp ||
				got.SeccompFilters != tt.want.SeccompFilters || got.Tgid != tt.want.Tgid {
				t.Errorf("ParseStatus:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no NSpid", "Uid:\t0\t0\t0\t0\n", "no NSpid"},
		{"bad capability mask", "NSpid:\t1\nCapEff:\tzz\n", "CapEff"},
		{"three uids", "NSpid:\t1\nUid:\t0\t0\t0\n", "want 4"},
		{"bad group", "NSpid:\t1\nGroups:\tx\n", "Groups"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseStatus(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseStatus: got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
