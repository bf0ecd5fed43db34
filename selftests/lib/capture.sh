# SPDX-License-Identifier: GPL-2.0
# Packet captures in test namespaces and what Wireshark's dissectors make of
# them: sourced after guest.sh, never run. Needs tshark (with it dumpcap).
#
#   capture_start NS IFACE FILE   capture every packet on IFACE in NS into
#                                 FILE (pcap); returns once the interface
#                                 is open. dumpcap's messages: FILE.log.
#   capture_stop [FILE]           stop that capture (all of this shell's
#                                 when no FILE), every packet written.
#                                 Sourcing this file puts capture_stop in
#                                 front of the EXIT trap in force.
#   capture_check_ike FILE MIN [V] FILE holds at least MIN IKEv2 messages
#                                 (ISAKMP version 2.0 on UDP 500 or 4500;
#                                 V=1: IKEv1 ones, version 1.0) and no
#                                 frame that the dissectors call
#                                 malformed or flag at expert severity
#                                 warning or error; else fail, with the
#                                 offending frames. Prints the IKE
#                                 messages one per line.
#   capture_tshark FILE ARGS...   tshark -r FILE ARGS..., without its
#                                 running-as-root warning.
#
# dumpcap (not tcpdump, which Debian's tshark does not bring) writes in
# blocks: a packet reaches the file up to about 0.75 s after it passed
# (libpcap's 250 ms block timeout, dumpcap's 500 ms flush), and stopping
# dumpcap loses the block in progress. capture_stop therefore waits for
# FILE to stop growing for 1.5 s (at most 20 s) before SIGINT.
#
# On the gateway that decrypts, XFRM hands each decrypted tunnel packet
# back in on the device it came from, so a capture there shows it in clear
# right after its ESP frame though it never crossed the wire in clear. To
# prove that nothing leaks, look only at what the capturing gateway sends
# (inner source in its own LAN), or capture at both ends.

CAPTURES=()	# "PID FILE" of each running capture

capture_start() {
	local ns=$1 ifc=$2 file=$3 pid
	command -v dumpcap >/dev/null ||
		skip "no dumpcap (apt-get install tshark)"
	rm -f "$file" "$file.log"
	# -P: pcap, which every tool reads; -q: no running packet count.
	ip netns exec "$ns" dumpcap -q -P -i "$ifc" -w "$file" \
		>"$file.log" 2>&1 </dev/null &
	pid=$!
	CAPTURES+=("$pid $file")
	# "File: ..." is printed once the interface is open and the file
	# written: from then on every packet is captured.
	for _ in $(seq 1 300); do
		grep -q '^File: ' "$file.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null ||
			fail "dumpcap on $ns/$ifc exited: $(cat "$file.log")"
		nap 0.2
	done
	fail "dumpcap on $ns/$ifc not capturing after 30 s: $(cat "$file.log")"
}

# _capture_settle FILE: until FILE's size has not changed for 1.5 s.
_capture_settle() {
	local size last=-1 same=0
	for _ in $(seq 1 200); do
		size=$(stat -c %s "$1" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge 15 ] && return 0
		else
			same=0
			last=$size
		fi
		nap 0.2
	done
}

capture_stop() {
	local want=${1:-} c pid file keep=()
	for c in "${CAPTURES[@]}"; do
		pid=${c%% *}
		file=${c#* }
		if [ -n "$want" ] && [ "$file" != "$want" ]; then
			keep+=("$c")
			continue
		fi
		_capture_settle "$file"
		kill -INT "$pid" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			nap 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	CAPTURES=("${keep[@]}")
	return 0
}

capture_tshark() {
	local file=$1 rc
	shift
	command -v tshark >/dev/null || skip "no tshark (apt-get install tshark)"
	# As root tshark warns on stderr and goes on; nothing asks anything.
	# Its other complaints go to stderr, apart from what a caller counts.
	{ tshark -n -r "$file" "$@" 2>&1 1>&3 3>&- |
		grep -v '^Running as user "root"' >&2; } 3>&1
	rc=${PIPESTATUS[0]}
	return "$rc"
}

# shellcheck disable=SC2064 # the trap in force now is what to chain to
trap "capture_stop; $(exit_trap_command)" EXIT

# Severity of expert infos, as Wireshark's proto.h: PI_WARN 0x00600000,
# PI_ERROR 0x00800000 (6291456, 8388608). A malformed packet carries an
# error-level one as well as _ws.malformed.
CAPTURE_BAD='_ws.malformed || _ws.expert.severity >= 0x00600000'

capture_check_ike() {
	local file=$1 min=$2 major=${3:-2} ver rows n bad
	ver="0x${major}0"
	[ -s "$file" ] || fail "capture_check_ike: $file is missing or empty"
	# One tshark pass (its start costs seconds under TCG): the frames
	# that are IKE of that version or bad, sorted out below by the same
	# tests.
	rows=$(capture_tshark "$file" -Y "(udp.port in {500, 4500} && isakmp.version == $ver) || $CAPTURE_BAD" \
		-T fields -e frame.number -e udp.srcport -e udp.dstport \
		-e isakmp.version -e _ws.malformed -e _ws.expert.severity \
		-e _ws.col.Source -e _ws.col.Destination -e _ws.col.Protocol \
		-e _ws.col.Info -e _ws.expert.message) ||
		fail "tshark -r $file failed"
	awk -F '\t' -v ver="$ver" '
	function has(list, re) { return ("," list ",") ~ ("," re ",") }
	(has($2, "(500|4500)") || has($3, "(500|4500)")) && has($4, ver) {
		printf "%5s  %s -> %s  %s\n", $1, $7, $8, $10
	}' <<<"$rows"
	n=$(awk -F '\t' -v ver="$ver" '
	function has(list, re) { return ("," list ",") ~ ("," re ",") }
	(has($2, "(500|4500)") || has($3, "(500|4500)")) && has($4, ver) {
		n++
	}
	END { print n + 0 }' <<<"$rows")
	bad=$(awk -F '\t' '
	{
		bad = $5 != ""
		k = split($6, sev, ",")
		for (i = 1; i <= k; i++)
			if (sev[i] + 0 >= 6291456)
				bad = 1
	}
	bad { printf "%s | %s | %s | %s\n", $1, $9, $10, $11 }' <<<"$rows")
	[ -z "$bad" ] ||
		fail "$file: frames the dissectors find malformed or warn about (frame | protocol | info | expert):
$bad"
	[ "$n" -ge "$min" ] ||
		fail "$file: $n IKEv$major messages, expected at least $min"
	echo "$file: $n IKEv$major messages, no malformed frame, no expert warning"
}
