#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 20
# kesp-iked as systemd runs it, without systemd: a datagram socket stands
# in for $NOTIFY_SOCKET and another for /run/systemd/journal/socket
# (dgram_sink.py), and $JOURNAL_STREAM names the file its stderr is, as
# systemd names the stream it gives a service.
#  1. Gateway A reports READY=1 with a STATUS= line once started.
#  2. Its log lines reach the journal socket as entries: the start line
#     without KESP_CONN, the tunnel's lines (on demand, from a ping) with
#     KESP_CONN=site, KESP_IKE_SA=1, PRIORITY=6, SYSLOG_IDENTIFIER; none
#     of them on its stderr. Gateway B, started without those variables,
#     logs text to stderr as before.
#  3. SIGTERM: STOPPING=1 before it exits.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

JOURNAL=/run/systemd/journal/socket
[ -S "$JOURNAL" ] && fail "$JOURNAL exists: a journald runs in this guest"
run modprobe veth
run modprobe kesp
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; cat "$IKED_DIR"/*.sink >&2; }
	iked_kill_all; kill "$SINK" 2>/dev/null; rm -f "$JOURNAL"
	netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

mkdir -p "$(dirname "$JOURNAL")"
notify=$IKED_DIR/notify
python3 "$KESP_ROOT/selftests/guest/dgram_sink.py" \
	"$notify" "$IKED_DIR/notify.sink" "$JOURNAL" "$IKED_DIR/journal.sink" &
SINK=$!
wait_until 10 test -S "$JOURNAL" || fail "dgram_sink.py did not bind"
wait_until 10 test -S "$notify" || fail "dgram_sink.py did not bind"

cat >"$IKED_DIR/site.conf" <<EOC
conn site
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes256gcm16-prfsha256-ecp256!
	esp=aes256gcm16!
	auto=route
EOC
printf '@gw-a.example @gw-b.example : PSK "kesp systemd test"\n' \
	>"$IKED_DIR/site.secrets"
cp "$IKED_DIR/site.secrets" "$IKED_DIR/b.secrets"

# A's stderr is a.log (iked_start appends to it): its device and inode.
: >"$IKED_DIR/a.log"
export JOURNAL_STREAM NOTIFY_SOCKET=$notify
JOURNAL_STREAM=$(stat -c '%d:%i' "$IKED_DIR/a.log")
iked_start a "$GWA" "$IKED_DIR/site.conf" "$IKED_DIR/site.secrets"
unset JOURNAL_STREAM NOTIFY_SOCKET
iked_start b "$GWB" "$IKED_DIR/site.conf" "$IKED_DIR/b.secrets"

sink_has() { # sink_has NAME ERE: a datagram of NAME.sink matches ERE
	grep -qE -- "$2" "$IKED_DIR/$1.sink"
}

echo "case 1: READY=1"
wait_until 10 sink_has notify \
	"^READY=1\|STATUS=1 conns from $IKED_DIR/site.conf, control socket $IKED_DIR/a.sock$" ||
	fail "no READY=1 with its STATUS= on the notify socket"

echo "case 2: journal entries with KESP_CONN"
ip netns exec "$HOSTA" ping -c 1 -W 5 "$HOSTB4" >/dev/null ||
	fail "no reply through the tunnel"
fields='PRIORITY=6\|SYSLOG_IDENTIFIER=kesp-iked\|SYSLOG_FACILITY=3\|'
wait_until 10 sink_has journal \
	"^${fields}KESP_CONN=site\|KESP_IKE_SA=1\|MESSAGE=site\[1\] IKE SA established with $GWB_WAN4\[500\]" ||
	fail "no journal entry 'IKE SA established' with KESP_CONN=site"
wait_until 10 sink_has journal \
	"^${fields}KESP_CONN=site\|KESP_IKE_SA=1\|MESSAGE=site\[1\] CHILD SA established" ||
	fail "no journal entry 'CHILD SA established'"
sink_has journal "^${fields}MESSAGE=kesp-iked [^|]* started: 1 conns" ||
	fail "no journal entry for the start, without KESP_CONN"
grep -q 'established' "$IKED_DIR/a.log" &&
	fail "A logged to stderr though its stderr is the journal's stream"
iked_wait_log b 'site\[[0-9]+\] IKE SA established' 5
grep -q "KESP_CONN=site|KESP_IKE_SA=[0-9]*|MESSAGE=site\[[0-9]*\] IKE SA established with $GWA_WAN4" \
	"$IKED_DIR/journal.sink" && fail "B's lines reached the journal socket"
echo "journal entries: $(wc -l <"$IKED_DIR/journal.sink")"

echo "case 3: STOPPING=1"
sink_has notify '^STOPPING=1' && fail "STOPPING=1 before SIGTERM"
iked_stop a
sink_has notify '^STOPPING=1\|STATUS=deleting the tunnels$' ||
	fail "no STOPPING=1 on SIGTERM"
iked_stop b
echo "ok"
