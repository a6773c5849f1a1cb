package kube

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// process is what the container runs: args, environment and working
// directory.
type process struct {
	args []string
	env  []string
	cwd  string
}

// containerProcess reads command, args, env and workingDir. With no image
// behind the pod, command or args must say what to run: args alone run as
// the command, as they do for an image without an entrypoint. $(NAME) in
// env values, command and args expands to earlier env values, as the
// kubelet does.
func containerProcess(c *corev1.Container, cpath string) (process, error) {
	var p process
	if len(c.EnvFrom) > 0 {
		return p, fieldErr(cpath+".envFrom", "not supported: there is no API server to read "+
			"the ConfigMap or Secret from; list the variables in env with value")
	}
	vars := map[string]string{}
	for i, e := range c.Env {
		epath := fmt.Sprintf("%s.env[%d]", cpath, i)
		if e.Name == "" || strings.ContainsAny(e.Name, "=\x00") {
			return p, fieldErr(epath+".name", "%q: give a name without = or NUL", e.Name)
		}
		if e.ValueFrom != nil {
			return p, fieldErr(epath+".valueFrom", "not supported: there is no API server or node "+
				"to read it from; give value instead")
		}
		v := expand(e.Value, vars)
		vars[e.Name] = v
		p.env = append(p.env, e.Name+"="+v)
	}

	for _, a := range append(append([]string{}, c.Command...), c.Args...) {
		p.args = append(p.args, expand(a, vars))
	}
	if len(p.args) == 0 {
		return p, fieldErr(cpath+".command", "is empty, and the pod's image is not read, "+
			"so there is no entrypoint to take: set command (and args)")
	}
	if p.args[0] == "" {
		first := cpath + ".command[0]"
		if len(c.Command) == 0 {
			first = cpath + ".args[0]"
		}
		return p, fieldErr(first, "is an empty string: name the program to run")
	}

	p.cwd = c.WorkingDir
	if p.cwd != "" && !path.IsAbs(p.cwd) {
		return p, fieldErr(cpath+".workingDir", "%q: give an absolute path", p.cwd)
	}
	return p, nil
}
