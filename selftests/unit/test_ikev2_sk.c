// SPDX-License-Identifier: GPL-2.0
/*
 * The Encrypted payload: every supported encryption/integrity pair seals
 * what ikev2_msg_parse and ikev2_sk_open give back, any changed byte is
 * refused, and fixed-IV messages match those built independently with
 * Python's `cryptography` (selftests/unit/vectors/ikev2_sk.py, whose output
 * is embedded below: CI has no `cryptography`).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/msg.h"
#include "iked/ikev2/sk.h"

#define BUF_LEN 2048

/* Reads the hex string @s into @out; returns its length in bytes. */
static size_t hex(const char *s, uint8_t *out)
{
	size_t i, n = strlen(s) / 2;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
	return n;
}

struct combo {
	uint16_t encr, key_bits, integ;
};

/* ENCR x Key Length x INTEG as sk.h lists them. */
static const struct combo combos[] = {
	{ 3, 0, 1 }, { 3, 0, 2 }, { 3, 0, 12 }, { 3, 0, 13 }, { 3, 0, 14 },
	{ 12, 128, 1 }, { 12, 128, 2 }, { 12, 128, 12 }, { 12, 128, 13 },
	{ 12, 128, 14 },
	{ 12, 192, 1 }, { 12, 192, 2 }, { 12, 192, 12 }, { 12, 192, 13 },
	{ 12, 192, 14 },
	{ 12, 256, 1 }, { 12, 256, 2 }, { 12, 256, 12 }, { 12, 256, 13 },
	{ 12, 256, 14 },
	{ 18, 128, 0 }, { 18, 192, 0 }, { 18, 256, 0 },
	{ 19, 128, 0 }, { 19, 192, 0 }, { 19, 256, 0 },
	{ 20, 128, 0 }, { 20, 192, 0 }, { 20, 256, 0 },
	{ 28, 0, 0 },
};
#define N_COMBOS (sizeof(combos) / sizeof(combos[0]))

/* The wire sizes each algorithm adds, from their RFCs, to check the output against. */
struct sizes {
	size_t enc_len, integ_len, iv, block, icv;
};

static struct sizes sizes_of(const struct combo *c)
{
	struct sizes s = { 0 };

	switch (c->encr) {
	case 3:
		s.enc_len = 24;
		s.iv = s.block = 8;
		break;
	case 12:
		s.enc_len = c->key_bits / 8;
		s.iv = s.block = 16;
		break;
	default:		/* AEAD: salt after the key, 8-byte IV */
		s.enc_len = (c->encr == 28 ? 32 : c->key_bits / 8) + 4;
		s.iv = 8;
		s.block = 1;
		s.icv = c->encr == 18 ? 8 : c->encr == 19 ? 12 : 16;
		break;
	}
	switch (c->integ) {
	case 1:
		s.integ_len = 16;
		s.icv = 12;
		break;
	case 2:
		s.integ_len = 20;
		s.icv = 12;
		break;
	case 12:
		s.integ_len = 32;
		s.icv = 16;
		break;
	case 13:
		s.integ_len = 48;
		s.icv = 24;
		break;
	case 14:
		s.integ_len = 64;
		s.icv = 32;
		break;
	}
	return s;
}

/* Key material: ek = 40 41 ... (salt c0 c1 c2 c3 after an AEAD key), ak = 80 81 ... */
struct keybuf {
	uint8_t ek[40], ak[64];
};

static void keys_for(const struct combo *c, struct keybuf *b,
		     struct ikev2_sk_keys *k)
{
	struct sizes s = sizes_of(c);
	size_t i;

	for (i = 0; i < sizeof(b->ek); i++)
		b->ek[i] = (uint8_t)(0x40 + i);
	for (i = 0; i < sizeof(b->ak); i++)
		b->ak[i] = (uint8_t)(0x80 + i);
	if (s.block == 1)
		for (i = 0; i < 4; i++)
			b->ek[s.enc_len - 4 + i] = (uint8_t)(0xc0 + i);
	k->encr = c->encr;
	k->key_bits = c->key_bits;
	k->integ = c->integ;
	k->ek = b->ek;
	k->ek_len = s.enc_len;
	k->ak = c->integ ? b->ak : NULL;
	k->ak_len = s.integ_len;
}

static void hdr_init(struct ikev2_hdr *h)
{
	static const uint8_t spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t spi_r[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
					  0x17, 0x18 };

	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, spi_i, 8);
	memcpy(h->spi_r, spi_r, 8);
	h->exchange = IKEV2_EXCH_IKE_AUTH;
	h->flags = IKEV2_F_INITIATOR;
	h->msg_id = 1;
}

/* What the vectors encrypt: one IDi payload, FQDN "gw-a.example.net". */
static const uint8_t kat_inner[24] = {
	0, 0, 0, 24, IKEV2_ID_FQDN, 0, 0, 0,
	'g', 'w', '-', 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n',
	'e', 't',
};
static const uint8_t kat_iv_cbc[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
					0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
					0x1c, 0x1d, 0x1e, 0x1f };
static const uint8_t kat_iv_aead[8] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
					0xa6, 0xa7 };

/* python3 selftests/unit/vectors/ikev2_sk.py */
static const char kat_aes_cbc_256_sha256[] =
	"010203040506070811121314151617182e202308000000010000006023000044"
	"101112131415161718191a1b1c1d1e1fd91376ef1ac5a75815a40d9256c5cbc0"
	"cf0f087255ad957c247f33f960ff9c67f97c7f97027f92c8c474f21ef42b75b7";
static const char kat_3des_sha1[] =
	"010203040506070811121314151617182e202308000000010000005423000038"
	"1011121314151617631c8b35440c09d5c0533df2eb5f8ed305d1fd4ced512e3c"
	"02df371f07d6260d121882c58a3b5da35cb12371";
static const char kat_aes_gcm16_256[] =
	"010203040506070811121314151617182e202308000000010000005123000035"
	"a0a1a2a3a4a5a6a75caaff8b2eebbb2abf52bc0e69ee0dbe027b1ff936eeb385"
	"95df02ff8c868e6b171aeb3683347d52e1";
static const char kat_aes_gcm8_128[] =
	"010203040506070811121314151617182e20230800000001000000492300002d"
	"a0a1a2a3a4a5a6a79f3c520b2a1418cb0aa19d3d8104d74977f2c821e6a180de"
	"605f0f4732a9039fd6";
static const char kat_chacha20_poly1305[] =
	"010203040506070811121314151617182e202308000000010000005123000035"
	"a0a1a2a3a4a5a6a795cbb5502e58360f83f1382a6a83cafa2d2552b27150f477"
	"8c74ea3a164a89a69842c6f507ad2e0f3b";
static const char kat_aes_gcm16_256_pad3[] =
	"010203040506070811121314151617182e202308000000010000005423000038"
	"a0a1a2a3a4a5a6a75caaff8b2eebbb2abf52bc0e69ee0dbe027b1ff936eeb385"
	"95d8b1ad51f84df9c0581de2066cceb0c883b43b";
static const char kat_aes_cbc_256_sha256_badpad[] =
	"010203040506070811121314151617182e202308000000010000006023000044"
	"101112131415161718191a1b1c1d1e1fd91376ef1ac5a75815a40d9256c5cbc0"
	"8a144fc4936b6b6d163eb960dcc873a658170d92215043ab90bd387deef235e9";
static const char kat_aes_gcm16_256_badpad[] =
	"010203040506070811121314151617182e202308000000010000005123000035"
	"a0a1a2a3a4a5a6a75caaff8b2eebbb2abf52bc0e69ee0dbe027b1ff936eeb385"
	"8c39a162e98df6a8dd5df220fdec39023f";

TEST(key_lengths)
{
	size_t i, enc, integ;

	for (i = 0; i < N_COMBOS; i++) {
		struct sizes s = sizes_of(&combos[i]);

		ASSERT_EQ(0, ikev2_sk_key_lens(combos[i].encr,
					       combos[i].key_bits,
					       combos[i].integ, &enc, &integ));
		EXPECT_EQ(s.enc_len, enc);
		EXPECT_EQ(s.integ_len, integ);
		EXPECT_EQ(s.block == 1, ikev2_sk_aead(combos[i].encr));
	}
}

TEST(unsupported)
{
	static const struct combo bad[] = {
		{ 13, 128, 12 },	/* AES-CTR */
		{ 16, 128, 0 },		/* AES-CCM-16 */
		{ 2, 0, 2 },		/* DES */
		{ 0, 0, 0 },
		{ 12, 0, 12 },		/* AES-CBC needs a Key Length */
		{ 12, 100, 12 },
		{ 12, 512, 12 },
		{ 20, 0, 0 },
		{ 20, 128, 12 },	/* an AEAD with integrity */
		{ 28, 0, 12 },
		{ 28, 256, 0 },		/* ChaCha20 takes no Key Length */
		{ 3, 192, 2 },
		{ 12, 128, 0 },		/* CBC without integrity */
		{ 12, 128, 5 },		/* AES-XCBC-96 */
		{ 12, 128, 3 },
	};
	uint8_t out[BUF_LEN], ek[64] = { 0 }, ak[64] = { 0 };
	struct ikev2_sk sk = { .inner = 35, .data = out + 32, .len = 64 };
	struct ikev2_sk_keys k;
	struct ikev2_hdr h;
	size_t i, enc, integ, len;

	hdr_init(&h);
	memset(out, 0, sizeof(out));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EOPNOTSUPP, ikev2_sk_key_lens(bad[i].encr,
							 bad[i].key_bits,
							 bad[i].integ, &enc,
							 &integ));
		k = (struct ikev2_sk_keys){ bad[i].encr, bad[i].key_bits,
					    bad[i].integ, ek, 32, ak, 32 };
		EXPECT_EQ(-EOPNOTSUPP, ikev2_sk_seal(&k, &h, 35, kat_inner,
						     sizeof(kat_inner), out,
						     sizeof(out), &len));
		EXPECT_EQ(-EOPNOTSUPP, ikev2_sk_open(&k, out, 96, &sk, out,
						     sizeof(out), &len));
	}
	EXPECT_FALSE(ikev2_sk_aead(12));
	EXPECT_FALSE(ikev2_sk_aead(16));
	EXPECT_TRUE(ikev2_sk_aead(28));
}

/* An IKE_AUTH-like chain: IDi, AUTH, INITIAL_CONTACT. */
static void inner_chain(struct __test_metadata *_metadata,
			struct ikev2_chain *c, uint8_t *buf, size_t *len)
{
	static const uint8_t fqdn[] = "gw-a.example.net";
	static const uint8_t auth[32] = { 0xde, 0xad, [31] = 0x42 };

	ikev2_chain_init(c);
	ASSERT_EQ(0, ikev2_chain_add_id(c, IKEV2_PL_IDI, IKEV2_ID_FQDN, fqdn,
					sizeof(fqdn) - 1));
	ASSERT_EQ(0, ikev2_chain_add_auth(c, IKEV2_AUTH_PSK, auth,
					  sizeof(auth)));
	ASSERT_EQ(0, ikev2_chain_add_notify(c, 0, NULL, 0,
					    IKEV2_N_INITIAL_CONTACT, NULL, 0));
	ASSERT_EQ(0, ikev2_chain_build(c, buf, BUF_LEN, len));
}

TEST(round_trip_every_combo)
{
	static struct ikev2_chain c, c2;
	static struct ikev2_msg m;
	uint8_t inner[BUF_LEN], out[BUF_LEN], plain[BUF_LEN];
	size_t i, ilen, olen, plen;
	struct ikev2_hdr h;

	hdr_init(&h);
	h.flags = IKEV2_F_RESPONSE | 0x01;	/* an undefined bit: not sent */
	h.msg_id = 0x01020304;
	inner_chain(_metadata, &c, inner, &ilen);
	for (i = 0; i < N_COMBOS; i++) {
		struct sizes s = sizes_of(&combos[i]);
		struct ikev2_sk_keys k;
		struct keybuf kb;
		size_t pad;

		keys_for(&combos[i], &kb, &k);
		ASSERT_EQ(0, ikev2_sk_seal(&k, &h, ikev2_chain_first(&c), inner,
					   ilen, out, sizeof(out), &olen));
		pad = (s.block - (ilen + 1) % s.block) % s.block;
		ASSERT_EQ(28 + 4 + s.iv + ilen + pad + 1 + s.icv, olen);
		EXPECT_EQ(IKEV2_PL_SK, out[16]);
		EXPECT_EQ(0x20, out[17]);
		EXPECT_EQ(IKEV2_F_RESPONSE, out[19]);
		EXPECT_EQ(IKEV2_PL_IDI, out[28]);
		EXPECT_EQ(0, out[29]);		/* not critical */
		EXPECT_EQ(olen - 28, (size_t)(out[30] << 8 | out[31]));

		ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
		EXPECT_EQ(0, memcmp(m.hdr.spi_i, h.spi_i, 8));
		EXPECT_EQ(0, memcmp(m.hdr.spi_r, h.spi_r, 8));
		EXPECT_EQ(IKEV2_EXCH_IKE_AUTH, m.hdr.exchange);
		EXPECT_EQ(0x01020304, m.hdr.msg_id);
		EXPECT_EQ(olen, m.hdr.length);
		ASSERT_TRUE(ikev2_chain_has(&m.chain, IKEV2_PL_SK));
		EXPECT_EQ(IKEV2_PL_IDI, m.chain.sk.inner);
		ASSERT_EQ(0, ikev2_sk_open(&k, out, olen, &m.chain.sk, plain,
					   sizeof(plain), &plen));
		ASSERT_EQ(ilen, plen);
		EXPECT_EQ(0, memcmp(inner, plain, ilen));
		ASSERT_EQ(0, ikev2_chain_parse(&c2, m.chain.sk.inner, plain,
					       plen, NULL));
		EXPECT_TRUE(ikev2_chain_same(&c, &c2));
	}
}

/* Every padding length, including an empty SK (an INFORMATIONAL liveness check). */
TEST(every_inner_length)
{
	static struct ikev2_msg m;
	uint8_t inner[64], out[BUF_LEN], plain[BUF_LEN];
	size_t i, n, olen, plen;
	struct ikev2_hdr h;

	hdr_init(&h);
	for (n = 0; n < sizeof(inner); n++)
		inner[n] = (uint8_t)(0xe0 ^ n);
	for (i = 0; i < N_COMBOS; i++) {
		struct sizes s = sizes_of(&combos[i]);
		struct ikev2_sk_keys k;
		struct keybuf kb;

		keys_for(&combos[i], &kb, &k);
		for (n = 0; n <= sizeof(inner); n++) {
			ASSERT_EQ(0, ikev2_sk_seal(&k, &h, n ? 43 : 0, inner, n,
						   out, sizeof(out), &olen));
			/* The fewest padding bytes that fill the block. */
			EXPECT_EQ(0, (olen - 32 - s.iv - s.icv) % s.block);
			EXPECT_GT(s.block + 1, olen - 32 - s.iv - s.icv - n);
			ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
			ASSERT_EQ(0, ikev2_sk_open(&k, out, olen, &m.chain.sk,
						   plain, sizeof(plain),
						   &plen));
			ASSERT_EQ(n, plen);
			EXPECT_EQ(0, memcmp(inner, plain, n));
		}
	}
}

/* Header, SK header, IV, ciphertext and ICV: no byte may change unnoticed. */
TEST(any_changed_byte_is_refused)
{
	static struct ikev2_msg m;
	uint8_t inner[BUF_LEN], out[BUF_LEN], plain[BUF_LEN];
	static struct ikev2_chain c;
	size_t i, j, ilen, olen, plen;
	struct ikev2_hdr h;

	hdr_init(&h);
	inner_chain(_metadata, &c, inner, &ilen);
	for (i = 0; i < N_COMBOS; i++) {
		struct ikev2_sk_keys k;
		struct keybuf kb;

		keys_for(&combos[i], &kb, &k);
		ASSERT_EQ(0, ikev2_sk_seal(&k, &h, IKEV2_PL_IDI, inner, ilen,
					   out, sizeof(out), &olen));
		ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
		for (j = 0; j < olen; j++) {
			out[j] ^= 0x01;
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen,
							  &m.chain.sk, plain,
							  sizeof(plain),
							  &plen));
			EXPECT_EQ(0, plen);
			out[j] ^= 0x80;
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen,
							  &m.chain.sk, plain,
							  sizeof(plain),
							  &plen));
			out[j] ^= 0x81;
		}
		EXPECT_EQ(0, ikev2_sk_open(&k, out, olen, &m.chain.sk, plain,
					   sizeof(plain), &plen));
		/*
		 * Another key fails the same way: the AEAD key or its salt,
		 * the integrity key with CBC (whose wrong encryption key only
		 * garbles the plaintext, as RFC 7296 3.14 has it).
		 */
		if (!k.integ) {
			kb.ek[0] ^= 1;
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen,
							  &m.chain.sk, plain,
							  sizeof(plain),
							  &plen));
			kb.ek[0] ^= 1;
			kb.ek[k.ek_len - 1] ^= 1;
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen,
							  &m.chain.sk, plain,
							  sizeof(plain),
							  &plen));
			kb.ek[k.ek_len - 1] ^= 1;
		} else {
			kb.ak[k.ak_len - 1] ^= 1;
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen,
							  &m.chain.sk, plain,
							  sizeof(plain),
							  &plen));
			kb.ak[k.ak_len - 1] ^= 1;
		}
		/* A truncated datagram (what the SK length says is missing). */
		EXPECT_EQ(-EINVAL, ikev2_sk_open(&k, out, olen - 1,
						 &m.chain.sk, plain,
						 sizeof(plain), &plen));
	}
}

TEST(short_or_misaligned_sk)
{
	static struct ikev2_msg m;
	uint8_t out[BUF_LEN], plain[BUF_LEN];
	size_t i, olen, plen;
	struct ikev2_hdr h;

	hdr_init(&h);
	for (i = 0; i < N_COMBOS; i++) {
		struct sizes s = sizes_of(&combos[i]);
		struct ikev2_sk_keys k;
		struct ikev2_sk sk;
		struct keybuf kb;

		keys_for(&combos[i], &kb, &k);
		ASSERT_EQ(0, ikev2_sk_seal(&k, &h, 43, kat_inner, 20, out,
					   sizeof(out), &olen));
		ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
		sk = m.chain.sk;
		/* Only IV and ICV: not even a pad length byte. */
		sk.len = s.iv + s.icv;
		EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen, &sk, plain,
						  sizeof(plain), &plen));
		sk.len = 0;
		EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen, &sk, plain,
						  sizeof(plain), &plen));
		sk.len = s.iv + s.icv + s.block - 1;
		if (sk.len > s.iv + s.icv) {
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen, &sk,
							  plain, sizeof(plain),
							  &plen));
		}
		/* CBC ciphertext of less than whole blocks. */
		sk.len = m.chain.sk.len - 1;
		if (s.block > 1) {
			EXPECT_EQ(-EBADMSG, ikev2_sk_open(&k, out, olen, &sk,
							  plain, sizeof(plain),
							  &plen));
		}
		/* An SK that is not where @msg is. */
		sk = m.chain.sk;
		sk.data = out + 8;
		EXPECT_EQ(-EINVAL, ikev2_sk_open(&k, out, olen, &sk, plain,
						 sizeof(plain), &plen));
		sk.data = NULL;
		EXPECT_EQ(-EINVAL, ikev2_sk_open(&k, out, olen, &sk, plain,
						 sizeof(plain), &plen));
		sk = m.chain.sk;
		sk.len++;
		EXPECT_EQ(-EINVAL, ikev2_sk_open(&k, out, olen, &sk, plain,
						 sizeof(plain), &plen));
	}
}

TEST(sizes_and_key_lengths)
{
	static uint8_t big[70000];
	uint8_t out[BUF_LEN], plain[BUF_LEN];
	struct ikev2_sk_keys k;
	static struct ikev2_msg m;
	struct keybuf kb;
	struct ikev2_hdr h;
	size_t olen, plen, need;

	hdr_init(&h);
	keys_for(&combos[17], &kb, &k);		/* AES-CBC-256, SHA2-256 */
	ASSERT_EQ(12, k.encr);
	ASSERT_EQ(0, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, out, sizeof(out),
				   &need));
	EXPECT_EQ(-ENOSPC, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, out,
					 need - 1, &olen));
	EXPECT_EQ(0, olen);
	EXPECT_EQ(0, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, out, need, &olen));
	ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
	EXPECT_EQ(-ENOSPC, ikev2_sk_open(&k, out, olen, &m.chain.sk, plain, 31,
					 &plen));
	EXPECT_EQ(0, ikev2_sk_open(&k, out, olen, &m.chain.sk, plain, 32,
				   &plen));
	/*
	 * The SK payload's length is 16 bits: 4 + 16 (IV) + 16 (ICV) leave
	 * 65499 bytes, 4093 blocks of which hold 65487 bytes and the pad
	 * length. One more needs another block.
	 */
	EXPECT_EQ(0, ikev2_sk_seal(&k, &h, 35, big, 65487, big, sizeof(big),
				   &olen));
	EXPECT_EQ(28 + 36 + 65488, olen);
	EXPECT_EQ(-EMSGSIZE, ikev2_sk_seal(&k, &h, 35, big, 65488, big,
					   sizeof(big), &olen));
	EXPECT_EQ(-EMSGSIZE, ikev2_sk_seal(&k, &h, 35, big, 1 << 20, big,
					   sizeof(big), &olen));
	/* Keys of other lengths than the algorithms take. */
	k.ek_len--;
	EXPECT_EQ(-EINVAL, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, out,
					 sizeof(out), &olen));
	EXPECT_EQ(-EINVAL, ikev2_sk_open(&k, out, need, &m.chain.sk, plain,
					 sizeof(plain), &plen));
	k.ek_len++;
	k.ak_len = 20;
	EXPECT_EQ(-EINVAL, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, out,
					 sizeof(out), &olen));
	k.ak_len = 32;
	EXPECT_EQ(-EINVAL, ikev2_sk_seal_iv(&k, &h, 35, kat_inner, 24,
					    kat_iv_aead, 8, out, sizeof(out),
					    &olen));
}

/* Fresh IVs: the same message twice is two different datagrams. */
TEST(random_iv)
{
	uint8_t a[BUF_LEN], b[BUF_LEN];
	struct ikev2_sk_keys k;
	struct keybuf kb;
	struct ikev2_hdr h;
	size_t la, lb, i;

	hdr_init(&h);
	for (i = 0; i < N_COMBOS; i++) {
		struct sizes s = sizes_of(&combos[i]);

		keys_for(&combos[i], &kb, &k);
		ASSERT_EQ(0, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, a,
					   sizeof(a), &la));
		ASSERT_EQ(0, ikev2_sk_seal(&k, &h, 35, kat_inner, 24, b,
					   sizeof(b), &lb));
		ASSERT_EQ(la, lb);
		EXPECT_EQ(0, memcmp(a, b, 32));
		EXPECT_NE(0, memcmp(a + 32, b + 32, s.iv));
		EXPECT_NE(0, memcmp(a + 32 + s.iv, b + 32 + s.iv, la - 32 - s.iv));
	}
}

/* The inner chain may be built where the ciphertext goes, or anywhere in @out. */
TEST(inner_inside_out)
{
	uint8_t out[BUF_LEN], want[BUF_LEN], plain[BUF_LEN];
	static struct ikev2_msg m;
	struct ikev2_sk_keys k;
	struct keybuf kb;
	struct ikev2_hdr h;
	size_t olen, wlen, plen, off;

	hdr_init(&h);
	keys_for(&combos[17], &kb, &k);
	ASSERT_EQ(0, ikev2_sk_seal_iv(&k, &h, 35, kat_inner, 24, kat_iv_cbc, 16,
				      want, sizeof(want), &wlen));
	for (off = 0; off < 80; off += 8) {
		memset(out, 0, sizeof(out));
		memcpy(out + off, kat_inner, 24);
		ASSERT_EQ(0, ikev2_sk_seal_iv(&k, &h, 35, out + off, 24,
					      kat_iv_cbc, 16, out, sizeof(out),
					      &olen));
		ASSERT_EQ(wlen, olen);
		EXPECT_EQ(0, memcmp(want, out, olen));
	}
	ASSERT_EQ(0, ikev2_msg_parse(&m, out, olen, NULL));
	ASSERT_EQ(0, ikev2_sk_open(&k, out, olen, &m.chain.sk, plain,
				   sizeof(plain), &plen));
	EXPECT_EQ(24, plen);
}

/*
 * Seals with the vector's IV must give the vector byte for byte, and the
 * vector must open to the IDi payload.
 */
static void kat(struct __test_metadata *_metadata, const struct combo *c,
		const char *vec)
{
	uint8_t want[BUF_LEN], out[BUF_LEN], plain[BUF_LEN];
	static struct ikev2_msg m;
	struct sizes s = sizes_of(c);
	struct ikev2_sk_keys k;
	struct keybuf kb;
	struct ikev2_hdr h;
	size_t wlen, olen, plen;

	hdr_init(&h);
	keys_for(c, &kb, &k);
	wlen = hex(vec, want);
	ASSERT_EQ(0, ikev2_sk_seal_iv(&k, &h, IKEV2_PL_IDI, kat_inner,
				      sizeof(kat_inner),
				      s.block == 1 ? kat_iv_aead : kat_iv_cbc,
				      s.iv, out, sizeof(out), &olen));
	ASSERT_EQ(wlen, olen);
	EXPECT_EQ(0, memcmp(want, out, wlen));
	ASSERT_EQ(0, ikev2_msg_parse(&m, want, wlen, NULL));
	ASSERT_EQ(0, ikev2_sk_open(&k, want, wlen, &m.chain.sk, plain,
				   sizeof(plain), &plen));
	ASSERT_EQ(sizeof(kat_inner), plen);
	EXPECT_EQ(0, memcmp(kat_inner, plain, plen));
}

TEST(kat_aes_cbc_256_hmac_sha2_256_128)
{
	kat(_metadata, &(struct combo){ 12, 256, 12 }, kat_aes_cbc_256_sha256);
}

TEST(kat_3des_hmac_sha1_96)
{
	kat(_metadata, &(struct combo){ 3, 0, 2 }, kat_3des_sha1);
}

TEST(kat_aes_gcm_16_256)
{
	kat(_metadata, &(struct combo){ 20, 256, 0 }, kat_aes_gcm16_256);
}

TEST(kat_aes_gcm_8_128)
{
	kat(_metadata, &(struct combo){ 18, 128, 0 }, kat_aes_gcm8_128);
}

TEST(kat_chacha20_poly1305_sk)
{
	kat(_metadata, &(struct combo){ 28, 0, 0 }, kat_chacha20_poly1305);
}

/* Opens what the vectors hold, with the keys of @c: result and plaintext length. */
static int open_vec(const struct combo *c, const char *vec, size_t *plen)
{
	uint8_t msg[BUF_LEN], plain[BUF_LEN];
	static struct ikev2_msg m;
	struct ikev2_sk_keys k;
	struct keybuf kb;
	size_t len;
	int err;

	keys_for(c, &kb, &k);
	len = hex(vec, msg);
	err = ikev2_msg_parse(&m, msg, len, NULL);
	if (err)
		return err;
	err = ikev2_sk_open(&k, msg, len, &m.chain.sk, plain, sizeof(plain),
			    plen);
	if (!err && memcmp(plain, kat_inner, sizeof(kat_inner)))
		return -ENODATA;
	return err;
}

/* Padding is the sender's choice (RFC 7296 3.14): 3 bytes with GCM open fine. */
TEST(foreign_padding)
{
	size_t plen;

	EXPECT_EQ(0, open_vec(&(struct combo){ 20, 256, 0 },
			      kat_aes_gcm16_256_pad3, &plen));
	EXPECT_EQ(24, plen);
}

/* A pad length beyond the plaintext under a valid ICV. */
TEST(bad_pad_length)
{
	size_t plen;

	EXPECT_EQ(-EBADMSG, open_vec(&(struct combo){ 12, 256, 12 },
				     kat_aes_cbc_256_sha256_badpad, &plen));
	EXPECT_EQ(0, plen);
	EXPECT_EQ(-EBADMSG, open_vec(&(struct combo){ 20, 256, 0 },
				     kat_aes_gcm16_256_badpad, &plen));
}

TEST_HARNESS_MAIN
