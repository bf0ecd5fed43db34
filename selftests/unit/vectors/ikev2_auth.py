#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# PSK AUTH (RFC 7296 2.15) and CHILD SA KEYMAT (2.17) known answers for
# selftests/unit/test_ikev2_auth.c, with Python's hmac module only.
import hashlib
import hmac


def prf(md, k, d):
    return hmac.new(k, d, md).digest()


def prf_plus(md, k, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(md, k, t + s + bytes([i]))
        out += t
        i += 1
    return out[:n]


PSK = b"correct horse battery staple"
MSG = bytes((i * 3) & 0xff for i in range(300))        # "IKE_SA_INIT"
NONCE = bytes(0x50 + i % 7 for i in range(32))         # the peer's
SK_P = bytes(range(0x20, 0x40))                        # 32 bytes
ID_TYPE, ID = 2, b"gw-a.example.net"                   # FQDN

for name, md in (("sha256", hashlib.sha256), ("sha1", hashlib.sha1),
                 ("sha512", hashlib.sha512)):
    maced_id = prf(md, SK_P, bytes([ID_TYPE, 0, 0, 0]) + ID)
    auth = prf(md, prf(md, PSK, b"Key Pad for IKEv2"), MSG + NONCE + maced_id)
    print("auth_" + name, auth.hex())

SK_D = bytes(range(0x60, 0x80))
NI = bytes(0xa0 + i % 16 for i in range(32))
NR = bytes(0x30 + i % 11 for i in range(24))
GIR = bytes((i * 7 + 1) & 0xff for i in range(256))
# AES-CBC-128 + HMAC-SHA2-256-128 without PFS: ei 16, ai 32, er 16, ar 32.
km = prf_plus(hashlib.sha256, SK_D, NI + NR, 96)
print("child_cbc_ei", km[0:16].hex())
print("child_cbc_ai", km[16:48].hex())
print("child_cbc_er", km[48:64].hex())
print("child_cbc_ar", km[64:96].hex())
# AES-GCM-16-256 (key + 4-byte salt) with PFS: ei 36, er 36.
km = prf_plus(hashlib.sha256, SK_D, GIR + NI + NR, 72)
print("child_gcm_pfs_ei", km[0:36].hex())
print("child_gcm_pfs_er", km[36:72].hex())
# HMAC-SHA2-512 PRF, 3DES + HMAC-SHA2-512-256: 2 * 24 + 2 * 64 = 176 bytes, 3 blocks.
km = prf_plus(hashlib.sha512, SK_D, NI + NR, 176)
print("child_sha512_ar", km[112:176].hex())
