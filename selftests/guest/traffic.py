#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Counted traffic through a tunnel, for the rekey tests.

Each sender runs until the file STOP exists, then prints what it sent;
each receiver runs until SIGTERM (UDP) or the end of the stream (TCP),
writes what it received to OUT, and creates OUT.ready once it listens.

  traffic.py udp-recv PORT OUT
        OUT: "received N highest H missing M first-missing LIST", each
        missing number with the time (UTC) the next one arrived
  traffic.py udp-send HOST PORT RATE STOP
        RATE datagrams/s numbered from 1; prints "sent N"
  traffic.py tcp-recv PORT OUT
        accepts one connection; OUT: "bytes N sha256 HEX"
  traffic.py tcp-send HOST PORT KBPS STOP
        random bytes at about KBPS KiB/s; prints "bytes N sha256 HEX"

A datagram is lost if its number is missing at the receiver; nothing is
sent unnumbered, so a rekey that drops a packet shows as a gap.
"""
import hashlib
import os
import signal
import socket
import struct
import sys
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def ready(out):
    with open(out + ".ready", "w"):
        pass


def udp_recv(port, out):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    seen = set()
    arrived = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s.settimeout(0.2)
    ready(out)
    while not stop:
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if len(data) >= 8:
            n = struct.unpack("!Q", data[:8])[0]
            seen.add(n)
            arrived[n] = time.time()
    high = max(seen) if seen else 0
    missing = [i for i in range(1, high + 1) if i not in seen]

    def when(i):
        nxt = min((j for j in seen if j > i), default=None)
        if nxt is None:
            return str(i)
        t = arrived[nxt]
        return "%d@%s.%03d" % (i, time.strftime("%H:%M:%S", time.gmtime(t)),
                               int(t * 1000) % 1000)
    with open(out, "w") as f:
        f.write("received %d highest %d missing %d first-missing %s\n" %
                (len(seen), high, len(missing),
                 ",".join(when(i) for i in missing[:20]) or "-"))


def udp_send(host, port, rate, stop):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    gap = 1.0 / rate
    n = 0
    t = time.monotonic()
    pad = b"k" * 92
    while not os.path.exists(stop):
        n += 1
        s.sendto(struct.pack("!Q", n) + pad, (host, port))
        t += gap
        d = t - time.monotonic()
        if d > 0:
            time.sleep(d)
        else:
            t = time.monotonic()
    print("sent %d" % n)


def tcp_recv(port, out):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(1)
    ready(out)
    c, _ = s.accept()
    h = hashlib.sha256()
    n = 0
    while True:
        data = c.recv(65536)
        if not data:
            break
        h.update(data)
        n += len(data)
    with open(out, "w") as f:
        f.write("bytes %d sha256 %s\n" % (n, h.hexdigest()))


def connect(host, port, stop):
    """Connect, trying again until stop exists: a tunnel that a peer
    let expire without a rekey (charon, under load) can swallow every
    SYN of one attempt; the test counts such gaps itself."""
    while True:
        try:
            return socket.create_connection((host, port), timeout=20)
        except OSError:
            if os.path.exists(stop):
                raise
            time.sleep(1)


def tcp_send(host, port, kbps, stop):
    c = connect(host, port, stop)
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    chunk = 4096
    gap = chunk / (kbps * 1024.0)
    t = time.monotonic()
    while not os.path.exists(stop):
        data = os.urandom(chunk)
        c.sendall(data)
        h.update(data)
        n += len(data)
        t += gap
        d = t - time.monotonic()
        if d > 0:
            time.sleep(d)
        else:
            t = time.monotonic()
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()
    print("bytes %d sha256 %s" % (n, h.hexdigest()))


def main(argv):
    cmds = {
        "udp-recv": (udp_recv, (int, str)),
        "udp-send": (udp_send, (str, int, float, str)),
        "tcp-recv": (tcp_recv, (int, str)),
        "tcp-send": (tcp_send, (str, int, float, str)),
    }
    if len(argv) < 2 or argv[1] not in cmds or \
            len(argv) - 2 != len(cmds[argv[1]][1]):
        sys.stderr.write(__doc__)
        return 2
    fn, types = cmds[argv[1]]
    fn(*[t(a) for t, a in zip(types, argv[2:])])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
