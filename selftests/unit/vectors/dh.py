#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# MODP known answers for selftests/unit/test_dh.c, computed with
# Python integers only: the primes from their RFC 2409 / 3526 formula
# 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) pi) + k), g = 2. The private
# keys are the first SHA-256 counters whose public value (A) or shared
# secret (B) begins with a zero byte, so that the padding is exercised.
import hashlib


def pi_fixed(bits):
    """floor(2^bits * pi), Machin's formula in integers."""
    guard = 64
    one = 1 << (bits + guard)

    def arctan_inv(x):
        s = t = one // x
        n, x2, sign = 1, x * x, -1
        while t:
            t //= x2
            n += 2
            s += sign * (t // n)
            sign = -sign
        return s
    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> guard


def modp(n, k):
    return 2**n - 2**(n - 64) - 1 + 2**64 * (pi_fixed(n - 130) + k)


def priv(tag, i):
    return hashlib.sha256(b"%s%d" % (tag, i)).digest()


for name, n, k in (("MODP_1024", 1024, 129093), ("MODP_2048", 2048, 124476)):
    p, size = modp(n, k), n // 8
    enc = lambda v: v.to_bytes(size, "big")
    i = 0
    while enc(pow(2, int.from_bytes(priv(b"a", i), "big"), p))[0] != 0:
        i += 1
    a = priv(b"a", i)
    ga = pow(2, int.from_bytes(a, "big"), p)
    j = 0
    while enc(pow(ga, int.from_bytes(priv(b"b", j), "big"), p))[0] != 0:
        j += 1
    b = priv(b"b", j)
    gb = pow(2, int.from_bytes(b, "big"), p)
    print(name)
    print("p   ", enc(p).hex())
    print("a   ", a.hex())
    print("b   ", b.hex())
    print("g^a ", enc(ga).hex())
    print("g^b ", enc(gb).hex())
    print("g^ab", enc(pow(gb, int.from_bytes(a, "big"), p)).hex())
