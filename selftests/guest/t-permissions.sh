#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# State-changing commands need CAP_NET_ADMIN over the caller's netns
# (GENL_UNS_ADMIN_PERM); read-only ones are open to everyone.
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
