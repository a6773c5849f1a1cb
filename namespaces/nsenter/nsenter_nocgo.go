//go:build !(linux && cgo)

// Package nsenter is the join stage of `sandbox exec`; this build has no
// cgo, so it has none (see nsenter.c).
package nsenter

// Available reports whether this binary carries the join stage.
const Available = false
