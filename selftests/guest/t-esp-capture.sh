#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 40
# A capture on a kesp gateway's WAN interface decodes both sides of the
# tunnel: each ESP frame from the peer, then the packet kesp decrypted
# from it, handed back in on the same interface with the Ethernet header
# the ESP frame came with (the peer's MAC as source, the inner packet's
# Ethernet type), as XFRM hands back its tunnel packets.
#
# Two sites (topo.sh), kesp on both gateways; dumpcap on gateway B's WAN
# for all the cases in turn, one SA pair and its policies each, one at a
# time: tunnel 4in4, 6in6, 4in6 and 6in4 (host A pings host B), transport
# over IPv4 and IPv6 (gateway A pings gateway B), and ESP in UDP 4500
# (tunnel 4in4). Each case's pings have a payload size of their own, which
# tells its frames apart in the one capture. For each case tshark must
# show the peer's ESP frames with the inbound SPI and as many echo
# requests of the case's size, decoded as ICMP or ICMPv6 with the inner
# addresses, in Ethernet frames from gateway A's WAN MAC; and no frame in
# the whole capture may be malformed or carry an error-level expert info.
# Before kesp gave decrypted packets a MAC header, their first 14 bytes
# (the inner IP header) were read as the Ethernet header: no echo
# request decoded.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/capture.sh"

[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
command -v dumpcap >/dev/null || skip "no dumpcap (apt-get install tshark)"
run modprobe kesp
tmp=$(mktemp -d)
BG=()
cleanup() {
	local p
	capture_stop
	for p in "${BG[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
	netns_cleanup
}
trap cleanup EXIT

topo_two_sites
echo "0x$(printf '5a%.0s' $(seq 1 20))" >"$tmp/key"
KA=(ip netns exec "$GWA" "$KESPCTL")
KB=(ip netns exec "$GWB" "$KESPCTL")
MAC_A=$(ip -n "$GWA" -br link show "$WAN_IF" | awk '{print $3}')
PINGS=3

# sa_pair MODE OUTER_A OUTER_B IN_A IN_B SPI_AB [ENCAP]: kesp SAs and
# policies for traffic between IN_A and IN_B (networks) on both
# gateways; SPI_AB from A to B, SPI_AB + 1 back. ENCAP: ESP in UDP 4500.
sa_pair() {
	local mode=$1 oa=$2 ob=$3 na=$4 nb=$5 ab=$6 ba=$(($6 + 1)) e=()
	[ "${7:-}" ] && e=(encap 4500 4500)
	local c=(mode "$mode" enc aes-gcm-16 keyfile "$tmp/key" reqid 1 "${e[@]}")
	run "${KA[@]}" sa add spi "$ab" dir out src "$oa" dst "$ob" "${c[@]}"
	run "${KA[@]}" sa add spi "$ba" dir in src "$ob" dst "$oa" "${c[@]}"
	run "${KB[@]}" sa add spi "$ba" dir out src "$ob" dst "$oa" "${c[@]}"
	run "${KB[@]}" sa add spi "$ab" dir in src "$oa" dst "$ob" "${c[@]}"
	run "${KA[@]}" policy add dir out src "$na" dst "$nb" action protect \
		tmpl mode "$mode" src "$oa" dst "$ob" reqid 1
	run "${KA[@]}" policy add dir in src "$nb" dst "$na" action protect \
		tmpl mode "$mode" src "$ob" dst "$oa" reqid 1
	run "${KB[@]}" policy add dir out src "$nb" dst "$na" action protect \
		tmpl mode "$mode" src "$ob" dst "$oa" reqid 1
	run "${KB[@]}" policy add dir in src "$na" dst "$nb" action protect \
		tmpl mode "$mode" src "$oa" dst "$ob" reqid 1
	[ "$mode" = tunnel ] || return 0
	run "${KB[@]}" policy add dir fwd src "$na" dst "$nb" action protect \
		tmpl mode "$mode" src "$oa" dst "$ob" reqid 1
	run "${KA[@]}" policy add dir fwd src "$nb" dst "$na" action protect \
		tmpl mode "$mode" src "$ob" dst "$oa" reqid 1
}

flush() {
	run "${KA[@]}" policy flush
	run "${KA[@]}" sa flush
	run "${KB[@]}" policy flush
	run "${KB[@]}" sa flush
}

# CASES: NAME SIZE SPI FROM-NS SRC DST, one a line, for the checks.
CASES=()
# case_ping NAME SIZE SPI NS SRC DST: PINGS echo requests of SIZE bytes
# of payload from SRC (in NS) to DST, every one answered.
case_ping() {
	local out
	out=$(ip netns exec "$4" ping -n -c "$PINGS" -i 0.3 -W 5 -s "$2" \
		-I "$5" "$6" 2>&1) || fail "$1: ping $5 -> $6: $out"
	grep -q "$PINGS received" <<<"$out" || fail "$1: $out"
	CASES+=("$1 $2 $3 $5 $6")
	echo "$1: $PINGS echo requests of $2 bytes answered"
}

bg() { # bg NAME NS CMD...: CMD in NS in the background, output in $tmp/NAME
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$tmp/$name" 2>&1 &
	BG+=($!)
}

capture_start "$GWB" "$WAN_IF" "$tmp/wan.pcap"

sa_pair tunnel "$GWA_WAN4" "$GWB_WAN4" "$LANA4" "$LANB4" 0x1100
case_ping tunnel-4in4 101 0x1100 "$HOSTA" "$HOSTA4" "$HOSTB4"
flush
sa_pair tunnel "$GWA_WAN6" "$GWB_WAN6" "$LANA6" "$LANB6" 0x1200
case_ping tunnel-6in6 102 0x1200 "$HOSTA" "$HOSTA6" "$HOSTB6"
flush
sa_pair tunnel "$GWA_WAN6" "$GWB_WAN6" "$LANA4" "$LANB4" 0x1300
case_ping tunnel-4in6 103 0x1300 "$HOSTA" "$HOSTA4" "$HOSTB4"
flush
sa_pair tunnel "$GWA_WAN4" "$GWB_WAN4" "$LANA6" "$LANB6" 0x1400
case_ping tunnel-6in4 104 0x1400 "$HOSTA" "$HOSTA6" "$HOSTB6"
flush
sa_pair transport "$GWA_WAN4" "$GWB_WAN4" "$GWA_WAN4/32" "$GWB_WAN4/32" 0x1500
case_ping transport-4 105 0x1500 "$GWA" "$GWA_WAN4" "$GWB_WAN4"
flush
sa_pair transport "$GWA_WAN6" "$GWB_WAN6" "$GWA_WAN6/128" "$GWB_WAN6/128" 0x1600
case_ping transport-6 106 0x1600 "$GWA" "$GWA_WAN6" "$GWB_WAN6"
flush
bg listen-a "$GWA" "$KESPCTL" encap listen 4500
bg listen-b "$GWB" "$KESPCTL" encap listen 4500
wait_until 20 listening "$GWA" udp 4500 || fail "no encap socket on $GWA"
wait_until 20 listening "$GWB" udp 4500 || fail "no encap socket on $GWB"
sa_pair tunnel "$GWA_WAN4" "$GWB_WAN4" "$LANA4" "$LANB4" 0x1700 encap
case_ping udp-encap-4in4 107 0x1700 "$HOSTA" "$HOSTA4" "$HOSTB4"
capture_stop "$tmp/wan.pcap"

# One tshark pass: per frame its source MAC, ESP SPI, ICMP(v6) type,
# addresses and lengths, and whether it is bad. Expert warnings are
# expected (an echo request's reply leaves encrypted, so tshark sees no
# response); a malformed frame or an error-level expert info fails.
rows=$(capture_tshark "$tmp/wan.pcap" -T fields -e frame.number \
	-e eth.src -e esp.spi -e icmp.type -e icmpv6.type -e ip.src \
	-e ip.dst -e ipv6.src -e ipv6.dst -e ip.len -e ipv6.plen \
	-e _ws.malformed -e _ws.expert.severity -e _ws.col.Protocol \
	-e _ws.col.Info) || fail "tshark failed"
echo "$(wc -l <<<"$rows") frames captured on $GWB/$WAN_IF"
bad=$(awk -F '\t' '{
	bad = $12 != ""
	k = split($13, sev, ",")
	for (i = 1; i <= k; i++)
		if (sev[i] + 0 >= 8388608)
			bad = 1
}
bad { printf "%s | %s | %s\n", $1, $14, $15 }' <<<"$rows")
[ -z "$bad" ] || fail "frames tshark finds malformed or in error:
$bad"

failed=()
for c in "${CASES[@]}"; do
	read -r name size spi src dst <<<"$c"
	# Echo requests from A's MAC with the inner addresses and the
	# case's length: IPv4 20 + 8 + SIZE bytes, IPv6 payload 8 + SIZE.
	counts=$(awk -F '\t' -v mac="$MAC_A" \
		-v spi="$(printf '0x%08x' "$spi")" -v src="$src" -v dst="$dst" \
		-v size="$size" '
	index($3, spi) == 1 { esp++ }
	$2 == mac && (($4 == "8" && $6 == src && $7 == dst &&
		       $10 == size + 28) ||
		      ($5 == "128" && $8 == src && $9 == dst &&
		       $11 == size + 8)) { inner++ }
	END { print esp + 0, inner + 0 }' <<<"$rows")
	read -r nesp ninner <<<"$counts"
	echo "$name: $nesp ESP frames with SPI $spi, $ninner echo requests $src -> $dst decoded"
	[ "$nesp" -ge "$PINGS" ] && [ "$ninner" = "$PINGS" ] ||
		failed+=("$name")
done
[ ${#failed[@]} = 0 ] || fail "decrypted packets not decoded in the capture: ${failed[*]}
first frames:
$(head -20 <<<"$rows")"
flush
capture_stop
for p in "${BG[@]}"; do
	kill "$p" 2>/dev/null
done
wait 2>/dev/null
BG=()
netns_cleanup
rmmod kesp || fail "rmmod kesp"
echo "ok: every case's ESP frames and decrypted echo requests decode on $GWB/$WAN_IF"
