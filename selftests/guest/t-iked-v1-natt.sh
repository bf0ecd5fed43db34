#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 80
# IKEv1 NAT traversal (RFC 3947, RFC 3948) of kesp-iked against
# strongSwan's charon (IKEv1, swanctl version = 1). Gateway A (kesp-iked,
# kesp.ko) sits behind a NAT namespace (nat.sh: nftables masquerade, UDP
# source ports rewritten to 20000-20999, 500/4500 forwarded to A);
# gateway B (charon, XFRM) is public.
#  1. kesp-iked initiates Main Mode: NAT-T Vendor IDs, NAT-D in MM3/MM4,
#     A finds itself behind NAT, floats to 4500 from MM5 on; Quick Mode
#     with UDP-Encapsulated-Tunnel; pings both ways through ESP in UDP;
#     kesp's kernel SAs show encapsulation 4500 and their counters move;
#     charon sees the NAT (nat-remote) and its XFRM states are espinudp;
#     NAT keepalives from A.
#  2. charon initiates through the NAT's port forward: the same, with
#     charon floating; traffic again.
#  3. Transport mode through the NAT (type=transport, charon's child
#     mode = transport), kesp-iked initiating: Quick Mode carries NAT-OA
#     (RFC 3947 5.2) both ways, A logs charon's; a TCP connection and a
#     UDP datagram between the two gateways each way, echoed (their
#     checksums cover addresses the NAT rewrote, RFC 3948 3.1.2).
#  4. The same, charon initiating through the port forward: A takes
#     charon's proxy ID of A (A's public address) as its own address.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/nat.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
command -v nft >/dev/null || skip "no nft (apt-get install nftables)"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user nf_conntrack nf_nat nft_masq nft_nat; do
	modprobe $m 2>/dev/null
done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; _charon_tail "$CH"; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
nat_two_sites
crypto_warm_up_wait
PSK="IKEv1 through a NAT"
CH=$IKED_DIR/charon
charon_start "$GWB" "$CH"

cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	keyexchange=ikev1
	authby=secret
	left=$GWA_PRIV4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128-sha256-modp2048!
	esp=aes128-sha256!
	auto=add
EOC
printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" >"$IKED_DIR/a.secrets"
cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128-sha256-modp2048
		dpd_delay = 0
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
				esp_proposals = aes128-sha256
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "$PSK"
	}
}
EOC
charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets" --keep-alive 2
grep -q 'cannot encapsulate ESP in UDP' "$IKED_DIR/a.log" &&
	fail "kesp.ko has no KESP_CAP_UDP_ENCAP"
ch_sa() { charon_swanctl "$CH" --list-sas --raw 2>/dev/null; }

# check WHAT PORT_RE: A's IKE SA on 4500 behind NAT, kernel SAs in UDP
# 4500, pings both ways counted by them, charon's states espinudp to
# A's port as charon sees it (PORT_RE: masqueraded, or 4500 forwarded).
check() {
	local ports
	ports=$(iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["ike_sas"] if x["state"] == "established"][0]
assert s["version"] == "IKEv1", s
assert s["nat_t"] == "local" and s["nat_t_in_use"] and s["nat_t_encap"], s
print(s["local_port"], s["remote_port"])
') || fail "$1: A's IKEv1 SA is not NAT-T (local): $(iked_ctl a ike list)"
	[ "$ports" = "4500 4500" ] || fail "$1: A's IKE SA on ports $ports"
	ch_sa | grep -q 'nat-remote=yes' ||
		fail "$1: charon did not see the NAT: $(ch_sa)"
	ch_sa | grep -qE "local-port=4500 .*remote-host=$GWA_WAN4 remote-port=$2( |\$)" ||
		fail "$1: charon's IKE SA is not on 4500: $(ch_sa)"
	echo "  $1: charon: $(ch_sa | grep -oE 'local-port=[0-9]+|remote-port=[0-9]+|nat-[a-z]+=yes' | tr '\n' ' ')"
	ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$1: ping A -> B"
	ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$1: ping B -> A"
	nat_kesp_encap "$GWA" "$1" 4500
	ip netns exec "$GWB" ip xfrm state | grep -qE "encap type espinudp sport 4500 dport $2( |\$)" ||
		fail "$1: charon's SAs are not ESP in UDP: $(ip netns exec "$GWB" ip xfrm state)"
	echo "  $1: pings both ways through ESP in UDP"
}

echo "1. kesp-iked behind the NAT initiates Main Mode"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 5
iked_wait_log a 'NAT detected: this end is behind NAT; using UDP 4500' 1
iked_wait_log a 'ISAKMP SA established \(IKEv1 Main Mode, initiator' 1
check "kesp initiator" "20[0-9]{3}"
keepalives() {
	ka=$(iked_ctl a -j ike list | python3 -c '
import json, sys
print(max(s["nat_t_keepalives"] for s in json.load(sys.stdin)["ike_sas"]))')
	[ "$ka" -ge 1 ]
}
wait_until 15 keepalives
keepalives || fail "A sent no NAT keepalive in 15 s"
echo "  A: $ka NAT keepalives sent"
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5

echo "2. charon initiates to A through the NAT's port forward"
# ike down's Delete goes out 3 times in 1.5 s: a copy after the remap
# would masquerade A's 4500 to charon's 4500 again, and charon's
# forwarded packets would then reach A from another port (CI, stop 33).
sleep 2
nat_remap 20000-20999
charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null ||
	fail "swanctl --initiate: $(iked_log a | tail -5)"
wait_sa_count "$GWA" 2 5
iked_wait_log a 'ISAKMP SA established \(IKEv1 Main Mode, responder' 1
check "charon initiator" 4500
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
grep -E ': error: ' "$IKED_DIR/a.log" && fail "unexpected errors"
iked_stop a

# Transport mode: A's conn and charon's connection replaced (one
# each, so that neither end picks the tunnel's for a Quick Mode).
sed -e 's/^conn gw$/conn tr/' -e '/subnet=/d' -e '/^\tesp=/a\
\ttype=transport' "$IKED_DIR/a.conf" >"$IKED_DIR/tr.conf"
python3 - "$IKED_DIR/swanctl.conf" >"$IKED_DIR/swanctl-tr.conf" <<'EOP'
import re, sys
s = open(sys.argv[1]).read().replace("gw {", "tr {", 1)
s = re.sub(r"net \{[^}]*\}", "host {\n\t\t\t\tmode = transport\n"
           "\t\t\t\tesp_proposals = aes128-sha256\n\t\t\t}", s)
print(s)
EOP
charon_load "$GWB" "$CH" "$IKED_DIR/swanctl-tr.conf" >/dev/null
: >"$IKED_DIR/a.log"
iked_start a "$GWA" "$IKED_DIR/tr.conf" "$IKED_DIR/a.secrets"

# transport WHAT PORT_RE: A's CHILD SA is transport mode host to host,
# ESP in UDP, TCP and UDP pass both ways.
transport() {
	iked_ctl a -j ike list | grep -q '"transport"' ||
		fail "$1: A's CHILD SA is not transport mode: $(iked_ctl a ike list)"
	nat_l4 "$1" "$GWA" "$GWA_WAN4" "$GWB" "$GWB_WAN4"
	ip netns exec "$GWA" ping -c 2 -i 0.2 -W 3 "$GWB_WAN4" >/dev/null ||
		fail "$1: ping A -> B"
	nat_kesp_encap "$GWA" "$1" "$2"
	ip netns exec "$GWB" ip xfrm state | grep -q 'mode transport' ||
		fail "$1: charon's SAs are not transport mode"
}

echo "3. transport mode through the NAT, kesp-iked initiates"
out=$(iked_ctl a ike up tr) || fail "ike up: $out"
wait_sa_count "$GWA" 2 5
iked_wait_log a "the peer's NAT-OA: initiator $GWA_WAN4, responder $GWB_WAN4" 1
transport "kesp initiator" "4500"
iked_ctl a ike down tr >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5

echo "4. transport mode through the NAT, charon initiates"
charon_swanctl "$CH" --initiate --child host --timeout 30 >/dev/null ||
	fail "swanctl --initiate host: $(iked_log a | tail -5)"
wait_sa_count "$GWA" 2 5
iked_wait_log a "the peer's NAT-OA: initiator $GWB_WAN4, responder $GWA_WAN4" 1
iked_wait_log a "proxy IDs $GWB_WAN4/32 === $GWA_WAN4/32 taken as $GWB_WAN4/32 === $GWA_PRIV4/32" 1
transport "charon initiator" "4500"
iked_ctl a ike down tr >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
grep -E ': error: ' "$IKED_DIR/a.log" && fail "unexpected errors"
iked_stop a
echo "ok"
