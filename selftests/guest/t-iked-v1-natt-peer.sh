#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 65
# IKEv1 NAT traversal with the PEER behind the NAT: strongSwan's charon
# (IKEv1, XFRM) on gateway A behind the NAT namespace of nat.sh (UDP
# source ports rewritten to 20000-20999, 500/4500 forwarded to A), and
# kesp-iked with kesp.ko on the public gateway B.
#  1. charon initiates Main Mode: kesp-iked (responder) finds the peer
#     behind NAT from the NAT-D payloads, charon floats to 4500, Quick
#     Mode with UDP-Encapsulated-Tunnel; pings both ways; kesp's kernel
#     SAs are ESP in UDP to the NAT's rewritten port. kesp-iked's shorter
#     ikelifetime goes to charon as RESPONDER-LIFETIME in MM6 and charon
#     takes the message (AM2 in 2).
#  2. charon initiates Aggressive Mode through the NAT (NAT-D in AM2 and
#     AM3, the float after AM2): the same checks.
#  3. kesp-iked with encapsulation=no answers charon's Main Mode: phase 1
#     comes up without NAT-T and kesp-iked says why that will not carry
#     ESP: "NAT-T mismatch: ... came from another port than 500: a NAT is
#     in between, and this conn has encapsulation=no".
#  4. kesp-iked initiates to the NAT's address (the port forward): it
#     finds the peer behind NAT and floats to 4500 itself; traffic.
#  5. The same in Aggressive Mode (charon with its Aggressive Mode conn
#     only).
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
PSK="IKEv1 with the peer behind a NAT"
CH=$IKED_DIR/charon
CHARON_EXTRA_CONF='charon {
	i_dont_care_about_security_and_use_aggressive_mode_psk = yes
}'
charon_start "$GWA" "$CH"

# kesp_conf NAME AGGRESSIVE ENCAPSULATION: kesp-iked on B, the NAT's
# address as the peer's; ikelifetime=20m, shorter than what charon
# proposes, so that B as responder says RESPONDER-LIFETIME in MM6/AM2.
kesp_conf() {
	cat >"$IKED_DIR/$1.conf" <<EOC
conn gw
	keyexchange=ikev1
	aggressive=$2
	encapsulation=$3
	ikelifetime=20m
	authby=secret
	left=$GWB_WAN4
	leftid=@gw-b.example
	leftsubnet=$LANB4
	right=$GWA_WAN4
	rightid=@gw-a.example
	rightsubnet=$LANA4
	ike=aes128-sha256-modp2048!
	esp=aes128-sha256!
	auto=add
EOC
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/$1.secrets"
}

# swan_conn NAME AGGRESSIVE CHILD: charon's IKEv1 PSK conn from behind
# the NAT.
swan_conn() {
	cat <<EOC
	$1 {
		version = 1
		aggressive = $2
		local_addrs = $GWA_PRIV4
		remote_addrs = $GWB_WAN4
		proposals = aes128-sha256-modp2048
		dpd_delay = 0
		local {
			auth = psk
			id = gw-a.example
		}
		remote {
			auth = psk
			id = gw-b.example
		}
		children {
			$3 {
				local_ts = $LANA4
				remote_ts = $LANB4
				esp_proposals = aes128-sha256
			}
		}
	}
EOC
}

cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
$(swan_conn gw no net)
$(swan_conn agg yes aggnet)
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "$PSK"
	}
}
EOC
charon_load "$GWA" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null
ch_sa() { charon_swanctl "$CH" --list-sas --raw 2>/dev/null; }

# check NAME WHAT PORT_RE: kesp-iked NAME's IKEv1 SA saw the peer behind
# NAT and is on 4500 at both ends (the peer's port as the NAT shows it:
# PORT_RE), its kernel SAs ESP in UDP and counting the pings, charon's
# XFRM states espinudp.
check() {
	local name=$1 what=$2 ports
	ports=$(iked_ctl "$name" -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["ike_sas"] if x["state"] == "established"][0]
assert s["version"] == "IKEv1", s
assert s["nat_t"] == "remote" and s["nat_t_in_use"] and s["nat_t_encap"], s
print(s["local_port"], s["remote_port"])
') || fail "$what: B's IKEv1 SA is not NAT-T (remote): $(iked_ctl "$name" ike list)"
	echo "$ports" | grep -qE "^4500 $3\$" ||
		fail "$what: B's IKE SA on ports $ports"
	ch_sa | grep -q 'nat-local=yes' ||
		fail "$what: charon did not see itself behind NAT: $(ch_sa)"
	iked_traffic "$what" "$name"
	nat_kesp_encap "$GWB" "$what" "$3"
	ip netns exec "$GWA" ip xfrm state | grep -q "encap type espinudp" ||
		fail "$what: charon's SAs are not ESP in UDP: $(ip netns exec "$GWA" ip xfrm state)"
}

charon_idle() { ! ch_sa | grep -qi 'established'; }

# down NAME: kesp-iked NAME deletes its SAs, charon follows.
down() {
	iked_ctl "$1" ike down gw >/dev/null || fail "ike down"
	wait_sa_count "$GWB" 0 5
	wait_until 10 charon_idle || fail "charon kept an SA: $(ch_sa)"
}

# The kesp-initiated case goes last: its port forward leaves a DNAT
# conntrack entry for charon's 500 that nat_remap cannot drop without
# conntrack(8), and charon's later Main Modes would then leave the NAT
# with their port 500 kept.
echo "1. charon behind the NAT initiates Main Mode"
kesp_conf b no auto
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null ||
	fail "swanctl --initiate net: $(iked_log b | tail -5)"
wait_sa_count "$GWB" 2 5
iked_wait_log b 'ISAKMP SA established \(IKEv1 Main Mode, responder' 1
iked_wait_log b 'NAT detected: the peer is behind NAT; using UDP 4500' 1
check b "charon initiator, Main Mode" "20[0-9]{3}"
iked_wait_log b 'we use 1200 s \(RESPONDER-LIFETIME in MM6\)' 1
echo "  b: $(grep -m1 -o 'the peer proposed.*' "$IKED_DIR/b.log")"
down b
iked_stop b

echo "2. charon behind the NAT initiates Aggressive Mode"
nat_remap 20000-20999
kesp_conf c yes auto
iked_start c "$GWB" "$IKED_DIR/c.conf" "$IKED_DIR/c.secrets"
charon_swanctl "$CH" --initiate --child aggnet --timeout 30 >/dev/null ||
	fail "swanctl --initiate aggnet: $(iked_log c | tail -5)"
wait_sa_count "$GWB" 2 5
iked_wait_log c 'ISAKMP SA established \(IKEv1 Aggressive Mode, responder' 1
# AM3's NAT-D hashed over 4500 by charon: still only the peer behind NAT.
iked_wait_log c 'NAT detected: the peer is behind NAT; using UDP 4500' 1
check c "charon initiator, Aggressive Mode" "20[0-9]{3}"
iked_wait_log c 'we use 1200 s \(RESPONDER-LIFETIME in AM2\)' 1
down c
iked_stop c

echo "3. kesp-iked with encapsulation=no answers charon behind the NAT"
nat_remap 20000-20999
kesp_conf d no no
iked_start d "$GWB" "$IKED_DIR/d.conf" "$IKED_DIR/d.secrets"
# The tunnel may or may not carry ESP through this NAT (Linux NATs ESP
# by address alone): only the diagnosis is asserted.
charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null
iked_wait_log d 'ISAKMP SA established \(IKEv1 Main Mode, responder' 10
iked_wait_log d "error: NAT-T mismatch: $GWA_WAN4\\[20[0-9]{3}\\] came from another port than 500: a NAT is in between, and this conn has encapsulation=no \\(the peer offered NAT-T\\)" 5
echo "  d: $(grep -m1 -o 'NAT-T mismatch.*' "$IKED_DIR/d.log" | cut -c1-120)..."
grep -q 'NAT detected' "$IKED_DIR/d.log" &&
	fail "encapsulation=no, yet NAT-T was used: $(grep 'NAT detected' "$IKED_DIR/d.log")"
iked_ctl d ike down gw >/dev/null
wait_until 10 charon_idle || fail "charon kept an SA: $(ch_sa)"
iked_stop d

echo "4. kesp-iked initiates to charon through the NAT's port forward"
nat_remap 20000-20999
kesp_conf e no auto
iked_start e "$GWB" "$IKED_DIR/e.conf" "$IKED_DIR/e.secrets"
out=$(iked_ctl e ike up gw) || fail "ike up: $out"
wait_sa_count "$GWB" 2 5
iked_wait_log e 'ISAKMP SA established \(IKEv1 Main Mode, initiator' 1
check e "kesp initiator" 4500
down e
iked_stop e

echo "5. kesp-iked initiates Aggressive Mode through the port forward"
nat_remap 20000-20999
# charon with its Aggressive Mode conn only: it answers by that.
cat >"$IKED_DIR/swanctl-agg.conf" <<EOC
connections {
$(swan_conn agg yes aggnet)
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "$PSK"
	}
}
EOC
charon_load "$GWA" "$CH" "$IKED_DIR/swanctl-agg.conf" >/dev/null
kesp_conf f yes auto
iked_start f "$GWB" "$IKED_DIR/f.conf" "$IKED_DIR/f.secrets"
out=$(iked_ctl f ike up gw) || fail "ike up: $out"
wait_sa_count "$GWB" 2 5
iked_wait_log f 'ISAKMP SA established \(IKEv1 Aggressive Mode, initiator' 1
check f "kesp initiator, Aggressive Mode" 4500
down f
iked_stop f
for n in b c e f; do
	grep -E ': error: ' "$IKED_DIR/$n.log" &&
		fail "$n: unexpected errors"
done
echo "ok"
