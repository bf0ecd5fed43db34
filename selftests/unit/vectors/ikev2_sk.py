#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Encrypted payload known answers for selftests/unit/test_ikev2_sk.c, built
# from RFC 7296 3.14, RFC 5282 5.1 and RFC 7634 with the `cryptography`
# package and hmac, not with kesp's code. Header: SPIi 01..08, SPIr 11..18,
# IKE_AUTH, initiator flag, message ID 1. Inner: one IDi payload (FQDN
# "gw-a.example.net"). Keys: ek = 40 41 ..., AEAD salt c0 c1 c2 c3 after it,
# ak = 80 81 ...; IV = 10 11 ... (CBC) or a0 a1 ... a7 (AEAD).
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:     # cryptography < 43
    TripleDES = algorithms.TripleDES

SPI_I = bytes(range(1, 9))
SPI_R = bytes(range(0x11, 0x19))
IDI = 35
INNER = bytes([0, 0, 0, 24, 2, 0, 0, 0]) + b"gw-a.example.net"
SALT = bytes([0xc0, 0xc1, 0xc2, 0xc3])


def key(first, n):
    return bytes((first + i) & 0xff for i in range(n))


def hdrs(sk_body_len):
    """IKE header (next payload SK) and SK generic header."""
    sklen = 4 + sk_body_len
    ike = SPI_I + SPI_R + bytes([46, 0x20, 35, 0x08]) + struct.pack(">II", 1, 28 + sklen)
    return ike + bytes([IDI, 0]) + struct.pack(">H", sklen)


def cbc(name, cipher, block, ek, md, ak, icv_len, pad=None, padlen=None):
    iv = key(0x10, block)
    if pad is None:
        pad = (block - (len(INNER) + 1) % block) % block
    pt = INNER + bytes(pad) + bytes([pad if padlen is None else padlen])
    enc = Cipher(cipher(ek), modes.CBC(iv)).encryptor()
    ct = enc.update(pt) + enc.finalize()
    head = hdrs(len(iv) + len(ct) + icv_len)
    icv = hmac.new(ak, head + iv + ct, md).digest()[:icv_len]
    print(name, (head + iv + ct + icv).hex())


def aead(name, seal, ek, icv_len, pad=0, padlen=None):
    iv = key(0xa0, 8)
    pt = INNER + bytes(pad) + bytes([pad if padlen is None else padlen])
    aad = hdrs(len(iv) + len(pt) + icv_len)
    out = seal(ek).encrypt(SALT + iv, pt, aad)
    # GCM's shorter ICVs are its tag's first bytes (RFC 5282 / SP 800-38D).
    ct, tag = out[:len(pt)], out[len(pt):][:icv_len]
    print(name, (aad + iv + ct + tag).hex())


cbc("aes_cbc_256_sha256", algorithms.AES, 16, key(0x40, 32), hashlib.sha256,
    key(0x80, 32), 16)
cbc("3des_sha1", TripleDES, 8, key(0x40, 24), hashlib.sha1,
    key(0x80, 20), 12)
aead("aes_gcm16_256", AESGCM, key(0x40, 32), 16)
aead("aes_gcm8_128", AESGCM, key(0x40, 16), 8)
aead("chacha20_poly1305", ChaCha20Poly1305, key(0x40, 32), 16)
# Padding another implementation may send: 3 bytes (1,2,3 would do too) with GCM.
aead("aes_gcm16_256_pad3", AESGCM, key(0x40, 32), 16, pad=3)
# A pad length beyond the plaintext, with a valid ICV: must be refused.
cbc("aes_cbc_256_sha256_badpad", algorithms.AES, 16, key(0x40, 32),
    hashlib.sha256, key(0x80, 32), 16, padlen=0xff)
aead("aes_gcm16_256_badpad", AESGCM, key(0x40, 32), 16, padlen=25)
