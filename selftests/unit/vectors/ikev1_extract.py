#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Turns what ikev1_charon_guest.sh recorded (the initiator charon's level 4
# log and the pcap of the WAN) into ikev1_charon.txt, the known answers of
# selftests/unit/test_ikev1_vectors.c. Reads no kesp code: the values are
# charon's and the wire's. Usage: ikev1_extract.py DIR OUT
#
# Format of OUT, one item a line, "#" comments:
#   set N MODE IKE ESP     a new set (MODE main or aggressive)
#   psk HEX                the pre-shared key's bytes
#   ck_i / ck_r / ni / nr / gxi / gxr HEX
#                          cookies, nonce and KE bodies, as the cleartext
#                          messages carry them (read here by a walk of the
#                          generic payload headers)
#   wire I|R HEX           every distinct datagram of the set in order,
#                          from the initiator (I) or the responder (R)
#   NAME HEX               charon's value: gxy skeyid skeyid_d skeyid_a
#                          skeyid_e ka iv hash_i hash_r qm_gxy (PFS only)
#                          encr_i encr_r integ_i integ_r (the Quick Mode
#                          KEYMAT split into keys: _i protects what the
#                          initiator sends, the SA whose SPI the responder
#                          chose; _r the other)
#   end
import re
import subprocess
import sys

LABELS = {
    "shared Diffie Hellman secret": "gxy",
    "SKEYID": "skeyid",
    "SKEYID_d": "skeyid_d",
    "SKEYID_a": "skeyid_a",
    "SKEYID_e": "skeyid_e",
    "encryption key Ka": "ka",
    "initial IV": "iv",
    "HASH_I": "hash_i",
    "HASH_R": "hash_r",
    "DH secret": "qm_gxy",
    "encryption initiator key": "encr_i",
    "encryption responder key": "encr_r",
    "integrity initiator key": "integ_i",
    "integrity responder key": "integ_r",
}
HEAD = re.compile(r"^\S+ \d+\[(\w+)\] (.*) => (\d+) bytes @ 0x[0-9a-f]+$")
LINE = re.compile(r"^\S+ \d+\[\w+\]\s+\d+: ((?:[0-9A-F]{2} ?)+)")
START = re.compile(r"initiating (Main|Aggressive) Mode IKE_SA")


def log_sets(path):
    """The charon log's dumps, a dict per IKE SA it initiated, in order."""
    sets, cur, name, want, buf = [], None, None, 0, b""
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if name is not None:
            m = LINE.match(line)
            if m:
                buf += bytes.fromhex(m.group(1).replace(" ", ""))
                if len(buf) < want:
                    continue
            if cur is not None and name not in cur:
                cur[name] = buf[:want]
            name = None
        if START.search(line):
            cur = {"mode": START.search(line).group(1).lower()}
            sets.append(cur)
            continue
        m = HEAD.match(line)
        if m and m.group(2) in LABELS:
            name, want, buf = LABELS[m.group(2)], int(m.group(3)), b""
            if want == 0:
                name = None
    return sets


def wire_sets(pcap, init_ip):
    """Distinct ISAKMP datagrams grouped by initiator cookie, in order."""
    out = subprocess.run(
        ["tshark", "-r", pcap, "-T", "fields", "-e", "ip.src",
         "-e", "udp.payload", "udp.port == 500 or udp.port == 4500"],
        check=True, capture_output=True, text=True).stdout
    sets, seen = {}, set()
    for line in out.splitlines():
        src, hexdata = line.split("\t")
        data = bytes.fromhex(hexdata)
        if data[:4] == b"\0\0\0\0":    # non-ESP marker on 4500
            data = data[4:]
        if len(data) < 28 or data in seen:
            continue
        seen.add(data)
        sets.setdefault(data[:8], []).append(
            ("I" if src == init_ip else "R", data))
    return list(sets.values())


def payloads(msg):
    """(type, body) of a cleartext message's chain."""
    nxt, pos, out = msg[16], 28, []
    while nxt:
        plen = int.from_bytes(msg[pos + 2:pos + 4], "big")
        out.append((nxt, msg[pos + 4:pos + plen]))
        nxt, pos = msg[pos], pos + plen
    return out


def main():
    d, outpath = sys.argv[1], sys.argv[2]
    psk = b"kesp ikev1 vectors from charon"
    logs = log_sets(d + "/charon_a.log")
    wires = wire_sets(d + "/ikev1.pcap", "192.0.2.1")
    names = [l.split() for l in open(d + "/sets.txt")]
    assert len(logs) == len(wires) == len(names), (len(logs), len(wires))
    with open(outpath, "w") as f:
        f.write("# IKEv1 known answers from two strongSwan 5.9.8 charons "
                "(IKEv1, PSK) in a\n# kesp test guest; made by "
                "selftests/unit/vectors/ikev1-regen. Format: "
                "ikev1_extract.py.\n")
        for n, (lg, wire, nm) in enumerate(zip(logs, wires, names), 1):
            f.write("set %d %s %s %s\n" % (n, lg["mode"], nm[0], nm[1]))
            f.write("psk %s\n" % psk.hex())
            first = wire[0][1]
            reply = next(m for who, m in wire if who == "R")
            f.write("ck_i %s\nck_r %s\n" % (first[:8].hex(),
                                            reply[8:16].hex()))
            clear = [(who, m) for who, m in wire if not m[19] & 1]
            kx = {}
            for who, m in clear:
                for t, body in payloads(m):
                    side = "i" if who == "I" else "r"
                    if t == 4:
                        kx.setdefault("gx" + side, body)
                    if t == 10:
                        kx.setdefault("n" + side, body)
            for k in ("ni", "nr", "gxi", "gxr"):
                f.write("%s %s\n" % (k, kx[k].hex()))
            for who, m in wire:
                f.write("wire %s %s\n" % (who, m.hex()))
            for k in ("gxy", "skeyid", "skeyid_d", "skeyid_a", "skeyid_e",
                      "ka", "iv", "hash_i", "hash_r", "qm_gxy", "encr_i",
                      "encr_r", "integ_i", "integ_r"):
                if k in lg:
                    f.write("%s %s\n" % (k, lg[k].hex()))
            f.write("end\n")


if __name__ == "__main__":
    main()
