#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make deb` builds kesp and kesp-dkms with debhelper and lintian finds no
# error in them (make deb fails otherwise); each package holds what it
# should, and kesp-dkms registers itself with DKMS on installation.
#
# usage: selftests/ops/check-deb.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
ver=$(cat VERSION)
deb=build/deb
fail() { echo "FAIL: $*"; exit 1; }

make -s deb >build/deb.log 2>&1 ||
	{ tail -n 60 build/deb.log; fail "make deb"; }
grep -E '^[EWI]: ' build/deb.log || true
echo "ok: make deb, lintian without errors"

# has DEB PATH...: each PATH is in the package; lacks DEB PATH: it is not.
has() {
	local d=$1 p list
	list=$(dpkg-deb -c "$deb/$d" | awk '{ print $6 }')
	shift
	for p in "$@"; do
		grep -qxF ".$p" <<<"$list" || fail "$d lacks $p"
	done
	echo "ok: $d holds $*"
}
lacks() {
	dpkg-deb -c "$deb/$1" | awk '{ print $6 }' | grep -q "^\.$2" &&
		fail "$1 holds $2"
	echo "ok: $1 holds nothing under $2"
}
has "kesp_${ver}_amd64.deb" /usr/sbin/kesp-iked /usr/sbin/kespctl \
	/lib/systemd/system/kesp-iked.service \
	/usr/lib/modules-load.d/kesp.conf \
	/usr/share/man/man8/kesp-iked.8.gz /usr/share/man/man8/kespctl.8.gz \
	/usr/share/man/man5/kesp-ipsec.conf.5.gz \
	/usr/share/man/man5/kesp-ipsec.secrets.5.gz \
	/usr/share/doc/kesp/examples/ipsec.conf-gwA \
	/usr/share/doc/kesp/examples/ipsec.secrets
lacks "kesp_${ver}_amd64.deb" /usr/src
lacks "kesp_${ver}_amd64.deb" /lib/modules
src=/usr/src/kesp-$ver
has "kesp-dkms_${ver}_all.deb" "$src/dkms.conf" "$src/Kbuild" \
	"$src/VERSION" "$src/kmod/Kbuild" "$src/kmod/main.c" \
	"$src/uapi/linux/kesp.h"
dpkg-deb -c "$deb/kesp-dkms_${ver}_all.deb" | grep -qE '\.(o|ko|mod\.c)$' &&
	fail "kesp-dkms holds build products"
dpkg-deb -f "$deb/kesp-dkms_${ver}_all.deb" Depends | grep -q dkms ||
	fail "kesp-dkms does not depend on dkms"
postinst=$(dpkg-deb -I "$deb/kesp-dkms_${ver}_all.deb" postinst)
grep -qx 'DKMS_NAME=kesp' <<<"$postinst" &&
grep -qx "DKMS_VERSION=$ver" <<<"$postinst" &&
grep -q '/usr/lib/dkms/common.postinst' <<<"$postinst" &&
grep -q '$DKMS_POSTINST $DKMS_NAME $DKMS_VERSION' <<<"$postinst" ||
	fail "kesp-dkms's postinst does not run DKMS for kesp $ver"
grep -qx 'ExecStart=/usr/sbin/kesp-iked' \
	<(dpkg-deb --fsys-tarfile "$deb/kesp_${ver}_amd64.deb" |
	  tar -xOf - ./lib/systemd/system/kesp-iked.service) ||
	fail "the packaged unit does not start /usr/sbin/kesp-iked"
echo "ok: kesp-dkms depends on dkms and runs it from its postinst"

# That DKMS builds and installs the packaged source, from kesp-dkms's own
# postinst under dpkg -i, is check-deb-install.sh's part.
