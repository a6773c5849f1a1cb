package kube

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// FieldError is a pod field that cannot be converted: its path, as
// Kubernetes writes it (spec.containers[0].securityContext.runAsUser), and
// what is wrong with its value.
type FieldError struct {
	Path string
	Err  error
}

// Error reads as the field's path, then what is wrong with it.
func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the error behind the field's refusal.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(path, format string, a ...any) error {
	return &FieldError{Path: path, Err: fmt.Errorf(format, a...)}
}

// checkID applies Kubernetes' range for user and group ids: 0 to
// 2147483647, as the API server validates them.
func checkID(path string, id *int64) error {
	if id != nil && (*id < 0 || *id > math.MaxInt32) {
		return fieldErr(path, "%d is out of range: give an id from 0 to %d", *id, math.MaxInt32)
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// sortedKeys lets errors about map entries come in a stable order.
func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	return keys
}
