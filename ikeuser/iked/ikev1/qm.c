// SPDX-License-Identifier: GPL-2.0
/* Quick Mode (RFC 2409 5.5) as initiator, and what both roles share: the HASH(1)/(2)/(3) fillers and checks, KEYMAT and the CHILD SA handed to the core (sa/child_sa.c). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "v1.h"
#include "qm.h"
#include "../kernel.h"
#include "../sa/child_sa.h"
#include "../sa/ts.h"

void v1_qm_clear(struct v1_qm *q)
{
	iked_dh_free(q->dh);
	free(q->resp);
	OPENSSL_cleanse(q, sizeof(*q));
}

int qm_fill_hash1(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen)
{
	return ikev1_hash1(&v1(sa)->keys, msg_id, plain + 4 + hlen,
			   len - 4 - hlen, plain + 4);
}

int qm_fill_hash2(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen)
{
	struct v1_qm *q = &v1(sa)->qm;

	return ikev1_hash2(&v1(sa)->keys, msg_id, q->ni, q->ni_len,
			   plain + 4 + hlen, len - 4 - hlen, plain + 4);
}

int qm_fill_hash3(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen)
{
	struct v1_qm *q = &v1(sa)->qm;

	(void)len;
	(void)hlen;
	return ikev1_hash3(&v1(sa)->keys, msg_id, q->ni, q->ni_len, q->nr,
			   q->nr_len, plain + 4);
}

bool qm_hash_ok(struct ike_sa *sa, const struct ikev1_msg *m, size_t plen,
		int which)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_pl *h = &m->chain.pl[0];
	uint8_t want[IKEV1_HASH_MAX];
	const uint8_t *rest;
	size_t rest_len;
	int r;

	if (h->type != IKEV1_PL_HASH || h->len != v->keys.len)
		return false;
	r = ikev1_after_hash(&m->chain, sa->d->plain, plen, &rest, &rest_len);
	if (!r)
		r = which == 1 ? ikev1_hash1(&v->keys, m->hdr.msg_id, rest,
					     rest_len, want) :
		    which == 2 ? ikev1_hash2(&v->keys, m->hdr.msg_id, v->qm.ni,
					     v->qm.ni_len, rest, rest_len,
					     want) :
		    ikev1_hash3(&v->keys, m->hdr.msg_id, v->qm.ni,
				v->qm.ni_len, v->qm.nr, v->qm.nr_len, want);
	r = r || CRYPTO_memcmp(want, h->body, h->len);
	OPENSSL_cleanse(want, sizeof(want));
	if (r)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped Quick Mode message %08x: HASH(%d) does not verify (INVALID_HASH_INFORMATION)",
			   m->hdr.msg_id, which);
	else
		v1_natt_authenticated(sa);
	return !r;
}

/* The PFS group of the conn's first ESP proposal (0: none). */
static uint16_t pfs_group(const struct ike_sa *sa)
{
	const struct iked_prop_list *l = &sa->conn->esp;
	size_t i;

	if (!l->n)
		return 0;
	for (i = 0; i < l->props[0].n_dh; i++)
		if (l->props[0].dh[i] != IKED_PROP_DH_NONE)
			return l->props[0].dh[i];
	return 0;
}

int qm_add_ids(struct ikev1_chain *c, const struct iked_ts_list *i,
	       const struct iked_ts_list *r, uint8_t *buf)
{
	struct ikev1_pl *pi = ikev1_chain_add(c, IKEV1_PL_ID);
	struct ikev1_pl *pr = ikev1_chain_add(c, IKEV1_PL_ID);

	if (!pi || !pr)
		return -E2BIG;
	v1_id_of_ts(&i->ts[0], &pi->u.id, buf);
	v1_id_of_ts(&r->ts[0], &pr->u.id, buf + 32);
	return 0;
}

/* QM1: HASH(1), SA, Ni, [KE], IDci, IDcr, [NAT-OAi, NAT-OAr]. */
static int send_qm1(struct ike_sa *sa)
{
	struct v1_qm *q = &v1(sa)->qm;
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	uint8_t zero[IKEV1_HASH_MAX] = { 0 }, idbuf[64];
	const uint8_t *pub;
	struct ikev1_hdr h;
	size_t pub_len;
	int r = c ? 0 : -ENOMEM;

	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_HASH, zero,
				       v1(sa)->keys.len))
		r = -E2BIG;
	if (!r)
		r = v1_sa2_offer(sa, c, q->prop.dh);
	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_NONCE, q->ni, q->ni_len))
		r = -E2BIG;
	if (!r && q->dh) {
		pub = iked_dh_pub(q->dh, &pub_len);
		if (!ikev1_chain_add_raw(c, IKEV1_PL_KE, pub, pub_len))
			r = -E2BIG;
	}
	if (!r)
		r = qm_add_ids(c, &q->tsl, &q->tsr, idbuf);
	if (!r)
		r = v1_natoa_add(sa, c, q->mode, true);
	v1_hdr(sa, &h, IKEV1_EXCH_QUICK, q->msg_id);
	if (!r)
		r = v1_send_enc(sa, &h, c, V1_REQ_QM1, qm_fill_hash1);
	free(c);
	return r;
}

int v1_qm_start(struct ike_sa *sa, const struct child_sa *old)
{
	struct v1_qm *q = &v1(sa)->qm;
	unsigned int idx = 0;
	int r;

	if (v1(sa)->st != V1_MM_ACTIVE || q->st != V1_QM_IDLE ||
	    sa->req_kind)
		return -EBUSY;
	v1_qm_clear(q);
	q->initiator = true;
	q->mode = sa->conn->mode == IKED_MODE_TRANSPORT ?
		  KESP_MODE_TRANSPORT : KESP_MODE_TUNNEL;
	q->prop.dh = pfs_group(sa);
	q->ni_len = V1_NONCE_LEN;
	r = RAND_bytes((uint8_t *)&q->msg_id, 4) == 1 &&
	    RAND_bytes(q->ni, V1_NONCE_LEN) == 1 ? 0 : -EIO;
	if (!q->msg_id)
		q->msg_id = 1;
	if (!r)
		r = iked_kernel_spi_alloc(sa->d->kern, &sa->path.local,
					  &q->spi_in);
	if (!r && q->prop.dh)
		r = iked_dh_new(q->prop.dh, &q->dh);
	/*
	 * The first subnet pair without a CHILD SA (qm_ts.c): the next is
	 * started when this one is up. Asked for more than the conn has
	 * (an ACQUIRE), the first pair, as before.
	 */
	if (!r && !old &&
	    (r = qm_next_ts(sa, &q->tsl, &q->tsr, &idx)) == -ENOENT)
		r = qm_first_ts(sa, &q->tsl, &q->tsr);
	else if (!r && !old)
		q->pair_no = (uint16_t)(idx + 1);
	if (!r && old) {
		/* A rekey keeps the proxy IDs the old pair has. */
		q->tsl = old->ts_local;
		q->tsr = old->ts_remote;
		q->rekey_spi = old->spi_in;
	}
	if (!r)
		r = send_qm1(sa);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot start Quick Mode: %s",
			   strerror(-r));
		v1_qm_clear(q);
		return r;
	}
	q->st = V1_QM_WAIT_MSG2;
	ike_sa_log(sa, IKED_LOG_INFO, "Quick Mode %08x started%s%s", q->msg_id,
		   q->prop.dh ? " with PFS" : "",
		   old ? " to rekey a CHILD SA" : "");
	return 0;
}

/* KEYMAT for one direction (the receiver's @spi) into @out. */
static int keymat(struct ike_sa *sa, uint32_t spi, uint8_t *out, size_t len)
{
	struct v1_qm *q = &v1(sa)->qm;
	uint8_t s[4];

	ikev1_put32(s, spi);
	return ikev1_keymat(&v1(sa)->keys, q->gxy_len ? q->gxy : NULL,
			    q->gxy_len, IKEV1_PROTO_ESP, s, q->ni, q->ni_len,
			    q->nr, q->nr_len, out, len);
}

int qm_install(struct ike_sa *sa, bool defer_out, struct child_sa **out)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct child_sa_spec spec = {
		.prop = &q->prop, .spi_in = q->spi_in, .spi_out = q->spi_out,
		.mode = q->mode, .tsl = &q->tsl, .tsr = &q->tsr,
		.defer_out = defer_out, .life = q->life,
	};
	uint8_t kin[256], kout[256];
	struct child_sa_keys k;
	struct child_sa *ch;
	size_t enc, integ;
	char l[256], rm[256], alg[128];
	uint64_t in_us;
	int r;

	r = child_sa_key_lens(&q->prop, &enc, &integ);
	if (!r && enc + integ > sizeof(kin))
		r = -E2BIG;
	if (!r)
		r = keymat(sa, q->spi_in, kin, enc + integ);
	if (!r)
		r = keymat(sa, q->spi_out, kout, enc + integ);
	k = (struct child_sa_keys){
		.enc_len = enc, .integ_len = integ,
		.ek_in = kin, .ak_in = kin + enc,
		.ek_out = kout, .ak_out = kout + enc,
	};
	if (!r)
		r = child_sa_install(sa, &spec, &k, &ch, &in_us);
	OPENSSL_cleanse(kin, sizeof(kin));
	OPENSSL_cleanse(kout, sizeof(kout));
	if (r)
		return r;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA %u established (Quick Mode %08x), SPIs %08x_i %08x_o, %s === %s, %s",
		   ch->no, q->msg_id, q->spi_in, q->spi_out,
		   iked_ts_format(&q->tsl, l, sizeof(l)),
		   iked_ts_format(&q->tsr, rm, sizeof(rm)),
		   iked_chosen_format(&q->prop, alg, sizeof(alg)));
	v1_qm_cross_newer(sa, ch);
	*out = ch;
	return 0;
}
