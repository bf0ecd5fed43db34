#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 25
# leftupdown= against strongSwan's charon: kesp-iked on gateway A runs the
# script with strongSwan's PLUTO_* environment when its CHILD SA goes up
# (up-client) and down (down-client), without waiting for it; a script
# that fails is logged with its exit status and output, and the tunnel
# stays and carries traffic.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

[ -x /usr/lib/ipsec/charon ] || skip "strongSwan's charon is not installed"
run modprobe veth
run modprobe kesp
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait
PSK="updown scripts run"
CH=$IKED_DIR/charon
OUT=$IKED_DIR/updown.out
charon_start "$GWB" "$CH"

# The script records its verb and environment; $1 is its exit status.
cat >"$IKED_DIR/updown.sh" <<EOS
#!/bin/sh
{ echo "== \$PLUTO_VERB"; env | grep '^PLUTO_' | sort; } >>"$OUT"
[ "\${1:-0}" = 0 ] || { echo "boom: \$PLUTO_VERB"; exit "\$1"; }
EOS
chmod +x "$IKED_DIR/updown.sh"

kesp_conf() { # kesp_conf UPDOWN
	cat >"$IKED_DIR/a.conf" <<EOC
conn gw
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	leftupdown="$1"
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=add
EOC
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" \
		>"$IKED_DIR/a.secrets"
}

cat >"$IKED_DIR/swanctl.conf" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = aes128gcm16-prfsha256-ecp256
		local { auth = psk
			id = gw-b.example }
		remote { auth = psk
			id = gw-a.example }
		children { net {
			local_ts = $LANB4
			remote_ts = $LANA4
			esp_proposals = aes128gcm16 } }
	}
}
secrets { ike-gw { id-a = gw-a.example
	id-b = gw-b.example
	secret = "$PSK" } }
EOC
charon_load "$GWB" "$CH" "$IKED_DIR/swanctl.conf" >/dev/null

ping_both() { # ping_both WHAT
	ip netns exec "$HOSTA" ping -c 2 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$1: ping A -> B"
	ip netns exec "$HOSTB" ping -c 2 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$1: ping B -> A"
}

wait_verb() { # wait_verb VERB: the script ran with it
	for i in $(seq 1 100); do
		grep -q "^== $1\$" "$OUT" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the script did not run for $1: $(cat "$OUT" 2>/dev/null)"
}

has() { # has VERB KEY=VALUE: in the environment the script had for VERB
	awk -v v="== $1" '$0 == v { on = 1; next } /^== / { on = 0 } on' "$OUT" |
		grep -qx "$2" || fail "$1: no $2 in: $(cat "$OUT")"
}

echo "up and down with the environment"
kesp_conf "$IKED_DIR/updown.sh"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
out=$(iked_ctl a ike up gw) || fail "ike up: $out"
wait_sa_count "$GWA" 2 5
wait_verb up-client
ping_both "with updown"
for kv in PLUTO_VERB=up-client PLUTO_CONNECTION=gw PLUTO_VERSION=1.1 \
	PLUTO_ME=$GWA_WAN4 PLUTO_PEER=$GWB_WAN4 PLUTO_PROTO=esp \
	PLUTO_MY_ID=gw-a.example PLUTO_PEER_ID=gw-b.example \
	PLUTO_MY_CLIENT=$LANA4 PLUTO_PEER_CLIENT=$LANB4 \
	PLUTO_MY_CLIENT_NET=${LANA4%/*} PLUTO_MY_CLIENT_MASK=255.255.255.0 \
	PLUTO_PEER_CLIENT_NET=${LANB4%/*} PLUTO_MY_PROTOCOL=0 PLUTO_MY_PORT=0 \
	PLUTO_UNIQUEID=1 PLUTO_INTERFACE=$WAN_IF; do
	has up-client "$kv"
done
reqid=$(awk -F= '/^PLUTO_REQID=/ { print $2; exit }' "$OUT")
[ -n "$reqid" ] && [ "$reqid" -gt 0 ] || fail "PLUTO_REQID=$reqid"
iked_ctl a ike down gw >/dev/null || fail "ike down"
wait_sa_count "$GWA" 0 5
wait_verb down-client
has down-client PLUTO_VERB=down-client
has down-client "PLUTO_REQID=$reqid"
has down-client "PLUTO_PEER_CLIENT=$LANB4"
iked_wait_log a 'updown: running .* for CHILD SA #1 going down' 5
iked_stop a

echo "a failing script is logged, the tunnel stays"
rm -f "$OUT"
kesp_conf "$IKED_DIR/updown.sh 3"
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/a.secrets"
out=$(iked_ctl a ike up gw) || fail "ike up (failing script): $out"
wait_sa_count "$GWA" 2 5
wait_verb up-client
iked_wait_log a 'updown: .*updown.sh 3 up-client failed with exit status 3: boom: up-client \(the tunnel stays\)' 10
ping_both "after the failing script"
iked_stop a
sed 's/^/kesp-iked: /' "$IKED_DIR/a.log" | grep updown
