#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 50
# kesp-iked with kesp.ko on gateway A against Libreswan 4.10's pluto (the
# kernel's XFRM) on gateway B, IKEv2 with pre-shared keys, subnet to
# subnet, for three proposal sets: both sides' defaults, AES-GCM-16-256
# with ECP-256 (pluto's aes_gcm256-sha2_256;dh19), AES-CBC-128 with
# SHA2-256 and MODP-2048. For each: kesp-iked initiates, pings both ways
# through ESP (SA counters on both sides), pluto deletes; pluto initiates,
# pings, kesp-iked deletes and pluto loses its states. Then a PSK
# mismatch is named on both sides.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/pluto.sh"

run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -n 60 "$PL/pluto.log" >&2; }; iked_kill_all; pluto_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="kesp and Libreswan agree"
PL=$IKED_DIR/pluto

kesp_conf() { # kesp_conf IKE ESP (empty: kesp-iked's defaults)
	{
		echo "conn gw"
		echo "	keyexchange=ikev2"
		echo "	authby=secret"
		echo "	left=$GWA_WAN4"
		echo "	leftid=@gw-a.example"
		echo "	leftsubnet=$LANA4"
		echo "	right=$GWB_WAN4"
		echo "	rightid=@gw-b.example"
		echo "	rightsubnet=$LANB4"
		[ -n "$1" ] && echo "	ike=$1!"
		[ -n "$2" ] && echo "	esp=$2!"
		echo "	auto=add"
	} >"$IKED_DIR/a.conf"
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "${3:-$PSK}" \
		>"$IKED_DIR/a.secrets"
}

pluto_conf() { # pluto_conf IKE ESP (empty: pluto's defaults)
	{
		echo "config setup"
		echo "	dnssec-enable=no"
		echo "conn gw"
		echo "	ikev2=insist"
		echo "	authby=secret"
		echo "	left=$GWB_WAN4"
		echo "	leftid=@gw-b.example"
		echo "	leftsubnet=$LANB4"
		echo "	right=$GWA_WAN4"
		echo "	rightid=@gw-a.example"
		echo "	rightsubnet=$LANA4"
		[ -n "$1" ] && echo "	ike=$1"
		[ -n "$2" ] && echo "	esp=$2"
		pluto_conn_common
		echo "	auto=add"
	} >"$IKED_DIR/pluto.conf"
	mkdir -p "$PL"
	printf '@gw-b.example @gw-a.example : PSK "%s"\n' "$PSK" >"$PL/secrets"
}

traffic() { # traffic WHAT: ping both ways, and prove it went through ESP
	ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$1: ping A -> B"
	ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$1: ping B -> A"
	iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["ike_sas"][0]["child_sas"][0]
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
' || fail "$1: kesp's CHILD SA did not carry the pings"
	ip netns exec "$GWB" ip -s xfrm state | grep -q 'lifetime current' ||
		fail "$1: pluto installed no XFRM state"
}

# pluto_spis: the SPIs of pluto's XFRM states, one per line.
pluto_spis() {
	ip netns exec "$GWB" ip xfrm state | sed -n 's/.* spi \(0x[0-9a-f]*\) .*/\1/p' | sort
}

# ike_deletes: how many IKE SAs pluto has deleted so far.
ike_deletes() {
	grep -c 'deleting state (STATE_V2_ESTABLISHED_IKE_SA)' "$PL/pluto.log"
}

# none_left SPI...: none of these SPIs is among pluto's states any more.
none_left() {
	local s
	for s in "$@"; do
		pluto_spis | grep -qx "$s" && return 1
	done
	return 0
}

n=0
while read -r name ike esp pike pesp; do
	n=$((n + 1))
	[ "$ike" = - ] && ike= esp=
	[ "$pike" = - ] && pike= pesp=
	echo "set $name: kesp ike=${ike:-default} esp=${esp:-default}; pluto ike=${pike:-default} esp=${pesp:-default}"
	kesp_conf "$ike" "$esp"
	pluto_conf "$pike" "$pesp"
	pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"

	echo "  kesp-iked initiates"
	out=$(iked_ctl a ike up gw) || fail "set $name: ike up: $out"
	wait_sa_count "$GWA" 2 10
	traffic "set $name, kesp initiator"
	pluto_whack "$PL" --name gw --terminate >/dev/null ||
		fail "set $name: whack --terminate"
	wait_sa_count "$GWA" 0 10
	iked_wait_log a 'IKE SA deleted by the peer' 10

	echo "  pluto initiates"
	pluto_whack "$PL" --name gw --initiate >"$PL/initiate.out" 2>&1 ||
		fail "set $name: whack --initiate: $(tail -5 "$PL/initiate.out") $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 10
	traffic "set $name, pluto initiator"
	# A conn that pluto brought up is one it keeps up: after our Delete
	# it negotiates again ("must remain up per local policy"). So what
	# counts is that the states of the SAs we deleted are gone.
	old=$(pluto_spis)
	dels=$(ike_deletes)
	[ -n "$old" ] || fail "set $name: pluto has no XFRM state"
	iked_ctl a ike down gw >/dev/null || fail "set $name: ike down"
	iked_wait_log a 'IKE SA deleted$' 10
	# shellcheck disable=SC2086 # one SPI per word
	wait_until 10 none_left $old ||
		fail "set $name: pluto kept the XFRM states of the deleted SAs: $(pluto_spis | tr '\n' ' ')"
	wait_until 10 eval '[ "$(ike_deletes)" -gt "$dels" ]' ||
		fail "set $name: pluto did not delete its IKE SA"
	iked_stop a
	pluto_stop "$PL"
done <<'EOS'
defaults - - - -
aes-gcm-ecp256 aes256gcm16-prfsha256-ecp256 aes256gcm16 aes_gcm256-sha2_256;dh19 aes_gcm256
aes-cbc-modp2048 aes128-sha256-modp2048 aes128-sha256 aes128-sha2_256;modp2048 aes128-sha2_256
EOS

echo "PSK mismatch"
kesp_conf "" "" "not the same key"
pluto_conf "" ""
pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
iked_ctl a ike up gw >/dev/null 2>&1
iked_wait_log a 'PSK mismatch|pre-shared key' 30
iked_log a | grep -E 'error: .*(PSK mismatch|pre-shared key)'
pluto_wait_log "$PL" 'AUTHENTICATION_FAILED|authentication failed|PSK' 30 ||
	fail "pluto did not name the failed authentication"
grep -m 2 -E 'AUTHENTICATION_FAILED|authentication failed|PSK' "$PL/pluto.log"
iked_stop a
pluto_stop "$PL"
echo "ok: kesp-iked and pluto interoperate, PSK mismatch named on both sides"
