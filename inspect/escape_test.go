package inspect

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "sleep 30", "sleep 30"},
		{"unicode", "café", "café"},
		{"newline", "a\nCapabilities", `"a\nCapabilities"`},
		{"escape", "\x1b[8mhidden", `"\x1b[8mhidden"`},
		{"osc title", "\x1b]0;pwned\a", `"\x1b]0;pwned\a"`},
		{"tab", "a\tb", `"a\tb"`},
		{"invalid utf-8", "a\xffb", `"a\xffb"`},
		{"bidi override", "a\u202eb", `"a\u202eb"`},
		{"opens with a quote", `"x"`, `"\"x\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := printable(tt.in); got != tt.want {
				t.Errorf("printable(%q): got %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// fill sets every string reachable from v to s, and gives each slice and
// map one element, so that a renderer has a chance to print each field.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), s)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, s)
		fill(e, s)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// TestRenderEscapes fills every string of a report with what a container
// could plant, and checks that the text view neither gains a line nor
// passes a control character to the terminal.
func TestRenderEscapes(t *testing.T) {
	render := func(s string) string {
		r := sampleReport()
		fill(reflect.ValueOf(r).Elem(), s)
		r.Seccomp.Actions, r.Seccomp.Names = map[string]int{"errno": 1}, map[string][]string{"errno": {s}}
		var b bytes.Buffer
		if err := Render(&b, r); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	plain := render("x")
	for _, evil := range []string{
		"a\nCapabilities\n  effective 0x0 0 of 41 empty", "\x1b[8m", "\x1b]0;title\a", "bell\a", "cr\rx",
		"\xff\xfe", "tab\there",
	} {
		out := render(evil)
		if got, want := strings.Count(out, "\n"), strings.Count(plain, "\n"); got != want {
			t.Errorf("%q: got %d lines, want %d as with plain strings:\n%s", evil, got, want, out)
		}
		for i, c := range []byte(out) {
			if (c < 0x20 && c != '\n') || c == 0x7f || c == 0xff || c == 0xfe {
				t.Errorf("%q: got byte %#x at %d of the text view, want it escaped", evil, c, i)
				break
			}
		}
	}
}

func TestCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "/proc/sys", "/proc/sys"},
		{"blank", "/mnt/a  ext4  ro  private", `"/mnt/a  ext4  ro  private"`},
		{"already quoted", `"a b\n"`, `"a b\n"`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cell(tt.in); got != tt.want {
				t.Errorf("cell(%q): got %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestRenderQuotesBlanks: a mount point, a device name and a masked path
// with blanks cannot pass for more columns or more paths.
func TestRenderQuotesBlanks(t *testing.T) {
	r := sampleReport()
	r.Mounts = []Mount{{Point: "/x  tmpfs  ro  private", Type: "tmpfs", Propagation: "private"},
		{Point: `"/y"`, Type: "tmpfs", Propagation: "private"}}
	r.Devices = []Device{{Name: "a  char 1:3", Type: "file", Mode: "-rw-r--r--"}}
	r.Hardening.MaskedPaths = []string{"/proc/keys /proc/kcore"}
	var b bytes.Buffer
	if err := Render(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`"/x  tmpfs  ro  private"`, `"\"/y\""`, `"a  char 1:3"`,
		`"/proc/keys /proc/kcore"`} {
		if !strings.Contains(out, want) {
			t.Errorf("Render: want %s in:\n%s", want, out)
		}
	}
}
