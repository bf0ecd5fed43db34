#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 60
# reauth=yes: at its rekey time kesp-iked authenticates the peer again in
# a new IKE SA (IKE_SA_INIT and IKE_AUTH with a new CHILD SA), and only
# then deletes the old IKE SA and its CHILD SAs: make before break.
# A has reauth=yes and ikelifetime=12s (rekeymargin 4s, no fuzz), so it
# reauthenticates every 8 s; pings every 0.1 s run for 20 s.
#  1. against kesp-iked;  2. against strongSwan's charon.
# Each: at least two reauthentications (a new IKE SA, not a rekeyed one:
# no "IKE SA rekeyed"), no ping lost, no error, and one IKE SA and the
# two SAs of one CHILD SA left on each end.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

run modprobe veth
run modprobe kesp
CH=$IKED_DIR/charon
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; [ -f "$CH/charon.log" ] && _charon_tail "$CH" >&2; }; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

conf() { # conf FILE AUTO EXTRA...
	local f=$1 auto=$2
	shift 2
	{
		cat <<EOC
conn site
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=$auto
EOC
		for l in "$@"; do printf '\t%s\n' "$l"; done
	} >"$f"
}
printf '@gw-a.example @gw-b.example : PSK "reauth key"\n' >"$IKED_DIR/s"
REAUTH=(reauth=yes ikelifetime=12s rekeymargin=4s rekeyfuzz=0%)

# The counts after the pings are taken until they are as expected, for up
# to 10 s: a reauthentication every 8 s doubles the SAs for a moment, and
# one may be under way when the pings end.
ike_sas_of() { # ike_sas_of NAME: kesp-iked NAME's established IKE SAs
	iked_ctl "$1" ike diagnose site | grep -c 'IKE SA site\[[0-9]*\]: established'
}
charon_ike_sas() {
	charon_swanctl "$CH" --list-sas | grep -c 'gw: #[0-9]*, ESTABLISHED'
}
charon_xfrm_sas() { ip -n "$GWB" xfrm state | grep -c '^src'; }
counts() { # counts CMD [ARG] N: CMD [ARG] prints N
	local n=${*: -1}
	[ "$("${@:1:$#-1}")" = "$n" ]
}

reauth_check() { # reauth_check: on A's log, after the pings
	local n
	n=$(grep -c 'reauthenticated: ' "$IKED_DIR/a.log")
	echo "reauthentications: $n"
	[ "$n" -ge 2 ] || fail "only $n reauthentications in 20 s"
	grep -q 'IKE SA rekeyed' "$IKED_DIR/a.log" &&
		fail "the IKE SA was rekeyed, not reauthenticated"
	if ! grep -q ' 0% packet loss' "$IKED_DIR/ping"; then
		grep 'no answer' "$IKED_DIR/ping"
		cat "$IKED_DIR/a.log"
		fail "pings lost: $(tail -2 "$IKED_DIR/ping")"
	fi
	grep -E 'error|warning' "$IKED_DIR/a.log" && fail "errors in A's log"
	wait_sa_count "$GWA" 2 5
	wait_until 10 counts ike_sas_of a 1 ||
		fail "A has $(ike_sas_of a) IKE SAs"
}

echo "case 1: against kesp-iked"
conf "$IKED_DIR/a.conf" start "${REAUTH[@]}"
conf "$IKED_DIR/b.conf" add
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/s"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s"
iked_wait_log a 'CHILD SA established' 10
ip netns exec "$HOSTA" ping -D -O -c 200 -i 0.1 -W 2 "$HOSTB4" >"$IKED_DIR/ping"
tail -2 "$IKED_DIR/ping"
grep -h 'reauth\|IKE SA established\|IKE SA deleted' "$IKED_DIR/a.log" "$IKED_DIR/b.log"
reauth_check
grep -E 'error|warning' "$IKED_DIR/b.log" && fail "errors in B's log"
wait_sa_count "$GWB" 2 5
wait_until 10 counts ike_sas_of b 1 || fail "B has $(ike_sas_of b) IKE SAs"
iked_stop a
iked_stop b
wait_sa_count "$GWA" 0 5
wait_sa_count "$GWB" 0 5

echo "case 2: against strongSwan"
[ -x "$CHARON" ] || skip "no strongSwan charon"
charon_start "$GWB" "$CH"
cat >"$IKED_DIR/sw.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
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
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "reauth key"
	}
}
EOC
charon_load "$GWB" "$CH" "$IKED_DIR/sw.conf" >/dev/null
: >"$IKED_DIR/a.log"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s"
iked_wait_log a 'CHILD SA established' 10
ip netns exec "$HOSTA" ping -D -O -c 200 -i 0.1 -W 2 "$HOSTB4" >"$IKED_DIR/ping"
tail -2 "$IKED_DIR/ping"
grep -h 'reauth' "$IKED_DIR/a.log"
reauth_check
wait_until 10 counts charon_ike_sas 1 ||
	{ charon_swanctl "$CH" --list-sas; fail "charon has $(charon_ike_sas) IKE SAs"; }
wait_until 10 counts charon_xfrm_sas 2 ||
	fail "charon has $(charon_xfrm_sas) XFRM SAs"
iked_stop a
wait_sa_count "$GWA" 0 5
exit 0
