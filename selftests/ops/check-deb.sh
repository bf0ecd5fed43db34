#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make deb` builds kesp and kesp-dkms with debhelper and lintian finds no
# error in them (make deb fails otherwise); each package holds what it
# should, kesp-dkms registers itself with DKMS on installation, and DKMS
# builds kesp.ko from the packaged source for KDIR's kernel, in a
# scratch DKMS tree (the host's /var/lib/dkms is left alone).
#
# usage: selftests/ops/check-deb.sh KDIR
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kdir=$1
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

# DKMS builds the packaged source, as the postinst's dkms build would.
kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$kdir/include/generated/utsrelease.h")
scratch=$top/build/deb-dkms
rm -rf "$scratch"
mkdir -p "$scratch/tree"
dpkg-deb -x "$deb/kesp-dkms_${ver}_all.deb" "$scratch/root"
# Its own signing key, not the host's /var/lib/dkms/mok.* (dkms takes
# these two from its environment when framework.conf does not set them).
mok_signing_key=$scratch/mok.key mok_certificate=$scratch/mok.pub \
dkms build -m kesp -v "$ver" -k "$kver" \
	--sourcetree "$scratch/root/usr/src" --dkmstree "$scratch/tree" \
	>"$scratch/build.log" 2>&1 ||
	{ tail -n 40 "$scratch/build.log"; fail "dkms build"; }
ko=$scratch/tree/kesp/$ver/$kver/x86_64/module/kesp.ko
[ -f "$ko" ] || fail "dkms build made no $ko"
[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ] ||
	fail "$ko is not for $kver"
[ -f "$scratch/mok.key" ] || fail "dkms did not use the scratch signing key"
echo "ok: dkms build of kesp-dkms's source for $kver"
