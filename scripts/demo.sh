#!/usr/bin/env bash
# Runs the main job, `sandbox run --drop-all --user 1000 ROOTFS /bin/sh`, with
# a short script in place of an interactive shell, so its output shows the
# isolation: PID 1, its own hostname and network, no capabilities.
set -euo pipefail
bin=${1:?usage: demo.sh BIN ROOTFS}
rootfs=${2:?usage: demo.sh BIN ROOTFS}

script='
echo "I am PID $$: $(id)"
echo "hostname: $(hostname)"
echo "network interfaces: $(ls /sys/class/net)"
echo "processes I can see:"; ps -o pid,user,comm
grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status
cat /etc/shadow 2>&1 | sed "s/^/reading \/etc\/shadow: /"
echo "mounts: $(wc -l < /proc/self/mountinfo), none of them the host root"
'
# Count the PID directories by glob alone: ls would stat each one, and a
# process that exits in between makes it print an error.
pids=(/proc/[0-9]*)
echo "host: $(hostname), $(ls /sys/class/net | wc -l) network interfaces, ${#pids[@]} processes"
echo "+ sandbox run --drop-all --user 1000 $rootfs /bin/sh -c '...'"
exec "$bin" run --drop-all --user 1000 "$rootfs" /bin/sh -c "$script"
