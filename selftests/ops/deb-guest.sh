#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-deb-install.sh, in the guest whose / is the root the packages
# were installed into: the demo, with nothing taken from the build tree.
set -u
fail() { echo "FAIL: $*"; exit 1; }
for f in /usr/sbin/kesp-iked /usr/sbin/kespctl \
	 /usr/share/doc/kesp/examples/ipsec.conf-gwA; do
	[ -e "$f" ] || fail "$f is not installed"
done
ko=$(modinfo -n kesp) || fail "modinfo kesp"
case "$ko" in
*/updates/dkms/*) echo "ok: modprobe kesp takes $ko" ;;
*) fail "modprobe kesp would take $ko" ;;
esac
/usr/sbin/kespctl --help >/dev/null || fail "kespctl --help"
KESP_IKED=/usr/sbin/kesp-iked KESPCTL=/usr/sbin/kespctl \
	KESP_EXAMPLES=/usr/share/doc/kesp/examples \
	exec bash "$KESP_ROOT/selftests/demo/guest-demo.sh"
