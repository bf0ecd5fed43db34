#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 25
# Hostile ESP input: every malformed, replayed, forged or misdirected ESP
# packet that reaches a kesp gateway is dropped and counted under its own
# cause, both namespace-wide (kespctl stats) and on the SA it named, while
# no other counter moves and nothing reaches the inner listener; valid
# packets around them still pass, a failed ICV never moves the replay
# window, and 2000 random packets plus a few hundred authenticated ones
# with random inner bytes change none of that and leave the kernel log
# clean. The module unloads afterwards.
#
# Namespace "sender" (192.0.2.1) crafts ESP with esp_craft.py on a raw
# socket; namespace "gw" (192.0.2.2, 10.2.0.1 on a dummy) has one inbound
# tunnel SA, null encryption with hmac-sha256-128 so that Python's standard
# library can make valid packets, replay window 32, selectors 10.1/16 ->
# 10.2/16, and an inbound protect policy for the same traffic.
. "$KESP_ROOT/selftests/lib/guest.sh"

command -v python3 >/dev/null || skip "no python3"
[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
craft=$KESP_ROOT/selftests/guest/esp_craft.py
SPI=0x3001
run modprobe kesp

tmp=$(mktemp -d)
listener=
cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
dmesg_lines=$(dmesg | wc -l)

# --- topology: sender (192.0.2.1, 10.1.0.1) == veth == gw (192.0.2.2,
# 10.2.0.1), static neighbours so that no packet waits for ARP ---

MAC_S=02:00:00:00:00:01
MAC_G=02:00:00:00:00:02
netns_add sender
netns_add gw
run ip link add vs address $MAC_S netns sender type veth \
	peer name vg address $MAC_G netns gw
side() { # side NS DEV N PEER-MAC
	local ns=$1 dev=$2 n=$3 peer=$((3 - $3))
	run ip -n "$ns" link set lo up
	run ip -n "$ns" link set "$dev" up
	run ip -n "$ns" addr add "192.0.2.$n/24" dev "$dev"
	run ip -n "$ns" link add inner type dummy
	run ip -n "$ns" link set inner up
	run ip -n "$ns" addr add "10.$n.0.1/16" dev inner
	run ip -n "$ns" route add 10.$peer.0.0/16 via 192.0.2.$peer dev "$dev"
	run ip -n "$ns" neigh add 192.0.2.$peer lladdr "$4" dev "$dev" \
		nud permanent
}
side sender vs 1 $MAC_G
side gw vg 2 $MAC_S

(umask 077; od -An -tx1 -v -N 32 /dev/urandom >"$tmp/ikey")
run ip netns exec gw "$KESPCTL" sa add spi $SPI dir in mode tunnel \
	src 192.0.2.1 dst 192.0.2.2 enc null integ hmac-sha256-128 \
	integkeyfile "$tmp/ikey" replay-window 32 \
	sel src 10.1.0.0/16 dst 10.2.0.0/16
run ip netns exec gw "$KESPCTL" policy add dir in src 10.1.0.0/16 \
	dst 10.2.0.0/16 action protect tmpl mode tunnel src 192.0.2.1 \
	dst 192.0.2.2 >/dev/null

ip netns exec gw python3 -S "$craft" listen 10.2.0.1 9000 "$tmp/rx" &
listener=$!
for _ in $(seq 50); do
	[ -e "$tmp/rx" ] && break
	kill -0 "$listener" 2>/dev/null || fail "the UDP listener died"
	sleep 0.1
done
[ -e "$tmp/rx" ] || fail "the UDP listener did not bind 10.2.0.1:9000"

# --- helpers ---

# A Python start costs half a second under TCG, so the packets of a case
# go out from the process that then checks their effect.
pending=()
# send SPEC...: queue ESP packets from sender, one per SPEC (esp_craft.py).
send() {
	local spec
	for spec in "$@"; do
		pending+=(--send "$spec")
	done
}

# check NAME DELTA...: send what is queued; then the counters must move by
# exactly these since the last check, the rest not at all. DELTA is CAUSE=N (namespace-wide), sa:CAUSE=N
# or sa:packets=N (the SA's), both:CAUSE=N (the two), pol:packets=N (the
# inbound policy's: cleartext it dropped, decrypted packets it let in),
# rx=T1+T2 (the tags the listener got).
failed=()
check() {
	ip netns exec sender python3 -S "$craft" expect --netns gw \
		--state "$tmp/state" --rx "$tmp/rx" --kespctl "$KESPCTL" \
		--spi $SPI --key "$tmp/ikey" --to 192.0.2.2 "${pending[@]}" \
		"$@" || failed+=("$1")
	pending=()
}
check setup

# --- the cases; the SA's highest accepted sequence number in comments ---

# 11a. Sequence number 0 is never sent: refused even by a fresh SA, whose
# window would otherwise take it.
send seq=0,tag=c11a
check "11a seq 0, fresh SA" both:in-replay=1

# 1. A valid packet is delivered and counted.
send seq=1,tag=c1
check "1 valid seq 1" sa:packets=1 pol:packets=1 rx=c1			# top 1

# 2. The same packet again.
send seq=1,tag=c2
check "2 replay of seq 1" both:in-replay=1

# 3. Left of the window (top 100, window 32: 69..100 are inside), a seen
# number inside it, and unseen numbers inside it.
send seq=100,tag=c3-100 seq=60,tag=c3-60 seq=68,tag=c3-68 \
	seq=69,tag=c3-69 seq=90,tag=c3-90 seq=90,tag=c3-90again
check "3 window: 60, 68 too old; 69, 90 in; 90 again replayed" \
	both:in-too-old=2 both:in-replay=1 sa:packets=3 pol:packets=3 \
	rx=c3-100+c3-69+c3-90						# top 100

# 4. A forged packet (payload or ICV changed) must not move the window:
# were 200 recorded, 101 would be too old and 200 a replay.
send seq=200,tag=c4-forged,flip=payload seq=201,tag=c4-badicv,flip=icv \
	seq=101,tag=c4-101 seq=200,tag=c4-200 seq=201,tag=c4-201
check "4 bad ICV: dropped, window unmoved" both:in-auth-failed=2 \
	sa:packets=3 pol:packets=3 rx=c4-101+c4-200+c4-201				# top 201

# 5. Authenticated, but the trailer is wrong: padding 1, 2, 4; a pad
# length beyond the payload; one more than fits. They verified, so they
# count as the SA's packets and take their sequence numbers.
send seq=202,tag=c5-pad124,pad=1.2.4 seq=203,tag=c5-padlen255,padlen=255 \
	seq=204,tag=c5-padlen-over,padlen=over
check "5 bad trailer" both:in-bad-trailer=3 sa:packets=3	# top 204

# 6. An SPI nobody installed.
send seq=205,spi=0x3002,tag=c6
check "6 unknown SPI" in-no-sa=1

# 7. Malformed: 6 bytes of ESP; a header and less than an ICV; exactly a
# header and an ICV; a payload that is not a multiple of 4 bytes. Then,
# authenticated: an empty inner packet, an inner IPv4 header that claims
# 40 bytes more than there are.
send seq=205,len=6 seq=205,len=18 seq=205,len=24 seq=205,cut=2,tag=c7-cut \
	seq=205,inner=empty seq=206,inner=longtot,tag=c7-longtot
check "7 malformed" in-malformed=6 sa:in-malformed=5 sa:packets=2 # top 206

# 8. An inner packet outside the SA's selectors.
send seq=207,src=10.9.0.1,tag=c8
check "8 inner outside the selectors" both:in-selector=1 sa:packets=1

# 9. A dummy packet (next header 59): dropped without an error.
send seq=208,nh=59,tag=c9
check "9 dummy packet" sa:packets=1				# top 208

# 10. Cleartext where the inbound policy wants ESP: UDP from 10.1.0.1.
pending=(--clear c10)
check "10 cleartext" in-cleartext=1 pol:packets=1

# 11b. Sequence number 0 again, now far left of the window: still a
# replay, not "too old".
send seq=0,tag=c11b
check "11b seq 0, window at 208" both:in-replay=1

# 12. Fuzz: random garbage under the SA's SPI (and a few other SPIs),
# then authenticated packets around random inner bytes (IPv4, IPv6 with
# extension headers, dummies, nonsense next headers); esp_craft.py says
# what kesp must count. The seed is printed so that a failure reproduces.
seed=${ESP_FUZZ_SEED:-$RANDOM}
echo "fuzz seed $seed"
out=$(ip netns exec sender python3 -S "$craft" fuzz --key "$tmp/ikey" \
	--spi $SPI --to 192.0.2.2 --count 2000 --seed "$seed" --top 208) ||
	fail "esp_craft.py fuzz"
read -ra deltas <<<"$out"
check "12a 2000 garbage packets" "${deltas[@]}"
out=$(ip netns exec sender python3 -S "$craft" fuzz-auth --key "$tmp/ikey" \
	--spi $SPI --to 192.0.2.2 --count 300 --seed "$seed" --first 209) ||
	fail "esp_craft.py fuzz-auth"
read -ra deltas <<<"$out"
check "12b 300 authenticated packets, random inner" "${deltas[@]}" # top 508
send seq=509,tag=c12
check "12c valid packet after the fuzz" sa:packets=1 pol:packets=1 rx=c12

# --- the end: the kernel log, the unload ---

new=$(dmesg | tail -n +$((dmesg_lines + 1)))
[ -n "$new" ] && printf 'kernel log during the test:\n%s\n' "$new"
bad='Oops|BUG:|WARNING:|general protection|UBSAN:|KASAN:|refcount_t'
grep -qE "$bad" <<<"$new" && failed+=("kernel log")

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
listener=
ip netns exec gw "$KESPCTL" sa flush
ip netns exec gw "$KESPCTL" policy flush
netns_cleanup
run rmmod kesp

[ ${#failed[@]} = 0 ] || fail "${#failed[@]} checks failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "all cases passed in ${SECONDS}s"
