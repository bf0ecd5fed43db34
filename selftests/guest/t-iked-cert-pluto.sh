#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 65
# kesp-iked with kesp.ko on gateway A against Libreswan 4.10's pluto on
# gateway B with certificates: a root CA made here (openssl CLI) issues
# both gateways' certificates; pluto's certificate and key are imported
# into its NSS database as PKCS#12 (pk12util), the root as a trusted CA
# (certutil -t CT,,), as a Libreswan operator does; kesp-iked reads
# ipsec.d as strongSwan does. Distinguished names as IDs. Rounds, each
# with both sides initiating and pings through ESP:
#   1. IKEv2, RSA 3072 on both sides (authby=rsasig: RFC 7427 RSA-PSS);
#   2. IKEv2, ECDSA P-256 on both sides (authby=ecdsa);
#   3. IKEv1 Main Mode, RSA 3072 signatures on both sides.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/pluto.sh"
. "$KESP_ROOT/selftests/lib/pki.sh"

command -v openssl >/dev/null || skip "no openssl CLI"
command -v pk12util >/dev/null || skip "no pk12util (apt-get install libnss3-tools)"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; tail -n 60 "$PL/pluto.log" >&2; }; iked_kill_all; pluto_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
PL=$IKED_DIR/pluto
KD=$IKED_DIR/kesp
pki_init "$IKED_DIR/pki"
mkdir -p "$KD/ipsec.d/cacerts" "$KD/ipsec.d/certs" "$KD/ipsec.d/private"

echo "making certificates"
pki_cert root ec "/C=CH/O=Example/CN=Example Root CA" self ca
pki_cert a-rsa rsa "/C=CH/O=Example/CN=gw-a.example" root ee DNS:gw-a.example
pki_cert b-rsa rsa "/C=CH/O=Example/CN=gw-b.example" root ee DNS:gw-b.example
pki_cert a-ec ec "/C=CH/O=Example/CN=gw-a.example" root ee DNS:gw-a.example
pki_cert b-ec ec "/C=CH/O=Example/CN=gw-b.example" root ee DNS:gw-b.example
crypto_warm_up_wait
cp "$PKI/root.pem" "$KD/ipsec.d/cacerts/"
DN_A="C=CH, O=Example, CN=gw-a.example"
DN_B="C=CH, O=Example, CN=gw-b.example"

# pluto's NSS database: the root trusted for peers, its own key and
# certificate under the nickname NAME (a fresh database per round).
pluto_nss() { # pluto_nss NAME
	local out
	rm -rf "$PL/nss"
	mkdir -p "$PL/nss"
	out=$(certutil -N --empty-password -d "sql:$PL/nss" 2>&1) ||
		fail "certutil -N: $out"
	out=$(certutil -A -d "sql:$PL/nss" -n root -t "CT,," \
		-i "$PKI/root.pem" 2>&1) || fail "certutil -A root: $out"
	openssl pkcs12 -export -in "$PKI/$1.pem" -inkey "$PKI/$1.key" \
		-name "$1" -passout pass: -out "$PL/$1.p12" 2>/dev/null ||
		fail "openssl pkcs12 $1"
	out=$(pk12util -i "$PL/$1.p12" -d "sql:$PL/nss" -W "" 2>&1) ||
		fail "pk12util -i $1: $out"
}

pluto_conf() { # pluto_conf CERT AUTHBY v1|v2
	{
		echo "config setup"
		echo "	dnssec-enable=no"
		[ "$3" = v1 ] && echo "	ikev1-policy=accept"
		echo "conn gw"
		if [ "$3" = v1 ]; then
			echo "	ikev2=no"
			echo "	ike=aes128-sha2_256;modp2048"
			echo "	esp=aes128-sha2_256"
		else
			echo "	ikev2=insist"
			echo "	ike=aes128-sha2_256;dh19"
			echo "	esp=aes_gcm128"
		fi
		echo "	authby=$2"
		echo "	left=$GWB_WAN4"
		echo "	leftcert=$1"
		echo "	leftid=%fromcert"
		echo "	leftsendcert=always"
		echo "	leftsubnet=$LANB4"
		echo "	right=$GWA_WAN4"
		echo "	rightid=\"$DN_A\""
		echo "	rightca=%same"
		echo "	rightsubnet=$LANA4"
		pluto_conn_common
		echo "	auto=add"
	} >"$IKED_DIR/pluto.conf"
	mkdir -p "$PL"
	# The key is in the NSS database: nothing for ipsec.secrets.
	: >"$PL/secrets"
}

kesp_conf() { # kesp_conf CERT KEYTYPE v1|v2
	local kex=ikev2 ike=aes128-sha256-ecp256 esp=aes128gcm16
	[ "$3" = v1 ] && kex=ikev1 ike=aes128-sha256-modp2048 \
		esp=aes128-sha256-modp2048	# pluto wants PFS
	rm -f "$KD"/ipsec.d/certs/* "$KD"/ipsec.d/private/*
	cp "$PKI/$1.pem" "$KD/ipsec.d/certs/"
	cp "$PKI/$1.key" "$KD/ipsec.d/private/"
	cat >"$KD/ipsec.conf" <<EOC
conn gw
	keyexchange=$kex
	authby=pubkey
	left=$GWA_WAN4
	leftcert=$1.pem
	leftsendcert=always
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid="$DN_B"
	rightsubnet=$LANB4
	ike=$ike!
	esp=$esp!
	auto=add
EOC
	printf ': %s %s\n' "$2" "$1.key" >"$KD/ipsec.secrets"
}


round() { # round NAME KESP_CERT KEYTYPE PLUTO_CERT AUTHBY v1|v2
	local name=$1
	echo "$name"
	pluto_nss "$4"
	pluto_conf "$4" "$5" "$6"
	kesp_conf "$2" "$3" "$6"
	pluto_start "$GWB" "$PL" "$IKED_DIR/pluto.conf" >/dev/null
	iked_start a "$GWA" "$KD/ipsec.conf" "$KD/ipsec.secrets"
	out=$(iked_ctl a ike up gw) || fail "$name: ike up: $out"
	wait_sa_count "$GWA" 2 10
	iked_traffic "kesp-iked initiator"
	iked_ctl a ike list | grep -qF "[$DN_B]" ||
		fail "$name: the IKE SA is not with ID $DN_B: $(iked_ctl a ike list | head -3)"
	iked_ctl a ike down gw >/dev/null || fail "$name: ike down"
	wait_sa_count "$GWA" 0 10
	pluto_whack "$PL" --name gw --initiate >"$PL/initiate.out" 2>&1 ||
		fail "$name: whack --initiate: $(tail -5 "$PL/initiate.out") $(iked_log a | tail -5)"
	wait_sa_count "$GWA" 2 10
	iked_traffic "pluto initiator"
	iked_stop a
	pluto_stop "$PL"
	: >"$IKED_DIR/a.log"
}

round "1. IKEv2, RSA 3072 both sides" a-rsa RSA b-rsa rsasig v2
round "2. IKEv2, ECDSA P-256 both sides" a-ec ECDSA b-ec ecdsa v2
round "3. IKEv1 Main Mode, RSA 3072 both sides" a-rsa RSA b-rsa rsasig v1
echo ok
