#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 145
# Forced rekey collisions (RFC 7296 2.8.1, 2.8.2), kesp-iked on both ends,
# with the WAN link delaying each packet by 1 s (case 1) or 1.5 s (case
# 2, where the two commands may start a second apart under TCG) each way
# once the tunnel is up, so that both ends' rekeys are in
# flight at once. Pings run all along (every 0.2 s).
#  1. Same lifetimes, no fuzz (CHILD SAs, then the IKE SA, rekey 10 s
#     after they are made, 10 s before they expire: room for a rekey of
#     2 s round trips, retransmitted once, on a loaded machine): the
#     first CHILD SA rekey and the first IKE SA rekey collide.
#  2. `kespctl ike rekey site child` (then `ike`) on both ends at once,
#     4 times for the CHILD SA and twice for the IKE SA.
# A collision that both ends see is resolved by the lowest nonce, the
# same way on both; after each one, each kernel has exactly the two
# SAs of one CHILD SA and each daemon one IKE SA (besides one a rekey
# replaced that waits for its Delete); no TEMPORARY_FAILURE, no error in
# the logs, no ping lost.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

run modprobe veth
run modprobe kesp
modprobe sch_netem 2>/dev/null || skip "no sch_netem"
trap 'rc=$?; [ $rc = 0 ] || iked_dump_logs; iked_kill_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

crypto_warm_up
topo_two_sites
crypto_warm_up_wait

conf() { # conf FILE AUTO EXTRA...
	local f=$1 auto=$2
	shift 2
	{
		cat <<EOC
conn site
	authby=secret
	left=$GWA_WAN4
	leftid=@gw-a.example
	leftsubnet=$LANA4
	right=$GWB_WAN4
	rightid=@gw-b.example
	rightsubnet=$LANB4
	ike=aes128gcm16-prfsha256-ecp256!
	esp=aes128gcm16!
	auto=$auto
EOC
		for l in "$@"; do printf '\t%s\n' "$l"; done
	} >"$f"
}
printf '@gw-a.example @gw-b.example : PSK "collision key"\n' >"$IKED_DIR/s"

# delay SECS|off. Deleting the qdisc would drop what it holds (a lost
# request, retransmitted seconds later, skews the two ends' SA ages): it
# goes to 0 first, and away once what it held has left.
delay() {
	local ns
	if [ "$1" = off ]; then
		for ns in "$GWA" "$GWB"; do
			ip netns exec "$ns" tc qdisc change dev "$WAN_IF" root \
				netem delay 0ms limit 10000
		done
		sleep 2
	fi
	for ns in "$GWA" "$GWB"; do
		ip netns exec "$ns" tc qdisc del dev "$WAN_IF" root 2>/dev/null
		[ "$1" = off ] && continue
		ip netns exec "$ns" tc qdisc add dev "$WAN_IF" root netem \
			delay "$1" limit 10000 || fail "netem"
	done
}

# count NAME ERE: lines of NAME's log that match
count() { grep -cE -- "$2" "$IKED_DIR/$1.log"; }
C_SEEN='CHILD SA rekey collision: the peer rekeys'
C_DONE='CHILD SA rekey collision: .* has the lowest nonce'
I_SEEN='IKE SA rekey collision: the peer rekeys it too'
I_DONE='IKE SA rekey collision: .* has the lowest nonce'

live_ike_sas() { # live_ike_sas NAME
	local d
	d=$(iked_ctl "$1" ike diagnose site)
	echo $(($(grep -c 'IKE SA site\[[0-9]*\]: established' <<<"$d") -
		$(grep -c 'replaced by a rekey' <<<"$d")))
}
settled() {
	[ "$(sa_count "$GWA")" = 2 ] && [ "$(sa_count "$GWB")" = 2 ] &&
	[ "$(live_ike_sas a)" = 1 ] && [ "$(live_ike_sas b)" = 1 ]
}
wait_settled() {
	local i
	for i in $(seq 1 40); do
		settled && return 0
		sleep 0.3
	done
	iked_ctl a ike diagnose site
	iked_ctl b ike diagnose site
	fail "A: $(sa_count "$GWA") SAs, B: $(sa_count "$GWB"); expected 2 each and one IKE SA each"
}

# wait_count ERE N SECS: both logs have N lines matching ERE
wait_count() {
	local i
	for i in $(seq 1 $(($3 * 10))); do
		[ "$(count a "$1")" -ge "$2" ] && [ "$(count b "$1")" -ge "$2" ] &&
			return 0
		sleep 0.1
	done
	fail "/$1/: A has $(count a "$1"), B $(count b "$1"), expected $2"
}

# ping_start N: N pings, one every 0.2 s; ping_check waits for the last
# answers (a ping stopped early would count those in flight as lost).
ping_start() {
	ip netns exec "$HOSTA" ping -c "$1" -i 0.2 -W 5 "$HOSTB4" \
		>"$IKED_DIR/ping" &
	PING=$!
}
ping_check() {
	wait $PING
	tail -2 "$IKED_DIR/ping"
	grep -q ' 0% packet loss' "$IKED_DIR/ping" ||
		fail "pings lost: $(tail -2 "$IKED_DIR/ping")"
}

# both_agree: each end resolved each collision, and the same way (if
# one kept its own new SA, the other deleted its own). Equal lifetimes
# keep colliding after the pings, and the two ends log a collision up
# to a round trip apart: poll until the counts match (a collision
# resolved differently never matches again) instead of reading them
# once at a moment one end has logged and the other not yet.
collisions() { # collisions WHAT: "mine_a theirs_a mine_b theirs_b"
	echo "$(count a "$1 SA rekey collision: our .* has the lowest")" \
		"$(count a "$1 SA rekey collision: the peer's .* has the lowest")" \
		"$(count b "$1 SA rekey collision: our .* has the lowest")" \
		"$(count b "$1 SA rekey collision: the peer's .* has the lowest")"
}
both_agree() {
	local what i
	for what in CHILD IKE; do
		local mine_a theirs_a mine_b theirs_b
		for i in $(seq 1 100); do
			read -r mine_a theirs_a mine_b theirs_b <<<"$(collisions $what)"
			[ "$mine_a" = "$theirs_b" ] && [ "$theirs_a" = "$mine_b" ] &&
				break
			sleep 0.2
		done
		echo "$what SA collisions: A deleted its own $mine_a times, the peer's $theirs_a; B $mine_b and $theirs_b"
		[ "$mine_a" = "$theirs_b" ] && [ "$theirs_a" = "$mine_b" ] ||
			fail "$what SA collisions resolved differently on the two ends"
	done
	# (kespctl ike rekey makes the peer rekey "early": a lifetime
	# mismatch warning is right then, and not an error.)
	grep -E 'error|warning' "$IKED_DIR/a.log" "$IKED_DIR/b.log" |
		grep -v 'lifetime mismatch' && fail "errors in the logs"
	return 0
}

# lifetimes_case WHAT LIFE...: both ends with LIFE; WHAT (CHILD or IKE)
# SAs collide at their first rekey.
lifetimes_case() {
	local what=$1 done
	shift
	: >"$IKED_DIR/a.log"
	: >"$IKED_DIR/b.log"
	conf "$IKED_DIR/a.conf" start "$@"
	conf "$IKED_DIR/b.conf" add "$@"
	# A 2 s round trip is no reason to retransmit.
	iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/s" --retransmit-timeout 4
	iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s" --retransmit-timeout 4
	iked_wait_log a 'CHILD SA established' 10
	delay 1s
	ping_start 100
	done=$C_DONE
	[ "$what" = IKE ] && done=$I_DONE
	wait_count "$done" 1 20
	ping_check
	delay off
	wait_settled
	grep -h 'rekey collision' "$IKED_DIR/a.log" "$IKED_DIR/b.log"
	# Later rekeys need not collide: the SA that survived was made a
	# round trip apart on the two ends. When only one end sees its
	# request cross the peer's, the peer finished first and answers
	# CHILD_SA_NOT_FOUND: no nonce rule is needed then.
	both_agree
	iked_stop a
	iked_stop b
	wait_sa_count "$GWA" 0 5
	wait_sa_count "$GWB" 0 5
}

echo "case 1: equal lifetimes, no fuzz: CHILD SAs"
lifetimes_case CHILD lifetime=20s rekeymargin=10s rekeyfuzz=0%
echo "case 1: equal lifetimes, no fuzz: IKE SAs"
lifetimes_case IKE ikelifetime=20s rekeymargin=10s rekeyfuzz=0%

echo "case 2: both ends rekey at once on command"
: >"$IKED_DIR/a.log"
: >"$IKED_DIR/b.log"
conf "$IKED_DIR/a.conf" start
conf "$IKED_DIR/b.conf" add
iked_start b "$GWB" "$IKED_DIR/b.conf" "$IKED_DIR/s" --retransmit-timeout 8
iked_start a "$GWA" "$IKED_DIR/a.conf" "$IKED_DIR/s" --retransmit-timeout 8
iked_wait_log a 'CHILD SA established' 10
delay 1.5s
ping_start 200
for round in 1 2 3 4 5 6; do
	what=child done=$C_DONE n=$round
	[ $round -gt 4 ] && what=ike done=$I_DONE n=$((round - 4))
	iked_ctl a ike rekey site $what >/dev/null &
	iked_ctl b ike rekey site $what >/dev/null || fail "ike rekey"
	wait $! || fail "ike rekey"
	wait_count "$done" $n 20
	wait_settled
done
ping_check
delay off
[ "$(count a "$C_SEEN")" = 4 ] && [ "$(count b "$C_SEEN")" = 4 ] ||
	fail "expected 4 CHILD SA collisions on each end"
[ "$(count a "$I_SEEN")" = 2 ] && [ "$(count b "$I_SEEN")" = 2 ] ||
	fail "expected 2 IKE SA collisions"
both_agree
iked_stop a
iked_stop b
wait_sa_count "$GWA" 0 5
wait_sa_count "$GWB" 0 5
exit 0
