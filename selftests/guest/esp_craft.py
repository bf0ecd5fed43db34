#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made ESP for t-esp-bad-input.sh, with the standard library only.

The SA under test uses null encryption and hmac-sha256-128, so a packet is
SPI | seq | payload | padding 1, 2, 3... | pad length | next header | ICV,
the ICV being the first 16 bytes of HMAC-SHA256 over everything before it.

  fuzz --key F --spi N --to ADDR --count N --seed S --top T
      random garbage under the SA's SPI (and a few others), no valid ICV;
      prints the counter deltas kesp must show, as expect takes them
  fuzz-auth --key F --spi N --to ADDR --count N --seed S --first SEQ
      packets with a valid ICV and trailer around random inner bytes,
      seq FIRST, FIRST+1...; prints the deltas kesp must show
  listen ADDR PORT FILE                    append each datagram to FILE
  send --key F --spi N --to ADDR SPEC...   one ESP packet per SPEC, no check
  expect --state F --rx F --kespctl P --spi N [--key F --to ADDR]
         [--netns NS] [--send SPEC | --clear TAG]... NAME [KEY=N...] [rx=T+T]
      (started in the sender's namespace) send the packets, in order: an
      ESP packet from a raw socket for each SPEC, a cleartext UDP datagram
      10.1.0.1 -> 10.2.0.1:9000 carrying TAG for each --clear; then in NS
      (the gateway's) wait until kesp's counters moved by exactly KEY=N
      since the last expect (every other counter by 0) and the listener got
      exactly the tags in rx, and check again a moment later. KEY is a
      KESP_STAT_NAMES name (namespace-wide), sa:NAME or sa:packets (the
      SA's own), both:NAME (the two), pol:packets (the inbound
      policies) or fwdpol:packets (the forward policies). The first
      expect only records the state in F.
      SPEC is comma-separated words: seq=N spi=N tag=T src=A dst=A nh=N
      pad=1.2.4 padlen=N|over flip=payload|icv cut=N len=N
      inner=udp|empty|longtot
"""

import ctypes
import hashlib
import hmac
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

ICV_LEN = 16
BLOCK = 4		# null encryption: RFC 4303's minimum alignment
WINDOW = 32		# the SA's replay window (t-esp-bad-input.sh)
INNER_SRC, INNER_DST, PORT = "10.1.0.1", "10.2.0.1", 9000
# The SA's selectors: an inner packet inside them would be delivered.
SEL_SRC, SEL_DST = b"\x0a\x01", b"\x0a\x02"
NEXTHDR_DUMMY = 59


def die(msg):
    sys.stderr.write("esp_craft: %s\n" % msg)
    sys.exit(2)


def opts(argv, names, optional=(), repeated=()):
    """--name value pairs from the front of argv, the rest of argv; a
    repeated option gives a list of (name, value) in their order."""
    got = {"list": []}
    while argv and argv[0].startswith("--"):
        name = argv[0][2:]
        if len(argv) < 2:
            die("%s needs a value" % argv[0])
        if name in repeated:
            got["list"].append((name, argv[1]))
        elif name in names or name in optional:
            got[name] = argv[1]
        else:
            die("bad option %s" % argv[0])
        argv = argv[2:]
    missing = [n for n in names if n not in got]
    if missing:
        die("missing --%s" % missing[0])
    return got, argv


def read_key(path):
    with open(path) as f:
        text = "".join(f.read().split())
    if text.lower().startswith("0x"):
        text = text[2:]
    return bytes.fromhex(text)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def ipv4(src, dst, proto, body, extra_len=0):
    """An IPv4 header with a correct checksum, then body; extra_len lies
    about the total length."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body) + extra_len,
                      0x1234, 0, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + body


def udp4(src, dst, data, extra_len=0):
    # UDP checksum 0: none, which IPv4 allows.
    return ipv4(src, dst, socket.IPPROTO_UDP,
                struct.pack("!HHHH", 40000, PORT, 8 + len(data), 0) + data,
                extra_len)


def esp(key, spi, seq, payload, nh, pad, padlen=None, flip=None):
    """An ESP packet; padlen overrides the pad length byte, flip spoils the
    payload or the ICV after the ICV was computed."""
    pl = len(pad) if padlen is None else padlen
    body = struct.pack("!II", spi, seq) + payload + pad + bytes([pl, nh])
    icv = hmac.new(key, body, hashlib.sha256).digest()[:ICV_LEN]
    pkt = bytearray(body + icv)
    if flip == "payload":
        pkt[8 + len(payload) // 2] ^= 0x80
    elif flip == "icv":
        pkt[-1] ^= 0x01
    elif flip:
        die("flip=%s: expected payload or icv" % flip)
    return bytes(pkt)


def monotonic_pad(n):
    return bytes(range(1, n + 1))


def aligned_pad(payload_len):
    return monotonic_pad((-(payload_len + 2)) % BLOCK)


def build(key, spi, word_spec):
    """One packet from a SPEC (see the module's doc string)."""
    w = {"seq": "1", "spi": str(spi), "tag": "x", "src": INNER_SRC,
         "dst": INNER_DST, "nh": "4", "inner": "udp"}
    for word in word_spec.split(","):
        if "=" not in word:
            die("%s: expected key=value" % word)
        k, v = word.split("=", 1)
        if k not in ("seq", "spi", "tag", "src", "dst", "nh", "pad",
                     "padlen", "flip", "cut", "len", "inner"):
            die("unknown word %s" % k)
        w[k] = v
    pad = None
    if "pad" in w:
        pad = bytes(int(x) for x in w["pad"].split(".") if x)
    tag = w["tag"].encode()
    while True:
        if w["inner"] == "udp":
            payload = udp4(w["src"], w["dst"], tag)
        elif w["inner"] == "longtot":
            payload = udp4(w["src"], w["dst"], tag, extra_len=40)
        elif w["inner"] == "empty":
            payload = b""
        else:
            die("inner=%s: expected udp, empty or longtot" % w["inner"])
        if pad is None:
            p = aligned_pad(len(payload))
            break
        # Given padding: lengthen the datagram until the block fits.
        if (len(payload) + len(pad) + 2) % BLOCK == 0:
            p = pad
            break
        if w["inner"] == "empty":
            die("pad=%s does not align an empty payload" % w["pad"])
        tag += b"."
    padlen = None
    if "padlen" in w:
        clen = len(payload) + len(p) + 2
        # "over": one more than fits, the first value that must fail.
        padlen = clen - 1 if w["padlen"] == "over" else int(w["padlen"], 0)
    pkt = esp(key, int(w["spi"], 0), int(w["seq"], 0), payload,
              int(w["nh"], 0), p, padlen, w.get("flip"))
    if "cut" in w:
        pkt = pkt[:len(pkt) - int(w["cut"])]
    if "len" in w:
        pkt = pkt[:int(w["len"])]
    return pkt


def raw_socket():
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)


def emit(exp):
    """Print expected deltas for expect; namespace-wide counters include
    those charged to the SA."""
    print(" ".join("%s=%d" % kv for kv in sorted(exp.items()) if kv[1]))


def charge(exp, stat, sa=True):
    exp[stat] = exp.get(stat, 0) + 1
    if sa:
        exp["sa:" + stat] = exp.get("sa:" + stat, 0) + 1


def cmd_fuzz(argv):
    o, rest = opts(argv, ("key", "spi", "to", "count", "seed", "top"))
    if rest:
        die("fuzz: unexpected %s" % rest[0])
    spi, top = int(o["spi"], 0), int(o["top"])
    if top < WINDOW + 8:
        die("fuzz needs --top of at least %d" % (WINDOW + 8))
    rnd = random.Random(int(o["seed"]))
    s = raw_socket()
    exp = {}
    for _ in range(int(o["count"])):
        # Short, where the length checks are; well framed, to reach the
        # replay window and the ICV; any length up to 1400.
        pick = rnd.random()
        if pick < 0.4:
            n = rnd.randrange(0, 64)
        elif pick < 0.8:
            n = 8 + ICV_LEN + BLOCK * rnd.randrange(1, 80)
        else:
            n = rnd.randrange(0, 1400)
        pick = rnd.random()
        if pick < 0.1:
            seq = 0
        elif pick < 0.2:
            seq = top		# accepted before: a replay
        elif pick < 0.3:
            seq = top - WINDOW - rnd.randrange(0, 8)
        else:
            seq = rnd.randrange(top + 1, 1 << 32)
        this_spi = spi
        if rnd.random() < 0.1:
            while this_spi == spi:
                this_spi = rnd.randrange(1, 1 << 32)
        pkt = (struct.pack("!II", this_spi, seq) +
               bytes(rnd.getrandbits(8) for _ in range(max(n - 8, 0))))[:n]
        s.sendto(pkt, (o["to"], 0))
        # What input.c must conclude, in its order of checks.
        elen = n - 8 - ICV_LEN
        if n < 8:
            charge(exp, "in-malformed", sa=False)
        elif this_spi != spi:
            charge(exp, "in-no-sa", sa=False)
        elif elen <= 0 or elen % BLOCK:
            charge(exp, "in-malformed")
        elif seq == 0 or seq == top:
            charge(exp, "in-replay")
        elif seq < top and top - seq >= WINDOW:
            charge(exp, "in-too-old")
        else:
            charge(exp, "in-auth-failed")
    emit(exp)


def rand_bytes(rnd, n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def outside_sel(rnd):
    """Four address bytes that are not in the SA's source selector."""
    while True:
        a = rand_bytes(rnd, 4)
        if a[:2] != SEL_SRC:
            return a


def fuzz_inner(rnd):
    """(next header, inner bytes) of an authenticated random packet."""
    kind = rnd.randrange(5)
    if kind == 0:		# anything at all
        return rnd.choice((4, 41, rnd.randrange(256))), \
            rand_bytes(rnd, rnd.randrange(0, 120))
    if kind == 1:		# a dummy packet
        return NEXTHDR_DUMMY, rand_bytes(rnd, rnd.randrange(0, 120))
    if kind in (2, 3):	# IPv4 that is nearly or quite right
        body = rand_bytes(rnd, rnd.randrange(0, 100))
        ihl = rnd.choice((5, 5, 6, 15, rnd.randrange(16)))
        opt = rand_bytes(rnd, max(ihl - 5, 0) * 4)
        tot = 20 + len(opt) + len(body) + rnd.choice(
            (0, 0, 0, 1, -1, 100, -100, rnd.randrange(-30, 30)))
        tot = min(max(tot, 0), 0xffff)
        frag = rnd.choice((0, 0, 0x2000, rnd.getrandbits(16)))
        ver = 4 if rnd.random() < 0.9 else rnd.randrange(16)
        hdr = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot, 1, frag,
                          64, rnd.choice((6, 17, 1, 58, 132,
                                          rnd.randrange(256))),
                          0, outside_sel(rnd), rand_bytes(rnd, 4))
        return 4, (hdr + opt + body)[:rnd.choice((10**4, 10**4, 10**4,
                                                  rnd.randrange(40)))]
    # IPv6, with a chain of extension headers that may be garbage
    body = b""
    nexthdr = rnd.choice((6, 17, 58, 59))
    for _ in range(rnd.randrange(4)):
        ext = rnd.choice((0, 43, 44, 60))
        n = 8 * rnd.randrange(1, 4) if ext != 44 else 8
        eh = bytearray(rand_bytes(rnd, n))
        eh[0] = nexthdr
        if ext != 44:
            eh[1] = (n // 8 - 1) if rnd.random() < 0.8 else eh[1]
        body = bytes(eh) + body
        nexthdr = ext
    body += rand_bytes(rnd, rnd.randrange(0, 60))
    plen = len(body) + rnd.choice((0, 0, 0, 1, -1, 200,
                                   rnd.randrange(-20, 20)))
    plen = min(max(plen, 0), 0xffff)
    ver = 6 if rnd.random() < 0.9 else rnd.randrange(16)
    hdr = struct.pack("!IHBB16s16s", ver << 28, plen, nexthdr, 64,
                      rand_bytes(rnd, 16), rand_bytes(rnd, 16))
    return 41, (hdr + body)[:rnd.choice((10**4, 10**4, rnd.randrange(50)))]


def inner_fate(nh, inner):
    """What input.c does with a verified packet: None (a dummy, dropped
    quietly), or the cause it counts. Inner IPv4 never fits the selectors
    (fuzz_inner makes sure), inner IPv6 never fits an IPv4 selector."""
    if nh == NEXTHDR_DUMMY:
        return None
    if nh == 4:
        if len(inner) < 20:
            return "in-malformed"
        ver, ihl, tot = inner[0] >> 4, inner[0] & 15, \
            struct.unpack("!H", inner[2:4])[0]
        if ver != 4 or ihl < 5 or tot > len(inner) or tot < ihl * 4:
            return "in-malformed"
        if inner[12:14] == SEL_SRC and inner[16:18] == SEL_DST:
            die("fuzz-auth made an inner packet inside the selectors")
        return "in-selector"
    if nh == 41:
        if len(inner) < 40 or inner[0] >> 4 != 6 or \
           40 + struct.unpack("!H", inner[4:6])[0] > len(inner):
            return "in-malformed"
        return "in-selector"
    return "in-malformed"


def cmd_fuzz_auth(argv):
    o, rest = opts(argv, ("key", "spi", "to", "count", "seed", "first"))
    if rest:
        die("fuzz-auth: unexpected %s" % rest[0])
    key, spi, seq = read_key(o["key"]), int(o["spi"], 0), int(o["first"])
    rnd = random.Random(int(o["seed"]))
    s = raw_socket()
    count = int(o["count"])
    exp = {"sa:packets": count}
    for _ in range(count):
        nh, inner = fuzz_inner(rnd)
        # Valid padding of any allowed length, not only the shortest.
        n = (-(len(inner) + 2)) % BLOCK
        n += BLOCK * rnd.randrange((255 - n) // BLOCK + 1) \
            if rnd.random() < 0.3 else 0
        s.sendto(esp(key, spi, seq, inner, nh, monotonic_pad(n)),
                 (o["to"], 0))
        seq += 1
        fate = inner_fate(nh, inner)
        if fate:
            charge(exp, fate)
    emit(exp)


def cmd_listen(argv):
    if len(argv) != 3:
        die("listen ADDR PORT FILE")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((argv[0], int(argv[1])))
    with open(argv[2] + ".tmp", "w"):
        pass
    os.rename(argv[2] + ".tmp", argv[2])	# bound: the file says so
    with open(argv[2], "a") as f:
        while True:
            data = s.recv(65535)
            f.write(data.decode("ascii", "replace").rstrip(".")
                    .replace("\n", "\\n") + "\n")
            f.flush()


def kespctl(path, *args):
    p = subprocess.run((path, "-j") + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        raise RuntimeError("kespctl -j %s exited %d: %s" %
                           (" ".join(args), p.returncode, p.stdout))
    return json.loads(p.stdout)


def snapshot(o):
    """Every counter as one flat dict, and the tags received so far."""
    snap = dict(kespctl(o["kespctl"], "stats"))
    spi = int(o["spi"], 0)
    sas = [s for s in kespctl(o["kespctl"], "sa", "list")
           if s["spi"] == spi and s["dir"] == "in"]
    if len(sas) != 1:
        raise RuntimeError("%d inbound SAs with SPI 0x%x" % (len(sas), spi))
    sa = sas[0]
    snap["sa:packets"] = sa["packets"]
    for k, v in sa["errors"].items():
        snap["sa:" + k] = v
    if sa["errored-packets"] != sum(sa["errors"].values()):
        raise RuntimeError("SA errored-packets %d, its errors add up to %d" %
                           (sa["errored-packets"], sum(sa["errors"].values())))
    pols = kespctl(o["kespctl"], "policy", "list")
    snap["pol:packets"] = sum(p["packets"] for p in pols if p["dir"] == "in")
    snap["fwdpol:packets"] = sum(p["packets"] for p in pols
                                 if p["dir"] == "fwd")
    with open(o["rx"]) as f:
        rx = f.read().splitlines()
    return snap, rx


def compare(before, after, want, want_rx):
    """The differences from what was expected, as text lines."""
    bad = []
    for k in sorted(set(before[0]) | set(after[0]) | set(want)):
        d = after[0].get(k, 0) - before[0].get(k, 0)
        if d != want.get(k, 0):
            bad.append("%s moved by %d, expected %d" % (k, d, want.get(k, 0)))
    got_rx = after[1][len(before[1]):]
    if sorted(got_rx) != sorted(want_rx):
        bad.append("listener got %s, expected %s" % (got_rx or "nothing",
                                                     want_rx or "nothing"))
    return bad


def setns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000):	# CLONE_NEWNET
        die("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
    os.close(fd)


def parse_want(words):
    """The expected deltas and received tags of expect's words."""
    want, want_rx = {}, []
    for w in words:
        k, _, v = w.partition("=")
        if k == "rx":
            want_rx += [t for t in v.split("+") if t]
            continue
        for key in ((k[5:], "sa:" + k[5:]) if k.startswith("both:")
                    else (k,)):
            want[key] = want.get(key, 0) + int(v)
    return want, want_rx


def observe(o, before, want, want_rx):
    """The state once it matches, or after 3 s; then 0.3 s more, for
    anything that should not come."""
    now = snapshot(o)
    if before is None:
        return now
    end = time.monotonic() + 3
    while compare(before, now, want, want_rx) and time.monotonic() < end:
        time.sleep(0.05)
        now = snapshot(o)
    time.sleep(0.3)
    return snapshot(o)


def cmd_expect(argv):
    o, rest = opts(argv, ("state", "rx", "kespctl", "spi"),
                   ("key", "to", "netns"), ("send", "clear"))
    if not rest:
        die("expect: a name first")
    name = rest[0]
    want, want_rx = parse_want(rest[1:])
    # The packets are made, and their sockets opened, in the namespace we
    # started in; the counters are read in the other.
    todo, raw = [], None
    for what, arg in o["list"]:
        if what == "send":
            if "key" not in o or "to" not in o:
                die("--send needs --key and --to")
            raw = raw or raw_socket()
            todo.append((raw, build(read_key(o["key"]), int(o["spi"], 0),
                                    arg), (o["to"], 0)))
        else:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((INNER_SRC, 0))
            todo.append((u, arg.encode(), (INNER_DST, PORT)))
    if "netns" in o:
        setns(o["netns"])
    before = None
    if os.path.exists(o["state"]):
        with open(o["state"]) as f:
            before = json.load(f)
    for sock, data, to in todo:
        sock.sendto(data, to)
    try:
        now = observe(o, before, want, want_rx)
    except (RuntimeError, ValueError) as e:
        print("%s: FAIL: %s" % (name, e))
        return 1
    with open(o["state"], "w") as f:
        json.dump(now, f)
    if before is None:
        return 0
    bad = compare(before, now, want, want_rx)
    moved = {k: now[0][k] - before[0].get(k, 0) for k in now[0]
             if now[0][k] != before[0].get(k, 0)}
    if bad:
        print("%s: FAIL:\n    %s\n    all that moved: %s" %
              (name, "\n    ".join(bad), moved))
        return 1
    print("%s: ok %s%s" % (name, moved or "(nothing moved)",
                          ", received " + "+".join(want_rx) if want_rx
                          else ""))
    return 0


def cmd_send(argv):
    o, rest = opts(argv, ("key", "spi", "to"))
    key, raw = read_key(o["key"]), raw_socket()
    for spec in rest:
        raw.sendto(build(key, int(o["spi"], 0), spec), (o["to"], 0))
    return 0


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    cmd = {"fuzz": cmd_fuzz,
           "fuzz-auth": cmd_fuzz_auth, "listen": cmd_listen,
           "send": cmd_send,
           "expect": cmd_expect}.get(sys.argv[1])
    if not cmd:
        die("unknown command %s" % sys.argv[1])
    sys.exit(cmd(sys.argv[2:]) or 0)


if __name__ == "__main__":
    main()
