#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 190
# NAT traversal of kesp-iked (RFC 7296 2.23, RFC 3948). Gateway A sits
# behind a NAT namespace (nat.sh: nftables masquerade, UDP source ports
# rewritten to 20000-20999, 500/4500 forwarded to A); gateway B is public.
#
#  1. kesp-iked <-> kesp-iked, A initiates: NAT detected on both ends
#     (A "local", B "remote"), IKE moved to 4500 (A 4500->4500, B
#     4500->NAT's port), NAT keepalives (one 0xff byte) from A on the wire
#     at B, a rekey of the CHILD and IKE SAs across the NAT keeping the
#     NAT-T state and ports, then a NAT mapping change (new port range,
#     mapping dropped) after which B follows A's new port (an
#     authenticated message from it, never a keepalive).
#  2. B with encapsulation=no: the NAT-T mismatch is diagnosed on B.
#  3. kesp-iked (A, behind the NAT) <-> strongSwan charon (B), both
#     directions: charon sees the NAT (nat-remote), kesp-iked "local";
#     a mapping change is followed by charon.
#  4. (charon initiating, above, and) 5. kesp-iked B initiating through
#     the NAT's port forward: the same status both ends. Last, as the
#     NAT's conntrack keeps port-forwarded flows (not masqueraded, so
#     not dropped by nat_remap) for a while.
#  6. Without NAT, kesp-iked with encapsulation=yes against charon: NAT-T
#     "forced" here, charon encapsulates too (it sees a NAT at us).
# Traffic through the tunnel (pings both ways, counted by the SAs) needs
# ESP in UDP from kesp.ko (KESP_CAP_UDP_ENCAP): without it kesp-iked says
# so in one line at start, and the traffic checks are skipped (reported).
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/nat.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/capture.sh"

command -v nft >/dev/null || skip "no nft (apt-get install nftables)"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user nf_conntrack nf_nat nft_masq nft_nat; do
	modprobe $m 2>/dev/null
done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; for d in "$IKED_DIR"/ch*; do [ -d "$d" ] && _charon_tail "$d" >&2; done; }; capture_stop 2>/dev/null; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
nat_two_sites
crypto_warm_up_wait
PSK="NAT traversal test key"

conf_a() { # conf_a EXTRA...: gateway A, behind the NAT
	{
		cat <<EOC
conn gw
	keyexchange=ikev2
	authby=secret
	left=$GWA_PRIV4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
		for kv in "$@"; do printf '\t%s\n' "$kv"; done
	} >"$IKED_DIR/a.conf"
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/a.secrets"
}

conf_b() { # conf_b EXTRA...: gateway B; A is the NAT's public address
	{
		cat <<EOC
conn gw
	keyexchange=ikev2
	authby=secret
	left=$GWB_WAN4
	leftid=@gw-b.example
	leftsubnet=$LANB4
	right=$GWA_WAN4
	rightid=@gw-a.example
	rightsubnet=$LANA4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
		for kv in "$@"; do printf '\t%s\n' "$kv"; done
	} >"$IKED_DIR/b.conf"
	cp "$IKED_DIR/a.secrets" "$IKED_DIR/b.secrets"
}

# natt NAME: "nat_t encap local_port remote_port" of its first IKE SA.
natt() {
	iked_ctl "$1" -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["ike_sas"] if x["state"] == "established"][0]
print(s["nat_t"], str(s["nat_t_in_use"]).lower(), s["local_port"], s["remote_port"])
if s["nat_t_encap"] != s["nat_t_in_use"] and sys.argv[1] == "1":
    sys.exit("nat_t_encap %s but nat_t_in_use %s" % (s["nat_t_encap"], s["nat_t_in_use"]))
' "$ENCAP"
}

# expect_natt NAME NAT_T LPORT RPORT_ERE
expect_natt() {
	local got
	got=$(natt "$1") || fail "$1: ike list -j"
	echo "  $1: NAT-T $got"
	grep -qE "^$2 true $3 $4\$" <<<"$got" ||
		fail "$1: NAT-T '$got', expected '$2 true $3 /$4/'"
}

ENCAP=1
traffic() { # traffic WHAT: ping both ways through the tunnel
	local try
	if [ $ENCAP = 0 ]; then
		echo "  $1: traffic not checked: kesp.ko cannot encapsulate ESP in UDP"
		return 0
	fi
	# A CHILD SA rekeyed in the middle (short lifetimes) starts its
	# counters afresh: then once more.
	for try in 1 2 3; do
		ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
			fail "$1: ping A -> B"
		ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
			fail "$1: ping B -> A"
		iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["ike_sas"] if x["state"] == "established"][0]
n = sum(c["packets_in"] for c in s["child_sas"]), sum(c["packets_out"] for c in s["child_sas"])
assert n[0] >= 6 and n[1] >= 6, n
' 2>/dev/null && break
		[ $try = 3 ] &&
			fail "$1: kesp's CHILD SAs on A did not carry the pings"
	done
	echo "  $1: pings both ways through ESP in UDP"
}

PORTS_RE='20[0-9]{3}'

echo "1. kesp-iked <-> kesp-iked, A behind the NAT initiates"
# Only A rekeys (B's lifetimes are long): no rekey collisions here.
A_LIFE=(lifetime=16s ikelifetime=20s rekeymargin=5s rekeyfuzz=100%)
conf_a "${A_LIFE[@]}"
conf_b lifetime=300s ikelifetime=600s rekeymargin=5s
capture_start "$GWB" "$WAN_IF" "$IKED_DIR/b.pcap"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets" --keep-alive 2
if grep -q 'cannot encapsulate ESP in UDP' "$IKED_DIR/a.log"; then
	ENCAP=0
	echo "  kesp.ko has no KESP_CAP_UDP_ENCAP: $(grep -m1 'cannot encapsulate' "$IKED_DIR/a.log" | cut -c1-120)..."
	# No ESP to raise a MAPPING event: A's liveness checks move B.
	iked_stop a
	conf_a "${A_LIFE[@]}" dpddelay=3s dpdaction=restart
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets" \
		--keep-alive 2
fi
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
iked_wait_log a 'NAT detected: this end is behind NAT' 1
iked_wait_log b 'NAT detected: the peer is behind NAT' 1
expect_natt a local 4500 4500
expect_natt b remote 4500 "$PORTS_RE"
iked_ctl a ike list | grep -E 'NAT-T local end behind NAT, UDP 4500->4500' ||
	fail "a: ike list does not show NAT-T"
iked_ctl b ike list | grep -E "NAT-T remote end behind NAT, UDP 4500->$PORTS_RE" ||
	fail "b: ike list does not show NAT-T"
traffic "kesp initiator behind NAT"

echo "  keepalives (every 2 s from A when nothing else was sent)"
keepalives() {
	ka=$(iked_ctl a -j ike list | python3 -c '
import json, sys
print(max(s["nat_t_keepalives"] for s in json.load(sys.stdin)["ike_sas"]))')
	[ "$ka" -ge 1 ]
}
wait_until 30 keepalives
keepalives || fail "a sent no NAT keepalive in 30 s"
echo "  a: $ka keepalives sent"

echo "  rekeys across the NAT (CHILD SAs 16 s, IKE SA 20 s)"
iked_wait_log a 'CHILD SA #[0-9]+ rekeyed' 30
iked_wait_log a 'IKE SA rekeyed' 40
natt_now() { grep -qE "^$2 true $3 $4\$" <<<"$(natt "$1")"; }
wait_until 20 natt_now a local 4500 4500
wait_until 20 natt_now b remote 4500 "$PORTS_RE"
expect_natt a local 4500 4500
expect_natt b remote 4500 "$PORTS_RE"
traffic "after rekey"

echo "  NAT mapping change: new ports 30000-30999, mapping dropped"
before=$(natt b | awk '{print $4}')
nat_remap 30000-30999
PORTS_RE='30[0-9]{3}'
moved_re="peer moved from $GWA_WAN4\\[$before\\] to $GWA_WAN4\\[$PORTS_RE\\]"
if [ $ENCAP = 1 ]; then
	# ESP from the new port: kesp.ko's MAPPING event at B, B's liveness
	# check there, A's authenticated answer moves the SAs. Pings go on
	# until B saw it (a burst may fall in a CHILD SA rekey); A's own IKE
	# request from the new port (A rekeys every few seconds here) may
	# move the SAs first, which is as good, and said.
	esp_re="ESP of inbound SA [0-9a-f]+ came from $GWA_WAN4\\[$PORTS_RE\\], not $GWA_WAN4\\[$before\\]: the NAT mapping changed; checking liveness there"
	for i in $(seq 1 12); do
		ip netns exec "$HOSTA" ping -c 2 -i 0.5 -W 1 "$HOSTB4" >/dev/null
		grep -qE "$esp_re|$moved_re" "$IKED_DIR/b.log" && break
	done
	if ! grep -qE "$esp_re" "$IKED_DIR/b.log"; then
		grep -qE "$moved_re" "$IKED_DIR/b.log" ||
			fail "b: neither ESP nor IKE from A's new port after $i ping bursts; b: $(ip netns exec "$GWB" "$KESPCTL" stats show | tr -s ' \n' ' ' | cut -c1-300); a.log: $(tail -n 3 "$IKED_DIR/a.log" | tr '\n' '|' | cut -c1-400)"
		echo "  b: A's IKE request from the new port moved the SAs before its ESP did"
	fi
fi
iked_wait_log b "$moved_re" 20
grep -E 'checking liveness there|peer moved from' "$IKED_DIR/b.log" |
	sed 's/^/  b: /' | cut -c1-150
expect_natt b remote 4500 "$PORTS_RE"
if [ $ENCAP = 1 ]; then
	# The kernel's SAs on B moved with SA_UPDATE: their UDP ports.
	now=$(natt b | awk '{print $4}')
	ip netns exec "$GWB" "$KESPCTL" -j sa list | python3 -c '
import json, sys
d = json.load(sys.stdin)
sas = d if isinstance(d, list) else next(v for v in d.values() if isinstance(v, list))
port = int(sys.argv[1])
assert sas, "no SAs"
for s in sas:
    e = s["encap"]
    if s["dir"] == "in":
        assert (e["sport"], e["dport"]) == (port, 4500), s
    else:
        assert (e["sport"], e["dport"]) == (4500, port), s
print("  b: %d kernel SAs, ESP in UDP 4500<->%d" % (len(sas), port))
' "$now" || fail "b: the kernel SAs did not move to port $now"
fi
traffic "after the mapping change"
grep -E ': error: ' "$IKED_DIR/a.log" "$IKED_DIR/b.log" &&
	fail "unexpected errors"
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
iked_stop a
iked_stop b
capture_stop "$IKED_DIR/b.pcap"
# One pass of tshark (slow under TCG): per UDP 4500 datagram from the
# NAT, its UDP length and IKE version (none for a keepalive).
capture_tshark "$IKED_DIR/b.pcap" -Y "ip.src==$GWA_WAN4 && udp.dstport==4500" \
	-T fields -e udp.length -e isakmp.version >"$IKED_DIR/b.fields"
n_ka=$(awk '$1 == 9 && $2 == ""' "$IKED_DIR/b.fields" | wc -l)
n_ike=$(awk '$2 == "0x20"' "$IKED_DIR/b.fields" | wc -l)
echo "  on the wire at B from the NAT to UDP 4500: $n_ka keepalives (9-byte UDP), $n_ike IKEv2 messages"
[ "$n_ka" -ge 2 ] || fail "no NAT keepalives on the wire at B"
[ "$n_ike" -ge 4 ] || fail "IKE did not move to port 4500"

echo "2. B with encapsulation=no: the mismatch is diagnosed"
nat_remap 20000-20999
conf_a
conf_b encapsulation=no
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
iked_wait_log b 'NAT-T mismatch: NAT detected with .* but this conn has encapsulation=no: the tunnel will come up and pass nothing' 2
iked_ctl b ike list | grep -q 'encapsulation=no' ||
	fail "b: ike list does not show the mismatch"
echo "  b: $(grep -m1 -o 'NAT-T mismatch.*' "$IKED_DIR/b.log" | cut -c1-110)..."
iked_ctl a ike down gw >/dev/null
iked_stop a
iked_stop b

echo "3. kesp-iked behind the NAT <-> charon"
if [ ! -x /usr/lib/ipsec/charon ]; then
	echo "  skipped: no charon"
else
	nat_remap 20000-20999
	CH=$IKED_DIR/ch1
	charon_start "$GWB" "$CH"
	cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
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
				esp_proposals = aes128gcm16
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
	conf_a dpddelay=3s dpdaction=restart
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
	ch_sa() { charon_swanctl "$CH" --list-sas --raw 2>/dev/null; }
	echo "  kesp-iked initiates"
	out=$(iked_ctl a ike up gw) || fail "ike up vs charon: $out"
	expect_natt a local 4500 4500
	ch_sa | grep -q 'nat-remote=yes' ||
		fail "charon did not see the NAT: $(ch_sa)"
	ch_sa | grep -qE "local-port=4500 .*remote-host=$GWA_WAN4 remote-port=20[0-9]{3}" ||
		fail "charon's IKE SA is not on 4500: $(ch_sa)"
	echo "  charon: $(ch_sa | grep -oE 'local-port=[0-9]+|remote-port=[0-9]+|nat-[a-z]+=yes' | tr '\n' ' ')"
	traffic "kesp initiator vs charon"
	echo "  NAT mapping change: charon follows"
	nat_remap 30000-30999
	for i in $(seq 1 200); do
		ch_sa | grep -qE 'remote-port=30[0-9]{3}' && break
		sleep 0.1
	done
	ch_sa | grep -qE 'remote-port=30[0-9]{3}' ||
		fail "charon did not follow the new mapping: $(ch_sa)"
	echo "  charon: $(ch_sa | grep -oE 'remote-port=[0-9]+')"
	traffic "vs charon after the mapping change"
	iked_ctl a ike down gw >/dev/null || fail "ike down"
	wait_sa_count "$GWA" 0 5
	echo "  charon initiates"
	nat_remap 20000-20999
	charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null ||
		fail "swanctl --initiate: $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 5
	expect_natt a local 4500 4500
	ch_sa | grep -q 'nat-remote=yes' ||
		fail "charon (initiator) did not see the NAT: $(ch_sa)"
	traffic "charon initiator"
	iked_ctl a ike down gw >/dev/null
	wait_sa_count "$GWA" 0 5
	iked_stop a
	charon_stop "$CH"
fi

echo "5. B initiates to A behind the NAT (port forward)"
conf_a
conf_b
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"
out=$(iked_ctl b ike up gw) || fail "b: ike up: $out"
expect_natt a local 4500 4500
expect_natt b remote 4500 4500
traffic "kesp responder behind NAT"
iked_ctl b ike down gw >/dev/null || fail "b: ike down"
wait_sa_count "$GWA" 0 5
iked_stop a
iked_stop b

echo "6. no NAT, encapsulation=yes against charon"
if [ ! -x /usr/lib/ipsec/charon ]; then
	echo "  skipped: no charon"
else
	topo_two_sites p
	CH=$IKED_DIR/ch2
	charon_start "$GWB" "$CH"
	charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null
	conf_a forceencaps=yes
	sed -i "s/left=$GWA_PRIV4/left=$GWA_WAN4/" "$IKED_DIR/a.conf"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
	out=$(iked_ctl a ike up gw) || fail "ike up (forced): $out"
	iked_wait_log a 'no NAT, but encapsulation=yes: using UDP 4500' 1
	expect_natt a forced 4500 4500
	ch_sa | grep -q 'nat-remote=yes' ||
		fail "charon did not take our encapsulation=yes: $(ch_sa)"
	echo "  charon: $(ch_sa | grep -oE 'local-port=[0-9]+|remote-port=[0-9]+|nat-[a-z]+=yes' | tr '\n' ' ')"
	if [ $ENCAP = 1 ]; then
		ip netns exec "$GWB" ip xfrm state | grep -q 'encap type espinudp sport 4500 dport 4500' ||
			fail "charon's SAs are not ESP in UDP"
	fi
	traffic "encapsulation=yes vs charon"
	iked_ctl a ike down gw >/dev/null
	iked_stop a
	charon_stop "$CH"
fi
echo "ok"
