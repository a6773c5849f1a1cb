// Command sandbox-kube writes the config.json that a kubelet and
// containerd would give a runtime for one container of a Kubernetes Pod:
//
//	sandbox-kube [--container NAME] [--rootfs PATH] [--bundle DIR] [--seccomp-root DIR] POD.yaml
//
// `sandbox spec --from-pod` runs it. It is a binary of its own because the
// Kubernetes API types it links take milliseconds and megabytes to load,
// which every start of bin/sandbox, and every re-executed container child,
// would otherwise pay (see package kube).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"sandbox/kube"
)

// exitFailure is sandbox's status for its own failures.
const exitFailure = 125

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", err)
		os.Exit(exitFailure)
	}
}

// args are the command line, read.
type args struct {
	pod, bundle, rootfs, container, seccompRoot string
}

func parseArgs(argv []string) (args, error) {
	var a args
	fs := flag.NewFlagSet("sandbox-kube", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.container, "container", "", "the container to convert")
	fs.StringVar(&a.rootfs, "rootfs", "", "the root filesystem (default: BUNDLE/rootfs)")
	fs.StringVar(&a.bundle, "bundle", ".", "the bundle directory to write config.json in")
	fs.StringVar(&a.seccompRoot, "seccomp-root", kube.DefaultSeccompRoot, "the directory of Localhost profiles")
	if err := fs.Parse(argv); err != nil {
		return a, fmt.Errorf("%w: sandbox spec --from-pod POD.yaml [--container NAME] [--rootfs PATH] "+
			"[--bundle DIR] [--seccomp-root DIR]", err)
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		return a, errors.New("name one pod file: sandbox spec --from-pod POD.yaml")
	}
	a.pod = fs.Arg(0)
	return a, nil
}

// run converts the pod and writes the bundle's config.json. Every check
// comes before the file is created, so a refusal leaves nothing behind.
func run(argv []string) error {
	a, err := parseArgs(argv)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(a.bundle); err != nil || !fi.IsDir() {
		return fmt.Errorf("bundle %s is not a directory: create it first, or pick another --bundle", a.bundle)
	}
	out := filepath.Join(a.bundle, "config.json")
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists: remove it first, or pick another --bundle", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	data, err := readPod(a.pod)
	if err != nil {
		return err
	}
	pod, err := kube.ParsePod(data)
	if err != nil {
		return fmt.Errorf("%s: %w", a.pod, err)
	}
	rootfs := a.rootfs
	if rootfs == "" {
		rootfs = filepath.Join(a.bundle, "rootfs")
	}
	o := kube.Options{Container: a.container, Rootfs: rootfs, SeccompRoot: a.seccompRoot}
	s, notes, err := kube.Convert(pod, o)
	if err != nil {
		return fmt.Errorf("%s: %w", a.pod, err)
	}
	// A given rootfs stays as spec.New resolved it, against the working
	// directory; the default is written relative, so the bundle can move.
	if a.rootfs == "" {
		s.Root.Path = "rootfs"
	}
	for _, n := range notes {
		fmt.Fprintf(os.Stderr, "sandbox: note: %s\n", n)
	}
	config, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return err
	}
	return writeNew(out, append(config, '\n'))
}

// maxPodSize bounds the pod file: a pod is a few KiB, and an unbounded
// read of a wrong name (/dev/zero, a disk image) would fill the memory.
const maxPodSize = 1 << 20

// readPod reads the pod file, or standard input for "-", up to maxPodSize.
func readPod(name string) ([]byte, error) {
	r, what := io.Reader(os.Stdin), "standard input"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("pod file: %w", err)
		}
		defer f.Close()
		r, what = f, "pod file "+name
	}
	data, err := io.ReadAll(io.LimitReader(r, maxPodSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(data) > maxPodSize {
		return nil, fmt.Errorf("%s is larger than 1 MiB: a pod is a few KiB; check that it names the pod's YAML",
			what)
	}
	return data, nil
}

// writeNew creates path, which must not exist, with data; a failed write
// removes it.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
