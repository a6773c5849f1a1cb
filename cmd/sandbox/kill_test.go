package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want unix.Signal
	}{
		{"9", unix.SIGKILL}, {"KILL", unix.SIGKILL}, {"sigterm", unix.SIGTERM}, {"Hup", unix.SIGHUP},
		{"RTMIN", 34}, {"SIGRTMIN+3", 37}, {"RTMAX", 64}, {"rtmax-2", 62}, {"64", 64}, {"0", 0},
	} {
		got, err := parseSignal(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseSignal(%q): got %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"65", "-1", "NOPE", "RTMIN+31", "RTMAX-31", ""} {
		if got, err := parseSignal(bad); err == nil {
			t.Errorf("parseSignal(%q): got %d, want an error", bad, got)
		}
	}
}
