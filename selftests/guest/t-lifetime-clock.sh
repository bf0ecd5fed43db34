#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 10
# SA lifetimes count on a clock that setting the date does not move: with
# the wall clock stepped an hour back and then two hours forward, an SA
# with a hard lifetime of 600 s (soft 500 s) lives on, no EXPIRE is sent,
# and its reported age stays the time since it was added. The clock is put back after.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
tmp=$(mktemp -d)
mon=
restore=
cleanup() {
	[ -n "$restore" ] && date -s "@$(($(date +%s) + restore))" >/dev/null
	[ -n "$mon" ] && kill "$mon" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
netns_add clk
K() { ip netns exec clk "$KESPCTL" "$@"; }

(umask 077; od -An -tx1 -v -N 20 /dev/urandom >"$tmp/key")
up() { cut -d. -f1 /proc/uptime; }	# seconds since boot, as kesp counts
t0=$(up)
run K sa add spi 0x7001 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 \
	enc aes-gcm-16 keyfile "$tmp/key" soft-add-secs 500 hard-add-secs 600
ip netns exec clk "$KESPCTL" monitor >"$tmp/events" 2>&1 &
mon=$!

# age: the SA's add-time (seconds since it was added), or "gone".
age() {
	K -j sa list | grep -oE '"add-time":[0-9]+' | cut -d: -f2 | grep . ||
		echo gone
}

failed=()
# step SECONDS: move the wall clock, then watch the SA for 3 s of uptime
# (three runs of the lifetime timer, which would remove it within one),
# however few kespctl calls a loaded machine fits into them.
step() {
	local a end
	restore=$((${restore:-0} - $1))
	date -s "@$(($(date +%s) + $1))" >/dev/null || fail "date -s"
	end=$(($(up) + 4))
	while :; do
		a=$(age)
		[ "$a" = gone ] && break
		[ "$(up)" -ge "$end" ] && break
		sleep 0.1
	done
	echo "clock stepped by $1 s: SA age $a"
	[ "$a" = gone ] && failed+=("the SA died when the clock stepped by $1 s")
	# At most the time since it was added (and a second of rounding).
	[ "$a" != gone ] && [ "$a" -gt $(($(up) - t0 + 1)) ] &&
		failed+=("after a step of $1 s the SA's age is $a s, added $(($(up) - t0)) s ago")
}
step -3600
step 7200
date -s "@$(($(date +%s) + restore))" >/dev/null
restore=
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
mon=
grep -i expire "$tmp/events" && failed+=("EXPIRE events went out")

[ ${#failed[@]} = 0 ] || fail "${#failed[@]} checks failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "passed in ${SECONDS}s"
