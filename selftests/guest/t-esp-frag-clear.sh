#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 10
# No fragment of a protected datagram leaves in clear, and a packet whose
# selectors cannot be read is not waved through. Host A sends host B a
# 3000-byte UDP datagram to port 5000, over IPv6 and over IPv4, which A
# fragments itself; gateway A forwards the fragments under OUT policies
# for UDP to port 5000 only (a protocol and port specific policy, which a
# non-first fragment, without ports, cannot match by itself). kesp must
# reassemble before it looks the SPD up (RFC 4301 7): a capture on A's
# WAN port shows ESP only, never a packet from host A, and host B gets
# both datagrams whole through gateway B (kesp, FWD policies). Then host
# A sends two IPv6 packets whose flow cannot be parsed, next header 59
# and a chain of extension headers cut short: gateway A drops both and
# counts them (out-malformed), and they do not reach the WAN either.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"

command -v python3 >/dev/null || skip "no python3"
run modprobe kesp
tmp=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
topo_two_sites

(umask 077
 for k in k4 k6; do od -An -tx1 -v -N 20 /dev/urandom >"$tmp/$k"; done)
G=(enc aes-gcm-16 reqid 1)
ip netns exec "$GWA" "$KESPCTL" -b - >/dev/null <<EOF || fail "gwA config"
sa add spi 0x6006 dir out mode tunnel src $GWA_WAN6 dst $GWB_WAN6 ${G[*]} keyfile $tmp/k6
sa add spi 0x4004 dir out mode tunnel src $GWA_WAN4 dst $GWB_WAN4 ${G[*]} keyfile $tmp/k4
policy add dir out src $LANA6 dst $LANB6 proto udp dport 5000 action protect tmpl mode tunnel src $GWA_WAN6 dst $GWB_WAN6 reqid 1
policy add dir out src $LANA4 dst $LANB4 proto udp dport 5000 action protect tmpl mode tunnel src $GWA_WAN4 dst $GWB_WAN4 reqid 1
EOF
ip netns exec "$GWB" "$KESPCTL" -b - >/dev/null <<EOF || fail "gwB config"
sa add spi 0x6006 dir in mode tunnel src $GWA_WAN6 dst $GWB_WAN6 ${G[*]} keyfile $tmp/k6
sa add spi 0x4004 dir in mode tunnel src $GWA_WAN4 dst $GWB_WAN4 ${G[*]} keyfile $tmp/k4
policy add dir fwd src $LANA6 dst $LANB6 action protect tmpl mode tunnel src $GWA_WAN6 dst $GWB_WAN6 reqid 1
policy add dir fwd src $LANA4 dst $LANB4 action protect tmpl mode tunnel src $GWA_WAN4 dst $GWB_WAN4 reqid 1
EOF

# One Python process: sockets made in host B (receive), gateway A (a
# packet socket on its WAN port) and host A (send); then it waits for
# both datagrams at B (at most 20 s) and for the capture to settle.
out=$(python3 -S - "$HOSTA" "$GWA" "$HOSTB" "$HOSTA6" "$HOSTA4" \
	"$HOSTB6" "$HOSTB4" <<'PY'
import ctypes, json, os, select, socket, struct, sys, time
hosta, gwa, hostb, a6, a4, b6, b4 = sys.argv[1:]
libc = ctypes.CDLL(None, use_errno=True)

def setns(name):
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000):
        raise SystemExit("setns %s failed" % name)
    os.close(fd)

setns(hostb)
rx = []
for fam, addr in ((socket.AF_INET6, "::"), (socket.AF_INET, "0.0.0.0")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 5000))
    rx.append(s)
setns(gwa)
cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
cap.bind(("wan", 0))
cap.setblocking(False)
setns(hosta)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r59 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 59)
r60 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 60)

data6 = b"six:" + bytes(range(256)) * 12
data4 = b"four" + bytes(range(256)) * 12
u6.sendto(data6, (b6, 5000))
u4.sendto(data4, (b4, 5000))
# Next header 59: no upper layer, nothing to match a selector on.
r59.sendto(b"\0" * 16, (b6, 0))
# Destination options (8 bytes, PadN) announcing another destination
# options header that is not there: the chain ends inside a header.
r60.sendto(bytes([60, 0, 1, 4, 0, 0, 0, 0]), (b6, 0))

got, clear, esp = {}, [], 0
end = time.monotonic() + 20
quiet_until = None
while time.monotonic() < (quiet_until or end):
    r, _, _ = select.select(rx + [cap], [], [], 0.1)
    for s in r:
        if s is cap:
            while True:
                try:
                    f = cap.recv(65535)
                except BlockingIOError:
                    break
                et = struct.unpack("!H", f[12:14])[0]
                if et == 0x86dd:
                    src = socket.inet_ntop(socket.AF_INET6, f[22:38])
                    nh = f[20]
                    if nh == 50:
                        esp += 1
                    elif src == a6:
                        clear.append("IPv6 next header %d, %d bytes" %
                                     (nh, len(f) - 14))
                elif et == 0x0800:
                    src = socket.inet_ntop(socket.AF_INET, f[26:30])
                    proto, frag = f[23], struct.unpack("!H", f[20:22])[0]
                    if proto == 50:
                        esp += 1
                    elif src == a4:
                        clear.append("IPv4 protocol %d offset %d, %d bytes" %
                                     (proto, (frag & 0x1fff) * 8, len(f) - 14))
        else:
            d = s.recv(65535)
            got["v6" if s is rx[0] else "v4"] = d == (data6 if s is rx[0]
                                                      else data4)
    if quiet_until is None and len(got) == 2:
        quiet_until = time.monotonic() + 1
print(json.dumps({"received": got, "clear": clear, "esp": esp}))
PY
) || fail "the probe failed: $out"
echo "probe: $out"

malformed=$(ip netns exec "$GWA" "$KESPCTL" -j stats |
	grep -oE '"out-malformed":[0-9]+' | cut -d: -f2)
echo "gwA: out-malformed ${malformed:-absent}"
ip netns exec "$GWA" "$KESPCTL" stats | grep -v ' 0$'
ip netns exec "$GWA" "$KESPCTL" sa list

failed=()
grep -q '"clear": \[\]' <<<"$out" ||
	failed+=("host A's packets crossed gateway A's WAN in clear")
grep -q '"v6": true' <<<"$out" ||
	failed+=("host B did not get the IPv6 datagram whole")
grep -q '"v4": true' <<<"$out" ||
	failed+=("host B did not get the IPv4 datagram whole")
esp=$(grep -oE '"esp": [0-9]+' <<<"$out" | cut -d' ' -f2)
[ "${esp:-0}" -ge 6 ] || failed+=("only ${esp:-0} ESP packets on the WAN")
[ "${malformed:-0}" = 2 ] ||
	failed+=("out-malformed is ${malformed:-absent}, expected 2")
[ ${#failed[@]} = 0 ] || fail "${#failed[@]} checks failed:$(
	printf '\n  %s' "${failed[@]}")"
echo "passed in ${SECONDS}s"
