package inspect

import (
	"strings"
	"testing"
)

func TestWarnings(t *testing.T) {
	const host = uint64(0x1fffeffffff) // a host that withholds CAP_SYS_RESOURCE
	def := uint64(0xa80425fb)
	ids := func(n uint32) [4]uint32 { return [4]uint32{n, n, n, n} }
	same := []IDRange{{0, 0, 4294967295}}
	userns := []IDRange{{0, 100000, 65536}}
	const setuid, setgid = uint64(1) << capSetuid, uint64(1) << capSetgid
	tests := []struct {
		name        string
		uid, huid   [4]uint32
		gid, hgid   [4]uint32
		hgroups     []uint32
		uidMap      []IDRange
		gidMap      []IDRange
		eff, prm    uint64
		nnp         bool
		want, notes []string
	}{
		{"host root, default set", ids(0), ids(0), ids(0), ids(0), nil, same, same, def, def, true,
			[]string{"uid 0 here is uid 0 of the host", "include host gid 0"}, nil},
		{"privileged on a host that withholds one", ids(0), ids(0), ids(0), ids(0), nil, same, same,
			host, host, false,
			[]string{"uid 0 here is uid 0 of the host", "include host gid 0", "every capability is effective"},
			nil},
		{"user namespace, root is 100000", ids(0), ids(100000), ids(0), ids(100000), nil, userns, userns,
			host, host, false, nil, nil},
		{"user 1234 inside is host root", ids(1234), ids(0), ids(5), ids(100005), nil,
			[]IDRange{{1234, 0, 1}}, userns, 0, 0, true,
			[]string{"uids (1234 1234 1234 1234 here) include host uid 0 (0 0 0 0 on the host)"}, nil},
		{"saved uid only", [4]uint32{5, 5, 0, 5}, [4]uint32{7, 7, 0, 7}, ids(5), ids(100005), nil,
			[]IDRange{{0, 0, 1}, {5, 7, 1}}, userns, 0, 0, true, []string{"include host uid 0"}, nil},
		{"user 1000, no_new_privs, no caps: cannot become root", ids(1000), ids(1000), ids(1000),
			ids(1000), []uint32{1000}, same, same, 0, 0, true, nil,
			[]string{"root here is root of the host (no user namespace), but this process " +
				"(uids 1000 1000 1000 1000) cannot become it",
				"group root here is the host's group root (no user namespace), but this process " +
					"(gids 1000 1000 1000 1000) cannot become it"}},
		{"user 1000, no_new_privs off: a setuid program makes it root", ids(1000), ids(1000), ids(1000),
			ids(1000), nil, same, same, 0, 0, false,
			[]string{"(uid 1000) can become uid 0 here, which is host uid 0 (root on the host once it escapes): " +
				"no_new_privs is off",
				"(gid 1000) can become gid 0 here"}, nil},
		{"user 1000 holding CAP_SETUID", ids(1000), ids(1000), ids(1000), ids(1000), nil, same, same,
			0, setuid, true, []string{"permitted set holds CAP_SETUID"},
			[]string{"group root here is the host's group root (no user namespace), but"}},
		{"user 1000 in group 0", ids(1000), ids(1000), ids(1000), ids(1000), []uint32{0}, same, same,
			0, 0, true, []string{"(1000 1000 1000 1000, groups 0 here) include host gid 0"},
			[]string{"root of the host (no user namespace), but"}},
		{"user namespace, gid 0 inside is host gid 0", ids(0), ids(100000), ids(0), ids(0), nil, userns,
			[]IDRange{{0, 0, 1}, {1, 100001, 65535}}, def, def, true,
			[]string{"gids and groups (0 0 0 0 here) include host gid 0 (0 0 0 0 on the host)"}, nil},
		{"user namespace, root may setgid to host gid 0", ids(0), ids(100000), ids(5), ids(100005), nil,
			userns, []IDRange{{0, 0, 1}, {1, 100001, 65535}}, def, setgid, true,
			[]string{"(gid 5) can become gid 0 here, which is host gid 0"}, nil},
		{"user namespace, host gid 0 out of reach", ids(5), ids(100005), ids(5), ids(100005), nil, userns,
			[]IDRange{{0, 0, 1}, {1, 100001, 65535}}, 0, 0, true, nil,
			[]string{"gid 0 here is host gid 0, but this process (gids 5 5 5 5) cannot become it"}},
		{"user namespace, user 1000", ids(1000), ids(101000), ids(1000), ids(101000), []uint32{101000},
			userns, userns, 0, 0, false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{
				Identity: Identity{Uid: tt.uid, HostUid: tt.huid, Gid: tt.gid, HostGid: tt.hgid,
					HostGroups: tt.hgroups, Groups: insideIDs(tt.gidMap, tt.hgroups),
					UidMap: tt.uidMap, GidMap: tt.gidMap, RootOnHost: HostID(tt.uidMap, 0)},
				Capabilities: Capabilities{Effective: NewCapSet(tt.eff, def), Bounding: NewCapSet(def, def),
					Permitted: NewCapSet(tt.prm, def), Full: FullMask(40), HostBounding: host},
				Hardening: Hardening{NoNewPrivs: tt.nnp},
			}
			warns, notes := warnings(r)
			match(t, "warning", warns, tt.want)
			match(t, "note", notes, tt.notes)
		})
	}
}

// match checks that got holds one string per want, each containing it.
func match(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %ss %q, want %d like %q", what, got, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("%s %d: got %q, want %q in it", what, i, got[i], w)
		}
	}
}
