#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kesp-iked to kesp-iked: rekeying under traffic, and dead peer detection.
#  1. Short lifetimes (CHILD SAs 16 s, IKE SA 30 s, margin 5 s, fuzz
#     100%) with pings every 0.1 s for 50 s: CHILD SAs and the IKE SA
#     are rekeyed several times (make before break: the new SAs carry
#     traffic before the old ones go), no ping is lost, and each kernel
#     ends with exactly the SAs of one CHILD SA.
#  3. Against strongSwan's charon, which rekeys first (CHILD SAs every
#     8-12 s, the IKE SA every 20-25 s): the same, kesp-iked answering.
#  2. DPD (dpddelay=2s, retransmissions 0.2 s x 3), for each dpdaction:
#     B's namespace drops IKE and ESP; A logs "dead peer detected" with
#     the time since last contact and the bytes of the dropped SAs and
#     removes its SAs. restart: A keeps trying, and once B answers again
#     the tunnel comes back and carries traffic. hold: on-demand policies
#     are installed, and the next packet brings the tunnel back. clear:
#     nothing is left and nothing is retried.
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

echo "case 1: rekeying under traffic"
LIFE=(lifetime=16s ikelifetime=30s rekeymargin=5s rekeyfuzz=100%)
conf "$IKED_DIR/a.conf" start "${LIFE[@]}"
conf "$IKED_DIR/b.conf" add "${LIFE[@]}"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/sb"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s"
iked_wait_log a 'CHILD SA established' 10
out=$(ip netns exec "$HOSTA" ping -q -c 500 -i 0.1 -W 2 "$HOSTB4")
echo "$out" | tail -2
grep -q ' 0% packet loss' <<<"$out" || fail "pings lost across rekeys: $out"
n_child=$(grep -c 'CHILD SA #[0-9]* rekeyed' "$IKED_DIR/a.log" "$IKED_DIR/b.log" | awk -F: '{s+=$2} END {print s}')
n_ike=$(grep -c 'IKE SA rekeyed' "$IKED_DIR/a.log" "$IKED_DIR/b.log" | awk -F: '{s+=$2} END {print s}')
echo "CHILD SA rekeys: $n_child, IKE SA rekeys: $n_ike (both logs)"
[ "$n_child" -ge 3 ] || fail "only $n_child CHILD SA rekeys in 50 s"
[ "$n_ike" -ge 2 ] || fail "only $n_ike IKE SA rekeys in 50 s"
grep -E 'error|warning' "$IKED_DIR/a.log" "$IKED_DIR/b.log" &&
	fail "errors or warnings in the logs"
# Old SAs go within a few seconds of their replacement.
for i in $(seq 1 100); do
	[ "$(sa_count "$GWA")" = 2 ] && [ "$(sa_count "$GWB")" = 2 ] && break
	sleep 0.1
done
[ "$(sa_count "$GWA")" = 2 ] || fail "A: $(sa_count "$GWA") SAs, expected 2"
[ "$(sa_count "$GWB")" = 2 ] || fail "B: $(sa_count "$GWB") SAs, expected 2"
iked_stop a
iked_stop b
wait_sa_count "$GWA" 0 5
wait_sa_count "$GWB" 0 5

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
	echo "case 2: dead peer detection, dpdaction=$action"
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

echo "case 3: strongSwan rekeys (kesp-iked's lifetimes are longer)"
. "$KESP_ROOT/selftests/lib/charon.sh"
if [ -x /usr/lib/ipsec/charon ]; then
	CH=$IKED_DIR/charon
	charon_start "$GWB" "$CH"
	trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; _charon_tail "$CH" >&2; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT
	cat >"$IKED_DIR/sw.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		rekey_time = 25s
		over_time = 10s
		rand_time = 5s
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
				rekey_time = 12s
				life_time = 20s
				rand_time = 4s
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "rekey test key"
	}
}
EOC
	charon_load "$GWB" "$CH" "$IKED_DIR/sw.conf" >/dev/null
	conf "$IKED_DIR/a.conf" start lifetime=60s ikelifetime=120s rekeymargin=5s
	: >"$IKED_DIR/a.log"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s"
	iked_wait_log a 'CHILD SA established' 10
	out=$(ip netns exec "$HOSTA" ping -q -c 500 -i 0.1 -W 2 "$HOSTB4")
	echo "$out" | tail -2
	grep -q ' 0% packet loss' <<<"$out" ||
		fail "pings lost across rekeys with charon: $out"
	n_ike=$(grep -c 'IKE SA rekeyed' "$IKED_DIR/a.log")
	n_child=$(grep -c 'CHILD SA established' "$IKED_DIR/a.log")
	echo "charon rekeyed: the IKE SA $n_ike times, $((n_child - 1)) CHILD SAs"
	[ "$n_ike" -ge 1 ] || fail "charon did not rekey the IKE SA"
	[ "$n_child" -ge 4 ] || fail "charon rekeyed only $((n_child - 1)) CHILD SAs"
	# charon's 12 s CHILD lifetime against our 60 s: diagnosed as such.
	grep -q 'warning: lifetime mismatch: the peer rekeys CHILD SA #[0-9]* after [0-9]* s, we would after about [0-9]* s (lifetime=60s)' \
		"$IKED_DIR/a.log" || fail "no lifetime mismatch diagnosis"
	grep -E 'error|warning' "$IKED_DIR/a.log" | grep -v 'lifetime mismatch' &&
		fail "errors or warnings in kesp-iked's log"
	for i in $(seq 1 100); do
		[ "$(sa_count "$GWA")" = 2 ] && break
		sleep 0.1
	done
	[ "$(sa_count "$GWA")" = 2 ] || fail "A: $(sa_count "$GWA") SAs, expected 2"
	n=$(charon_swanctl "$CH" --list-sas 2>/dev/null | grep -c 'INSTALLED')
	[ "$n" = 1 ] || fail "charon has $n CHILD SAs installed, expected 1"
	iked_stop a
	charon_stop "$CH"
else
	echo "(no charon: skipped)"
fi
