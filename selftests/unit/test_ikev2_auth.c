// SPDX-License-Identifier: GPL-2.0
/*
 * PSK authentication (RFC 7296 2.15) and CHILD SA keys (2.17) against
 * values computed independently with Python's hmac module
 * (selftests/unit/vectors/ikev2_auth.py), and verification refusing
 * anything that differs with -EACCES.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/auth.h"
#include "iked/ikev2/keys.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

#define EXPECT_HEX(want, got, n) do {					\
	uint8_t w_[256];						\
	hex(want, w_, n);						\
	EXPECT_EQ(0, memcmp(w_, got, n));				\
} while (0)

/* The inputs of ikev2_auth.py. */
struct inputs {
	uint8_t psk[28], msg[300], nonce[32], sk_p[32], id[16];
};

static void inputs_init(struct inputs *in)
{
	size_t i;

	memcpy(in->psk, "correct horse battery staple", 28);
	for (i = 0; i < sizeof(in->msg); i++)
		in->msg[i] = (uint8_t)(i * 3);
	for (i = 0; i < sizeof(in->nonce); i++)
		in->nonce[i] = (uint8_t)(0x50 + i % 7);
	for (i = 0; i < sizeof(in->sk_p); i++)
		in->sk_p[i] = (uint8_t)(0x20 + i);
	memcpy(in->id, "gw-a.example.net", 16);
}

static int auth(const struct inputs *in, uint16_t prf, uint8_t *out,
		size_t *len)
{
	return ikev2_auth_psk(prf, in->psk, sizeof(in->psk), in->msg,
			      sizeof(in->msg), in->nonce, sizeof(in->nonce),
			      in->sk_p, sizeof(in->sk_p), 2, in->id,
			      sizeof(in->id), out, len);
}

static int verify(const struct inputs *in, uint16_t prf, uint8_t id_type,
		  const uint8_t *a, size_t len)
{
	return ikev2_auth_psk_verify(prf, in->psk, sizeof(in->psk), in->msg,
				     sizeof(in->msg), in->nonce,
				     sizeof(in->nonce), in->sk_p,
				     sizeof(in->sk_p), id_type, in->id,
				     sizeof(in->id), a, len);
}

TEST(psk_auth_known_answers)
{
	static const struct {
		uint16_t prf;
		size_t len;
		const char *want;
	} kat[] = {
		{ 5, 32, "2fca15914aebb510f00a73592fb0866975bec718927baa21aa07ad7cb62ecd14" },
		{ 2, 20, "bbea1a81c72964bf9b56dbc0bf1db3a950d37c90" },
		{ 7, 64, "f85fd5c1a10a2723a3afdda076627bf89813ab08f9c844c133753fb45298bd0c"
			 "c9757664821e2e157b5886b2c2a34aa24949d3d5b9fd9f1224f976aab5c78fed" },
	};
	uint8_t out[IKED_PRF_MAX];
	struct inputs in;
	size_t i, len;

	inputs_init(&in);
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		ASSERT_EQ(0, auth(&in, kat[i].prf, out, &len));
		ASSERT_EQ(kat[i].len, len);
		EXPECT_HEX(kat[i].want, out, len);
		EXPECT_EQ(0, verify(&in, kat[i].prf, 2, out, len));
	}
}

TEST(psk_verify_refuses_what_differs)
{
	uint8_t good[IKED_PRF_MAX], a[IKED_PRF_MAX];
	struct inputs in;
	size_t len;

	inputs_init(&in);
	ASSERT_EQ(0, auth(&in, 5, good, &len));
	ASSERT_EQ(32, len);
	EXPECT_EQ(0, verify(&in, 5, 2, good, 32));
	/* Its own value, truncated or extended. */
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 31));
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 0));
	memcpy(a, good, 32);
	a[32] = 0;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, a, 33));
	/* A value of the other PRF. */
	EXPECT_EQ(-EACCES, verify(&in, 2, 2, good, 20));
	/* Any bit of it. */
	a[0] ^= 1;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, a, 32));
	a[0] ^= 1;
	a[31] ^= 0x80;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, a, 32));
	/* Another PSK, ID type, ID, nonce, SK_p or message. */
	in.psk[27] ^= 1;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 32));
	inputs_init(&in);
	EXPECT_EQ(-EACCES, verify(&in, 5, 3, good, 32));
	in.id[0] = 'G';
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 32));
	inputs_init(&in);
	in.nonce[31] ^= 1;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 32));
	inputs_init(&in);
	in.sk_p[0] ^= 1;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 32));
	inputs_init(&in);
	in.msg[150] ^= 1;
	EXPECT_EQ(-EACCES, verify(&in, 5, 2, good, 32));
	/* A shorter PSK that is a prefix of the right one. */
	inputs_init(&in);
	EXPECT_EQ(-EACCES, ikev2_auth_psk_verify(5, in.psk, 27, in.msg, 300,
						 in.nonce, 32, in.sk_p, 32, 2,
						 in.id, 16, good, 32));
	inputs_init(&in);
	EXPECT_EQ(0, verify(&in, 5, 2, good, 32));
}

TEST(psk_auth_errors)
{
	uint8_t out[IKED_PRF_MAX];
	struct inputs in;
	size_t len = 99;

	inputs_init(&in);
	EXPECT_EQ(-EINVAL, auth(&in, 4, out, &len));	/* AES-XCBC PRF */
	EXPECT_EQ(0, len);
	EXPECT_EQ(-EINVAL, auth(&in, 0, out, &len));
	EXPECT_EQ(-EINVAL, verify(&in, 8, 2, out, 32));
	EXPECT_EQ(-EINVAL, ikev2_auth_psk(5, in.psk, 0, in.msg, 300, in.nonce,
					  32, in.sk_p, 32, 2, in.id, 16, out,
					  &len));
	/* An empty ID is odd but computable. */
	EXPECT_EQ(0, ikev2_auth_psk(5, in.psk, 28, in.msg, 300, in.nonce, 32,
				    in.sk_p, 32, 2, in.id, 0, out, &len));
}

/* The inputs of the CHILD SA part of ikev2_auth.py. */
struct child_inputs {
	uint8_t sk_d[32], ni[32], nr[24], gir[256];
};

static void child_init(struct child_inputs *c)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		c->sk_d[i] = (uint8_t)(0x60 + i);
		c->ni[i] = (uint8_t)(0xa0 + i % 16);
	}
	for (i = 0; i < 24; i++)
		c->nr[i] = (uint8_t)(0x30 + i % 11);
	for (i = 0; i < 256; i++)
		c->gir[i] = (uint8_t)(i * 7 + 1);
}

TEST(child_keys_known_answers)
{
	struct ikev2_child_keys k;
	struct child_inputs c;

	child_init(&c);
	/* AES-CBC-128 with HMAC-SHA2-256-128, no PFS. */
	ASSERT_EQ(0, ikev2_derive_child_keys(5, c.sk_d, 32, NULL, 0, c.ni, 32,
					     c.nr, 24, 16, 32, &k));
	EXPECT_EQ(16, k.enc_len);
	EXPECT_EQ(32, k.integ_len);
	EXPECT_HEX("6167208678ecaefefb56106ae3acb902", k.ei, 16);
	EXPECT_HEX("ad6bcc52fbe93a7271d6acb5eb28235525839b7f618f589f8070fcf1ee0d921e",
		   k.ai, 32);
	EXPECT_HEX("724f9a22be73ab618dd4e45f6a908c39", k.er, 16);
	EXPECT_HEX("8f0b274f245729acc87f921fdb1d93aefe245e7f386a6ba4141fd8de8b735725",
		   k.ar, 32);
	/* AES-GCM-16-256 with its salt, PFS: g^ir in front of the nonces. */
	ASSERT_EQ(0, ikev2_derive_child_keys(5, c.sk_d, 32, c.gir, 256, c.ni,
					     32, c.nr, 24, 36, 0, &k));
	EXPECT_EQ(36, k.enc_len);
	EXPECT_EQ(0, k.integ_len);
	EXPECT_HEX("bd0c7065cb1c6a86467e0c6939e7e59ee065a4504009ffd660f5cb60a8dce7b50d7f387b",
		   k.ei, 36);
	EXPECT_HEX("625e030f1b9215cf2db1bf3d7a415cc2e0a2be928a4ec1b56b00652462ba292ba8c81ed0",
		   k.er, 36);
	/* HMAC-SHA2-512 PRF; 3DES with HMAC-SHA2-512-256 keys, 176 bytes. */
	ASSERT_EQ(0, ikev2_derive_child_keys(7, c.sk_d, 32, NULL, 0, c.ni, 32,
					     c.nr, 24, 24, 64, &k));
	EXPECT_HEX("bbd7249a709370e5b2852721b633751cd39bdb785f27a077027e4436b06e1e43"
		   "baa93072758c7240cd014483d99a01975ba47f8229b7127860123ab6bb9f5de5",
		   k.ar, 64);
	ikev2_child_keys_wipe(&k);
	EXPECT_EQ(0, k.enc_len);
	EXPECT_EQ(0, k.ar[0]);
}

TEST(child_keys_errors)
{
	struct ikev2_child_keys k;
	struct child_inputs c;

	child_init(&c);
	EXPECT_EQ(-EINVAL, ikev2_derive_child_keys(4, c.sk_d, 32, NULL, 0,
						   c.ni, 32, c.nr, 24, 16, 32,
						   &k));
	EXPECT_EQ(-EINVAL, ikev2_derive_child_keys(5, c.sk_d, 32, NULL, 0,
						   c.ni, 32, c.nr, 24, 65, 32,
						   &k));
	EXPECT_EQ(-EINVAL, ikev2_derive_child_keys(5, c.sk_d, 32, NULL, 0,
						   c.ni, 32, c.nr, 24, 16, 65,
						   &k));
	EXPECT_EQ(0, k.enc_len);
	/* The largest: 2 * 64 + 2 * 64 bytes from SHA-1's 20-byte blocks. */
	EXPECT_EQ(0, ikev2_derive_child_keys(2, c.sk_d, 20, NULL, 0, c.ni, 32,
					     c.nr, 24, 64, 64, &k));
}

TEST_HARNESS_MAIN
