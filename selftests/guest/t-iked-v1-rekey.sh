#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 60
# kesp-iked with kesp.ko on gateway A against strongSwan's charon (the
# kernel's XFRM) on gateway B, IKEv1: the IPsec SA pair is rekeyed, make
# before break, under a continuous ping between the LAN hosts.
# kesp-iked has lifetime=24s rekeymargin=8s rekeyfuzz=25% (charon 60 s, so
# kesp-iked's soft expiry comes first; the old pair is gone 5 s after the
# rekey, well before 24 s, which charon may take from our proposal as its
# hard lifetime, even on a loaded machine): every 14-16 s a new Quick Mode with the same
# proxy IDs on the ISAKMP SA, the new pair in the kernel before the old
# one leaves, then an Informational Delete with HASH(1) for the old SPIs.
# Over 55 s of ping every 0.2 s from host A to host B: not one ping lost,
# at least 2 rekeys, kesp's kernel never holds more than 2 pairs (4 SAs)
# and ends with 1 pair; charon deleted the old pairs on our Delete (its
# XFRM ends with 2 states).
# The ISAKMP SA is rekeyed once meanwhile (ikelifetime=50s: a new Main
# Mode at 40-42 s, the old one's Delete 10 s later, after charon moved
# the IPsec SAs to the new one): no ping lost, charon ends with one IKE SA.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; _charon_tail "$CH"; }; kill $PING 2>/dev/null; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="kesp and strongSwan rekey IKEv1"
CH=$IKED_DIR/charon
# Should charon rekey after all, it deletes the old pair as we do.
CHARON_EXTRA_CONF='charon {
	delete_rekeyed = yes
}'
charon_start "$GWB" "$CH"

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
	ike=aes128-sha256-modp2048!
	esp=aes128gcm16!
	lifetime=24s
	rekeymargin=8s
	rekeyfuzz=25%
	ikelifetime=50s
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
		rekey_time = 0
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
				rekey_time = 60s
				life_time = 70s
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
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"

out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 10
iked_wait_log a 'CHILD SA [0-9]+ established' 10
ip netns exec "$HOSTA" ping -c 2 -W 3 "$HOSTB4" >/dev/null ||
	fail "no ping through the first pair"

# 55 s of pings, 0.2 s apart; the kernel's SAs sampled meanwhile.
# -D -O: each unanswered ping is said with its time, to set beside the logs.
ip netns exec "$HOSTA" ping -D -O -c 275 -i 0.2 -W 2 "$HOSTB4" \
	>"$IKED_DIR/ping.out" 2>&1 &
PING=$!
max=0
while kill -0 $PING 2>/dev/null; do
	n=$(sa_count "$GWA")
	[ "$n" -gt "$max" ] && max=$n
	[ "$n" -le 4 ] || fail "kesp.ko holds $n SAs at once (more than 2 pairs)"
	sleep 0.3
done
rc=0
wait $PING || rc=$?
tail -n 3 "$IKED_DIR/ping.out"
# No process substitution: the guest may lack /dev/fd.
sum=$(grep 'packets transmitted' "$IKED_DIR/ping.out")
tx=$(echo "$sum" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
rx=$(echo "$sum" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
if ! [ "$rc" = 0 ] || ! [ "${tx:-0}" = 275 ] || ! [ "${rx:-0}" = 275 ]; then
	lost=$(grep 'no answer yet' "$IKED_DIR/ping.out" | while read -r ts rest; do
		t=${ts#[}
		echo "$(date -u -d "@${t%]}" +%H:%M:%S.%N | cut -c1-12) ${rest##* for }"
	done | tr '\n' ' ')
	fail "pings lost across the rekeys: ${rx:-?} of ${tx:-?} answered; late or lost: ${lost:-?}; gwA drops: $(ip netns exec "$GWA" "$KESPCTL" stats show | tr -s ' \n' ' ' | cut -c1-300)"
fi
ike_rekeys=$(grep -c 'IKE SA rekeyed' "$IKED_DIR/a.log")
echo "ISAKMP SA rekeys: $ike_rekeys"
[ "$ike_rekeys" -ge 1 ] || fail "the ISAKMP SA was not rekeyed in 55 s"
rekeys=$(grep -c 'CHILD SA #[0-9]* rekeyed' "$IKED_DIR/a.log")
deletes=$(grep -cE 'deleting CHILD SA #[0-9]+ \(replaced by a rekey\)|the peer deleted CHILD SA' "$IKED_DIR/a.log")
echo "rekeys: $rekeys, old pairs deleted: $deletes, most SAs at once: $max"
[ "$rekeys" -ge 2 ] || fail "only $rekeys rekeys in 55 s"
[ "$deletes" -ge 2 ] || fail "only $deletes old pairs deleted"
[ "$max" -le 4 ] || fail "up to $max SAs at once"
# Both ends down to one pair: kesp.ko 2 SAs, charon 2 XFRM states at the
# same moment (a rekey may be under way as the ping ends: its old pair
# goes 5 s later at most, and the next one starts 14-16 s after it).
xfrm_count() {
	ip netns exec "$GWB" ip xfrm state | grep -c '^src'
}
one_pair_each() {
	[ "$(sa_count "$GWA")" = 2 ] && [ "$(xfrm_count)" = 2 ]
}
wait_until 20 one_pair_each ||
	fail "not one pair on each end: kesp.ko $(sa_count "$GWA") SAs, charon $(xfrm_count) XFRM states"
grep -q 'the peer deleted' "$IKED_DIR/a.log" &&
	echo "(charon sent Deletes of its own)"
grep -E 'rekey|Quick Mode|CHILD SA' "$IKED_DIR/a.log" | tail -n 20 | sed 's/^/kesp-iked: /'
# The old ISAKMP SA went on our Delete at charon too: one IKE SA there.
charon_ike_sas() {
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null | grep -c 'gw {' || true
}
one_ike_sa() { [ "$(charon_ike_sas)" = 1 ]; }
wait_until 15 one_ike_sa ||
	fail "charon holds $(charon_ike_sas) IKE SAs after the ISAKMP SA rekey, expected 1"
echo "charon: one IKE SA"
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
iked_stop a
