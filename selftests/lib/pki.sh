# SPDX-License-Identifier: GPL-2.0
# Certificates made at test time with the openssl CLI: sourced after
# guest.sh, never run.
#
#   pki_init DIR              DIR holds the keys (NAME.key), certificates
#                             (NAME.pem) and the request config; sets PKI.
#   pki_cert NAME KEY SUBJECT ISSUER|self ca|ee [SAN]
#                             a key of type KEY (rsa = RSA 3072, rsa4096,
#                             ec = P-256, ec384 = P-384, ed25519) and its
#                             certificate:
#                             self-signed, or issued by ISSUER (a NAME
#                             made before), with the ca or ee extensions;
#                             SAN defaults to DNS:unused.example.
#
# Subjects are written in PrintableString where it fits, as strongSwan
# writes a DN it parses.

pki_init() {
	PKI=$1
	mkdir -p "$PKI" || fail "mkdir $PKI"
	cat >"$PKI/req.cnf" <<'EOC'
[req]
distinguished_name = dn
string_mask = default
prompt = no
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ee]
basicConstraints = CA:false
keyUsage = digitalSignature
subjectAltName = $ENV::SAN
EOC
}

_pki_key() { # _pki_key FILE TYPE
	case $2 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1" ;;
	rsa4096) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$1" ;;
	ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
	ec384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1" ;;
	ed25519) openssl genpkey -algorithm ED25519 -out "$1" ;;
	esac 2>/dev/null || fail "openssl genpkey $2"
}

pki_cert() {
	local n=$1 t=$2 subj=$3 iss=$4 ext=$5
	export SAN=${6:-DNS:unused.example}
	_pki_key "$PKI/$n.key" "$t"
	if [ "$iss" = self ]; then
		openssl req -config "$PKI/req.cnf" -new -x509 -days 30 \
			-key "$PKI/$n.key" -subj "$subj" -extensions "$ext" \
			-out "$PKI/$n.pem" 2>/dev/null || fail "openssl req $n"
		return
	fi
	openssl req -config "$PKI/req.cnf" -new -key "$PKI/$n.key" \
		-subj "$subj" -out "$PKI/$n.csr" 2>/dev/null ||
		fail "openssl req $n"
	openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/$iss.pem" \
		-CAkey "$PKI/$iss.key" -CAcreateserial -days 30 \
		-extfile "$PKI/req.cnf" -extensions "$ext" \
		-out "$PKI/$n.pem" 2>/dev/null || fail "openssl x509 $n"
}
