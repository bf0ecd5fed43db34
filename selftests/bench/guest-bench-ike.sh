#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IKE benchmark, run in the guest by selftests/bench/run: IKE SAs (each
# with its first CHILD SA) established per second by a kesp-iked initiator
# against a kesp-iked responder and against strongSwan's charon as the
# responder, in the same boot, for ECP-256 and MODP-2048; and the ceiling,
# key exchanges per second on one core through kesp-iked's dh.c. Lines:
#   bench: ike-sa-rate-GROUP kesp=V IKE-SAs/s charon=V IKE-SAs/s ratio=R
#   bench: ike-dh-ceiling-GROUP kesp=V exchanges/s
# ratio = rate against the kesp-iked responder / rate against charon.
#
# Two gateway pairs, k (kesp-iked <-> kesp-iked) and c (kesp-iked <->
# charon), each gateway A running a kesp-iked with N conns (auto=add):
# conn ci protects 10.1.i.0/24 <-> 10.2.i.0/24, same peer, same IDs and
# PSK. Gateway B has one conn for 10.2.0.0/16 <-> 10.1.0.0/16 and narrows
# each proposal to its /24s. A round asks A for all N conns at once over
# its control socket and times from the first request to the last answer
# (the answer `kespctl ike up` waits for: IKE SA and first CHILD SA
# established); then checks the IKE SAs and kernel SAs on both ends,
# deletes them all from A and waits until both ends are clean. Rounds
# alternate between the pairs, so that a load coming and going on the
# host weighs on both; each pair's result is its median round.
#
# One Python process (ike_rounds.py below) drives all the rounds of a
# group over the control socket, with kespctl's line protocol
# (ikeuser/kespctl/ike.c): N `kespctl ike up` processes would put their
# start-up (tens of ms each under TCG) on the clock, and a Python start
# per check takes seconds. The warm-up before the rounds goes through
# `kespctl ike up` itself.
#
# charon (Debian's 5.9.8, the openssl plugin, both cores through its
# default 16 threads) gets strongswan.conf settings so that it is not
# throttled by defences meant for strangers: cookie_threshold and
# cookie_threshold_ip (cookies beyond 30 half-open IKE SAs, or 3 from one
# address) raised to 10000, block_threshold (5 half-open per address)
# to 20000 (charon wants it above cookie_threshold_ip).
# Both daemons log to a file at their default level (charon: 1 for every
# group; kesp-iked: info).
#
# Environment: KESP_BENCH_IKE_N (conns, default 40, at most 60: the
# daemon polls 64 control clients), KESP_BENCH_IKE_ROUNDS (timed rounds
# per pair and group, default 7), KESP_BENCH_IKE_DH_SECS (seconds per
# group of the ceiling, default 3).
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/iked.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"

N=${KESP_BENCH_IKE_N:-40}
ROUNDS=${KESP_BENCH_IKE_ROUNDS:-7}
DH_SECS=${KESP_BENCH_IKE_DH_SECS:-3}
UP_SECS=120	# a round that takes longer has failed
DRAIN_SECS=60	# the same for deleting them all
DH_SPEED=$KESP_ROOT/build/bench/dh_speed
PSK="kesp bench key"
CH=$IKED_DIR/charon

[ "$N" -ge 1 ] && [ "$N" -le 60 ] || fail "KESP_BENCH_IKE_N=$N: 1 to 60"
[ "$ROUNDS" -ge 1 ] || fail "KESP_BENCH_IKE_ROUNDS=$ROUNDS"
[ -x "$DH_SPEED" ] || fail "$DH_SPEED is not built (make bench builds it)"
[ -x /usr/lib/ipsec/charon ] || fail "strongSwan's charon is not installed (make deps)"
modprobe veth || fail "modprobe veth"
modprobe kesp || fail "modprobe kesp"
for m in esp4 xfrm_user; do modprobe $m 2>/dev/null; done

dump_logs() {
	iked_dump_logs
	[ -d "$CH" ] && _charon_tail "$CH" >&2
}
trap 'rc=$?; [ $rc = 0 ] || dump_logs; iked_kill_all; charon_stop_all; netns_cleanup; rm -rf "$IKED_DIR"' EXIT

say() { printf '%s\n' "$*"; }

# --- the ceiling: one core, key exchanges alone ---
dh=$("$DH_SPEED" -t "$DH_SECS" 19 14) || fail "dh_speed: $dh"
# No /dev/fd in the guest: no process substitution.
read -r _ _ dh19 _ <<<"$(grep '^19 ' <<<"$dh")"
read -r _ _ dh14 _ <<<"$(grep '^14 ' <<<"$dh")"
[ -n "${dh19:-}" ] && [ -n "${dh14:-}" ] || fail "dh_speed said: $dh"
say "bench: ike-dh-ceiling-ecp256 kesp=${dh19%.*} exchanges/s"
say "bench: ike-dh-ceiling-modp2048 kesp=${dh14%.*} exchanges/s"

# ike_rounds.py GROUP: the timed rounds of one group on pairs k and c,
# with the daemons of both running; prints "ike:" lines per round and the
# group's "bench:" line. Exits 1 (after saying why) on any failure.
cat >"$IKED_DIR/ike_rounds.py" <<'PY'
import json, os, re, select, socket, statistics, subprocess, sys, time

group = sys.argv[1]
env = os.environ
n, rounds = int(env["N"]), int(env["ROUNDS"])
up_secs, drain_secs = float(env["UP_SECS"]), float(env["DRAIN_SECS"])
d, ch, kespctl = env["IKED_DIR"], env["CH"], env["KESPCTL"]
names = ["c%d" % i for i in range(1, n + 1)]


def fail(msg):
    print("FAIL: %s: %s" % (group, msg), flush=True)
    sys.exit(1)


def connect(path, deadline):
    while True:	# the daemon's listen backlog is 16: wait for room
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(max(deadline - time.monotonic(), 1))
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def ask_all(side, reqs, secs, settle=0.0):
    """Each request on its own connection to SIDE's control socket, all
    at once. Returns the seconds from the first request sent to the last
    answer, and {request: (status, text)}; status None: no answer."""
    deadline = time.monotonic() + secs
    socks = {connect("%s/%s.sock" % (d, side), deadline): r for r in reqs}
    # The daemon accepts one client per turn of its loop: all of them
    # accepted before the clock starts.
    time.sleep(settle)
    bufs = {s: b"" for s in socks}
    t0 = time.monotonic()
    for s, r in socks.items():
        s.sendall((r + "\n").encode())
    left = set(socks)
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0:
            break
        for s in select.select(list(left), [], [], wait)[0]:
            chunk = s.recv(65536)
            if chunk:
                bufs[s] += chunk
            else:
                left.discard(s)
    t1 = time.monotonic()
    out = {}
    for s, r in socks.items():
        s.close()
        if s in left:
            out[r] = (None, "no answer in %.0f s" % secs)
            continue
        # "0\nBODY" or "-ERRNO MESSAGE\n"
        head, _, body = bufs[s].decode(errors="replace").partition("\n")
        try:
            status = int(head.split(" ", 1)[0])
        except ValueError:
            status = None
        out[r] = (status, body if status == 0 else head)
    return t1 - t0, out


def failed(answers):
    return ["%s: %s" % (r, a[1]) for r, a in answers.items() if a[0] != 0]


def run(*cmd, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
    except subprocess.TimeoutExpired:
        fail("%s: no answer in 60 s" % " ".join(cmd))
    if r.returncode:
        fail("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r.stdout


def iked_ike_sas(side):
    _, ans = ask_all(side, ["ike list json"], 20)
    bad = failed(ans)
    if bad:
        fail("%s: %s" % (side, bad[0]))
    return len(json.loads(ans["ike list json"][1])["ike_sas"])


def kernel_sas(ns):
    return len(json.loads(run("ip", "netns", "exec", ns, kespctl, "-j", "sa", "list")))


def charon_ike_sas():
    out = run("swanctl", "--stats", "--uri", "unix://%s/charon.vici" % ch,
              env=dict(os.environ, STRONGSWAN_CONF="%s/strongswan.conf" % ch))
    m = re.search(r"^IKE_SAs: (\d+) total", out, re.M)
    if not m:
        fail("swanctl --stats said: %s" % out)
    return int(m.group(1))


def xfrm_states(ns):
    return sum(l.startswith("src ") for l in
               run("ip", "-n", ns, "xfrm", "state", "list").splitlines())


def counts(p):
    """(IKE SAs of A, SAs in A's kernel, IKE SAs of B, SAs in B's kernel)"""
    a = (iked_ike_sas(p + "a"), kernel_sas(p + "gwA"))
    if p == "k":
        return a + (iked_ike_sas("kb"), kernel_sas("kgwB"))
    return a + (charon_ike_sas(), xfrm_states("cgwB"))


def wait_clean(p):
    deadline = time.monotonic() + drain_secs
    while True:
        c = counts(p)
        if c == (0, 0, 0, 0):
            return
        if time.monotonic() > deadline:
            fail("pair %s not clean %.0f s after deleting: A holds %d IKE SAs"
                 " and %d kernel SAs, B %d and %d" % ((p, drain_secs) + c))
        time.sleep(0.2)


def retransmits(p):
    """Requests A has retransmitted so far: its peer took longer than A's
    timer (0.5 s, then doubling)."""
    with open("%s/%sa.log" % (d, p), errors="replace") as f:
        return sum(bool(re.search(r"retransmit \d+ of request", l)) for l in f)


def one_round(p, rates):
    r0 = retransmits(p)
    secs, ans = ask_all(p + "a", ["ike up " + c for c in names], up_secs, 0.3)
    bad = failed(ans)
    if bad:
        fail("pair %s: %d of %d ike up failed:\n  %s" %
             (p, len(bad), n, "\n  ".join(bad)))
    rates.append(n / secs)
    print("ike: %s pair %s: %d IKE SAs in %.3f s (%.2f/s), %d requests"
          " retransmitted" % (group, p, n, secs, n / secs,
                              retransmits(p) - r0), flush=True)
    c = counts(p)
    if c != (n, 2 * n, n, 2 * n):
        fail("pair %s after ike up: A holds %d IKE SAs and %d kernel SAs,"
             " B %d and %d; expected %d, %d" % ((p,) + c + (n, 2 * n)))
    _, ans = ask_all(p + "a", ["ike down " + c for c in names], 20)
    bad = failed(ans)
    if bad:
        fail("pair %s: ike down: %s" % (p, bad[0]))
    wait_clean(p)


rates = {"k": [], "c": []}
for p in rates:	# the warm-up's SAs: gone?
    wait_clean(p)
for r in range(rounds):
    # k first in even rounds, c first in odd ones.
    for p in ("k", "c") if r % 2 == 0 else ("c", "k"):
        one_round(p, rates[p])
k, c = statistics.median(rates["k"]), statistics.median(rates["c"])
for p, what in (("k", "kesp-iked"), ("c", "charon")):
    print("ike: %s rounds against %s (IKE SAs/s): %s" %
          (group, what, " ".join("%.2f" % x for x in rates[p])))
print("bench: ike-sa-rate-%s kesp=%.1f IKE-SAs/s charon=%.1f IKE-SAs/s"
      " ratio=%.2f" % (group, k, c, k / c), flush=True)
PY

# pair P: gateways ${P}gwA 192.0.2.1 and ${P}gwB 192.0.2.2 on a veth;
# the LANs the conns protect need not exist for IKE.
pair() {
	local p=$1 s
	netns_add "${p}gwA"
	netns_add "${p}gwB"
	ip link add wan netns "${p}gwA" type veth peer name wan netns "${p}gwB" ||
		fail "veth ${p}gwA - ${p}gwB"
	ip -n "${p}gwA" addr add 192.0.2.1/24 dev wan || fail "addr"
	ip -n "${p}gwB" addr add 192.0.2.2/24 dev wan || fail "addr"
	for s in A B; do
		ip -n "${p}gw$s" link set lo up || fail "lo up"
		ip -n "${p}gw$s" link set wan up || fail "wan up"
	done
	ip netns exec "${p}gwA" ping -c 1 -W 5 192.0.2.2 >/dev/null ||
		fail "${p}gwA cannot reach ${p}gwB"
}

conf_a() { # conf_a FILE IKE ESP: N conns, ci for 10.1.i.0/24 - 10.2.i.0/24
	local i
	{
		cat <<EOC
conn %default
	keyexchange=ikev2
	authby=secret
	left=192.0.2.1
	leftid=@gw-a.example
	right=192.0.2.2
	rightid=@gw-b.example
	ike=$2!
	esp=$3!
	auto=add
EOC
		for i in $(seq 1 "$N"); do
			printf '\nconn c%d\n\tleftsubnet=10.1.%d.0/24\n\trightsubnet=10.2.%d.0/24\n' \
				"$i" "$i" "$i"
		done
	} >"$1"
}

conf_b() { # conf_b FILE IKE ESP: one conn for the /16s
	cat >"$1" <<EOC
conn gw
	keyexchange=ikev2
	authby=secret
	left=192.0.2.2
	leftid=@gw-b.example
	leftsubnet=10.2.0.0/16
	right=192.0.2.1
	rightid=@gw-a.example
	rightsubnet=10.1.0.0/16
	ike=$2!
	esp=$3!
	auto=add
EOC
}

secrets() {
	printf '@gw-a.example @gw-b.example : PSK "%s"\n' "$PSK" >"$1"
}

conf_charon() { # conf_charon FILE IKE ESP
	cat >"$1" <<EOC
connections {
	gw {
		version = 2
		mobike = no
		unique = never
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		proposals = $2
		local {
			auth = psk
			id = gw-b.example
		}
		remote {
			auth = psk
			id = gw-a.example
		}
		children {
			net {
				local_ts = 10.2.0.0/16
				remote_ts = 10.1.0.0/16
				esp_proposals = $3
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "$PSK"
	}
}
EOC
}

CHARON_EXTRA_CONF='
# guest-bench-ike.sh: N IKE SAs from one peer at once; each daemon at
# its default log level.
charon {
	block_threshold = 20000
	cookie_threshold = 10000
	cookie_threshold_ip = 10000
	filelog {
		test {
			ike = 1
			cfg = 1
			chd = 1
		}
	}
}'
export CHARON_EXTRA_CONF N ROUNDS UP_SECS DRAIN_SECS IKED_DIR CH KESPCTL

pair k
pair c
for f in ka kb ca; do secrets "$IKED_DIR/$f.secrets"; done

while read -r g ike esp; do
	conf_a "$IKED_DIR/a.conf" "$ike" "$esp"
	conf_b "$IKED_DIR/kb.conf" "$ike" "$esp"
	conf_charon "$IKED_DIR/swanctl.conf" "$ike" "$esp"
	iked_start ka kgwA "$IKED_DIR/a.conf" "$IKED_DIR/ka.secrets"
	iked_start kb kgwB "$IKED_DIR/kb.conf" "$IKED_DIR/kb.secrets"
	iked_start ca cgwA "$IKED_DIR/a.conf" "$IKED_DIR/ca.secrets"
	charon_start cgwB "$CH" >/dev/null
	charon_load cgwB "$CH" "$IKED_DIR/swanctl.conf" >/dev/null

	# Warm-up, off the clock and through kespctl: the first SAs pay for
	# OpenSSL's providers, RNG seeding and the kernel's crypto modules
	# (seconds under TCG). kesp-iked answers a failed ike up after its
	# 63.5 s of retransmissions; timeout guards against no answer at all.
	for p in k c; do
		for c in c1 c2 c3; do
			out=$(timeout 90 ip netns exec "${p}gwA" "$KESPCTL" \
				-S "$IKED_DIR/${p}a.sock" ike up "$c" 2>&1) ||
				fail "$g, pair $p: kespctl ike up $c: $out"
		done
		for c in c1 c2 c3; do
			out=$(iked_ctl "${p}a" ike down "$c" 2>&1) ||
				fail "$g, pair $p: kespctl ike down $c: $out"
		done
	done

	python3 "$IKED_DIR/ike_rounds.py" "$g" || fail "$g: the rounds failed"

	iked_stop ka
	iked_stop kb
	iked_stop ca
	charon_stop "$CH"
	# What went wrong, if anything, counted by kind (numbers as N).
	for f in ka kb ca; do
		grep -E '(error|warning): ' "$IKED_DIR/$f.log" |
			sed -E 's/^[0-9:.]+ //; s/[0-9]+/N/g' | sort | uniq -c |
			sort -rn | head -5 | sed "s/^/ike: $g $f.log: /"
		mv "$IKED_DIR/$f.log" "$IKED_DIR/$f-$g.log"
	done
	grep -iE 'ignoring|cookie|failed|error' "$CH/charon.log" |
		sed -E 's/^[0-9:]+ [0-9]+//; s/[0-9]+/N/g' | sort | uniq -c |
		sort -rn | head -5 | sed "s/^/ike: $g charon.log: /"
	cp "$CH/charon.log" "$IKED_DIR/charon-$g.log"
done <<'EOS'
ecp256 aes128gcm16-prfsha256-ecp256 aes128gcm16
modp2048 aes128-sha256-modp2048 aes128-sha256
EOS
