#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# leftfirewall=yes against strongSwan's charon: kesp-iked on gateway A adds
# strongSwan's default updown accept rules in nftables table inet kesp
# while the CHILD SA is up (forward between the subnets, ESP between the
# gateways, commented with the conn and reqid), traffic passes, and after
# ike down the rules and the table are gone.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="firewall rules added"
CH=$IKED_DIR/charon
charon_start "$GWB" "$CH"
kesp_conf() {
	cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	leftfirewall=yes
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/a.secrets"
}

cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local { auth = psk
			id = gw-b.example }
		remote { auth = psk
			id = gw-a.example }
		children { net {
			local_ts = $LANB4
			remote_ts = $LANA4
			esp_proposals = aes128gcm16 } }
	}
}
secrets { ike-gw { id-a = gw-a.example
	id-b = gw-b.example
	secret = "$PSK" } }
EOC
charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null

ping_both() { # ping_both WHAT
	ip netns exec "$HOSTA" ping -c 2 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$1: ping A -> B"
	ip netns exec "$HOSTB" ping -c 2 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$1: ping B -> A"
}

fw() { ip netns exec "$GWA" nft list table inet kesp 2>&1; }

echo "rules while up, gone after down"
kesp_conf
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 5
for i in $(seq 1 100); do
	fw | grep -q 'meta l4proto esp' && break
	sleep 0.1
done
t=$(fw)
echo "$t" | grep -q "ip saddr $LANB4 ip daddr $LANA4 counter packets [0-9]* bytes [0-9]* accept comment \"conn gw reqid [1-9][0-9]*\"" ||
	fail "no forward rule B -> A: $t"
echo "$t" | grep -q "ip saddr $LANA4 ip daddr $LANB4 counter" || fail "no forward rule A -> B: $t"
echo "$t" | grep -q "ip saddr $GWB_WAN4 ip daddr $GWA_WAN4 meta l4proto esp" || fail "no ESP input rule: $t"
reqid=$(echo "$t" | sed -n 's/.*comment "conn gw reqid \([0-9]*\)".*/\1/p' | head -1)
echo "$t" | grep -q "chain fwd_${reqid}_[0-9a-f]\{8\} {" || fail "no chain fwd_${reqid}_: $t"
ping_both "with leftfirewall=yes"
echo "$t" | grep -q "hook forward priority filter - 10; policy accept;" || fail "forward chain: $t"
c=$(fw | sed -n "s|.*ip saddr $LANB4 ip daddr $LANA4 counter packets \([0-9]*\) .*|\1|p")
[ "${c:-0}" -ge 2 ] || fail "the forward rule counted ${c:-0} packets: $(fw)"
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
for i in $(seq 1 100); do
	ip netns exec "$GWA" nft list tables | grep -q 'inet kesp' || break
	sleep 0.1
done
ip netns exec "$GWA" nft list tables | grep -q 'inet kesp' && fail "table left after down: $(fw)"
iked_stop a
echo "rules for reqid $reqid added and removed"
