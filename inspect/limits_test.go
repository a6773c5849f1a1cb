package inspect

import (
	"slices"
	"testing"
)

func TestParseLimits(t *testing.T) {
	text := "Limit                     Soft Limit           Hard Limit           Units     \n" +
		"Max cpu time              unlimited            unlimited            seconds   \n" +
		"Max open files            1024                 4096                 files     \n" +
		"Max nice priority         0                    0                    \n"
	want := []Rlimit{
		{"Max cpu time", "unlimited", "unlimited", "seconds"},
		{"Max open files", "1024", "4096", "files"},
		{"Max nice priority", "0", "0", ""},
	}
	got, err := ParseLimits(text)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("ParseLimits:\ngot  %v\nwant %v", got, want)
	}

	for _, bad := range []string{"", "Max cpu time 1 2\n", "Limit Soft Limit\nMax\n"} {
		if _, err := ParseLimits(bad); err == nil {
			t.Errorf("ParseLimits(%q): got no error, want one", bad)
		}
	}
}
