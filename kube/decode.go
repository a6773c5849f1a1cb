package kube

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// ParsePod reads a Pod from YAML (or JSON) strictly: a duplicate key, an
// unknown field or a value of the wrong type is an error naming the field,
// and so is a document of another kind, or a second document.
func ParsePod(data []byte) (*corev1.Pod, error) {
	if err := checkOneDocument(data); err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("not valid YAML: %s", oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	if err := checkKind(j); err != nil {
		return nil, err
	}
	var pod corev1.Pod
	strict, err := kjson.UnmarshalStrict(j, &pod)
	if err != nil {
		return nil, describeTypeError(j, err)
	}
	if len(strict) > 0 {
		path := unknownField(strict[0])
		return nil, fmt.Errorf("%s: not a field of a v1 Pod: check its spelling and place", path)
	}
	return &pod, nil
}

// checkKind refuses a document that is not a v1 Pod before it is decoded
// as one, where its fields would read as unknown.
func checkKind(j []byte) error {
	var tm struct {
		Kind       any `json:"kind"`
		APIVersion any `json:"apiVersion"`
	}
	if err := json.Unmarshal(j, &tm); err != nil {
		return errors.New("not a Pod: the document is not a mapping of fields (want kind: Pod)")
	}
	if tm.Kind != "Pod" {
		if tm.Kind == nil {
			return errors.New("kind is missing: this reads a Pod (kind: Pod, apiVersion: v1)")
		}
		return fmt.Errorf("kind is %v: this reads a Pod (kind: Pod, apiVersion: v1) only", tm.Kind)
	}
	if tm.APIVersion != "v1" {
		return fmt.Errorf("apiVersion is %v: a Pod is apiVersion v1", tm.APIVersion)
	}
	return nil
}

// unknownField takes the path out of a strict-decoding error, which reads
// `unknown field "spec.containers[0].x"`.
func unknownField(err error) string {
	msg := err.Error()
	if _, quoted, ok := strings.Cut(msg, "unknown field "); ok {
		return strings.Trim(quoted, `"`)
	}
	return msg
}

// describeTypeError names the field whose value has the wrong type. The
// decoder's path leaves out list indices, so they are found again in the
// document: the first element whose value at that path has the JSON type
// the decoder complained of.
func describeTypeError(j []byte, err error) error {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) || typ.Type == nil {
		return fmt.Errorf("not a valid Pod: %s", oneLine(err.Error()))
	}
	path := typ.Field
	var doc any
	if json.Unmarshal(j, &doc) == nil {
		if found, ok := locate(doc, strings.Split(typ.Field, "."), typ.Value); ok {
			path = strings.TrimPrefix(found, ".")
		}
	}
	return fmt.Errorf("%s: got a %s, want %s", path, typ.Value, wantKind(typ.Type.Kind()))
}

// locate walks the decoded document along the names of path, trying each
// element of the lists on the way, and returns the path, with indices, of
// the first value whose JSON type is kind.
func locate(v any, path []string, kind string) (string, bool) {
	if len(path) == 0 && strings.HasPrefix(kind, jsonKind(v)) {
		return "", true
	}
	if list, ok := v.([]any); ok {
		for i, e := range list {
			if rest, ok := locate(e, path, kind); ok {
				return fmt.Sprintf("[%d]", i) + rest, true
			}
		}
		return "", false
	}
	m, ok := v.(map[string]any)
	if !ok || len(path) == 0 {
		return "", false
	}
	rest, ok := locate(m[path[0]], path[1:], kind)
	if !ok {
		return "", false
	}
	return "." + path[0] + rest, true
}

// jsonKind names the JSON type of a decoded value as UnmarshalTypeError
// does.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

func wantKind(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a " + k.String()
}

// oneLine joins a multi-line message, as the YAML parser writes for
// several errors, into one line.
func oneLine(msg string) string {
	return strings.Join(strings.Fields(msg), " ")
}
