# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the guest tests: sourced, never run. Each test is a bash
# script that exits 0 (pass), 4 (skip, as kselftest's KSFT_SKIP) or other
# (fail) and says why on stderr.

set -u
# KESPCTL: the check of the installed packages runs /usr/sbin/kespctl.
KESPCTL=${KESPCTL:-$KESP_ROOT/build/kespctl}
KSFT_SKIP=4

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# nap SECS: sleep without starting a process (a read with a timeout on a
# FIFO nobody writes). Under TCG every exec costs about 0.3 s of CPU, and
# the polling loops below (a check, then a pause) run while the other
# lanes' guests want the cores: an exec'd `sleep` doubled each poll's cost.
NAP_FD=
nap() {
	local f
	if [ -z "$NAP_FD" ]; then
		f=$(mktemp -u /tmp/kesp-nap.XXXXXX) && mkfifo "$f" &&
			exec {NAP_FD}<>"$f" && rm -f "$f" ||
			{ NAP_FD=; sleep "$1"; return 0; }
	fi
	read -r -t "$1" -u "$NAP_FD" _ 2>/dev/null
	return 0
}

skip() {
	echo "SKIP: $*" >&2
	exit "$KSFT_SKIP"
}

# run CMD...: run it, echo it with its output, fail if it fails.
run() {
	local out
	out=$("$@" 2>&1) || fail "'$*' exited $?: $out"
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}

# expect_fail RC PATTERN CMD...: CMD must exit with RC and print PATTERN.
expect_fail() {
	local want=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $out"
	grep -qE -- "$pat" <<<"$out" || fail "'$*' said '$out', expected /$pat/"
	echo "as expected, '$*' failed: $out"
}

module_loaded() {
	grep -q '^kesp ' /proc/modules
}

unload() {
	module_loaded || return 0
	rmmod kesp || fail "rmmod kesp failed"
}

# Network namespaces created through netns_add are deleted on exit.
KESP_NETNS=()
netns_add() {
	ip netns add "$1" || fail "ip netns add $1"
	KESP_NETNS+=("$1")
}

netns_cleanup() {
	local ns
	for ns in "${KESP_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	KESP_NETNS=()
}
trap netns_cleanup EXIT

# exit_trap_command: the command of the EXIT trap in force, so that a
# helper library can put its own cleanup in front of it.
exit_trap_command() {
	local t w
	t=$(trap -p EXIT)
	eval "w=($t)"	# trap -- 'COMMAND' EXIT
	printf '%s' "${w[2]:-}"
}

# wait_until SECS CMD...: poll CMD (every 0.1 s) until it succeeds; fail
# after SECS seconds of wall clock. Tests wait for the condition they need
# this way, never with a fixed sleep, so that a machine half as fast (or
# one whose other core is busy) still passes. CMD is run again each time:
# a condition on a value must be a function or `eval '...'`, never
# `test "$(...)"`, whose value the shell computes once, before the call.
wait_until() {
	local ceil=$1 t0=$SECONDS
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS - t0 < ceil)) || return 1
		nap 0.2
	done
}

# listening NS PROTO PORT: a socket in namespace NS listens on PORT
# (PROTO tcp or udp).
listening() {
	local flag=-t
	[ "$2" = udp ] && flag=-u
	ip netns exec "$1" ss -Hln "$flag" "sport = :$3" | grep -q .
}
