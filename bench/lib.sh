# bench/lib.sh - what the benchmark scripts share; sourced, not run.

BENCH_HOST_LOCK=/run/sandbox-integration.lock

# bench_lock re-executes the calling script ($0, with "$@") holding the
# integration tests' host lock, unless an outer script holds it already:
# the tests compare the host's mount table and cgroups before and after, and
# must not see the runtimes' work in between.
bench_lock() {
  [ "${SANDBOX_BENCH_LOCKED:-}" = 1 ] && return
  export SANDBOX_BENCH_LOCKED=1
  if ! flock -n "$BENCH_HOST_LOCK" true; then
    echo "$(basename "$0"): waiting for $BENCH_HOST_LOCK (integration tests are running)"
  fi
  exec flock "$BENCH_HOST_LOCK" bash "$0" "$@"
}

# cgroup_dirs lists the directories two levels deep in every cgroup tree,
# which holds sandbox's /sandbox/run-* and the other runtimes' cgroups.
cgroup_dirs() {
  find /sys/fs/cgroup/*/ -mindepth 1 -maxdepth 2 -type d 2>/dev/null | LC_ALL=C sort
}

# report_new_cgroups names the cgroup directories that are there now but
# not in the list in file $1. It removes none: with the lock held they are
# most likely the benchmark's, but they may be another user's.
report_new_cgroups() {
  local new
  new=$(cgroup_dirs | LC_ALL=C comm -13 "$1" -)
  if [ -n "$new" ]; then
    echo "cleanup: cgroup directories that appeared during the benchmark and are still there:"
    echo "$new" | sed 's/^/  /'
  else
    echo "cleanup: no cgroup left behind in /sys/fs/cgroup/*/"
  fi
}
