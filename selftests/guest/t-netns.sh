#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 5
# The family answers in namespaces created before and after the load, and
# each namespace has its own /proc/net/kesp, readable by any user.
. "$KESP_ROOT/selftests/lib/guest.sh"

netns_add before
run modprobe kesp
netns_add after
for ns in before after; do
	ip netns exec "$ns" "$KESPCTL" version >/dev/null ||
		fail "GET_INFO fails in netns $ns"
	ip netns exec "$ns" "$KESPCTL" stats >/dev/null ||
		fail "STATS_GET fails in netns $ns"
	ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		cat /proc/net/kesp >/dev/null ||
		fail "/proc/net/kesp of $ns not readable by nobody"
done
ip netns exec before head -1 /proc/net/kesp | grep -q '^kesp ' ||
	fail "/proc/net/kesp lacks its header"

# One proc entry per namespace: distinct inodes, not one shared file.
i0=$(stat -L -c %i /proc/net/kesp)
i1=$(ip netns exec before stat -L -c %i /proc/net/kesp)
i2=$(ip netns exec after stat -L -c %i /proc/net/kesp)
echo "proc inodes: init=$i0 before=$i1 after=$i2"
[ "$i0" != "$i1" ] && [ "$i1" != "$i2" ] && [ "$i0" != "$i2" ] ||
	fail "namespaces share one /proc/net/kesp"

ip netns del after
KESP_NETNS=(before)
"$KESPCTL" version >/dev/null || fail "family broken after a netns died"
