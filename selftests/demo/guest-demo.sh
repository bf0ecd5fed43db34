#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo, the guest half: two sites, each a gateway with kesp.ko and
# kesp-iked in its own namespace and one host on its LAN, configured with
# the sample files in examples/ as an operator would install them. The
# first ping from LAN A to LAN B brings the tunnel up on demand; the demo
# shows the daemons' logs, `kespctl status` and /proc/net/kesp, proves the
# traffic crossed the WAN as ESP only, and stops the daemons, which delete
# the tunnel on both ends. Exits 0 when every step worked; otherwise says
# which one failed, prints both daemon logs and exits non-zero.
[ "${KESP_VM:-}" = 1 ] ||
	{ echo "guest-demo.sh runs in the test VM: use make demo" >&2; exit 2; }
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"

EX=${KESP_EXAMPLES:-$KESP_ROOT/examples}

# The run folder of selftests/vm/run, shared with the host: the daemons'
# logs are kept there (build/vm/demo/).
KEEP=/kesp-vm

step() {
	echo
	echo "== $*"
}

# on NAME CMD...: run CMD in the namespace of NAME (gw-a, gw-b, host-a,
# host-b), first showing it as typed at that machine's root prompt.
on() {
	local name=$1 ns
	shift
	case "$name" in
	gw-a) ns=$GWA ;;
	gw-b) ns=$GWB ;;
	host-a) ns=$HOSTA ;;
	host-b) ns=$HOSTB ;;
	esac
	echo "$name# $*" | sed "s|$IKED_DIR/||g; s|$KESP_ROOT/build/||g"
	ip netns exec "$ns" "$@"
}

demo_exit() {
	local rc=$? f
	iked_kill_all
	# Reap them here, where bash's "Killed" notices can be silenced.
	for f in "${IKED_PID[@]}"; do
		wait "$f"
	done 2>/dev/null
	if [ -d "$KEEP" ]; then
		for f in gw-a.log gw-b.log; do
			[ -f "$IKED_DIR/$f" ] && cp "$IKED_DIR/$f" "$KEEP/"
		done
	fi
	if [ "$rc" != 0 ]; then
		echo
		echo "== the demo FAILED (exit $rc); the daemons' logs follow"
		for f in "$IKED_DIR"/gw-a.log "$IKED_DIR"/gw-b.log; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") ---"
			cat "$f"
		done
	fi
	netns_cleanup
	rm -rf "$IKED_DIR"
	exit "$rc"
}
trap demo_exit EXIT

# ping_ok NAME ARGS...: ping from NAME, show its replies and summary; fail
# unless every echo was answered.
ping_ok() {
	local name=$1 out rc
	shift
	out=$(on "$name" ping -n "$@" 2>&1)
	rc=$?
	grep -E '# ping|bytes from|packets transmitted' <<<"$out"
	[ "$rc" = 0 ] || fail "ping $* from $name: $out"
	grep -q ' 0% packet loss' <<<"$out" ||
		fail "ping $* from $name lost packets: $out"
}

# json_num KEY: every number of KEY in kespctl's JSON on stdin, one a line
# (kespctl prints compact JSON; grep is quicker than python under TCG).
json_num() {
	grep -Eo "\"$1\": *[0-9]+" | grep -Eo '[0-9]+$'
}

# child_counters NAME: "packets_in packets_out" of the one CHILD SA of
# NAME's kesp-iked (kespctl ike list -j).
child_counters() {
	local j pin pout
	j=$(iked_ctl "$1" -j ike list) || return 1
	pin=$(json_num packets_in <<<"$j")
	pout=$(json_num packets_out <<<"$j")
	[ "$(wc -w <<<"$pin $pout")" = 2 ] || return 1
	echo "$pin $pout"
}

# count NAME sa|policy: how many kesp.ko holds in NAME's namespace.
count() {
	local ns=$GWA key=spi
	[ "$1" = gw-b ] && ns=$GWB
	[ "$2" = policy ] && key=id
	ip netns exec "$ns" "$KESPCTL" -j "$2" list | grep -Eo "\"$key\":" | wc -l
}

# wait_no_sa NAME SECS: until NAME's kesp.ko holds no SA.
wait_no_sa() {
	local n
	for _ in $(seq 1 $(($2 * 5))); do
		n=$(count "$1" sa)
		[ "$n" = 0 ] && return 0
		sleep 0.2
	done
	fail "$1 still has $n SAs ${2}s after the Delete"
}

# wire_count_start NAME: count what gateway NAME sends on its WAN port,
# by kind, in an nftables table of its own at the egress hook, where
# every frame passes on its way to the wire and nothing else does.
wire_count_start() {
	local ns=$GWA self=$GWA_WAN4 peer=$GWB_WAN4
	[ "$1" = gw-b ] && ns=$GWB self=$GWB_WAN4 peer=$GWA_WAN4
	ip netns exec "$ns" nft -f - <<EOT || fail "$1: nft"
table netdev wire {
	chain egress {
		type filter hook egress device "$WAN_IF" priority 0; policy accept;
		ip saddr $self ip daddr $peer ip protocol esp counter accept comment "ESP $self -> $peer"
		ip saddr $self ip daddr $peer udp dport { 500, 4500 } counter accept comment "IKE $self -> $peer"
		meta protocol arp counter accept comment "ARP"
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, mld-listener-report, mld2-listener-report, mld-listener-done } counter accept comment "IPv6 link control (neighbour discovery, MLD)"
		counter comment "anything else: in clear"
	}
}
EOT
}

# wire_counts NAME: "packets<TAB>kind" per rule of wire_count_start.
wire_counts() {
	local ns=$GWA
	[ "$1" = gw-b ] && ns=$GWB
	ip netns exec "$ns" nft list chain netdev wire egress |
		sed -n 's/.*counter packets \([0-9]*\) .*comment "\(.*\)"$/\1\t\2/p'
}

step "setting up: gw-a and gw-b joined by a WAN, a host behind each"
cat <<'EOT'
   host-a ------- gw-a ============ WAN ============ gw-b ------- host-b
   10.1.0.2   10.1.0.1   192.0.2.1            192.0.2.2   10.2.0.1   10.2.0.2
   fd00:1::2  fd00:1::1                                   fd00:2::1  fd00:2::2
   Each machine is a network namespace of one VM. Each gateway has kesp.ko's
   own SPD and SAD and runs its own kesp-iked; each routes the other LAN via
   the WAN, so without the tunnel LAN traffic would cross it in clear.
EOT
modprobe veth || fail "modprobe veth"
modprobe kesp || fail "modprobe kesp"
# The first SA after boot loads the kernel's AES-GCM and seeds its random
# number generator: a fraction of a second on hardware, up to 25 s under
# TCG, longer than kesp.ko holds the first ping (10 s). A throwaway SA
# (iked.sh's crypto_warm_up) keeps that out of the first ping's way.
crypto_warm_up
topo_two_sites
crypto_warm_up_wait

step "the sample configuration (examples/), installed as an operator would"
install -m 0644 "$EX/ipsec.conf-gwA" "$IKED_DIR/gw-a.conf" || fail "install"
install -m 0644 "$EX/ipsec.conf-gwB" "$IKED_DIR/gw-b.conf" || fail "install"
# One copy per gateway, as two machines would have. kesp-iked refuses a
# secrets file that group or others can read.
install -m 0600 "$EX/ipsec.secrets" "$IKED_DIR/gw-a.secrets" || fail "install"
install -m 0600 "$EX/ipsec.secrets" "$IKED_DIR/gw-b.secrets" || fail "install"
echo "gw-a: examples/ipsec.conf-gwA as its ipsec.conf, here without the comments:"
grep -Ev '^[[:space:]]*(#|$)' "$IKED_DIR/gw-a.conf" | sed 's/^/    /'
echo "gw-b: examples/ipsec.conf-gwB, the same conn seen from gw-b, with auto=add"
echo "both: examples/ipsec.secrets, mode 0600 (kesp-iked refuses readable secrets)"
(cd "$IKED_DIR" && on gw-a "$KESP_IKED" -n -c gw-a.conf -s gw-a.secrets) ||
	fail "kesp-iked -n rejects examples/ipsec.conf-gwA"

step "starting kesp-iked on gw-a (auto=route) and gw-b (auto=add)"
# Count what goes on the WAN from before the first IKE message on.
wire_count_start gw-a
wire_count_start gw-b
echo "gw-a# kesp-iked -c gw-a.conf -s gw-a.secrets -S gw-a.sock &"
iked_start gw-a "$GWA" "$IKED_DIR/gw-a.conf" "$IKED_DIR/gw-a.secrets"
echo "gw-b# kesp-iked -c gw-b.conf -s gw-b.secrets -S gw-b.sock &"
iked_start gw-b "$GWB" "$IKED_DIR/gw-b.conf" "$IKED_DIR/gw-b.secrets"
iked_wait_log gw-a 'routed' 5
grep -h 'routed' "$IKED_DIR/gw-a.log" | sed 's/^/gw-a log: /'
echo "gw-a has installed the conn's on-demand policies (priority 131072), next"
echo "to kesp-iked's bypass policies for IKE itself (UDP 500/4500); no SA yet:"
on gw-a "$KESPCTL" policy list || fail "kespctl policy list"
[ "$(count gw-a sa)" = 0 ] || fail "gw-a has SAs before any traffic"

step "ping from host A ($HOSTA4) to host B ($HOSTB4): the first packet brings the tunnel up"
echo "kesp.ko holds that packet, tells kesp-iked (ACQUIRE), and sends it once"
echo "IKE has set the tunnel up and the SAs are installed: its reply comes back."
ping_ok host-a -c 1 -W 15 "$HOSTB4"
echo "(that round trip includes IKE_SA_INIT, IKE_AUTH and installing the SAs)"
iked_wait_log gw-a 'CHILD SA established' 5
iked_wait_log gw-b 'CHILD SA established' 5
ping_ok host-a -c 3 -i 0.2 -W 2 "$HOSTB4"

step "ping the other way, from host B ($HOSTB4) to host A ($HOSTA4): the same tunnel"
ping_ok host-b -c 3 -i 0.2 -W 2 "$HOSTA4"

step "IPv6 through the same CHILD SA: host A ($HOSTA6) to host B ($HOSTB6) and back"
echo "The conn lists both families in leftsubnet/rightsubnet: one CHILD SA"
echo "carries both, IPv6 inside IPv4 ESP between the gateways."
before=$(child_counters gw-a) || fail "kespctl ike list -j on gw-a"
ping_ok host-a -c 3 -i 0.2 -W 2 "$HOSTB6"
ping_ok host-b -c 3 -i 0.2 -W 2 "$HOSTA6"
after=$(child_counters gw-a) || fail "kespctl ike list -j on gw-a"
read -r in0 out0 <<<"$before"
read -r in1 out1 <<<"$after"
[ $((out1 - out0)) -ge 6 ] && [ $((in1 - in0)) -ge 6 ] ||
	fail "the IPv6 pings did not go through the CHILD SA (gw-a's packets in/out: $before -> $after)"
echo "gw-a's CHILD SA counted them: packets in $in0 -> $in1, out $out0 -> $out1"

step "what the daemons logged"
for gw in gw-a gw-b; do
	grep -hE 'needs the tunnel|initiating|IKE SA established|CHILD SA established' \
		"$IKED_DIR/$gw.log" | sed "s/^/$gw log: /"
done
n=$(grep -c 'CHILD SA established' "$IKED_DIR/gw-a.log")
[ "$n" = 1 ] || fail "gw-a established $n CHILD SAs, expected one"
echo "(the CHILD SA shows no ECP_256: the first one is keyed from the IKE SA's"
echo "key exchange, as RFC 7296 does; esp=...-ecp256 is for its rekeys)"

step "kespctl status on gw-a: kesp-iked's IKE and CHILD SAs, kesp.ko's SAs and drops"
echo "gw-a# kespctl -S gw-a.sock status"
iked_ctl gw-a status || fail "kespctl status"

step "/proc/net/kesp on gw-a: kesp.ko's SAs, policies and drops in gw-a's namespace"
echo "(the policies at priority 65536 belong to the CHILD SA; the auto=route ones"
echo "at 131072 stay for the next time the tunnel is needed; the lower value wins)"
on gw-a cat /proc/net/kesp || fail "/proc/net/kesp"

step "was it encrypted? the CHILD SA's packet counters on both gateways"
for gw in gw-a gw-b; do
	c=$(child_counters $gw) || fail "kespctl ike list -j on $gw"
	read -r pin pout <<<"$c"
	echo "$gw: CHILD SA packets in $pin, out $pout"
	# Each way: 1 + 3 + 3 IPv4 echo requests or replies, 3 + 3 IPv6.
	[ "$pin" -ge 13 ] && [ "$pout" -ge 13 ] ||
		fail "$gw: the CHILD SA carried fewer packets than the pings"
done
echo "(13 IPv4 and IPv6 pings each way, 13 replies: every one went through the SA)"

step "and on the wire: what each gateway sent on its WAN port since kesp-iked started"
echo "(an nftables counter per kind of frame at each WAN port's egress hook)"
for gw in gw-a gw-b; do
	counts=$(wire_counts $gw) || fail "$gw: nft list"
	[ "$(wc -l <<<"$counts")" = 5 ] || fail "$gw: nft counters: $counts"
	awk -F '\t' -v gw=$gw '{ printf "%s: %6d  %s\n", gw, $1, $2 }' <<<"$counts"
	n=$(awk -F '\t' '/^[0-9]+\tESP/ { print $1 }' <<<"$counts")
	[ "$n" -ge 13 ] || fail "$gw sent $n ESP packets, expected 13 or more"
	n=$(awk -F '\t' '/in clear/ { print $1 }' <<<"$counts")
	[ "$n" = 0 ] || fail "$gw sent $n packets in clear on the WAN"
done
echo "only IKE and ESP between 192.0.2.1 and 192.0.2.2, besides the WAN link's"
echo "own ARP and IPv6 control: no LAN packet crossed the WAN in clear"

step "stopping both daemons (SIGTERM): gw-a sends a Delete, both kernels drop the SAs"
echo "gw-a# kill -TERM \$(pidof kesp-iked)"
iked_stop gw-a
iked_wait_log gw-b 'IKE SA deleted by the peer' 5
wait_no_sa gw-a 5
wait_no_sa gw-b 5
grep -hE 'stopping|delet' "$IKED_DIR/gw-a.log" | sed 's/^/gw-a log: /'
grep -hE 'delet' "$IKED_DIR/gw-b.log" | sed 's/^/gw-b log: /'
echo "gw-b# kill -TERM \$(pidof kesp-iked)"
iked_stop gw-b
grep -h 'stopping' "$IKED_DIR/gw-b.log" | sed 's/^/gw-b log: /'
for gw in gw-a gw-b; do
	n=$(count $gw sa) m=$(count $gw policy)
	echo "$gw: $n SAs, $m policies left in kesp.ko"
	[ "$n" = 0 ] && [ "$m" = 0 ] || fail "kesp-iked left state behind on $gw"
done

step "demo passed: the sample configs brought the tunnel up on demand, carried IPv4 and IPv6, and went down cleanly"
