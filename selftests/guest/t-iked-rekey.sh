#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 45
# kesp-iked to kesp-iked: dead peer detection. (Rekeying under traffic,
# against kesp-iked and charon, is t-iked-rekey-load.sh; collisions are
# t-iked-collide.sh.)
# DPD (dpddelay=2s, retransmissions 0.2 s x 3), for each dpdaction: B's
# namespace drops IKE and ESP; A logs "dead peer detected" with the time
# since last contact and the bytes of the dropped SAs and removes its SAs.
# restart: A keeps trying, and once B answers again the tunnel comes back
# and carries traffic. hold: on-demand policies are installed, and the
# next packet brings the tunnel back. clear: nothing is left and nothing
# is retried.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

run modprobe veth
run modprobe kesp
command -v nft >/dev/null || skip "no nft"
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

conf() { # conf FILE AUTO EXTRA...
	local f=$1 auto=$2
	shift 2
	{
		cat <<EOC
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
	auto=$auto
EOC
		for l in "$@"; do printf '\t%s\n' "$l"; done
	} >"$f"
}
printf '@gw-a.example @gw-b.example : PSK "rekey test key"\n' >"$IKED_DIR/s"
cp "$IKED_DIR/s" "$IKED_DIR/sb"

dead_peer() { # dead_peer ACTION: B goes silent until A acts
	conf "$IKED_DIR/a.conf" start dpddelay=2s dpdaction=$1 \
		keyingtries=%forever
	conf "$IKED_DIR/b.conf" add
	: >"$IKED_DIR/a.log"
	iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/sb"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s" \
		--retransmit-timeout 0.2 --retransmit-tries 3
	iked_wait_log a 'CHILD SA established' 10
	ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 2 "$HOSTB4" >/dev/null ||
		fail "ping"
	ip netns exec "$GWB" nft -f - <<'EON' || fail "nft"
table inet dead {
	chain in {
		type filter hook input priority -300;
		udp dport 500 drop
		meta l4proto esp drop
	}
}
EON
	iked_wait_log a "dead peer detected: .* last heard from [0-9]+ s ago; its CHILD SAs carried [0-9]+ bytes in, [0-9]+ out; dpdaction=$1" 20
	grep 'dead peer' "$IKED_DIR/a.log"
	wait_sa_count "$GWA" 0 5
	ip netns exec "$GWB" nft delete table inet dead
}

for action in restart hold clear; do
	echo "dead peer detection, dpdaction=$action"
	dead_peer $action
	case $action in
	restart)
		# A keeps initiating; the tunnel returns once B answers.
		for i in $(seq 1 200); do
			[ "$(grep -c 'CHILD SA established' "$IKED_DIR/a.log")" -ge 2 ] && break
			sleep 0.1
		done
		[ "$(grep -c 'CHILD SA established' "$IKED_DIR/a.log")" -ge 2 ] ||
			fail "restart: the tunnel did not come back"
		;;
	hold)
		# On-demand policies: the next packet brings the tunnel back.
		iked_wait_log a 'routed: ' 2
		ip netns exec "$HOSTA" ping -c 1 -W 5 "$HOSTB4" >/dev/null ||
			fail "hold: the first packet did not bring the tunnel back"
		;;
	clear)
		# Nothing left, nothing retried.
		sleep 2
		[ "$(grep -c 'initiating IKE SA' "$IKED_DIR/a.log")" = 1 ] ||
			fail "clear: kesp-iked initiated again"
		[ "$(ip netns exec "$GWA" "$KESPCTL" -j policy list | grep -c '"action": *"protect"')" = 0 ] ||
			fail "clear: protect policies left"
		;;
	esac
	if [ $action != clear ]; then
		ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 2 "$HOSTB4" >/dev/null ||
			fail "$action: no traffic afterwards"
	fi
	iked_stop a
	iked_stop b
	wait_sa_count "$GWB" 0 5
done
