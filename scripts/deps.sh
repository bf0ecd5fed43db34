#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, once, everything a fresh Debian 12 machine lacks to build kesp and
# run its tests in a VM; returns in about a second when all is present.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(
	build-essential bc kmod cpio gzip pkg-config python3
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev libssl-dev
	sparse iproute2 iperf3 wireguard-tools nftables util-linux libcap2-bin iputils-ping
	netcat-openbsd clang libclang-rt-14-dev
	strongswan strongswan-swanctl libstrongswan-standard-plugins tshark
	# Libreswan's pluto runs from .cache/libreswan (below); its libraries:
	libnss3-tools libunbound8 libldns3 libevent-core-2.1-7
	libevent-pthreads-2.1-7 libcap-ng0 libcurl3-nss libnspr4 libnss3
	libaudit1 libldap-2.5-0 libpam0g libselinux1 libsystemd0 dns-root-data
	# selftests/ops: man pages rendered and linted, the unit verified
	man-db groff-base systemd
	# t-iked-systemd-pid1.sh: the unit under systemd in systemd-nspawn
	systemd-container
)

# `make deb` (scripts/deps.sh deb): only what building the packages needs.
if [ "${1:-}" = deb ]; then
	pkgs=(build-essential pkg-config libnl-3-dev libnl-genl-3-dev
		libssl-dev debhelper dh-dkms dkms lintian fakeroot dpkg-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]})); then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = deb ] && exit 0

# checkpatch and kselftest_harness.h come from the kernel source package;
# extract just those files once.
ksrc="$top/.cache/linux-source-6.1"
if [ ! -f "$ksrc/scripts/checkpatch.pl" ] ||
   [ ! -f "$ksrc/tools/testing/selftests/kselftest_harness.h" ]; then
	echo "deps: extracting checkpatch and kselftest headers"
	mkdir -p "$top/.cache"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$top/.cache" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
fi

# Libreswan conflicts with strongSwan as a package, so it is unpacked, not
# installed: the tests run its pluto from there (selftests/lib/pluto.sh).
ls_dir="$top/.cache/libreswan"
if [ ! -x "$ls_dir/root/usr/libexec/ipsec/pluto" ]; then
	echo "deps: unpacking Libreswan into $ls_dir"
	rm -rf "$ls_dir"
	mkdir -p "$ls_dir"
	( cd "$ls_dir" && { apt-get download -q libreswan 2>/dev/null ||
		{ apt-get update -q && apt-get download -q libreswan; }; } )
	dpkg -x "$ls_dir"/libreswan_*.deb "$ls_dir/root"
fi
"$top/scripts/guest-kver" >/dev/null
