// Package seccomp gives the container its system call filter: linux.seccomp
// of the runtime-spec config.
//
// The work is split between the launch stages, so that the short-lived
// child does as little as it can and needs no C library:
//
//  1. The parent reads a profile: the default one Docker and podman apply
//     (Default), or a file in either the OCI linux.seccomp form or Docker's
//     profile form (ParseProfile). Docker's rules may depend on the
//     container's capabilities, the architecture and the kernel version;
//     Profile.Resolve settles them for one container (a Target) and returns
//     a plain specs.LinuxSeccomp, which is what a config carries.
//  2. Validate checks a config's linux.seccomp before anything is created,
//     naming the field that is wrong.
//  3. The parent compiles it with libseccomp into a classic BPF program
//     (Compile), which travels to the child in its config.
//  4. The child installs that program with seccomp(2) (Program.Load), as
//     late as it can: see package namespaces for where and why.
//
// Only Compile needs cgo; the rest builds without it.
package seccomp
