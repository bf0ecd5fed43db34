#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make install DESTDIR=...` puts every file where systemd, modprobe and
# man look for it, with its mode; the unit it installs passes
# `systemd-analyze verify` (ExecStart, the man pages it names) and keeps
# its sandbox (`systemd-analyze security` exposure); `make uninstall`
# takes every file away again.
#
# usage: selftests/ops/check-install.sh KDIR   (the module's kernel)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kdir=$1
root=$(mktemp -d /tmp/kesp-install-XXXXXX)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

make -s KDIR="$kdir" DESTDIR="$root" install >"$root.log" 2>&1 ||
	{ cat "$root.log"; rm -f "$root.log"; fail "make install"; }
rm -f "$root.log"
kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$kdir/include/generated/utsrelease.h")

# want MODE PATH: PATH exists under the root with that mode
want() {
	local m
	m=$(stat -c %a "$root$2" 2>/dev/null) || fail "$2 not installed"
	[ "$m" = "$1" ] || fail "$2 has mode $m, expected $1"
	echo "ok: $2 ($m)"
}
want 755 /usr/local/sbin/kesp-iked
want 755 /usr/local/sbin/kespctl
want 644 "/lib/modules/$kver/extra/kmod/kesp.ko"
want 644 /usr/local/lib/systemd/system/kesp-iked.service
want 644 /etc/modules-load.d/kesp.conf
want 700 /etc/kesp
for f in examples/*; do
	want 644 "/usr/local/share/doc/kesp/examples/${f#examples/}"
done
pages=0
for f in man/*.[58]; do
	[ -e "$f" ] || continue
	want 644 "/usr/local/share/man/man${f##*.}/${f#man/}"
	pages=$((pages + 1))
done
[ "$pages" -ge 4 ] || fail "only $pages man pages in man/"
grep -qx kesp "$root/etc/modules-load.d/kesp.conf" ||
	fail "modules-load.d/kesp.conf does not name kesp"
modinfo -F name "$root/lib/modules/$kver/extra/kmod/kesp.ko" | grep -qx kesp ||
	fail "the installed kesp.ko is not a module named kesp"
unit=$root/usr/local/lib/systemd/system/kesp-iked.service
grep -qx 'ExecStart=/usr/local/sbin/kesp-iked' "$unit" ||
	fail "ExecStart does not name /usr/local/sbin/kesp-iked"
grep -q '@SBINDIR@' "$unit" && fail "@SBINDIR@ left in the unit"

# The unit as installed, its ExecStart pointed into the staging root, and
# man looking there for the pages its Documentation= names.
command -v systemd-analyze >/dev/null ||
	fail "no systemd-analyze (scripts/deps.sh installs systemd)"
{
	mkdir -p "$root/verify"
	sed "s|^ExecStart=/usr/local/sbin/|ExecStart=$root/usr/local/sbin/|" \
		"$unit" >"$root/verify/kesp-iked.service"
	out=$(MANPATH=$root/usr/local/share/man \
		systemd-analyze verify "$root/verify/kesp-iked.service" 2>&1) ||
		{ echo "$out"; fail "systemd-analyze verify"; }
	[ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify warned"; }
	echo "ok: systemd-analyze verify"
	# 0 is a locked-down unit, 10 an unprotected one: a weakened
	# sandbox fails here.
	exposure=$(systemd-analyze security --offline=true \
		"$root/verify/kesp-iked.service" 2>&1 |
		sed -n 's/.*Overall exposure level for kesp-iked.service: \([0-9.]*\).*/\1/p')
	[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
	awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' ||
		fail "sandbox exposure $exposure, expected at most 2.5"
	echo "ok: systemd-analyze security: exposure $exposure"
}

make -s KDIR="$kdir" DESTDIR="$root" uninstall >/dev/null 2>&1 ||
	fail "make uninstall"
left=$(find "$root" -type f ! -path "$root/verify/*")
[ -z "$left" ] || { echo "$left"; fail "make uninstall left files"; }
echo "ok: make uninstall removed every file"
