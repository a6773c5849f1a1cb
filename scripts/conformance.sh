#!/usr/bin/env bash
# Runs the OCI runtime conformance suite (opencontainers/runtime-tools, its
# validation programs) against one runtime binary and counts the TAP results.
#
#   RUNTIME=/path/to/runtime scripts/conformance.sh [PROGRAM...]
#
# RUNTIME is the runtime under test (a path, or a name found on PATH); the
# default is bin/sandbox. With PROGRAM names only those programs run.
#
# Steps:
#  0. Re-run itself in a private mount namespace (see below).
#  1. Fetch runtime-tools at a pinned version through the Go module proxy and
#     build its validation programs and runtimetest into build/conformance/,
#     once: no copy of its code enters our tree.
#  2. Run each program from build/conformance/, where it finds runtimetest and
#     the rootfs tarball, under a timeout so one hang cannot stall the run,
#     and holding the host lock of the integration tests for its duration.
#  3. Keep each program's TAP in build/conformance/results/NAME.tap and its
#     stderr in NAME.err, and print per-program and total counts.
#
# Tunables (environment):
#   CONFORMANCE_TIMEOUT  seconds one program may run (default 180)
#   HIDE_UNIFIED         1 binds an empty file over the cgroup v2 controller
#                        list of a hybrid host, inside the suite's private
#                        mount namespace: crun 1.8 refuses hybrid hosts
#                        otherwise. Default: 1 when RUNTIME is crun, else 0.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
export PATH="$PATH:/usr/local/go/bin"

RT_MODULE=github.com/opencontainers/runtime-tools
# The last master commit that passes with released runtimes: later ones
# compare the pids limit as a pointer and fail every runtime.
RT_VERSION=v0.9.1-0.20250523060157-0ea5ed0382a2

out=$top/build/conformance
bindir=$out/bin
results=$out/results
timeout_s=${CONFORMANCE_TIMEOUT:-180}
host_lock=/run/sandbox-integration.lock

runtime=${RUNTIME:-$top/bin/sandbox}
if ! runtime_path=$(command -v "$runtime"); then
  echo "conformance: runtime $runtime not found: build it (make build) or set RUNTIME" >&2
  exit 1
fi
case "$runtime_path" in /*) ;; *) runtime_path=$top/$runtime_path ;; esac

if [ "$(id -u)" -ne 0 ]; then
  echo "conformance: the suite creates containers and needs root" >&2
  exit 1
fi

# Step 1: build the programs once per pinned version.
build_suite() {
  local stamp=$bindir/.version
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$RT_VERSION" ]; then
    return
  fi

  echo "conformance: building $RT_MODULE@$RT_VERSION into $bindir"
  rm -rf "$bindir" "$out/mod"
  mkdir -p "$bindir" "$out/mod"
  # A throwaway module that requires runtime-tools; its go.sum is filled from
  # the proxy, and the build reads the code from the module cache.
  printf 'module conformance\n\ngo 1.21\n' >"$out/mod/go.mod"
  (
    cd "$out/mod"
    export GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=0 GOWORK=off
    go get "$RT_MODULE@$RT_VERSION"
    # runtimetest runs inside the test rootfs, so it must be static.
    go build -trimpath -o "$bindir/" "$RT_MODULE/validation/..." "$RT_MODULE/cmd/runtimetest"
  )

  local dir
  dir=$(cd "$out/mod" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' "$RT_MODULE")
  install -m 0644 "$dir/rootfs-amd64.tar.gz" "$bindir/rootfs-amd64.tar.gz"
  echo "$RT_VERSION" >"$stamp"
}

# count_tap FILE RC prints "passed failed skipped" for one program's TAP and
# exit status. Only top-level test lines count: the YAML blocks that carry
# runtimetest's own TAP from inside a container are indented.
#  - A plan that promises more tests than were reported counts the missing
#    ones as failed.
#  - Some programs report no test line at all (the hook programs, or a
#    program that expects the runtime to refuse a config): they count as one
#    test, passed when the program exited 0 without an "error" diagnostic.
#  - A program that reported tests but then exited non-zero gave one more
#    verdict through its exit status: it counts as one more failure.
count_tap() {
  awk -v rc="$2" '
    /^ok/ && tolower($0) ~ /# *skip/ { skip++; next }
    /^ok/                             { pass++; next }
    /^not ok/                         { fail++; next }
    /^1\.\.[0-9]+/                    { split($0, p, /\.\.| /); plan = p[2] + 0; next }
    /^ +"error":/                     { errors++ }
    END {
      seen = pass + fail + skip
      if (plan > seen) fail += plan - seen
      if (seen == 0 && plan == 0) {
        if (rc == 0 && errors == 0) pass++; else fail++
      } else if (rc != 0) {
        fail++
      }
      printf "%d %d %d\n", pass, fail, skip
    }' "$1"
}

run_program() {
  local name=$1 rc=0
  (
    cd "$bindir"
    RUNTIME=$runtime_path flock "$host_lock" \
      timeout --kill-after=10 "$timeout_s" "./$name"
  ) >"$results/$name.tap" 2>"$results/$name.err" </dev/null || rc=$?
  echo "$rc"
}

main() {
  build_suite
  # The programs make their bundles under TMPDIR and leave some behind.
  rm -rf "$results" "$out/tmp"
  mkdir -p "$results" "$out/tmp"
  export TMPDIR=$out/tmp

  local programs=("$@")
  if [ ${#programs[@]} -eq 0 ]; then
    mapfile -t programs < <(cd "$bindir" && ls | grep -v -e '^runtimetest$' -e '\.tar\.gz$')
  fi

  echo "conformance: runtime $runtime_path, ${#programs[@]} programs"
  local name rc counts note p f s tp=0 tf=0 ts=0
  for name in "${programs[@]}"; do
    rc=$(run_program "$name")
    counts=$(count_tap "$results/$name.tap" "$rc")
    read -r p f s <<<"$counts"
    tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
    note=""
    case "$rc" in
      0) ;;
      124 | 137) note=" (timed out after ${timeout_s}s)" ;;
      *) note=" (exit $rc)" ;;
    esac
    printf '%-36s %5d passed %4d failed %3d skipped%s\n' "$name" "$p" "$f" "$s" "$note"
  done
  echo "$tp passed, $tf failed, $ts skipped"
}

# Step 0: run in a private mount namespace. Some programs hand the runtime
# a config without a mount namespace (linux_ns_itype), and a runtime that
# accepts it mounts the container's proc, dev and sys on the host; here
# they vanish with the namespace instead.
if [ -z "${CONFORMANCE_IN_NS:-}" ]; then
  hide_unified=${HIDE_UNIFIED:-}
  if [ -z "$hide_unified" ]; then
    hide_unified=0
    [ "$(basename "$runtime_path")" = crun ] && hide_unified=1
  fi
  export CONFORMANCE_IN_NS=1 RUNTIME=$runtime_path HIDE_UNIFIED=$hide_unified
  exec unshare -m --propagation private -- bash -c '
    controllers=/sys/fs/cgroup/unified/cgroup.controllers
    if [ "$HIDE_UNIFIED" = 1 ] && [ -e "$controllers" ]; then
      empty=$(mktemp)
      mount --bind "$empty" "$controllers"
      rm -f "$empty"
    fi
    exec bash "$@"' _ "$top/scripts/conformance.sh" "$@"
fi

main "$@"
