package namespaces

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"sandbox/spec"
)

// lookPath finds the command as the container's shell would: a name with a
// slash is used as it is, anything else is searched on the PATH of the
// container's environment, inside the container (crun#13). It runs as the
// container user, so "not executable" means not executable for them.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, checkExecutable(name)
	}
	pathVar := envValue(env, "PATH", spec.DefaultPath)
	var denied error
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		err := checkExecutable(p)
		if err == nil {
			return p, nil
		}
		var e *Error
		if errors.As(err, &e) && e.Code == ExitCannotExec && denied == nil {
			denied = err
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", &Error{Code: ExitNotFound,
		Err: fmt.Errorf("%s: executable file not found in $PATH of the container (%s)", name, pathVar)}
}

// checkExecutable classifies a candidate: missing (127), a directory or
// not executable (126), or fine.
func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &Error{Code: ExitNotFound, Err: fmt.Errorf("%s: no such file or directory in the container", p)}
	}
	if err != nil {
		return &Error{Code: ExitCannotExec, Err: err}
	}
	if fi.IsDir() {
		return &Error{Code: ExitCannotExec, Err: fmt.Errorf("%s: is a directory", p)}
	}
	if err := unix.Faccessat(unix.AT_FDCWD, p, unix.X_OK, unix.AT_EACCESS); err != nil {
		return &Error{Code: ExitCannotExec, Err: fmt.Errorf("%s: permission denied (not executable for uid %d)",
			p, os.Geteuid())}
	}
	return nil
}

func envValue(env []string, key, fallback string) string {
	v := fallback
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// execError turns a failed execve(2) into a message about the file the
// user can see, rather than the kernel's bare errno: ENOENT for a file that
// exists means its interpreter or loader is missing (moby#29420).
func execError(path string, err error) error {
	switch {
	case errors.Is(err, unix.ENOENT):
		return &Error{Code: ExitNotFound, Err: missingInterpreter(path)}
	case errors.Is(err, unix.EACCES):
		err := fmt.Errorf("%s: permission denied (a noexec mount, or not executable)", path)
		return &Error{Code: ExitCannotExec, Err: err}
	case errors.Is(err, unix.ENOEXEC):
		return &Error{Code: ExitCannotExec,
			Err: fmt.Errorf("%s: exec format error (built for another machine, or a script without #!)", path)}
	}
	return &Error{Code: ExitCannotExec, Err: &os.PathError{Op: "execve", Path: path, Err: err}}
}

func missingInterpreter(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()

	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if interp, ok := bytes.CutPrefix(head, []byte("#!")); ok {
		// The kernel splits the #! line at spaces and tabs only: a
		// carriage return stays part of the interpreter's name.
		line, _, _ := bytes.Cut(interp, []byte("\n"))
		name, _, _ := strings.Cut(strings.TrimLeft(string(line), " \t"), " ")
		name, _, _ = strings.Cut(name, "\t")
		if strings.HasSuffix(name, "\r") {
			return fmt.Errorf("%s: interpreter %q not found in the rootfs (the script has Windows line endings)", path, name)
		}
		return fmt.Errorf("%s: interpreter %s not found in the rootfs", path, name)
	}
	if e, err := elf.NewFile(f); err == nil {
		for _, p := range e.Progs {
			if p.Type == elf.PT_INTERP {
				b, _ := io.ReadAll(io.LimitReader(p.Open(), 4096))
				return fmt.Errorf("%s: ELF interpreter %s not found in the rootfs (the program is dynamically linked)",
					path, strings.TrimRight(string(b), "\x00"))
			}
		}
	}
	return fmt.Errorf("%s: execve: no such file or directory", path)
}
