#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 50
# The kesp family under the netlink fuzzer (selftests/kernel/nlfuzz.c):
# first as root, then as root of an unprivileged user's own user and
# network namespace (what any local user can do on Debian 12), each for
# KESP_NLFUZZ_SECS seconds (default 20) with dumps, flushes, deletes and
# packets racing the requests. Passes when the fuzzer survives, kesp.ko
# then unloads with no slab object of its own left, and, on a kernel with
# kmemleak (make check-debug), nothing of kesp's leaked; run-tests fails
# the test on any oops, WARN, BUG, KASAN or UBSAN line meanwhile.
# KESP_NLFUZZ_SEED repeats a run.
. "$KESP_ROOT/selftests/lib/guest.sh"

secs=${KESP_NLFUZZ_SECS:-20}
seed=${KESP_NLFUZZ_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
fuzz=$KESP_ROOT/build/ktest/nlfuzz
[ -x "$fuzz" ] || fail "$fuzz is not built (make ktest)"
run modprobe kesp
run modprobe dummy

# The addresses the fuzzer's requests and packets use, on a dummy link.
# shellcheck disable=SC2016
links='ip link set lo up && ip link add d0 type dummy &&
	ip addr add 10.0.0.1/24 dev d0 && ip addr add fd00::1/64 dev d0 nodad &&
	ip link set d0 up'

# The first SA of each transform loads and self-tests its crypto modules,
# seconds under TCG: do that before the clock runs.
netns_add warm
key() { od -An -tx1 -v -N "$1" /dev/urandom | tr -d ' \n'; }
spi=0x200
for t in "aes-gcm-16 36" "aes-ccm-16 19" "chacha20-poly1305 36" \
	"aes-cbc 16 hmac-sha256-128 32" "3des-cbc 24 hmac-sha1-96 20" \
	"null 0 hmac-sha512-256 64"; do
	set -- $t
	key "$2" >/tmp/nlfuzz.ek
	args=(enc "$1")
	[ "$2" != 0 ] && args+=(keyfile /tmp/nlfuzz.ek)
	if [ $# -gt 2 ]; then
		key "$4" >/tmp/nlfuzz.ik
		args+=(integ "$3" integkeyfile /tmp/nlfuzz.ik)
	fi
	run ip netns exec warm "$KESPCTL" sa add spi $spi dir out mode tunnel \
		src 192.0.2.9 dst 192.0.2.8 "${args[@]}" >/dev/null
	spi=$((spi + 1))
done
rm -f /tmp/nlfuzz.ek /tmp/nlfuzz.ik
ip netns del warm

netns_add fz
run ip netns exec fz sh -c "$links"
echo "as root, $secs s:"
ip netns exec fz "$fuzz" -t "$secs" -s "$seed" || fail "nlfuzz as root"

echo "as root of an unprivileged user's namespaces, $secs s:"
setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net sh -c "$links && exec \"\$0\" -t $secs -s $((seed + 1))" "$fuzz" ||
	fail "nlfuzz in a user namespace"

netns_cleanup
# The namespaces' exit work is asynchronous: kesp's per-netns state goes
# with the last reference; then the module must unload cleanly.
wait_until 30 rmmod kesp || fail "rmmod kesp after the fuzzing: $(rmmod kesp 2>&1)"
grep -E '^kesp' /proc/slabinfo && fail "kesp slab caches left after rmmod"
if [ -w /sys/kernel/debug/kmemleak ]; then
	# Objects younger than 5 s are not reported: scan twice.
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	if grep -q kesp /sys/kernel/debug/kmemleak; then
		cat /sys/kernel/debug/kmemleak
		fail "kmemleak reports objects of kesp's"
	fi
	echo "kmemleak: nothing of kesp's"
fi
echo "ok: the kesp family survived the netlink fuzzer (seed $seed)"
