#!/usr/bin/env bash
# Run one container of a Kubernetes pod file with sandbox: convert it with
# `sandbox spec --from-pod` into a temporary bundle, run the bundle, remove
# the bundle. Extra arguments go to `sandbox spec` (--container, --rootfs,
# --seccomp-root). Runs as root, from the repository: bin/ and build/rootfs.
#   scripts/run-pod.sh examples/pods/capabilities.yaml
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 POD.yaml [sandbox spec flags...]" >&2; exit 2; }
SANDBOX=${SANDBOX:-bin/sandbox}
pod=$1; shift
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT
rootfs=(--rootfs build/rootfs)
case " $* " in *" --rootfs "*) rootfs=() ;; esac
"$SANDBOX" spec --from-pod "$pod" --bundle "$bundle" "${rootfs[@]}" "$@"
"$SANDBOX" run --bundle "$bundle" "pod-$$"
