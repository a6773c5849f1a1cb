#!/usr/bin/env bash
# Builds a busybox root filesystem in DIR from Debian's busybox-static
# package: the static busybox, its applet links, and minimal /etc files
# with a root account and an unprivileged user 1000.
set -euo pipefail
dir=${1:?usage: mkrootfs.sh DIR}

bb=$(dpkg -L busybox-static 2>/dev/null | grep -m1 '/bin/busybox$' || true)
if [ -z "$bb" ] || ! [ -x "$bb" ]; then
  echo "mkrootfs: busybox-static is not installed: apt-get install busybox-static" >&2
  exit 1
fi

tmp="$dir.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/user,var/tmp}
cp "$bb" "$tmp/bin/busybox"
for applet in $("$tmp/bin/busybox" --list-full); do
  case "$applet" in bin/busybox) continue ;; esac
  [ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
chown 1000:1000 "$tmp/home/user"

cat > "$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$tmp/etc/group" <<'GROUP'
root:x:0:
tty:x:5:
users:x:100:user
user:x:1000:
nogroup:x:65534:
GROUP
printf 'root:*:19000:0:99999:7:::\nuser:*:19000:0:99999:7:::\n' > "$tmp/etc/shadow"
chmod 600 "$tmp/etc/shadow"

rm -rf "$dir"
mv "$tmp" "$dir"
echo "mkrootfs: busybox rootfs in $dir ($("$dir/bin/busybox" --list | wc -l) applets)"
