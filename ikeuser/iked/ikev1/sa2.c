// SPDX-License-Identifier: GPL-2.0
/* Phase 2 proposals (RFC 2407 4.4.4, 4.5): the conn's esp= as one ESP proposal of transforms with the group for PFS, the choice of one; proxy IDs to and from selectors. */

#include <errno.h>
#include <string.h>
#include <linux/kesp.h>

#include "v1.h"
#include "alg.h"

#define V1_MAX_OFFER2	64

/* One ESP transform in neutral terms, with its IKEv1 attributes. */
struct p2alg {
	uint16_t encr, key_bits, integ, group, encap;
	uint32_t life;		/* seconds, 0: none said */
};

/* RFC 3947 5.1: the UDP-encapsulated modes when NAT-T is in use. */
static uint16_t encap_of(const struct ike_sa *sa)
{
	return v1_natt_encap(sa, sa->conn->mode == IKED_MODE_TRANSPORT);
}

static int add_xf(struct ikev1_chain *c, struct ikev1_prop *p, uint8_t num,
		  const struct p2alg *a, const uint8_t *life_be)
{
	struct ikev1_xf *x = ikev1_prop_add_xf(c, p, num,
					       v1_alg_esp_id(a->encr));
	int r = x ? 0 : -E2BIG;

	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A2_LIFE_TYPE,
				    IKEV1_LIFE_SECONDS);
	if (!r)
		r = ikev1_xf_add_tlv(c, x, IKEV1_A2_LIFE_DURATION, life_be, 4);
	if (!r && a->group)
		r = ikev1_xf_add_tv(c, x, IKEV1_A2_GROUP, a->group);
	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A2_ENCAP, a->encap);
	if (!r && a->integ)
		r = ikev1_xf_add_tv(c, x, IKEV1_A2_AUTH,
				    v1_alg_esp_auth(a->integ));
	if (!r && a->key_bits)
		r = ikev1_xf_add_tv(c, x, IKEV1_A2_KEY_LEN, a->key_bits);
	return r;
}

/* Transforms of proposal @q for group @group; *@num counts them. */
static int offer_prop(struct ike_sa *sa, struct ikev1_chain *c,
		      struct ikev1_prop *p, const struct iked_prop *q,
		      uint16_t group, uint8_t *num)
{
	struct p2alg a = { .group = group, .encap = encap_of(sa) };
	size_t e, h, n_integ = q->aead ? 1 : q->n_integ;
	int r = 0;

	for (e = 0; e < q->n_encr && !r; e++) {
		if (!v1_alg_esp_id(q->encr[e].id))
			continue;
		for (h = 0; h < n_integ && !r; h++) {
			a.encr = q->encr[e].id;
			a.key_bits = q->encr[e].key_bits;
			a.integ = q->aead ? 0 : q->integ[h];
			if (a.integ && !v1_alg_esp_auth(a.integ))
				continue;
			if (*num == V1_MAX_OFFER2)
				return 0;
			r = add_xf(c, p, ++*num, &a, v1(sa)->life2_be);
		}
	}
	return r;
}

int v1_sa2_offer(struct ike_sa *sa, struct ikev1_chain *c, uint16_t group)
{
	const struct iked_prop_list *l = &sa->conn->esp;
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_SA);
	uint8_t spi[4], num = 0;
	struct ikev1_prop *p;
	size_t i;
	int r = 0;

	if (!pl)
		return -E2BIG;
	ikev1_put32(spi, v1(sa)->qm.spi_in);
	p = ikev1_sa_add_prop(c, &pl->u.sa, 1, IKEV1_PROTO_ESP, spi, 4);
	if (!p)
		return -E2BIG;
	ikev1_put32(v1(sa)->life2_be, sa->conn->lifetime);
	for (i = 0; i < l->n && !r; i++)
		r = offer_prop(sa, c, p, &l->props[i], group, &num);
	if (!r && !num) {
		ike_sa_log(sa, IKED_LOG_ERR, "esp= has no proposal IKEv1 can carry");
		return -ENOPROTOOPT;
	}
	return r;
}

static int read_xf(const struct ikev1_chain *c, const struct ikev1_xf *x,
		   struct p2alg *a)
{
	uint16_t i, ltype = 0;
	uint64_t v;

	memset(a, 0, sizeof(*a));
	a->encr = x->id;
	if (!v1_alg_esp_id(a->encr))
		return -EINVAL;
	for (i = 0; i < x->nattr; i++) {
		const struct ikev1_attr *at = &c->attr[x->first_attr + i];

		if (ikev1_attr_u64(at, &v) || v > UINT16_MAX * 65536ull)
			return -EINVAL;
		switch (at->type) {
		case IKEV1_A2_LIFE_TYPE: ltype = (uint16_t)v; break;
		case IKEV1_A2_LIFE_DURATION:
			/*
			 * Kilobytes limit nothing of ours (no lifebytes=):
			 * only seconds, which a kilobyte duration after
			 * them must not overwrite.
			 */
			if (ltype == IKEV1_LIFE_SECONDS)
				a->life = (uint32_t)v;
			break;
		case IKEV1_A2_GROUP: a->group = (uint16_t)v; break;
		case IKEV1_A2_ENCAP: a->encap = (uint16_t)v; break;
		case IKEV1_A2_AUTH:
			a->integ = v1_alg_esp_integ((uint16_t)v);
			if (!a->integ)
				return -EINVAL;
			break;
		case IKEV1_A2_KEY_LEN: a->key_bits = (uint16_t)v; break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static bool in_list(const uint16_t *l, size_t n, uint16_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

static bool acceptable(const struct ike_sa *sa, const struct p2alg *a)
{
	const struct iked_prop_list *l = &sa->conn->esp;
	size_t i, e;

	if (!v1_natt_encap_ok(sa, sa->conn->mode == IKED_MODE_TRANSPORT,
			      a->encap))
		return false;
	for (i = 0; i < l->n; i++) {
		const struct iked_prop *q = &l->props[i];
		bool enc = false;

		for (e = 0; e < q->n_encr; e++)
			enc |= q->encr[e].id == a->encr &&
			       q->encr[e].key_bits == a->key_bits;
		if (!enc)
			continue;
		if (q->aead ? a->integ != 0 :
		    !in_list(q->integ, q->n_integ, a->integ))
			continue;
		if (a->group ? in_list(q->dh, q->n_dh, a->group) :
		    !q->n_dh || in_list(q->dh, q->n_dh, IKED_PROP_DH_NONE))
			return true;
	}
	return false;
}

static void chosen_of(const struct p2alg *a, const struct ikev1_prop *p,
		      struct iked_chosen *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->proto = IKED_PROP_ESP;
	ch->num = p->num;
	ch->spi_len = 4;
	memcpy(ch->spi, p->spi, 4);
	ch->encr = a->encr;
	ch->encr_key_bits = a->key_bits;
	ch->integ = a->integ;
	ch->dh = a->group;
	ch->esn = IKED_PROP_ESN_NO;
}

int v1_sa2_select(struct ike_sa *sa, const struct ikev1_chain *c,
		  const struct ikev1_pl *pl, const struct ikev1_xf **xf,
		  const struct ikev1_prop **prop)
{
	struct v1_qm *q = &v1(sa)->qm;
	uint16_t i, j;

	for (i = 0; i < pl->u.sa.nprop; i++) {
		const struct ikev1_prop *p = &c->prop[pl->u.sa.first_prop + i];

		if (p->proto != IKEV1_PROTO_ESP || p->spi_size != 4)
			continue;
		for (j = 0; j < p->nxf; j++) {
			const struct ikev1_xf *x = &c->xf[p->first_xf + j];
			struct p2alg a;

			if (read_xf(c, x, &a) || !acceptable(sa, &a))
				continue;
			if (q->initiator && a.group != q->prop.dh)
				continue;
			chosen_of(&a, p, &q->prop);
			q->spi_out = ikev1_get32(p->spi);
			q->peer_life = a.life;
			*xf = x;
			*prop = p;
			return 0;
		}
	}
	return -ENOPROTOOPT;
}

/* @ts's range is one prefix: its mask into @mask. */
static bool ts_prefix(const struct iked_ts *ts, size_t al, uint8_t *mask)
{
	bool ones = true;
	size_t bit;

	memset(mask, 0, al);
	for (bit = 0; bit < al * 8; bit++) {
		uint8_t b = (uint8_t)(0x80 >> (bit % 8));
		bool same = !((ts->start[bit / 8] ^ ts->end[bit / 8]) & b);

		if (ones && same) {
			mask[bit / 8] |= b;
			continue;
		}
		ones = false;
		/* host part: all zero in start, all one in end */
		if ((ts->start[bit / 8] & b) || !(ts->end[bit / 8] & b))
			return false;
	}
	return true;
}

void v1_id_of_ts(const struct iked_ts *ts, struct ikev1_id *id, uint8_t *buf)
{
	bool v4 = ts->type == IKED_TS_IPV4;
	size_t al = v4 ? 4 : 16;

	memset(id, 0, sizeof(*id));
	id->proto = ts->proto;
	id->port = ts->start_port == ts->end_port ? ts->start_port : 0;
	id->data = buf;
	memcpy(buf, ts->start, al);
	if (!memcmp(ts->start, ts->end, al)) {
		id->type = v4 ? IKEV1_ID_IPV4_ADDR : IKEV1_ID_IPV6_ADDR;
		id->len = al;
		return;
	}
	if (ts_prefix(ts, al, buf + al)) {
		id->type = v4 ? IKEV1_ID_IPV4_SUBNET : IKEV1_ID_IPV6_SUBNET;
	} else {
		id->type = v4 ? IKEV1_ID_IPV4_RANGE : IKEV1_ID_IPV6_RANGE;
		memcpy(buf + al, ts->end, al);
	}
	id->len = 2 * al;
}

int v1_ts_of_id(const struct ikev1_id *id, struct iked_ts_list *l)
{
	uint8_t s[16], e[16];
	bool v4 = id->type == IKEV1_ID_IPV4_ADDR ||
		  id->type == IKEV1_ID_IPV4_SUBNET ||
		  id->type == IKEV1_ID_IPV4_RANGE;
	size_t al = v4 ? 4 : 16, i;
	uint16_t lo = id->port, hi = id->port ? id->port : 65535;

	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR: case IKEV1_ID_IPV6_ADDR:
		if (id->len != al)
			return -EINVAL;
		memcpy(s, id->data, al);
		memcpy(e, id->data, al);
		break;
	case IKEV1_ID_IPV4_SUBNET: case IKEV1_ID_IPV6_SUBNET:
		if (id->len != 2 * al)
			return -EINVAL;
		for (i = 0; i < al; i++) {
			s[i] = id->data[i] & id->data[al + i];
			e[i] = (uint8_t)(s[i] | ~id->data[al + i]);
		}
		break;
	case IKEV1_ID_IPV4_RANGE: case IKEV1_ID_IPV6_RANGE:
		if (id->len != 2 * al)
			return -EINVAL;
		memcpy(s, id->data, al);
		memcpy(e, id->data + al, al);
		break;
	default:
		return -EINVAL;
	}
	l->n = 0;
	return iked_ts_add(l, v4 ? IKED_TS_IPV4 : IKED_TS_IPV6, id->proto, lo,
			   hi, s, e);
}
