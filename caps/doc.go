// Package caps names Linux capabilities, computes the five capability sets a
// container process gets, and applies them in the kernel.
//
// The sets follow one rule, chosen so that a non-root workload never holds a
// capability it did not ask for by name (see B10 in the bug cases):
//
//   - uid 0 in the container: bounding, permitted and effective hold the whole
//     set; inheritable and ambient are empty, so an exec'd program without
//     file capabilities cannot pass them on (CVE-2022-29162).
//   - any other uid: bounding holds the whole set, and only the capabilities
//     added by name (--cap-add) are permitted, effective, inheritable and
//     ambient, because ambient is the only way a capability survives the
//     execve of an ordinary binary by a non-root user.
package caps
