#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 10
# State-changing commands need CAP_NET_ADMIN over the caller's netns
# (GENL_UNS_ADMIN_PERM), and so do reading SAs and policies (netlink and
# /proc/net/kesp's tables); the version and drop counters are open to
# everyone.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
nocap=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)

expect_fail 1 'STATS_RESET: Operation not permitted' \
	"${nobody[@]}" "$KESPCTL" stats reset
expect_fail 1 'STATS_RESET: Operation not permitted' \
	"${nocap[@]}" "$KESPCTL" stats reset
run "${nobody[@]}" "$KESPCTL" version >/dev/null
run "${nobody[@]}" "$KESPCTL" stats >/dev/null
run "$KESPCTL" stats reset

# Events (ACQUIRE shows traffic flows) are for CAP_NET_ADMIN only.
out=$(timeout 5 "${nobody[@]}" "$KESPCTL" monitor 2>&1)
rc=$?
echo "monitor as nobody: exit $rc: $out"
[ "$rc" = 1 ] || fail "monitor as nobody exited $rc, expected 1 (refused)"
timeout 2 "$KESPCTL" monitor >/dev/null 2>&1
[ $? = 124 ] || fail "monitor as root did not keep listening"

# Root of a user namespace owns the netns it creates with it, and may
# manage kesp there, but not in the namespace it came from.
run unshare --user --map-root-user --net "$KESPCTL" stats reset
expect_fail 1 'STATS_RESET: Operation not permitted' \
	unshare --user --map-root-user "$KESPCTL" stats reset

# SAs and policies (peers, SPIs, selectors, byte counters) are read with
# CAP_NET_ADMIN only, as XFRM's; the drop counters stay open to everyone.
key=$(mktemp)
od -An -tx1 -v -N 20 /dev/urandom >"$key"
trap 'rm -f "$key"; "$KESPCTL" sa flush; "$KESPCTL" policy flush' EXIT
run "$KESPCTL" sa add spi 0x7e57 dir in mode tunnel src 192.0.2.1 \
	dst 192.0.2.2 enc aes-gcm-16 keyfile "$key"
pid=$(run "$KESPCTL" policy add dir in src 10.1.0.0/16 dst 10.2.0.0/16 \
	action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2)
getsa=(sa get spi 0x7e57 dir in dst 192.0.2.2)
for who in nobody nocap; do
	eval "as=(\"\${$who[@]}\")"
	expect_fail 1 'SA_GET dump: Operation not permitted' \
		"${as[@]}" "$KESPCTL" sa list
	expect_fail 1 'POLICY_GET dump: Operation not permitted' \
		"${as[@]}" "$KESPCTL" policy list
	expect_fail 1 'Operation not permitted' "${as[@]}" "$KESPCTL" "${getsa[@]}"
	expect_fail 1 'Operation not permitted' \
		"${as[@]}" "$KESPCTL" policy get id "$pid"
done
expect_fail 1 'needs CAP_NET_ADMIN' "${nobody[@]}" "$KESPCTL" sa list
run "$KESPCTL" sa list | grep -q 0x00007e57 || fail "root cannot list the SA"
run "$KESPCTL" "${getsa[@]}" >/dev/null
run "$KESPCTL" policy get id "$pid" >/dev/null
run "$KESPCTL" policy list | grep -q 10.1.0.0/16 || fail "root: no policy"
# /proc/net/kesp: the tables for CAP_NET_ADMIN, the counters for all.
out=$("${nobody[@]}" cat /proc/net/kesp) || fail "nobody cannot read proc"
echo "$out"
grep -q 0x00007e57 <<<"$out" && fail "nobody sees the SA in /proc/net/kesp"
grep -q 10.1.0.0/16 <<<"$out" && fail "nobody sees the policy in /proc/net/kesp"
grep -q '^in-no-sa ' <<<"$out" || fail "nobody does not see the counters"
grep -q 0x00007e57 /proc/net/kesp || fail "root does not see the SA in proc"
grep -q 10.1.0.0/16 /proc/net/kesp || fail "root does not see the policy"
# Root of a user namespace that owns the network namespace reads its
# own tables; in a namespace it does not own, it reads nothing.
out=$("${nobody[@]}" unshare -Urn bash -c '
	k=$(mktemp); od -An -tx1 -v -N 20 /dev/urandom >"$k"
	"$1" sa add spi 0x7e58 dir in mode tunnel src 192.0.2.1 dst 192.0.2.2 \
		enc aes-gcm-16 keyfile "$k" || exit 2
	"$1" policy add dir in src 10.5.0.0/16 dst 10.6.0.0/16 action discard \
		>/dev/null || exit 3
	"$1" sa list | grep -q 0x00007e58 || exit 4
	"$1" policy list | grep -q 10.5.0.0/16 || exit 5
	grep -q 0x00007e58 /proc/net/kesp || exit 6
	grep -q 10.5.0.0/16 /proc/net/kesp || exit 7
	echo userns root reads its own tables' _ "$KESPCTL" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || fail "root of the user namespace owning the netns: step $rc"
expect_fail 1 'SA_GET dump: Operation not permitted' \
	"${nobody[@]}" unshare -Ur "$KESPCTL" sa list
out=$("${nobody[@]}" unshare -Ur cat /proc/net/kesp)
grep -q 0x00007e57 <<<"$out" && fail "userns root sees init's SA in proc"
echo "passed"
