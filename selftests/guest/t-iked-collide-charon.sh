#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 70
# Rekey collisions against strongSwan's charon (RFC 7296 2.8.1, 2.8.2):
# with the WAN link delaying each packet by 1.5 s each way, kesp-iked
# (`kespctl ike rekey`) and charon (`swanctl --rekey`) rekey the same SA
# at once: three times the CHILD SA, once the IKE SA. Pings run all along.
# Each time kesp-iked sees the collision and resolves it by the lowest
# nonce, and charon comes to the same result (its "collision won" where
# kesp-iked deletes its own new SA, "lost" where it keeps it): afterwards each end has one
# CHILD SA (kesp.ko two SAs; charon one installed CHILD SA) and one IKE
# SA; no ping is lost and kesp-iked logs no error.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

run modprobe veth
run modprobe kesp
[ -x "$CHARON" ] || skip "no strongSwan charon"
modprobe sch_netem 2>/dev/null || skip "no sch_netem"
CH=$IKED_DIR/charon
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; [ -f "$CH/charon.log" ] && _charon_tail "$CH" >&2; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

cat >"$IKED_DIR/a.conf" <<EOC
conn site
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=start
EOC
printf '@gw-a.example @gw-b.example : PSK "collision key"\n' >"$IKED_DIR/s"
charon_start "$GWB" "$CH"
cat >"$IKED_DIR/sw.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		rekey_time = 0
		local {
			auth = psk
			id = gw-b.example
		}
		remote {
			auth = psk
			id = gw-a.example
		}
		children {
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128gcm16
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "collision key"
	}
}
EOC
charon_load "$GWB" "$CH" "$IKED_DIR/sw.conf" >/dev/null
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s" --retransmit-timeout 8
iked_wait_log a 'CHILD SA established' 10

delay() { # delay SECS|off (see t-iked-collide.sh)
	local ns
	if [ "$1" = off ]; then
		for ns in "$GWA" "$GWB"; do
			ip netns exec "$ns" tc qdisc change dev "$WAN_IF" root \
				netem delay 0ms limit 10000
		done
		sleep 2
	fi
	for ns in "$GWA" "$GWB"; do
		ip netns exec "$ns" tc qdisc del dev "$WAN_IF" root 2>/dev/null
		[ "$1" = off ] && continue
		ip netns exec "$ns" tc qdisc add dev "$WAN_IF" root netem \
			delay "$1" limit 10000 || fail "netem"
	done
}
count() { grep -cE -- "$1" "$IKED_DIR/a.log"; }
charon_children() {
	charon_swanctl "$CH" --list-sas | grep -c 'net: #[0-9]*, reqid [0-9]*, INSTALLED'
}
charon_ike_sas() {
	charon_swanctl "$CH" --list-sas | grep -c 'gw: #[0-9]*, ESTABLISHED'
}
settled() {
	[ "$(sa_count "$GWA")" = 2 ] && [ "$(charon_children)" = 1 ] &&
	[ "$(charon_ike_sas)" = 1 ] &&
	[ "$(iked_ctl a ike diagnose site | grep -c 'IKE SA site\[[0-9]*\]: established')" = \
	  "$(($(iked_ctl a ike diagnose site | grep -c 'replaced by a rekey') + 1))" ]
}

delay 1.5s
ip netns exec "$HOSTA" ping -c 250 -i 0.2 -W 5 "$HOSTB4" >"$IKED_DIR/ping" &
PING=$!
for round in 1 2 3 4; do
	what=child sw="--child net" re='CHILD SA rekey collision: .* has the lowest nonce' n=$round
	[ $round = 4 ] && what=ike sw="--ike gw" n=1 \
		re='IKE SA rekey collision: .* has the lowest nonce'
	iked_ctl a ike rekey site $what >/dev/null &
	charon_swanctl "$CH" --rekey $sw >/dev/null || fail "swanctl --rekey $sw"
	wait $! || fail "ike rekey"
	for i in $(seq 1 200); do
		[ "$(count "$re")" -ge $n ] && break
		sleep 0.1
	done
	[ "$(count "$re")" -ge $n ] || fail "round $round: kesp-iked resolved no collision"
	for i in $(seq 1 60); do
		settled && break
		sleep 0.5
	done
	settled || {
		charon_swanctl "$CH" --list-sas
		iked_ctl a ike diagnose site
		fail "round $round: not one CHILD SA and one IKE SA on each end"
	}
done
wait $PING
tail -2 "$IKED_DIR/ping"
delay off
grep 'rekey collision: .* lowest nonce' "$IKED_DIR/a.log"
grep -E 'collision|redundant' "$CH/charon.log" | head -20
# The same result on both ends: where kesp-iked deletes its own new SA,
# charon "won"; where charon deletes its own, kesp-iked says so.
for what in CHILD IKE; do
	ours=$(count "$what SA rekey collision: our .* has the lowest nonce")
	theirs=$(count "$what SA rekey collision: the peer's .* has the lowest nonce")
	won=$(grep -c "${what}_SA rekey collision won" "$CH/charon.log")
	lost=$(grep -c "${what}_SA rekey collision lost" "$CH/charon.log")
	echo "$what SA: kesp-iked deleted its own $ours, the peer's $theirs; charon won $won, lost $lost"
	[ "$ours" = "$won" ] && [ "$theirs" = "$lost" ] ||
		fail "$what SA collisions resolved differently by kesp-iked and charon"
done
grep -q ' 0% packet loss' "$IKED_DIR/ping" ||
	fail "pings lost: $(tail -2 "$IKED_DIR/ping")"
grep -E 'error|warning' "$IKED_DIR/a.log" | grep -v 'lifetime mismatch' &&
	fail "errors in kesp-iked's log"
iked_stop a
wait_sa_count "$GWA" 0 5
exit 0
