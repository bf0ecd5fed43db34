#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packages of `make deb` on a Debian 12 root, as an operator installs
# them: `dpkg -i kesp-dkms kesp` in a copy-on-write overlay of this
# machine's / (the host itself is left alone), whose postinst has DKMS
# build kesp.ko for the installed kernel headers; then the guest boots
# with that root as its / and runs the demo (selftests/demo/guest-demo.sh)
# from the installed paths only: modprobe kesp finds DKMS's module,
# /usr/sbin/kesp-iked and /usr/sbin/kespctl, the examples under
# /usr/share/doc/kesp/examples.
#
# usage: selftests/ops/check-deb-install.sh   (root; after make deb)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
ver=$(cat VERSION)
kver=$(scripts/guest-kver)
debs=("build/deb/kesp-dkms_${ver}_all.deb" "build/deb/kesp_${ver}_amd64.deb")
for d in "${debs[@]}"; do
	[ -f "$d" ] || make -s deb >build/deb.log 2>&1 ||
		{ tail -n 40 build/deb.log; echo "FAIL: make deb"; exit 1; }
done
# Its own mount namespace: the overlay and the guest that uses it vanish
# with it, whatever happens.
exec unshare -m --propagation private \
	bash selftests/ops/deb-root.sh "$kver" "${debs[@]}"
