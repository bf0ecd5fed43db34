# SPDX-License-Identifier: GPL-2.0
# Running kesp-iked in a guest namespace: sourced after guest.sh, never run.
#
# iked_start NAME NS CONF SECRETS [ARGS...]: start kesp-iked in namespace NS
#     with its log in $IKED_DIR/NAME.log and its control socket
#     $IKED_DIR/NAME.sock; returns once the socket answers.
# iked_ctl NAME ARGS...: kespctl against that daemon (in its namespace).
# iked_wait_log NAME ERE SECS: wait until the log has a line matching ERE.
# iked_stop NAME: SIGTERM, and wait until it has exited (it deletes its SAs).
# iked_kill_all: SIGKILL whatever is still running (the EXIT trap's job).

# KESP_IKED may name another build (a "fails before" run of a test).
KESP_IKED=${KESP_IKED:-$KESP_ROOT/build/kesp-iked}
IKED_DIR=${IKED_DIR:-$(mktemp -d /tmp/kesp-iked.XXXXXX)}
declare -A IKED_PID IKED_NS

iked_start() {
	local name=$1 ns=$2 conf=$3 secrets=$4 i
	shift 4
	[ -x "$KESP_IKED" ] || fail "$KESP_IKED is not built (make user)"
	chmod 600 "$secrets"
	ip netns exec "$ns" "$KESP_IKED" -c "$conf" -s "$secrets" \
		-S "$IKED_DIR/$name.sock" "$@" >>"$IKED_DIR/$name.log" 2>&1 &
	IKED_PID[$name]=$!
	IKED_NS[$name]=$ns
	for i in $(seq 1 100); do
		if ip netns exec "$ns" "$KESPCTL" -S "$IKED_DIR/$name.sock" \
			ike list >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "${IKED_PID[$name]}" 2>/dev/null || break
		nap 0.2
	done
	cat "$IKED_DIR/$name.log" >&2
	fail "kesp-iked $name did not start"
}

iked_ctl() {
	local name=$1
	shift
	ip netns exec "${IKED_NS[$name]}" "$KESPCTL" \
		-S "$IKED_DIR/$name.sock" "$@"
}

iked_log() {
	cat "$IKED_DIR/$1.log"
}

iked_wait_log() {
	local name=$1 re=$2 secs=$3 i
	for i in $(seq 1 $((secs * 10))); do
		grep -qE -- "$re" "$IKED_DIR/$name.log" && return 0
		nap 0.2
	done
	echo "--- $name.log ---" >&2
	tail -n 30 "$IKED_DIR/$name.log" >&2
	fail "$name: no log line /$re/ within ${secs}s"
}

# iked_traffic WHAT [NAME]: three pings each way between the hosts, and
# the first CHILD SA of kesp-iked NAME (default a) counted six or more
# packets each way: they went through ESP.
iked_traffic() {
	local what=$1 name=${2:-a}
	ip netns exec "$HOSTA" ping -c 3 -i 0.2 -W 3 "$HOSTB4" >/dev/null ||
		fail "$what: ping A -> B"
	ip netns exec "$HOSTB" ping -c 3 -i 0.2 -W 3 "$HOSTA4" >/dev/null ||
		fail "$what: ping B -> A"
	iked_ctl "$name" -j ike list | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["ike_sas"][0]["child_sas"][0]
assert c["packets_in"] >= 6 and c["packets_out"] >= 6, c
' || fail "$what: kesp's CHILD SA did not carry the pings"
	echo "  $what: pings both ways through ESP"
}

iked_stop() {
	local name=$1 pid=${IKED_PID[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		nap 0.2
	done
	kill -0 "$pid" 2>/dev/null && fail "kesp-iked $name ignored SIGTERM"
	wait "$pid" 2>/dev/null
	local rc=$?
	unset "IKED_PID[$name]"
	[ "$rc" = 0 ] || fail "kesp-iked $name exited $rc"
}

iked_kill_all() {
	local name
	for name in "${!IKED_PID[@]}"; do
		kill -KILL "${IKED_PID[$name]}" 2>/dev/null
	done
}

# sa_count NS: the number of SAs in kesp.ko in namespace NS (grep, not
# python3, which takes a second to start under TCG).
sa_count() {
	ip netns exec "$1" "$KESPCTL" -j sa list | grep -o '"spi":' | wc -l
}

# crypto_warm_up: the first AES-GCM SA after boot loads and self-tests the
# kernel's crypto modules and seeds its RNG: 1 to 25 s under TCG, longer
# than kesp.ko holds a packet (10 s) or a test waits for a first ping.
# One throwaway kesp SA in a scratch namespace, in the background while
# the topology is built; crypto_warm_up_wait waits for it.
crypto_warm_up() {
	netns_add warmup
	(head -c 36 /dev/urandom | od -An -tx1 |
		ip netns exec warmup "$KESPCTL" sa add spi 0x100 dir out \
			mode tunnel src 192.0.2.9 dst 192.0.2.8 \
			enc aes-gcm-16 keyfile - >/dev/null) &
	CRYPTO_WARM_UP=$!
}

crypto_warm_up_wait() {
	wait "$CRYPTO_WARM_UP" || fail "the warm-up SA (AES-GCM) could not be installed"
	ip netns del warmup
}

# wait_sa_count NS N SECS
wait_sa_count() {
	local i n
	for i in $(seq 1 $(($3 * 10))); do
		n=$(sa_count "$1")
		[ "$n" = "$2" ] && return 0
		nap 0.2
	done
	fail "$1: $n SAs in the kernel, expected $2"
}

# iked_dump_logs: every daemon's log on stderr (for an EXIT trap on failure).
iked_dump_logs() {
	local f
	for f in "$IKED_DIR"/*.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") ---" >&2
		tail -n 60 "$f" >&2
	done
}
