# SPDX-License-Identifier: GPL-2.0
# A NAT between the two sites of topo.sh, for the NAT traversal tests:
# sourced after guest.sh and topo.sh, never run.
#
# nat_two_sites [PREFIX]: topo_two_sites, then gateway A moves behind a
# NAT namespace ($NAT) that takes over A's WAN address:
#
#   hostA --- gwA wan ------- in NAT wan ======= wan gwB --- hostB
#             100.64.0.2  100.64.0.1  192.0.2.1   192.0.2.2
#
# NAT masquerades what leaves its wan (nftables, table ip kesp_nat): UDP
# from any port is rewritten to a port in $NAT_PORTS (default
# 20000-20999), so A's 500 and 4500 reach B as other ports; ESP and the
# rest keep their protocol. UDP 500 and 4500 to the NAT's address are
# forwarded to gwA (as a gateway behind a home router would have it), so
# that B can initiate too. IPv4 only. gwA's default route goes through
# the NAT; B reaches A's LAN through the NAT's address ($GWA_WAN4, which
# B already knew as A's), and the NAT routes A's LAN to gwA.
#
# Exported: NAT (namespace), GWA_PRIV4 (A's address behind the NAT),
# NAT_IN4 (the NAT's inside address), NAT_PORTS.
#
# nat_kesp_encap NS WHAT PORT_RE: kesp.ko's one pair in NS is ESP in UDP
# 4500 at this end, the peer's port matching PORT_RE, and counted traffic.
#
# nat_remap RANGE: a new NAT mapping for everything, as after a NAT
# reboot or an expired mapping: the masquerade port range becomes RANGE
# ("30000-30999") and the NAT's conntrack entries are dropped (conntrack
# -F when installed; otherwise the NAT's public address is removed and
# added again, which makes the kernel drop every entry masqueraded to it).

# nat_l4 WHAT NS1 ADDR1 NS2 ADDR2: a TCP connection and a UDP datagram
# from NS1 to ADDR2 and from NS2 to ADDR1 (the other end's address as
# each knows it), each echoed back by a server on the other end. In
# transport mode through the NAT their checksums cover addresses the
# NAT rewrote (RFC 3948 3.1.2): what pings cannot show.

GWA_PRIV4=100.64.0.2
NAT_IN4=100.64.0.1
NAT_PORTS=${NAT_PORTS:-20000-20999}
export GWA_PRIV4 NAT_IN4 NAT_PORTS

_nat_rules() {
	ip netns exec "$NAT" nft -f - <<EOF || fail "nft: NAT rules"
table ip kesp_nat
delete table ip kesp_nat
table ip kesp_nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "$WAN_IF" udp dport { 500, 4500 } dnat to $GWA_PRIV4
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$WAN_IF" meta l4proto udp masquerade to :$1
		oifname "$WAN_IF" masquerade
	}
}
EOF
}

nat_two_sites() {
	local p=${1:-}
	topo_two_sites "$p"
	NAT=${p}nat
	export NAT
	_topo_ns "$NAT"
	# A's end of the WAN becomes the NAT's, address and all.
	ip -n "$GWA" link set "$WAN_IF" netns "$NAT" || fail "move wan to $NAT"
	ip -n "$NAT" addr add "$GWA_WAN4/24" dev "$WAN_IF" ||
		fail "$NAT: wan address"
	ip -n "$NAT" link set "$WAN_IF" up || fail "$NAT: wan up"
	ip link add "$WAN_IF" netns "$GWA" type veth peer name in \
		netns "$NAT" || fail "veth $GWA - $NAT"
	ip -n "$GWA" addr add "$GWA_PRIV4/24" dev "$WAN_IF" ||
		fail "$GWA: wan address"
	ip -n "$GWA" link set "$WAN_IF" up || fail "$GWA: wan up"
	ip -n "$NAT" addr add "$NAT_IN4/24" dev in || fail "$NAT: in address"
	ip -n "$NAT" link set in up || fail "$NAT: in up"
	ip -n "$GWA" route add default via "$NAT_IN4" ||
		fail "$GWA: default route"
	ip -n "$GWA" route add "$LANB4" via "$NAT_IN4" 2>/dev/null
	ip netns exec "$NAT" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null ||
		fail "$NAT: forwarding on"
	ip -n "$NAT" route add "$LANA4" via "$GWA_PRIV4" ||
		fail "$NAT: route to $LANA4"
	_nat_rules "$NAT_PORTS"
	_topo_reach "$GWA" "$GWB_WAN4"
	_topo_reach "$NAT" "$GWB_WAN4"
}

nat_remap() {
	NAT_PORTS=$1
	_nat_rules "$NAT_PORTS"
	if command -v conntrack >/dev/null; then
		ip netns exec "$NAT" conntrack -F >/dev/null 2>&1 ||
			fail "$NAT: conntrack -F"
		return 0
	fi
	ip -n "$NAT" addr del "$GWA_WAN4/24" dev "$WAN_IF" ||
		fail "$NAT: remove wan address"
	ip -n "$NAT" addr add "$GWA_WAN4/24" dev "$WAN_IF" ||
		fail "$NAT: add wan address"
}

# nat_kesp_encap NS WHAT PORT_RE: kesp.ko in NS holds one pair of SAs,
# both ESP in UDP with 4500 at this end and the peer's port matching
# PORT_RE (a regular expression), each with 6 or more packets counted.
# Prints them; fails with the SA list if not.
nat_kesp_encap() {
	ip netns exec "$1" "$KESPCTL" -j sa list | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
sas = d if isinstance(d, list) else next(v for v in d.values() if isinstance(v, list))
assert len(sas) == 2, sas
for s in sas:
    e = s.get("encap")
    assert e, s
    peer = e["sport"] if s["dir"] == "in" else e["dport"]
    ours = e["dport"] if s["dir"] == "in" else e["sport"]
    assert ours == 4500 and re.fullmatch(sys.argv[1], str(peer)), s
    assert s["packets"] >= 6, s
print("  kesp: %s" % ", ".join("%s %08x encap %d->%d %d packets" % (s["dir"], s["spi"], s["encap"]["sport"], s["encap"]["dport"], s["packets"]) for s in sas))
' "$3" || fail "$2: kesp's kernel SAs are not ESP in UDP 4500 or did not count the pings: $(ip netns exec "$1" "$KESPCTL" sa list)"
}

# A TCP and a UDP echo of one 1400-byte message each on port 5001 of
# every address; exits after one of each, or after 20 s.
_nat_l4_server='
import socket, sys
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("", 5001))
t.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("", 5001))
t.settimeout(20)
u.settimeout(20)
print("ready", flush=True)
c, _ = t.accept()
c.settimeout(20)
d = b""
while len(d) < 1400:
    b = c.recv(4096)
    if not b:
        break
    d += b
c.sendall(d)
c.close()
d, peer = u.recvfrom(4096)
u.sendto(d, peer)
'

# The client: both echoes from ADDR, or a line saying which failed.
_nat_l4_client='
import os, socket, sys, time
a = sys.argv[1]
msg = os.urandom(1400)
c = socket.create_connection((a, 5001), timeout=10)
c.sendall(msg)
d = b""
while len(d) < len(msg):
    b = c.recv(4096)
    if not b:
        break
    d += b
if d != msg:
    sys.exit("TCP echo: %d of %d bytes back" % (len(d), len(msg)))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(1)
for i in range(5):
    u.sendto(msg, (a, 5001))
    try:
        if u.recvfrom(4096)[0] == msg:
            sys.exit(0)
    except socket.timeout:
        pass
sys.exit("UDP echo: no answer in 5 tries")
'

_nat_l4_way() { # WHAT CLIENT_NS SERVER_NS SERVER_ADDR
	local fifo=$IKED_DIR/l4.$$ pid line out
	rm -f "$fifo"
	mkfifo "$fifo" || fail "$1: mkfifo"
	ip netns exec "$3" python3 -c "$_nat_l4_server" >"$fifo" \
		2>"$IKED_DIR/l4.err" &
	pid=$!
	read -r -t 20 line <"$fifo"
	[ "$line" = ready ] || fail "$1: the echo server in $3 did not start: $line"
	out=$(ip netns exec "$2" python3 -c "$_nat_l4_client" "$4" 2>&1) || {
		kill "$pid" 2>/dev/null
		fail "$1: TCP/UDP from $2 to $4: $(tail -n 1 <<<"$out")"
	}
	wait "$pid" ||
		fail "$1: the echo server in $3 failed: $(tail -n 1 "$IKED_DIR/l4.err")"
	rm -f "$fifo"
}

nat_l4() {
	_nat_l4_way "$1" "$2" "$4" "$5"
	_nat_l4_way "$1" "$4" "$2" "$3"
	echo "  $1: TCP and UDP echoed both ways"
}
