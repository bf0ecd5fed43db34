#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 135
# The failure classes of the operators' troubleshooting guides, produced
# against strongSwan's charon (gateway B) with kesp-iked on gateway A:
# for each, kesp-iked logs ONE error line that names the class and shows
# the values that differ, `kespctl ike diagnose gw` shows that line as
# the conn's last failure, and when kesp initiates, `kespctl ike up gw`
# fails with it. "i": kesp
# initiates (`kespctl ike up`); "r": charon initiates (`swanctl
# --initiate`, which fails), kesp responds. Where kesp initiates, charon's
# own log line shows the cause as charon saw it. Each direction runs a
# kesp-iked of its own (log cNd.log), charon's connection is reloaded:
#  1. IKE proposal mismatch (kesp aes256gcm16-prfsha256-ecp256, charon
#     aes128-sha256-modp2048): r names both sides' algorithms, i ours.
#  2. PSK mismatch: r "does not verify ... PSK mismatch" with the peer's
#     ID and our secrets file:line; i "rejected us (AUTHENTICATION_FAILED)".
#  3. Peer ID mismatch (charon is gw-x.example, kesp wants gw-b.example):
#     r "peer ID mismatch: ... identified as gw-x.example"; i (charon
#     finds no config for the IDr we ask for) what kesp can know.
#  4. CHILD SA proposal mismatch (ESP aes256gcm16 against aes128-sha256):
#     both directions, the IKE SA stays up.
#  5. PFS group mismatch in CREATE_CHILD_SA (kesp esp=...-modp2048,
#     charon ...-ecp256): the IKE_AUTH child (no key exchange) comes up,
#     charon deletes it, the next CHILD SA is refused.
#  6. Traffic selector mismatch (charon remote_ts 10.99.0.0/24): r shows
#     both sides' selectors, i ours; the IKE SA stays up.
#  7. No response (B drops UDP 500): kesp gives up after 3 retransmits.
#  8. IKE version mismatch: charon's conn is IKEv1 (main mode, PSK).
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; if [ $rc != 0 ]; then iked_dump_logs; _charon_tail "$CH" >&2; fi; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
# shellcheck disable=SC2119 # no prefix: the default names
topo_two_sites
crypto_warm_up_wait
PSK="kesp and strongSwan agree"
CH=$IKED_DIR/charon
charon_start "$GWB" "$CH"
K=	# the kesp-iked of the case in progress
T0=$(date +%s)

# kesp_start NAME IKE ESP [PSK [ARGS...]]: kesp-iked NAME on A with conn
# gw (10.1.0.0/24 === 10.2.0.0/24, IDs gw-a/gw-b.example, auto=add).
kesp_start() {
	local ike=$2 esp=$3 psk=${4:-$PSK}
	K=$1 TC=$(date +%s)
	CH_MARK=$(wc -l <"$CH/charon.log")
	shift $(($# < 4 ? $# : 4))
	cat >"$IKED_DIR/$K.conf" <<EOC
conn gw
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=$ike!
	esp=$esp!
	auto=add
EOC
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$psk" \
		>"$IKED_DIR/$K.secrets"
	iked_start "$K" "$GWA" "$IKED_DIR/$K.conf" "$IKED_DIR/$K.secrets" "$@"
}

# charon_gw PROPOSALS ESP [ID [REMOTE_TS [PSK [VERSION]]]]: charon's
# connection gw with child net, replacing whatever was loaded.
charon_gw() {
	local id=${3:-gw-b.example} rts=${4:-$LANA4} psk=${5:-$PSK}
	local version=${6:-2}
	cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = $version
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = $1
		local {
			auth = psk
			id = $id
		}
		remote {
			auth = psk
			id = gw-a.example
		}
		children {
			net {
				local_ts = $LANB4
				remote_ts = $rts
				esp_proposals = $2
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = $id
		secret = "$psk"
	}
}
EOC
	charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null
}

# kesp_up_fails: `kespctl ike up gw` must fail (within 30 s); its words
# go to $out.
kesp_up_fails() {
	local rc
	out=$(timeout 30 ip netns exec "$GWA" "$KESPCTL" \
		-S "$IKED_DIR/$K.sock" ike up gw 2>&1)
	rc=$?
	[ $rc = 124 ] && fail "$K: kespctl ike up gw hung: $(iked_log "$K" | tail -5)"
	[ $rc != 0 ] || fail "$K: kespctl ike up gw succeeded: $out"
}

# charon_up_fails SECS: charon initiates child net, which must fail.
charon_up_fails() {
	local o t
	t=$(date +%s)
	o=$(charon_swanctl "$CH" --initiate --child net --timeout "$1" 2>&1) &&
		fail "$K: swanctl --initiate succeeded: $(tail -n 3 <<<"$o")"
	echo "  swanctl --initiate failed after $(($(date +%s) - t))s: $(tail -n 1 <<<"$o")"
	return 0
}

# diag ERE: kesp-iked $K logged exactly one error line, for conn gw, and
# it matches ERE; `ike diagnose gw` shows it as the last failure.
diag() {
	local re=$1 n line d
	iked_wait_log "$K" "^[0-9:.]+ gw(\[[0-9]+\]|:) error: $re" 10
	for n in $(seq 1 30); do
		n=$(grep -c ' error: ' "$IKED_DIR/$K.log")
		[ "$n" -lt "${DIAG_LINES:-1}" ] || break
		sleep 0.1
	done
	[ "$n" = "${DIAG_LINES:-1}" ] || fail "$K: $n error lines, expected 1: $(grep ' error: ' "$IKED_DIR/$K.log")"
	line=$(grep -m 1 ' error: ' "$IKED_DIR/$K.log")
	echo "  kesp: ${line#* }"
	d=$(iked_ctl "$K" ike diagnose gw) || fail "$K: ike diagnose gw: $d"
	grep -qE -- "^  last failure [0-9]+s ago: $re" <<<"$d" ||
		fail "$K: ike diagnose gw does not show /$re/: $d"
}

# up_said ERE: after kesp_up_fails, `kespctl ike up gw` gave the same words.
up_said() {
	grep -qE -- "^kespctl: up: $1" <<<"$out" ||
		fail "$K: kespctl ike up said '$out', expected /$1/"
}

# charon_said ERE: charon's log has a line matching ERE since this
# case's kesp_start (the cause as charon saw it); it is printed.
charon_said() {
	local l
	l=$(tail -n +$((CH_MARK + 1)) "$CH/charon.log" | grep -E -m 1 -- "$1") ||
		fail "$K: charon did not log /$1/"
	echo "  charon: ${l#* }"
}

# ike_sa_up_no_child: kesp keeps one established IKE SA, without CHILD SA
# (`ike list`, not -j and python3, which takes seconds to start in TCG).
ike_sa_up_no_child() {
	local l
	l=$(iked_ctl "$K" ike list)
	if [ "$(grep -c '^gw\[[0-9]*\]: ESTABLISHED' <<<"$l")" != 1 ] ||
	   grep -q '^  gw{' <<<"$l"; then
		fail "$K: not one established IKE SA without CHILD SA: $l"
	fi
}

# case_end: stop kesp-iked; its Deletes end charon's IKE SAs.
case_end() {
	iked_stop "$K"
	out=
	wait_sa_count "$GWA" 0 5
	echo "  ($(($(date +%s) - TC))s)"
}

A='192\.0\.2\.2\[500\]'	# charon, as kesp-iked writes it

echo "case 1r: IKE proposal mismatch, charon initiates"
charon_gw aes128-sha256-modp2048 aes128-sha256
kesp_start c1r aes256gcm16-prfsha256-ecp256 aes128gcm16
charon_up_fails 10
diag "no proposal chosen: IKE proposal mismatch with $A: peer offered IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048; we accept aes256gcm16-prfsha256-ecp256$"
case_end

echo "case 1i: IKE proposal mismatch, kesp initiates"
kesp_start c1i aes256gcm16-prfsha256-ecp256 aes128gcm16
kesp_up_fails
re="no proposal chosen: IKE proposal mismatch: $A accepted none of ours: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256 \(or it has no IKEv2 conn for us at all: IKEv1 only\?\)$"
diag "$re"
up_said "$re"
case_end

echo "case 2r: PSK mismatch, charon initiates"
charon_gw aes128gcm16-prfsha256-ecp256 aes128gcm16 gw-b.example "$LANA4" \
	"not the key kesp has"
kesp_start c2r aes128gcm16-prfsha256-ecp256 aes128gcm16
charon_up_fails 10
diag "authentication failed: the AUTH of $A \(ID gw-b\.example\) does not verify with our pre-shared key \(.*/c2r\.secrets:1\): PSK mismatch$"
case_end

echo "case 2i: PSK mismatch, kesp initiates"
kesp_start c2i aes128gcm16-prfsha256-ecp256 aes128gcm16
kesp_up_fails
re="authentication failed: $A rejected us \(AUTHENTICATION_FAILED\): the pre-shared keys differ, the peer does not accept our ID gw-a\.example, or it has no conn for the ID we asked it to be \(rightid=gw-b\.example\)$"
diag "$re"
charon_said 'shared key .* but MAC mismatched'
up_said "$re"
case_end

echo "case 3r: peer ID mismatch, charon initiates as gw-x.example"
charon_gw aes128gcm16-prfsha256-ecp256 aes128gcm16 gw-x.example
kesp_start c3r aes128gcm16-prfsha256-ecp256 aes128gcm16
charon_up_fails 10
diag "peer ID mismatch: $A identified as gw-x\.example, which no conn for this address accepts \(rightid=@?gw-b\.example in gw\)$"
case_end

echo "case 3i: peer ID mismatch, kesp initiates to gw-b.example"
kesp_start c3i aes128gcm16-prfsha256-ecp256 aes128gcm16
kesp_up_fails
re="authentication failed: $A rejected us \(AUTHENTICATION_FAILED\)"
diag "$re"
charon_said 'no matching peer config found'
up_said "$re"
# charon has no config for the IDr we send and says only
# AUTHENTICATION_FAILED: the line names both IDs in question.
diag "authentication failed: $A rejected us \(AUTHENTICATION_FAILED\): .*our ID gw-a\.example, .*\(rightid=gw-b\.example\)$"
case_end

echo "case 4r: CHILD SA proposal mismatch, charon initiates"
charon_gw aes128gcm16-prfsha256-ecp256 aes128-sha256
kesp_start c4r aes128gcm16-prfsha256-ecp256 aes256gcm16
charon_up_fails 10
diag "no proposal chosen: CHILD SA \(ESP\) proposal mismatch: peer offered ESP:AES_CBC_128/HMAC_SHA2_256_128(/[A-Z_0-9]+)*; we accept aes256gcm16"
ike_sa_up_no_child
case_end

echo "case 4i: CHILD SA proposal mismatch, kesp initiates"
kesp_start c4i aes128gcm16-prfsha256-ecp256 aes256gcm16
kesp_up_fails
re="no proposal chosen: CHILD SA \(ESP\) proposal mismatch: the peer accepted none of ESP:AES_GCM_16_256(/[A-Z_0-9]+)*$"
diag "$re"
charon_said 'no acceptable ENCRYPTION_ALGORITHM found'
up_said "$re"
ike_sa_up_no_child
case_end

echo "case 5i: PFS group mismatch in CREATE_CHILD_SA, kesp initiates"
charon_gw aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256
kesp_start c5i aes128gcm16-prfsha256-ecp256 aes128gcm16-modp2048
out=$(timeout 30 ip netns exec "$GWA" "$KESPCTL" -S "$IKED_DIR/$K.sock" \
	ike up gw 2>&1) || fail "$K: the IKE_AUTH CHILD SA failed: $out"
wait_sa_count "$GWA" 2 5
charon_swanctl "$CH" --terminate --child net --timeout 20 >/dev/null ||
	fail "swanctl --terminate --child net"
wait_sa_count "$GWA" 0 5
kesp_up_fails
re="no proposal chosen: PFS group mismatch: the peer accepted none of ESP:AES_GCM_16_128/MODP_2048(/[A-Z_0-9]+)* \(it accepted these algorithms without PFS before\); fix: here accept a rekey without PFS: add none to esp= .*strongSwan: add -modp2048 to its esp_proposals"
diag "$re"
charon_said 'no acceptable [A-Z_]*(DIFFIE_HELLMAN|KEY_EXCHANGE)[A-Z_]* found'
up_said "$re"
ike_sa_up_no_child
case_end

echo "case 5r: PFS group mismatch in CREATE_CHILD_SA, charon initiates"
kesp_start c5r aes128gcm16-prfsha256-ecp256 aes128gcm16-modp2048
o=$(charon_swanctl "$CH" --initiate --child net --timeout 20 2>&1) ||
	fail "$K: the IKE_AUTH CHILD SA failed: $(tail -n 3 <<<"$o")"
wait_sa_count "$GWA" 2 5
charon_swanctl "$CH" --terminate --child net --timeout 20 >/dev/null ||
	fail "swanctl --terminate --child net"
wait_sa_count "$GWA" 0 5
charon_up_fails 10
diag "no proposal chosen: PFS group mismatch: peer offered ESP:AES_GCM_16_128/ECP_256(/[A-Z_0-9]+)* with a key exchange \(PFS\) in a group we do not accept; we accept aes128gcm16-modp2048-noesn; fix: here accept PFS: .*strongSwan: drop -ecp256 from its esp_proposals"
ike_sa_up_no_child
case_end

echo "case 6r: traffic selector mismatch, charon initiates"
charon_gw aes128gcm16-prfsha256-ecp256 aes128gcm16 gw-b.example 10.99.0.0/24
kesp_start c6r aes128gcm16-prfsha256-ecp256 aes128gcm16
charon_up_fails 10
diag "TS unacceptable: traffic selector mismatch: peer proposed TSi 10\.2\.0\.0/24, TSr 10\.99\.0\.0/24; we have rightsubnet 10\.2\.0\.0/24, leftsubnet 10\.1\.0\.0/24$"
ike_sa_up_no_child
case_end

echo "case 6i: traffic selector mismatch, kesp initiates"
kesp_start c6i aes128gcm16-prfsha256-ecp256 aes128gcm16
kesp_up_fails
re="TS unacceptable: traffic selector mismatch: the peer refused TSi 10\.1\.0\.0/24, TSr 10\.2\.0\.0/24 \(check leftsubnet/rightsubnet on both sides\)$"
diag "$re"
up_said "$re"
ike_sa_up_no_child
case_end

echo "case 7i: no response, B drops UDP 500"
ip netns exec "$GWB" nft -f - <<'EON' || fail "nft: drop UDP 500 on B"
table inet diag {
	chain in {
		type filter hook input priority 0;
		udp dport 500 drop
	}
}
EON
kesp_start c7i aes128gcm16-prfsha256-ecp256 aes128gcm16 "$PSK" \
	--retransmit-timeout 0.2 --retransmit-tries 3
t=$(date +%s)
kesp_up_fails
t=$(($(date +%s) - t))
[ $t -le 8 ] || fail "$K: ike up took ${t}s to give up, expected about 3"
re="no response from $A: giving up after 3 retransmits in [2-5] s \(peer down, UDP 500 blocked on the way, or the peer does not know this gateway\)$"
diag "$re"
up_said "$re"
ip netns exec "$GWB" nft delete table inet diag || fail "nft delete table"
case_end

echo "case 8i: IKE version mismatch, kesp initiates to an IKEv1-only charon"
charon_gw aes128-sha256-modp2048 aes128-sha256 gw-b.example "$LANA4" \
	"$PSK" 1
kesp_start c8i aes128-sha256-modp2048 aes128-sha256
kesp_up_fails
re="no proposal chosen: IKE proposal mismatch: $A accepted none of ours"
diag "$re"
charon_said 'no IKE config found'
up_said "$re"
# charon answers NO_PROPOSAL_CHOSEN when it has no IKEv2 connection for
# us at all (here: version = 1): the line says that may be why.
diag "no proposal chosen: IKE proposal mismatch: $A accepted none of ours: .*no IKEv2 conn for us at all: IKEv1 only"
case_end

echo "case 8r: IKE version mismatch, charon initiates with IKEv1"
kesp_start c8r aes128-sha256-modp2048 aes128-sha256
# charon retransmits its first Main Mode message after 4 s: 6 s sees two.
charon_up_fails 6
# Once, though charon retransmits (4 s, then x1.8): once a minute per peer.
diag "IKE version mismatch: $A sent version 1\.0 \(IKEv1\), kesp-iked speaks IKEv2 \(2\.0\), answered INVALID_MAJOR_VERSION; fix on the peer.*strongSwan: keyexchange=ikev2 in ipsec\.conf, version = 2 in swanctl\.conf\)$"
case_end

echo "all cases in $(($(date +%s) - T0))s"
