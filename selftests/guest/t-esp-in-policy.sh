#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 20
# A decrypted packet is delivered (or forwarded) only if an IN (or FWD)
# PROTECT policy covers its inner addresses and its template names the SA
# that decrypted it (mode, peers, reqid), as XFRM's inbound policy check
# asks; anything else is dropped and counted as in-policy, even on SAs
# without selectors (kesp-iked installs those for CHILD SAs with several
# traffic selectors), which otherwise accept any inner address.
#
# Namespace "sender" (192.0.2.1) crafts ESP with esp_craft.py; "gw"
# (192.0.2.2, 10.2.0.1, forwarding to 10.3/16 and 10.4/16 on a dummy) has
# three inbound tunnel SAs without selectors, null encryption with
# hmac-sha256-128: 0x4001 (peer 192.0.2.1, reqid 1, the policies' SA),
# 0x4002 (reqid 2), 0x4003 (peer 192.0.2.9); IN protect 10.1/16 ->
# 10.2/16 and FWD protect 10.1/16 -> 10.3/16 with template 192.0.2.1 ->
# 192.0.2.2 reqid 1, IN discard 10.9/16 -> 10.2/16.
#
# Then the same three basic cases again as root of an unprivileged user
# namespace (nobody's unshare -Urn), which owns its network namespace
# and so may configure kesp there: ESP over the loopback in one namespace.
. "$KESP_ROOT/selftests/lib/guest.sh"

command -v python3 >/dev/null || skip "no python3"
[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
craft=$KESP_ROOT/selftests/guest/esp_craft.py

# wait_file FILE PID: until the listener PID has written FILE (bound).
wait_file() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || fail "the UDP listener died"
		sleep 0.1
	done
	fail "the UDP listener did not bind"
}

# common_config: what both parts install, as kespctl -b lines.
common_config() {
	cat <<-EOF
	sa add spi 0x4001 dir in mode tunnel src 192.0.2.1 dst 192.0.2.2 enc null integ hmac-sha256-128 integkeyfile $1 reqid 1
	policy add dir in src 10.1.0.0/16 dst 10.2.0.0/16 action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2 reqid 1
	policy add dir in src 10.9.0.0/16 dst 10.2.0.0/16 action discard
	EOF
}

# --- part 2, run by part 1 below: inside nobody's user namespace ---

if [ "${1:-}" = --userns ]; then
	tmp=$2
	set -e
	ip link set lo up
	ip link add d0 type dummy
	ip link set d0 up
	ip addr add 192.0.2.2/24 dev d0
	ip addr add 10.2.0.1/16 dev d0
	set +e
	common_config "$tmp/ikey" | "$KESPCTL" -b - >/dev/null ||
		fail "userns: configuring kesp as the namespace's root"
	python3 -S "$craft" listen 10.2.0.1 9000 "$tmp/rx2" &
	listener=$!
	trap 'kill $listener 2>/dev/null' EXIT
	wait_file "$tmp/rx2" $listener
	failed=0
	ck() {
		python3 -S "$craft" expect --state "$tmp/state2" \
			--rx "$tmp/rx2" --kespctl "$KESPCTL" --spi 0x4001 \
			--key "$tmp/ikey" --to 192.0.2.2 "$@" || failed=1
	}
	ck setup
	ck --send seq=1,tag=u1 "userns: inner 10.1.0.1, IN protect" \
		sa:packets=1 pol:packets=1 rx=u1
	ck --send seq=2,src=10.9.0.1,tag=u2 "userns: inner 10.9.0.1, IN discard" \
		sa:packets=1 pol:packets=1 in-policy=1
	ck --send seq=3,src=172.16.6.6,tag=u3 "userns: inner 172.16.6.6, no policy" \
		sa:packets=1 in-policy=1
	exit $failed
fi

# --- part 1: root, two namespaces joined by a veth ---

run modprobe kesp
tmp=$(mktemp -d)
listener=
cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

MAC_S=02:00:00:00:00:01
MAC_G=02:00:00:00:00:02
netns_add sender
netns_add gw
run ip link add vs address $MAC_S netns sender type veth \
	peer name vg address $MAC_G netns gw
for ns in sender gw; do
	run ip -n $ns link set lo up
	run ip -n $ns link add inner type dummy
	run ip -n $ns link set inner up
done
run ip -n sender link set vs up
run ip -n sender addr add 192.0.2.1/24 dev vs
run ip -n sender addr add 10.1.0.1/16 dev inner
run ip -n sender neigh add 192.0.2.2 lladdr $MAC_G dev vs nud permanent
run ip -n gw link set vg up
run ip -n gw addr add 192.0.2.2/24 dev vg
run ip -n gw addr add 10.2.0.1/16 dev inner
run ip -n gw route add 10.1.0.0/16 via 192.0.2.1 dev vg
run ip -n gw route add 10.9.0.0/16 via 192.0.2.1 dev vg
run ip -n gw route add 172.16.0.0/16 via 192.0.2.1 dev vg
run ip -n gw link add far type dummy
run ip -n gw link set far up
run ip -n gw route add 10.3.0.0/16 dev far
run ip -n gw route add 10.4.0.0/16 dev far
run ip -n gw neigh add 192.0.2.1 lladdr $MAC_S dev vg nud permanent
run ip netns exec gw sysctl -q -w net.ipv4.ip_forward=1

(umask 077; od -An -tx1 -v -N 32 /dev/urandom >"$tmp/ikey")
{
	common_config "$tmp/ikey"
	cat <<-EOF
	sa add spi 0x4002 dir in mode tunnel src 192.0.2.1 dst 192.0.2.2 enc null integ hmac-sha256-128 integkeyfile $tmp/ikey reqid 2
	sa add spi 0x4003 dir in mode tunnel src 192.0.2.9 dst 192.0.2.2 enc null integ hmac-sha256-128 integkeyfile $tmp/ikey reqid 1
	policy add dir fwd src 10.1.0.0/16 dst 10.3.0.0/16 action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2 reqid 1
	EOF
} | ip netns exec gw "$KESPCTL" -b - >/dev/null || fail "configuring gw"

ip netns exec gw python3 -S "$craft" listen 10.2.0.1 9000 "$tmp/rx" &
listener=$!
wait_file "$tmp/rx" $listener

failed=()
check() { # check NAME SPEC DELTA...: send ESP made by SPEC, then compare
	local name=$1 spec=$2
	shift 2
	ip netns exec sender python3 -S "$craft" expect --netns gw \
		--state "$tmp/state" --rx "$tmp/rx" --kespctl "$KESPCTL" \
		--spi 0x4001 --key "$tmp/ikey" --to 192.0.2.2 --send "$spec" \
		"$name" "$@" || failed+=("$name")
}
ip netns exec sender python3 -S "$craft" expect --netns gw \
	--state "$tmp/state" --rx "$tmp/rx" --kespctl "$KESPCTL" \
	--spi 0x4001 setup || fail "first snapshot"

# The three cases of the report, on an SA without selectors.
check "1 inner 10.1.0.1 (IN protect, its SA): delivered" seq=1,tag=c1 \
	sa:packets=1 pol:packets=1 rx=c1
check "2 inner 10.9.0.1 (IN discard): dropped" seq=2,src=10.9.0.1,tag=c2 \
	sa:packets=1 pol:packets=1 in-policy=1
check "3 inner 172.16.6.6 (no IN policy): dropped" \
	seq=3,src=172.16.6.6,tag=c3 sa:packets=1 in-policy=1
# The policy covers the packet, but its template names another SA.
check "4 IN protect, SA of reqid 2: dropped" spi=0x4002,seq=1,tag=c4 \
	pol:packets=1 in-policy=1
check "5 IN protect, SA of peer 192.0.2.9: dropped" spi=0x4003,seq=1,tag=c5 \
	pol:packets=1 in-policy=1
# Forwarded: FWD policies decide.
check "6 forwarded to 10.3.0.5 (FWD protect): passes" \
	seq=4,dst=10.3.0.5,tag=c6 sa:packets=1 fwdpol:packets=1
check "7 forwarded to 10.4.0.5 (no FWD policy): dropped" \
	seq=5,dst=10.4.0.5,tag=c7 sa:packets=1 in-policy=1
# The SA's own selectors still come first, exactly.
ip netns exec gw "$KESPCTL" sa add spi 0x4004 dir in mode tunnel \
	src 192.0.2.1 dst 192.0.2.2 enc null integ hmac-sha256-128 \
	integkeyfile "$tmp/ikey" reqid 1 sel src 10.1.0.1/32 dst 10.2.0.0/16 ||
	fail "SA 0x4004"
check "8 SA selector 10.1.0.1/32, inner 10.1.0.2: in-selector" \
	spi=0x4004,seq=1,src=10.1.0.2,tag=c8 in-selector=1
check "9 SA selector 10.1.0.1/32, inner 10.1.0.1: delivered" \
	spi=0x4004,seq=2,tag=c9 pol:packets=1 rx=c9

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
listener=

# Part 2 as nobody: a user namespace and its network namespace.
chown -R 65534:65534 "$tmp"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -Urn bash "$0" --userns "$tmp" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || failed+=("as root of an unprivileged user namespace")

netns_cleanup
run rmmod kesp
[ ${#failed[@]} = 0 ] || fail "${#failed[@]} checks failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "all cases passed in ${SECONDS}s"
