#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 140
# kesp-iked with kesp.ko on gateway A against strongSwan's charon on
# gateway B, IKEv2 with certificates made here with the openssl CLI: a
# root CA, an intermediate CA under it that issues the gateways'
# certificates. kesp-iked trusts the root only (ipsec.d/cacerts/): charon
# sends the intermediate as a second CERT payload, an untrusted chain
# element. Two rounds, each with both sides initiating and pings through
# ESP:
#   1. kesp RSA 3072, charon ECDSA P-384, distinguished names as IDs
#      (kesp's own is its certificate's subject: no leftid=);
#   2. kesp Ed25519, charon RSA 3072, FQDN IDs found in the
#      subjectAltNames (RFC 7427 Digital Signature both ways);
#   3. IKEv1 Main Mode with RSA signatures (RFC 2409 5.1), RSA 3072 on
#      both sides, DN IDs: our CR names our CA, charon sends CERT, its SIG
#      is checked as a bare PKCS#1 block over HASH_R, and ours over HASH_I
#      is what charon accepts;
#   4. IKEv1 Main Mode with ECDSA P-256 on both sides (RFC 4754, auth
#      method 9): r|s over the raw HASH_I/HASH_R, as charon signs.
# Then charon shows a certificate of a CA kesp does not know: kesp-iked
# refuses it with the "unknown or untrusted CA" line naming that CA and
# the one it trusts. Last, kesp-iked against kesp-iked with mixed ends:
# A proves itself with its certificate (sent with the intermediate CA
# because B asks with a CERTREQ: leftsendcert=ifasked), B with a PSK;
# each side initiates.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/pki.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
command -v openssl >/dev/null || skip "no openssl CLI"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -40 "$CH/charon.log"; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
CH=$IKED_DIR/charon
pki_init "$IKED_DIR/pki"
KD=$IKED_DIR/kesp		# ipsec.conf, ipsec.secrets, ipsec.d/
SW=$IKED_DIR/swanctl		# swanctl.conf, x509/, x509ca/, private/
mkdir -p "$KD/ipsec.d/cacerts" "$KD/ipsec.d/certs" \
	"$KD/ipsec.d/private" "$SW/x509" "$SW/x509ca" "$SW/private"

echo "making certificates"
pki_cert root ec "/C=CH/O=Example/CN=Example Root CA" self ca
pki_cert inter ec "/C=CH/O=Example/CN=Example Intermediate CA" root ca
pki_cert rogue ec "/C=CH/O=Rogue/CN=Rogue CA" self ca
pki_cert a-rsa rsa "/C=CH/O=Example/CN=gw-a.example" inter ee DNS:gw-a.example
pki_cert b-ec ec "/C=CH/O=Example/CN=gw-b.example" inter ee DNS:gw-b.example
pki_cert b-ec384 ec384 "/C=CH/O=Example/CN=gw-b.example" inter ee DNS:gw-b.example
pki_cert a-ec ec "/C=CH/O=Example/CN=gw-a.example" inter ee DNS:gw-a.example
pki_cert a-ed ed25519 "/C=CH/O=Example/CN=gw-a.example" inter ee DNS:gw-a.example
pki_cert b-rsa rsa "/C=CH/O=Example/CN=gw-b.example" inter ee DNS:gw-b.example
pki_cert b-rogue ec "/C=CH/O=Example/CN=gw-b.example" rogue ee DNS:gw-b.example

# kesp trusts the root; charon both CAs (it sends the intermediate).
cp "$PKI/root.pem" "$KD/ipsec.d/cacerts/"
# One CA in DER: both encodings load.
openssl x509 -in "$PKI/inter.pem" -outform DER -out "$SW/x509ca/inter.der"
cp "$PKI/root.pem" "$SW/x509ca/"

# The plugins certificates need, on top of charon.sh's PSK set.
CHARON_EXTRA_CONF='
charon {
	load = random! nonce! openssl! pem pkcs1 pkcs8 x509 pubkey constraints aes sha2 hmac gcm kdf kernel-netlink! socket-default! vici!
}
swanctl {
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
}'
charon_start "$GWB" "$CH"

# kesp_conf CERT KEYTYPE LEFTID RIGHTID: IKEv2, or what KESP_V1=1 says.
kesp_conf() {
	local kex=ikev2 ike=aes128gcm16-prfsha256-ecp256 esp=aes128gcm16
	[ "${KESP_V1:-}" = 1 ] && kex=ikev1 ike=aes128-sha256-modp2048 \
		esp=aes128-sha256
	cp "$PKI/$1.pem" "$KD/ipsec.d/certs/$1.pem"
	# The key encrypted, as a passphrase in ipsec.secrets unlocks it.
	openssl pkey -in "$PKI/$1.key" -aes256 -passout pass:"kesp pass" \
		-out "$KD/ipsec.d/private/$1.key" 2>/dev/null ||
		fail "openssl pkey $1"
	local leftid="# leftid: the certificate's subject"
	[ -z "$3" ] || leftid="leftid=$3"
	cat >"$KD/ipsec.conf" <<EOC
conn gw
	keyexchange=$kex
	authby=pubkey
	left=$GWA_WAN4
	leftcert=$1.pem
	leftsendcert=always
	$leftid
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=$4
	rightsubnet=$LANB4
	ike=$ike!
	esp=$esp!
	auto=add
EOC
	printf ': %s %s "kesp pass"\n' "$2" "$1.key" >"$KD/ipsec.secrets"
}

charon_conf() { # charon_conf CERT LOCALID REMOTEID (IKEv1: KESP_V1=1)
	local version=2 ike=aes128gcm16-prfsha256-ecp256 esp=aes128gcm16
	[ "${KESP_V1:-}" = 1 ] && version=1 ike=aes128-sha256-modp2048 \
		esp=aes128-sha256
	charon_pubkey_use "$GWB" "$CH" "$SW" "$PKI" "$1" "$2" "$3" \
		"$version" "$ike" "$esp"
}


charon_sas() {
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null | grep -c 'gw {' || true
}

round() { # round NAME
	iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
	echo "  kesp-iked initiates"
	out=$(iked_ctl a ike up gw) || fail "$1: ike up: $out"
	wait_sa_count "$GWA" 2 10
	iked_traffic "$1, kesp initiator"
	charon_swanctl "$CH" --terminate --ike gw --timeout 20 >/dev/null ||
		fail "$1: swanctl --terminate"
	wait_sa_count "$GWA" 0 5
	echo "  charon initiates"
	charon_swanctl "$CH" --initiate --child net --timeout 40 >/dev/null ||
		fail "$1: swanctl --initiate: $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 10
	iked_traffic "$1, charon initiator"
	iked_ctl a ike down gw >/dev/null || fail "$1: ike down"
	wait_sa_count "$GWA" 0 5
	for i in $(seq 1 50); do
		[ "$(charon_sas)" = 0 ] && break
		sleep 0.1
	done
	iked_stop a
}

DN_A="C=CH, O=Example, CN=gw-a.example"
DN_B="C=CH, O=Example, CN=gw-b.example"

echo "round 1: kesp RSA 3072, charon ECDSA P-384, DN identities"
kesp_conf a-rsa RSA "" "$DN_B"
charon_conf b-ec384 "$DN_B" "$DN_A"
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
# kespctl cert list: the root and our certificate, and no key material.
iked_ctl a -j cert list | python3 -c '
import json, sys
c = json.load(sys.stdin)["certificates"]
assert [x["kind"] for x in c] == ["ca", "end-entity"], c
assert c[0]["subject"] == "C=CH, O=Example, CN=Example Root CA", c
assert c[1]["subject"] == "C=CH, O=Example, CN=gw-a.example", c
assert c[1]["issuer"] == "C=CH, O=Example, CN=Example Intermediate CA", c
assert c[1]["key"] == "RSA 3072" and c[1]["private_key"] is True, c
assert c[0]["key"] == "ECDSA P-256", c
' || fail "kespctl cert list: $(iked_ctl a -j cert list)"
iked_ctl a cert list | grep -q -- "-----BEGIN" && fail "cert list shows key material"
iked_stop a
round "round 1"
grep -q "IKE SA established with .*(ID $DN_B)" "$IKED_DIR/a.log" ||
	fail "round 1: no IKE SA established with ID $DN_B"

echo "round 2: kesp Ed25519, charon RSA 3072, FQDN identities"
kesp_conf a-ed PKCS8 "@gw-a.example" "@gw-b.example"
charon_conf b-rsa gw-b.example gw-a.example
round "round 2"

echo "round 3: IKEv1 Main Mode, RSA signatures (RSA 3072 both), DN identities"
KESP_V1=1 kesp_conf a-rsa RSA "" "$DN_B"
KESP_V1=1 charon_conf b-rsa "$DN_B" "$DN_A"
round "round 3"
grep -q "ISAKMP SA established (IKEv1 Main Mode, initiator" "$IKED_DIR/a.log" ||
	fail "round 3: no IKEv1 Main Mode as initiator: $(iked_log a | tail -5)"
grep -q "ISAKMP SA established (IKEv1 Main Mode, responder" "$IKED_DIR/a.log" ||
	fail "round 3: no IKEv1 Main Mode as responder: $(iked_log a | tail -5)"

echo "round 4: IKEv1 Main Mode, ECDSA P-256 signatures both, DN identities"
KESP_V1=1 kesp_conf a-ec ECDSA "" "$DN_B"
KESP_V1=1 charon_conf b-ec "$DN_B" "$DN_A"
round "round 4"

echo "untrusted CA: charon shows a certificate of the Rogue CA"
kesp_conf a-rsa RSA "" "$DN_B"
charon_conf b-rogue "$DN_B" "$DN_A"
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
charon_swanctl "$CH" --initiate --child net --timeout 20 >/dev/null &&
	fail "charon got in with a certificate of a CA kesp does not trust"
iked_wait_log a "authentication failed: $GWB_WAN4\\[[0-9]+\\] \\(ID $DN_B\\): unknown or untrusted CA: the certificate \"$DN_B\" was issued by \"C=CH, O=Rogue, CN=Rogue CA\", which is none of the CAs we trust \\(C=CH, O=Example, CN=Example Root CA\\)" 10 ||
	fail "no untrusted CA line: $(iked_log a | tail -5)"
[ "$(sa_count "$GWA")" = 0 ] || fail "SAs installed for an untrusted peer"
iked_stop a

echo "kesp-iked against kesp-iked: A a certificate, B a pre-shared key"
charon_stop_all
KB=$IKED_DIR/kesp-b
mkdir -p "$KB/ipsec.d/cacerts"
cp "$PKI/root.pem" "$KB/ipsec.d/cacerts/"
# A has the intermediate too, to send it; B trusts the root only.
cp "$PKI/inter.pem" "$KD/ipsec.d/cacerts/"
mixed_conf() { # mixed_conf FILE LEFT RIGHT LEFTID RIGHTID LSUB RSUB LAUTH RAUTH [LEFTCERT]
	cat >"$1" <<EOC
conn gw
	keyexchange=ikev2
	left=$2
	right=$3
	leftid=$4
	rightid=$5
	leftsubnet=$6
	rightsubnet=$7
	leftauth=$8
	rightauth=$9
	${10:+leftcert=${10}}
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
}
mixed_conf "$KD/ipsec.conf" "$GWA_WAN4" "$GWB_WAN4" @gw-a.example \
	@gw-b.example "$LANA4" "$LANB4" pubkey psk a-rsa.pem
mixed_conf "$KB/ipsec.conf" "$GWB_WAN4" "$GWA_WAN4" @gw-b.example \
	@gw-a.example "$LANB4" "$LANA4" psk pubkey
printf ': RSA a-rsa.key "kesp pass"\n@gw-a.example @gw-b.example : PSK "mixed ends"\n' \
	>"$KD/ipsec.secrets"
printf '@gw-a.example @gw-b.example : PSK "mixed ends"\n' >"$KB/ipsec.secrets"
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
iked_start b "$GWB" "$KB/ipsec.conf" "$KB/ipsec.secrets"
for who in a b; do
	echo "  kesp-iked $who initiates"
	out=$(iked_ctl $who ike up gw) || fail "mixed, $who: ike up: $out"
	wait_sa_count "$GWA" 2 10
	wait_sa_count "$GWB" 2 10
	iked_traffic "mixed, $who initiator"
	iked_ctl $who ike down gw >/dev/null || fail "mixed, $who: ike down"
	wait_sa_count "$GWA" 0 5
	wait_sa_count "$GWB" 0 5
done
grep -q "IKE SA established with .*(ID gw-a.example)" "$IKED_DIR/b.log" ||
	fail "B did not authenticate A's certificate"
iked_stop a
iked_stop b
echo "ok"
