#!/usr/bin/env bash
# bench/cpu.sh - CPU time per container start, the default set: sandbox with
# its cgroup and Docker's seccomp profile, against crun and runc with the same.
#
# Usage (as root):  bash bench/cpu.sh BIN ROOTFS
#   BIN     the sandbox binary (e.g. bin/sandbox)
#   ROOTFS  a busybox root filesystem directory (must contain bin/true)
#   Knobs (env): CPU_RUNS=100 (starts per runtime) CPU_WARMUP=3
#                CPU_CLOCK=auto|perf|rusage  CRUN=crun RUNC=runc (names or paths)
#
# What runs, once per start:
#   sandbox  BIN run --pids-limit 1024 ROOTFS /bin/true: run's defaults (pid, net,
#            mnt, uts, ipc and cgroup namespaces, Docker's capabilities, a cgroup of
#            its own, Docker's seccomp profile) plus the pids limit the others get.
#   crun     crun run of a bundle from `BIN spec --seccomp default`: the namespaces,
#   runc     mounts, capabilities and masks of `sandbox run`, and the very seccomp
#            profile run applies (settled for the same capabilities; a unit test of
#            package spec holds the two equal), with root.path a private copy of
#            ROOTFS (read-write, as run's), args /bin/true, no terminal,
#            linux.resources.pids.limit 1024 and a cgroupsPath of its own. Two
#            edits make crun 1.8 take it: ociVersion 1.0.2, and /dev without
#            nodev (crun creates its device nodes there with mknod).
# Before measuring, each one runs once with a shell that prints its Seccomp
# mode, filter count and pids.max, to show that the three are set up alike.
#
# CPU time is user+sys of the whole process tree of one start: perf stat's
# task-clock, counted from the exec of the command and inherited by every task
# it forks, to the exit of the last. Where perf cannot count (CPU_CLOCK=rusage,
# or auto without a working perf) it is getrusage(RUSAGE_CHILDREN) of a small
# wrapper, which sees only the descendants that were waited for. Either way,
# kernel work done later in kernel threads on the container's behalf (the
# network namespace's teardown, cgroup release) is not counted, for any of
# the three. The user/sys split is the kernel's tick-sampled one (rusage), so
# it is rough; the total is not.
#
# Starts are interleaved: each iteration starts all three once, in an order
# that rotates, so drift in machine load hits all alike. Medians over all
# iterations. Targets: sandbox/crun <= 1.0, sandbox/runc <= 0.4; a MISS is
# reported, not fatal.
#
# The whole measurement runs in a private mount namespace (unshare -m,
# propagation private) in which an empty file is bound over the cgroup v2
# controller list of a hybrid host: crun 1.8 refuses hybrid hosts otherwise.
# The host's mounts stay as they are, and all three runtimes run in that same
# view. It holds the integration tests' host lock. Containers, cgroups and
# files it makes are removed at the end, and cgroup directories that appeared
# while it ran are reported.
#
# Exit status: 0 when all three were measured (whatever the ratios); 1 when
# sandbox failed, or crun or runc was missing or failed (reported, and the
# others still measured); 2 for bad usage.
set -euo pipefail
export LC_ALL=C

BIN=${1:?usage: $0 BIN ROOTFS}
ROOTFS=${2:?usage: $0 BIN ROOTFS}
CPU_RUNS=${CPU_RUNS:-100} CPU_WARMUP=${CPU_WARMUP:-3} CPU_CLOCK=${CPU_CLOCK:-auto}
CRUN=${CRUN:-crun} RUNC=${RUNC:-runc}
PIDS_LIMIT=1024
CONTROLLERS=/sys/fs/cgroup/unified/cgroup.controllers
RUNTIMES=(sandbox crun runc)

die() { echo "cpu.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$BIN" ] || die "BIN '$BIN' is not an executable file"
[ -e "$ROOTFS/bin/true" ] || [ -L "$ROOTFS/bin/true" ] || die "ROOTFS '$ROOTFS' has no bin/true"
BIN=$(realpath "$BIN") ROOTFS=$(realpath "$ROOTFS")

# Step 1 (host view): take the host lock.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_lock "$BIN" "$ROOTFS"

# Step 2 (host view): a scratch directory, then the measurement in a private
# mount namespace, then the check for leftovers.
# Our own cgroupsPaths go in any case, interrupted or not; anything else
# that appeared is named, for it may be another user's.
finish() {
  local d
  for d in /sys/fs/cgroup/*/sandbox-bench-$$-*; do
    if [ -d "$d" ] && rmdir "$d" 2>/dev/null; then echo "cleanup: removed leftover cgroup $d"; fi
  done
  report_new_cgroups "$TMP/cgroups.before"
  if grep -q "$TMP" /proc/self/mountinfo; then
    echo "cleanup: mounts of the benchmark reached the host, $TMP is kept:"
    grep "$TMP" /proc/self/mountinfo
    exit 1
  fi
  rm -rf "$TMP"
}

if [ -z "${SANDBOX_BENCH_IN_VIEW:-}" ]; then
  TMP=$(mktemp -d /tmp/sandbox-bench-cpu.XXXXXX)
  cgroup_dirs >"$TMP/cgroups.before"
  trap finish EXIT
  trap 'exit 130' INT TERM
  SANDBOX_BENCH_IN_VIEW=1 TMP=$TMP OWNER=$$ unshare -m --propagation private -- bash "$0" "$BIN" "$ROOTFS"
  exit
fi

# Step 3 (private view): hide the v2 controller list, for crun.
if [ -e "$CONTROLLERS" ]; then
  : >"$TMP/empty"
  mount --bind "$TMP/empty" "$CONTROLLERS"
fi

FAILED=()
failed() { [[ " ${FAILED[*]} " == *" $1 "* ]]; }
fail() { failed "$1" || { echo "$1: NOT MEASURED: $2"; FAILED+=("$1"); }; }
path_of() { case $1 in crun) command -v "$CRUN" || true;; runc) command -v "$RUNC" || true;; esac; }

# Step 4: a bundle per reference runtime (each may create mount points in
# its rootfs) from sandbox's own template and profile. Its cgroupsPath is
# named after OWNER, the host-view shell, which removes any left over.
make_bundle() {
  local rt=$1 b=$TMP/bundle-$1
  mkdir -p "$b"
  cp -a "$ROOTFS" "$b/rootfs"
  "$BIN" spec --bundle "$b" --seccomp default
  python3 - "$b/config.json" "/sandbox-bench-$OWNER-$rt" "$PIDS_LIMIT" <<'EOF'
import json, sys
p, cgpath, pids = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = json.load(open(p))
c["ociVersion"] = "1.0.2"
c["root"] = {"path": "rootfs", "readonly": False}
c["process"]["terminal"] = False
c["process"]["env"] = [e for e in c["process"]["env"] if not e.startswith("TERM=")]
for m in c["mounts"]:
    if m["destination"] == "/dev":
        m["options"] = [o for o in m["options"] if o != "nodev"]
c["linux"]["resources"] = {"pids": {"limit": pids}}
c["linux"]["cgroupsPath"] = cgpath
json.dump(c, open(p, "w"), indent=1)
EOF
}

# set_args points a bundle's process.args at argv.
set_args() {
  python3 - "$TMP/bundle-$1/config.json" "${@:2}" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = sys.argv[2:]
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
}

# command_of prints, NUL-separated, the argv that starts runtime $1 with
# args ${@:2} (bundles: their process.args, set beforehand), as container
# bench-$SEQ. It runs in a subshell: callers count SEQ up.
SEQ=0
command_of() {
  local rt=$1; shift
  case $rt in
    sandbox) printf '%s\0' "$BIN" run --pids-limit "$PIDS_LIMIT" "$ROOTFS" "$@" ;;
    crun | runc) printf '%s\0' "$(path_of "$rt")" --root "$TMP/$rt-state" run \
      --bundle "$TMP/bundle-$rt" "bench-$SEQ" ;;
  esac
}

# Step 5: each runtime once, reporting what the kernel says from inside.
PROBE='printf "Seccomp %s, filters %s, pids.max %s\n" "$(grep "^Seccomp:" /proc/self/status | cut -f2)" "$(grep "^Seccomp_filters:" /proc/self/status | cut -f2)" "$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"'
probe() {
  local rt=$1 out argv
  if [ "$rt" != sandbox ]; then
    [ -n "$(path_of "$rt")" ] || { fail "$rt" "not installed (apt-get install $rt)"; return; }
    make_bundle "$rt" || { fail "$rt" "its bundle could not be made"; return; }
    set_args "$rt" /bin/sh -c "$PROBE"
  fi
  SEQ=$((SEQ + 1))
  mapfile -d '' argv < <(command_of "$rt" /bin/sh -c "$PROBE")
  local rc=0
  out=$("${argv[@]}" </dev/null 2>&1) || rc=$?
  if [ "$rc" != 0 ]; then
    fail "$rt" "${argv[*]}: exit status $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"; return
  fi
  printf 'check %-8s %s\n' "$rt:" "$out"
  [ "$rt" = sandbox ] || set_args "$rt" /bin/true
}

# Step 6: the clock. measure RT appends "RT TOTAL_MS USER_MS SYS_MS".
pick_clock() {
  if [ "$CPU_CLOCK" != rusage ] && perf stat -x, -e task-clock,user_time,system_time -o /dev/null true 2>/dev/null; then
    CPU_CLOCK=perf
  elif [ "$CPU_CLOCK" = perf ]; then
    echo "cpu.sh: perf stat cannot count here (install linux-perf, check perf_event_paranoid)" >&2; exit 1
  else
    CPU_CLOCK=rusage
  fi
}
# The wrapper counts the difference: a python3 started through a shim (pyenv)
# already holds the shim's children in RUSAGE_CHILDREN.
RUSAGE_PY='
import os, resource, sys
before = resource.getrusage(resource.RUSAGE_CHILDREN)
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status = os.waitpid(pid, 0)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
u, s = (r.ru_utime - before.ru_utime) * 1e3, (r.ru_stime - before.ru_stime) * 1e3
print(f"{u + s:.3f} {u:.3f} {s:.3f}")
sys.exit(os.waitstatus_to_exitcode(status) != 0)'
measure() {
  local rt=$1 argv
  SEQ=$((SEQ + 1))
  mapfile -d '' argv < <(command_of "$rt" /bin/true)
  case $CPU_CLOCK in
    perf)
      perf stat -x, -e task-clock,user_time,system_time -o "$TMP/perf.out" -- "${argv[@]}" \
        </dev/null >/dev/null 2>>"$TMP/err.log" || return 1
      awk -F, -v rt="$rt" '
        $3 == "task-clock"  { t = $1 }
        $3 == "user_time"   { u = ($1 ~ /^[0-9]/) ? $1 / 1e6 : 0 }
        $3 == "system_time" { s = ($1 ~ /^[0-9]/) ? $1 / 1e6 : 0 }
        END { if (t == "") exit 1; printf "%s %s %.3f %.3f\n", rt, t, u, s }' "$TMP/perf.out" ;;
    rusage)
      local times
      times=$(python3 -c "$RUSAGE_PY" "${argv[@]}" </dev/null 2>>"$TMP/err.log") || return 1
      echo "$rt $times" ;;
  esac
}

cleanup_view() {
  local rt id
  for rt in crun runc; do
    [ -d "$TMP/$rt-state" ] || continue
    for id in $("$(path_of "$rt")" --root "$TMP/$rt-state" list -q 2>/dev/null); do
      "$(path_of "$rt")" --root "$TMP/$rt-state" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
}
trap cleanup_view EXIT
trap 'exit 130' INT TERM

for rt in "${RUNTIMES[@]}"; do probe "$rt"; done
if failed sandbox; then
  echo "cpu.sh: sandbox itself failed; nothing measured" >&2; exit 1
fi
LIVE=()
for rt in "${RUNTIMES[@]}"; do failed "$rt" || LIVE+=("$rt"); done
pick_clock
version() { if [ -n "$(path_of "$1")" ]; then "$(path_of "$1")" --version | head -1; else echo "no $1"; fi; }
echo "clock: $CPU_CLOCK; $(version crun); $(version runc)"
mkdir "$TMP/profile"
"$BIN" spec --bundle "$TMP/profile" --seccomp default
python3 - "$TMP/profile/config.json" <<'EOF'
import hashlib, json, sys
s = json.load(open(sys.argv[1]))["linux"]["seccomp"]
digest = hashlib.sha256(json.dumps(s, sort_keys=True).encode()).hexdigest()[:12]
print(f"seccomp: Docker's default profile, {s['defaultAction']}, {len(s['syscalls'])} rules, "
      f"{', '.join(s['architectures'])} (sha256 {digest}), the same for all three")
EOF

# Step 7: warm-up (sandbox's compiled filter cache, the page cache), then
# the interleaved iterations.
for _ in $(seq 1 "$CPU_WARMUP"); do
  for rt in "${LIVE[@]}"; do measure "$rt" >/dev/null || true; done
done
echo "measuring: $CPU_RUNS starts each of ${LIVE[*]}, interleaved ..."
: >"$TMP/cpu.txt"
n=${#LIVE[@]}
for i in $(seq 0 $((CPU_RUNS - 1))); do
  for j in $(seq 0 $((n - 1))); do
    rt=${LIVE[$(((i + j) % n))]}
    failed "$rt" && continue
    if ! measure "$rt" >>"$TMP/cpu.txt"; then
      fail "$rt" "a measured start failed: $(tail -n 3 "$TMP/err.log" | tr '\n' ' ')"
      [ "$rt" = sandbox ] && exit 1
    fi
  done
done

python3 - "$TMP/cpu.txt" "${FAILED[*]:-}" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
failed = set(sys.argv[2].split())
data = {}
for rt, t, u, s in rows:
    if rt not in failed:
        data.setdefault(rt, []).append((float(t), float(u), float(s)))
print(f"\nCPU time per start (user+sys, whole process tree)")
print(f"{'':8} {'runs':>5} {'min ms':>8} {'median ms':>10} {'p90 ms':>8} {'user ms':>8} {'sys ms':>8}")
med = {}
for rt in ["sandbox", "crun", "runc"]:
    if rt not in data:
        print(f"{rt:8} {'NOT MEASURED (see above)':>40}")
        continue
    v = sorted(x[0] for x in data[rt])
    med[rt] = statistics.median(v)
    u = statistics.median(x[1] for x in data[rt]); s = statistics.median(x[2] for x in data[rt])
    print(f"{rt:8} {len(v):5d} {v[0]:8.2f} {med[rt]:10.2f} {v[int(0.9 * (len(v) - 1))]:8.2f} {u:8.2f} {s:8.2f}")
print("(user and sys: the kernel's tick-sampled split, medians of each; rough)\n")
for ref, target in [("crun", 1.0), ("runc", 0.4)]:
    label = f"sandbox/{ref} CPU median"
    if ref in med and "sandbox" in med:
        r = med["sandbox"] / med[ref]
        print(f"{label:26} {r:9.3f}   target <= {target:<7} {'PASS' if r <= target else 'MISS'}")
    else:
        print(f"{label:26} {'n/a':>9}   target <= {target:<7} NOT MEASURED: {ref} missing or failed")
EOF
[ ${#FAILED[@]} -eq 0 ]
