# SPDX-License-Identifier: GPL-2.0
# Libreswan's pluto (Debian's 4.10, unpacked beside strongSwan by
# scripts/deps.sh into .cache/libreswan) as an IKE peer in a network
# namespace: sourced after guest.sh, never run.
#
#   pluto_start NS DIR FILE   start pluto in NS with FILE as its ipsec.conf
#                             ("config setup" and conns) and DIR/secrets
#                             as its ipsec.secrets (write it first); DIR
#                             holds its NSS database, run directory
#                             (control socket DIR/run/pluto.ctl), its log
#                             pluto.log. Returns once whack answers; the
#                             conns of FILE are added (addconn --autoall).
#   pluto_whack DIR ARGS...   whack against that pluto, e.g. --name gw
#                             --initiate, --trafficstatus, --deletestate N;
#                             prints what it says, returns its status.
#   pluto_wait_log DIR ERE SECS
#                             until pluto.log has a line matching ERE;
#                             fails (1) after SECS.
#   pluto_stop DIR            whack --shutdown, then SIGKILL after 30 s.
#   pluto_stop_all            every pluto this shell started; put in front
#                             of the EXIT trap in force, like charon.sh.
#
# Why it runs this way:
# - Libreswan's package conflicts with strongSwan's, so it is not
#   installed: its files live in $PLUTO_ROOT. pluto execs addconn from
#   the path compiled in, /usr/libexec/ipsec/addconn, and reads
#   /etc/ipsec.d: each pluto runs under unshare -m with PLUTO_ROOT's
#   /usr/libexec/ipsec bind-mounted over /usr/libexec/ipsec, and a tmpfs
#   on /run so that its pid file and socket are its own.
# - Its NSS database (certutil -N --empty-password) holds no key for a
#   PSK gateway, but pluto refuses to start without one.
# - Debian's 4.10 drops IKEv1 unless config setup says ikev1-policy=accept;
#   its updown script rewrites routes unless the conn says
#   leftupdown=%disabled (the tests' confs say it; see pluto_conn_common).
# - Timeouts are generous for TCG.

PLUTO_ROOT=${PLUTO_ROOT:-$KESP_ROOT/.cache/libreswan/root}
PLUTO_DIRS=()

# The conn keywords every test conn of pluto shares.
pluto_conn_common() {
	printf '\t%s\n' leftupdown=%disabled
}

_pluto_pid() {
	local pid
	pid=$(cat "$1/pluto.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

_pluto_tail() {
	echo "--- $1/pluto.out:"
	tail -n 20 "$1/pluto.out" 2>/dev/null
	echo "--- $1/pluto.log (last 30 lines):"
	tail -n 30 "$1/pluto.log" 2>/dev/null
}

# _pluto_ns NS DIR CMD...: CMD in NS, in pluto's mount view.
_pluto_ns() {
	local ns=$1 dir=$2
	shift 2
	# shellcheck disable=SC2016 # the inner shell's $1, $2 ...
	ip netns exec "$ns" unshare -m --propagation private sh -c '
		mkdir -p /usr/libexec/ipsec &&
		mount --bind "$1/usr/libexec/ipsec" /usr/libexec/ipsec || exit 1
		shift
		exec "$@"' pluto-ns "$PLUTO_ROOT" "$@"
}

pluto_start() {
	local ns=$1 dir=$2 conf=$3 pid i out
	[ -x "$PLUTO_ROOT/usr/libexec/ipsec/pluto" ] ||
		fail "no pluto in $PLUTO_ROOT (scripts/deps.sh unpacks Libreswan)"
	command -v certutil >/dev/null ||
		fail "no certutil (apt-get install libnss3-tools)"
	mkdir -p "$dir/run" "$dir/nss" "$dir/ipsec.d" || fail "mkdir $dir"
	dir=$(cd "$dir" && pwd)
	_pluto_pid "$dir" >/dev/null && fail "a pluto already runs for $dir"
	[ -f "$dir/secrets" ] || fail "pluto_start: write $dir/secrets first"
	chmod 600 "$dir/secrets"
	cp "$conf" "$dir/ipsec.conf" || fail "pluto_start: no $conf"
	rm -f "$dir/pluto.log" "$dir/run/"*
	[ -f "$dir/nss/cert9.db" ] ||
		out=$(certutil -N --empty-password -d "sql:$dir/nss" 2>&1) ||
		fail "certutil -N in $dir/nss: $out"
	modprobe -q -a xfrm_user esp4 esp6 2>/dev/null

	# shellcheck disable=SC2016
	_pluto_ns "$ns" "$dir" sh -c '
		echo $$ >"$1/pluto.pid"
		exec "$2/usr/libexec/ipsec/pluto" --nofork \
			--config "$1/ipsec.conf" --secretsfile "$1/secrets" \
			--rundir "$1/run" --nssdir "$1/nss" \
			--ipsecdir "$1/ipsec.d" --dumpdir "$1/run" \
			--logfile "$1/pluto.log"' pluto-start "$dir" "$PLUTO_ROOT" \
		>"$dir/pluto.out" 2>&1 </dev/null &
	pid=$!
	PLUTO_DIRS+=("$dir")
	PLUTO_NS[$dir]=$ns
	for i in $(seq 1 600); do
		if [ -S "$dir/run/pluto.ctl" ] &&
		   pluto_whack "$dir" --status >/dev/null 2>&1; then
			echo "pluto in $ns up after $((i / 10)).$((i % 10))s (pid $(_pluto_pid "$dir"))"
			out=$(_pluto_ns "$ns" "$dir" \
				"$PLUTO_ROOT/usr/libexec/ipsec/addconn" \
				--ctlsocket "$dir/run/pluto.ctl" \
				--config "$dir/ipsec.conf" --autoall 2>&1) ||
				fail "addconn --autoall in $ns: $out $(_pluto_tail "$dir")"
			[ -n "$out" ] && printf '%s\n' "$out"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null ||
			fail "pluto in $ns exited at start: $(_pluto_tail "$dir")"
		nap 0.2
	done
	fail "pluto in $ns: whack got no answer in 60 s: $(_pluto_tail "$dir")"
}
declare -A PLUTO_NS

pluto_whack() {
	local dir=$1
	shift
	ip netns exec "${PLUTO_NS[$dir]}" \
		"$PLUTO_ROOT/usr/libexec/ipsec/whack" \
		--ctlsocket "$dir/run/pluto.ctl" "$@"
}

pluto_wait_log() {
	local dir=$1 pat=$2 secs=$3 t0=$SECONDS
	until grep -qE -- "$pat" "$dir/pluto.log" 2>/dev/null; do
		if ((SECONDS - t0 >= secs)); then
			echo "pluto_wait_log: no /$pat/ in $dir/pluto.log after ${secs}s" >&2
			return 1
		fi
		nap 0.2
	done
}

pluto_stop() {
	local dir=$1 pid i
	dir=$(cd "$dir" 2>/dev/null && pwd) || return 0
	pid=$(_pluto_pid "$dir") || return 0
	pluto_whack "$dir" --shutdown >/dev/null 2>&1 || kill -TERM "$pid"
	for i in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		nap 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		fail "pluto $pid ($dir) still running 30 s after --shutdown: killed"
	fi
	wait "$pid" 2>/dev/null
	rm -f "$dir/pluto.pid"
	return 0
}

pluto_stop_all() {
	local d
	for d in "${PLUTO_DIRS[@]}"; do
		(pluto_stop "$d")
	done
	PLUTO_DIRS=()
}

# shellcheck disable=SC2064
trap "pluto_stop_all; $(exit_trap_command)" EXIT
