#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 85
# kesp-iked with kesp.ko on gateway A against Libreswan 4.10's pluto (the
# kernel's XFRM) on gateway B, IKEv1 only (pluto: ikev2=no,
# ikev1-policy=accept; kesp-iked: keyexchange=ikev1): Main Mode with a
# pre-shared key (AES-CBC-256, SHA2-256, MODP-2048), Quick Mode
# AES-CBC-128 + SHA2-256 with PFS (MODP-2048), pluto with DPD
# (dpdaction=clear, dpddelay=2, dpdtimeout=6).
#   kesp-iked initiates: pings both ways through ESP (SA counters on both
#   sides); idle long enough for pluto's DPD to clear a silent peer, pluto
#   has sent R-U-THEREs (whack --status: lastdpd, seq) and still has
#   the tunnel; pluto deletes and kesp's kernel SAs go.
#   pluto initiates: pings again; kespctl ike down and pluto's XFRM states
#   of those SAs go.
#   DPD for real: kesp-iked stopped (SIGSTOP), pluto declares it dead and
#   clears the tunnel.
#   A PSK mismatch (pluto initiates with another key) is named in
#   kesp-iked's log and in `kespctl ike list`.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/pluto.sh"

run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
PL=$IKED_DIR/pluto
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -n 60 "$PL/pluto.log" >&2; }; [ -n "${IKED_PID[a]:-}" ] && kill -CONT "${IKED_PID[a]}" 2>/dev/null; iked_kill_all; pluto_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="kesp and Libreswan agree, in IKEv1"

cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	keyexchange=ikev1
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes256-sha256-modp2048!
	esp=aes128-sha256-modp2048!
	auto=add
EOC
printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" >"$IKED_DIR/a.secrets"

pluto_conf() { # pluto_conf PSK
	{
		echo "config setup"
		echo "	dnssec-enable=no"
		echo "	ikev1-policy=accept"
		echo "conn gw"
		echo "	ikev2=no"
		echo "	authby=secret"
		echo "	left=$GWB_WAN4"
		echo "	leftid=@gw-b.example"
		echo "	leftsubnet=$LANB4"
		echo "	right=$GWA_WAN4"
		echo "	rightid=@gw-a.example"
		echo "	rightsubnet=$LANA4"
		echo "	ike=aes256-sha2_256;modp2048"
		echo "	esp=aes128-sha2_256;modp2048"
		echo "	pfs=yes"
		echo "	dpddelay=2"
		echo "	dpdtimeout=6"
		echo "	dpdaction=clear"
		pluto_conn_common
		echo "	auto=add"
	} >"$IKED_DIR/pluto.conf"
	mkdir -p "$PL"
	printf '@gw-b.example @gw-a.example : PSK "%s"\n' "$1" >"$PL/secrets"
}

traffic() { # traffic WHAT: ping both ways, and prove it went through ESP
	ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$1: ping A -> B"
	ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$1: ping B -> A"
	iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["ike_sas"][0]
assert s["version"] == "IKEv1" and s["state"] == "established", s
c = s["child_sas"][0]
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
' || fail "$1: no established IKEv1 SA, or its CHILD SA did not carry the pings"
	ip netns exec "$GWB" ip -s xfrm state | python3 -c '
import re, sys
t = sys.stdin.read()
n = [int(m) for m in re.findall(r"(\d+)\(bytes\), (\d+)\(packets\)", t) for m in m[1:]]
assert len(n) >= 2 and all(x >= 6 for x in n[:2]), t
' || fail "$1: pluto'\''s XFRM states did not carry the pings: $(ip netns exec "$GWB" ip -s xfrm state)"
}

# pluto_spis: the SPIs of pluto's XFRM states, one per line.
pluto_spis() {
	ip netns exec "$GWB" ip xfrm state | sed -n 's/.* spi \(0x[0-9a-f]*\) .*/\1/p' | sort
}

# none_left SPI...: none of these SPIs is among pluto's states any more.
none_left() {
	local s
	for s in "$@"; do
		pluto_spis | grep -qx "$s" && return 1
	done
	return 0
}

# dpd_seq: the sequence number of pluto's next R-U-THERE (whack
# --status: "lastdpd=Ns(seq in:NEXT out:AWAITED)"; AWAITED is 0 when the
# last one was acknowledged). It starts at a random value and grows by
# one with each R-U-THERE.
dpd_seq() {
	pluto_whack "$PL" --status 2>/dev/null |
		sed -n 's/.*lastdpd=.*seq in:\([0-9]*\) out:.*/\1/p' | sort -n | tail -1
}

pluto_conf "$PSK"
pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"

echo "kesp-iked initiates"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 10
iked_wait_log a 'ISAKMP SA established \(IKEv1 Main Mode, initiator' 5
iked_log a | grep -q 'with PFS' || fail "Quick Mode without PFS"
traffic "kesp initiator"

echo "idle: pluto's DPD (delay 2 s, timeout 6 s) gets our R-U-THERE-ACKs"
! grep -q 'did not advertise DPD support' "$PL/pluto.log" ||
	fail "pluto: kesp-iked did not advertise DPD support"
s0=$(dpd_seq)
[ -n "$s0" ] || fail "pluto does no DPD: $(pluto_whack "$PL" --status | grep -i dpd)"
# Four more, 2 s apart, outlast the 6 s that would clear a silent peer.
wait_until 20 eval '[ "$(dpd_seq)" -ge $((s0 + 4)) ]' ||
	fail "pluto sent $(($(dpd_seq) - s0)) R-U-THERE in 20 s: $(pluto_whack "$PL" --status | grep -i dpd)"
n=$(($(dpd_seq) - s0))
grep -q 'DPD action' "$PL/pluto.log" && fail "pluto's DPD acted while kesp-iked answered"
[ "$(sa_count "$GWA")" = 2 ] || fail "kesp lost its SAs while idle"
echo "pluto sent $n more R-U-THEREs, all answered"

echo "pluto deletes"
pluto_whack "$PL" --name gw --terminate >/dev/null || fail "whack --terminate"
wait_sa_count "$GWA" 0 10
iked_wait_log a 'the peer deleted the ISAKMP SA' 10

echo "pluto initiates"
pluto_whack "$PL" --name gw --initiate >"$PL/initiate.out" 2>&1 ||
	fail "whack --initiate: $(tail -5 "$PL/initiate.out") $(iked_log a | tail -5)"
wait_sa_count "$GWA" 2 10
iked_wait_log a 'ISAKMP SA established \(IKEv1 Main Mode, responder' 5
traffic "pluto initiator"
old=$(pluto_spis)
[ -n "$old" ] || fail "pluto has no XFRM state"
iked_ctl a ike down gw >/dev/null || fail "ike down"
# pluto brings a conn it initiated up again at once ("connection is
# supposed to remain up"): what counts is that the deleted SAs' states
# are gone from its kernel.
# shellcheck disable=SC2086 # one SPI per word
wait_until 10 none_left $old ||
	fail "pluto kept the XFRM states of the deleted SAs: $(pluto_spis | tr '\n' ' ')"
pluto_wait_log "$PL" 'received Delete SA|deleting state \(STATE_MAIN' 10 ||
	fail "pluto did not delete its ISAKMP SA"

echo "DPD: kesp-iked stops answering, pluto clears the tunnel"
# pluto may have negotiated again itself after our Delete; up either way.
iked_ctl a ike up gw >/dev/null 2>&1
wait_sa_count "$GWA" 2 10
wait_until 10 eval '[ -n "$(pluto_spis)" ]' || fail "pluto has no XFRM state"
old=$(pluto_spis)
kill -STOP "${IKED_PID[a]}"
pluto_wait_log "$PL" 'DPD action - clearing' 25 ||
	{ kill -CONT "${IKED_PID[a]}"; fail "pluto's DPD did not clear the tunnel of a silent peer"; }
kill -CONT "${IKED_PID[a]}"
# shellcheck disable=SC2086
wait_until 10 none_left $old ||
	fail "pluto kept XFRM states after DPD cleared: $(pluto_spis | tr '\n' ' ')"
grep -m 2 -E 'No response from peer|DPD action' "$PL/pluto.log"
iked_stop a
pluto_stop "$PL"

echo "PSK mismatch: pluto initiates with another key"
pluto_conf "not the key kesp-iked has"
pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf"
: >"$IKED_DIR/a.log"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
pluto_whack "$PL" --name gw --initiate --asynchronous >/dev/null 2>&1
iked_wait_log a 'pre-shared key mismatch likely' 20
iked_log a | grep -m 1 'pre-shared key mismatch likely'
iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert not d["ike_sas"] or d["ike_sas"][0]["state"] != "established", d
assert "pre-shared key mismatch likely" in d["conns"][0]["last_error"], d
' || fail "PSK mismatch: not in ike list as the last failure"
[ "$(sa_count "$GWA")" = 0 ] || fail "PSK mismatch: SAs in kesp's kernel"
iked_stop a
pluto_stop "$PL"
echo "ok: kesp-iked and pluto interoperate in IKEv1 (Main Mode PSK, Quick Mode with PFS, Deletes, DPD), PSK mismatch named"
