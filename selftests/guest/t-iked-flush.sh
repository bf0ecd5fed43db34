#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 20
# `kespctl sa flush` under kesp-iked, as operators know "clear crypto
# ipsec sa": the SAs go, the peer is told, the tunnel comes back, and no
# packet of the protected traffic leaves in clear meanwhile.
# A (auto=start) and B (auto=add) run kesp-iked; pings every 0.1 s go
# from host A to host B all along; an nftables counter at each WAN port's
# egress counts what is neither ESP nor IKE.
#  1. flush on A: A logs that its SAs were removed from the kernel (not
#     a lifetime), sends a Delete (B logs it), and makes a new CHILD SA
#     in the same IKE SA at once.
#  2. flush on B (whose conn waits for A): B tells A; A's on-demand
#     policies hold the next packet, which brings the tunnel back.
# Each time: both kernels end with the two SAs of one new CHILD SA, the
# IKE SA stays, at most 3 pings are lost (those in flight when the SAs
# went), and not one frame leaves either WAN port in clear.
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

conf() { # conf FILE AUTO
	cat >"$1" <<EOC
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
	auto=$2
EOC
}
printf '@gw-a.example @gw-b.example : PSK "flush key"\n' >"$IKED_DIR/s"
conf "$IKED_DIR/a.conf" start
conf "$IKED_DIR/b.conf" add

# An egress counter for anything but ESP, IKE and link control.
for ns in "$GWA" "$GWB"; do
	ip netns exec "$ns" nft -f - <<EOT || fail "nft"
table netdev wire {
	chain egress {
		type filter hook egress device "$WAN_IF" priority 0; policy accept;
		ip protocol esp accept
		udp dport { 500, 4500 } accept
		meta protocol arp accept
		meta l4proto ipv6-icmp accept
		counter comment "in clear"
	}
}
EOT
done
clear_frames() { # clear_frames NS
	ip netns exec "$1" nft list chain netdev wire egress |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/s"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s"
iked_wait_log a 'CHILD SA established' 10
ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 2 "$HOSTB4" >/dev/null ||
	fail "no traffic through the tunnel"

# flush_case WHO WHAT-A-LOGS WHAT-B-LOGS
flush_case() {
	local who=$1 ns=$GWA n_a n_b out
	[ "$who" = b ] && ns=$GWB
	n_a=$(grep -c 'CHILD SA established' "$IKED_DIR/a.log")
	n_b=$(grep -c 'CHILD SA established' "$IKED_DIR/b.log")
	ip netns exec "$HOSTA" ping -c 60 -i 0.1 -W 3 "$HOSTB4" \
		>"$IKED_DIR/ping" &
	local ping=$!
	sleep 1
	run ip netns exec "$ns" "$KESPCTL" sa flush
	iked_wait_log a "$2" 10
	iked_wait_log b "$3" 10
	wait $ping
	tail -2 "$IKED_DIR/ping"
	out=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$IKED_DIR/ping")
	[ "${out:-0}" -ge 57 ] || fail "flush on $who: only $out of 60 pings answered"
	[ "$(grep -c 'CHILD SA established' "$IKED_DIR/a.log")" -gt "$n_a" ] &&
	[ "$(grep -c 'CHILD SA established' "$IKED_DIR/b.log")" -gt "$n_b" ] ||
		fail "flush on $who: no new CHILD SA"
	wait_sa_count "$GWA" 2 5
	wait_sa_count "$GWB" 2 5
	[ "$(grep -c 'IKE SA established' "$IKED_DIR/a.log")" = 1 ] ||
		fail "flush on $who: the IKE SA was replaced"
	for n in "$GWA" "$GWB"; do
		[ "$(clear_frames "$n")" = 0 ] ||
			fail "flush on $who: $(clear_frames "$n") frames in clear from $n"
	done
}

echo "case 1: kespctl sa flush on A (auto=start)"
flush_case a 'was removed from the kernel \(kespctl sa flush' \
	'deleted by the peer'
echo "case 2: kespctl sa flush on B (auto=add)"
flush_case b 'deleted by the peer' 'was removed from the kernel \(kespctl sa flush'
grep -hE 'flush|deleted|established' "$IKED_DIR/a.log" "$IKED_DIR/b.log"
grep -E 'error|warning' "$IKED_DIR/a.log" "$IKED_DIR/b.log" &&
	fail "errors in the logs"
iked_stop a
iked_stop b
wait_sa_count "$GWA" 0 5
wait_sa_count "$GWB" 0 5
exit 0
