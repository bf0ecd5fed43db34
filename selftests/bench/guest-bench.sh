#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmarks, run in the guest by selftests/bench/run: kesp against the
# kernel's own XFRM (AES-GCM-128) and WireGuard (ChaCha20-Poly1305)
# measured in the same boot, printed as ratios. Absolute numbers mean
# little under TCG; ratios are what to compare. Lines:
#   bench: NAME kesp=V UNIT REF=V UNIT ratio=R
# KESP_BENCH_REPEAT=N: each throughput figure is the median of N runs,
# the configs alternating; KESP_BENCH_ONLY=tcp: the throughput runs only;
# KESP_BENCH_ONLY=scale: the scale runs, with one single-tunnel TCP run of
# kesp and XFRM (AES-GCM-128, 1 stream) to compare with.
. "$KESP_ROOT/selftests/lib/guest.sh"

N=${KESP_BENCH_N:-100000}	# SAs and policies for the scale runs
SECS=${KESP_BENCH_SECS:-8}	# seconds per throughput run
work=$(mktemp -d -p /run)
key=$work/key
echo "0x$(printf '5a%.0s' $(seq 1 20))" >"$key"
hexkey=$(printf '5a%.0s' $(seq 1 20))
key36=$work/key36	# ChaCha20-Poly1305: 32 bytes and 4 of salt
echo "0x$(printf '5a%.0s' $(seq 1 36))" >"$key36"
modprobe esp4 && modprobe xfrm_user || fail "no XFRM in this kernel"
modprobe kesp || fail "modprobe kesp"

say() { printf '%s\n' "$*"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b if b else 0))" "$1" "$2"; }

# gateway pair PREFIX: namespaces ${P}a/${P}b joined by a veth, inner
# networks on dummies (10.1/16 and 10.2/16), routes via the peer.
pair() {
	local p=$1
	netns_add "${p}a"
	netns_add "${p}b"
	ip link add va netns "${p}a" type veth peer name vb netns "${p}b"
	ip -n "${p}a" addr add 192.0.2.1/24 dev va
	ip -n "${p}b" addr add 192.0.2.2/24 dev vb
	for s in a b; do
		ip -n "$p$s" link set lo up
		ip -n "$p$s" link set "v$s" up
		ip -n "$p$s" link add d0 type dummy
		ip -n "$p$s" link set d0 up
	done
	ip -n "${p}a" addr add 10.1.0.1/16 dev d0
	ip -n "${p}b" addr add 10.2.0.1/16 dev d0
	ip -n "${p}a" route add 10.2.0.0/16 via 192.0.2.2
	ip -n "${p}b" route add 10.1.0.0/16 via 192.0.2.1
}

# Both tunnels check replays with a 128-packet window (kesp's default;
# XFRM's is 0, no check), so both do the same work.
# kesp tunnel on gateway NS: SPIs OUT/IN, local/peer outer, inner nets;
# the transform is $ENC, AES-GCM-128 unless set.
kesp_side() {
	local ns=$1 out=$2 in=$3 me=$4 peer=$5 l=$6 r=$7 e=${ENC:-aes-gcm-16}
	local k=$key
	[ "$e" = aes-gcm-16 ] || k=$key36
	ip netns exec "$ns" "$KESPCTL" -b - <<-EOF2 || fail "kesp setup in $ns"
	sa add spi $out dir out mode tunnel src $me dst $peer enc $e keyfile $k reqid 1
	sa add spi $in dir in mode tunnel src $peer dst $me enc $e keyfile $k reqid 1
	policy add dir out src $l dst $r action protect tmpl mode tunnel src $me dst $peer reqid 1
	policy add dir in src $r dst $l action protect tmpl mode tunnel src $peer dst $me reqid 1
	EOF2
}

xfrm_side() {
	local ns=$1 out=$2 in=$3 me=$4 peer=$5 l=$6 r=$7 d
	ip -n "$ns" -batch - <<-EOF2 || fail "xfrm setup in $ns"
	xfrm state add src $me dst $peer proto esp spi $out reqid 1 mode tunnel aead rfc4106(gcm(aes)) 0x$hexkey 128
	xfrm state add src $peer dst $me proto esp spi $in reqid 1 mode tunnel aead rfc4106(gcm(aes)) 0x$hexkey 128 replay-window 128
	xfrm policy add src $l dst $r dir out tmpl src $me dst $peer proto esp reqid 1 mode tunnel
	xfrm policy add src $r dst $l dir in tmpl src $peer dst $me proto esp reqid 1 mode tunnel
	xfrm policy add src $r dst $l dir fwd tmpl src $peer dst $me proto esp reqid 1 mode tunnel
	EOF2
}

# tcp_mbps VAR NS_PREFIX [STREAMS]: iperf3 from 10.1.0.1 (a) to 10.2.0.1
# (b), Mbit/s into VAR. A server slow to start under TCG gets two retries.
tcp_mbps() {
	local var=$1 p=$2 streams=${3:-1} out try v
	for try in 1 2 3; do
		ip netns exec "${p}b" timeout $((SECS + 60)) \
			iperf3 -s -1 -B 10.2.0.1 >/dev/null 2>&1 &
		sleep $((try * 2))
		out=$(ip netns exec "${p}a" timeout $((SECS + 50)) \
			iperf3 -c 10.2.0.1 -B 10.1.0.1 -t "$SECS" \
			-P "$streams" -J 2>&1)
		wait
		v=$(python3 -c 'import json,sys; print("%.1f" % (json.loads(sys.argv[1])["end"]["sum_received"]["bits_per_second"]/1e6))' "$out" 2>/dev/null) &&
			break
		echo "iperf3 through $p, try $try: $(grep -m1 error <<<"$out")" >&2
	done
	[ -n "$v" ] || fail "iperf3 through $p: $out"
	printf -v "$var" '%s' "$v"
}

# Kernel memory an SA can hold: slab objects and per-CPU areas. Free
# memory would be noisier (page cache, other tasks).
mem_used_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1	# let RCU free what was queued
	awk '/^Slab:/ {s=$2} /^Percpu:/ {p=$2} END {print s+p}' /proc/meminfo
}

now() { date +%s.%N; }
rate() { python3 -c "print('%.0f' % ($1 / ($3 - $2)))"; }
secs() { python3 -c "print('%.1f' % ($2 - $1))"; }

# WireGuard tunnel on gateway NS (prefix P, side S of a/b): wg0 to the
# peer's outer address, the peer's inner net routed into it.
wg_side() {
	local p=$1 s=$2 me=$3 peer=$4 r=$5 o
	o=$([ "$s" = a ] && echo b || echo a)
	ip -n "$p$s" link add wg0 type wireguard || fail "wireguard in $p$s"
	ip netns exec "$p$s" wg set wg0 private-key "$work/wg$s.key" \
		listen-port 51820 peer "$(cat "$work/wg$o.pub")" \
		endpoint "$peer:51820" allowed-ips "$r" || fail "wg set in $p$s"
	ip -n "$p$s" link set wg0 up
	ip -n "$p$s" route replace "$r" dev wg0
}

# One measurement of config C (S streams) appended to $work/res/C-S.
# Configs: k/x kesp/XFRM AES-GCM-128, c/w kesp ChaCha20-Poly1305 and
# WireGuard; d kesp ChaCha20-Poly1305 with SAs added under chacha_lib's
# other value (the crypto API's template, by default); ca, cg and cp
# are kesp ChaCha20-Poly1305 through pair c with one module parameter
# flipped from its default for the run: parallel (ca: the other crypto
# path), gro (cg: the other way back into the stack) and pipeline (cp:
# ESP decrypted on another CPU than the receiving one, or not), so that
# each change is measured against its absence in the same boot.
flipped() { # flipped C: the parameter file config C flips, if any
	case "$1" in
	ca) echo "$PAR" ;;
	cg) echo "$GRO" ;;
	cp) echo "$PIPE" ;;
	esac
}
measure() {
	local c=$1 s=$2 mbps p=${1:0:1} r0 f v
	f=$(flipped "$c")
	if [ -n "$f" ]; then
		v=$(cat "$f")
		if [ "$v" = Y ]; then echo N >"$f"; else echo Y >"$f"; fi
	fi
	r0=$(reordered "$p") o0=$(too_old "$p")
	tcp_mbps mbps "$p" "$s"
	echo $(($(reordered "$p") - r0)) >>"$work/res/$c-reordered"
	echo $(($(too_old "$p") - o0)) >>"$work/res/$c-too-old"
	[ -n "$f" ] && echo "$v" >"$f"
	echo "$mbps" >>"$work/res/$c-$s"
}
# kesp_count P AWK: the sum over both gateways of pair P of the number
# that AWK prints from /proc/net/kesp (0 for the pairs without kesp).
kesp_count() {
	local n=0 s v
	for s in a b; do
		v=$(ip netns exec "$1$s" awk "$2" /proc/net/kesp 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}
# Packets kesp accepted behind a higher sequence number.
reordered() { kesp_count "$1" '/^Reordered/ {print $NF}'; }
# Packets dropped as older than the replay window (in-too-old):
# reordering beyond what the window takes.
too_old() { kesp_count "$1" '$1 == "in-too-old" {print $2}'; }
sum() { awk '{n += $1} END {print n + 0}' "$work/res/$1"; }
median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(float(l) for l in open(sys.argv[1])))' "$work/res/$1"; }

# --- throughput: one tunnel per config, each in its own pair ---
REPEAT=${KESP_BENCH_REPEAT:-1}
PAR=/sys/module/kesp/parameters/parallel
GRO=/sys/module/kesp/parameters/gro
PIPE=/sys/module/kesp/parameters/pipeline
LIB=/sys/module/kesp/parameters/chacha_lib
modprobe wireguard || fail "modprobe wireguard"
for s in a b; do
	(umask 077 && wg genkey >"$work/wg$s.key") &&
		wg pubkey <"$work/wg$s.key" >"$work/wg$s.pub" || fail "wg genkey"
done
pair k
pair x
pair c
pair w
pair d
kesp_side ka 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16
kesp_side kb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
xfrm_side xa 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16
xfrm_side xb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
ENC=chacha20-poly1305 kesp_side ca 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16
ENC=chacha20-poly1305 kesp_side cb 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
# Pair d: chacha_lib's value counts when an SA is added.
LIBDEF=$(cat "$LIB")
echo "$([ "$LIBDEF" = Y ] && echo N || echo Y)" >"$LIB"
ENC=chacha20-poly1305 kesp_side da 0x1001 0x2001 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16
ENC=chacha20-poly1305 kesp_side db 0x2001 0x1001 192.0.2.2 192.0.2.1 10.2.0.0/16 10.1.0.0/16
echo "$LIBDEF" >"$LIB"
wg_side w a 192.0.2.1 192.0.2.2 10.2.0.0/16
wg_side w b 192.0.2.2 192.0.2.1 10.1.0.0/16
for p in k x c w d; do
	ip netns exec "${p}a" ping -c 1 -W 5 -I 10.1.0.1 10.2.0.1 >/dev/null ||
		fail "tunnel $p down"
done
configs="k x c w d" DEF=N ALT=Y streams="1 4"
[ "${KESP_BENCH_ONLY:-}" = scale ] && configs="k x" streams=1
if [ "$streams" != 1 ] && [ -w "$PAR" ]; then
	configs="$configs ca"
	DEF=$(cat "$PAR")
	ALT=$([ "$DEF" = Y ] && echo N || echo Y)
fi
[ "$streams" != 1 ] && [ -w "$GRO" ] && configs="$configs cg"
[ "$streams" != 1 ] && [ -w "$PIPE" ] && configs="$configs cp"
configs=${KESP_BENCH_CONFIGS:-$configs}
mkdir -p "$work/res"
# Alternate the configs within each round, and reverse the order every
# other round, so that drift in the host's load hits all alike.
for r in $(seq 1 "$REPEAT"); do
	order=$configs
	[ $((r % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$configs" | tac | tr '\n' ' ')
	for s in $streams; do
		for c in $order; do
			measure "$c" "$s"
		done
	done
done
# A chosen few configs (KESP_BENCH_CONFIGS): their medians, nothing else.
if [ -n "${KESP_BENCH_CONFIGS:-}" ]; then
	for s in $streams; do
		for c in $configs; do
			say "bench: tcp-config-$c-$s-streams median=$(median "$c-$s") Mbit/s reordered=$(sum "$c-reordered") too-old=$(sum "$c-too-old")"
		done
	done
	netns_cleanup
	rmmod kesp || fail "rmmod kesp"
	exit 0
fi
for s in $streams; do
	n=$([ "$s" = 1 ] && echo 1-stream || echo 4-streams)
	k=$(median "k-$s") x=$(median "x-$s")
	say "bench: tcp-aes-gcm-128-$n kesp=$k Mbit/s xfrm=$x Mbit/s ratio=$(ratio "$k" "$x")"
	[ "$s" = 1 ] && k1=$k
	[ "$streams" = 1 ] && continue	# scale: no ChaCha20-Poly1305 pairs
	c=$(median "c-$s") w=$(median "w-$s")
	say "bench: tcp-chacha20-poly1305-$n kesp=$c Mbit/s wireguard=$w Mbit/s ratio=$(ratio "$c" "$w")"
	l=$c a=$(median "d-$s")
	[ "$LIBDEF" = Y ] || { a=$c; l=$(median "d-$s"); }
	say "bench: tcp-chacha20-poly1305-library-vs-crypto-api-$n kesp=$l Mbit/s kesp-crypto-api=$a Mbit/s ratio=$(ratio "$l" "$a")"
	if [ -w "$PAR" ]; then
		pa=$c se=$(median "ca-$s")
		[ "$DEF" = Y ] || { se=$c; pa=$(median "ca-$s"); }
		say "bench: tcp-chacha20-poly1305-parallel-vs-serial-$n kesp=$pa Mbit/s kesp-serial=$se Mbit/s ratio=$(ratio "$pa" "$se")"
	fi
	if [ -w "$GRO" ]; then
		g=$c r=$(median "cg-$s")
		[ "$(cat "$GRO")" = Y ] || { r=$c; g=$(median "cg-$s"); }
		say "bench: tcp-chacha20-poly1305-gro-vs-netif-rx-$n kesp=$g Mbit/s kesp-netif-rx=$r Mbit/s ratio=$(ratio "$g" "$r")"
	fi
	if [ -w "$PIPE" ]; then
		g=$c r=$(median "cp-$s")
		[ "$(cat "$PIPE")" = Y ] || { r=$c; g=$(median "cp-$s"); }
		say "bench: tcp-chacha20-poly1305-pipeline-vs-same-cpu-$n kesp=$g Mbit/s kesp-same-cpu=$r Mbit/s ratio=$(ratio "$g" "$r")"
	fi
done
for c in k c ca cp; do
	[ -f "$work/res/$c-reordered" ] || continue
	n=$([ "$c" = k ] && echo aes-gcm-128 || echo chacha20-poly1305)
	m=$DEF
	[ "$c" = ca ] && m=$ALT
	[ "$c" = k ] || n=$n-$([ "$m" = Y ] && echo parallel || echo serial)
	# cp: the pipeline's parameter flipped from its default.
	[ "$c" = cp ] && n=chacha20-poly1305-$([ "$(cat "$PIPE")" = Y ] &&
		echo without-pipeline || echo with-pipeline)
	say "bench: tcp-$n-reordered kesp=$(sum "$c-reordered") packets, $(sum "$c-too-old") dropped as too old (all runs, both gateways)"
done
say "bench: tcp-runs repeat=$REPEAT secs=$SECS (medians)"
if [ "${KESP_BENCH_ONLY:-}" = tcp ]; then
	netns_cleanup
	rmmod kesp || fail "rmmod kesp"
	exit 0
fi

# --- N more SAs and N more policies on gateway A of each pair ---
# Each install is timed whole; its seconds are printed too, since at
# 100,000 XFRM's side is what makes this part long.
python3 - "$N" "$key" "$hexkey" "$work" <<'PY'
import sys
n, key, hexkey, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
files = {name: open("%s/%s" % (work, name), "w")
         for name in ("ksa", "xsa", "kpol", "xpol")}
for i in range(n):
    spi = 0x10000 + i
    # Up to 2 x 64,000 peers in 198.18/15 and 2^16 /24s in 20/7.
    peer = "198.%d.%d.%d" % (18 + i // 64000, i // 250 % 256, i % 250 + 1)
    net = "%d.%d.%d.0/24" % (20 + i // 65536, i // 256 % 256, i % 256)
    files["ksa"].write("sa add spi %d dir out mode tunnel src 192.0.2.1 dst %s "
                       "enc aes-gcm-16 keyfile %s reqid %d\n" % (spi, peer, key, i + 2))
    files["xsa"].write("xfrm state add src 192.0.2.1 dst %s proto esp spi %d reqid %d "
                       "mode tunnel aead rfc4106(gcm(aes)) 0x%s 128\n" % (peer, spi, i + 2, hexkey))
    files["kpol"].write("policy add dir out src 10.1.0.0/16 dst %s action protect "
                        "tmpl mode tunnel src 192.0.2.1 dst %s reqid %d\n" % (net, peer, i + 2))
    files["xpol"].write("xfrm policy add src 10.1.0.0/16 dst %s dir out tmpl src 192.0.2.1 "
                        "dst %s proto esp reqid %d mode tunnel\n" % (net, peer, i + 2))
PY
# xfrm_batch FILE state|policy: ip -batch FILE into xa, stopped after
# XLIMIT seconds (KESP_BENCH_XFRM_SECS, 900 unless set) if not done, so
# that XFRM's slowness at scale cannot eat the run; XN: how many XFRM
# holds then, which its rate is computed from.
XLIMIT=${KESP_BENCH_XFRM_SECS:-900}
xfrm_batch() {
	local rc
	timeout "$XLIMIT" ip -n xa -batch "$1"
	rc=$?
	# Less the tunnel's own: 2 states, 1 OUT policy.
	if [ "$2" = state ]; then
		XN=$(ip -n xa xfrm state count | awk '/SAD count/ {print $NF - 2}')
	else
		XN=$(ip -n xa xfrm policy count |
			awk '/SPD IN/ {for (i = 1; i < NF; i++) if ($i == "OUT") print $(i + 1) - 1}')
	fi
	[ "$rc" = 124 ] || return "$rc"
	say "bench: xfrm-$2-install stopped after $XLIMIT s at $XN of $N"
}

# Warm-up outside the clock: the first SAs after boot pay for crypto
# instances and RNG seeding that whichever side went first would carry.
netns_add warm
head -n 200 "$work/ksa" | ip netns exec warm "$KESPCTL" -b - || fail "warm-up"
head -n 200 "$work/xsa" | ip -n warm -batch - || fail "warm-up"
ip netns del warm
m0=$(mem_used_kb)
t0=$(now)
ip netns exec ka "$KESPCTL" -b "$work/ksa" >/dev/null || fail "kesp: $N SAs"
t1=$(now)
m1=$(mem_used_kb)
xfrm_batch "$work/xsa" state || fail "xfrm: $N SAs"
t2=$(now)
m2=$(mem_used_kb)
kr=$(rate "$N" "$t0" "$t1")
xr=$(rate "$XN" "$t1" "$t2")
say "bench: sa-install-secs n=$N kesp=$(secs "$t0" "$t1") s xfrm=$(secs "$t1" "$t2") s for $XN"
say "bench: sa-install-rate kesp=$kr SAs/s xfrm=$xr SAs/s ratio=$(ratio "$kr" "$xr")"
km=$(python3 -c "print('%.2f' % (($m1 - $m0) / $N))")
xm=$(python3 -c "print('%.2f' % (($m2 - $m1) / $N))")
say "bench: memory-per-sa kesp=$km KiB xfrm=$xm KiB ratio=$(ratio "$km" "$xm")"
# kespctl's policy IDs (one line each, ip -batch prints none) would
# cost the console under TCG, not the kernel.
t0=$(now)
ip netns exec ka "$KESPCTL" -b "$work/kpol" >/dev/null || fail "kesp: $N policies"
t1=$(now)
xfrm_batch "$work/xpol" policy || fail "xfrm: $N policies"
t2=$(now)
kr=$(rate "$N" "$t0" "$t1")
xr=$(rate "$XN" "$t1" "$t2")
say "bench: policy-install-secs n=$N kesp=$(secs "$t0" "$t1") s xfrm=$(secs "$t1" "$t2") s for $XN"
say "bench: policy-install-rate kesp=$kr policies/s xfrm=$xr policies/s ratio=$(ratio "$kr" "$xr")"
n=$(ip netns exec ka "$KESPCTL" -j sa list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$((N + 2))" ] || fail "kesp holds $n SAs, expected $((N + 2))"

tcp_mbps ks k 1
tcp_mbps xs x 1
say "bench: tcp-with-$N-sas-and-policies kesp=$ks Mbit/s kesp-1-tunnel=$k1 Mbit/s ratio=$(ratio "$ks" "$k1")"
say "bench: tcp-with-$N-sas-and-policies-vs-xfrm kesp=$ks Mbit/s xfrm=$xs Mbit/s ratio=$(ratio "$ks" "$xs")"
netns_cleanup
rmmod kesp || fail "rmmod kesp"
