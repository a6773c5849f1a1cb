//go:build !cgo

package seccomp

import "errors"

// NativeSyscalls needs libseccomp's tables, linked only with cgo.
func NativeSyscalls() (map[int32]string, error) {
	return nil, errors.New("seccomp: system call names need libseccomp: build sandbox with cgo")
}
