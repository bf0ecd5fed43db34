#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# Unload while namespaces exist: every namespace's state and proc entry go,
# a reload serves the namespaces that are still there, and their later
# deletion is clean.
. "$KESP_ROOT/selftests/lib/guest.sh"

for ns in n1 n2 n3; do
	netns_add "$ns"
done
run modprobe kesp
for ns in n1 n2 n3; do
	ip netns exec "$ns" test -r /proc/net/kesp || fail "no proc in $ns"
done
unload
for ns in n1 n2 n3; do
	ip netns exec "$ns" test -e /proc/net/kesp &&
		fail "/proc/net/kesp left in $ns after unload"
done
run modprobe kesp
for ns in n1 n2 n3; do
	ip netns exec "$ns" "$KESPCTL" version >/dev/null ||
		fail "reloaded module does not answer in $ns"
done
netns_cleanup
unload
grep -q '^kesp' /proc/slabinfo && fail "kesp slab cache left after unload"
echo "unload with live namespaces clean"
