#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 10
# COOKIE (RFC 7296 2.6) against a flood of IKE_SA_INIT from spoofed
# addresses: gateway B (kesp-iked, right=%any, --cookie-threshold 3)
# receives 200 IKE_SA_INIT requests from 50 addresses that will never
# complete them; it keeps 3 half-open IKE SAs and answers the rest with
# a COOKIE, logging that once rather than per packet. The honest gateway
# A then gets a COOKIE too, retries with it, and its tunnel comes up and
# carries traffic.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

command -v python3 >/dev/null || skip "no python3"
run modprobe veth
run modprobe kesp
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
for i in $(seq 1 50); do
	ip -n "$GWA" addr add "198.51.100.$i/32" dev "$WAN_IF" || fail "addr"
done

cat >"$IKED_DIR/b.conf" <<EOC
conn roadwarriors
	authby=secret
	left=$GWB_WAN4
	leftid=@gw-b.example
	leftsubnet=$LANB4
	right=%any
	rightid=@gw-a.example
	rightsubnet=$LANA4
	ike=aes128-sha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
cat >"$IKED_DIR/a.conf" <<EOC
conn site
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128-sha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
printf '@gw-a.example @gw-b.example : PSK "cookie test key"\n' >"$IKED_DIR/sa"
cp "$IKED_DIR/sa" "$IKED_DIR/sb"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/sb" --cookie-threshold 3
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/sa"

# The flood: a real IKE_SA_INIT (AES-CBC-128, SHA2-256, ECP-256, as
# kesp-iked sent it to charon) with a fresh initiator SPI each time.
ip netns exec "$GWA" python3 - "$KESP_ROOT/selftests/fuzz/corpus/charon_kesp_01_ike_sa_init_req" "$GWB_WAN4" <<'EOP' || fail "flood"
import os, socket, sys
tmpl = open(sys.argv[1], 'rb').read()
for i in range(200):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('198.51.100.%d' % (i % 50 + 1), 0))
    s.sendto(os.urandom(8) + tmpl[8:], (sys.argv[2], 500))
    s.close()
EOP
iked_wait_log b 'half-open IKE SAs: asking for cookies' 10
n=$(iked_ctl b -j ike list | grep -o '"state": *"negotiating"' | wc -l)
echo "B keeps $n half-open IKE SAs"
[ "$n" -le 3 ] || fail "B kept $n half-open IKE SAs, the threshold is 3"
lines=$(grep -c 'is initiating an IKE SA\|asking for cookies' "$IKED_DIR/b.log")
[ "$lines" -le 10 ] || fail "B logged $lines lines for 200 unauthenticated requests"

out=$(iked_ctl a ike up site) || fail "the honest peer did not get through: $out"
iked_wait_log a 'asked for a cookie: retrying' 1
iked_wait_log a 'CHILD SA established' 5
ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 2 "$HOSTB4" >/dev/null ||
	fail "no traffic through the tunnel"
iked_stop a
iked_stop b
