#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 15
# What kesp keeps for a namespace's configuration (SAs with their replay
# windows, policies, SPI reservations) is charged to the memory cgroup of
# whoever asked, as an unprivileged user's namespace may ask for a lot:
# 2000 SAs, 2000 policies and 2000 reservations added from a shell in a
# fresh cgroup raise its unreclaimable slab by at least 2000 objects'
# worth each; a memory.max just above the start makes adding SAs fail
# (ENOMEM) long before 50000, and the namespace still works afterwards.
. "$KESP_ROOT/selftests/lib/guest.sh"

[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
cg=/sys/fs/cgroup
grep -q "^cgroup2 $cg " /proc/mounts || mount -t cgroup2 cgroup2 $cg ||
	skip "no cgroup2"
grep -qw memory $cg/cgroup.controllers || skip "no memory controller"
echo +memory >$cg/cgroup.subtree_control || fail "enabling memory"
run modprobe kesp
grp=$cg/kesp-memcg
tmp=$(mktemp -d)
key=$tmp/key
od -An -tx1 -v -N 32 /dev/urandom >"$key"
cleanup() {
	netns_cleanup
	rmdir "$grp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$grp" || fail "mkdir $grp"
netns_add mc
ip -n mc link set lo up

slab() { awk '$1 == "slab_unreclaimable" { print $2 }' "$grp/memory.stat"; }

# in_cg CMD...: CMD run by a shell that has moved itself into the cgroup.
in_cg() {
	bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$grp" "$@"
}

sa_lines() { # sa_lines FIRST COUNT: SA adds with SPIs FIRST...
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		printf 'sa add spi %d dir in mode tunnel src 192.0.2.1 dst 192.0.2.2 enc null integ hmac-sha256-128 integkeyfile %s\n' \
			"$i" "$key"
	done
}
pol_lines() {
	local i
	for ((i = 0; i < 2000; i++)); do
		printf 'policy add dir out src 10.%d.%d.0/24 dst 10.200.0.0/16 action discard\n' \
			$((i / 256)) $((i % 256))
	done
}

failed=()
# charged WHAT MIN CMD...: CMD in the cgroup raises its slab by MIN bytes.
charged() {
	local what=$1 min=$2 s0 s1
	shift 2
	s0=$(slab)
	in_cg "$@" >/dev/null || fail "$what: $*"
	s1=$(slab)
	echo "$what: unreclaimable slab of the cgroup +$((s1 - s0)) bytes (at least $min expected)"
	[ $((s1 - s0)) -ge "$min" ] || failed+=("$what not charged")
}

# Each object is several hundred bytes; 2000 x 100 is a floor no
# uncharged allocation would reach by accident.
sa_lines 1000 2000 >"$tmp/sas"
pol_lines >"$tmp/pols"
for i in $(seq 2000); do echo 'spi alloc dst 192.0.2.2'; done >"$tmp/spis"
sa_lines 100000 50000 >"$tmp/flood"
charged "2000 SAs" 200000 ip netns exec mc "$KESPCTL" -b "$tmp/sas"
charged "2000 policies" 200000 ip netns exec mc "$KESPCTL" -b "$tmp/pols"
charged "2000 SPI reservations" 100000 \
	ip netns exec mc "$KESPCTL" -b "$tmp/spis"

# A limit just above what the cgroup holds now: adding SAs must fail.
echo $(($(cat "$grp/memory.current") + 4 * 1024 * 1024)) >"$grp/memory.max"
out=$(in_cg ip netns exec mc "$KESPCTL" -b "$tmp/flood" 2>&1)
rc=$?
n=$(ip netns exec mc "$KESPCTL" -j sa list | grep -o '"spi"' | wc -l)
echo "with memory.max: kespctl exited $rc after $((n - 2000)) more SAs: $(tail -n 1 <<<"$out")"
[ "$rc" != 0 ] && [ "$n" -lt 52000 ] ||
	failed+=("memory.max did not stop 50000 SAs")
echo max >"$grp/memory.max"
run ip netns exec mc "$KESPCTL" sa flush
run ip netns exec mc "$KESPCTL" policy flush
netns_cleanup
wait_until 20 eval '[ "$(cat "$grp/cgroup.procs" | wc -l)" = 0 ]'
run rmmod kesp
[ ${#failed[@]} = 0 ] || fail "$(printf '%s; ' "${failed[@]}")"
echo "passed"
