#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 80
# IKE fragmentation (RFC 7383) where a real path needs it: kesp-iked on
# gateway A against strongSwan's charon on gateway B, both with RSA 4096
# certificates from an RSA 4096 root (made here with the openssl CLI),
# over a WAN with MTU 1280 whose gateways drop every IP fragment
# (nftables, before reassembly), as many firewalls and carrier NATs do.
# Each IKE_AUTH (a 4096-bit certificate and signature) is well over
# 1280 bytes:
#  1. fragmentation=yes (the default): kesp-iked initiates, its IKE_AUTH
#     goes as Encrypted Fragments that charon reassembles, charon's
#     answer comes as fragments too; pings through ESP; no IP fragment
#     was dropped. Then charon initiates, the same both ways.
#  2. fragmentation=no on our side: our IKE_AUTH leaves as one datagram,
#     the kernel cuts it into IP fragments, the path drops them; kesp-iked
#     gives the request up with the line that says it went whole and why
#     (fragmentation=no here), and the drop counter shows the fragments.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/pki.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
command -v openssl >/dev/null || skip "no openssl CLI"
command -v nft >/dev/null || skip "no nft (apt-get install nftables)"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -40 "$CH/charon.log"; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
CH=$IKED_DIR/charon
pki_init "$IKED_DIR/pki"
KD=$IKED_DIR/kesp
SW=$IKED_DIR/swanctl
mkdir -p "$KD/ipsec.d/cacerts" "$KD/ipsec.d/certs" "$KD/ipsec.d/private" \
	"$SW/x509" "$SW/x509ca" "$SW/private"

echo "making certificates (RSA 4096)"
t0=$SECONDS
pki_cert root rsa4096 "/C=CH/O=Example/CN=Example Root CA" self ca
# The two gateways' keys at once: 4096-bit key generation is slow here.
pki_cert a rsa4096 "/C=CH/O=Example/CN=gw-a.example" root ee \
	DNS:gw-a.example &
pki_a=$!
pki_cert b rsa4096 "/C=CH/O=Example/CN=gw-b.example" root ee \
	DNS:gw-b.example
wait $pki_a || fail "certificate of gw-a"
echo "  made in $((SECONDS - t0)) s"
crypto_warm_up_wait

cp "$PKI/root.pem" "$KD/ipsec.d/cacerts/"
cp "$PKI/a.pem" "$KD/ipsec.d/certs/"
cp "$PKI/a.key" "$KD/ipsec.d/private/"
cp "$PKI/root.pem" "$SW/x509ca/"

# The WAN: MTU 1280, and no IP fragment gets through either gateway.
for ns in "$GWA" "$GWB"; do
	ip -n "$ns" link set "$WAN_IF" mtu 1280 || fail "$ns: mtu 1280"
	ip netns exec "$ns" nft -f - <<EOF || fail "$ns: nft"
table ip kesp_frag {
	chain pre {
		type filter hook prerouting priority -450; policy accept;
		iifname "$WAN_IF" ip frag-off & 0x3fff != 0 counter drop
	}
}
EOF
done
frags_dropped() { # frags_dropped NS: IP fragments dropped there so far
	ip netns exec "$1" nft list chain ip kesp_frag pre |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

CHARON_EXTRA_CONF='
charon {
	load = random! nonce! openssl! pem pkcs1 pkcs8 x509 pubkey constraints aes sha2 hmac gcm kdf kernel-netlink! socket-default! vici!
	fragment_size = 1280
	filelog {
		test {
			enc = 1
		}
	}
}
swanctl {
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
}'
charon_start "$GWB" "$CH"
charon_pubkey_use "$GWB" "$CH" "$SW" "$PKI" b gw-b.example gw-a.example 2 "" "" \
	"fragmentation = yes"

kesp_conf() { # kesp_conf FRAGMENTATION
	cat >"$KD/ipsec.conf" <<EOC
conn gw
	keyexchange=ikev2
	authby=pubkey
	left=$GWA_WAN4
	leftcert=a.pem
	leftsendcert=always
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	fragmentation=$1
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
	printf ': RSA a.key\n' >"$KD/ipsec.secrets"
}


echo "1. fragmentation=yes: IKE_AUTH in fragments both ways"
kesp_conf yes
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets" -v
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 10
iked_traffic "kesp initiator"
iked_log a | grep -qE 'IKE_AUTH request [0-9]+ in [0-9]+ fragments of at most 1252 bytes' ||
	fail "kesp-iked did not send its IKE_AUTH as fragments"
grep -q 'reassembled fragmented IKE message' "$CH/charon.log" ||
	fail "charon reassembled none of our fragments"
charon_swanctl "$CH" --terminate --ike gw --timeout 20 >/dev/null ||
	fail "swanctl --terminate"
wait_sa_count "$GWA" 0 5
charon_swanctl "$CH" --initiate --child net --timeout 40 >/dev/null ||
	fail "swanctl --initiate: $(iked_log a | tail -5)"
wait_sa_count "$GWA" 2 10
iked_traffic "charon initiator"
iked_log a | grep -qE 'IKE_AUTH response [0-9]+ in [0-9]+ fragments' ||
	fail "kesp-iked did not answer charon's IKE_AUTH as fragments"
n=$(iked_log a | grep -cE 'IKE_AUTH (request|response) [0-9]+ in [0-9]+ fragments')
echo "  kesp-iked sent $n IKE_AUTH messages as fragments, charon reassembled $(grep -c 'reassembled fragmented IKE message' "$CH/charon.log")"
for ns in "$GWA" "$GWB"; do
	[ "$(frags_dropped "$ns")" = 0 ] ||
		fail "$ns dropped $(frags_dropped "$ns") IP fragments with IKE fragmentation on"
done
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
iked_stop a

echo "2. fragmentation=no here: IKE_AUTH whole, lost on the way, and said"
kesp_conf no
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets" \
	--retransmit-timeout 1 --retransmit-tries 2
out=$(iked_ctl a ike up gw) && fail "ike up succeeded without fragmentation: $out"
line=$(grep -E 'no response from 192\.0\.2\.2\[500\] to IKE_AUTH request: giving up after 2 retransmits' "$IKED_DIR/a.log")
[ -n "$line" ] || fail "no give-up line: $(iked_log a | tail -5)"
grep -qE 'it went as one IP datagram of [0-9]+ bytes, over the fragment size of 1280, because fragmentation=no here: a path that drops IP fragments never lets it arrive' <<<"$line" ||
	fail "the give-up line does not say why: $line"
echo "  a: ${line#*: }" | cut -c1-240
dropped=$(frags_dropped "$GWB")
[ "$dropped" -ge 6 ] || fail "gwB dropped $dropped IP fragments, not the 3 sends' (2 or more each)"
echo "  gwB dropped $dropped IP fragments of our IKE_AUTH"
iked_stop a
echo ok
