package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hook is a config hook that runs a shell script with the state on stdin.
func hook(script string, timeout int) map[string]any {
	h := map[string]any{"path": "/bin/sh", "args": []string{"sh", "-c", script}}
	if timeout > 0 {
		h["timeout"] = timeout
	}
	return h
}

// TestHooks: each hook point runs once, where the runtime-spec says, with
// the container's state on stdin.
func TestHooks(t *testing.T) {
	dir, root := bundle(t, "sleep", "1000")
	out := t.TempDir()
	save := func(name string) map[string]any {
		// /hooks is the same directory, bound into the container for the
		// startContainer hook, which runs inside it.
		return hook(`cat > "$0/`+name+`.json"`, 0)
	}
	r := privateRootfs(t) // /hooks is made in it
	editConfig(t, dir, func(c map[string]any) {
		c["root"].(map[string]any)["path"] = r
		c["mounts"] = append(c["mounts"].([]any), map[string]any{
			"destination": "/hooks", "type": "bind", "source": out, "options": []string{"rbind", "rw"}})
		withDir := func(h map[string]any, d string) map[string]any {
			h["args"] = append(h["args"].([]string), d)
			return h
		}
		c["hooks"] = map[string]any{
			"prestart":        []any{withDir(save("prestart"), out)},
			"createRuntime":   []any{withDir(save("createRuntime"), out)},
			"createContainer": []any{withDir(save("createContainer"), out)},
			"startContainer":  []any{withDir(save("startContainer"), "/hooks")},
			"poststart":       []any{withDir(save("poststart"), out)},
			"poststop":        []any{withDir(save("poststop"), out)},
		}
	})
	ociOK(t, root, "create", "--bundle", dir, "h")
	pid := stateOf(t, root, "h").Pid
	ociOK(t, root, "start", "h")
	waitStatus(t, root, "h", "running")
	ociOK(t, root, "delete", "--force", "h")

	for name, status := range map[string]string{
		"prestart": "created", "createRuntime": "created", "createContainer": "created",
		"startContainer": "created", "poststart": "running", "poststop": "stopped",
	} {
		data, err := os.ReadFile(filepath.Join(out, name+".json"))
		if err != nil {
			t.Errorf("%s hook did not run: %v", name, err)
			continue
		}
		var st ociState
		if err := json.Unmarshal(data, &st); err != nil {
			t.Errorf("%s hook got %q on stdin: %v", name, data, err)
			continue
		}
		if st.ID != "h" || st.Status != status || st.Bundle != dir {
			t.Errorf("%s hook got state %+v, want id h, status %s, bundle %s", name, st, status, dir)
		}
		if wantPid := status != "stopped"; wantPid && st.Pid != pid {
			t.Errorf("%s hook got pid %d, want the init's %d", name, st.Pid, pid)
		}
	}
}

// TestHookFailure: a failing or hanging create hook fails create and
// leaves nothing; a failing poststart hook is only a warning.
func TestHookFailure(t *testing.T) {
	for _, c := range []struct {
		point string
		hook  map[string]any
		want  string
	}{
		{"createRuntime", hook("echo no network for you >&2; exit 3", 0), "createRuntime hook 0 (/bin/sh): exit status 3: no network for you"},
		{"createContainer", hook("exit 4", 0), "createContainer hook 0 (/bin/sh): exit status 4"},
		{"prestart", hook("sleep 30", 1), "prestart hook 0 (/bin/sh): killed after its timeout of 1s"},
		{"startContainer", hook("exit 5", 0), "startContainer hook 0 (/bin/sh): exit status 5"},
	} {
		t.Run(c.point, func(t *testing.T) {
			marker := bcMarker()
			dir, root := bundle(t, "sleep", marker)
			editConfig(t, dir, func(cfg map[string]any) {
				cfg["hooks"] = map[string]any{c.point: []any{c.hook}}
			})
			start := time.Now()
			r := oci(t, root, "run", "--bundle", dir, "f")
			if r.code == 0 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("got exit %d, stderr %q; want one line with %q", r.code, r.stderr, c.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("failing hook took %v", d)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Errorf("state root holds %d entries after a failed create", len(entries))
			}
			noProcess(t, marker)
		})
	}

	t.Run("poststart", func(t *testing.T) {
		dir, root := bundle(t, "sh", "-c", "echo ran")
		mark := filepath.Join(t.TempDir(), "second")
		editConfig(t, dir, func(cfg map[string]any) {
			cfg["hooks"] = map[string]any{"poststart": []any{hook("exit 6", 0), hook("touch "+mark, 0)}}
		})
		r := oci(t, root, "run", "--bundle", dir, "p")
		if r.code != 0 || r.stdout != "ran\n" || !strings.Contains(r.stderr, "poststart hook 0 (/bin/sh): exit status 6") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want the workload to run and a warning", r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(mark); err != nil {
			t.Errorf("the poststart hook after the failing one did not run: %v", err)
		}
	})

	t.Run("relative path", func(t *testing.T) {
		dir, root := bundle(t, "true")
		editConfig(t, dir, func(cfg map[string]any) {
			cfg["hooks"] = map[string]any{"poststop": []any{map[string]any{"path": "bin/true"}}}
		})
		if r := oci(t, root, "create", "--bundle", dir, "rel"); r.code == 0 || !strings.Contains(r.stderr, `hooks.poststop[0].path "bin/true" must be absolute`) {
			t.Errorf("got exit %d, stderr %q", r.code, r.stderr)
		}
	})
}
