#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Known answers for selftests/unit/test_ikev1_keys.c, computed from RFC 2409
# (section 5, 5.5, 5.7 and appendix B) with hashlib, hmac and the
# `cryptography` package, not with kesp's code: the cases the charon
# vectors do not reach (MD5 and SHA2-512, a key expanded from a short
# SKEYID_e over two blocks, KEYMAT over several prf blocks, phase 2 IVs,
# CBC with zero padding). Prints C arrays.
import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def seq(first, n):
    return bytes((first + i) & 0xff for i in range(n))


PSK = b"kesp ikev1 psk"
NI, NR = seq(0x00, 16), seq(0x10, 24)
GXI, GXR, GXY = seq(0x20, 32), seq(0x40, 32), seq(0x60, 32)
CKI, CKR = seq(0x01, 8), seq(0x11, 8)
QM_GXY = seq(0x80, 32)
SPI = bytes([0xc1, 0xc2, 0xc3, 0xc4])
LAST = seq(0xa0, 16)
MID = 0x01020304
SAI = bytes([0, 0, 0, 1, 0, 0, 0, 1]) + seq(0xb0, 20)
IDI = bytes([2, 0, 0, 0]) + b"gwa.example.net"
REST = bytes([0, 0, 0, 12]) + seq(0xc0, 8)


def prf(h, k, d):
    return hmac.new(k, d, h).digest()


def keys(h, key_len, block):
    skeyid = prf(h, PSK, NI + NR)
    d = prf(h, skeyid, GXY + CKI + CKR + b"\0")
    a = prf(h, skeyid, d + GXY + CKI + CKR + b"\1")
    e = prf(h, skeyid, a + GXY + CKI + CKR + b"\2")
    if len(e) >= key_len:
        ka = e[:key_len]
    else:
        k, ka = prf(h, e, b"\0"), b""
        while True:
            ka += k
            if len(ka) >= key_len:
                break
            k = prf(h, e, k)
        ka = ka[:key_len]
    iv = getattr(hashlib, h)(GXI + GXR).digest()[:block]
    return dict(skeyid=skeyid, d=d, a=a, e=e, ka=ka, iv=iv)


def keymat(h, d, gxy, n):
    seed = gxy + bytes([3]) + SPI + NI + NR
    k, out = prf(h, d, seed), b""
    while True:
        out += k
        if len(out) >= n:
            return out[:n]
        k = prf(h, d, k + seed)


def c(name, b):
    print("static const uint8_t %s[%d] = {" % (name, len(b)))
    for i in range(0, len(b), 12):
        print("\t" + ", ".join("0x%02x" % x for x in b[i:i + 12]) + ",")
    print("};")


for tag, h, kl, bl in (("md5", "md5", 32, 16), ("sha512", "sha512", 24, 8)):
    k = keys(h, kl, bl)
    for f in ("skeyid", "d", "a", "e", "ka", "iv"):
        c("%s_%s" % (tag, f), k[f])
    mid = MID.to_bytes(4, "big")
    c("%s_hash_i" % tag, prf(h, k["skeyid"],
                             GXI + GXR + CKI + CKR + SAI + IDI))
    c("%s_hash_r" % tag, prf(h, k["skeyid"],
                             GXR + GXI + CKR + CKI + SAI + IDI))
    c("%s_hash1" % tag, prf(h, k["a"], mid + REST))
    c("%s_hash2" % tag, prf(h, k["a"], mid + NI + REST))
    c("%s_hash3" % tag, prf(h, k["a"], b"\0" + mid + NI + NR))
    c("%s_keymat_pfs" % tag, keymat(h, k["d"], QM_GXY, 72))
    c("%s_keymat" % tag, keymat(h, k["d"], b"", 40))
    # the last phase 1 CBC block is one cipher block long
    c("%s_p2iv" % tag, getattr(hashlib, h)(LAST[:bl] + mid).digest()[:bl])

# CBC: AES-128 with the md5 case's IV, 20 bytes zero-padded to 32
key = seq(0x30, 16)
iv = keys("md5", 32, 16)["iv"]
pt = seq(0xd0, 20) + bytes(12)
enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
c("aes_ct", enc.update(pt) + enc.finalize())
