#!/usr/bin/env bash
# Runs every command of docs/walkthrough.md and writes its real output under
# it, so the walkthrough shows what sandbox does today and not what it did
# when the page was written.
#
#   walkthrough.sh          rewrite docs/walkthrough.md in place
#   walkthrough.sh --check  regenerate into a temporary file and fail when it
#                           differs from the committed page (make test runs it)
#
# In the page, a ```console block holds commands, each on a line of its own
# starting with "$ ", and their output. Everything else is prose and is kept
# as it is. Each command runs in bash, from a scratch directory holding
# ./rootfs (a copy of the Makefile's busybox tree) and ./examples (the
# repository's examples), with bin/ first on PATH, standard input from /dev/null and
# standard error merged into standard output. A command that exits non-zero
# gets an "[exit N]" line, so a refusal the page shows stays a refusal.
#
# Host PIDs, the inode numbers of new namespaces and the random part of
# cgroup names differ between runs, so --check compares the two pages with
# those, and only those, replaced by a placeholder: everything else, ids,
# capability masks, counts and flags, must match. The initial namespaces'
# inodes (4026531832 to 4026531839 here) are fixed, and stay: a container
# that should share the host's namespace must show the host's number.
#
# The script holds the integration tests' host lock
# (/run/sandbox-integration.lock): the containers of one must not show up
# in the other's checks for leftovers.
set -euo pipefail

# The page must not show the name of the machine that wrote it: the
# script runs in a UTS namespace of its own, whose hostname is "host". For
# the commands that is the host's name (hostNetwork shares it).
if [ -z "${WALKTHROUGH_UTS:-}" ]; then
  WALKTHROUGH_UTS=1 exec unshare --uts bash "$0" "$@"
fi
hostname host

top=$(cd "$(dirname "$0")/.." && pwd)
exec 9>/run/sandbox-integration.lock
flock 9
doc=$top/docs/walkthrough.md
mode=write
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

for need in "$top/bin/sandbox" "$top/build/rootfs/bin/busybox"; do
  if [ ! -e "$need" ]; then
    echo "walkthrough: $need is missing: run make build rootfs first" >&2
    exit 1
  fi
done

# A fixed scratch path, so that the paths the output names are the same on
# every host; a real copy of the rootfs, so that they are not the repository's.
work=/tmp/sandbox-walkthrough
out=$(mktemp /tmp/walkthrough-page.XXXXXX)
rm -rf "$work"
trap 'rm -rf "$work" "$out"' EXIT
# Readable by all: a container root mapped by --userns must reach its volumes.
mkdir -m 755 "$work"
cp -a "$top/build/rootfs" "$work/rootfs"
[ -d "$top/examples" ] && ln -s "$top/examples" "$work/examples"
export PATH="$top/bin:$PATH"

# run CMD: the command line as the page shows it, then its output.
run() {
  local status=0
  printf '$ %s\n' "$1"
  (cd "$work" && timeout 60 bash -c "$1") </dev/null >"$work/.out" 2>&1 || status=$?
  # Trailing blanks are noise a Markdown renderer drops anyway.
  sed -e 's/[[:space:]]*$//' "$work/.out"
  if [ "$status" -ne 0 ]; then
    printf '[exit %d]\n' "$status"
  fi
}

inblock=0
while IFS= read -r line || [ -n "$line" ]; do
  if [ "$inblock" = 0 ]; then
    printf '%s\n' "$line"
    [ "$line" = '```console' ] && inblock=1
    continue
  fi
  case "$line" in
    '```') printf '%s\n' "$line"; inblock=0 ;;
    '$ '*) run "${line#\$ }" ;;
    *) ;; # the output of the last generation: replaced
  esac
done <"$doc" >"$out"

if [ "$inblock" = 1 ]; then
  echo "walkthrough: $doc: a \`\`\`console block is not closed" >&2
  exit 1
fi

if [ "$mode" = write ]; then
  cp "$out" "$doc"
  exit 0
fi

normalize() {
  sed -E -e 's/\b402653[2-9][0-9]{3}\b/NSINODE/g' \
    -e 's/run-[0-9]+-[0-9a-f]{12}/run-PID-ID/g' \
    -e 's/\bpid( +)[0-9]+/pid\1PID/g' \
    -e 's/write [0-9]+ to/write PID to/g' \
    -e 's|/proc/[0-9]+/|/proc/PID/|g' "$1"
}
if ! diff -u --label "$doc (as written)" --label "$doc (as run now)" \
    <(normalize "$doc") <(normalize "$out"); then
  echo "walkthrough: docs/walkthrough.md no longer matches what sandbox prints:" \
    "run scripts/walkthrough.sh and commit the page" >&2
  exit 1
fi
