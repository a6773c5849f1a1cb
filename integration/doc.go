// Package integration runs real containers with the sandbox binary and
// checks what the kernel reports from inside them.
//
// The tests need root. `make test` runs them with SANDBOX_INTEGRATION=1,
// SANDBOX_BIN and SANDBOX_ROOTFS set; then a missing precondition fails the
// run instead of skipping it. Tests run one at a time: several compare the
// host's mount table before and after.
package integration
