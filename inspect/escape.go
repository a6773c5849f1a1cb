package inspect

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns s unchanged when every rune of it is valid UTF-8 and
// printable, else s quoted with Go's escapes. A file name, a command line,
// a hostname, a mount point or a cgroup path is chosen by whoever runs in
// the container: raw, a newline in it would forge a line of the report
// and an escape sequence would drive the reader's terminal (hide text,
// retitle the window). A string that opens with a double quote is quoted
// too, so that a quoted string in the text view is always one quoted here.
func printable(s string) string {
	if !utf8.ValidString(s) || strings.HasPrefix(s, `"`) {
		return strconv.Quote(s)
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return strconv.Quote(s)
		}
	}
	return s
}

// cell returns s, a value printable has passed, quoted when it holds a
// blank: in a column of the text view, a mount point or a file name the
// container chose with spaces in it would read as more columns. (Other
// blanks, tabs included, are not printable and already quoted.)
func cell(s string) string {
	if strings.HasPrefix(s, `"`) || !strings.Contains(s, " ") {
		return s
	}
	return strconv.Quote(s)
}

// cells applies cell to each of values.
func cells(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = cell(v)
	}
	return out
}

// escaped returns a deep copy of r with printable applied to every
// string in it, so that no renderer can print a string the process chose
// without escaping it, including fields added later. JSON needs no copy:
// the encoder escapes control characters itself.
func escaped(r *Report) *Report {
	out := escapeValue(reflect.ValueOf(*r)).Interface().(Report)
	return &out
}

// escapeValue copies v, escaping the strings it holds.
func escapeValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		return reflect.ValueOf(printable(v.String())).Convert(v.Type())
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			out.Field(i).Set(escapeValue(v.Field(i)))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(escapeValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(escapeValue(it.Key()), escapeValue(it.Value()))
		}
		return out
	}
	return v
}
