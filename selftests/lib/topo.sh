# SPDX-License-Identifier: GPL-2.0
# Network topologies of the IKE tests and the demo: sourced after guest.sh,
# never run. The namespaces come from netns_add, so they go on exit.
#
# topo_two_sites [PREFIX]: two sites joined by a WAN, one host on each LAN:
#
#   hostA eth0 --- lan gwA wan ======= wan gwB lan --- eth0 hostB
#   10.1.0.2       10.1.0.1 192.0.2.1  192.0.2.2 10.2.0.1   10.2.0.2
#   fd00:1::2      fd00:1::1 2001:db8::1 2001:db8::2 fd00:2::1 fd00:2::2
#
# The hosts' default routes (both families) point at their gateway; each
# gateway forwards, and routes the other site's LAN via the other's WAN
# address, as its default route to the Internet would. Those routes carry
# LAN traffic in clear when nothing protects it: a test proves protection
# on the wire (capture.sh) or by SA counters, never by a ping alone.
# IPv6 addresses are added nodad, usable at once.
#
# Exported: the namespace names GWA GWB HOSTA HOSTB; the interface names
# WAN_IF (gateways, to each other), LAN_IF (gateways, to their host),
# HOST_IF (hosts); addresses without prefix length GWA_WAN4 GWA_WAN6
# GWB_WAN4 GWB_WAN6 (WAN), GWA_LAN4 GWA_LAN6 GWB_LAN4 GWB_LAN6 (gateways'
# LAN side), HOSTA4 HOSTA6 HOSTB4 HOSTB6; the LAN prefixes LANA4 LANA6
# LANB4 LANB6 (10.1.0.0/24 ...).

WAN_IF=wan
LAN_IF=lan
HOST_IF=eth0

GWA_WAN4=192.0.2.1
GWA_WAN6=2001:db8::1
GWB_WAN4=192.0.2.2
GWB_WAN6=2001:db8::2
LANA4=10.1.0.0/24
LANA6=fd00:1::/64
LANB4=10.2.0.0/24
LANB6=fd00:2::/64
GWA_LAN4=10.1.0.1
GWA_LAN6=fd00:1::1
GWB_LAN4=10.2.0.1
GWB_LAN6=fd00:2::1
HOSTA4=10.1.0.2
HOSTA6=fd00:1::2
HOSTB4=10.2.0.2
HOSTB6=fd00:2::2
export WAN_IF LAN_IF HOST_IF GWA_WAN4 GWA_WAN6 GWB_WAN4 GWB_WAN6 \
	LANA4 LANA6 LANB4 LANB6 GWA_LAN4 GWA_LAN6 GWB_LAN4 GWB_LAN6 \
	HOSTA4 HOSTA6 HOSTB4 HOSTB6

# _topo_ns NS: a namespace with lo up.
_topo_ns() {
	netns_add "$1"
	ip -n "$1" link set lo up || fail "$1: lo up"
}

# _topo_addr NS DEV ADDR4/LEN ADDR6/LEN: addresses on DEV, DEV up.
_topo_addr() {
	ip -n "$1" addr add "$3" dev "$2" || fail "$1: addr $3 on $2"
	ip -n "$1" addr add "$4" dev "$2" nodad || fail "$1: addr $4 on $2"
	ip -n "$1" link set "$2" up || fail "$1: $2 up"
}

# _topo_site GW HOST GW_LAN4 GW_LAN6 HOST4 HOST6: a LAN of one host.
_topo_site() {
	local gw=$1 host=$2
	ip link add "$LAN_IF" netns "$gw" type veth \
		peer name "$HOST_IF" netns "$host" ||
		fail "veth $gw/$LAN_IF - $host/$HOST_IF"
	_topo_addr "$gw" "$LAN_IF" "$3/24" "$4/64"
	_topo_addr "$host" "$HOST_IF" "$5/24" "$6/64"
	ip -n "$host" route add default via "$3" ||
		fail "$host: default route"
	ip -n "$host" -6 route add default via "$4" ||
		fail "$host: IPv6 default route"
}

# _topo_gw GW PEER_WAN4 PEER_WAN6 PEER_LAN4 PEER_LAN6: forwarding on, the
# other site's LAN via the WAN.
_topo_gw() {
	ip netns exec "$1" sysctl -q -w net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 >/dev/null ||
		fail "$1: forwarding on"
	ip -n "$1" route add "$4" via "$2" dev "$WAN_IF" ||
		fail "$1: route to $4"
	ip -n "$1" -6 route add "$5" via "$3" dev "$WAN_IF" ||
		fail "$1: route to $5"
}

# _topo_reach NS ADDR: one ping answered within 5 s, or fail.
_topo_reach() {
	local out
	out=$(ip netns exec "$1" ping -n -c 1 -W 5 "$2" 2>&1) ||
		fail "topo: $1 cannot reach $2: $out"
}

topo_two_sites() {
	local p=${1:-}
	GWA=${p}gwA GWB=${p}gwB HOSTA=${p}hostA HOSTB=${p}hostB
	export GWA GWB HOSTA HOSTB

	_topo_ns "$GWA"
	_topo_ns "$GWB"
	_topo_ns "$HOSTA"
	_topo_ns "$HOSTB"
	ip link add "$WAN_IF" netns "$GWA" type veth \
		peer name "$WAN_IF" netns "$GWB" || fail "veth $GWA - $GWB"
	_topo_addr "$GWA" "$WAN_IF" "$GWA_WAN4/24" "$GWA_WAN6/64"
	_topo_addr "$GWB" "$WAN_IF" "$GWB_WAN4/24" "$GWB_WAN6/64"
	_topo_site "$GWA" "$HOSTA" "$GWA_LAN4" "$GWA_LAN6" "$HOSTA4" "$HOSTA6"
	_topo_site "$GWB" "$HOSTB" "$GWB_LAN4" "$GWB_LAN6" "$HOSTB4" "$HOSTB6"
	_topo_gw "$GWA" "$GWB_WAN4" "$GWB_WAN6" "$LANB4" "$LANB6"
	_topo_gw "$GWB" "$GWA_WAN4" "$GWA_WAN6" "$LANA4" "$LANA6"

	# Every link answers (and neighbours are learnt) before a test
	# starts timing anything; hosts to hosts is the test's business.
	_topo_reach "$GWA" "$GWB_WAN4"
	_topo_reach "$GWA" "$GWB_WAN6"
	_topo_reach "$HOSTA" "$GWA_LAN4"
	_topo_reach "$HOSTA" "$GWA_LAN6"
	_topo_reach "$HOSTB" "$GWB_LAN4"
	_topo_reach "$HOSTB" "$GWB_LAN6"
}
