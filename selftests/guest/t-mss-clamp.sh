#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# Per-policy TCP MSS clamping: SYNs a policy with "mss auto" sends into a
# kesp tunnel arrive with the MSS that fits the tunnel, "mss N" with N,
# none without clamping; only OUT PROTECT policies take it.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
key=$(mktemp -p /run)
echo "0x$(printf '5a%.0s' $(seq 1 20))" >"$key"
netns_add ma
netns_add mb
ip link add va netns ma type veth peer name vb netns mb
ip -n ma addr add 192.0.2.1/24 dev va
ip -n mb addr add 192.0.2.2/24 dev vb
for s in a b; do
	ip -n "m$s" link set lo up
	ip -n "m$s" link set "v$s" up
	ip -n "m$s" link add d0 type dummy
	ip -n "m$s" link set d0 up
done
ip -n ma addr add 10.1.0.1/16 dev d0
ip -n mb addr add 10.2.0.1/16 dev d0
ip -n ma route add 10.2.0.0/16 via 192.0.2.2
ip -n mb route add 10.1.0.0/16 via 192.0.2.1

# side NS OUT-SPI IN-SPI ME PEER LOCAL REMOTE [MSS-ARGS...]
side() {
	local ns=$1 so=$2 si=$3 me=$4 peer=$5 l=$6 r=$7
	shift 7
	ip netns exec "$ns" "$KESPCTL" sa flush >/dev/null
	ip netns exec "$ns" "$KESPCTL" policy flush >/dev/null
	ip netns exec "$ns" "$KESPCTL" -b - >/dev/null <<-EOF2 || fail "setup $ns"
	sa add spi $so dir out mode tunnel src $me dst $peer enc aes-gcm-16 keyfile $key reqid 1
	sa add spi $si dir in mode tunnel src $peer dst $me enc aes-gcm-16 keyfile $key reqid 1
	policy add dir out src $l dst $r action protect $* tmpl mode tunnel src $me dst $peer reqid 1
	policy add dir in src $r dst $l action protect tmpl mode tunnel src $peer dst $me reqid 1
	EOF2
}

# peer_mss: connect from 10.1.0.1 to 10.2.0.1; the MSS B's side learnt.
peer_mss() {
	ip netns exec mb python3 - <<-'PY' &
	import socket
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("10.2.0.1", 7000))
	s.listen(1)
	s.settimeout(20)
	c, _ = s.accept()
	c.sendall(str(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)).encode())
	c.close()
	PY
	wait_until 20 listening mb tcp 7000 || fail "no listener on 10.2.0.1:7000"
	ip netns exec ma python3 - <<-'PY'
	import socket
	c = socket.create_connection(("10.2.0.1", 7000), timeout=20,
	                             source_address=("10.1.0.1", 0))
	print(c.recv(16).decode())
	PY
	wait
}

side mb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
side ma 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16
plain=$(peer_mss) || fail "TCP through the tunnel without clamping"
echo "no clamping: B learnt MSS $plain"

# Fresh SAs on both sides each time: a new outbound SA starts at
# sequence 1, which the old inbound SA would take for replays.
side mb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
side ma 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16 mss auto
ip netns exec ma "$KESPCTL" policy list | grep -q 'mss auto' ||
	fail "policy list does not show mss auto"
auto=$(peer_mss) || fail "TCP through the tunnel with mss auto"
echo "mss auto: B learnt MSS $auto"
# AES-GCM through a 1500-byte link: 1446-byte inner packets, 1406 of MSS
# (B's figure drops 12 more for timestamps).
[ "$auto" -le 1406 ] && [ "$auto" -lt "$plain" ] ||
	fail "mss auto: $auto, expected at most 1406 and below $plain"

side mb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
side ma 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16 mss 1200
fixed=$(peer_mss) || fail "TCP through the tunnel with mss 1200"
echo "mss 1200: B learnt MSS $fixed"
[ "$fixed" -le 1200 ] || fail "mss 1200: B learnt $fixed"

expect_fail 1 'MSS clamping is for OUT PROTECT policies' \
	ip netns exec ma "$KESPCTL" policy add dir out src 10.9.0.0/16 \
	dst 10.8.0.0/16 action bypass mss auto
expect_fail 1 'MSS clamping is for OUT PROTECT policies' \
	ip netns exec ma "$KESPCTL" policy add dir in src 10.9.0.0/16 \
	dst 10.8.0.0/16 action protect mss 1300 tmpl mode tunnel \
	src 192.0.2.2 dst 192.0.2.1
