package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sandbox/hooks"
)

// Load reads and checks the config.json of an OCI bundle. The rootfs path
// is resolved against the bundle, once, as for `run`.
func Load(bundle string) (*specs.Spec, error) {
	abs, err := filepath.Abs(bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", bundle, err)
	}
	path := filepath.Join(abs, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bundle %s has no config.json: write one, for example with `sandbox spec`", bundle)
	}
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", bundle, err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Root == nil || s.Root.Path == "" {
		return nil, fmt.Errorf("%s: root.path is empty: name the container's root filesystem", path)
	}
	if !filepath.IsAbs(s.Root.Path) {
		s.Root.Path = filepath.Join(abs, s.Root.Path)
	}
	if s.Root.Path, err = ResolveRootfs(s.Root.Path); err != nil {
		return nil, fmt.Errorf("%s: root.path: %w", path, err)
	}
	if err := Validate(s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := hooks.Validate(s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Parse decodes a config and checks its ociVersion. A JSON error names the
// line and the field it was reading.
func Parse(data []byte) (*specs.Spec, error) {
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, describeJSONError(data, err)
	}
	if err := checkVersion(s.Version); err != nil {
		return nil, err
	}
	return &s, nil
}

func describeJSONError(data []byte, err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("not valid JSON at line %d: %v", lineOf(data, syntax.Offset), err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("field %s: got a JSON %s, want %s (line %d)",
			typ.Field, typ.Value, typ.Type, lineOf(data, typ.Offset))
	}
	return fmt.Errorf("not a valid config: %w", err)
}

func lineOf(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// checkVersion accepts the 1.x versions of the runtime spec.
func checkVersion(v string) error {
	if v == "" {
		return errors.New("ociVersion is missing: set it, for example to " + specs.Version)
	}
	if !strings.HasPrefix(v, "1.") {
		return fmt.Errorf("ociVersion %s is not supported: sandbox runs configs of runtime spec 1.x (it implements %s)",
			v, specs.Version)
	}
	return nil
}
