// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 against a real peer: the messages two strongSwan charons
 * exchanged (Main and Aggressive Mode with a PSK, Quick Mode with and
 * without PFS, Informational Deletes) and the keys charon logged
 * (vectors/ikev1_charon.txt, made by vectors/ikev1-regen) are parsed,
 * checked against the payload rules, decrypted and re-encrypted, their
 * hashes verified and every key recomputed with kesp's IKEv1 code.
 */

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev1/crypt.h"
#include "iked/ikev1/keys.h"
#include "iked/ikev1/msg.h"
#include "iked/ikev1/rules.h"

#define MAX_WIRE	32
#define MAX_VAL		1100

struct blob {
	size_t len;
	uint8_t b[MAX_VAL];
};

struct wire {
	bool from_i;
	size_t len;
	uint8_t b[2048];
};

struct vset {
	int num;
	char mode[16], ike[64], esp[64];
	struct blob psk, ck_i, ck_r, ni, nr, gxi, gxr, gxy, skeyid, skeyid_d,
		skeyid_a, skeyid_e, ka, iv, hash_i, hash_r, qm_gxy, encr_i,
		encr_r, integ_i, integ_r;
	unsigned int nwire;
	struct wire wire[MAX_WIRE];
};

/* What a run checked, for the summary line. */
struct tally {
	unsigned int sets, msgs, decrypted, hashes, values;
};

static int hex_blob(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex), i;

	while (n && (hex[n - 1] == '\n' || hex[n - 1] == ' '))
		n--;
	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static struct blob *field(struct vset *s, const char *k)
{
	static const struct { const char *name; size_t off; } f[] = {
#define F(x) { #x, offsetof(struct vset, x) }
		F(psk), F(ck_i), F(ck_r), F(ni), F(nr), F(gxi), F(gxr),
		F(gxy), F(skeyid), F(skeyid_d), F(skeyid_a), F(skeyid_e),
		F(ka), F(iv), F(hash_i), F(hash_r), F(qm_gxy), F(encr_i),
		F(encr_r), F(integ_i), F(integ_r),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(k, f[i].name))
			return (struct blob *)((char *)s + f[i].off);
	return NULL;
}

/* Reads the next set of @f into @s: 1, 0 at the end, -1 on a bad line. */
static int read_set(FILE *f, struct vset *s)
{
	char *line = NULL, key[32];
	size_t cap = 0;
	int ret = 0, pos;

	memset(s, 0, sizeof(*s));
	while (getline(&line, &cap, f) > 0) {
		struct blob *b;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %n", key, &pos) != 1)
			goto bad;
		if (!strcmp(key, "end")) {
			ret = 1;
			break;
		}
		if (!strcmp(key, "set")) {
			if (sscanf(line + pos, "%d %15s %63s %63s", &s->num,
				   s->mode, s->ike, s->esp) != 4)
				goto bad;
		} else if (!strcmp(key, "wire")) {
			struct wire *w = &s->wire[s->nwire];

			if (s->nwire >= MAX_WIRE)
				goto bad;
			w->from_i = line[pos] == 'I';
			if (hex_blob(line + pos + 2, w->b, sizeof(w->b), &w->len))
				goto bad;
			s->nwire++;
		} else if ((b = field(s, key))) {
			if (hex_blob(line + pos, b->b, sizeof(b->b), &b->len))
				goto bad;
		} else {
			goto bad;
		}
	}
	free(line);
	return ret;
bad:
	fprintf(stderr, "vectors: bad line: %s", line);
	free(line);
	return -1;
}

/*
 * With KESP_FUZZ_SEEDS=DIR, each message goes to DIR as a seed of
 * fuzz_ikev1_msg: as captured (charon_S_NN) and, when encrypted, with its
 * plaintext in place of the ciphertext (charon_S_NN_plain).
 */
static void seed(int set, unsigned int n, const char *tag,
		 const uint8_t *hdr, const uint8_t *body, size_t len)
{
	const char *dir = getenv("KESP_FUZZ_SEEDS");
	char path[4096];
	uint8_t h[IKEV1_HDR_LEN];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/charon_%d_%02u%s", dir, set, n, tag);
	memcpy(h, hdr, IKEV1_HDR_LEN);
	ikev1_put32(h + 24, (uint32_t)(IKEV1_HDR_LEN + len));
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(h, 1, IKEV1_HDR_LEN, f);
	fwrite(body, 1, len, f);
	fclose(f);
}

/* The chosen phase 1 transform (the responder's SA): cipher and hash. */
struct p1alg {
	uint8_t encr, hash;
	uint16_t key_bits;
	size_t key_len, block;
};

static int p1_chosen(const struct ikev1_chain *c, struct p1alg *a)
{
	const struct ikev1_pl *pl = ikev1_chain_find(c, IKEV1_PL_SA, 0);
	const struct ikev1_prop *p;
	const struct ikev1_xf *x;
	unsigned int i;

	if (!pl || pl->u.sa.nprop != 1)
		return -1;
	p = &c->prop[pl->u.sa.first_prop];
	if (p->nxf != 1)
		return -1;
	x = &c->xf[p->first_xf];
	memset(a, 0, sizeof(*a));
	for (i = 0; i < x->nattr; i++) {
		const struct ikev1_attr *at = &c->attr[x->first_attr + i];

		if (at->type == IKEV1_A1_ENCR)
			a->encr = (uint8_t)at->val;
		else if (at->type == IKEV1_A1_HASH)
			a->hash = (uint8_t)at->val;
		else if (at->type == IKEV1_A1_KEY_LEN)
			a->key_bits = at->val;
	}
	a->key_len = ikev1_encr_key_len(a->encr, a->key_bits);
	a->block = ikev1_encr_block_len(a->encr);
	return a->key_len && a->block && ikev1_hash_len(a->hash) ? 0 : -1;
}

/* The state of one set's walk through its messages. */
struct walk {
	struct vset *s;
	struct tally *t;
	struct ikev1_p1_in in;
	struct ikev1_keys k;
	struct ikev1_ivs ivs;
	struct p1alg alg;
	bool pfs;
	const uint8_t *sai_b;	/* MM1/AM1's SA body */
	size_t sai_len;
	const uint8_t *idi_b;	/* AM1's ID body */
	size_t idi_len;
	/* the Quick Mode's nonces and SPIs */
	uint8_t qm_ni[256], qm_nr[256], spi_i[4], spi_r[4];
	size_t qm_ni_len, qm_nr_len;
	unsigned int qm_step;
	unsigned int p1_clear;	/* cleartext phase 1 messages so far */
};

static bool same(struct __test_metadata *_metadata, struct tally *t,
		 const char *what, const uint8_t *a, size_t alen,
		 const struct blob *b)
{
	if (alen != b->len || memcmp(a, b->b, alen)) {
		TH_LOG("%s differs from the vector (%zu vs %zu bytes)", what,
		       alen, b->len);
		return false;
	}
	t->values++;
	return true;
}

static enum ikev1_kind clear_kind(const struct walk *w, bool main_mode)
{
	static const enum ikev1_kind mm[] = {
		IKEV1_K_MM1, IKEV1_K_MM2, IKEV1_K_MM3, IKEV1_K_MM4,
	};

	if (main_mode)
		return mm[w->p1_clear < 4 ? w->p1_clear : 3];
	return w->p1_clear ? IKEV1_K_AM2 : IKEV1_K_AM1;
}

static void rules_ok(struct __test_metadata *_metadata, enum ikev1_kind kind,
		     const struct ikev1_hdr *h, const struct ikev1_chain *c)
{
	struct ikev1_rule_miss miss;
	char why[128];
	int ret = ikev1_rules_check(kind, h, c, &miss);

	if (ret)
		TH_LOG("%s", ikev1_rules_format(&miss, why, sizeof(why)));
	ASSERT_EQ(0, ret);
}

/* SKEYID and what follows from it, against charon's; the IV chains start. */
static void p1_keys(struct __test_metadata *_metadata, struct walk *w)
{
	w->in = (struct ikev1_p1_in){
		.hash = w->alg.hash, .psk = w->s->psk.b,
		.psk_len = w->s->psk.len, .ni = w->s->ni.b,
		.ni_len = w->s->ni.len, .nr = w->s->nr.b,
		.nr_len = w->s->nr.len, .gxi = w->s->gxi.b,
		.gxi_len = w->s->gxi.len, .gxr = w->s->gxr.b,
		.gxr_len = w->s->gxr.len, .gxy = w->s->gxy.b,
		.gxy_len = w->s->gxy.len, .ck_i = w->s->ck_i.b,
		.ck_r = w->s->ck_r.b, .key_len = w->alg.key_len,
		.block_len = w->alg.block,
	};
	ASSERT_EQ(0, ikev1_keys_psk(&w->k, &w->in));
	ASSERT_TRUE(same(_metadata, w->t, "SKEYID", w->k.skeyid, w->k.len,
			 &w->s->skeyid));
	ASSERT_TRUE(same(_metadata, w->t, "SKEYID_d", w->k.skeyid_d, w->k.len,
			 &w->s->skeyid_d));
	ASSERT_TRUE(same(_metadata, w->t, "SKEYID_a", w->k.skeyid_a, w->k.len,
			 &w->s->skeyid_a));
	ASSERT_TRUE(same(_metadata, w->t, "SKEYID_e", w->k.skeyid_e, w->k.len,
			 &w->s->skeyid_e));
	ASSERT_TRUE(same(_metadata, w->t, "Ka", w->k.ka, w->k.ka_len,
			 &w->s->ka));
	ASSERT_TRUE(same(_metadata, w->t, "phase 1 IV", w->k.iv,
			 w->k.block_len, &w->s->iv));
	ASSERT_EQ(0, ikev1_ivs_init(&w->ivs, w->alg.hash, w->k.iv,
				    w->alg.block));
}

/* MM1-MM4, AM1, AM2: rules, algorithms, the keys once KE and nonces are in. */
static void clear_msg(struct __test_metadata *_metadata, struct walk *w,
		      const struct ikev1_msg *m)
{
	bool mm = m->hdr.exchange == IKEV1_EXCH_MAIN;
	enum ikev1_kind kind = clear_kind(w, mm);
	const struct ikev1_pl *sa = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	const struct ikev1_pl *id, *hash;
	uint8_t h[IKEV1_HASH_MAX];

	rules_ok(_metadata, kind, &m->hdr, &m->chain);
	if (kind == IKEV1_K_MM1 || kind == IKEV1_K_AM1) {
		w->sai_b = sa->body;
		w->sai_len = sa->len;
	}
	if (kind == IKEV1_K_AM1) {
		id = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);
		w->idi_b = id->body;
		w->idi_len = id->len;
	}
	if (kind == IKEV1_K_MM2 || kind == IKEV1_K_AM2)
		ASSERT_EQ(0, p1_chosen(&m->chain, &w->alg));
	if (kind == IKEV1_K_MM3 || kind == IKEV1_K_AM1) {
		ASSERT_TRUE(same(_metadata, w->t, "KEi",
				 ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0)->body,
				 ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0)->len,
				 &w->s->gxi));
		ASSERT_TRUE(same(_metadata, w->t, "Ni",
				 ikev1_chain_find(&m->chain, IKEV1_PL_NONCE, 0)->body,
				 ikev1_chain_find(&m->chain, IKEV1_PL_NONCE, 0)->len,
				 &w->s->ni));
	}
	w->p1_clear++;
	if (kind != IKEV1_K_MM4 && kind != IKEV1_K_AM2)
		return;
	/* the responder's KE and nonce: everything phase 1 needs */
	ASSERT_TRUE(same(_metadata, w->t, "KEr",
			 ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0)->body,
			 ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0)->len,
			 &w->s->gxr));
	ASSERT_TRUE(same(_metadata, w->t, "Nr",
			 ikev1_chain_find(&m->chain, IKEV1_PL_NONCE, 0)->body,
			 ikev1_chain_find(&m->chain, IKEV1_PL_NONCE, 0)->len,
			 &w->s->nr));
	ASSERT_TRUE(same(_metadata, w->t, "CKY-R", m->hdr.ck_r, 8, &w->s->ck_r));
	p1_keys(_metadata, w);
	if (kind != IKEV1_K_AM2)
		return;
	/* Aggressive Mode: HASH_R in the clear */
	id = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);
	hash = ikev1_chain_find(&m->chain, IKEV1_PL_HASH, 0);
	ASSERT_EQ(0, ikev1_hash_auth(&w->k, &w->in, false, w->sai_b,
				     w->sai_len, id->body, id->len, h));
	ASSERT_TRUE(same(_metadata, w->t, "HASH_R", h, w->k.len, &w->s->hash_r));
	ASSERT_TRUE(same(_metadata, w->t, "AM2 HASH payload", hash->body,
			 hash->len, &w->s->hash_r));
	w->t->hashes++;
}

/* HASH_I/HASH_R of MM5, MM6, AM3. */
static void p1_auth(struct __test_metadata *_metadata, struct walk *w,
		    const struct ikev1_chain *c, bool from_i)
{
	const struct ikev1_pl *id = ikev1_chain_find(c, IKEV1_PL_ID, 0);
	const struct ikev1_pl *hash = ikev1_chain_find(c, IKEV1_PL_HASH, 0);
	uint8_t h[IKEV1_HASH_MAX];
	/* AM3 carries no ID: the initiator's came in AM1 */
	const uint8_t *idb = id ? id->body : w->idi_b;
	size_t idl = id ? id->len : w->idi_len;

	ASSERT_TRUE(hash && idb);
	ASSERT_EQ(0, ikev1_hash_auth(&w->k, &w->in, from_i, w->sai_b,
				     w->sai_len, idb, idl, h));
	ASSERT_TRUE(same(_metadata, w->t, from_i ? "HASH_I" : "HASH_R", h,
			 w->k.len, from_i ? &w->s->hash_i : &w->s->hash_r));
	ASSERT_TRUE(same(_metadata, w->t, "HASH payload", hash->body,
			 hash->len, from_i ? &w->s->hash_i : &w->s->hash_r));
	w->t->hashes++;
}

/*
 * The KEYMAT of both SAs against charon's keys. charon's "initiator" keys
 * protect what the initiator sends: the SA whose SPI the responder chose.
 */
static void keymat(struct __test_metadata *_metadata, struct walk *w)
{
	uint8_t km[256];
	size_t el = w->s->encr_i.len, il = w->s->integ_i.len;
	const uint8_t *gxy = w->pfs ? w->s->qm_gxy.b : NULL;
	int side;

	ASSERT_LE(el + il, sizeof(km));
	for (side = 0; side < 2; side++) {
		ASSERT_EQ(0, ikev1_keymat(&w->k, gxy, w->s->qm_gxy.len,
					  IKEV1_PROTO_ESP,
					  side ? w->spi_i : w->spi_r, w->qm_ni,
					  w->qm_ni_len, w->qm_nr, w->qm_nr_len,
					  km, el + il));
		ASSERT_TRUE(same(_metadata, w->t, side ? "encr_r" : "encr_i",
				 km, el, side ? &w->s->encr_r : &w->s->encr_i));
		ASSERT_TRUE(same(_metadata, w->t, side ? "integ_r" : "integ_i",
				 km + el, il,
				 side ? &w->s->integ_r : &w->s->integ_i));
	}
}

static void qm_sa_spi(const struct ikev1_chain *c, uint8_t *spi)
{
	const struct ikev1_pl *sa = ikev1_chain_find(c, IKEV1_PL_SA, 0);

	memcpy(spi, c->prop[sa->u.sa.first_prop].spi, 4);
}

static void nonce_of(const struct ikev1_chain *c, uint8_t *out, size_t *len)
{
	const struct ikev1_pl *n = ikev1_chain_find(c, IKEV1_PL_NONCE, 0);

	*len = n->len;
	memcpy(out, n->body, n->len);
}

/* QM1-QM3: rules, HASH(1)/(2)/(3), then KEYMAT. */
static void quick(struct __test_metadata *_metadata, struct walk *w,
		  const struct ikev1_msg *m, const struct ikev1_chain *c,
		  const uint8_t *plain, size_t plen)
{
	static const enum ikev1_kind k[2][3] = {
		{ IKEV1_K_QM1, IKEV1_K_QM2, IKEV1_K_QM3 },
		{ IKEV1_K_QM1_PFS, IKEV1_K_QM2_PFS, IKEV1_K_QM3 },
	};
	const struct ikev1_pl *hash = &c->pl[0];
	uint8_t h[IKEV1_HASH_MAX];
	const uint8_t *rest;
	size_t rest_len;

	ASSERT_GT(3, w->qm_step);
	rules_ok(_metadata, k[w->pfs][w->qm_step], &m->hdr, c);
	ASSERT_EQ(0, ikev1_after_hash(c, plain, plen, &rest, &rest_len));
	if (w->qm_step == 0) {
		nonce_of(c, w->qm_ni, &w->qm_ni_len);
		qm_sa_spi(c, w->spi_i);
		ASSERT_EQ(0, ikev1_hash1(&w->k, m->hdr.msg_id, rest, rest_len,
					 h));
	} else if (w->qm_step == 1) {
		nonce_of(c, w->qm_nr, &w->qm_nr_len);
		qm_sa_spi(c, w->spi_r);
		ASSERT_EQ(0, ikev1_hash2(&w->k, m->hdr.msg_id, w->qm_ni,
					 w->qm_ni_len, rest, rest_len, h));
	} else {
		ASSERT_EQ(0, ikev1_hash3(&w->k, m->hdr.msg_id, w->qm_ni,
					 w->qm_ni_len, w->qm_nr, w->qm_nr_len,
					 h));
	}
	ASSERT_EQ(w->k.len, hash->len);
	ASSERT_EQ(0, memcmp(h, hash->body, hash->len));
	w->t->hashes++;
	if (++w->qm_step == 3)
		keymat(_metadata, w);
}

/* An encrypted message: decrypt, re-encrypt, parse, check. */
static void crypted(struct __test_metadata *_metadata, struct walk *w,
		    const struct ikev1_msg *m, bool from_i)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	uint8_t plain[2048], again[2048], iv[IKEV1_BLOCK_MAX];
	struct ikev1_ivs before = w->ivs;
	struct ikev1_err err;
	const uint8_t *rest;
	size_t len = m->body_len, len2, rest_len;
	uint8_t h[IKEV1_HASH_MAX];
	int ret;

	ASSERT_TRUE(c);
	ASSERT_LE(len, sizeof(plain));
	ASSERT_EQ(0, ikev1_decrypt(&w->ivs, w->alg.encr, w->k.ka, w->k.ka_len,
				   m->hdr.msg_id, m->body, len, plain));
	/* the same IV and plaintext (padding and all) give the same bytes */
	ASSERT_EQ(0, ikev1_encrypt(&before, w->alg.encr, w->k.ka, w->k.ka_len,
				   m->hdr.msg_id, plain, len, again,
				   sizeof(again), &len2));
	ASSERT_EQ(len, len2);
	ASSERT_EQ(0, memcmp(again, m->body, len));
	ASSERT_EQ(0, ikev1_ivs_get(&before, m->hdr.msg_id, iv));
	ASSERT_EQ(0, ikev1_ivs_get(&w->ivs, m->hdr.msg_id, h));
	ASSERT_EQ(0, memcmp(iv, h, w->alg.block));
	w->t->decrypted++;
	ret = ikev1_chain_parse(c, m->hdr.next, plain, len, true, &err);
	if (ret)
		TH_LOG("decrypted chain: %s at %zu", err.why, err.off);
	ASSERT_EQ(0, ret);
	/* charon pads a whole block when the payloads fill the last one */
	ASSERT_GE(w->alg.block, c->trailing);
	seed(w->s->num, w->t->msgs, "_plain", m->body - IKEV1_HDR_LEN, plain,
	     len);
	switch (m->hdr.exchange) {
	case IKEV1_EXCH_MAIN:
		rules_ok(_metadata, from_i ? IKEV1_K_MM5 : IKEV1_K_MM6,
			 &m->hdr, c);
		p1_auth(_metadata, w, c, from_i);
		break;
	case IKEV1_EXCH_AGGRESSIVE:
		rules_ok(_metadata, IKEV1_K_AM3, &m->hdr, c);
		p1_auth(_metadata, w, c, true);
		break;
	case IKEV1_EXCH_QUICK:
		quick(_metadata, w, m, c, plain, len);
		break;
	case IKEV1_EXCH_INFO:
		rules_ok(_metadata, IKEV1_K_INFO, &m->hdr, c);
		ASSERT_EQ(0, ikev1_after_hash(c, plain, len, &rest, &rest_len));
		ASSERT_EQ(0, ikev1_hash1(&w->k, m->hdr.msg_id, rest, rest_len,
					 h));
		ASSERT_EQ(0, memcmp(h, c->pl[0].body, w->k.len));
		w->t->hashes++;
		break;
	default:
		ASSERT_TRUE(false);
	}
	free(c);
}

static void one_set(struct __test_metadata *_metadata, struct vset *s,
		    struct tally *t)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));
	struct walk *w = calloc(1, sizeof(*w));
	struct ikev1_err err;
	unsigned int i;
	int ret;

	ASSERT_TRUE(m && w);
	w->s = s;
	w->t = t;
	w->pfs = strstr(s->esp, "modp") != NULL;
	for (i = 0; i < s->nwire; i++) {
		ret = ikev1_msg_parse(m, s->wire[i].b, s->wire[i].len, &err);
		if (ret)
			TH_LOG("set %d message %u: %s at %zu", s->num, i,
			       err.why, err.off);
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, m->junk);
		ASSERT_TRUE(same(_metadata, t, "CKY-I", m->hdr.ck_i, 8, &s->ck_i));
		t->msgs++;
		seed(s->num, t->msgs, "", s->wire[i].b, s->wire[i].b + IKEV1_HDR_LEN,
		     s->wire[i].len - IKEV1_HDR_LEN);
		if (m->hdr.flags & IKEV1_F_ENCRYPT)
			crypted(_metadata, w, m, s->wire[i].from_i);
		else
			clear_msg(_metadata, w, m);
	}
	ASSERT_EQ(3, w->qm_step);
	t->sets++;
	ikev1_keys_wipe(&w->k);
	free(w);
	free(m);
}

static FILE *open_vectors(void)
{
	const char *env = getenv("KESP_IKEV1_VECTORS");
	char path[4096], src[] = __FILE__;

	if (env)
		return fopen(env, "r");
	snprintf(path, sizeof(path), "%s/vectors/ikev1_charon.txt",
		 dirname(src));
	return fopen(path, "r");
}

TEST(charon_main_aggressive_quick_mode)
{
	struct vset *s = calloc(1, sizeof(*s));
	struct tally t = { 0 };
	FILE *f = open_vectors();
	int ret;

	ASSERT_TRUE(s);
	ASSERT_TRUE(f);
	while ((ret = read_set(f, s)) == 1)
		one_set(_metadata, s, &t);
	ASSERT_EQ(0, ret);
	fclose(f);
	free(s);
	/* five sets: AES-128/SHA2-256, AES-256/SHA1, 3DES/SHA1, AES-192/SHA2-384 (Main), AES-256/SHA1 (Aggressive) */
	EXPECT_LE(5, t.sets);
	printf("# IKEv1 vectors: %u sets, %u messages parsed, %u decrypted, %u hashes verified, %u values equal to charon's or the wire's\n",
	       t.sets, t.msgs, t.decrypted, t.hashes, t.values);
}

TEST_HARNESS_MAIN
