// SPDX-License-Identifier: GPL-2.0
/* Build, choose among and check SA payload proposals against the ike= and esp= lists. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kesp.h>

#include "../../common/alg.h"
#include "../words.h"
#include "select.h"

/* Transform types 1 to 5 are all RFC 7296 knows; RFC 9370 adds 6 to 12. */
#define TR_TYPES	6

static bool encr_is_aead(uint16_t id)
{
	const struct kesp_alg *a = kesp_alg_by_id(KESP_ALG_ENC, id);

	return a && a->aead;
}

static bool spi_len_fits(uint8_t proto, uint8_t spi_len)
{
	if (proto == IKEV2_PROTO_IKE)
		return spi_len == 0 || spi_len == 8;
	return proto == IKEV2_PROTO_ESP && spi_len == 4;
}

/* The transform types a proposal for @proto may carry. */
static bool type_belongs(uint8_t proto, uint8_t type)
{
	switch (type) {
	case IKEV2_TR_ENCR:
	case IKEV2_TR_INTEG:
	case IKEV2_TR_KE:
		return true;
	case IKEV2_TR_PRF:
		return proto == IKEV2_PROTO_IKE;
	case IKEV2_TR_ESN:
		return proto == IKEV2_PROTO_ESP;
	}
	return false;
}

int ikev2_sa_from_props(struct ikev2_sa *sa, const struct iked_prop_list *l,
			uint8_t proto, const uint8_t *spi, uint8_t spi_len,
			uint16_t first_dh, bool pfs)
{
	size_t i, k;
	int r;

	sa->n_prop = 0;
	sa->n_tr = 0;
	if ((uint8_t)l->proto != proto || !spi_len_fits(proto, spi_len))
		return -EINVAL;
	if (l->n > IKEV2_MAX_PROPOSALS)
		return -E2BIG;
	for (i = 0; i < l->n; i++) {
		const struct iked_prop *p = &l->props[i];
		bool ke = proto == IKEV2_PROTO_IKE || pfs;

		r = ikev2_sa_add_proposal(sa, proto, spi, spi_len);
		for (k = 0; !r && k < p->n_encr; k++)
			r = ikev2_sa_add_transform(sa, IKEV2_TR_ENCR,
						   p->encr[k].id,
						   p->encr[k].key_bits);
		for (k = 0; !r && k < p->n_integ; k++)
			r = ikev2_sa_add_transform(sa, IKEV2_TR_INTEG,
						   p->integ[k], 0);
		for (k = 0; !r && proto == IKEV2_PROTO_IKE && k < p->n_prf; k++)
			r = ikev2_sa_add_transform(sa, IKEV2_TR_PRF, p->prf[k],
						   0);
		/*
		 * The group our KE payload is for goes first (1.2); 0 moves
		 * nothing, NONE is never what a KE payload carries.
		 */
		for (k = 0; !r && ke && first_dh && k < p->n_dh; k++)
			if (p->dh[k] == first_dh)
				r = ikev2_sa_add_transform(sa, IKEV2_TR_KE,
							   first_dh, 0);
		for (k = 0; !r && ke && k < p->n_dh; k++)
			if (!first_dh || p->dh[k] != first_dh)
				r = ikev2_sa_add_transform(sa, IKEV2_TR_KE,
							   p->dh[k], 0);
		for (k = 0; !r && proto == IKEV2_PROTO_ESP && k < p->n_esn; k++)
			r = ikev2_sa_add_transform(sa, IKEV2_TR_ESN, p->esn[k],
						   0);
		if (r)
			return r;
	}
	return 0;
}

/* Does the peer's proposal @p have a transform of @type at all? */
static bool has_type(const struct ikev2_sa *sa, const struct ikev2_proposal *p,
		     uint8_t type)
{
	const struct ikev2_transform *t = ikev2_proposal_tr(sa, p);
	unsigned int i;

	for (i = 0; i < p->n_tr; i++)
		if (t[i].type == type)
			return true;
	return false;
}

/*
 * Does @p offer exactly (@type, @id, @key_len)? A transform with an
 * attribute we do not understand is not an offer we can take (3.3.6).
 */
static bool offers(const struct ikev2_sa *sa, const struct ikev2_proposal *p,
		   uint8_t type, uint16_t id, uint16_t key_len)
{
	const struct ikev2_transform *t = ikev2_proposal_tr(sa, p);
	unsigned int i;

	for (i = 0; i < p->n_tr; i++)
		if (t[i].type == type && t[i].id == id &&
		    t[i].key_len == key_len && !t[i].unknown_attrs)
			return true;
	return false;
}

static bool types_known(const struct ikev2_sa *sa,
			const struct ikev2_proposal *p, uint8_t proto)
{
	const struct ikev2_transform *t = ikev2_proposal_tr(sa, p);
	unsigned int i;

	for (i = 0; i < p->n_tr; i++)
		if (!type_belongs(proto, t[i].type))
			return false;
	return true;
}

/* Our first algorithm of @v the peer offers, as an index; -1 if none. */
static int first_offered(const struct ikev2_sa *sa,
			 const struct ikev2_proposal *p, uint8_t type,
			 const uint16_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (offers(sa, p, type, v[i], 0))
			return (int)i;
	return -1;
}

/*
 * The key exchange of the pair (@o, @p); false if there is none.
 * @ke_group wins among the groups both accept, else our order does.
 */
static bool pick_ke(const struct ikev2_sa *sa, const struct ikev2_proposal *p,
		    const struct iked_prop *o, uint8_t proto,
		    uint16_t ke_group, struct iked_chosen *c)
{
	static const uint16_t none[1] = { IKED_PROP_DH_NONE };
	const uint16_t *ours = o->dh;
	size_t n = o->n_dh, i;
	int best;

	if (proto == IKEV2_PROTO_ESP) {
		/* An esp= without groups is "no PFS": NONE and nothing else. */
		if (!n) {
			ours = none;
			n = 1;
		}
		/* A peer without KE transforms proposes no PFS (3.3.3). */
		if (!has_type(sa, p, IKEV2_TR_KE)) {
			for (i = 0; i < n; i++)
				if (ours[i] == IKED_PROP_DH_NONE)
					break;
			if (i == n)
				return false;
			c->dh = 0;
			return true;
		}
	}
	best = first_offered(sa, p, IKEV2_TR_KE, ours, n);
	if (best < 0)
		return false;
	c->dh = ours[best];
	for (i = 0; i < n; i++) {
		if (ours[i] == ke_group &&
		    offers(sa, p, IKEV2_TR_KE, ke_group, 0)) {
			c->dh = ke_group;
			break;
		}
	}
	/*
	 * IKE never takes NONE (its KE payload is not optional); for ESP,
	 * a NONE picked from a list that had the type is echoed (2.7).
	 */
	if (c->dh == IKED_PROP_DH_NONE) {
		if (proto == IKEV2_PROTO_IKE)
			return false;
		c->none_types |= 1u << IKEV2_TR_KE;
	}
	return true;
}

/* Fill @c from our proposal @o and the peer's @p if every type matches. */
static bool match(const struct ikev2_sa *sa, const struct ikev2_proposal *p,
		  const struct iked_prop *o, uint8_t proto, uint16_t ke_group,
		  bool skip_ke, struct iked_chosen *c)
{
	size_t i;
	int k;

	memset(c, 0, sizeof(*c));
	c->proto = proto;
	c->num = p->num;
	c->spi_len = p->spi_len;
	memcpy(c->spi, p->spi, p->spi_len);
	for (i = 0; i < o->n_encr; i++) {
		if (offers(sa, p, IKEV2_TR_ENCR, o->encr[i].id,
			   o->encr[i].key_bits)) {
			c->encr = o->encr[i].id;
			c->encr_key_bits = o->encr[i].key_bits;
			break;
		}
	}
	if (i == o->n_encr)
		return false;
	if (o->aead) {
		/*
		 * The cipher is the integrity. A peer proposal may say so
		 * with a lone integrity NONE, which must come back; one that
		 * lists real integrity algorithms meant them for a classic
		 * cipher of the same proposal (3.3 wants separate proposals),
		 * and no answer of one transform per type would make sense.
		 */
		if (has_type(sa, p, IKEV2_TR_INTEG)) {
			if (!offers(sa, p, IKEV2_TR_INTEG, KESP_INTEG_NONE, 0))
				return false;
			c->none_types |= 1u << IKEV2_TR_INTEG;
		}
	} else {
		k = first_offered(sa, p, IKEV2_TR_INTEG, o->integ, o->n_integ);
		if (k < 0)
			return false;
		c->integ = o->integ[k];
	}
	if (proto == IKEV2_PROTO_IKE) {
		k = first_offered(sa, p, IKEV2_TR_PRF, o->prf, o->n_prf);
		if (k < 0)
			return false;
		c->prf = o->prf[k];
	} else {
		k = first_offered(sa, p, IKEV2_TR_ESN, o->esn, o->n_esn);
		if (k < 0)
			return false;
		c->esn = o->esn[k];
	}
	if (skip_ke)
		return true;
	return pick_ke(sa, p, o, proto, ke_group, c);
}

static int select_impl(const struct ikev2_sa *peer,
		       const struct iked_prop_list *ours, uint8_t proto,
		       uint16_t ke_group, bool skip_ke,
		       struct iked_chosen *out)
{
	struct iked_chosen c;
	size_t i, j;

	if ((uint8_t)ours->proto != proto ||
	    (proto != IKEV2_PROTO_IKE && proto != IKEV2_PROTO_ESP))
		return -EINVAL;
	for (i = 0; i < ours->n; i++) {
		for (j = 0; j < peer->n_prop; j++) {
			const struct ikev2_proposal *p = &peer->prop[j];

			if (p->proto != proto || !types_known(peer, p, proto) ||
			    p->first + p->n_tr > peer->n_tr)
				continue;
			if (match(peer, p, &ours->props[i], proto, ke_group,
				  skip_ke, &c)) {
				*out = c;
				return 0;
			}
		}
	}
	return -ENOPROTOOPT;
}

int ikev2_sa_select(const struct ikev2_sa *peer,
		    const struct iked_prop_list *ours, uint8_t proto,
		    uint16_t ke_group, struct iked_chosen *out)
{
	return select_impl(peer, ours, proto, ke_group, false, out);
}

int ikev2_sa_select_no_ke(const struct ikev2_sa *peer,
			  const struct iked_prop_list *ours,
			  struct iked_chosen *out)
{
	return select_impl(peer, ours, IKEV2_PROTO_ESP, 0, true, out);
}

int ikev2_sa_from_chosen(struct ikev2_sa *sa, const struct iked_chosen *c,
			 const uint8_t *spi, uint8_t spi_len)
{
	bool ike = c->proto == IKEV2_PROTO_IKE;
	int r;

	sa->n_prop = 0;
	sa->n_tr = 0;
	if ((!ike && c->proto != IKEV2_PROTO_ESP) || !c->num ||
	    !spi_len_fits(c->proto, spi_len) || !c->encr ||
	    (ike && (!c->prf || !c->dh)))
		return -EINVAL;
	r = ikev2_sa_add_proposal(sa, c->proto, spi, spi_len);
	if (r)
		return r;
	sa->prop[0].num = c->num;
	r = ikev2_sa_add_transform(sa, IKEV2_TR_ENCR, c->encr,
				   c->encr_key_bits);
	if (!r && (c->integ || (c->none_types & 1u << IKEV2_TR_INTEG)))
		r = ikev2_sa_add_transform(sa, IKEV2_TR_INTEG, c->integ, 0);
	if (!r && ike)
		r = ikev2_sa_add_transform(sa, IKEV2_TR_PRF, c->prf, 0);
	if (!r && (c->dh || (c->none_types & 1u << IKEV2_TR_KE)))
		r = ikev2_sa_add_transform(sa, IKEV2_TR_KE, c->dh, 0);
	if (!r && !ike)
		r = ikev2_sa_add_transform(sa, IKEV2_TR_ESN, c->esn, 0);
	return r;
}

/* Transform @t of a reply into what @c says was chosen. */
static void chosen_set(struct iked_chosen *c, const struct ikev2_transform *t)
{
	switch (t->type) {
	case IKEV2_TR_ENCR:
		c->encr = t->id;
		c->encr_key_bits = t->key_len;
		break;
	case IKEV2_TR_INTEG:
		c->integ = t->id;
		break;
	case IKEV2_TR_PRF:
		c->prf = t->id;
		break;
	case IKEV2_TR_KE:
		c->dh = t->id;
		break;
	default:
		c->esn = t->id;
		break;
	}
}

int ikev2_sa_check_reply(const struct ikev2_sa *reply,
			 const struct ikev2_sa *offered, uint8_t proto,
			 struct iked_chosen *out)
{
	const struct ikev2_proposal *rp, *op = NULL;
	const struct ikev2_transform *t;
	unsigned int seen[TR_TYPES] = { 0 };
	struct iked_chosen c;
	bool aead;
	unsigned int i;

	if (reply->n_prop != 1)
		return -EBADMSG;
	rp = &reply->prop[0];
	if (rp->proto != proto || rp->first + rp->n_tr > reply->n_tr)
		return -EBADMSG;
	for (i = 0; i < offered->n_prop && !op; i++)
		if (offered->prop[i].num == rp->num &&
		    offered->prop[i].proto == proto)
			op = &offered->prop[i];
	/* Our SPI size says which exchange this is: 0 in IKE_SA_INIT. */
	if (!op || rp->spi_len != op->spi_len)
		return -EBADMSG;
	memset(&c, 0, sizeof(c));
	c.proto = proto;
	c.num = rp->num;
	c.spi_len = rp->spi_len;
	memcpy(c.spi, rp->spi, rp->spi_len);
	t = ikev2_proposal_tr(reply, rp);
	for (i = 0; i < rp->n_tr; i++) {
		uint8_t type = t[i].type;

		if (type >= TR_TYPES || seen[type]++ || t[i].unknown_attrs ||
		    !offers(offered, op, type, t[i].id, t[i].key_len))
			return -EBADMSG;
		chosen_set(&c, &t[i]);
	}
	if (!seen[IKEV2_TR_ENCR])
		return -EBADMSG;
	aead = encr_is_aead(c.encr);
	/* Integrity: a real one with a classic cipher, at most NONE with AEAD. */
	if (aead ? c.integ != KESP_INTEG_NONE :
		   (!seen[IKEV2_TR_INTEG] || !c.integ))
		return -EBADMSG;
	if (seen[IKEV2_TR_INTEG] && aead)
		c.none_types |= 1u << IKEV2_TR_INTEG;
	if (proto == IKEV2_PROTO_IKE) {
		if (!seen[IKEV2_TR_PRF] || !seen[IKEV2_TR_KE] || !c.dh ||
		    seen[IKEV2_TR_ESN])
			return -EBADMSG;
	} else {
		if (!seen[IKEV2_TR_ESN] || seen[IKEV2_TR_PRF])
			return -EBADMSG;
		/*
		 * Groups offered: one must come back, except that a
		 * responder taking the NONE we offered may leave it out.
		 */
		if (has_type(offered, op, IKEV2_TR_KE) && !seen[IKEV2_TR_KE] &&
		    !offers(offered, op, IKEV2_TR_KE, IKED_PROP_DH_NONE, 0))
			return -EBADMSG;
		if (seen[IKEV2_TR_KE] && !c.dh)
			c.none_types |= 1u << IKEV2_TR_KE;
	}
	*out = c;
	return 0;
}

static const char *proto_label(uint8_t proto)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return "IKE";
	case IKEV2_PROTO_AH:
		return "AH";
	case IKEV2_PROTO_ESP:
		return "ESP";
	}
	return NULL;
}

const char *ikev2_sa_format(const struct ikev2_sa *sa, char *buf, size_t len)
{
	/* strongSwan's order of types, then anything newer. */
	static const uint8_t order[] = {
		IKEV2_TR_ENCR, IKEV2_TR_INTEG, IKEV2_TR_PRF, IKEV2_TR_KE,
		IKEV2_TR_ESN,
	};
	size_t used = 0;
	unsigned int i, j, k;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sa->n_prop; i++) {
		const struct ikev2_proposal *p = &sa->prop[i];
		const struct ikev2_transform *t = ikev2_proposal_tr(sa, p);
		const char *label = proto_label(p->proto);
		bool first = true;

		if (p->first + p->n_tr > sa->n_tr)
			break;
		if (i)
			iked_addf(buf, len, &used, ", ");
		if (label)
			iked_addf(buf, len, &used, "%s:", label);
		else
			iked_addf(buf, len, &used, "PROTO_%u:", p->proto);
		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
			for (j = 0; j < p->n_tr; j++)
				if (t[j].type == order[k])
					iked_alg_add(buf, len, &used, &first,
						     t[j].type, t[j].id,
						     t[j].key_len);
		for (j = 0; j < p->n_tr; j++)
			if (t[j].type >= TR_TYPES)
				iked_alg_add(buf, len, &used, &first, t[j].type,
					     t[j].id, t[j].key_len);
	}
	return buf;
}
