#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-deb-install.sh, inside its own mount namespace: build the overlay
# root, dpkg -i the packages into it, boot the guest on it.
#
# usage: selftests/ops/deb-root.sh KVER KESP_DKMS_DEB KESP_DEB
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kver=$1 dkms_deb=$2 kesp_deb=$3
ver=$(cat VERSION)
fail() { echo "FAIL: $*"; exit 1; }

# The overlay's writable half on a tmpfs: nothing reaches the host's
# disk, and the layers do not overlap (upper inside lower is refused).
base=$top/build/deb-root
mkdir -p "$base"
mount -t tmpfs -o size=4g,mode=0755 kesp-deb-root "$base"
mkdir -p "$base/upper" "$base/work" "$base/root"
mount -t overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" \
	kesp-deb-root "$base/root"
r=$base/root

# What dpkg and DKMS need in a chroot; unmounted before the guest boots,
# which then sees the root alone.
mount -t proc proc "$r/proc"
mount --rbind /sys "$r/sys"
mount --rbind /dev "$r/dev"
mount -t tmpfs tmpfs "$r/tmp"
mount -t tmpfs tmpfs "$r/run"
# A copy of this machine may still have kesp installed by hand (make
# install): the packages must not depend on that.
rm -f "$r/usr/local/sbin/kesp-iked" "$r/usr/local/sbin/kespctl"
find "$r/lib/modules" -name 'kesp.ko*' -delete
# Start no service in the chroot (invoke-rc.d and deb-systemd-invoke ask).
printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
chmod 0755 "$r/usr/sbin/policy-rc.d"
cp "$dkms_deb" "$kesp_deb" "$r/tmp/"
log=$top/build/deb-install.log
echo "# dpkg -i $(basename "$dkms_deb") $(basename "$kesp_deb")"
if ! chroot "$r" env DEBIAN_FRONTEND=noninteractive \
	dpkg -i "/tmp/$(basename "$dkms_deb")" "/tmp/$(basename "$kesp_deb")" \
	>"$log" 2>&1; then
	tail -n 40 "$log"
	fail "dpkg -i"
fi
grep -E 'Building|Installing|Signing|DKMS|dkms' "$log" | head -n 20 | sed 's/^/#   /'
rm -f "$r/usr/sbin/policy-rc.d"
status=$(chroot "$r" dkms status -m kesp -v "$ver" -k "$kver" 2>&1)
echo "# dkms status: $status"
grep -q 'installed' <<<"$status" ||
	{ tail -n 40 "$log"; fail "DKMS did not install kesp $ver for $kver"; }
ko=$(chroot "$r" modinfo -k "$kver" -n kesp 2>&1) ||
	fail "modinfo -k $kver kesp: $ko"
case "$ko" in
*/updates/dkms/kesp.ko*) echo "ok: DKMS built and installed $ko" ;;
*) fail "modprobe would take $ko, not DKMS's" ;;
esac
chroot "$r" dpkg -s kesp kesp-dkms | grep -E '^(Package|Status|Version):' |
	sed 's/^/#   /'
umount -l "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/run"

KESP_VM_HOSTROOT=$r selftests/vm/run --no-install --timeout 420 \
	--keep "$top/build/vm/deb-install" -- \
	bash selftests/ops/deb-guest.sh
