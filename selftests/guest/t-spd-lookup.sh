#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 20
# The SPD decides packets as the uapi documents: lower priority value
# first, then the longer destination prefix, the longer source prefix, a
# protocol over none, narrower ports; discard drops (the sender sees
# EPERM), bypass passes. Checked by sending real packets and reading which
# policy counted them, with 2000 unrelated policies in the hash next to
# them, for IPv4 and IPv6; and a namespace without policies is untouched.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
netns_add spd
ip -n spd link set lo up
ip -n spd link add d0 type dummy
ip -n spd link set d0 up
ip -n spd addr add 10.255.0.1/16 dev d0
ip -n spd addr add fd00::1/64 dev d0 nodad
ip -n spd route add 10.0.0.0/8 dev d0
ip -n spd route add fd10::/16 dev d0
K() { ip netns exec spd "$KESPCTL" "$@"; }

# Unrelated policies, so lookups go through a populated index.
python3 -c '
for i in range(2000):
    print("policy add dir out src 10.255.0.0/16 dst 172.%d.%d.0/24 action bypass" % (16 + i // 256, i % 256))
' | K -b - >/dev/null || fail "filler policies"

# add VAR ARGS...: add an outbound policy, its ID in VAR.
add() {
	local var=$1 id
	shift
	id=$(K policy add dir out "$@") || fail "policy add $*: $id"
	printf -v "$var" '%s' "$id"
}
add p8 src 0.0.0.0/0 dst 10.0.0.0/8 action discard priority 100
add p16 src 0.0.0.0/0 dst 10.1.0.0/16 action bypass priority 100
add p24dns src 0.0.0.0/0 dst 10.1.2.0/24 proto udp dport 53 action discard \
	priority 100
add p24 src 0.0.0.0/0 dst 10.1.2.0/24 action bypass priority 100
add pprio src 0.0.0.0/0 dst 10.0.0.0/8 proto udp dport 5353 action bypass \
	priority 10
add psrc src 10.255.0.0/16 dst 10.1.0.0/16 action discard priority 100
add p6 src ::/0 dst fd10::/16 action discard priority 100
add p6b src ::/0 dst fd10:1::/32 proto udp action bypass priority 100

# send DST PORT [FAMILY]: one UDP datagram; prints ok or the errno name.
send() {
	ip netns exec spd python3 - "$@" <<-'PY'
	import errno, socket, sys
	dst, port = sys.argv[1], int(sys.argv[2])
	fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_DGRAM)
	try:
	    s.sendto(b"x", (dst, port))
	    print("ok")
	except OSError as e:
	    print(errno.errorcode[e.errno])
	PY
}

counts() {
	K -j policy list | python3 -c '
import json, sys
print(" ".join("%d=%d" % (p["id"], p["packets"]) for p in json.load(sys.stdin)))'
}

# expect DST PORT POLICY RESULT: the packet is decided by POLICY alone.
expect() {
	local dst=$1 port=$2 pol=$3 want=$4 before after got
	before=$(counts)
	got=$(send "$dst" "$port")
	after=$(counts)
	[ "$got" = "$want" ] || fail "$dst:$port: send said $got, expected $want"
	python3 - "$before" "$after" "$pol" <<-'PY' || fail "$dst:$port: not decided by policy $pol alone"
	import sys
	b = dict(x.split("=") for x in sys.argv[1].split())
	a = dict(x.split("=") for x in sys.argv[2].split())
	moved = [k for k in a if int(a[k]) != int(b.get(k, 0))]
	if moved != [sys.argv[3]]:
	    print("counters moved:", moved, file=sys.stderr)
	    sys.exit(1)
	PY
	echo "$dst:$port -> policy $pol ($want)"
}

expect 10.9.9.9 80 "$p8" EPERM		# only the /8 covers it
expect 10.1.9.9 80 "$psrc" EPERM	# /16 both; the one with a source prefix wins
expect 10.1.2.3 80 "$p24" ok		# /24 beats /16
expect 10.1.2.3 53 "$p24dns" EPERM	# protocol and port beat none
expect 10.1.2.3 5353 "$pprio" ok	# priority 10 beats every prefix
expect fd10:2::1 80 "$p6" EPERM
expect fd10:1::1 80 "$p6b" ok

# Deleting the winner hands the packet to the next one.
K policy del id "$p24dns" || fail "policy del"
expect 10.1.2.3 53 "$p24" ok

stats=$(K -j stats)
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["out-discard"] >= 4, s' "$stats" ||
	fail "out-discard did not count the discards: $stats"

# A namespace without kesp policies is left alone, even with the module's
# hooks registered in it.
netns_add plain
ip -n plain link add d0 type dummy
ip -n plain link set d0 up
ip -n plain addr add 10.255.0.1/16 dev d0
ip -n plain route add 10.0.0.0/8 dev d0
out=$(ip netns exec plain python3 -c '
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.9.9.9", 80)); print("ok")' 2>&1)
[ "$out" = ok ] || fail "a namespace without policies lost a packet: $out"
K policy flush || fail "policy flush"
