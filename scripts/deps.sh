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
	sparse iproute2 iperf3 nftables util-linux libcap2-bin iputils-ping
	netcat-openbsd clang libclang-rt-14-dev
	strongswan strongswan-swanctl libstrongswan-standard-plugins tshark
)

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
"$top/scripts/guest-kver" >/dev/null
