package seccomp

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Format is the form a profile file was written in.
type Format string

const (
	// FormatOCI is linux.seccomp of a runtime-spec config, used as it is.
	FormatOCI Format = "OCI linux.seccomp"
	// FormatDocker is Docker's and podman's profile form: architectures as
	// an archMap, and rules that apply only for some capabilities,
	// architectures or kernel versions.
	FormatDocker Format = "Docker profile"
)

// Profile is a seccomp profile as read, before its conditions are settled
// for one container.
type Profile struct {
	Format Format
	oci    *specs.LinuxSeccomp
	docker *profiles.Seccomp
}

// Default is the profile Docker and podman apply to a container unless told
// otherwise, from github.com/moby/profiles/seccomp: system calls not on its
// list fail with EPERM, and those that only a capability would permit are
// allowed only when the container has that capability.
func Default() *Profile {
	return &Profile{Format: FormatDocker, docker: profiles.DefaultProfile()}
}

// dockerRuleKeys are the keys of a rule that only Docker's form has.
var dockerRuleKeys = []string{"name", "comment", "includes", "excludes"}

// ParseProfile reads a profile in either form. Docker's form is a superset
// of the OCI one, so a file is read as Docker's when it has an archMap or a
// rule with a key only Docker's form has, and as OCI linux.seccomp
// otherwise.
func ParseProfile(data []byte) (*Profile, error) {
	var keys struct {
		ArchMap  json.RawMessage              `json:"archMap"`
		Syscalls []map[string]json.RawMessage `json:"syscalls"`
	}
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, fmt.Errorf("seccomp profile: %w", err)
	}
	p := &Profile{Format: FormatOCI}
	if keys.ArchMap != nil || slices.ContainsFunc(keys.Syscalls, isDockerRule) {
		p.Format = FormatDocker
	}
	var err error
	if p.Format == FormatDocker {
		p.docker = &profiles.Seccomp{}
		err = json.Unmarshal(data, p.docker)
	} else {
		p.oci = &specs.LinuxSeccomp{}
		err = json.Unmarshal(data, p.oci)
	}
	if err != nil {
		return nil, fmt.Errorf("seccomp profile, read as %s: %w", p.Format, err)
	}
	if p.defaultAction() == "" {
		return nil, fmt.Errorf("seccomp profile, read as %s: defaultAction is missing", p.Format)
	}
	return p, nil
}

func isDockerRule(rule map[string]json.RawMessage) bool {
	for _, k := range dockerRuleKeys {
		if _, ok := rule[k]; ok {
			return true
		}
	}
	return false
}

func (p *Profile) defaultAction() specs.LinuxSeccompAction {
	if p.oci != nil {
		return p.oci.DefaultAction
	}
	return p.docker.DefaultAction
}

// Target is what the conditions of a Docker-format profile are checked
// against.
type Target struct {
	Arch   string    // as NativeArch names it
	Caps   []string  // the container's bounding set, CAP_ names
	Kernel [2]uint64 // the host kernel's version and major revision: {6, 1}
}

// Resolve settles the profile's conditions for t and returns it in the
// runtime-spec's form. A rule whose includes t does not meet, or whose
// excludes it meets, is left out:
//   - includes.arches holds t.Arch; excludes.arches does not;
//   - includes.caps are all in t.Caps; none of excludes.caps is;
//   - the kernel is at least includes.minKernel, and below excludes.minKernel.
//
// archMap contributes the entry for t.Arch with its sub-architectures.
func (p *Profile) Resolve(t Target) (*specs.LinuxSeccomp, error) {
	if p.oci != nil {
		out := *p.oci
		out.Syscalls = slices.Clone(p.oci.Syscalls)
		return &out, nil
	}
	d := p.docker
	if len(d.Architectures) > 0 && len(d.ArchMap) > 0 {
		return nil, errors.New("seccomp profile: give architectures or archMap, not both")
	}
	out := d.LinuxSeccomp
	out.Architectures = slices.Clone(d.Architectures)
	out.Syscalls = nil
	for _, a := range d.ArchMap {
		if a.Arch == specArch(t.Arch) {
			out.Architectures = append(append(out.Architectures, a.Arch), a.SubArches...)
		}
	}
	for i, rule := range d.Syscalls {
		sc, err := resolveRule(rule, t)
		if err != nil {
			return nil, fmt.Errorf("seccomp profile: syscalls[%d]: %w", i, err)
		}
		if sc != nil {
			out.Syscalls = append(out.Syscalls, *sc)
		}
	}
	return &out, nil
}

func resolveRule(rule *profiles.Syscall, t Target) (*specs.LinuxSyscall, error) {
	sc := rule.LinuxSyscall
	if rule.Name != "" {
		if len(sc.Names) > 0 {
			return nil, errors.New("give name or names, not both")
		}
		sc.Names = []string{rule.Name}
	}
	if rule.Includes != nil && !meetsAll(rule.Includes, t) {
		return nil, nil
	}
	if rule.Excludes != nil && meetsAny(rule.Excludes, t) {
		return nil, nil
	}
	return &sc, nil
}

// meetsAll reports whether t meets every condition that f sets.
func meetsAll(f *profiles.Filter, t Target) bool {
	if len(f.Arches) > 0 && !slices.Contains(f.Arches, t.Arch) {
		return false
	}
	for _, c := range f.Caps {
		if !slices.Contains(t.Caps, c) {
			return false
		}
	}
	return f.MinKernel == nil || kernelAtLeast(t.Kernel, f.MinKernel)
}

// meetsAny reports whether t meets any condition that f sets.
func meetsAny(f *profiles.Filter, t Target) bool {
	if slices.Contains(f.Arches, t.Arch) {
		return true
	}
	if slices.ContainsFunc(f.Caps, func(c string) bool { return slices.Contains(t.Caps, c) }) {
		return true
	}
	return f.MinKernel != nil && kernelAtLeast(t.Kernel, f.MinKernel)
}

func kernelAtLeast(have [2]uint64, want *profiles.KernelVersion) bool {
	if have[0] != want.Kernel {
		return have[0] > want.Kernel
	}
	return have[1] >= want.Major
}
