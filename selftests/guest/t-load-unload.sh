#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 10
# Load and unload kesp.ko ten times; each time the family answers, the proc
# file appears, and after unload nothing of the module is left.
. "$KESP_ROOT/selftests/lib/guest.sh"

for i in $(seq 1 10); do
	run modprobe kesp >/dev/null
	module_loaded || fail "round $i: not in /proc/modules after modprobe"
	[ -r /proc/net/kesp ] || fail "round $i: /proc/net/kesp missing"
	"$KESPCTL" version >/dev/null || fail "round $i: GET_INFO failed"
	unload
	module_loaded && fail "round $i: still loaded after rmmod"
	[ -e /proc/net/kesp ] && fail "round $i: /proc/net/kesp left behind"
	grep -q '^kesp' /proc/slabinfo && fail "round $i: kesp slab cache left"
done
echo "10 load/unload rounds clean"
