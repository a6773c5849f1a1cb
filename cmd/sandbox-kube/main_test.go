package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		want args
		err  string
	}{
		{"pod only", []string{"p.yaml"}, args{pod: "p.yaml", bundle: ".", seccompRoot: "/var/lib/kubelet/seccomp"}, ""},
		{"all flags", []string{"--container", "c", "--rootfs", "r", "--bundle", "b", "--seccomp-root", "s", "--", "p.yaml"},
			args{pod: "p.yaml", bundle: "b", rootfs: "r", container: "c", seccompRoot: "s"}, ""},
		{"no pod", nil, args{}, "name one pod file: sandbox spec --from-pod POD.yaml"},
		{"two pods", []string{"a.yaml", "b.yaml"}, args{}, "name one pod file"},
		{"unknown flag", []string{"--privileged", "p.yaml"}, args{}, "flag provided but not defined: -privileged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseArgs(tt.argv)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got error %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestWriteNewRefusesToOverwrite(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	if err := writeNew(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(p, []byte("two")); err == nil {
		t.Error("second writeNew: got nil, want an error")
	}
	if data, _ := os.ReadFile(p); string(data) != "one" {
		t.Errorf("config.json: got %q, want the first write", data)
	}
}

func TestReadPodBounded(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		size int
		err  string
	}{
		{"small", 100, ""},
		{"exactly 1 MiB", maxPodSize, ""},
		{"one byte over", maxPodSize + 1, "is larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if err := os.WriteFile(p, make([]byte, tt.size), 0o644); err != nil {
				t.Fatal(err)
			}
			data, err := readPod(p)
			if tt.err == "" {
				if err != nil || len(data) != tt.size {
					t.Errorf("got %d bytes, %v; want %d bytes", len(data), err, tt.size)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("got error %v, want one with %q", err, tt.err)
			}
		})
	}
}
