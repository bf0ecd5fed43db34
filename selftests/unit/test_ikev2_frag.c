// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 fragmentation (RFC 7383), the pure parts: Encrypted Fragment
 * payloads sealed, parsed, rebuilt and opened for AES-GCM and AES-CBC
 * with HMAC (Fragment Number and Total Fragments under the ICV), the
 * room a fragment size leaves, and reassembly: out of order, duplicates,
 * a forged fragment refused by its ICV before it is kept, a changed
 * total, and the limits on fragments and bytes.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/msg.h"
#include "iked/ikev2/sk.h"
#include "iked/ikev2/reasm.h"

#define BUF_LEN 4096

static const uint8_t ek[36] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const uint8_t ak[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

/* AES-GCM-16 256 (with its salt), or AES-CBC 128 with HMAC-SHA2-256-128. */
static void keys(struct ikev2_sk_keys *k, bool gcm)
{
	memset(k, 0, sizeof(*k));
	if (gcm) {
		k->encr = 20;
		k->key_bits = 256;
		k->ek = ek;
		k->ek_len = 36;
	} else {
		k->encr = 12;
		k->key_bits = 128;
		k->integ = 12;
		k->ek = ek;
		k->ek_len = 16;
		k->ak = ak;
		k->ak_len = 32;
	}
}

static void hdr(struct ikev2_hdr *h, uint32_t msg_id)
{
	memset(h, 0, sizeof(*h));
	memset(h->spi_i, 0x11, 8);
	memset(h->spi_r, 0x22, 8);
	h->exchange = IKEV2_EXCH_IKE_AUTH;
	h->flags = IKEV2_F_INITIATOR;
	h->msg_id = msg_id;
}

/* Seal fragment @num of @total of @inner's bytes [@off, @off + @n). */
static size_t seal(struct ikev2_sk_keys *k, uint32_t msg_id, uint16_t num,
		   uint16_t total, const uint8_t *data, size_t n, uint8_t *out)
{
	struct ikev2_hdr h;
	size_t len = 0;

	hdr(&h, msg_id);
	if (ikev2_skf_seal(k, &h, IKEV2_PL_IDI, num, total, data, n, out,
			   BUF_LEN, &len))
		return 0;
	return len;
}

/*
 * What the receive path does: parse, check the cheap fields, verify the
 * ICV, then keep. Returns the reassembly result, or -1 for a fragment
 * refused by the parser or its ICV (never kept).
 */
static int receive(struct ikev2_sk_keys *k, struct ikev2_reasm *r,
		   const uint8_t *buf, size_t len)
{
	static struct ikev2_msg m;
	uint8_t plain[BUF_LEN];
	size_t plen;
	enum ikev2_reasm_res pre;

	if (ikev2_msg_parse(&m, buf, len, NULL))
		return -1;
	if (!ikev2_chain_has(&m.chain, IKEV2_PL_SKF))
		return -1;
	pre = ikev2_reasm_precheck(r, m.hdr.msg_id, m.chain.sk.frag_num,
				   m.chain.sk.frag_total);
	if (pre != IKEV2_REASM_KEPT)
		return (int)pre;
	if (ikev2_sk_open(k, buf, len, &m.chain.sk, plain, sizeof(plain),
			  &plen))
		return -1;
	return (int)ikev2_reasm_add(r, m.hdr.msg_id, m.hdr.exchange,
				    m.chain.sk.frag_num, m.chain.sk.frag_total,
				    m.chain.sk.inner, plain, plen, 0);
}

TEST(skf_parse_build_open)
{
	static struct ikev2_msg m, m2;
	uint8_t buf[BUF_LEN], b2[BUF_LEN], plain[BUF_LEN], data[100];
	struct ikev2_sk_keys k;
	size_t len, len2, plen;
	int gcm;

	for (gcm = 0; gcm < 2; gcm++) {
		keys(&k, gcm);
		memset(data, 0xab, sizeof(data));
		/* Fragment 1 names the first payload, the others 0. */
		len = seal(&k, 5, 1, 3, data, sizeof(data), buf);
		ASSERT_NE(0, len);
		ASSERT_EQ(IKEV2_PL_SKF, buf[16]);
		ASSERT_EQ(IKEV2_PL_IDI, buf[IKEV2_HDR_LEN]);
		ASSERT_EQ(0, ikev2_msg_parse(&m, buf, len, NULL));
		ASSERT_EQ(1, m.chain.sk.frag_num);
		ASSERT_EQ(3, m.chain.sk.frag_total);
		ASSERT_EQ(IKEV2_PL_IDI, m.chain.sk.inner);
		ASSERT_EQ(0, ikev2_sk_open(&k, buf, len, &m.chain.sk, plain,
					   sizeof(plain), &plen));
		ASSERT_EQ(sizeof(data), plen);
		ASSERT_EQ(0, memcmp(plain, data, plen));
		/* The rebuild (the fuzzer's check) gives the same bytes. */
		ASSERT_EQ(0, ikev2_msg_build(&m, b2, sizeof(b2), &len2));
		ASSERT_EQ(len, len2);
		ASSERT_EQ(0, memcmp(buf, b2, len));
		ASSERT_EQ(0, ikev2_msg_parse(&m2, b2, len2, NULL));
		ASSERT_TRUE(ikev2_chain_same(&m.chain, &m2.chain));

		len = seal(&k, 5, 2, 3, data, 10, buf);
		ASSERT_EQ(0, buf[IKEV2_HDR_LEN]);
		ASSERT_EQ(0, ikev2_msg_parse(&m, buf, len, NULL));
		ASSERT_EQ(IKEV2_PL_NONE, m.chain.sk.inner);

		/* Fragment Number and Total Fragments are under the ICV. */
		len = seal(&k, 5, 2, 3, data, 10, buf);
		buf[IKEV2_HDR_LEN + 7] = 4;
		ASSERT_EQ(0, ikev2_msg_parse(&m, buf, len, NULL));
		ASSERT_EQ(-EBADMSG, ikev2_sk_open(&k, buf, len, &m.chain.sk,
						  plain, sizeof(plain), &plen));
		buf[IKEV2_HDR_LEN + 7] = 3;
		buf[IKEV2_HDR_LEN + 5] = 1;
		ASSERT_EQ(0, ikev2_msg_parse(&m, buf, len, NULL));
		ASSERT_EQ(-EBADMSG, ikev2_sk_open(&k, buf, len, &m.chain.sk,
						  plain, sizeof(plain), &plen));
	}
}

TEST(skf_malformed)
{
	static struct ikev2_msg m;
	uint8_t buf[BUF_LEN], data[8] = { 0 };
	struct ikev2_sk_keys k;
	struct ikev2_hdr h;
	size_t len;

	keys(&k, true);
	hdr(&h, 1);
	ASSERT_EQ(-EINVAL, ikev2_skf_seal(&k, &h, 0, 0, 2, data, 8, buf,
					  sizeof(buf), &len));
	ASSERT_EQ(-EINVAL, ikev2_skf_seal(&k, &h, 0, 3, 2, data, 8, buf,
					  sizeof(buf), &len));
	len = seal(&k, 1, 1, 2, data, 8, buf);
	/* Number 0, number over total, total 0: refused by the parser. */
	buf[IKEV2_HDR_LEN + 5] = 0;
	ASSERT_EQ(-EBADMSG, ikev2_msg_parse(&m, buf, len, NULL));
	buf[IKEV2_HDR_LEN + 5] = 3;
	ASSERT_EQ(-EBADMSG, ikev2_msg_parse(&m, buf, len, NULL));
	buf[IKEV2_HDR_LEN + 5] = 1;
	buf[IKEV2_HDR_LEN + 7] = 0;
	ASSERT_EQ(-EBADMSG, ikev2_msg_parse(&m, buf, len, NULL));
	/* Shorter than Fragment Number and Total Fragments. */
	buf[IKEV2_HDR_LEN + 2] = 0;
	buf[IKEV2_HDR_LEN + 3] = 6;
	ikev2_put32(buf + 24, IKEV2_HDR_LEN + 6);
	ASSERT_EQ(-EBADMSG, ikev2_msg_parse(&m, buf, IKEV2_HDR_LEN + 6, NULL));
}

TEST(room_fits_the_limit)
{
	uint8_t buf[BUF_LEN], data[BUF_LEN] = { 0 };
	struct ikev2_sk_keys k;
	size_t room, len, lim;
	int gcm;

	for (gcm = 0; gcm < 2; gcm++) {
		keys(&k, gcm);
		for (lim = 120; lim < 1500; lim += 37) {
			ASSERT_EQ(0, ikev2_skf_room(&k, lim, &room));
			len = seal(&k, 1, 1, 1, data, room, buf);
			ASSERT_NE(0, len);
			ASSERT_LE(len, lim);
			/* And not a whole block short of it. */
			len = seal(&k, 1, 1, 1, data, room + 16, buf);
			ASSERT_GT(len, lim);
		}
		ASSERT_EQ(-EMSGSIZE, ikev2_skf_room(&k, 60, &room));
	}
}

/* A message of @n bytes in @nf fragments, in the order @order. */
static void send_in_order(struct __test_metadata *_metadata,
			  struct ikev2_sk_keys *k, struct ikev2_reasm *r,
			  const uint8_t *msg, size_t n, unsigned int nf,
			  const unsigned int *order)
{
	uint8_t buf[BUF_LEN];
	size_t per = (n + nf - 1) / nf, len;
	unsigned int i;

	for (i = 0; i < nf; i++) {
		unsigned int f = order[i];
		size_t off = f * per, cnt = off + per > n ? n - off : per;
		int want = i + 1 == nf ? IKEV2_REASM_DONE : IKEV2_REASM_KEPT;

		len = seal(k, 7, (uint16_t)(f + 1), (uint16_t)nf, msg + off,
			   cnt, buf);
		ASSERT_NE(0, len);
		ASSERT_EQ(want, receive(k, r, buf, len));
	}
}

TEST(reassembly_out_of_order_and_duplicates)
{
	static const unsigned int order[] = { 3, 0, 4, 2, 1 };
	uint8_t msg[1000], out[BUF_LEN], buf[BUF_LEN];
	struct ikev2_reasm r = { 0 };
	struct ikev2_sk_keys k;
	size_t i, len, olen;
	int gcm;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	for (gcm = 0; gcm < 2; gcm++) {
		keys(&k, gcm);
		send_in_order(_metadata, &k, &r, msg, sizeof(msg), 5, order);
		ASSERT_EQ(0, ikev2_reasm_join(&r, out, sizeof(out), &olen));
		ASSERT_EQ(sizeof(msg), olen);
		ASSERT_EQ(0, memcmp(out, msg, olen));
		ASSERT_EQ(IKEV2_PL_IDI, r.inner);
		ASSERT_EQ(-ENOSPC, ikev2_reasm_join(&r, out, 999, &olen));
		ikev2_reasm_clear(&r);

		/* A duplicate is ignored, the message still completes. */
		len = seal(&k, 8, 2, 2, msg, 100, buf);
		ASSERT_EQ(IKEV2_REASM_KEPT, receive(&k, &r, buf, len));
		ASSERT_EQ(IKEV2_REASM_DUP, receive(&k, &r, buf, len));
		ASSERT_EQ(-EAGAIN, ikev2_reasm_join(&r, out, sizeof(out),
						    &olen));
		len = seal(&k, 8, 1, 2, msg, 100, buf);
		ASSERT_EQ(IKEV2_REASM_DONE, receive(&k, &r, buf, len));
		ASSERT_EQ(0, ikev2_reasm_join(&r, out, sizeof(out), &olen));
		ASSERT_EQ(200, olen);
		ikev2_reasm_clear(&r);
	}
}

TEST(forged_fragment_is_not_kept)
{
	uint8_t msg[300] = { 0 }, buf[BUF_LEN], out[BUF_LEN];
	struct ikev2_reasm r = { 0 };
	struct ikev2_sk_keys k, other;
	size_t len, olen;
	uint8_t bad_ek[36];

	keys(&k, true);
	keys(&other, true);
	memset(bad_ek, 0x5a, sizeof(bad_ek));
	other.ek = bad_ek;
	len = seal(&k, 3, 1, 2, msg, 150, buf);
	ASSERT_EQ(IKEV2_REASM_KEPT, receive(&k, &r, buf, len));
	/* Fragment 2 with the wrong key: refused, nothing kept of it. */
	len = seal(&other, 3, 2, 2, msg, 150, buf);
	ASSERT_EQ(-1, receive(&k, &r, buf, len));
	ASSERT_EQ(1, r.have);
	/* A flipped ciphertext byte: the same. */
	len = seal(&k, 3, 2, 2, msg, 150, buf);
	buf[len - 20] ^= 1;
	ASSERT_EQ(-1, receive(&k, &r, buf, len));
	ASSERT_EQ(1, r.have);
	/* The genuine one completes it; the forgery left no trace. */
	buf[len - 20] ^= 1;
	ASSERT_EQ(IKEV2_REASM_DONE, receive(&k, &r, buf, len));
	ASSERT_EQ(0, ikev2_reasm_join(&r, out, sizeof(out), &olen));
	ASSERT_EQ(300, olen);
	ikev2_reasm_clear(&r);
}

TEST(total_changes)
{
	uint8_t msg[400] = { 0 }, buf[BUF_LEN];
	struct ikev2_reasm r = { 0 };
	struct ikev2_sk_keys k;
	size_t len;

	keys(&k, false);
	len = seal(&k, 9, 1, 3, msg, 100, buf);
	ASSERT_EQ(IKEV2_REASM_KEPT, receive(&k, &r, buf, len));
	/* Fewer fragments than before: dropped (RFC 7383 2.6). */
	len = seal(&k, 9, 2, 2, msg, 100, buf);
	ASSERT_EQ(IKEV2_REASM_STALE, receive(&k, &r, buf, len));
	ASSERT_EQ(1, r.have);
	ASSERT_EQ(3, r.total);
	/* More: the sender's fragments got smaller; start over with it. */
	len = seal(&k, 9, 4, 4, msg, 100, buf);
	ASSERT_EQ(IKEV2_REASM_RESTART, receive(&k, &r, buf, len));
	ASSERT_EQ(1, r.have);
	ASSERT_EQ(4, r.total);
	ASSERT_TRUE(r.frag[3] != NULL);
	ASSERT_TRUE(r.frag[0] == NULL);
	/* A fragment of the next message replaces the rest. */
	len = seal(&k, 10, 1, 2, msg, 100, buf);
	ASSERT_EQ(IKEV2_REASM_KEPT, receive(&k, &r, buf, len));
	ASSERT_EQ(10, r.msg_id);
	ASSERT_EQ(1, r.have);
	ikev2_reasm_clear(&r);
}

TEST(limits)
{
	uint8_t msg[BUF_LEN] = { 0 }, buf[BUF_LEN];
	struct ikev2_reasm r = { 0 };
	struct ikev2_sk_keys k;
	unsigned int i;
	size_t len;

	keys(&k, true);
	/* More fragments than kept: refused before decryption. */
	len = seal(&k, 1, 1, IKEV2_FRAG_MAX + 1, msg, 10, buf);
	ASSERT_EQ(IKEV2_REASM_TOO_MANY, receive(&k, &r, buf, len));
	ASSERT_FALSE(r.active);
	len = seal(&k, 1, IKEV2_FRAG_MAX, IKEV2_FRAG_MAX, msg, 10, buf);
	ASSERT_EQ(IKEV2_REASM_KEPT, receive(&k, &r, buf, len));
	ikev2_reasm_clear(&r);
	/* More bytes than a message may have: all of it dropped. */
	for (i = 1; i <= IKEV2_FRAG_MAX; i++) {
		int res;

		len = seal(&k, 2, (uint16_t)i, IKEV2_FRAG_MAX, msg, 1100, buf);
		ASSERT_NE(0, len);
		res = receive(&k, &r, buf, len);
		if (res == IKEV2_REASM_TOO_BIG)
			break;
		ASSERT_EQ(IKEV2_REASM_KEPT, res);
	}
	ASSERT_LE(i, IKEV2_FRAG_MAX);
	ASSERT_GT(i * 1100, IKEV2_FRAG_BYTES_MAX);
	ASSERT_FALSE(r.active);
	ASSERT_EQ(0, r.bytes);
	ikev2_reasm_clear(&r);
}

TEST_HARNESS_MAIN
