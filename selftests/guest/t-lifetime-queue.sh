#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# The lifetime timer visits only the SAs that are due (kmod/lifetime.c's
# queue), so each way an SA's due time is set or moved must still work:
#  - limits since first use start at the first packet: an SA with
#    hard-use-secs 2 lives on while unused, and goes 2 s after a packet;
#  - SA_UPDATE of the lifetime queues an SA that had no limit (soft then
#    hard EXPIRE), and takes a limit away from one that had it;
#  - an SA far in the queue (hard-add-secs 100000) neither delays nor is
#    disturbed by the ones before it;
#  - a hard packet limit (the packet path marks the SA dead) removes it
#    at once, without a time limit to queue it.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
tmp=$(mktemp -d)
mon=
cleanup() {
	[ -n "$mon" ] && kill "$mon" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
netns_add lq
K() { ip netns exec lq "$KESPCTL" "$@"; }
run ip -n lq link set lo up
run ip -n lq link add wan type dummy
run ip -n lq link set wan up
run ip -n lq addr add 192.0.2.1/24 dev wan
run ip -n lq addr add 10.1.0.1/32 dev lo
run ip -n lq route add 10.2.0.0/16 dev wan
(umask 077; od -An -tx1 -v -N 20 /dev/urandom >"$tmp/key")
# sa SPI [LIMITS...]: an outbound SA to 192.0.2.2, its reqid its SPI's
# last digit: a policy's template picks the newest SA of its reqid.
sa() {
	local spi=$1
	shift
	run K sa add spi "$spi" dir out mode tunnel src 192.0.2.1 \
		dst 192.0.2.2 enc aes-gcm-16 keyfile "$tmp/key" \
		reqid "${spi: -1}" "$@"
}
# protect REQID: the pings from 10.1.0.1 to 10.2.0.0/16 take that SA.
protect() {
	run K policy flush
	run K policy add dir out src 10.1.0.1/32 dst 10.2.0.0/16 \
		action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2 \
		reqid "$1"
}
has() { K sa get spi "$1" dir out dst 192.0.2.2 >/dev/null 2>&1; }
gone() { ! has "$1"; }
# expires SPI hard|soft: how many EXPIREs of that kind the monitor saw.
expires() {
	python3 - "$tmp/events" "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event") != "expire":
        continue
    if e["sa"]["spi"] != int(sys.argv[2], 0):
        continue
    if bool(e.get("hard")) == (sys.argv[3] == "hard"):
        n += 1
print(n)
PY
}
ip netns exec lq "$KESPCTL" -j monitor >"$tmp/events" 2>&1 &
mon=$!
sleep 1

# A far one first, then the use-time one.
sa 0x7103 hard-add-secs 100000
sa 0x7101 soft-use-secs 1 hard-use-secs 2
protect 1
# SA_UPDATE: no limit, then one; and a limit taken away.
sa 0x7102
sa 0x7104 hard-add-secs 3
run K sa update spi 0x7102 dir out dst 192.0.2.2 soft-add-secs 2 \
	hard-add-secs 3
run K sa update spi 0x7104 dir out dst 192.0.2.2 hard-add-secs 0
t0=$SECONDS
wait_until 15 gone 0x7102 ||
	fail "SA 0x7102 still there 15 s after SA_UPDATE gave it hard-add-secs 3"
echo "ok: SA_UPDATE queued an SA without limits: gone after $((SECONDS - t0)) s"
sleep 2
has 0x7101 || fail "the unused SA with hard-use-secs 2 went: no packet used it"
has 0x7104 || fail "SA 0x7104 went although SA_UPDATE took its limit away"
echo "ok: unused, the use-time SA lives on; the SA whose limit was removed too"

# A packet: first use; the use-time limits count from now.
ip netns exec lq ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
t0=$SECONDS
wait_until 15 gone 0x7101 ||
	fail "SA 0x7101 still there 15 s after its first packet (hard-use-secs 2)"
echo "ok: first use started hard-use-secs 2: gone after $((SECONDS - t0)) s"

# Dead by its packet limit: the timer removes it at once.
sa 0x7105 hard-packets 1
protect 5
ip netns exec lq ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
t0=$SECONDS
wait_until 5 gone 0x7105 ||
	fail "SA 0x7105 still there 5 s after its hard-packets 1"
echo "ok: a hard packet limit removed the SA after $((SECONDS - t0)) s"

has 0x7103 || fail "the far SA 0x7103 (hard-add-secs 100000) went"
sleep 1
for c in "0x7102 soft 1" "0x7102 hard 1" "0x7101 hard 1" "0x7105 hard 1" \
	 "0x7103 hard 0" "0x7104 hard 0"; do
	set -- $c
	n=$(expires "$1" "$2")
	[ "$n" = "$3" ] ||
		fail "$n $2 EXPIREs for SA $1, expected $3: $(cat "$tmp/events")"
done
echo "ok: one EXPIRE of each kind due, none for the others"
