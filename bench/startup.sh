#!/usr/bin/env bash
# bench/startup.sh - container start-up latency and memory of `sandbox`.
#
# Usage (as root):  bash bench/startup.sh BIN ROOTFS
#   BIN     the sandbox binary (e.g. bin/sandbox)
#   ROOTFS  a busybox root filesystem directory (must contain bin/true)
#   Knobs (env): RUNS=200 RUNC_RUNS=100 ROUNDS=4 WARMUP=5 RSS_RUNS=50
#                BENCH_CPU=1 (0 skips the second measurement, bench/cpu.sh)
#
# This is the first of two measurements; the second, bench/cpu.sh (CPU time
# per start of sandbox, crun and runc, with cgroups and seccomp), runs after
# it, under the same hold of the integration tests' host lock, which this
# script takes before anything else (see bench/lib.sh).
#
# What it measures, on this machine, in one run:
#   sandbox  BIN run ROOTFS /bin/true          (default namespaces: pid,net,mnt,uts,ipc)
#   runc     runc run of an equivalent bundle   (`runc spec` + root.path = a copy of
#            ROOTFS, args /bin/true, no terminal; fresh container id each run)
#   floor    unshare --fork --pid --mount --uts --ipc --net --mount-proc chroot ROOTFS /bin/true
#            (the kernel work every such runtime has to do; nothing can be much faster)
# Wall-clock times come from hyperfine, in ROUNDS rounds that alternate between the
# three commands, so that drift in machine load hits all three alike; the medians
# are taken over all runs of all rounds. sandbox and floor run without a shell (-N);
# runc runs through `sh -c` (needed for a unique id, "bench-$$") and hyperfine
# subtracts the measured shell start-up time from it.
#
# Peak RSS is GNU time's %M over RSS_RUNS runs, max taken. %M comes from wait4():
# on Linux it is the largest RSS reached by ANY SINGLE process in the tree that
# time started - the command itself and every descendant that was waited for
# (sandbox's re-exec'd child and /bin/true included, RSS before an exec included).
# It is a max over processes, not a sum of processes alive at the same time.
#
# How to read it: lower is better. Targets: sandbox/runc <= 0.3,
# sandbox/floor <= 1.5, sandbox peak RSS < 8 MiB. A MISS is reported, not fatal:
# the script exits 0 unless a measured command fails to run (then non-zero).
# cgroup directories left behind by the runs are reported at the end.
set -euo pipefail

BIN=${1:?usage: $0 BIN ROOTFS}
ROOTFS=${2:?usage: $0 BIN ROOTFS}
RUNS=${RUNS:-200} RUNC_RUNS=${RUNC_RUNS:-100} ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-5} RSS_RUNS=${RSS_RUNS:-50}
RUNC=/usr/sbin/runc GNUTIME=/usr/bin/time

die() { echo "startup.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$BIN" ] || die "BIN '$BIN' is not an executable file"
[ -e "$ROOTFS/bin/true" ] || [ -L "$ROOTFS/bin/true" ] || die "ROOTFS '$ROOTFS' has no bin/true"
BIN=$(realpath "$BIN") ROOTFS=$(realpath "$ROOTFS")
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_lock "$BIN" "$ROOTFS"

# Debian packages this needs; install the missing ones (waits for the dpkg lock).
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x "$RUNC" ] || missing+=(runc)
[ -x "$GNUTIME" ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt_install() { apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null; }
  apt_install || { apt-get update -q >/dev/null && apt_install; } || die "cannot install ${missing[*]}"
fi

TMP=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
STATE=$TMP/runc-state BUNDLE=$TMP/bundle
cgroup_dirs >"$TMP/cgroups.before"
cleanup() {
  local id
  if [ -d "$STATE" ]; then   # runc state left behind by an interrupted run
    for id in $("$RUNC" --root "$STATE" list -q 2>/dev/null); do
      "$RUNC" --root "$STATE" delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# runc bundle: a private copy of ROOTFS (runc may create mount points in it).
mkdir -p "$STATE" "$BUNDLE"
cp -a "$ROOTFS" "$BUNDLE/rootfs"
(cd "$BUNDLE" && "$RUNC" spec)
python3 - "$BUNDLE/config.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["root"]["path"] = "rootfs"
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
json.dump(c, open(p, "w"), indent=1)
EOF

q() { printf '%q ' "$@"; }
SANDBOX_CMD=$(q "$BIN" run "$ROOTFS" /bin/true)
FLOOR_CMD=$(q unshare --fork --pid --mount --uts --ipc --net --mount-proc chroot "$ROOTFS" /bin/true)
RUNC_CMD="$(q "$RUNC" --root "$STATE" run --bundle "$BUNDLE") bench-\$\$"

# Each command must work once before it is timed.
for name in sandbox runc floor; do
  case $name in sandbox) c=$SANDBOX_CMD;; runc) c=$RUNC_CMD;; floor) c=$FLOOR_CMD;; esac
  if ! out=$(sh -c "$c" </dev/null 2>&1); then
    echo "startup.sh: FAILED to run $name: $c" >&2; echo "$out" >&2; exit 1
  fi
done

echo "machine: $(nproc) cores, kernel $(uname -r), $($RUNC --version | head -1), $(hyperfine --version)"
hf_failed() { cat "$TMP/hyperfine.log" >&2; echo "startup.sh: a measured command failed under hyperfine" >&2; exit 1; }
per() { echo $(( ($1 + ROUNDS - 1) / ROUNDS )); }
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS ..."
  hyperfine -N --style none --warmup "$WARMUP" --runs "$(per "$RUNS")" \
    --export-json "$TMP/r$r-a.json" -n sandbox "$SANDBOX_CMD" -n floor "$FLOOR_CMD" \
    </dev/null 2>>"$TMP/hyperfine.log" || hf_failed
  hyperfine --style none --warmup "$WARMUP" --runs "$(per "$RUNC_RUNS")" \
    --export-json "$TMP/r$r-b.json" -n runc "$RUNC_CMD" \
    </dev/null 2>>"$TMP/hyperfine.log" || hf_failed
done
n=$(grep -c 'outliers' "$TMP/hyperfine.log" || true)
[ "$n" = 0 ] || echo "note: hyperfine saw statistical outliers in $n of $((2 * ROUNDS)) invocations (medians are robust to them)"

# Peak RSS (KiB): max of GNU time's %M over RSS_RUNS runs.
peak_rss() {
  local max=0 kb i
  for i in $(seq 1 "$RSS_RUNS"); do
    "$GNUTIME" -f %M -o "$TMP/rss" sh -c "exec $1" </dev/null >/dev/null 2>&1 \
      || { echo "startup.sh: FAILED under time: $1" >&2; exit 1; }
    kb=$(tail -n 1 "$TMP/rss"); [ "$kb" -gt "$max" ] && max=$kb
  done
  echo "$max"
}
RSS_SANDBOX=$(peak_rss "$SANDBOX_CMD")
RSS_RUNC=$(peak_rss "$RUNC_CMD")
RSS_FLOOR=$(peak_rss "$FLOOR_CMD")

python3 - "$TMP" "$RSS_SANDBOX" "$RSS_RUNC" "$RSS_FLOOR" <<'EOF'
import glob, json, statistics, sys
tmp, rss = sys.argv[1], dict(zip(["sandbox", "runc", "floor"], map(int, sys.argv[2:5])))
times = {}
for f in sorted(glob.glob(tmp + "/r*.json")):
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(t * 1000 for t in r["times"])
med = {k: statistics.median(v) for k, v in times.items()}
print(f"\n{'':8} {'runs':>5} {'min ms':>8} {'median ms':>10} {'p90 ms':>8} {'peak RSS':>10}")
for k in ["sandbox", "runc", "floor"]:
    v = sorted(times[k])
    print(f"{k:8} {len(v):5d} {v[0]:8.2f} {med[k]:10.2f} {v[int(0.9 * (len(v) - 1))]:8.2f} "
          f"{rss[k] / 1024:7.2f} MiB")
def check(label, value, ok, target):
    print(f"{label:22} {value:>9}   target {target:10} {'PASS' if ok else 'MISS'}")
print()
r1, r2 = med["sandbox"] / med["runc"], med["sandbox"] / med["floor"]
check("sandbox/runc median", f"{r1:.3f}", r1 <= 0.3, "<= 0.3")
check("sandbox/floor median", f"{r2:.3f}", r2 <= 1.5, "<= 1.5")
check("sandbox peak RSS", f"{rss['sandbox'] / 1024:.2f} MiB", rss["sandbox"] < 8192, "< 8 MiB")
print("(peak RSS = largest single process in the tree: parent, re-exec'd child, /bin/true)")
EOF
report_new_cgroups "$TMP/cgroups.before"

if [ "${BENCH_CPU:-1}" != 0 ]; then
  echo
  bash "$(dirname "$0")/cpu.sh" "$BIN" "$ROOTFS"
fi
