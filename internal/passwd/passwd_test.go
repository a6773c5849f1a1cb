package passwd

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseUsers(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []User
	}{
		{"empty", "", nil},
		{"one user", "root:x:0:0:root:/root:/bin/sh\n", []User{{Name: "root", UID: 0, GID: 0, Home: "/root"}}},
		{"no final newline", "web:x:1000:1001:Web:/home/web:/bin/sh",
			[]User{{Name: "web", UID: 1000, GID: 1001, Home: "/home/web"}}},
		{"comments and blank lines", "# users\n\nroot:x:0:0::/root:/bin/sh\n   \n  # indented comment\n",
			[]User{{Name: "root", Home: "/root"}}},
		{"surrounding spaces trimmed", "  web:x:1000:1000::/home/web:/bin/sh  \r\n",
			[]User{{Name: "web", UID: 1000, GID: 1000, Home: "/home/web"}}},
		{"empty fields kept", "svc::12:34:::\n", []User{{Name: "svc", UID: 12, GID: 34}}},
		{"malformed lines skipped", strings.Join([]string{
			"short:x:1:1:/home:/bin/sh",    // 6 fields
			"long:x:2:2::/home:/bin/sh:xx", // 8 fields
			"+nis",                         // NIS include
			"+::::::",                      // NIS include with empty ids
			"a:x:one:1::/:/bin/sh",         // uid not a number
			"b:x:1:one::/:/bin/sh",         // gid not a number
			"ok:x:3:3::/ok:/bin/sh",
		}, "\n"), []User{{Name: "ok", UID: 3, GID: 3, Home: "/ok"}}},
		{"ids out of range skipped", strings.Join([]string{
			"neg:x:-1:0::/:/bin/sh",
			"wrap:x:-4294967296:0::/:/bin/sh",
			"nochange:x:4294967295:0::/:/bin/sh",
			"big:x:0:4294967296::/:/bin/sh",
			"max:x:4294967294:4294967294::/max:/bin/sh",
		}, "\n"), []User{{Name: "max", UID: 4294967294, GID: 4294967294, Home: "/max"}}},
		{"a line longer than 64 KiB", "long:x:7:7:" + strings.Repeat("g", 100<<10) + ":/long:/bin/sh\nok:x:3:3::/ok:/bin/sh\n",
			[]User{{Name: "long", UID: 7, GID: 7, Home: "/long"}, {Name: "ok", UID: 3, GID: 3, Home: "/ok"}}},
		{"file order and duplicates kept", "b:x:2:2::/b:/bin/sh\na:x:1:1::/a:/bin/sh\nb:x:3:3::/b2:/bin/sh\n",
			[]User{{"b", 2, 2, "/b"}, {"a", 1, 1, "/a"}, {"b", 3, 3, "/b2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUsers(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ParseUsers: got error %v, want %+v", err, tt.want)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseUsers:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseGroups(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Group
	}{
		{"empty", "", nil},
		{"no members", "root:x:0:\n", []Group{{Name: "root", GID: 0}}},
		{"members", "wheel:x:10:root,web\n", []Group{{Name: "wheel", GID: 10, Members: []string{"root", "web"}}}},
		{"one member", "tty:x:5:web", []Group{{Name: "tty", GID: 5, Members: []string{"web"}}}},
		{"comments and blank lines", "# groups\n\n  \nstaff:x:50:\n#wheel:x:10:root\n",
			[]Group{{Name: "staff", GID: 50}}},
		{"malformed lines skipped", strings.Join([]string{
			"short:x:1",         // 3 fields
			"long:x:2:a:b",      // 5 fields
			"+",                 // NIS include
			"+:::",              // NIS include with an empty gid
			"bad:x:two:a",       // gid not a number
			"neg:x:-1:a",        // negative gid
			"top:x:4294967295:", // (gid_t)-1
			"ok:x:3:a",
		}, "\n"), []Group{{Name: "ok", GID: 3, Members: []string{"a"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGroups(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ParseGroups: got error %v, want %+v", err, tt.want)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseGroups:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in     string
		want   uint32
		wantOK bool
	}{
		{"0", 0, true},
		{"1000", 1000, true},
		{"007", 7, true},
		{"65534", 65534, true},
		{"4294967294", 4294967294, true},
		{"4294967295", 0, false}, // (uid_t)-1 means "no change" to the kernel
		{"4294967296", 0, false},
		{"18446744073709551616", 0, false},
		{"-1", 0, false},
		{"-4294967296", 0, false}, // would wrap to 0, root
		{"+1", 0, false},
		{"", 0, false},
		{"root", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseID(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseID(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMaxID(t *testing.T) {
	if MaxID != 4294967294 {
		t.Errorf("MaxID: got %d, want 4294967294", MaxID)
	}
}

var (
	testUsers = []User{
		{Name: "root", UID: 0, GID: 0, Home: "/root"},
		{Name: "web", UID: 1000, GID: 1000, Home: "/home/web"},
		{Name: "web2", UID: 1000, GID: 1001, Home: "/home/web2"}, // same uid as web
		{Name: "web", UID: 1002, GID: 1002, Home: "/srv"},        // same name as web
	}
	testGroups = []Group{
		{Name: "root", GID: 0},
		{Name: "tty", GID: 5, Members: []string{"web"}},
		{Name: "wheel", GID: 10, Members: []string{"root", "web", "web"}},
		{Name: "audio", GID: 29, Members: []string{"webmaster"}},
		{Name: "wheel2", GID: 10, Members: []string{"web"}}, // same gid as wheel
		{Name: "tty", GID: 55},                              // same name as tty
		{Name: "video", GID: 44, Members: []string{"web"}},
	}
)

func TestUserByName(t *testing.T) {
	tests := []struct {
		name   string
		want   User
		wantOK bool
	}{
		{"root", testUsers[0], true},
		{"web", testUsers[1], true}, // the first of two
		{"web2", testUsers[2], true},
		{"Web", User{}, false},
		{"nobody", User{}, false},
		{"", User{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := UserByName(testUsers, tt.name)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("UserByName(%q): got %+v, %v, want %+v, %v", tt.name, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestUserByID(t *testing.T) {
	tests := []struct {
		name   string
		uid    uint32
		want   User
		wantOK bool
	}{
		{"root", 0, testUsers[0], true},
		{"first of two", 1000, testUsers[1], true},
		{"later line", 1002, testUsers[3], true},
		{"missing", 1001, User{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := UserByID(testUsers, tt.uid)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("UserByID(%d): got %+v, %v, want %+v, %v", tt.uid, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestLookupsInEmptyLists(t *testing.T) {
	if u, ok := UserByID(nil, 0); ok || u != (User{}) {
		t.Errorf("UserByID(nil, 0): got %+v, %v, want a zero User, false", u, ok)
	}
	if u, ok := UserByName(nil, "root"); ok || u != (User{}) {
		t.Errorf("UserByName(nil, root): got %+v, %v, want a zero User, false", u, ok)
	}
	if g, ok := GroupByName(nil, "root"); ok || !reflect.DeepEqual(g, Group{}) {
		t.Errorf("GroupByName(nil, root): got %+v, %v, want a zero Group, false", g, ok)
	}
	if got := MemberOf(nil, "root"); got != nil {
		t.Errorf("MemberOf(nil, root): got %v, want nil", got)
	}
}

func TestGroupByName(t *testing.T) {
	tests := []struct {
		name   string
		want   Group
		wantOK bool
	}{
		{"root", testGroups[0], true},
		{"tty", testGroups[1], true}, // the first of two
		{"video", testGroups[6], true},
		{"TTY", Group{}, false},
		{"plugdev", Group{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := GroupByName(testGroups, tt.name)
			if !reflect.DeepEqual(got, tt.want) || ok != tt.wantOK {
				t.Errorf("GroupByName(%q): got %+v, %v, want %+v, %v", tt.name, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMemberOf(t *testing.T) {
	tests := []struct {
		user string
		want []uint32
	}{
		// tty, wheel (listed twice in it, and again as wheel2), video: each gid once, in file order.
		{"web", []uint32{5, 10, 44}},
		{"root", []uint32{10}},
		{"webmaster", []uint32{29}},
		{"we", nil},
		{"nobody", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got := MemberOf(testGroups, tt.user)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MemberOf(%q): got %v, want %v", tt.user, got, tt.want)
			}
		})
	}
}
