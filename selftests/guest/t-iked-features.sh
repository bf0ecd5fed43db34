#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 55
# What kesp-iked (gateway A, kesp.ko) negotiates with strongSwan's charon
# (gateway B, XFRM) beyond one tunnel of one CHILD SA; each case starts a
# kesp-iked of its own (log cN.log) and loads charon's connections anew:
#  1. CREATE_CHILD_SA from charon: one IKE SA, children net (IKE_AUTH)
#     and net2 (CREATE_CHILD_SA, to A's second subnet 10.11.0.0/24);
#     kesp's ike list shows one IKE SA with two CHILD SAs, its kernel has
#     4 SAs, both children carry pings.
#  2. CREATE_CHILD_SA from kesp with PFS (esp=aes128gcm16-modp2048!):
#     the IKE_AUTH child has no key exchange; charon deletes that child
#     only, `kespctl ike up` returns once a new one is made by
#     CREATE_CHILD_SA with a MODP-2048 KE (in both messages as charon
#     parsed and generated them, in the proposals both chose); pings pass.
#  3. INVALID_KE_PAYLOAD: kesp offers ECP-256 and MODP-2048 and guesses
#     ECP-256, charon wants MODP-2048; kesp retries and the tunnel works.
#  4. IPv6 outside and inside: 2001:db8::1 <-> 2001:db8::2 carrying
#     fd00:1::/64 <-> fd00:2::/64, ping6 both ways through the SAs.
#  5. Transport mode between the gateways' WAN addresses: pings from gw
#     to gw go through ESP (counters on A, XFRM states in transport mode
#     on B).
#  6. Identities: two conns between the same addresses, one with IPv4
#     address IDs (the default), one with a KEY_ID (@#0123abcd) here and
#     an RFC822 ID (gw-b@example.org) there, each with a PSK of its own:
#     charon initiates both and kesp picks conn and key by the peer's ID;
#     then kesp initiates the KEY_ID one.
#  7. Traffic selectors: kesp has leftsubnet=10.1.0.0/16, charon asks
#     for 10.1.0.0/24: the CHILD SA and its policies carry 10.1.0.0/24.
#     Then charon asks for 10.99.0.0/24 (CREATE_CHILD_SA): kesp answers
#     TS_UNACCEPTABLE and logs both sides' selectors, charon's child
#     fails, the IKE SA and its first child stay up.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 esp6 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; if [ $rc != 0 ]; then iked_dump_logs; _charon_tail "$CH" >&2; fi; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

# The kernel's crypto modules loaded while the topology is built (iked.sh).
crypto_warm_up
topo_two_sites
crypto_warm_up_wait
# A second subnet behind A, as in t-iked-iked.sh.
ip -n "$GWA" addr add 10.11.0.1/24 dev "$LAN_IF" || fail "addr"
ip -n "$HOSTA" addr add 10.11.0.2/24 dev "$HOST_IF" || fail "addr"
ip -n "$GWB" route add 10.11.0.0/24 via "$GWA_WAN4" || fail "route"

PSK="kesp and strongSwan agree"
CH=$IKED_DIR/charon
# charon logs the payloads of each message ("parsed CREATE_CHILD_SA
# request 2 [ SA TSi TSr No KE ]"): case 2 looks for the KE.
CHARON_EXTRA_CONF='charon {
	filelog {
		test {
			enc = 1
		}
	}
}'
charon_start "$GWB" "$CH"
K=	# the kesp-iked of the case in progress

# kesp_start NAME: a kesp-iked named NAME on A with $IKED_DIR/NAME.conf
# and NAME.secrets (the case writes them), its log NAME.log.
kesp_start() {
	K=$1
	iked_start "$K" "$GWA" "$IKED_DIR/$K.conf" "$IKED_DIR/$K.secrets"
}

# kesp_secrets NAME: the FQDN pair of most cases.
kesp_secrets() {
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/$1.secrets"
}

# charon_conf: load $IKED_DIR/swanctl.conf (replacing every connection),
# and remember where charon's log stands: charon_wait_new looks after it.
CH_MARK=0
charon_conf() {
	charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null
	CH_MARK=$(wc -l <"$CH/charon.log")
}

charon_new_log() {
	tail -n +$((CH_MARK + 1)) "$CH/charon.log"
}

# charon_wait_new ERE SECS: a line of this case in charon's log.
charon_wait_new() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		charon_new_log | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	fail "charon: no log line /$1/ within ${2}s"
}

charon_ike_sas() { # the number of IKE SAs charon has
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null |
		grep -o 'state=ESTABLISHED' | wc -l
}

wait_charon_ike_sas() { # wait_charon_ike_sas N SECS
	local i n
	for i in $(seq 1 $(($2 * 10))); do
		n=$(charon_ike_sas)
		[ "$n" = "$1" ] && return 0
		sleep 0.1
	done
	fail "charon has $n IKE SAs, expected $1"
}

charon_up() { # charon_up CHILD [IKE]: charon initiates CHILD
	local out
	out=$(charon_swanctl "$CH" --initiate --child "$1" \
		${2:+--ike "$2"} --timeout 30 2>&1) ||
		fail "swanctl --initiate --child $1: $(tail -n 5 <<<"$out")"
}

# pings FROM_NS TO [ARGS]: three pings, each answered.
pings() {
	local ns=$1 to=$2
	shift 2
	ip netns exec "$ns" ping -n -c 3 -i 0.2 -W 3 "$@" "$to" >/dev/null ||
		fail "ping $* $to from $ns"
}

# kesp_up CONN: `kespctl ike up CONN`, which returns once it is done
# (30 s at most); what it says goes to $out.
kesp_up() {
	out=$(timeout 30 ip netns exec "$GWA" "$KESPCTL" \
		-S "$IKED_DIR/$K.sock" ike up "$1" 2>&1) ||
		fail "kespctl ike up $1 exited $?: $out"
}

# kesp_json PYTHON: run PYTHON on kesp's `ike list -j` as d; it asserts.
kesp_json() {
	iked_ctl "$K" -j ike list | python3 -c "
import json, sys
d = json.load(sys.stdin)
sas = d['ike_sas']
$1
" || fail "$K: ike list -j: $(iked_ctl "$K" ike list)"
}

# case_end: SIGTERM to kesp-iked, whose Deletes leave nothing anywhere.
case_end() {
	iked_stop "$K"
	wait_sa_count "$GWA" 0 5
	wait_charon_ike_sas 0 10
	[ -z "$(ip -n "$GWB" xfrm state)" ] ||
		fail "charon kept XFRM states after kesp's Deletes"
}

# conn_v4 NAME LEFTSUBNET: the IPv4 conn of most cases, without proposals.
conn_v4() {
	cat <<EOC
conn $1
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$2
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	auto=add
EOC
}

# swanctl_v4 PROPOSALS CHILDREN: charon's side of conn_v4, "gw".
swanctl_v4() {
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
$2
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
	charon_conf
}

echo "case 1: CREATE_CHILD_SA from charon, two CHILD SAs in one IKE SA"
{
	conn_v4 gw "$LANA4,10.11.0.0/24"
	printf '\tike=aes128gcm16-prfsha256-ecp256!\n\tesp=aes128gcm16!\n'
} >"$IKED_DIR/c1.conf"
kesp_secrets c1
swanctl_v4 aes128gcm16-prfsha256-ecp256 "
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128gcm16
			}
			net2 {
				local_ts = $LANB4
				remote_ts = 10.11.0.0/24
				esp_proposals = aes128gcm16
			}"
kesp_start c1
charon_up net
iked_wait_log c1 'CHILD SA established' 5
charon_up net2
wait_sa_count "$GWA" 4 5
[ "$(grep -c 'CHILD SA established' "$IKED_DIR/c1.log")" = 2 ] ||
	fail "kesp logged $(grep -c 'CHILD SA established' "$IKED_DIR/c1.log") CHILD SAs, expected 2"
[ "$(charon_ike_sas)" = 1 ] || fail "charon has $(charon_ike_sas) IKE SAs, expected 1"
pings "$HOSTB" "$HOSTA4"
pings "$HOSTB" 10.11.0.2
pings "$HOSTA" "$HOSTB4"
pings "$HOSTA" "$HOSTB4" -I 10.11.0.2
kesp_json '
assert len(sas) == 1, sas
s = sas[0]
assert s["state"] == "established" and not s["initiator"], s
assert s["child_sas_negotiated"] == 2 and len(s["child_sas"]) == 2, s
ts = sorted(c["local_ts"] for c in s["child_sas"])
assert ts == ["10.1.0.0/24", "10.11.0.0/24"], ts
for c in s["child_sas"]:
	assert c["remote_ts"] == "10.2.0.0/24", c
	assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
'
iked_ctl "$K" ike list | sed 's/^/  /'
case_end

echo "case 2: CREATE_CHILD_SA from kesp with PFS (MODP-2048)"
{
	conn_v4 gw "$LANA4"
	printf '\tike=aes128gcm16-prfsha256-ecp256!\n\tesp=aes128gcm16-modp2048!\n'
} >"$IKED_DIR/c2.conf"
kesp_secrets c2
swanctl_v4 aes128gcm16-prfsha256-ecp256 "
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128gcm16-modp2048
			}"
kesp_start c2
kesp_up gw
wait_sa_count "$GWA" 2 5
# The first CHILD SA takes its keys from IKE_AUTH: no group in it.
iked_wait_log c2 'CHILD SA established: .*AES_GCM_16_128/NO_EXT_SEQ' 5
charon_wait_new 'selected proposal: ESP:AES_GCM_16_128/NO_EXT_SEQ' 5
charon_swanctl "$CH" --terminate --child net --timeout 20 >/dev/null ||
	fail "swanctl --terminate --child net"
wait_sa_count "$GWA" 0 5
iked_wait_log c2 'CHILD SA #[0-9]+ deleted .*deleted by the peer' 5
[ "$(charon_ike_sas)" = 1 ] || fail "charon's IKE SA went with its child"
CH_MARK=$(wc -l <"$CH/charon.log")
kesp_up gw
echo "  kespctl ike up: $out"
wait_sa_count "$GWA" 2 5
iked_wait_log c2 'creating a CHILD SA' 1
iked_wait_log c2 'CHILD SA established: .*MODP_2048' 5
charon_wait_new 'selected proposal: ESP:AES_GCM_16_128/MODP_2048' 5
charon_wait_new 'parsed CREATE_CHILD_SA request [0-9]+ \[[^]]* KE ' 1
charon_wait_new 'generating CREATE_CHILD_SA response [0-9]+ \[[^]]* KE ' 1
pings "$HOSTA" "$HOSTB4"
pings "$HOSTB" "$HOSTA4"
kesp_json '
s = sas[0]
assert s["child_sas_negotiated"] == 2 and len(s["child_sas"]) == 1, s
c = s["child_sas"][0]
assert "MODP_2048" in c["algorithm"], c
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
'
charon_new_log | grep -E 'CREATE_CHILD_SA (request|response)|selected proposal: ESP' |
	sed 's/^[^ ]* [^ ]* /  charon: /'
case_end

echo "case 3: INVALID_KE_PAYLOAD, kesp retries with MODP-2048"
{
	conn_v4 gw "$LANA4"
	printf '\tike=aes128-sha256-ecp256-modp2048!\n\tesp=aes128-sha256!\n'
} >"$IKED_DIR/c3.conf"
kesp_secrets c3
swanctl_v4 aes128-sha256-modp2048 "
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128-sha256
			}"
kesp_start c3
kesp_up gw
iked_wait_log c3 'wants key exchange MODP_2048 instead of ECP_256: retrying' 1
iked_wait_log c3 'IKE SA established .*MODP_2048' 1
charon_wait_new 'DH group ECP_256 unacceptable, requesting MODP_2048' 1
wait_sa_count "$GWA" 2 5
pings "$HOSTA" "$HOSTB4"
kesp_json 'assert sas[0]["child_sas"][0]["packets_out"] >= 3, sas'
grep -E 'wants key exchange|IKE SA established' "$IKED_DIR/c3.log" |
	sed 's/^/  kesp: /'
case_end

echo "case 4: IPv6 outer and inner addresses"
cat >"$IKED_DIR/c4.conf" <<EOC
conn gw6
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN6
	leftid=@gw-a.example
	leftsubnet=$LANA6
	right=$GWB_WAN6
	rightid=@gw-b.example
	rightsubnet=$LANB6
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
kesp_secrets c4
cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw6 {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN6
		remote_addrs = $GWA_WAN6
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = gw-b.example
		}
		remote {
			auth = psk
			id = gw-a.example
		}
		children {
			net6 {
				local_ts = $LANB6
				remote_ts = $LANA6
				esp_proposals = aes128gcm16
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
charon_conf
kesp_start c4
charon_up net6
wait_sa_count "$GWA" 2 5
pings "$HOSTA" "$HOSTB6"
pings "$HOSTB" "$HOSTA6"
kesp_json '
s = sas[0]
assert s["local"] == "2001:db8::1" and s["remote"] == "2001:db8::2", s
c = s["child_sas"][0]
assert c["local_ts"] == "fd00:1::/64" and c["remote_ts"] == "fd00:2::/64", c
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
'
ip -n "$GWB" xfrm state | grep -q "^src $GWA_WAN6 dst $GWB_WAN6" ||
	fail "charon has no XFRM state from $GWA_WAN6: $(ip -n "$GWB" xfrm state)"
case_end

echo "case 5: transport mode between the gateways"
cat >"$IKED_DIR/c5.conf" <<EOC
conn host
	keyexchange=ikev2
	authby=secret
	type=transport
	left=$GWA_WAN4
	leftid=@gw-a.example
	right=$GWB_WAN4
	rightid=@gw-b.example
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
kesp_secrets c5
cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	host {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = gw-b.example
		}
		remote {
			auth = psk
			id = gw-a.example
		}
		children {
			host {
				mode = transport
				esp_proposals = aes128gcm16
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
charon_conf
kesp_start c5
kesp_up host
wait_sa_count "$GWA" 2 5
pings "$GWA" "$GWB_WAN4"
pings "$GWB" "$GWA_WAN4"
kesp_json '
c = sas[0]["child_sas"][0]
assert c["mode"] == "transport", c
assert c["local_ts"] == "192.0.2.1/32" and c["remote_ts"] == "192.0.2.2/32", c
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
'
[ "$(ip -n "$GWB" xfrm state | grep -c 'mode transport')" = 2 ] ||
	fail "charon's XFRM states are not 2 in transport mode: $(ip -n "$GWB" xfrm state)"
case_end

echo "case 6: IPv4 address, KEY_ID and RFC822 identities, a PSK per pair"
cat >"$IKED_DIR/c6.conf" <<EOC
conn %default
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	right=$GWB_WAN4
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add

# IDs: the addresses, by default.
conn ip
	leftsubnet=$LANA4

conn key
	leftid=@#0123abcd
	rightid=gw-b@example.org
	leftsubnet=10.11.0.0/24
EOC
cat >"$IKED_DIR/c6.secrets" <<EOC
$GWA_WAN4 $GWB_WAN4 : PSK "the key of the addresses"
@#0123abcd gw-b@example.org : PSK "the key of the key id"
EOC
cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	ip {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = $GWB_WAN4
		}
		remote {
			auth = psk
			id = $GWA_WAN4
		}
		children {
			ip {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128gcm16
			}
		}
	}
	key {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = gw-b@example.org
		}
		remote {
			auth = psk
			# Quoted: "#" starts a comment in swanctl.conf.
			id = "@#0123abcd"
		}
		children {
			key {
				local_ts = $LANB4
				remote_ts = 10.11.0.0/24
				esp_proposals = aes128gcm16
			}
		}
	}
}
secrets {
	ike-ip {
		id-a = $GWA_WAN4
		id-b = $GWB_WAN4
		secret = "the key of the addresses"
	}
	ike-key {
		id-a = "@#0123abcd"
		id-b = gw-b@example.org
		secret = "the key of the key id"
	}
}
EOC
charon_conf
kesp_start c6
charon_up ip ip
charon_up key key
wait_sa_count "$GWA" 4 5
pings "$HOSTB" "$HOSTA4"
pings "$HOSTB" 10.11.0.2
kesp_json '
ids = sorted((s["conn"], s["local_id"], s["remote_id"]) for s in sas)
assert ids == [("ip", "192.0.2.1", "192.0.2.2"),
	       ("key", "@#0123abcd", "gw-b@example.org")], ids
for s in sas:
	assert s["state"] == "established" and not s["initiator"], s
	c = s["child_sas"][0]
	assert c["packets_in"] >= 3 and c["packets_out"] >= 3, (s["conn"], c)
'
charon_new_log | grep -E "authentication of '[^']*' with pre-shared key successful" |
	sed 's/^/  charon: /'
echo "  kesp initiates the KEY_ID conn"
iked_ctl c6 ike down key >/dev/null || fail "ike down key"
wait_sa_count "$GWA" 2 5
wait_charon_ike_sas 1 10
kesp_up key
wait_sa_count "$GWA" 4 5
pings "$HOSTA" "$HOSTB4" -I 10.11.0.2
kesp_json '
s = [s for s in sas if s["conn"] == "key"][0]
assert s["initiator"] and s["remote_id"] == "gw-b@example.org", s
'
if grep -qE 'authentication failed|no pre-shared key' "$IKED_DIR/c6.log"; then
	fail "kesp took a wrong key: $(grep -E 'authentication failed|no pre-shared' "$IKED_DIR/c6.log")"
fi
case_end

echo "case 7: narrowed traffic selectors, TS_UNACCEPTABLE"
{
	conn_v4 gw 10.1.0.0/16
	printf '\tike=aes128gcm16-prfsha256-ecp256!\n\tesp=aes128gcm16!\n'
} >"$IKED_DIR/c7.conf"
kesp_secrets c7
swanctl_v4 aes128gcm16-prfsha256-ecp256 "
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = aes128gcm16
			}
			bad {
				local_ts = $LANB4
				remote_ts = 10.99.0.0/24
				esp_proposals = aes128gcm16
			}"
kesp_start c7
charon_up net
wait_sa_count "$GWA" 2 5
kesp_json '
c = sas[0]["child_sas"][0]
assert c["local_ts"] == "10.1.0.0/24" and c["remote_ts"] == "10.2.0.0/24", c
'
ip netns exec "$GWA" "$KESPCTL" -j policy list | python3 -c '
import json, sys
p = [p["sel"] for p in json.load(sys.stdin) if p["action"] == "protect"]
nets = sorted({s["src"] for s in p} | {s["dst"] for s in p})
assert nets == ["10.1.0.0/24", "10.2.0.0/24"], nets
' || fail "kesp's policies are not the narrowed selectors: $(ip netns exec "$GWA" "$KESPCTL" policy list)"
charon_swanctl "$CH" --initiate --child bad --timeout 30 >/dev/null 2>&1 &&
	fail "charon made the CHILD SA to 10.99.0.0/24"
iked_wait_log c7 'TS unacceptable: .*peer proposed TSi 10.2.0.0/24, TSr 10.99.0.0/24; we have rightsubnet 10.2.0.0/24, leftsubnet 10.1.0.0/16' 5
charon_wait_new 'received TS_UNACCEPTABLE notify' 5
grep 'TS unacceptable' "$IKED_DIR/c7.log" | sed 's/^/  kesp: /'
[ "$(charon_ike_sas)" = 1 ] || fail "charon lost its IKE SA"
wait_sa_count "$GWA" 2 1
pings "$HOSTA" "$HOSTB4"
kesp_json '
assert len(sas) == 1 and sas[0]["state"] == "established", sas
assert len(sas[0]["child_sas"]) == 1, sas
assert sas[0]["child_sas"][0]["packets_out"] >= 3, sas
'
case_end
