#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 160
# smp: 2
# kesp's ESP interoperates with the kernel's own IPsec (XFRM) on the wire.
# Gateway A (kesp) and gateway B (XFRM) sit in two namespaces joined by a
# veth; with manually keyed SAs for every mode, address family mix and
# algorithm kesp offers, and ESN across the 2^32 boundary, ICMP (small and
# 1400 bytes), UDP and TCP pass both ways, started from either side. Each
# side's counters show the packets and no errors, and the wire carries only
# ESP with the agreed SPIs and gap-free sequence numbers, never the
# protected traffic in clear. Every other case runs kesp.ko's optional
# data paths (parallel crypto, GRO on the way back in), decryption on
# the receiving CPU rather than the pipeline's, and ChaCha20-
# Poly1305 through the crypto API instead of the library.
#
# A_IMPL=xfrm configures A with `ip xfrm` too, mirroring B: every case must
# then pass, which checks the test itself without kesp's data path. XFRM
# needs a "dir in" policy to deliver what a tunnel SA decrypted, and an
# inner-family selector on its SAs for 4in6 and 6in4; no "fwd" policy, as
# the inner addresses are the gateways' own.
#
# B_IMPL=kesp configures B with kespctl instead (t-esp-kesp.sh runs kesp on
# both sides). The checks follow: each side's kesp SAs and drop counters, or
# its XFRM states and /proc/net/xfrm_stat. kesp cannot start an inbound
# SA's replay window anywhere but 0, so with ESN a kesp B infers the high
# half of A's first numbers (0xfffffff9, ...) from a window at 0: they are
# in the first 2^32, the only place a window that has not moved can put
# them.
. "$KESP_ROOT/selftests/lib/guest.sh"

A_IMPL=${A_IMPL:-kesp}
B_IMPL=${B_IMPL:-xfrm}
case "$A_IMPL/$B_IMPL" in
kesp/kesp | kesp/xfrm | xfrm/kesp | xfrm/xfrm) ;;
*) fail "A_IMPL=$A_IMPL B_IMPL=$B_IMPL: expected kesp or xfrm each" ;;
esac
declare -A IMPL=([gwa]=$A_IMPL [gwb]=$B_IMPL)

command -v python3 >/dev/null || skip "no python3"
if [ "$A_IMPL" = xfrm ] || [ "$B_IMPL" = xfrm ]; then
	ip xfrm state list >/dev/null 2>&1 || skip "ip xfrm does not work"
	modprobe -a esp4 esp6 xfrm_user ||
		skip "cannot load esp4, esp6, xfrm_user"
fi
if [ "$A_IMPL" = kesp ] || [ "$B_IMPL" = kesp ]; then
	[ -x "$KESPCTL" ] || fail "$KESPCTL is not built (make user)"
	run modprobe kesp
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; netns_cleanup' EXIT

# --- topology: gwa (192.0.2.1, 10.1/16) == veth == gwb (192.0.2.2, 10.2/16) ---

MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
netns_add gwa
netns_add gwb
run ip link add va address $MAC_A netns gwa type veth \
	peer name vb address $MAC_B netns gwb

# gw NS VETH N PEER-MAC: gateway N (1 or 2) with its inner network on a
# dummy and a route to the other's via the veth, where IPsec catches it.
gw() {
	local ns=$1 dev=$2 n=$3 peer=$((3 - $3)) mac=$4
	run ip -n "$ns" link set lo up
	run ip -n "$ns" link set "$dev" up
	run ip -n "$ns" addr add 192.0.2.$n/24 dev "$dev"
	run ip -n "$ns" addr add 2001:db8::$n/64 dev "$dev" nodad
	run ip -n "$ns" link add inner type dummy
	run ip -n "$ns" link set inner up
	run ip -n "$ns" addr add 10.$n.0.1/16 dev inner
	run ip -n "$ns" addr add fd0$n::1/64 dev inner nodad
	run ip -n "$ns" route add 10.$peer.0.0/16 via 192.0.2.$peer dev "$dev"
	run ip -n "$ns" route add fd0$peer::/64 via 2001:db8::$peer dev "$dev"
	# Static neighbours: no ARP or ND in a case. The v6 transport
	# policies cover ND too (XFRM then sends a unicast NS in ESP; not
	# every peer would), and no first packet waits on a resolution.
	run ip -n "$ns" neigh add 192.0.2.$peer lladdr "$mac" dev "$dev" \
		nud permanent
	run ip -n "$ns" neigh add 2001:db8::$peer lladdr "$mac" dev "$dev" \
		nud permanent
}
gw gwa va 1 $MAC_B
gw gwb vb 2 $MAC_A

# --- the probe: traffic both ways, the wire, the counters of both sides ---

# One process per case: it enters the namespaces itself (setns), so the
# servers, the clients and the sniffers on both ends of the veth share it.
cat >"$tmp/probe.py" <<'PY'
import ctypes, json, os, re, select, socket, struct, subprocess, sys, time

arg = dict(a.split("=", 1) for a in sys.argv[1:])
A, B = "gwa", "gwb"
addr = {A: arg["a"], B: arg["b"]}
outer = {A: arg["oa"], B: arg["ob"]}
spi = {A: int(arg["spi_ab"], 0), B: int(arg["spi_ba"], 0)}
first_seq = {A: int(arg["seq_ab"], 0), B: 0}
impl = {A: arg["a_impl"], B: arg["b_impl"]}
xfrm_ns = [ns for ns in (A, B) if impl[ns] == "xfrm"]
kesp_ns = [ns for ns in (A, B) if impl[ns] == "kesp"]
peer = {A: B, B: A}
PORT = 7777
libc = ctypes.CDLL(None, use_errno=True)
ns_fd = {}
problems = []


def bad(msg):
    problems.append(msg)
    print("  FAIL: " + msg)


def enter(ns):
    if ns not in ns_fd:
        ns_fd[ns] = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(ns_fd[ns], 0x40000000):	# CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns " + ns)


def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def same(x, y):
    return socket.inet_pton(fam(x), x) == socket.inet_pton(fam(y), y)


def sh(ns, *cmd):
    enter(ns)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.stdout


def xfrm_stat(ns):
    enter(ns)
    with open("/proc/self/net/xfrm_stat") as f:
        return {k: int(v) for k, v in (l.split() for l in f)}


stat0 = {ns: xfrm_stat(ns) for ns in xfrm_ns}

# Servers (and the ICMP sockets, which only read replies) in both.
sock = {}
for ns in (A, B):
    enter(ns)
    f = fam(addr[ns])
    icmp = socket.socket(f, socket.SOCK_RAW, socket.IPPROTO_ICMP
                         if f == socket.AF_INET else socket.IPPROTO_ICMPV6)
    icmp.bind((addr[ns], 0))
    udp = socket.socket(f, socket.SOCK_DGRAM)
    udp.bind((addr[ns], PORT))
    tcp = socket.socket(f, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr[ns], PORT))
    tcp.listen(4)
    sock[ns] = {"icmp": icmp, "udp": udp, "tcp": tcp}
# The wire is what each end of the veth sends: frames it receives include
# the inner packets that XFRM (and perhaps kesp) reinject after decryption.
sniff = {}
for ns, dev in ((A, "va"), (B, "vb")):
    enter(ns)
    sniff[ns] = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(3))	# ETH_P_ALL
    sniff[ns].setsockopt(socket.SOL_SOCKET, 33, 1 << 22)	# SO_RCVBUFFORCE
    sniff[ns].bind((dev, 3))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


icmp_seq = 0


def ping(src, dst, size, timeout=2.0):
    """One echo request from src's address; None if the reply came."""
    global icmp_seq
    icmp_seq += 1
    s, v6 = sock[src]["icmp"], fam(addr[dst]) == socket.AF_INET6
    ident = os.getpid() & 0xffff
    data = (b"kesp-esp-xfrm-" * (size // 14 + 1))[:size]
    pkt = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, ident,
                      icmp_seq) + data
    if not v6:
        pkt = pkt[:2] + struct.pack("!H", csum(pkt)) + pkt[4:]
    try:
        s.sendto(pkt, (addr[dst], 0))
    except OSError as e:
        return "send: " + e.strerror
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return "no reply in %gs" % timeout
        if not select.select([s], [], [], left)[0]:
            continue
        r, frm = s.recvfrom(65535)
        if not v6:
            r = r[(r[0] & 15) * 4:]
        if len(r) < 8 or not same(frm[0], addr[dst]):
            continue
        t, _, _, i, q = struct.unpack("!BBHHH", r[:8])
        if t == (129 if v6 else 0) and i == ident and q == icmp_seq:
            return None if r[8:] == data else "reply differs"


def udp(src, dst):
    enter(src)
    c = socket.socket(fam(addr[src]), socket.SOCK_DGRAM)
    c.bind((addr[src], 0))
    srv, msg = sock[dst]["udp"], b"udp %s -> %s" % (src.encode(), dst.encode())
    try:
        c.sendto(msg, (addr[dst], PORT))
        if not select.select([srv], [], [], 2)[0]:
            return "server got nothing in 2s"
        got, peer = srv.recvfrom(65535)
        if got != msg:
            return "server got other bytes"
        srv.sendto(got, peer)
        if not select.select([c], [], [], 2)[0]:
            return "no echo in 2s"
        return None if c.recv(65535) == msg else "echo differs"
    finally:
        c.close()


def recv_n(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            break
        b += d
    return b


def tcp(src, dst, size=3000):
    """Full-sized segments, echoed, then a clean close on both sides."""
    enter(src)
    c = socket.socket(fam(addr[src]), socket.SOCK_STREAM)
    c.settimeout(4)
    c.bind((addr[src], 0))
    msg = (bytes(range(256)) * (size // 256 + 1))[:size]
    conn = None
    try:
        try:
            c.connect((addr[dst], PORT))
        except OSError as e:
            return "connect: %s" % (e.strerror or e)
        c.sendall(msg)
        lst = sock[dst]["tcp"]
        lst.settimeout(4)
        conn = lst.accept()[0]
        conn.settimeout(4)
        got = recv_n(conn, size)
        if got != msg:
            return "server got %d of %d bytes" % (len(got), size)
        conn.sendall(got)
        back = recv_n(c, size)
        if back != msg:
            return "client got %d of %d bytes back" % (len(back), size)
        c.shutdown(socket.SHUT_WR)
        if conn.recv(1) != b"":
            return "no FIN at the server"
        conn.close()
        conn = None
        if c.recv(1) != b"":
            return "no FIN at the client"
        return None
    except OSError as e:
        return "%s" % (e.strerror or e)
    finally:
        if conn:
            conn.close()
        c.close()


def direction(src, dst):
    tag = "%s -> %s" % (addr[src], addr[dst])
    for n in range(3):
        err = ping(src, dst, 56)
        if err:
            return bad("%s: ping %d of 3: %s" % (tag, n + 1, err))
    print("  %s: ping 3/3" % tag)
    # As ping -s 1400 -c 3 passes: one reply, perhaps after a PMTU update.
    errs = []
    for n in range(3):
        err = ping(src, dst, 1400)
        if not err:
            break
        errs.append(err)
    else:
        return bad("%s: ping 1400 bytes: %s" % (tag, "; ".join(errs)))
    print("  %s: ping 1400 bytes%s" % (tag, " (after %s)" % "; ".join(errs)
                                       if errs else ""))
    err = udp(src, dst)
    if err:
        return bad("%s: udp: %s" % (tag, err))
    print("  %s: udp echo" % tag)
    err = tcp(src, dst)
    if err:
        return bad("%s: tcp 3000 bytes: %s" % (tag, err))
    print("  %s: tcp 3000 bytes echoed" % tag)


direction(A, B)
direction(B, A)
time.sleep(0.2)


# --- the wire, as the two ends of the veth sent it ---

def parse(frame):
    """(src, dst, proto, first fragment?, payload) of an IP frame."""
    et = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if et == 0x0800 and len(ip) >= 20:
        f, src, dst, proto = socket.AF_INET, ip[12:16], ip[16:20], ip[9]
        first = struct.unpack("!H", ip[6:8])[0] & 0x1fff == 0
        l4 = ip[(ip[0] & 15) * 4:]
    elif et == 0x86dd and len(ip) >= 40:
        f, src, dst, proto = socket.AF_INET6, ip[8:24], ip[24:40], ip[6]
        first, l4 = True, ip[40:]
        while proto in (0, 43, 44, 60) and len(l4) >= 8:
            if proto == 44:
                first = first and struct.unpack("!H", l4[2:4])[0] >> 3 == 0
                proto, l4 = l4[0], l4[8:]
            else:
                proto, l4 = l4[0], l4[(l4[1] + 1) * 8:]
    else:
        return None
    return (socket.inet_ntop(f, src), socket.inet_ntop(f, dst), proto,
            first, l4)


def sent(ns):
    """The frames ns sent on its veth end."""
    s = sniff[ns]
    s.setblocking(False)
    while True:
        try:
            frame, where = s.recvfrom(65535)
        except BlockingIOError:
            return
        if where[2] == socket.PACKET_OUTGOING:
            yield frame


esp = {A: [], B: []}
stray, leaks = [], []
for p in map(parse, list(sent(A)) + list(sent(B))):
    if not p:
        continue
    src, dst, proto, first, l4 = p
    if proto != 50:
        if (same(src, addr[A]) and same(dst, addr[B])) or \
           (same(src, addr[B]) and same(dst, addr[A])):
            leaks.append("%s > %s proto %d" % (src, dst, proto))
        continue
    if not first:
        continue
    for s, d in ((A, B), (B, A)):
        if same(src, outer[s]) and same(dst, outer[d]) and len(l4) >= 8:
            esp[s].append(struct.unpack("!II", l4[:8]))
            break
    else:
        stray.append("%s > %s" % (src, dst))
if leaks:
    bad("protected traffic in clear on the wire: " + ", ".join(leaks[:5]))
if stray:
    bad("ESP between other addresses: " + ", ".join(stray[:5]))
for s, d in ((A, B), (B, A)):
    tag = "wire %s > %s" % (outer[s], outer[d])
    pk = esp[s]
    if not pk:
        bad(tag + ": no ESP")
        continue
    spis = sorted({x[0] for x in pk})
    if spis != [spi[s]]:
        bad("%s: SPIs %s, expected 0x%x" % (tag, ", ".join(
            "0x%x" % x for x in spis), spi[s]))
    seqs = sorted(x[1] for x in pk)
    want = sorted((first_seq[s] + 1 + i) & 0xffffffff
                  for i in range(len(pk)))
    lo, hi = (first_seq[s] + 1) & 0xffffffff, (first_seq[s] + len(pk))
    if seqs != want:
        bad("%s: sequence numbers %s, expected %d from %d" % (
            tag, [x[1] for x in pk], len(pk), lo))
    elif first_seq[s]:
        print("  %s: %d ESP, SPI 0x%x, seq 0x%x..0x%x%s" % (
            tag, len(pk), spi[s], lo, hi & 0xffffffff,
            " across 2^32" if hi > 0xffffffff else ""))
    else:
        print("  %s: %d ESP, SPI 0x%x, seq %d..%d" % (
            tag, len(pk), spi[s], lo, hi))

# --- each side's own account ---

dump = []
for ns in xfrm_ns:
    out = sh(ns, "ip", "-s", "xfrm", "state")
    states, cur = {}, None
    for l in out.splitlines():
        m = re.search(r"proto esp spi (0x[0-9a-f]+)", l)
        if m:
            cur = states.setdefault(int(m.group(1), 16), {})
        elif cur is not None:
            m = re.search(r"(\d+)\(packets\)", l)
            if m:
                cur["packets"] = int(m.group(1))
            m = re.search(r"replay-window (\d+) replay (\d+) failed (\d+)", l)
            if m:
                cur["errors"] = tuple(map(int, m.groups()))
    for x in (spi[A], spi[B]):
        st = states.get(x)
        if not st:
            bad("%s: no XFRM state SPI 0x%x" % (ns, x))
        elif not st.get("packets") or st.get("errors") != (0, 0, 0):
            bad("%s: XFRM state SPI 0x%x: %s packets, replay-window/replay/"
                "failed %s" % (ns, x, st.get("packets"), st.get("errors")))
    diff = {k: v - stat0[ns].get(k, 0) for k, v in xfrm_stat(ns).items()
            if v != stat0[ns].get(k, 0)}
    if diff:
        bad("%s: /proc/net/xfrm_stat rose: %s" % (ns, diff))
    # Counters and sequence numbers, not the keys or the lifetimes.
    keep = re.compile(r"^src |proto esp|sel src|anti-replay|seq-hi|"
                      r"\d\(packets\)|replay-window \d+ replay")
    dump.append((ns, "ip -s xfrm state (some lines)", "\n".join(
        l for l in out.splitlines() if keep.search(l))))
    dump.append((ns, "ip xfrm policy", ("ip", "xfrm", "policy")))

# Packets kesp answered with ICMP "too big" are its path MTU discovery
# through the tunnel (RFC 4301 8.2; XFRM lowers the route's MTU instead):
# not errors, if the traffic then passed.
PMTU = "out-too-big"
k = arg["kespctl"]
for ns in kesp_ns:
    out = sh(ns, k, "-j", "sa", "list")
    try:
        sas = {(s["spi"], s["dir"]): s for s in json.loads(out)}
    except ValueError:
        sas = {}
        bad("%s: kespctl -j sa list said: %s" % (ns, out))
    # Its outbound SA carries its own SPI, its inbound one the peer's;
    # both end at the last number on the wire (all 64 bits with ESN).
    for x, d, s in ((spi[ns], "out", ns), (spi[peer[ns]], "in", peer[ns])):
        sa = sas.get((x, d))
        if not sa:
            bad("%s: no kesp SA SPI 0x%x dir %s" % (ns, x, d))
            continue
        errs = {e: n for e, n in sa["errors"].items() if n and e != PMTU}
        if not sa["packets"] or errs:
            bad("%s: kesp SA SPI 0x%x dir %s: %d packets, errors %s" % (
                ns, x, d, sa["packets"], errs))
        last = first_seq[s] + len(esp[s])
        if esp[s] and sa["seq"] != last:
            bad("%s: kesp SA SPI 0x%x dir %s: seq 0x%x, the wire ends at "
                "0x%x" % (ns, x, d, sa["seq"], last))
        elif esp[s] and last > 0xffffffff:
            print("  %s: kesp SA SPI 0x%x dir %s at seq 0x%x (ESN)" % (
                ns, x, d, sa["seq"]))
    st = sh(ns, k, "-j", "stats")
    try:
        drops = {c: n for c, n in json.loads(st).items() if n}
    except ValueError:
        drops = {"kespctl -j stats said": st}
    if drops.get(PMTU):
        n = drops.pop(PMTU)
        print("  %s: kesp sent %d packet%s back as too big (PMTU)" %
              (ns, n, "" if n == 1 else "s"))
    if drops:
        bad("%s: kesp drop counters: %s" % (ns, drops))
    dump.append((ns, "kespctl stats", (k, "stats")))
    for cmd in (("sa", "list"), ("policy", "list")):
        dump.append((ns, "kespctl " + " ".join(cmd), (k,) + cmd))
if problems:
    for ns, what, text in dump:
        if isinstance(text, tuple):
            text = sh(ns, *text)
        print("  --- %s: %s" % (ns, what))
        print("\n".join("    " + l for l in text.splitlines()))
sys.exit(1 if problems else 0)
PY

# --- configuration ---

# hex N: N random bytes in hex.
hex() {
	od -An -tx1 -v -N "$1" /dev/urandom | tr -d ' \n'
}

# cfg CMD...: a configuration step of a case; says what failed and why.
cfg() {
	local out
	out=$("$@" 2>&1) && return 0
	echo "  FAIL: '$*' exited $?: $out"
	return 1
}

# Key bytes as IKEv2 makes them: AEAD keys end with their salt.
enc_key_len() {
	case $ENC in
	aes-gcm-16) echo $((BITS / 8 + 4)) ;;
	aes-ccm-16) echo $((BITS / 8 + 3)) ;;
	chacha20-poly1305) echo 36 ;;
	aes-cbc) echo $((BITS / 8)) ;;
	3des-cbc) echo 24 ;;
	null) echo 0 ;;
	esac
}

integ_key_len() {
	case $INTEG in
	hmac-sha1-96) echo 20 ;;
	hmac-sha256-128) echo 32 ;;
	hmac-sha384-192) echo 48 ;;
	hmac-sha512-256) echo 64 ;;
	hmac-md5-96) echo 16 ;;
	-) echo 0 ;;
	esac
}

# xfrm_alg KEY INTEGKEY: ALG=(the algorithm words of ip xfrm state add).
xfrm_alg() {
	case $ENC in
	aes-gcm-16) ALG=(aead 'rfc4106(gcm(aes))' "0x$1" 128) ;;
	aes-ccm-16) ALG=(aead 'rfc4309(ccm(aes))' "0x$1" 128) ;;
	chacha20-poly1305)
		ALG=(aead 'rfc7539esp(chacha20,poly1305)' "0x$1" 128) ;;
	aes-cbc) ALG=(enc 'cbc(aes)' "0x$1") ;;
	3des-cbc) ALG=(enc 'cbc(des3_ede)' "0x$1") ;;
	null) ALG=(enc 'ecb(cipher_null)' '') ;;
	esac
	case $INTEG in
	hmac-sha1-96) ALG+=(auth-trunc 'hmac(sha1)' "0x$2" 96) ;;
	hmac-sha256-128) ALG+=(auth-trunc 'hmac(sha256)' "0x$2" 128) ;;
	hmac-sha384-192) ALG+=(auth-trunc 'hmac(sha384)' "0x$2" 192) ;;
	hmac-sha512-256) ALG+=(auth-trunc 'hmac(sha512)' "0x$2" 256) ;;
	hmac-md5-96) ALG+=(auth-trunc 'hmac(md5)' "0x$2" 96) ;;
	esac
}

# xfrm_gw NS a|b: configure NS as gateway a or b with ip xfrm.
xfrm_gw() {
	local ns=$1 l=$OA r=$OB ln=$NA rn=$NB so=$SPI_AB si=$SPI_BA
	local ko=$KEY_AB ki=$KEY_BA io=$IKEY_AB ii=$IKEY_BA
	local oseq=$SEQ_AB iseq=0 esn=()
	if [ "$2" = b ]; then
		l=$OB r=$OA ln=$NB rn=$NA so=$SPI_BA si=$SPI_AB
		ko=$KEY_BA ki=$KEY_AB io=$IKEY_BA ii=$IKEY_AB
		oseq=0 iseq=$SEQ_AB
	fi
	# ip xfrm refuses "flag esn" without a replay window, even outbound.
	[ -n "$ESN" ] && esn=(flag esn)
	xfrm_alg "$ko" "$io"
	cfg ip -n "$ns" xfrm state add src "$l" dst "$r" proto esp spi "$so" \
		"${ALG[@]}" mode "$MODE" reqid "$REQID" \
		${ESN:+replay-window 128} replay-oseq "$oseq" "${esn[@]}" \
		sel src "$ln" dst "$rn" || return 1
	xfrm_alg "$ki" "$ii"
	cfg ip -n "$ns" xfrm state add src "$r" dst "$l" proto esp spi "$si" \
		"${ALG[@]}" mode "$MODE" reqid "$REQID" \
		replay-window 128 replay-seq "$iseq" "${esn[@]}" \
		sel src "$rn" dst "$ln" || return 1
	cfg ip -n "$ns" xfrm policy add dir out src "$ln" dst "$rn" \
		tmpl src "$l" dst "$r" proto esp reqid "$REQID" mode "$MODE" ||
		return 1
	# Without an in policy XFRM drops what a tunnel SA decrypted.
	cfg ip -n "$ns" xfrm policy add dir in src "$rn" dst "$ln" \
		tmpl src "$r" dst "$l" proto esp reqid "$REQID" mode "$MODE"
}

# kesp_gw NS a|b: configure NS as gateway a or b with kespctl; keys from
# files. An inbound SA's window starts at 0 (kespctl sets no replay-seq).
kesp_gw() {
	local k=(ip netns exec "$1" "$KESPCTL") common=() out=() in=()
	local l=$OA r=$OB ln=$NA rn=$NB so=$SPI_AB si=$SPI_BA
	local ko=ab ki=ba oseq=$SEQ_AB
	if [ "$2" = b ]; then
		l=$OB r=$OA ln=$NB rn=$NA so=$SPI_BA si=$SPI_AB
		ko=ba ki=ab oseq=0
	fi
	common=(mode "$MODE" enc "$ENC" reqid "$REQID")
	[ -n "$ESN" ] && common+=(esn)
	out=(keyfile "$tmp/key-$ko")
	in=(keyfile "$tmp/key-$ki")
	[ "$ENC" = null ] && out=() in=()
	if [ "$INTEG" != - ]; then
		out+=(integ "$INTEG" integkeyfile "$tmp/ikey-$ko")
		in+=(integ "$INTEG" integkeyfile "$tmp/ikey-$ki")
	fi
	cfg "${k[@]}" sa add spi "$so" dir out src "$l" dst "$r" \
		"${common[@]}" "${out[@]}" seq "$oseq" \
		sel src "$ln" dst "$rn" || return 1
	cfg "${k[@]}" sa add spi "$si" dir in src "$r" dst "$l" \
		"${common[@]}" "${in[@]}" replay-window 128 \
		sel src "$rn" dst "$ln" || return 1
	cfg "${k[@]}" policy add dir out src "$ln" dst "$rn" action protect \
		tmpl mode "$MODE" src "$l" dst "$r" reqid "$REQID" || return 1
	cfg "${k[@]}" policy add dir in src "$rn" dst "$ln" action protect \
		tmpl mode "$MODE" src "$r" dst "$l" reqid "$REQID"
}

# gw_config NS a|b: configure NS as gateway a or b as IMPL[NS] says.
gw_config() {
	if [ "${IMPL[$1]}" = kesp ]; then
		kesp_gw "$1" "$2"
	else
		xfrm_gw "$1" "$2"
	fi
}

flush_all() {
	local ns
	for ns in gwa gwb; do
		if [ "${IMPL[$ns]}" = kesp ]; then
			ip netns exec "$ns" "$KESPCTL" policy flush
			ip netns exec "$ns" "$KESPCTL" sa flush
			ip netns exec "$ns" "$KESPCTL" stats reset
		else
			ip -n "$ns" xfrm policy flush
			ip -n "$ns" xfrm state flush
		fi
	done
}

# --- the cases ---

ncase=0
failed=()

# kesp.ko's optional data paths, off by default (module parameters
# parallel and gro: README, Benchmarks), are the paths of every other case
# (case 2, 4, ...), in both of its gateways, so that each is checked
# against XFRM and against itself on the wire as the default ones are;
# so is the crypto API's ChaCha20-Poly1305 (chacha_lib=0), which the
# library replaced by default (ChaCha20-Poly1305 cases fall on both), and
# decryption on the receiving CPU (pipeline=0).
KESP_PARAMS=/sys/module/kesp/parameters
alt_paths() {
	local v=N p
	[ -d "$KESP_PARAMS" ] || return 0
	[ $((ncase % 2)) = 0 ] && v=Y
	for p in parallel gro; do
		echo "$v" >"$KESP_PARAMS/$p" || fail "cannot set $p=$v"
	done
	# ChaCha20-Poly1305 through the crypto API's template, not the
	# library (read when an SA is added), and ESP decrypted by the CPU
	# that received it, not the pipeline's: both on by default.
	for p in chacha_lib pipeline; do
		echo "$([ "$v" = Y ] && echo N || echo Y)" >"$KESP_PARAMS/$p" ||
			fail "cannot set $p"
	done
	[ "$v" = Y ] && name+=" (parallel, gro, crypto API, no pipeline)"
	return 0
}

# case_run MODE OUTERFAM INNERFAM ENC[:BITS] INTEG|- [esn]: one SA pair and
# its policies each way, traffic both ways, the checks; OUTERFAM and
# INNERFAM are 4 or 6 (the same for transport mode).
case_run() {
	local name out rc start=$SECONDS
	MODE=$1 ENC=${4%:*} BITS=128 INTEG=$5 ESN=${6:-}
	[[ $4 == *:* ]] && BITS=${4#*:}
	ncase=$((ncase + 1))
	name="$MODE ${3}in$2 $4"
	[ "$INTEG" != - ] && name+="/$INTEG"
	[ -n "$ESN" ] && name+=" esn"
	alt_paths
	echo "case $ncase: $name"
	if [ "$2" = 4 ]; then
		OA=192.0.2.1 OB=192.0.2.2
	else
		OA=2001:db8::1 OB=2001:db8::2
	fi
	if [ "$MODE" = transport ]; then
		IA=$OA IB=$OB NA=$OA/32 NB=$OB/32
		[ "$2" = 6 ] && NA=$OA/128 NB=$OB/128
	elif [ "$3" = 4 ]; then
		IA=10.1.0.1 IB=10.2.0.1 NA=10.1.0.0/16 NB=10.2.0.0/16
	else
		IA=fd01::1 IB=fd02::1 NA=fd01::/64 NB=fd02::/64
	fi
	# Fresh SPIs and keys per case: a leftover of the last one shows.
	SPI_AB=$(printf '0x%x' $((0x1000 + ncase)))
	SPI_BA=$(printf '0x%x' $((0x2000 + ncase)))
	REQID=$ncase
	# With ESN, A's first packets cross 2^32: the high half must move.
	SEQ_AB=0
	[ -n "$ESN" ] && SEQ_AB=$((0xfffffff8))
	KEY_AB=$(hex "$(enc_key_len)") KEY_BA=$(hex "$(enc_key_len)")
	IKEY_AB=$(hex "$(integ_key_len)") IKEY_BA=$(hex "$(integ_key_len)")
	(umask 077
	 echo "$KEY_AB" >"$tmp/key-ab"; echo "$KEY_BA" >"$tmp/key-ba"
	 echo "$IKEY_AB" >"$tmp/ikey-ab"; echo "$IKEY_BA" >"$tmp/ikey-ba")

	flush_all
	if ! gw_config gwb b || ! gw_config gwa a; then
		failed+=("$name (configuration)")
		return
	fi
	out=$(timeout 120 python3 "$tmp/probe.py" a_impl="$A_IMPL" \
		b_impl="$B_IMPL" kespctl="$KESPCTL" a="$IA" b="$IB" \
		oa="$OA" ob="$OB" spi_ab="$SPI_AB" spi_ba="$SPI_BA" \
		seq_ab="$SEQ_AB" 2>&1)
	rc=$?
	echo "$out"
	if [ "$rc" = 0 ]; then
		echo "  ok ($((SECONDS - start))s)"
	else
		echo "  FAILED: $name ($((SECONDS - start))s, exit $rc)"
		failed+=("$name")
	fi
}

# alg_case ARGS: a case that differs from the others only in its
# algorithm. Against XFRM each one matters (a reference implementation
# reads the wire); kesp against kesp (t-esp-kesp.sh) runs one AEAD and
# one cipher+HMAC case of each mode and address family, as every other
# algorithm's bytes were already checked against XFRM here.
alg_case() {
	[ "$A_IMPL" = kesp ] && [ "$B_IMPL" = kesp ] && return 0
	case_run "$@"
}

echo "gateway A: $A_IMPL, gateway B: $B_IMPL"
case_run tunnel 4 4 aes-gcm-16:128 -
alg_case tunnel 4 4 aes-gcm-16:256 -
alg_case tunnel 4 4 aes-ccm-16:128 -
case_run tunnel 4 4 chacha20-poly1305:256 -
alg_case tunnel 6 6 chacha20-poly1305:256 -
case_run tunnel 4 4 aes-cbc:128 hmac-sha256-128
alg_case tunnel 4 4 aes-cbc:256 hmac-sha1-96
alg_case tunnel 4 4 aes-cbc:128 hmac-sha512-256
alg_case tunnel 4 4 aes-cbc:256 hmac-sha384-192
alg_case tunnel 4 4 3des-cbc:192 hmac-md5-96
alg_case tunnel 4 4 null hmac-sha256-128
case_run tunnel 6 6 aes-gcm-16:128 -
case_run tunnel 6 4 aes-gcm-16:128 -
case_run tunnel 4 6 aes-gcm-16:128 -
case_run transport 4 4 aes-gcm-16:128 -
case_run transport 4 4 aes-cbc:128 hmac-sha256-128
case_run transport 6 6 aes-gcm-16:128 -
case_run transport 6 6 aes-cbc:128 hmac-sha256-128
case_run tunnel 4 4 aes-gcm-16:128 - esn
case_run tunnel 4 4 aes-cbc:128 hmac-sha256-128 esn
alg_case tunnel 4 4 chacha20-poly1305:256 - esn
alg_case transport 6 6 chacha20-poly1305:256 - esn
flush_all
ncase=1 alt_paths	# back to the defaults

[ ${#failed[@]} = 0 ] || fail "${#failed[@]} of $ncase cases failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "all $ncase cases passed"
