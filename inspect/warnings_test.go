package inspect

import (
	"strings"
	"testing"
)

func TestWarnings(t *testing.T) {
	const host = uint64(0x1fffeffffff) // a host that withholds CAP_SYS_RESOURCE
	def := uint64(0xa80425fb)
	ids := func(n uint32) [4]uint32 { return [4]uint32{n, n, n, n} }
	tests := []struct {
		name      string
		uid, huid [4]uint32
		root      int64
		eff       uint64
		want      []string
	}{
		{"host root, default set", ids(0), ids(0), 0, def, []string{"uid 0 here is uid 0 of the host"}},
		{"privileged on a host that withholds one", ids(0), ids(0), 0, host,
			[]string{"uid 0 here is uid 0 of the host", "every capability is effective"}},
		{"user namespace, root is 100000", ids(0), ids(100000), 100000, host, nil},
		{"user 1234 inside is host root", ids(1234), ids(0), -1, 0,
			[]string{"uids (1234 1234 1234 1234 here) include host uid 0 (0 0 0 0 on the host)"}},
		{"saved uid only", [4]uint32{5, 5, 0, 5}, [4]uint32{7, 7, 0, 7}, -1, 0, []string{"include host uid 0"}},
		{"plain user, no user namespace", ids(1000), ids(1000), 0, 0, []string{"uid 0 here is uid 0 of the host"}},
		{"user namespace, user 1000", ids(1000), ids(101000), 100000, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{
				Identity: Identity{Uid: tt.uid, HostUid: tt.huid, RootOnHost: tt.root},
				Capabilities: Capabilities{Effective: NewCapSet(tt.eff, def), Bounding: NewCapSet(def, def),
					Full: FullMask(40), HostBounding: host},
			}
			got := warnings(r)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %d warnings like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d: got %q, want %q in it", i, got[i], w)
				}
			}
		})
	}
}
