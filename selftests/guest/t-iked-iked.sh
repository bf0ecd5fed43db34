#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 30
# kesp-iked talks to kesp-iked: two gateways, each with kesp.ko and the
# daemon in its own namespace, configured as strongSwan users would.
#  1. auto=route on A, auto=add on B: the first ping from host A to host B
#     makes the tunnel and gets its reply; both logs say "IKE SA
#     established" and "CHILD SA established"; each kernel has 2 SAs;
#     ping both ways and a second subnet of A (10.11.0.0/24) work; the
#     packets went through the SAs (counters), and kespctl ike list shows
#     the IKE SA (human and JSON) on both sides.
#  2. `kespctl ike down` on B: both ends' kernels lose the SAs; the next
#     ping from A makes a new tunnel on demand.
#  3. `kespctl ike down` on A: the same, from the other side.
#  4. A restarted with auto=start: `kespctl ike up` returns once the
#     tunnel is up, traffic passes without any on-demand delay.
#  5. SIGTERM on A: its Delete reaches B, both kernels end with no SA.
#  6. A wrong pre-shared key on A: no tunnel, "authentication failed" in
#     both logs and in `kespctl ike list` as the conn's last failure.
#  7. A killed with SIGKILL leaves its SAs in the kernel; restarted, it
#     removes them (they carry its reqids), brings the tunnel up again,
#     and B drops the old IKE SA on INITIAL_CONTACT: 2 SAs on each side.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

run modprobe veth
run modprobe kesp
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
# A second subnet behind A: 10.11.0.0/24 on the same LAN.
ip -n "$GWA" addr add 10.11.0.1/24 dev "$LAN_IF" || fail "addr"
ip -n "$HOSTA" addr add 10.11.0.2/24 dev "$HOST_IF" || fail "addr"
ip -n "$GWB" route add 10.11.0.0/24 via "$GWA_WAN4" || fail "route"

conf() { # conf FILE AUTO SIDE(a|b)
	cat >"$1" <<EOC
# The same conn on both gateways; each finds its end by its address.
conn %default
	keyexchange=ikev2
	authby=secret
	ike=aes256gcm16-prfsha256-ecp256!
	esp=aes256gcm16-ecp256!

conn site
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4,10.11.0.0/24
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	auto=$2
EOC
}
secrets() { # secrets FILE KEY
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$2" >"$1"
}

conf "$IKED_DIR/a.conf" route
conf "$IKED_DIR/b.conf" add
secrets "$IKED_DIR/a.secrets" "kesp demo key 1"
secrets "$IKED_DIR/b.secrets" "kesp demo key 1"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
iked_wait_log a 'routed' 5

ping_b() { # ping_b [ARGS]: one ping from host A to host B, 5 s to answer
	ip netns exec "$HOSTA" ping -c 1 -W 5 "$@" "$HOSTB4" >/dev/null
}

echo "case 1: on demand"
ping_b || fail "the first ping through the new tunnel got no reply"
iked_wait_log a 'IKE SA established' 5
iked_wait_log b 'IKE SA established' 5
iked_wait_log a 'CHILD SA established' 5
iked_wait_log b 'CHILD SA established' 5
wait_sa_count "$GWA" 2 5
wait_sa_count "$GWB" 2 5
ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 2 "$HOSTA4" >/dev/null ||
	fail "ping B -> A"
ping_b -I 10.11.0.2 || fail "ping from A's second subnet"
for side in a b; do
	out=$(iked_ctl $side ike list) || fail "ike list on $side"
	echo "$out" | sed "s/^/$side: /"
	grep -q 'site\[1\]: ESTABLISHED' <<<"$out" || fail "$side: not ESTABLISHED"
	grep -q 'CHILD SAs negotiated 1' <<<"$out" || fail "$side: child count"
	iked_ctl $side -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["ike_sas"][0]
assert s["state"] == "established" and s["conn"] == "site", s
c = s["child_sas"][0]
assert c["packets_in"] >= 4 and c["packets_out"] >= 4, c
assert "10.11.0.0/24" in (c["local_ts"] + c["remote_ts"]), c
' || fail "$side: ike list -j"
done
iked_ctl a status >/dev/null || fail "kespctl status"
out=$(iked_ctl a ike diagnose site) || fail "ike diagnose: $out"
echo "$out" | sed 's/^/a: /'
grep -q 'IKE SA site\[1\]: established(4) .*nothing outstanding' <<<"$out" ||
	fail "ike diagnose does not show the established IKE SA"
grep -q 'CHILD SA #1: SPIs' <<<"$out" || fail "ike diagnose: no CHILD SA"
expect_fail 1 "no conn named 'nope'" iked_ctl a ike diagnose nope

echo "case 2: delete from B"
iked_ctl b ike down site || fail "ike down on b"
wait_sa_count "$GWB" 0 5
wait_sa_count "$GWA" 0 5
iked_wait_log a 'IKE SA deleted by the peer' 5
ping_b || fail "no new tunnel after the delete"
wait_sa_count "$GWA" 2 5

echo "case 3: delete from A"
iked_ctl a ike down site || fail "ike down on a"
wait_sa_count "$GWA" 0 5
wait_sa_count "$GWB" 0 5
ping_b || fail "no new tunnel after the delete"

echo "case 4: auto=start, ike up"
iked_stop a
wait_sa_count "$GWB" 0 5
conf "$IKED_DIR/a.conf" start
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_wait_log a 'CHILD SA established' 10
out=$(iked_ctl a ike up site) || fail "ike up: $out"
wait_sa_count "$GWA" 2 5
ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 1 "$HOSTB4" >/dev/null ||
	fail "ping after auto=start"

echo "case 5: SIGTERM deletes the tunnel on both ends"
iked_stop a
wait_sa_count "$GWA" 0 2
wait_sa_count "$GWB" 0 5
n=$(ip netns exec "$GWA" "$KESPCTL" -j policy list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 0 ] || fail "kesp-iked left $n policies behind on A"

echo "case 6: PSK mismatch"
secrets "$IKED_DIR/a.secrets" "not the same key"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_wait_log b 'authentication failed: .*PSK mismatch' 10
iked_wait_log a 'authentication failed' 10
iked_ctl b ike list | grep -q 'last failure.*authentication failed' ||
	fail "B's ike list does not show the failure"
iked_ctl b ike diagnose site | grep -q 'last failure [0-9]*s ago: authentication failed: .*PSK mismatch' ||
	fail "B's ike diagnose does not show the PSK mismatch"
[ "$(sa_count "$GWA")" = 0 ] || fail "SAs after a failed authentication"
iked_stop a

echo "case 7: SIGKILL, then a restart cleans up and the tunnel returns"
secrets "$IKED_DIR/a.secrets" "kesp demo key 1"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_wait_log a 'CHILD SA established' 10
kill -KILL "${IKED_PID[a]}"
wait "${IKED_PID[a]}" 2>/dev/null
unset "IKED_PID[a]"
[ "$(sa_count "$GWA")" = 2 ] || fail "expected the killed daemon's 2 SAs"
: >"$IKED_DIR/a.log"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_wait_log a 'removed 2 SAs and [0-9]+ policies left by a kesp-iked' 5
iked_wait_log a 'CHILD SA established' 10
iked_wait_log b 'replaced: the peer restarted' 5
wait_sa_count "$GWA" 2 5
wait_sa_count "$GWB" 2 5
ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 2 "$HOSTB4" >/dev/null ||
	fail "no traffic after the restart"
iked_stop a
iked_stop b
echo "kesp-iked logs:"
sed 's/^/A: /' "$IKED_DIR/a.log"
sed 's/^/B: /' "$IKED_DIR/b.log"
