#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 110
# kesp-iked with kesp.ko on gateway A against strongSwan's charon (Debian's
# 5.9.8, the kernel's XFRM) on gateway B, IKEv1 (keyexchange=ikev1,
# swanctl version = 1): Main Mode and Quick Mode with pre-shared keys, for
#   AES-CBC-256 + SHA2-256 with MODP-2048, Quick Mode with PFS (MODP-2048)
#   AES-CBC-128 + SHA1 with ECP-256, Quick Mode AES-GCM-16 without PFS,
#   AES-CBC-128 + SHA1 with MODP-2048 in Aggressive Mode (aggressive=yes
#   on both sides; charon answers it only with its
#   i_dont_care_about_security_and_use_aggressive_mode_psk), 3DES + SHA1
#   in Quick Mode.
# For each: kesp-iked initiates (`kespctl ike up`), ping both ways
# between the LAN hosts through ESP (SA counters on both sides), `ike
# list` shows the IKEv1 SA; charon deletes the ISAKMP SA (Informational
# Delete with HASH(1)) and kesp's kernel loses its SAs; then charon
# initiates, traffic again, kesp-iked deletes (`kespctl ike down`) and
# charon loses its SAs. Last, charon initiates Main Mode with another
# PSK: kesp-iked names the mismatch in its log and in `ike list`.
# IKEv1 fragmentation (the FRAGMENTATION vendor ID): charon cuts what it
# sends above 300 bytes (fragment_size), and in the first set kesp-iked
# does so too (--fragment-size 300), so Main Mode's key exchange
# messages and the PFS Quick Mode go as fragments both ways; each side's
# log says it reassembled them.
# Sets 2 (Main Mode) and 3 (Aggressive Mode) are captured on A's WAN and
# every IKEv1 message must dissect in tshark without a malformed frame
# or an expert warning (the cleartext parts: headers, SA, KE, nonce,
# Vendor IDs, NAT-D; the rest is encrypted).
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/capture.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; _charon_tail "$CH"; }; capture_stop 2>/dev/null; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="kesp and strongSwan agree, in IKEv1"
CH=$IKED_DIR/charon
CHARON_EXTRA_CONF='charon {
	i_dont_care_about_security_and_use_aggressive_mode_psk = yes
	fragment_size = 300
	filelog {
		test {
			enc = 1
		}
	}
}'
charon_start "$GWB" "$CH"

kesp_conf() { # kesp_conf IKE ESP AGGRESSIVE
	cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	keyexchange=ikev1
	aggressive=$3
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

charon_conf() { # charon_conf IKE ESP AGGRESSIVE
	cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		aggressive = $3
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
s = d["ike_sas"][0]
assert s["version"] == "IKEv1" and s["state"] == "established", s
c = s["child_sas"][0]
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
' || fail "$1: no established IKEv1 SA, or its CHILD SA did not carry the pings"
	iked_ctl a ike list | grep -q 'IKEv1, remote gateway' ||
		fail "$1: ike list does not say IKEv1"
	ip netns exec "$GWB" ip -s xfrm state | grep -q 'lifetime current' ||
		fail "$1: charon installed no XFRM state"
}

charon_sas() { # the number of IKE SAs charon has
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null | grep -c 'gw {' || true
}

n=0
while read -r ike esp kesp_esp aggr frag; do
	n=$((n + 1))
	echo "set $n: ike=$ike esp=$esp aggressive=$aggr fragments=$frag"
	kesp_conf "$ike" "$kesp_esp" "$aggr"
	charon_conf "$ike" "$esp" "$aggr"
	: >"$CH/charon.log"
	if [ "$frag" = yes ]; then
		iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets" \
			-v --fragment-size 300
	else
		iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
	fi

	[ "$n" -ge 2 ] && capture_start "$GWA" "$WAN_IF" "$IKED_DIR/ike$n.pcap"
	echo "  kesp-iked initiates"
	out=$(iked_ctl a ike up gw) || fail "set $n: ike up: $out"
	wait_sa_count "$GWA" 2 5
	mode=Main
	[ "$aggr" = yes ] && mode=Aggressive
	iked_wait_log a "ISAKMP SA established \\(IKEv1 $mode Mode, initiator" 5
	traffic "set $n, kesp initiator"
	charon_swanctl "$CH" --terminate --ike gw --timeout 20 >/dev/null ||
		fail "set $n: swanctl --terminate"
	wait_sa_count "$GWA" 0 5
	iked_wait_log a 'the peer deleted the ISAKMP SA' 5

	echo "  charon initiates"
	charon_swanctl "$CH" --initiate --child net --timeout 30 >/dev/null ||
		fail "set $n: swanctl --initiate: $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 5
	iked_wait_log a "ISAKMP SA established \\(IKEv1 $mode Mode, responder" 5
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
	if [ "$n" -ge 2 ]; then
		capture_stop "$IKED_DIR/ike$n.pcap"
		# Each way: phase 1 (6 or 3), Quick Mode (3), a Delete.
		capture_check_ike "$IKED_DIR/ike$n.pcap" \
			"$([ "$aggr" = yes ] && echo 12 || echo 18)" 1
	fi
	if [ "$frag" = yes ]; then
		iked_log a | grep -qE 'sent in [0-9]+ fragments' ||
			fail "set $n: kesp-iked sent no IKEv1 fragments"
		iked_log a | grep -qE 'reassembled from [0-9]+ fragments' ||
			fail "set $n: kesp-iked reassembled no fragments of charon's"
		grep -q 'reassembled fragmented IKE message' "$CH/charon.log" ||
			fail "set $n: charon reassembled none of our fragments"
		echo "  fragments both ways: $(iked_log a | grep -cE 'sent in [0-9]+ fragments') messages sent cut, $(iked_log a | grep -cE 'reassembled from') reassembled"
	fi
	iked_stop a
done <<'EOS'
aes256-sha256-modp2048 aes256-sha256-modp2048 aes256-sha256-modp2048 no yes
aes128-sha1-ecp256 aes128gcm16 aes128gcm16 no no
aes128-sha1-modp2048 3des-sha1 3des-sha1 yes no
EOS
echo "PSK mismatch: charon initiates with another key"
kesp_conf aes256-sha256-modp2048 aes256-sha256 no
PSK="not the key kesp-iked has" charon_conf aes256-sha256-modp2048 aes256-sha256 no
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
charon_swanctl "$CH" --initiate --child net --timeout 8 >/dev/null &&
	fail "charon established with a PSK kesp-iked does not have"
iked_wait_log a 'pre-shared key mismatch likely' 10
iked_ctl a -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert not d["ike_sas"] or d["ike_sas"][0]["state"] != "established", d
assert "pre-shared key mismatch likely" in d["conns"][0]["last_error"], d
' || fail "PSK mismatch: not in ike list as the last failure"
wait_sa_count "$GWA" 0 1
iked_stop a
sed 's/^/kesp-iked: /' "$IKED_DIR/a.log" | tail -n 40
