#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic through an ESP-in-UDP tunnel and what the wire carried, for
t-esp-encap-xfrm.sh. Standard library only; enters namespaces with setns.

  probe a=NS:ADDR b=NS:ADDR sniff=NS:DEV outer_a=ADDR outer_b=ADDR
        [spi_ab=N spi_ba=N] [mode=tunnel|transport] [dirs=ab,ba]
        [tcp=1] [big=1]

ICMP echo (56 bytes, and 1400 with big=1), a UDP echo and (tcp=1) a TCP
echo of 3000 bytes from a to b and back (dirs says which directions are
started). The sniffer on DEV (in NS) must then have seen the tunnel's ESP
only inside UDP port 4500 with the expected SPIs, no IP protocol 50, the
UDP checksum 0 over IPv4 and valid over IPv6 (in unfragmented datagrams),
and never the protected traffic in clear. The gateway on DEV that
decrypts hands each decrypted packet back in on DEV (as XFRM does), so
the sniffer sees it there, in clear, right after its ESP-in-UDP frame: a
packet in clear that came in is taken for one only if an ESP-in-UDP frame
that came in before it has not yet been matched to one; anything else in
clear, and whatever was sent in clear, is a leak. Prints one line per
check; exits 1 if one failed.
"""

import ctypes
import os
import select
import socket
import struct
import sys
import time

arg = dict(a.split("=", 1) for a in sys.argv[1:])
libc = ctypes.CDLL(None, use_errno=True)
ns_fd = {}
problems = []
PORT = 7777


def bad(msg):
    problems.append(msg)
    print("  FAIL: " + msg, flush=True)


def enter(ns):
    if ns not in ns_fd:
        ns_fd[ns] = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(ns_fd[ns], 0x40000000):
        raise OSError(ctypes.get_errno(), "setns " + ns)


def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def same(x, y):
    return (fam(x) == fam(y) and
            socket.inet_pton(fam(x), x) == socket.inet_pton(fam(y), y))


A, B = "a", "b"
ns = {A: arg["a"].split(":", 1)[0], B: arg["b"].split(":", 1)[0]}
addr = {A: arg["a"].split(":", 1)[1], B: arg["b"].split(":", 1)[1]}
outer = {A: arg["outer_a"], B: arg["outer_b"]}
spi = {A: int(arg.get("spi_ab", "0"), 0), B: int(arg.get("spi_ba", "0"), 0)}
mode = arg.get("mode", "tunnel")
sniff_ns, sniff_dev = arg["sniff"].split(":")
dirs = arg.get("dirs", "ab,ba").split(",")

sock = {}
for s in (A, B):
    enter(ns[s])
    f = fam(addr[s])
    icmp = socket.socket(f, socket.SOCK_RAW, socket.IPPROTO_ICMP
                         if f == socket.AF_INET else socket.IPPROTO_ICMPV6)
    icmp.bind((addr[s], 0))
    udp = socket.socket(f, socket.SOCK_DGRAM)
    udp.bind((addr[s], PORT))
    tcp = socket.socket(f, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr[s], PORT))
    tcp.listen(4)
    sock[s] = {"icmp": icmp, "udp": udp, "tcp": tcp}
enter(sniff_ns)
sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
sniffer.setsockopt(socket.SOL_SOCKET, 33, 1 << 22)
sniffer.bind((sniff_dev, 3))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


icmp_seq = 0


def ping(src, dst, size, timeout=2.0):
    global icmp_seq
    icmp_seq += 1
    s, v6 = sock[src]["icmp"], fam(addr[dst]) == socket.AF_INET6
    ident = os.getpid() & 0xffff
    data = (b"kesp-encap-" * (size // 11 + 1))[:size]
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
    enter(ns[src])
    c = socket.socket(fam(addr[src]), socket.SOCK_DGRAM)
    c.bind((addr[src], 0))
    srv, msg = sock[dst]["udp"], b"udp %s -> %s" % (src.encode(),
                                                   dst.encode())
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
    enter(ns[src])
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
    print("  %s: ping 3/3" % tag, flush=True)
    if arg.get("big") == "1":
        errs = []
        for n in range(3):
            err = ping(src, dst, 1400)
            if not err:
                break
            errs.append(err)
        else:
            return bad("%s: ping 1400 bytes: %s" % (tag, "; ".join(errs)))
        print("  %s: ping 1400 bytes" % tag, flush=True)
    err = udp(src, dst)
    if err:
        return bad("%s: udp: %s" % (tag, err))
    print("  %s: udp echo" % tag, flush=True)
    if arg.get("tcp") == "1":
        err = tcp(src, dst)
        if err:
            return bad("%s: tcp 3000 bytes: %s" % (tag, err))
        print("  %s: tcp 3000 bytes echoed" % tag, flush=True)


if "ab" in dirs:
    direction(A, B)
if "ba" in dirs:
    direction(B, A)
time.sleep(0.2)


def frames():
    """Each frame, and whether it came in (else it was sent)."""
    sniffer.setblocking(False)
    while True:
        try:
            frame, where = sniffer.recvfrom(65535)
        except BlockingIOError:
            return
        yield frame, where[2] != socket.PACKET_OUTGOING


esp_udp = {A: 0, B: 0}
spis = {A: set(), B: set()}
plain_esp, leaks, csum_bad = 0, [], []
esp_in, decrypted = 0, 0    # ESP-in-UDP frames in, not yet matched
for fr, came_in in frames():
    et = struct.unpack("!H", fr[12:14])[0]
    ip = fr[14:]
    if et == 0x0800 and len(ip) >= 20:
        f, src, dst, proto = socket.AF_INET, ip[12:16], ip[16:20], ip[9]
        fo = struct.unpack("!H", ip[6:8])[0]
        first, frag = fo & 0x1fff == 0, bool(fo & 0x3fff)
        l4 = ip[(ip[0] & 15) * 4:]
    elif et == 0x86dd and len(ip) >= 40:
        f, src, dst, proto = socket.AF_INET6, ip[8:24], ip[24:40], ip[6]
        first, frag, l4 = True, False, ip[40:]
        if proto == 44 and len(l4) >= 8:
            frag = True
            first = struct.unpack("!H", l4[2:4])[0] >> 3 == 0
            proto, l4 = l4[0], l4[8:]
    else:
        continue
    src, dst = socket.inet_ntop(f, src), socket.inet_ntop(f, dst)
    inner = any(same(src, addr[s]) and same(dst, addr[d])
                for s, d in ((A, B), (B, A)))
    if proto == 50:
        plain_esp += 1
        continue
    if proto == 17 and first and len(l4) >= 8:
        sp, dp, ln, ck = struct.unpack("!HHHH", l4[:8])
        if 4500 in (sp, dp) or 4500 in (sp, dp):
            payload = l4[8:ln] if ln >= 8 else b""
            if len(payload) > 8 and payload[:4] != b"\0\0\0\0":
                esp_in += came_in
                the_spi = struct.unpack("!I", payload[:4])[0]
                for s in (A, B):
                    if the_spi == spi[s]:
                        esp_udp[s] += 1
                        spis[s].add(the_spi)
                if f == socket.AF_INET and ck != 0:
                    csum_bad.append("IPv4 ESP-in-UDP with checksum 0x%04x"
                                    % ck)
                # A fragment holds part of the datagram: not checkable.
                if f == socket.AF_INET6 and not frag:
                    ph = (socket.inet_pton(f, src) + socket.inet_pton(f, dst)
                          + struct.pack("!IxxxB", ln, 17))
                    if ck == 0 or csum(ph + l4[:ln]) != 0:
                        csum_bad.append("IPv6 ESP-in-UDP with a bad checksum"
                                        " 0x%04x" % ck)
                continue
    clear = mode == "tunnel" and inner or \
        mode == "transport" and inner and proto in (1, 6, 58) or \
        (mode == "transport" and inner and proto == 17 and
         PORT in struct.unpack("!HH", l4[:4]))
    if clear and came_in and esp_in:
        esp_in -= 1
        decrypted += 1
        continue
    if mode == "tunnel" and inner:
        leaks.append("%s > %s proto %d" % (src, dst, proto))
    elif mode == "transport" and inner and proto in (1, 6, 58) or \
            (mode == "transport" and inner and proto == 17 and
             PORT in struct.unpack("!HH", l4[:4])):
        leaks.append("%s > %s proto %d" % (src, dst, proto))

if decrypted:
    print("  sniffer: %d decrypted packets handed back in on %s, each after"
          " its ESP-in-UDP frame" % (decrypted, sniff_dev))
if plain_esp:
    bad("%d frames of plain ESP (IP protocol 50) on the wire" % plain_esp)
if leaks:
    bad("protected traffic in clear: " + ", ".join(leaks[:5]))
if csum_bad:
    bad("; ".join(sorted(set(csum_bad))[:3]))
for s, d in ((A, B), (B, A)):
    if not spi[s]:
        continue
    if not esp_udp[s]:
        bad("no ESP in UDP 4500 with SPI 0x%x (%s -> %s)" % (
            spi[s], outer[s], outer[d]))
    else:
        print("  wire %s -> %s: %d ESP-in-UDP, SPI 0x%x, UDP checksum %s" % (
            outer[s], outer[d], esp_udp[s], spi[s],
            "0 (IPv4)" if fam(outer[s]) == socket.AF_INET else
            "valid (IPv6)"), flush=True)
sys.exit(1 if problems else 0)
