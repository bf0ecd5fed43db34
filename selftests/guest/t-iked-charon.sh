#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 110
# kesp-iked with kesp.ko on gateway A against strongSwan's charon (Debian's
# 5.9.8, the kernel's XFRM) on gateway B, IKEv2 with pre-shared keys, for
# three proposal sets:
#   AES-GCM-16-128 with ECP-256, AES-CBC-128 + HMAC-SHA2-256 with
#   MODP-2048, ChaCha20-Poly1305 with Curve25519.
# For each: kesp-iked initiates (`kespctl ike up`), ping both ways
# between the LAN hosts through ESP (SA counters on both sides), charon
# deletes the IKE SA and kesp's kernel loses its SAs; then charon
# initiates, traffic again, kesp-iked deletes (`kespctl ike down`) and
# charon loses its SAs. The first set's exchange is captured and must
# dissect as valid IKEv2 in tshark.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/capture.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; capture_stop 2>/dev/null; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="kesp and strongSwan agree"
CH=$IKED_DIR/charon
charon_start "$GWB" "$CH"

kesp_conf() { # kesp_conf IKE ESP
	cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=$1!
	esp=$2!
	auto=add
EOC
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/a.secrets"
}

charon_conf() { # charon_conf IKE ESP
	cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = $1
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
				esp_proposals = $2
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
		fail "$1: charon installed no XFRM state"
}

charon_sas() { # the number of IKE SAs charon has
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null | grep -c 'gw {' || true
}

n=0
while read -r ike esp; do
	n=$((n + 1))
	echo "set $n: ike=$ike esp=$esp"
	kesp_conf "$ike" "$esp"
	charon_conf "$ike" "$esp"
	[ $n = 1 ] && capture_start "$GWA" "$WAN_IF" "$IKED_DIR/ike.pcap"
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"

	echo "  kesp-iked initiates"
	out=$(iked_ctl a ike up gw) || fail "set $n: ike up: $out"
	wait_sa_count "$GWA" 2 5
	traffic "set $n, kesp initiator"
	charon_swanctl "$CH" --terminate --ike gw --timeout 20 >/dev/null ||
		fail "set $n: swanctl --terminate"
	wait_sa_count "$GWA" 0 5
	iked_wait_log a 'IKE SA deleted by the peer' 5

	echo "  charon initiates"
	charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null ||
		fail "set $n: swanctl --initiate: $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 5
	traffic "set $n, charon initiator"
	iked_ctl a ike down gw >/dev/null || fail "set $n: ike down"
	wait_sa_count "$GWA" 0 5
	for i in $(seq 1 50); do
		[ "$(charon_sas)" = 0 ] && break
		sleep 0.1
	done
	[ "$(charon_sas)" = 0 ] || fail "set $n: charon kept its IKE SA after our Delete"
	[ -z "$(ip netns exec "$GWB" ip xfrm state)" ] ||
		fail "set $n: charon kept XFRM states after our Delete"
	if [ $n = 1 ]; then
		capture_stop "$IKED_DIR/ike.pcap"
		capture_check_ike "$IKED_DIR/ike.pcap" 8
	fi
	iked_stop a
done <<'EOS'
aes128gcm16-prfsha256-ecp256 aes128gcm16
aes128-sha256-modp2048 aes128-sha256
chacha20poly1305-prfsha256-x25519 chacha20poly1305
EOS
sed 's/^/kesp-iked: /' "$IKED_DIR/a.log" | tail -n 40
