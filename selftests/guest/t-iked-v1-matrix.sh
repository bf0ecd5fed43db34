#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 85
# The IKEv1 matrix of issue 15 for the peers that t-iked-v1-charon.sh and
# t-iked-v1-natt*.sh do not cover cell by cell: kesp-iked (gateway A,
# kesp.ko) against Libreswan 4.10's pluto and against another kesp-iked
# (gateway B), each in Main Mode and in Aggressive Mode, each side
# initiating: 8 cells. In each, phase 1 and a Quick Mode with PFS come
# up in the mode asked for (A's log says so), pings go both ways through
# A's CHILD SA, and A deletes (pluto, when it initiated: it would bring
# the conn up again): nothing is left in kesp.ko.
# KESP_MATRIX_NAT=1 (t-iked-v1-matrix-nat.sh) puts A behind the NAT of
# nat.sh (its UDP ports rewritten, 500/4500 forwarded to it): each cell
# then also has A's IKE SA on 4500 with NAT-T in use; and two more cells,
# kesp-iked against kesp-iked in transport mode through the NAT, each
# side initiating: NAT-OA both ways (RFC 3947 5.2), each end's proxy ID
# of A taken as the address it sees, TCP and UDP echoed each way between
# the gateways (checksums over addresses the NAT rewrote).
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/nat.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/pluto.sh"

NATTED=${KESP_MATRIX_NAT:-0}
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user nf_conntrack nf_nat nft_masq nft_nat; do
	modprobe $m 2>/dev/null
done
PL=$IKED_DIR/pluto
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -n 60 "$PL/pluto.log" >&2; }; iked_kill_all; pluto_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
if [ "$NATTED" = 1 ]; then
	command -v nft >/dev/null || skip "no nft (apt-get install nftables)"
	nat_two_sites
	A_ADDR=$GWA_PRIV4
else
	topo_two_sites
	A_ADDR=$GWA_WAN4
fi
crypto_warm_up_wait
PSK="the IKEv1 matrix"

# kesp_conf NAME AGGRESSIVE LEFT LEFTID LEFTNET RIGHT RIGHTID RIGHTNET
# [LINE]: LINE one more of the conn ("type=transport").
kesp_conf() {
	cat >"$IKED_DIR/$1.conf" <<EOC
conn gw
	keyexchange=ikev1
	aggressive=$2
	authby=secret
	left=$3
	leftid=@$4
	leftsubnet=$5
	right=$6
	rightid=@$7
	rightsubnet=$8
	ike=aes256-sha256-modp2048!
	esp=aes128-sha256-modp2048!
	auto=add
EOC
	[ -z "${9:-}" ] ||
		sed -i "s/^\tauto=add\$/\t$9\n\tauto=add/" "$IKED_DIR/$1.conf"
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/$1.secrets"
}

pluto_conf() { # pluto_conf AGGRESSIVE
	cat >"$IKED_DIR/pluto.conf" <<EOC
config setup
	dnssec-enable=no
	ikev1-policy=accept
conn gw
	ikev2=no
	aggressive=$1
	authby=secret
	left=$GWB_WAN4
	leftid=@gw-b.example
	leftsubnet=$LANB4
	right=$GWA_WAN4
	rightid=@gw-a.example
	rightsubnet=$LANA4
	ike=aes256-sha2_256;modp2048
	esp=aes128-sha2_256;modp2048
	pfs=yes
$(pluto_conn_common)
	auto=add
EOC
	mkdir -p "$PL"
	printf '@gw-b.example @gw-a.example : PSK "%s"\n' "$PSK" >"$PL/secrets"
}

# nat_ok CELL: under the NAT, A's IKE SA uses NAT-T on 4500.
nat_ok() {
	[ "$NATTED" = 1 ] || return 0
	iked_ctl a -j ike list | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["ike_sas"] if x["state"] == "established"][0]
assert s["nat_t_in_use"] and s["local_port"] == 4500, s
' || fail "$1: A's IKE SA is not NAT-T on 4500: $(iked_ctl a ike list)"
}

# The gateways talk in transport mode: TCP and UDP both ways, A's SA
# counted them.
transport_traffic() {
	nat_l4 "$1" "$GWA" "$GWA_WAN4" "$GWB" "$GWB_WAN4"
	iked_ctl a -j ike list | python3 -c '
import json, sys
c = json.load(sys.stdin)["ike_sas"][0]["child_sas"][0]
assert c["mode"] == "transport", c
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
' || fail "$1: A's CHILD SA is not transport mode or carried nothing: $(iked_ctl a ike list)"
}

# cell PEER MODE WHO [TRAFFIC]: WHO (a or peer) brings the conn up,
# traffic (TRAFFIC, iked_traffic unless said), one end deletes.
cell() {
	local peer=$1 mode=$2 who=$3 name="$1, $2 Mode, $3 initiates" role out
	role=initiator
	if [ "$who" = a ]; then
		out=$(iked_ctl a ike up gw) || fail "$name: ike up: $out"
	elif [ "$peer" = pluto ]; then
		role=responder
		pluto_whack "$PL" --name gw --initiate >/dev/null 2>&1 ||
			fail "$name: pluto --initiate: $(tail -n 5 "$PL/pluto.log")"
	else
		role=responder
		out=$(iked_ctl b ike up gw) || fail "$name: ike up on B: $out"
	fi
	wait_sa_count "$GWA" 2 10
	iked_wait_log a "ISAKMP SA established \\(IKEv1 $mode Mode, $role" 5
	nat_ok "$name"
	${4:-iked_traffic} "$name"
	if [ "$who" = peer ] && [ "$peer" = pluto ]; then
		# pluto brings a conn it initiated up again when the peer
		# deletes it: its own --terminate ends it for good.
		pluto_whack "$PL" --name gw --terminate >/dev/null 2>&1 ||
			fail "$name: pluto --terminate"
	else
		iked_ctl a ike down gw >/dev/null || fail "$name: ike down"
	fi
	wait_sa_count "$GWA" 0 10
	: >"$IKED_DIR/a.log"
}

for mode in Main Aggressive; do
	aggr=no
	[ $mode = Aggressive ] && aggr=yes
	kesp_conf a $aggr "$A_ADDR" gw-a.example "$LANA4" \
		"$GWB_WAN4" gw-b.example "$LANB4"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"

	pluto_conf $aggr
	pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf"
	cell pluto $mode a
	cell pluto $mode peer
	pluto_stop "$PL"

	kesp_conf b $aggr "$GWB_WAN4" gw-b.example "$LANB4" \
		"$GWA_WAN4" gw-a.example "$LANA4"
	iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
	cell kesp $mode a
	cell kesp $mode peer
	iked_stop b
	iked_stop a
done
[ "$NATTED" = 1 ] || { echo "ok: 8 cells"; exit 0; }

kesp_conf a no "$A_ADDR" gw-a.example "$A_ADDR/32" \
	"$GWB_WAN4" gw-b.example "$GWB_WAN4/32" type=transport
kesp_conf b no "$GWB_WAN4" gw-b.example "$GWB_WAN4/32" \
	"$GWA_WAN4" gw-a.example "$GWA_WAN4/32" type=transport
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
cell kesp Main a transport_traffic
iked_wait_log b "the peer's NAT-OA: initiator $A_ADDR, responder $GWB_WAN4" 1
iked_wait_log b "proxy IDs $A_ADDR/32 === $GWB_WAN4/32 taken as $GWA_WAN4/32 === $GWB_WAN4/32" 1
: >"$IKED_DIR/b.log"
cell kesp Main peer transport_traffic
iked_wait_log b "the peer's NAT-OA: initiator $GWB_WAN4, responder $A_ADDR" 1
iked_stop b
iked_stop a
echo "ok: 10 cells, A behind NAT, 2 in transport mode"
