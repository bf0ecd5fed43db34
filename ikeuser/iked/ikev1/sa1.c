// SPDX-License-Identifier: GPL-2.0
/* Phase 1 proposals (RFC 2409 5, appendix A): the conn's ike= as one ISAKMP proposal of transforms, the choice of one, the neutral form for status. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kesp.h>

#include "v1.h"
#include "alg.h"
#include "../words.h"
#include "../crypto/auth/auth.h"

/* Transforms we offer at most: strongSwan's own lists stay below. */
#define V1_MAX_OFFER	64
#define KEY_IKE		1
#define AUTH_PSK	1
#define AUTH_RSA_SIG	3	/* RFC 2409 appendix A: RSA signatures */

/*
 * The phase 1 auth method the conn uses: a PSK, or signatures with
 * certificates, RSA or ECDSA as our key is (RFC 4754: 9-11 by curve).
 */
uint16_t v1_auth_method(const struct ike_sa *sa)
{
	return v1_sig(sa) ? iked_auth_v1_method(sa) : AUTH_PSK;
}

static uint16_t our_auth(const struct ike_sa *sa)
{
	return v1_auth_method(sa);
}

static const char *auth_name(uint16_t auth)
{
	return auth == AUTH_PSK ? "pre-shared key (authby=secret)" :
	       auth == AUTH_RSA_SIG ? "RSA signature (an RSA key)" :
	       auth == 2 ? "DSS signature" :
	       auth == 4 || auth == 5 ? "RSA encryption" :
	       auth == 9 ? "ECDSA P-256 signature (RFC 4754)" :
	       auth == 10 ? "ECDSA P-384 signature (RFC 4754)" :
	       auth == 11 ? "ECDSA P-521 signature (RFC 4754)" :
	       auth >= 65001 ? "XAUTH or hybrid" : "unknown";
}

static int add_xf(struct ikev1_chain *c, struct ikev1_prop *p, uint8_t num,
		  const struct v1_p1alg *a, const uint8_t *life_be,
		  uint16_t auth)
{
	struct ikev1_xf *x = ikev1_prop_add_xf(c, p, num, KEY_IKE);
	int r = x ? 0 : -E2BIG;

	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_ENCR, a->encr);
	if (!r && a->key_bits)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_KEY_LEN, a->key_bits);
	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_HASH, a->hash);
	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_AUTH, auth);
	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_GROUP, a->group);
	if (!r)
		r = ikev1_xf_add_tv(c, x, IKEV1_A1_LIFE_TYPE,
				    IKEV1_LIFE_SECONDS);
	if (!r)
		r = ikev1_xf_add_tlv(c, x, IKEV1_A1_LIFE_DURATION, life_be, 4);
	return r;
}

int v1_sa1_offer(struct ike_sa *sa, struct ikev1_chain *c, uint16_t group)
{
	const struct iked_prop_list *l = &sa->conn->ike;
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_SA);
	struct v1_p1alg a;
	struct ikev1_prop *p;
	size_t i, e, h, g;
	uint8_t num = 0;
	int r = 0;

	if (!pl)
		return -E2BIG;
	p = ikev1_sa_add_prop(c, &pl->u.sa, 1, IKEV1_PROTO_ISAKMP, NULL, 0);
	if (!p)
		return -E2BIG;
	ikev1_put32(v1(sa)->life_be, sa->conn->ikelifetime);
	for (i = 0; i < l->n && !r; i++) {
		const struct iked_prop *q = &l->props[i];

		for (e = 0; e < q->n_encr && !r; e++)
			for (h = 0; h < q->n_integ && !r; h++)
				for (g = 0; g < q->n_dh && !r; g++) {
					if (v1_alg_p1(q->encr[e].id,
						      q->encr[e].key_bits,
						      q->integ[h], q->dh[g], &a) ||
					    (group && a.group != group))
						continue;
					if (num == V1_MAX_OFFER)
						break;
					r = add_xf(c, p, ++num, &a,
						   v1(sa)->life_be,
						   our_auth(sa));
				}
	}
	if (!r && !num) {
		ike_sa_log(sa, IKED_LOG_ERR, "ike= has no proposal IKEv1 can carry");
		return -ENOPROTOOPT;
	}
	return r;
}

/* The attributes of phase 1 transform @x into @a: 0 or -EINVAL. */
static int read_xf(const struct ikev1_chain *c, const struct ikev1_xf *x,
		   struct v1_p1alg *a, uint16_t *auth)
{
	uint16_t i;
	uint64_t v;

	memset(a, 0, sizeof(*a));
	*auth = 0;
	if (x->id != KEY_IKE)
		return -EINVAL;
	for (i = 0; i < x->nattr; i++) {
		const struct ikev1_attr *at = &c->attr[x->first_attr + i];

		if (ikev1_attr_u64(at, &v))
			return -EINVAL;
		switch (at->type) {
		case IKEV1_A1_ENCR: a->encr = (uint8_t)v; break;
		case IKEV1_A1_KEY_LEN: a->key_bits = (uint16_t)v; break;
		case IKEV1_A1_HASH: a->hash = (uint8_t)v; break;
		case IKEV1_A1_AUTH:
			*auth = v > UINT16_MAX ? 0 : (uint16_t)v;
			break;
		case IKEV1_A1_GROUP: a->group = (uint16_t)v; break;
		case IKEV1_A1_LIFE_DURATION:
			a->life = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			break;
		case IKEV1_A1_LIFE_TYPE:
			break;
		default:
			return -EINVAL;	/* PRF, own groups: not ours */
		}
	}
	return 0;
}

/* @a is within what sa->conn->ike allows. */
static bool acceptable(const struct ike_sa *sa, const struct v1_p1alg *a)
{
	const struct iked_prop_list *l = &sa->conn->ike;
	struct v1_p1alg o;
	size_t i, e, h, g;

	for (i = 0; i < l->n; i++) {
		const struct iked_prop *q = &l->props[i];

		for (e = 0; e < q->n_encr; e++)
			for (h = 0; h < q->n_integ; h++)
				for (g = 0; g < q->n_dh; g++)
					if (!v1_alg_p1(q->encr[e].id,
						       q->encr[e].key_bits,
						       q->integ[h], q->dh[g],
						       &o) &&
					    o.encr == a->encr &&
					    o.key_bits == a->key_bits &&
					    o.hash == a->hash &&
					    o.group == a->group)
						return true;
	}
	return false;
}

static void log_mismatch(struct ike_sa *sa, const struct ikev1_chain *c,
			 const struct ikev1_pl *pl)
{
	char theirs[512], *ours;
	size_t used = 0;
	uint16_t i, j;

	theirs[0] = '\0';
	for (i = 0; i < pl->u.sa.nprop; i++) {
		const struct ikev1_prop *p = &c->prop[pl->u.sa.first_prop + i];

		for (j = 0; j < p->nxf; j++) {
			struct v1_p1alg a;
			char one[96];
			uint16_t auth;

			if (read_xf(c, &c->xf[p->first_xf + j], &a, &auth))
				snprintf(one, sizeof(one), "(unknown transform)");
			else
				v1_alg_p1_format(&a, auth == our_auth(sa), one,
						 sizeof(one));
			iked_addf(theirs, sizeof(theirs), &used, "%s%s",
				  used ? ", " : "", one);
		}
	}
	ours = iked_prop_list_format(&sa->conn->ike);
	iked_conn_fail_peer(sa->d, sa->conn, sa->no, &sa->path.remote,
			    "phase 1 proposal mismatch (NO_PROPOSAL_CHOSEN): peer offered %s; ike= accepts %s",
			    theirs, ours ? ours : "(out of memory)");
	free(ours);
}

/* The peer's transforms fit ike= but use another auth method than ours. */
static void log_auth_mismatch(struct ike_sa *sa, uint16_t theirs)
{
	iked_conn_fail_peer(sa->d, sa->conn, sa->no, &sa->path.remote,
			    "phase 1 proposal mismatch (NO_PROPOSAL_CHOSEN): authentication method: the peer offers %s (%u), the conn authenticates with %s (%u)",
			    auth_name(theirs), theirs, auth_name(our_auth(sa)),
			    our_auth(sa));
}

int v1_sa1_select(struct ike_sa *sa, const struct ikev1_chain *c,
		  const struct ikev1_pl *pl, const struct ikev1_xf **xf)
{
	uint16_t i, j, other = 0;

	for (i = 0; i < pl->u.sa.nprop; i++) {
		const struct ikev1_prop *p = &c->prop[pl->u.sa.first_prop + i];

		if (p->proto != IKEV1_PROTO_ISAKMP)
			continue;
		for (j = 0; j < p->nxf; j++) {
			const struct ikev1_xf *x = &c->xf[p->first_xf + j];
			struct v1_p1alg a;
			uint16_t auth;

			if (read_xf(c, x, &a, &auth) || !acceptable(sa, &a))
				continue;
			if (auth != our_auth(sa)) {
				other = other ? other : auth;
				continue;
			}
			/* The initiator hears back one of its own. */
			if (sa->initiator && (pl->u.sa.nprop != 1 ||
					      p->nxf != 1))
				break;
			v1_life1_choose(sa, a.life);
			a.life = sa->life_secs;
			v1(sa)->alg = a;
			*xf = x;
			return 0;
		}
	}
	if (other)
		log_auth_mismatch(sa, other);
	else
		log_mismatch(sa, c, pl);
	return -ENOPROTOOPT;
}

void v1_sa1_chosen(struct ike_sa *sa)
{
	const struct v1_p1alg *a = &v1(sa)->alg;

	memset(&sa->prop, 0, sizeof(sa->prop));
	sa->prop.proto = IKED_PROP_IKE;
	sa->prop.encr = v1_alg_encr_v2(a->encr);
	sa->prop.encr_key_bits = a->key_bits;
	sa->prop.integ = v1_alg_hash_integ(a->hash);
	sa->prop.prf = v1_alg_hash_prf(a->hash);
	sa->prop.dh = a->group;
}
