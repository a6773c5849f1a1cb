//go:build linux && cgo

// Package nsenter is the join stage of `sandbox exec`: a C constructor that
// enters a running container's namespaces before the Go runtime starts, as
// setns(2) requires for user and mount namespaces (see nsenter.c). Import it
// for its side effect; it acts only when the launcher sets _SANDBOX_JOIN.
package nsenter

// The constructor in nsenter.c is all there is: this import links it in.

import "C"

// Available reports whether this binary carries the join stage: it needs
// cgo, and a binary built without it cannot exec into a container.
const Available = true
