#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 80
# ESP in UDP (RFC 3948, NAT traversal) on the wire.
#
# Part 1, interop: gateway A (kesp, its encapsulation sockets from
# `kespctl encap listen`) and gateway B (the kernel's XFRM, states with
# `encap espinudp 4500 4500`, a UDP_ENCAP socket on 4500 kept open by
# python) pass ICMP, UDP and TCP both ways, started from either side, in
# tunnel mode (IPv4 and IPv6 outside) and transport mode (IPv4, IPv6).
# The wire carries the SAs' ESP only inside UDP 4500 (no IP protocol 50),
# with UDP checksum 0 over IPv4 and a valid one over IPv6; kesp's SAs and
# XFRM's states count the packets and no errors.
#
# Part 2, NAT: A (kesp) sits behind a NAT namespace that rewrites its UDP
# source port 4500 to 40001; B (kesp) has its SAs towards A's public
# address and port 40001; traffic passes. Then the NAT maps A to 40002
# (new rule, conntrack flushed): B sends a MAPPING event (kespctl
# monitor), A's packets still decrypt, B's replies to the old port are
# lost; after `kespctl sa update ... encap` on B traffic flows again. NAT
# keepalives to B's port 4500 are absorbed and counted.
#
# Part 3: kesp.ko unloads while the encapsulation sockets are open and
# ESP in UDP flows; the sockets go on as plain UDP sockets, and the module
# loads again and takes a socket again.
. "$KESP_ROOT/selftests/lib/guest.sh"

command -v python3 >/dev/null || skip "no python3"
command -v nft >/dev/null || skip "no nft"
ip xfrm state list >/dev/null 2>&1 || skip "ip xfrm does not work"
modprobe -a esp4 esp6 xfrm_user || skip "cannot load esp4, esp6, xfrm_user"
[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
run modprobe kesp
"$KESPCTL" version | grep -q '^capabilities:.* udp-encap' ||
	fail "kespctl version does not list udp-encap: $("$KESPCTL" version)"

PROBE=$KESP_ROOT/selftests/guest/encap_probe.py
tmp=$(mktemp -d)
BG=()
cleanup() {
	local p
	for p in "${BG[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
	netns_cleanup
}
trap cleanup EXIT

# bg NAME NS CMD...: CMD in NS in the background, output in $tmp/NAME.
bg() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$tmp/$name" 2>&1 &
	BG+=($!)
}

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "no '$2' in $1: $(cat "$1")"
}

hex() {
	od -An -tx1 -v -N "$1" /dev/urandom | tr -d ' \n'
}

ncase=0
failed=()

# =================== part 1: kesp (gwa) against XFRM (gwb) ===================

MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
netns_add gwa
netns_add gwb
run ip link add va address $MAC_A netns gwa type veth \
	peer name vb address $MAC_B netns gwb

gw() {
	local ns=$1 dev=$2 n=$3 peer=$((3 - $3)) mac=$4
	run ip -n "$ns" link set lo up
	run ip -n "$ns" link set "$dev" up
	run ip -n "$ns" addr add 192.0.2.$n/24 dev "$dev"
	run ip -n "$ns" addr add 2001:db8::$n/64 dev "$dev" nodad
	run ip -n "$ns" link add inner type dummy
	run ip -n "$ns" link set inner up
	run ip -n "$ns" addr add 10.$n.0.1/16 dev inner
	run ip -n "$ns" addr add fd0$n::1/64 dev inner nodad
	run ip -n "$ns" route add 10.$peer.0.0/16 via 192.0.2.$peer dev "$dev"
	run ip -n "$ns" route add fd0$peer::/64 via 2001:db8::$peer dev "$dev"
	run ip -n "$ns" neigh add 192.0.2.$peer lladdr "$mac" dev "$dev" \
		nud permanent
	run ip -n "$ns" neigh add 2001:db8::$peer lladdr "$mac" dev "$dev" \
		nud permanent
}
gw gwa va 1 $MAC_B
gw gwb vb 2 $MAC_A

# XFRM's encapsulation sockets (IPv4 and IPv6 on 4500), as charon keeps.
cat >"$tmp/xfrm_sock.py" <<'PY'
import signal, socket
UDP_ENCAP, ESPINUDP = 100, 2
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, ESPINUDP)
s4.bind(("0.0.0.0", 4500))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, ESPINUDP)
s6.bind(("::", 4500))
print("ready", flush=True)
signal.pause()
PY
bg xfrm-sock gwb python3 "$tmp/xfrm_sock.py"
bg listen-a4 gwa "$KESPCTL" encap listen 4500
bg listen-a6 gwa "$KESPCTL" encap listen -6 4500
wait_for "$tmp/xfrm-sock" ready
wait_for "$tmp/listen-a4" listening
wait_for "$tmp/listen-a6" listening

cfg() {
	local out
	out=$("$@" 2>&1) && return 0
	echo "  FAIL: '$*' exited $?: $out"
	return 1
}

# case_run MODE FAM ENC INTEG|-: one SA pair each way with encapsulation.
case_run() {
	local mode=$1 fam=$2 enc=$3 integ=$4 name start=$SECONDS
	local oa ob na nb ia ib oaddr k=(ip netns exec gwa "$KESPCTL")
	local spi_ab spi_ba key_ab key_ba ikey_ab ikey_ba alg_ab alg_ba
	local kalg_ab kalg_ba out rc
	ncase=$((ncase + 1))
	name="$mode IPv$fam $enc"
	[ "$integ" != - ] && name+="/$integ"
	echo "case $ncase: $name"
	if [ "$fam" = 4 ]; then
		oa=192.0.2.1 ob=192.0.2.2 oaddr=0.0.0.0
	else
		oa=2001:db8::1 ob=2001:db8::2 oaddr=::
	fi
	if [ "$mode" = transport ]; then
		ia=$oa ib=$ob
		if [ "$fam" = 4 ]; then na=$oa/32 nb=$ob/32; else
			na=$oa/128 nb=$ob/128; fi
	elif [ "$fam" = 4 ]; then
		ia=10.1.0.1 ib=10.2.0.1 na=10.1.0.0/16 nb=10.2.0.0/16
	else
		ia=fd01::1 ib=fd02::1 na=fd01::/64 nb=fd02::/64
	fi
	spi_ab=$(printf '0x%x' $((0x3000 + ncase)))
	spi_ba=$(printf '0x%x' $((0x4000 + ncase)))
	if [ "$enc" = aes-gcm-16 ]; then
		key_ab=$(hex 20) key_ba=$(hex 20)
		alg_ab=(aead 'rfc4106(gcm(aes))' "0x$key_ab" 128)
		alg_ba=(aead 'rfc4106(gcm(aes))' "0x$key_ba" 128)
		kalg_ab=(enc aes-gcm-16 keyfile "$tmp/key-ab")
		kalg_ba=(enc aes-gcm-16 keyfile "$tmp/key-ba")
	else
		key_ab=$(hex 16) key_ba=$(hex 16)
		ikey_ab=$(hex 32) ikey_ba=$(hex 32)
		alg_ab=(enc 'cbc(aes)' "0x$key_ab" auth-trunc 'hmac(sha256)'
			"0x$ikey_ab" 128)
		alg_ba=(enc 'cbc(aes)' "0x$key_ba" auth-trunc 'hmac(sha256)'
			"0x$ikey_ba" 128)
		kalg_ab=(enc aes-cbc keyfile "$tmp/key-ab" integ "$integ"
			 integkeyfile "$tmp/ikey-ab")
		kalg_ba=(enc aes-cbc keyfile "$tmp/key-ba" integ "$integ"
			 integkeyfile "$tmp/ikey-ba")
		(umask 077; echo "$ikey_ab" >"$tmp/ikey-ab"
		 echo "$ikey_ba" >"$tmp/ikey-ba")
	fi
	(umask 077; echo "$key_ab" >"$tmp/key-ab"; echo "$key_ba" >"$tmp/key-ba")

	"${k[@]}" policy flush
	"${k[@]}" sa flush
	"${k[@]}" stats reset
	ip -n gwb xfrm policy flush
	ip -n gwb xfrm state flush
	# B: XFRM, both states in UDP 4500 <-> 4500.
	if ! cfg ip -n gwb xfrm state add src "$ob" dst "$oa" proto esp \
		spi "$spi_ba" "${alg_ba[@]}" mode "$mode" reqid "$ncase" \
		encap espinudp 4500 4500 "$oaddr" sel src "$nb" dst "$na" ||
	   ! cfg ip -n gwb xfrm state add src "$oa" dst "$ob" proto esp \
		spi "$spi_ab" "${alg_ab[@]}" mode "$mode" reqid "$ncase" \
		replay-window 128 encap espinudp 4500 4500 "$oaddr" \
		sel src "$na" dst "$nb" ||
	   ! cfg ip -n gwb xfrm policy add dir out src "$nb" dst "$na" \
		priority 100 tmpl src "$ob" dst "$oa" proto esp \
		reqid "$ncase" mode "$mode" ||
	   ! cfg ip -n gwb xfrm policy add dir in src "$na" dst "$nb" \
		priority 100 tmpl src "$oa" dst "$ob" proto esp \
		reqid "$ncase" mode "$mode"; then
		failed+=("$name (XFRM configuration)")
		return
	fi
	# In transport mode the ESP-in-UDP datagrams themselves fall under
	# B's "in" policy: let UDP 4500 through, as charon's socket policy does.
	if [ "$mode" = transport ] &&
	   ! cfg ip -n gwb xfrm policy add dir in src "$na" dst "$nb" \
		proto udp sport 4500 dport 4500 priority 10; then
		failed+=("$name (XFRM configuration)")
		return
	fi
	# A: kesp.
	if ! cfg "${k[@]}" sa add spi "$spi_ab" dir out src "$oa" dst "$ob" \
		mode "$mode" "${kalg_ab[@]}" reqid "$ncase" \
		sel src "$na" dst "$nb" encap 4500 4500 ||
	   ! cfg "${k[@]}" sa add spi "$spi_ba" dir in src "$ob" dst "$oa" \
		mode "$mode" "${kalg_ba[@]}" reqid "$ncase" \
		sel src "$nb" dst "$na" encap 4500 4500 ||
	   ! cfg "${k[@]}" policy add dir out src "$na" dst "$nb" \
		action protect tmpl mode "$mode" src "$oa" dst "$ob" \
		reqid "$ncase" ||
	   ! cfg "${k[@]}" policy add dir in src "$nb" dst "$na" \
		action protect tmpl mode "$mode" src "$ob" dst "$oa" \
		reqid "$ncase"; then
		failed+=("$name (kesp configuration)")
		return
	fi
	out=$(timeout 120 python3 "$PROBE" a="gwa:$ia" b="gwb:$ib" \
		sniff=gwa:va outer_a="$oa" outer_b="$ob" spi_ab="$spi_ab" \
		spi_ba="$spi_ba" mode="$mode" tcp=1 big=1 2>&1)
	rc=$?
	echo "$out"
	# Each side's own account: packets and no errors.
	if ! python3 - "$spi_ab" "$spi_ba" \
		"$("${k[@]}" -j sa list)" "$("${k[@]}" -j stats)" \
		"$(ip -n gwb -s xfrm state)" <<'PY'
import json, re, sys
spi_ab, spi_ba = int(sys.argv[1], 0), int(sys.argv[2], 0)
sas = {(s["spi"], s["dir"]): s for s in json.loads(sys.argv[3])}
ok = True
for key in ((spi_ab, "out"), (spi_ba, "in")):
    s = sas.get(key)
    errs = {e: n for e, n in (s or {}).get("errors", {}).items()
            if n and e != "out-too-big"}
    if not s or not s["packets"] or errs or \
       s.get("encap") != {"sport": 4500, "dport": 4500}:
        print("  FAIL: kesp SA 0x%x %s: %s" % (key[0], key[1], s))
        ok = False
    else:
        print("  kesp SA 0x%x %s: %d packets, encap %s" % (
            key[0], key[1], s["packets"], s["encap"]))
drops = {c: n for c, n in json.loads(sys.argv[4]).items()
         if n and c != "out-too-big"}
if drops:
    print("  FAIL: kesp drop counters: %s" % drops)
    ok = False
cur = None
for l in sys.argv[5].splitlines():
    m = re.search(r"proto esp spi (0x[0-9a-f]+)", l)
    if m:
        cur = int(m.group(1), 16)
    m = re.search(r"(\d+)\(packets\)", l)
    if m and cur is not None:
        print("  XFRM state 0x%x: %s packets" % (cur, m.group(1)))
        if not int(m.group(1)):
            print("  FAIL: XFRM state 0x%x carried nothing" % cur)
            ok = False
        cur = None
sys.exit(0 if ok else 1)
PY
	then
		rc=1
	fi
	if [ "$rc" = 0 ]; then
		echo "  ok ($((SECONDS - start))s)"
	else
		echo "  FAILED: $name"
		"${k[@]}" sa list
		ip -n gwb -s xfrm state | grep -E 'spi|packets|encap'
		failed+=("$name")
	fi
}

case_run tunnel 4 aes-gcm-16 -

# The UDP header counts in the path MTU: over a 1500-byte link, AES-GCM
# (8 bytes of IV, 16 of ICV) in IPv4 + UDP + ESP leaves 1500 - 20 - 8 -
# 8 - 8 - 16 = 1440 for the inner packet and its two trailer bytes, so
# 1438 (1446 without the UDP header). The TCP segments of the case just
# run were too big: kesp answered with that MTU, which the sender's
# route now holds; a datagram of exactly 1438 bytes goes through, one
# byte more is refused by the sender's own stack.
pmtu() {
	ip netns exec gwa python3 - <<'PY'
import socket, sys
IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.bind(("10.1.0.1", 0))
s.connect(("10.2.0.1", 7777))
mtu = s.getsockopt(socket.IPPROTO_IP, IP_MTU)
print("  path MTU through the tunnel: %d" % mtu)
s.send(b"x" * (1438 - 28))
try:
    s.send(b"x" * (1439 - 28))
    sys.exit("  FAIL: a 1439-byte datagram was sent")
except OSError as e:
    print("  1439 bytes refused: %s" % e.strerror)
sys.exit(0 if mtu == 1438 else "  FAIL: expected 1438")
PY
}
ncase=$((ncase + 1))
echo "case $ncase: path MTU with the UDP header"
pmtu || failed+=("path MTU with the UDP header")

case_run tunnel 4 aes-cbc hmac-sha256-128
case_run tunnel 6 aes-gcm-16 -
case_run transport 4 aes-gcm-16 -
case_run transport 4 aes-cbc hmac-sha256-128
case_run transport 6 aes-gcm-16 -
ip netns exec gwa "$KESPCTL" policy flush
ip netns exec gwa "$KESPCTL" sa flush
for p in "${BG[@]}"; do
	kill "$p" 2>/dev/null
done
wait 2>/dev/null
BG=()
netns_cleanup

# =================== part 2: kesp behind a NAT, kesp on B ===================
#
#   gwa va 192.168.1.2 --- na 192.168.1.1 [nat] nb 198.51.100.1 --- vb 198.51.100.2 gwb
#   inner 10.1.0.1/16                                                inner 10.2.0.1/16

echo "NAT: A behind a port-rewriting NAT"
netns_add gwa
netns_add nat
netns_add gwb
run ip link add va netns gwa type veth peer name na netns nat
run ip link add nb netns nat type veth peer name vb netns gwb
for ns in gwa nat gwb; do
	run ip -n $ns link set lo up
done
run ip -n gwa addr add 192.168.1.2/24 dev va
run ip -n gwa link set va up
run ip -n gwa route add default via 192.168.1.1
run ip -n nat addr add 192.168.1.1/24 dev na
run ip -n nat addr add 198.51.100.1/24 dev nb
run ip -n nat link set na up
run ip -n nat link set nb up
run ip netns exec nat sysctl -q -w net.ipv4.ip_forward=1
run ip -n gwb addr add 198.51.100.2/24 dev vb
run ip -n gwb link set vb up
run ip -n gwb route add default via 198.51.100.1
for n in 1 2; do
	ns=gwa
	[ $n = 2 ] && ns=gwb
	run ip -n $ns link add inner type dummy
	run ip -n $ns link set inner up
	run ip -n $ns addr add 10.$n.0.1/16 dev inner
done

nat_port() { # nat_port PORT: A's UDP 4500 leaves the NAT from PORT.
	cat >"$tmp/nat.nft" <<EOF
flush ruleset
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "nb" udp sport 4500 snat to 198.51.100.1:$1
		oifname "nb" masquerade
	}
}
EOF
	run ip netns exec nat nft -f "$tmp/nat.nft"
}
nat_port 40001

# Forget the NAT's mappings (conntrack -F, without conntrack-tools).
cat >"$tmp/ct_flush.py" <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
# IPCTNL_MSG_CT_DELETE (subsys CTNETLINK 1, msg 2) without a tuple: flush.
body = struct.pack("BBH", socket.AF_INET, 0, 0)
hdr = struct.pack("=IHHII", 16 + len(body), (1 << 8) | 2, 0x1 | 0x4, 1, 0)
s.send(hdr + body)
r = s.recv(4096)
err = struct.unpack("=i", r[16:20])[0]
raise SystemExit(0 if err in (0, -2) else "conntrack flush: %d" % err)
PY

(umask 077; hex 20 >"$tmp/nk-ab"; hex 20 >"$tmp/nk-ba")
KA=(ip netns exec gwa "$KESPCTL")
KB=(ip netns exec gwb "$KESPCTL")
G=(mode tunnel enc aes-gcm-16 reqid 7)
run "${KA[@]}" sa add spi 0x5001 dir out src 192.168.1.2 dst 198.51.100.2 \
	"${G[@]}" keyfile "$tmp/nk-ab" encap 4500 4500
run "${KA[@]}" sa add spi 0x5002 dir in src 198.51.100.2 dst 192.168.1.2 \
	"${G[@]}" keyfile "$tmp/nk-ba" encap 4500 4500
run "${KA[@]}" policy add dir out src 10.1.0.0/16 dst 10.2.0.0/16 \
	action protect tmpl mode tunnel src 192.168.1.2 dst 198.51.100.2 reqid 7
run "${KA[@]}" policy add dir in src 10.2.0.0/16 dst 10.1.0.0/16 \
	action protect tmpl mode tunnel src 198.51.100.2 dst 192.168.1.2 reqid 7
run "${KB[@]}" sa add spi 0x5002 dir out src 198.51.100.2 dst 198.51.100.1 \
	"${G[@]}" keyfile "$tmp/nk-ba" encap 4500 40001
run "${KB[@]}" sa add spi 0x5001 dir in src 198.51.100.1 dst 198.51.100.2 \
	"${G[@]}" keyfile "$tmp/nk-ab" encap 40001 4500
run "${KB[@]}" policy add dir out src 10.2.0.0/16 dst 10.1.0.0/16 \
	action protect tmpl mode tunnel src 198.51.100.2 dst 198.51.100.1 reqid 7
run "${KB[@]}" policy add dir in src 10.1.0.0/16 dst 10.2.0.0/16 \
	action protect tmpl mode tunnel src 198.51.100.1 dst 198.51.100.2 reqid 7
bg nat-listen-a gwa "$KESPCTL" encap listen 4500
bg nat-listen-b gwb "$KESPCTL" encap listen 4500
bg monitor-b gwb "$KESPCTL" monitor
wait_for "$tmp/nat-listen-a" listening
wait_for "$tmp/nat-listen-b" listening

nat_probe() { # nat_probe [ARGS]: A's inner to B's inner and back
	timeout 60 python3 "$PROBE" a=gwa:10.1.0.1 b=gwb:10.2.0.1 \
		sniff=gwb:vb outer_a=198.51.100.1 outer_b=198.51.100.2 \
		spi_ab=0x5001 spi_ba=0x5002 "$@"
}
nat_case() { # nat_case NAME CMD...
	local out
	ncase=$((ncase + 1))
	echo "case $ncase: $1"
	shift
	if out=$("$@" 2>&1); then
		echo "$out"
		echo "  ok"
	else
		echo "$out"
		echo "  FAILED"
		failed+=("NAT: ${FUNCNAME[1]:-} $ncase")
	fi
}

nat_case "through the NAT as port 40001" nat_probe tcp=1
if ! grep -q '^mapping' "$tmp/monitor-b"; then
	echo "  no MAPPING event while the mapping held, as expected"
else
	echo "  FAIL: MAPPING event without a change: $(cat "$tmp/monitor-b")"
	failed+=("NAT: spurious MAPPING")
fi

# The NAT forgets A and maps it anew, to 40002.
nat_port 40002
run ip netns exec nat python3 "$tmp/ct_flush.py"
map_moved() {
	local i
	# A's packets arrive from 40002 and still decrypt at B; B's replies
	# go to 40001, which the NAT no longer maps: lost.
	ip netns exec gwa ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
	for i in $(seq 50); do
		grep -q 'new-sport 40002' "$tmp/monitor-b" && break
		sleep 0.1
	done
	cat "$tmp/monitor-b"
	grep -q '^mapping spi 0x00005001 dir in .* encap 40001 4500 new-src 198.51.100.1 new-sport 40002' \
		"$tmp/monitor-b" || return 1
	[ "$(grep -c '^mapping' "$tmp/monitor-b")" = 1 ] ||
		{ echo "more than one MAPPING event in a second"; return 1; }
	"${KB[@]}" sa get spi 0x5001 dir in dst 198.51.100.2 |
		grep -q 'encap 40001 4500' ||
		{ echo "the kernel changed the SA itself"; return 1; }
}
nat_case "the NAT moves A to 40002: one MAPPING event" map_moved
nat_case "replies are lost until B moves its SAs" \
	bash -c "! ip netns exec gwa ping -c 2 -W 1 -I 10.1.0.1 10.2.0.1"
run "${KB[@]}" sa update spi 0x5001 dir in dst 198.51.100.2 encap 40002 4500
run "${KB[@]}" sa update spi 0x5002 dir out dst 198.51.100.1 encap 4500 40002
run "${KB[@]}" sa list
nat_case "after sa update on B, through the NAT as 40002" nat_probe tcp=1

keepalives() {
	local before after
	before=$("${KB[@]}" -j stats | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["in-udp-keepalive"])')
	ip netns exec gwa python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b"\xff", ("198.51.100.2", 4500))'
	keepalives_counted() {
		after=$("${KB[@]}" -j stats | python3 -c \
			'import json,sys; print(json.load(sys.stdin)["in-udp-keepalive"])')
		[ "$after" -ge $((before + 5)) ]
	}
	wait_until 10 keepalives_counted
	keepalives_counted
	echo "  in-udp-keepalive $before -> $after"
	[ "$after" = $((before + 5)) ] || return 1
	# The daemon's socket saw none of them.
	! grep -q '^datagram\|^ike' "$tmp/nat-listen-b"
}
nat_case "NAT keepalives absorbed and counted at B" keepalives

# IKE on the same socket reaches it, marker and all.
ike_to_socket() {
	ip netns exec gwa python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"\0\0\0\0" + bytes(range(40)), ("198.51.100.2", 4500))'
	wait_for "$tmp/nat-listen-b" '^ike 44 bytes from 198.51.100.1'
	cat "$tmp/nat-listen-b"
}
nat_case "IKE behind the non-ESP marker reaches B's socket" ike_to_socket

# Transport mode through the NAT: the TCP checksum covers the addresses
# before the NAT; RFC 3948 3.1.2 lets the receiver skip it once the ICV
# verified. Segments both ways must arrive.
transport_nat() {
	local T=(mode transport enc aes-gcm-16 reqid 8)
	(umask 077; hex 20 >"$tmp/tk-ab"; hex 20 >"$tmp/tk-ba")
	"${KA[@]}" sa add spi 0x6001 dir out src 192.168.1.2 \
		dst 198.51.100.2 "${T[@]}" keyfile "$tmp/tk-ab" encap 4500 4500 &&
	"${KA[@]}" sa add spi 0x6002 dir in src 198.51.100.2 \
		dst 192.168.1.2 "${T[@]}" keyfile "$tmp/tk-ba" encap 4500 4500 &&
	"${KA[@]}" policy add dir out src 192.168.1.2 dst 198.51.100.2 \
		proto tcp action protect tmpl mode transport reqid 8 &&
	"${KA[@]}" policy add dir in src 198.51.100.2 dst 192.168.1.2 \
		proto tcp action protect tmpl mode transport reqid 8 &&
	"${KB[@]}" sa add spi 0x6002 dir out src 198.51.100.2 \
		dst 198.51.100.1 "${T[@]}" keyfile "$tmp/tk-ba" \
		encap 4500 40002 &&
	"${KB[@]}" sa add spi 0x6001 dir in src 198.51.100.1 \
		dst 198.51.100.2 "${T[@]}" keyfile "$tmp/tk-ab" \
		encap 40002 4500 &&
	"${KB[@]}" policy add dir out src 198.51.100.2 dst 198.51.100.1 \
		proto tcp action protect tmpl mode transport reqid 8 &&
	"${KB[@]}" policy add dir in src 198.51.100.1 dst 198.51.100.2 \
		proto tcp action protect tmpl mode transport reqid 8 ||
		return 1
	ip netns exec gwb python3 -c '
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("198.51.100.2", 7777)); l.listen(1); l.settimeout(20)
c, peer = l.accept(); c.settimeout(10)
print("  B accepted", peer[0], flush=True)
b = b""
while len(b) < 4000:
    d = c.recv(65536)
    if not d:
        break
    b += d
c.sendall(b); c.close()' >"$tmp/tcp-b" 2>&1 &
	BG+=($!)
	wait_until 20 listening gwb tcp 7777 || return 1
	ip netns exec gwa python3 -c '
import socket, sys
c = socket.create_connection(("198.51.100.2", 7777), timeout=10)
msg = (bytes(range(256)) * 16)[:4000]
c.sendall(msg)
b = b""
while len(b) < len(msg):
    d = c.recv(65536)
    if not d:
        break
    b += d
print("  A got %d of %d bytes back" % (len(b), len(msg)))
sys.exit(0 if b == msg else 1)' || { cat "$tmp/tcp-b"; return 1; }
	cat "$tmp/tcp-b"
	"${KA[@]}" sa list
	"${KB[@]}" sa list
	# Both transport SAs carried the segments, without errors.
	"${KB[@]}" -j sa list | python3 -c '
import json, sys
sas = {(s["spi"], s["dir"]): s for s in json.load(sys.stdin)}
s = sas[(0x6001, "in")]
print("  B: SA 0x6001 in: %d packets, %d errored" % (s["packets"],
                                                   s["errored-packets"]))
sys.exit(0 if s["packets"] and not s["errored-packets"] else 1)'
}
nat_case "transport mode through the NAT: TCP with pre-NAT checksums" \
	transport_nat

# =================== part 3: unload under traffic ===================

unload_live() {
	local pinger i
	ip netns exec gwa ping -q -i 0.02 -I 10.1.0.1 10.2.0.1 \
		>"$tmp/flood" 2>&1 &
	pinger=$!
	sleep 2
	# The family first: no new request; the sockets are detached.
	for i in $(seq 20); do
		rmmod kesp 2>/dev/null && break
		sleep 0.2
	done
	module_loaded && { kill $pinger; echo "rmmod kesp failed"; return 1; }
	sleep 1
	kill -INT $pinger
	wait $pinger 2>/dev/null
	cat "$tmp/flood"
	# The listeners live on, as plain UDP sockets now: a keepalive
	# reaches B's socket as an ordinary datagram.
	kill -0 "${BG[1]}" || { echo "B's listener died"; return 1; }
	ip netns exec gwa python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
    b"\xff", ("198.51.100.2", 4500))'
	wait_for "$tmp/nat-listen-b" '^datagram 1 bytes'
	# And kesp loads again and takes a socket again.
	modprobe kesp || return 1
	ip netns exec gwb "$KESPCTL" encap listen 4501 >"$tmp/again" 2>&1 &
	BG+=($!)
	wait_for "$tmp/again" listening
	echo "  reloaded; a new encapsulation socket registered"
}
nat_case "rmmod kesp with encapsulation sockets open and ESP in UDP flowing" \
	unload_live

[ ${#failed[@]} = 0 ] || fail "${#failed[@]} of $ncase cases failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "all $ncase cases passed"
