package spec

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/internal/passwd"
)

// tmpfsDefaults are docker's options for --tmpfs; the user's come after.
var tmpfsDefaults = []string{"nosuid", "nodev", "noexec", "size=65536k"}

// tmpfsFlags are the mount flags --tmpfs accepts. Each one either takes
// something away (ro, nosuid, nodev, noexec) or gives nothing that the
// rootfs does not already give: exec is allowed, as docker allows it,
// because the rootfs itself is not noexec.
var tmpfsFlags = []string{
	"ro", "rw", "nosuid", "nodev", "noexec", "exec",
	"noatime", "relatime", "strictatime", "nodiratime",
}

// tmpfsRefused are flags that --tmpfs refuses, with the reason. dev and
// suid would turn the tmpfs into the one place where a node made with
// CAP_MKNOD opens a host device, or a setuid bit counts; the others would
// make the mount something other than a new tmpfs.
var tmpfsRefused = map[string]string{
	"dev":     "it would let device nodes made there open host devices",
	"suid":    "it would let setuid programs there gain privileges",
	"bind":    "a tmpfs is not a bind mount: use --volume to share a host path",
	"rbind":   "a tmpfs is not a bind mount: use --volume to share a host path",
	"remount": "a tmpfs is always a new mount",
}

// tmpfsData are tmpfs's own options (tmpfs(5)), each with a check of its
// value, so that a typo fails before anything is created.
var tmpfsData = map[string]func(string) bool{
	"size":      isSize(true),
	"nr_blocks": isSize(false),
	"nr_inodes": isSize(false),
	"mode":      isMode,
	"uid":       isID,
	"gid":       isID,
	"huge":      func(v string) bool { return slices.Contains([]string{"never", "always", "within_size", "advise"}, v) },
}

// ParseTmpfs reads PATH[:OPTIONS] into a tmpfs mount with docker's defaults
// (nosuid, nodev, noexec, 64 MiB); OPTIONS are added after them, so "exec"
// or "size=1g" override. Only the flags in tmpfsFlags and the data options
// in tmpfsData are accepted: anything that would undo nodev or nosuid, or
// make the mount a bind, is refused with the option's name.
func ParseTmpfs(t string) (specs.Mount, error) {
	dst, extra, _ := strings.Cut(t, ":")
	if !path.IsAbs(dst) {
		return specs.Mount{}, fmt.Errorf("container path %s must be absolute", dst)
	}
	dst = path.Clean(dst)
	if err := checkRuntimeDev(dst); err != nil {
		return specs.Mount{}, err
	}
	opts := slices.Clone(tmpfsDefaults)
	for _, o := range strings.Split(extra, ",") {
		if o == "" {
			continue
		}
		if err := checkTmpfsOption(o); err != nil {
			return specs.Mount{}, err
		}
		opts = append(opts, o)
	}
	return specs.Mount{Destination: dst, Type: "tmpfs", Source: "tmpfs", Options: opts}, nil
}

func checkTmpfsOption(o string) error {
	if slices.Contains(tmpfsFlags, o) {
		return nil
	}
	if why, ok := tmpfsRefused[o]; ok {
		return fmt.Errorf("option %s is refused: %s", o, why)
	}
	key, value, hasValue := strings.Cut(o, "=")
	valid, known := tmpfsData[key]
	switch {
	case !known:
		return fmt.Errorf("option %s is not accepted: use %s, or %s=VALUE",
			o, strings.Join(tmpfsFlags, ", "), strings.Join(tmpfsDataNames(), "=, "))
	case !hasValue || !valid(value):
		return fmt.Errorf("option %s: %s", o, tmpfsValueHint(key))
	}
	return nil
}

func tmpfsDataNames() []string {
	names := make([]string, 0, len(tmpfsData))
	for k := range tmpfsData {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func tmpfsValueHint(key string) string {
	switch key {
	case "size":
		return "give bytes, with an optional k, m or g suffix, or a percentage of RAM such as 50%"
	case "nr_blocks", "nr_inodes":
		return "give a count, with an optional k, m or g suffix"
	case "mode":
		return "give an octal mode such as 1777"
	case "uid", "gid":
		return fmt.Sprintf("give a number from 0 to %d", uint32(passwd.MaxID))
	}
	return "give never, always, within_size or advise"
}

// isSize accepts what the kernel's memparse reads in decimal: digits, then
// at most one of its unit suffixes, or % where percent is true.
func isSize(percent bool) func(string) bool {
	return func(v string) bool {
		num := strings.TrimRight(v, "kKmMgGtTpPeE")
		if len(v)-len(num) > 1 {
			return false
		}
		if percent && len(num) == len(v) {
			num = strings.TrimSuffix(v, "%")
		}
		_, err := strconv.ParseUint(num, 10, 64)
		return err == nil
	}
}

func isMode(v string) bool {
	m, err := strconv.ParseUint(v, 8, 32)
	return err == nil && m <= 0o7777
}

func isID(v string) bool {
	_, ok := passwd.ParseID(v)
	return ok
}
