#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 70
# kespctl reload and SIGHUP under a counted stream, against strongSwan's
# charon. kesp-iked on gateway A starts three conns, each an IKE SA of
# its own (its own IDs) with one CHILD SA:
#   keep    LAN A <-> LAN B: host A sends host B numbered UDP datagrams
#           (50/s) through it the whole time;
#   gone    10.1.1.0/24 <-> 10.2.1.0/24: removed by the reload;
#   change  10.1.2.0/24 <-> 10.2.2.0/24: its esp= changes (aes128gcm16 to
#           aes256gcm16): taken down and up again with the new proposal.
# The reload also adds "new" (10.1.3.0/24 <-> 10.2.3.0/24, auto=start).
# Then a reload of a file with a mistake is refused (kespctl exits
# non-zero and names FILE:LINE) and everything stays; then SIGHUP reads
# the good file again and changes nothing. Checked: not one datagram is
# missing; keep's CHILD SA and kernel SAs keep their SPIs throughout;
# gone's SAs are gone from both sides (charon got the Delete); change
# and new are up with new SPIs, change with AES-GCM-256; the summary
# lines count added 1, removed 1, changed 1, unchanged 1.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

TRAFFIC="python3 $KESP_ROOT/selftests/guest/traffic.py"
command -v python3 >/dev/null || skip "no python3"
[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
CH=$IKED_DIR/charon
UDP_RECV= UDP_SEND=
stop_traffic() {
	local p
	for p in $UDP_SEND $UDP_RECV; do kill "$p" 2>/dev/null; done
}
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; [ -f "$CH/charon.log" ] && _charon_tail "$CH" >&2; }; stop_traffic; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
charon_start "$GWB" "$CH"

# The subnets of each conn, A's then B's.
declare -A NET_A=([keep]=$LANA4 [gone]=10.1.1.0/24 [change]=10.1.2.0/24
	[new]=10.1.3.0/24)
declare -A NET_B=([keep]=$LANB4 [gone]=10.2.1.0/24 [change]=10.2.2.0/24
	[new]=10.2.3.0/24)

kesp_conn() { # kesp_conn NAME ESP
	cat <<EOC
conn $1
	authby=secret
	left=$GWA_WAN4
	leftid=@$1-a.example
	leftsubnet=${NET_A[$1]}
	right=$GWB_WAN4
	rightid=@$1-b.example
	rightsubnet=${NET_B[$1]}
	ike=aes128gcm16-prfsha256-ecp256!
	esp=$2!
	auto=start

EOC
}

charon_conf() {
	local n
	echo "connections {"
	for n in keep gone change new; do
		cat <<EOC
	$n {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = $n-b.example
		}
		remote {
			auth = psk
			id = $n-a.example
		}
		children {
			$n-net {
				local_ts = ${NET_B[$n]}
				remote_ts = ${NET_A[$n]}
				esp_proposals = aes128gcm16,aes256gcm16
			}
		}
	}
EOC
	done
	echo "}"
	echo "secrets {"
	for n in keep gone change new; do
		cat <<EOC
	ike-$n {
		id-a = $n-a.example
		id-b = $n-b.example
		secret = "reload $n key"
	}
EOC
	done
	echo "}"
}
charon_conf >"$IKED_DIR/swanctl.conf"
charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null

for n in keep gone change new; do
	printf '@%s-a.example @%s-b.example : PSK "reload %s key"\n' $n $n $n
done >"$IKED_DIR/a.secrets"
{ kesp_conn keep aes128gcm16; kesp_conn gone aes128gcm16
  kesp_conn change aes128gcm16; } >"$IKED_DIR/a.conf"
# The reload: gone removed, change changed, new added, keep as it was.
{ kesp_conn keep aes128gcm16; kesp_conn change aes256gcm16
  kesp_conn new aes128gcm16; } >"$IKED_DIR/b.conf"

# child NAME: "SPI_IN SPI_OUT ALGORITHM" of NAME's installed CHILD SA
# (nothing when it has none).
child() {
	iked_ctl a -j ike list | python3 -c '
import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    if s["conn"] != sys.argv[1] or s["state"] != "established":
        continue
    for c in s["child_sas"]:
        if c["state"] == "installed":
            print(c["spi_in"], c["spi_out"], c["algorithm"])
' "$1"
}

wait_child() { # wait_child NAME SECS
	local i
	for i in $(seq 1 "$2"); do
		[ -n "$(child "$1")" ] && return 0
		sleep 1
	done
	fail "$1: no CHILD SA after $2 s: $(iked_log a | tail -5)"
}

kernel_has_spi() { # kernel_has_spi NS HEX
	ip netns exec "$1" "$KESPCTL" -j sa list |
		grep -q "\"spi\": *$((16#$2))[,}]"
}

charon_has() { # charon_has NAME: charon has an IKE SA of conn NAME
	charon_swanctl "$CH" --list-sas --raw 2>/dev/null | grep -q "[{ ]$1 {"
}

# Retransmissions at 4 s as in the other charon tests: under TCG charon
# may take longer than 0.5 s to answer, and duplicate half-open SAs make
# it ask for cookies.
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets" \
	--retransmit-timeout 4
for n in keep gone change; do wait_child $n 60; done
wait_sa_count "$GWA" 6 10
KEEP=$(child keep) CHANGE=$(child change) GONE=$(child gone)
echo "before: keep $KEEP; gone $GONE; change $CHANGE"
charon_has gone || fail "charon has no IKE SA of gone"

t=$IKED_DIR/traffic
mkdir -p "$t"
ip netns exec "$HOSTB" $TRAFFIC udp-recv 5001 "$t/udp" &
UDP_RECV=$!
wait_until 10 test -f "$t/udp.ready" || fail "UDP receiver did not start"
ip netns exec "$HOSTA" $TRAFFIC udp-send "$HOSTB4" 5001 50 "$t/stop" \
	>"$t/udp.sent" &
UDP_SEND=$!
sleep 2

echo "reload: keep unchanged, gone removed, change changed, new added"
cp "$IKED_DIR/b.conf" "$IKED_DIR/a.conf"
out=$(iked_ctl a reload 2>&1) || fail "kespctl reload: $out"
echo "  $out"
grep -q 'added 1, removed 1, changed 1, unchanged 1' <<<"$out" ||
	fail "reload summary: $out"
iked_wait_log a 'reload.*added 1, removed 1, changed 1, unchanged 1' 5
for i in $(seq 1 100); do charon_has gone || break; sleep 0.2; done
charon_has gone && fail "charon kept the IKE SA of the removed conn"
charon_wait_log "$CH" "(received DELETE for|deleting) IKE_SA gone\[" 5 ||
	fail "charon never saw the Delete of gone"
for s in $GONE; do
	[[ $s =~ ^[0-9a-f]{8}$ ]] || continue
	kernel_has_spi "$GWA" "$s" && fail "gone's kernel SA $s is still in kesp.ko"
done
ip netns exec "$GWB" ip xfrm state | grep -q "${NET_A[gone]%/*}" &&
	fail "charon kept XFRM state of gone"
ip netns exec "$GWB" ip xfrm policy | grep -q "${NET_A[gone]}" &&
	fail "charon kept XFRM policies of gone"
wait_child change 60
wait_child new 60
wait_sa_count "$GWA" 6 20
CHANGE2=$(child change)
echo "after: keep $(child keep); change $CHANGE2; new $(child new)"
[ "$(child keep)" = "$KEEP" ] || fail "keep's CHILD SA changed: $KEEP -> $(child keep)"
[ "${CHANGE2%% *}" != "${CHANGE%% *}" ] || fail "change was not replaced"
grep -q 'AES_GCM_16_256\|256' <<<"$CHANGE2" ||
	fail "change does not use its new esp=: $CHANGE2"
charon_has new || fail "charon has no IKE SA of new"
read -r kin kout _ <<<"$KEEP"
kernel_has_spi "$GWA" "$kin" || fail "keep's inbound kernel SA $kin is gone"
kernel_has_spi "$GWA" "$kout" || fail "keep's outbound kernel SA $kout is gone"

echo "reload with a mistake: refused, nothing changes"
sed -i '5a\	leftbogus=1' "$IKED_DIR/a.conf"
if out=$(iked_ctl a reload 2>&1); then
	fail "a reload of a file with a mistake succeeded: $out"
fi
echo "  $out"
grep -q "a.conf:6:" <<<"$out" || fail "no FILE:LINE in the refusal: $out"
iked_wait_log a 'reload refused.*a.conf:6:' 5
[ "$(child keep)" = "$KEEP" ] || fail "keep changed after a refused reload"
[ "$(child change)" = "$CHANGE2" ] || fail "change changed after a refused reload"
wait_sa_count "$GWA" 6 2

echo "SIGHUP with the good file again: nothing to do"
cp "$IKED_DIR/b.conf" "$IKED_DIR/a.conf"
kill -HUP "${IKED_PID[a]}"
iked_wait_log a 'added 0, removed 0, changed 0, unchanged 3' 10
[ "$(child keep)" = "$KEEP" ] || fail "keep changed after SIGHUP"
[ "$(child change)" = "$CHANGE2" ] || fail "change changed after SIGHUP"
wait_sa_count "$GWA" 6 2

sleep 2
touch "$t/stop"
wait $UDP_SEND || fail "UDP sender failed"
UDP_SEND=
sleep 2
kill -TERM $UDP_RECV
wait $UDP_RECV
UDP_RECV=
echo "UDP: $(cat "$t/udp.sent"); $(cat "$t/udp")"
read -r _ sent <"$t/udp.sent"
read -r _ got _ high _ missing _ <"$t/udp"
[ "$missing" = 0 ] && [ "$got" = "$sent" ] ||
	fail "UDP through keep: $sent sent, $got received, $missing missing"
[ "$got" -ge 200 ] || fail "UDP: only $got datagrams: the stream did not run"
ip netns exec "$GWA" "$KESPCTL" -j sa list | grep -q "\"spi\": *$((16#$kin))[,}]" ||
	fail "keep's kernel SA is gone at the end"
iked_log a | grep -E 'reload|SIGHUP'
iked_stop a
