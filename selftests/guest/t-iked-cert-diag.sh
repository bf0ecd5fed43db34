#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 70
# Certificate failures against strongSwan's charon, each diagnosed by
# kesp-iked (gateway A, initiating) in one line with the values: charon
# (gateway B) shows in turn
#  1. a certificate that expired (issued with past dates by `openssl ca`):
#     "certificate expired" with its subject and dates;
#  2. a certificate revoked by the root, whose CRL kesp-iked fetches over
#     HTTP from the certificate's distribution point (python3's
#     http.server on host A): "certificate revoked" with the serial, the
#     CRL's URI, the issuer and the date; the server saw the fetch;
#     and again in IKEv1 Main Mode (RSA certificates): kesp-iked holds
#     charon's MM6 until the CRL is fetched, then refuses it with the
#     same line;
#  3. a certificate for gw-other.example (subjectAltName) under the ID
#     gw-b.example: "identity not in the certificate", with the ID and
#     what the certificate holds;
# and kesp-iked itself has
#  4. a certificate without its private key in ipsec.secrets: "no private
#     key for our certificate", naming the certificate and the file.
# Then a good certificate: the tunnel comes up (the checks above are not
# refusing everything), kesp-iked holding two (leftcert=a-other.pem,
# a.pem, the first under a root charon does not know) and choosing the
# one charon's CERTREQ asks for. ECDSA P-256 keys, a root CA made here.
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
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -30 "$CH/charon.log"; cat "$IKED_DIR/http.log" >&2; }; kill "$HTTPD" 2>/dev/null; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT
HTTPD=

crypto_warm_up
topo_two_sites
CH=$IKED_DIR/charon
pki_init "$IKED_DIR/pki"
KD=$IKED_DIR/kesp
SW=$IKED_DIR/swanctl
mkdir -p "$KD/ipsec.d/cacerts" "$KD/ipsec.d/certs" "$KD/ipsec.d/private" \
	"$SW/x509" "$SW/x509ca" "$SW/private" "$IKED_DIR/www"
CRL_URI=http://$HOSTA4:8080/root.crl

echo "making certificates"
pki_cert root ec "/C=CH/O=Example/CN=Example Root CA" self ca
pki_cert a ec "/C=CH/O=Example/CN=gw-a.example" root ee DNS:gw-a.example
pki_cert b ec "/C=CH/O=Example/CN=gw-b.example" root ee DNS:gw-b.example
pki_cert b-other ec "/C=CH/O=Example/CN=gw-b.example" root ee \
	DNS:gw-other.example
pki_cert other-root ec "/C=CH/O=Other/CN=Other Root CA" self ca
pki_cert a-other ec "/C=CH/O=Other/CN=gw-a.example" other-root ee \
	DNS:gw-a.example
# `openssl ca` for what `openssl x509 -req` cannot: past dates, a CRL.
cat >"$PKI/ca.cnf" <<EOC
[ca]
default_ca = root
[root]
database = $PKI/index.txt
new_certs_dir = $PKI
certificate = $PKI/root.pem
private_key = $PKI/root.key
serial = $PKI/serial
crlnumber = $PKI/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 1
policy = any
preserve = yes
unique_subject = no
[any]
countryName = optional
organizationName = optional
commonName = supplied
[ee_crl]
basicConstraints = CA:false
keyUsage = digitalSignature
subjectAltName = DNS:gw-b.example
crlDistributionPoints = URI:$CRL_URI
[ee_a]
basicConstraints = CA:false
keyUsage = digitalSignature
subjectAltName = DNS:gw-a.example
EOC
: >"$PKI/index.txt"
echo 1000 >"$PKI/serial"
echo 1000 >"$PKI/crlnumber"
ca_sign() { # ca_sign NAME SUBJECT EXTENSIONS [openssl ca options]
	local n=$1 subj=$2 ext=$3 alg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256)
	shift 3
	# IKEv1 signs with RSA only (2048 bits: key generation is slow in TCG).
	[ "${CA_RSA-}" ] && alg=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048)
	openssl genpkey "${alg[@]}" -out "$PKI/$n.key" 2>/dev/null ||
		fail "genpkey $n"
	openssl req -config "$PKI/req.cnf" -new -key "$PKI/$n.key" \
		-subj "$subj" -out "$PKI/$n.csr" 2>/dev/null || fail "req $n"
	openssl ca -batch -notext -config "$PKI/ca.cnf" -in "$PKI/$n.csr" \
		-out "$PKI/$n.pem" -extfile "$PKI/ca.cnf" -extensions "$ext" \
		"$@" 2>"$PKI/$n.err" || fail "openssl ca $n: $(cat "$PKI/$n.err")"
}
ca_sign b-old "/C=CH/O=Example/CN=gw-b.example" ee_crl \
	-startdate 20200101000000Z -enddate 20200201000000Z
ca_sign b-rev "/C=CH/O=Example/CN=gw-b.example" ee_crl
CA_RSA=1 ca_sign b-rev1 "/C=CH/O=Example/CN=gw-b.example" ee_crl
CA_RSA=1 ca_sign a-rsa "/C=CH/O=Example/CN=gw-a.example" ee_a
for n in b-rev b-rev1; do
	openssl ca -batch -config "$PKI/ca.cnf" -revoke "$PKI/$n.pem" \
		2>/dev/null || fail "openssl ca -revoke $n"
done
openssl ca -batch -config "$PKI/ca.cnf" -gencrl \
	-out "$IKED_DIR/www/root.crl" 2>/dev/null || fail "openssl ca -gencrl"
REV_SERIAL=$(openssl x509 -in "$PKI/b-rev.pem" -noout -serial | cut -d= -f2)
REV1_SERIAL=$(openssl x509 -in "$PKI/b-rev1.pem" -noout -serial | cut -d= -f2)
crypto_warm_up_wait

cp "$PKI/root.pem" "$KD/ipsec.d/cacerts/"
cp "$PKI/a.pem" "$KD/ipsec.d/certs/"
cp "$PKI/a.key" "$PKI/a-rsa.key" "$KD/ipsec.d/private/"
cp "$PKI/a-rsa.pem" "$PKI/a-other.pem" "$KD/ipsec.d/certs/"
cp "$PKI/a-other.key" "$KD/ipsec.d/private/"
cp "$PKI/root.pem" "$SW/x509ca/"

# The CRL's server on host A: gateway A reaches it on its LAN.
ip netns exec "$HOSTA" python3 -m http.server 8080 --bind "$HOSTA4" \
	--directory "$IKED_DIR/www" >"$IKED_DIR/http.log" 2>&1 &
HTTPD=$!

CHARON_EXTRA_CONF='
charon {
	load = random! nonce! openssl! pem pkcs1 pkcs8 x509 pubkey constraints revocation aes sha2 hmac gcm kdf kernel-netlink! socket-default! vici!
}
swanctl {
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
}'
charon_start "$GWB" "$CH"

charon_conf() { # charon_conf CERT ID
	charon_pubkey_use "$GWB" "$CH" "$SW" "$PKI" "$1" "$2" gw-a.example
}

kesp_conf() { # kesp_conf RIGHTID [SECRETS]
	cat >"$KD/ipsec.conf" <<EOC
conn gw
	keyexchange=ikev2
	authby=pubkey
	left=$GWA_WAN4
	leftcert=a.pem
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=$1
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
	printf '%s\n' "${2-: ECDSA a.key}" >"$KD/ipsec.secrets"
}

# refused CASE ERE [ERE2]: kesp-iked initiates, is refused, and logs ERE
# (and ERE2).
refused() {
	iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
	out=$(iked_ctl a ike up gw) && fail "$1: ike up succeeded: $out"
	line=$(grep -E -- "$2" "$IKED_DIR/a.log") ||
		fail "$1: no line /$2/: $(iked_log a | tail -4)"
	[ -z "${3-}" ] || grep -qE -- "$3" "$IKED_DIR/a.log" ||
		fail "$1: no line /$3/: $(iked_log a | tail -8)"
	echo "  a: $(head -1 <<<"$line" | cut -d' ' -f3- | cut -c1-230)"
	wait_sa_count "$GWA" 0 5
	iked_stop a
	: >"$IKED_DIR/a.log"
}

echo "1. charon's certificate expired"
charon_conf b-old gw-b.example
kesp_conf @gw-b.example
refused expired "authentication failed: $GWB_WAN4\\[500\\] \\(ID gw-b\\.example\\): certificate expired: \"C=CH, O=Example, CN=gw-b\\.example\" was valid until 2020-02-01"

echo "2. charon's certificate revoked, the CRL fetched over HTTP"
charon_conf b-rev gw-b.example
refused revoked "certificate revoked: serial 0*$REV_SERIAL \\(subject \"C=CH, O=Example, CN=gw-b\\.example\"\\), by CRL $CRL_URI of \"C=CH, O=Example, CN=Example Root CA\", revoked on 20[0-9]{2}-"
grep -q 'GET /root.crl' "$IKED_DIR/http.log" ||
	fail "revoked: the HTTP server saw no fetch: $(cat "$IKED_DIR/http.log")"

echo "2b. the same in IKEv1: MM6 held until the CRL is fetched"
charon_pubkey_use "$GWB" "$CH" "$SW" "$PKI" b-rev1 gw-b.example gw-a.example \
	1 aes256-sha256-modp2048 aes128-sha256
kesp_conf @gw-b.example ": RSA a-rsa.key"
sed -i -e 's/keyexchange=ikev2/keyexchange=ikev1/' \
	-e 's/authby=pubkey/authby=rsasig/' -e 's/leftcert=a.pem/leftcert=a-rsa.pem/' \
	-e 's/ike=.*/ike=aes256-sha256-modp2048!/' -e 's/esp=.*/esp=aes128-sha256!/' \
	"$KD/ipsec.conf"
refused revoked-v1 "authentication failed \\(AUTHENTICATION_FAILED\\): SIG_R in MM6 \\(ID gw-b\\.example\\): certificate revoked: serial 0*$REV1_SERIAL \\(subject \"C=CH, O=Example, CN=gw-b\\.example\"\\), by CRL $CRL_URI of \"C=CH, O=Example, CN=Example Root CA\", revoked on 20[0-9]{2}-" \
	"MM6 waits for the revocation check of the peer's certificate"

echo "3. charon's identity is not in its certificate"
charon_conf b-other gw-b.example
kesp_conf @gw-b.example
refused identity "identity not in the certificate: the peer's ID gw-b\\.example is not in its certificate \\(.*gw-other\\.example"

echo "4. no private key for our certificate"
kesp_conf @gw-b.example "# no key"
refused nokey "no private key for our certificate .*a\\.pem \\(.*CN=gw-a\\.example.*\\): add \": RSA FILE\" or \": ECDSA FILE\""

echo "a good certificate: the tunnel comes up, with the one charon asks for"
charon_conf b gw-b.example
kesp_conf @gw-b.example "$(printf ': ECDSA a-other.key\n: ECDSA a.key')"
sed -i 's/leftcert=a.pem/leftcert=a-other.pem,a.pem/' "$KD/ipsec.conf"
iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
out=$(iked_ctl a ike up gw) || fail "good: ike up: $out"
wait_sa_count "$GWA" 2 10
ip netns exec "$HOSTA" ping -c 2 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
	fail "good: ping A -> B"
grep -q "authenticating with a.pem of leftcert=a-other.pem,a.pem (the peer's CERTREQ chose)" \
	"$IKED_DIR/a.log" || fail "good: a.pem not chosen: $(iked_log a | tail -6)"
echo "  up with a.pem of two, pings through ESP"
iked_stop a
echo ok
