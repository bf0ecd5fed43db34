#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 60
# kesp-iked.service under a real systemd: t-iked-systemd.sh fakes the
# manager's sockets, this test boots systemd as PID 1 of a container
# (systemd-nspawn) whose network namespace is gateway A's, on an overlay
# of the guest's / into which `make install-user` installed kesp as on a
# gateway. Gateway B is a plain kesp-iked. kesp.ko is loaded beforehand:
# the container cannot load modules.
#  1. `systemctl start kesp-iked` returns (READY=1); the unit is
#     active/running with the daemon's STATUS= text.
#  2. A ping from LAN A to LAN B makes the tunnel (auto=route) through
#     the sandbox: netlink, UDP 500, the kernel's SAs; `kespctl ike list`
#     in the container reaches the daemon over /run/kesp/iked.sock.
#  3. The sandbox holds: the daemon's CapEff, CapBnd and CapAmb are
#     CAP_NET_ADMIN|CAP_NET_BIND_SERVICE, NoNewPrivs 1, Seccomp 2;
#     /run/kesp is 0700; its leftupdown= script ran (up-client) and
#     could not write /etc.
#  4. `systemctl reload kesp-iked` (SIGHUP) reads a file with one more
#     conn (auto=start): it comes up, the unit is active again with the
#     reload's summary as its status, and the first tunnel still works.
#  5. The journal has the daemon's entries with KESP_CONN=site.
#  6. `systemctl stop kesp-iked` ends it with Result=success: B got the
#     Delete (no SA left on either side), /run/kesp is gone, and the
#     script ran for down-client.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/container.sh"

command -v systemd-nspawn >/dev/null ||
	skip "systemd-nspawn is not installed (systemd-container)"
run modprobe veth
run modprobe kesp
# --one-file-system: should the overlay of / still be mounted in
# IKED_DIR, rm must not walk the whole root through it.
trap 'rc=$?; [ $rc = 0 ] || { iked_dump_logs; ct_dump_logs; }
	ct_stop; iked_kill_all; netns_cleanup
	rm -rf --one-file-system "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

# A's files, as an admin would put them in /etc/kesp; B reads the same
# conns (each side finds itself by address) from plain files. Each conn
# has IDs of its own: B tells them apart by the IDs.
ct_prepare "$IKED_DIR/ct"
conns() { # conns AUTO_OF_MORE
	cat <<EOC
conn %default
	keyexchange=ikev2
	authby=secret
	left=$GWA_WAN4
	right=$GWB_WAN4
	ike=aes256gcm16-prfsha256-ecp256!
	esp=aes256gcm16!
	leftupdown=/etc/kesp/updown.sh

conn site
	leftid=@gw-a.example
	rightid=@gw-b.example
	leftsubnet=$LANA4
	rightsubnet=$LANB4
	auto=route
EOC
	[ -n "$1" ] && cat <<EOC

conn more
	leftid=@more-a.example
	rightid=@more-b.example
	leftsubnet=10.1.1.0/24
	rightsubnet=10.2.1.0/24
	auto=$1
EOC
	return 0
}
conns "" >"$CT_ROOT/etc/kesp/ipsec.conf"
printf '@%s-a.example @%s-b.example : PSK "kesp under systemd"\n' \
	gw gw more more >"$CT_ROOT/etc/kesp/ipsec.secrets"
chmod 600 "$CT_ROOT/etc/kesp/ipsec.secrets"
# The script tells the journal its verb and whether /etc was writable
# (ProtectSystem=strict: it must not be); in a subshell, as a failed
# redirection of a builtin ends sh.
cat >"$CT_ROOT/etc/kesp/updown.sh" <<'EOS'
#!/bin/sh
w="/etc read-only"
(: >/etc/kesp/updown-wrote) 2>/dev/null && w="/etc writable"
echo "$PLUTO_VERB $PLUTO_CONNECTION: $w" | systemd-cat -t kesp-updown
EOS
chmod 755 "$CT_ROOT/etc/kesp/updown.sh"
conns add >"$IKED_DIR/b.conf"
sed '/leftupdown/d' -i "$IKED_DIR/b.conf"
cp "$CT_ROOT/etc/kesp/ipsec.secrets" "$IKED_DIR/b.secrets"
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/b.secrets"

ct_boot "$GWA"

# unit_is PROP ERE: `systemctl show` says PROP=VALUE, VALUE matching ERE.
unit_is() {
	ct systemctl show -p "$1" --value kesp-iked | grep -qxE -- "$2"
}
journal_has() { # journal_has ERE [journalctl ARGS]: an entry matches
	local re=$1
	shift
	ct journalctl --no-pager -q "$@" | grep -qE -- "$re"
}

echo "case 1: systemctl start, READY=1, STATUS="
out=$(ct systemctl start kesp-iked 2>&1) ||
	fail "systemctl start kesp-iked: $out"
state=$(ct systemctl show -p ActiveState,SubState,StatusText kesp-iked)
echo "$state"
grep -qx 'ActiveState=active' <<<"$state" &&
	grep -qx 'SubState=running' <<<"$state" &&
	grep -qx 'StatusText=1 conns from /etc/kesp/ipsec.conf, control socket /run/kesp/iked.sock' <<<"$state" ||
	fail "kesp-iked.service is not active/running with its status"

echo "case 2: the tunnel through the sandbox"
ip netns exec "$HOSTA" ping -c 1 -W 8 "$HOSTB4" >/dev/null ||
	fail "no reply through the tunnel"
ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
	fail "ping A -> B"
ct kespctl ike list | grep -q '^site\[1\]: ESTABLISHED' ||
	fail "kespctl in the container: no established IKE SA of site: $(ct kespctl ike list 2>&1)"
iked_ctl b -j ike list | grep -qE '"packets_in": *([4-9]|[0-9]{2,})' ||
	fail "B's CHILD SA did not carry the pings"
wait_sa_count "$GWA" 2 5

echo "case 3: the sandbox"
pid=$(ct systemctl show -p MainPID --value kesp-iked)
status=$(ct cat "/proc/$pid/status") || fail "no /proc/$pid/status"
grep -E '^(Cap(Eff|Prm|Bnd|Amb|Inh)|NoNewPrivs|Seccomp):' <<<"$status"
for f in CapEff CapBnd CapAmb; do # 1 << 12 | 1 << 10
	grep -qx "$f:[[:space:]]*0000000000001400" <<<"$status" ||
		fail "$f is not CAP_NET_ADMIN|CAP_NET_BIND_SERVICE"
done
grep -qx 'NoNewPrivs:[[:space:]]*1' <<<"$status" || fail "NoNewPrivs is not 1"
grep -qx 'Seccomp:[[:space:]]*2' <<<"$status" || fail "no seccomp filter"
mode=$(ct stat -c %a /run/kesp)
[ "$mode" = 700 ] || fail "/run/kesp is $mode, not 700"
wait_until 10 journal_has '^up-client site: ' -t kesp-updown -o cat ||
	fail "the leftupdown= script did not run for up-client"
journal_has '^up-client site: /etc read-only$' -t kesp-updown -o cat ||
	fail "the leftupdown= script could write /etc"
[ -e "$CT_UPPER/etc/kesp/updown-wrote" ] && fail "a file was written to /etc"

echo "case 4: systemctl reload"
conns start >"$CT_ROOT/etc/kesp/ipsec.conf"
run ct systemctl reload kesp-iked
more_up() { ct kespctl ike list | grep -q '^more\[[0-9]*\]: ESTABLISHED'; }
wait_until 20 more_up || fail "conn more did not come up after the reload"
wait_until 5 unit_is StatusText \
	'reloaded /etc/kesp/ipsec\.conf: added 1, removed 0, changed 0, unchanged 1; .*' ||
	fail "status after the reload: $(ct systemctl show -p StatusText kesp-iked)"
unit_is ActiveState active || fail "not active after the reload"
ip netns exec "$HOSTA" ping -c 2 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
	fail "site's tunnel broke on the reload"
wait_sa_count "$GWA" 4 5

echo "case 5: journal entries with KESP_CONN"
journal_has 'MESSAGE=site\[1\] IKE SA established with' \
	-u kesp-iked KESP_CONN=site -o verbose ||
	fail "no journal entry of kesp-iked with KESP_CONN=site"
journal_has 'MESSAGE=more\[[0-9]+\] CHILD SA established' \
	-u kesp-iked KESP_CONN=more -o verbose ||
	fail "no journal entry of kesp-iked with KESP_CONN=more"

echo "case 6: systemctl stop"
run ct systemctl stop kesp-iked
unit_is ActiveState inactive && unit_is Result success ||
	fail "after stop: $(ct systemctl show -p ActiveState,Result kesp-iked)"
wait_sa_count "$GWB" 0 5
wait_sa_count "$GWA" 0 5
iked_wait_log b 'site\[[0-9]+\] IKE SA deleted by the peer' 5
ct test -e /run/kesp && fail "/run/kesp is still there"
wait_until 10 journal_has '^down-client site: ' -t kesp-updown -o cat ||
	fail "the leftupdown= script did not run for down-client"
iked_stop b
echo "ok"
