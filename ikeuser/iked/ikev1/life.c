// SPDX-License-Identifier: GPL-2.0
/* IKEv1 RESPONDER-LIFETIME (RFC 2407 4.6.3.1): a responder whose lifetime is shorter than the one proposed says so (QM2 for an IPsec SA, MM6 or AM2 for the ISAKMP SA), an initiator that hears a shorter one gives its SA that lifetime. */

#include <errno.h>
#include <string.h>

#include "v1.h"
#include "../sa/lifetime.h"

/* RFC 2407 4.5: an IPsec SA proposed without a lifetime lives 8 hours. */
#define V1_LIFE_DEFAULT	28800

void v1_life_choose(struct ike_sa *sa)
{
	struct v1_qm *q = &v1(sa)->qm;
	uint32_t ours = sa->conn->lifetime;
	uint32_t peer = q->peer_life ? q->peer_life : V1_LIFE_DEFAULT;

	/*
	 * The proposal is accepted as it is (QM2 echoes the transform), but
	 * our SA must not outlive our policy: the initiator learns it from
	 * the notify. A shorter proposal is the initiator's own limit, which
	 * it will keep whatever we do: our SA ends with it.
	 */
	q->life_notify = ours && peer > ours;
	q->life = q->life_notify ? ours : peer;
	if (q->life_notify)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "Quick Mode %08x: the peer proposed %u s for the IPsec SA%s, we use %u s (RESPONDER-LIFETIME in QM2)",
			   q->msg_id, peer,
			   q->peer_life ? "" : " (no lifetime said: RFC 2407's default)",
			   ours);
}

/*
 * The notify's data (@d, 12 bytes) for @secs in @proto's attribute class,
 * encoded as in our SA payloads: Life Type TV, Life Duration TLV.
 */
static void put_life(uint8_t *d, uint8_t proto, uint32_t secs)
{
	ikev1_put16(d, IKEV1_AF_BIT | ikev1_life_type_of(proto));
	ikev1_put16(d + 2, IKEV1_LIFE_SECONDS);
	ikev1_put16(d + 4, ikev1_life_duration_of(proto));
	ikev1_put16(d + 6, 4);
	ikev1_put32(d + 8, secs);
}

static int add_notify(struct ikev1_chain *c, uint8_t proto,
		      const uint8_t *spi, uint8_t spi_size, const uint8_t *d)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_N);

	if (!pl)
		return -E2BIG;
	pl->u.n = (struct ikev1_notify){
		.doi = IKEV1_DOI_IPSEC, .proto = proto,
		.spi_size = spi_size, .type = IKEV1_N_RESPONDER_LIFETIME,
		.spi = spi, .data = d, .len = 12,
	};
	return 0;
}

int v1_life_add_notify(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_qm *q = &v1(sa)->qm;
	uint8_t *spi = q->life_data, *d = q->life_data + 4;

	if (!q->life_notify)
		return 0;
	/* The SPI is the sender's inbound SPI (RFC 2407 4.6.3.1, racoon). */
	ikev1_put32(spi, q->spi_in);
	put_life(d, IKEV1_PROTO_ESP, q->life);
	return add_notify(c, IKEV1_PROTO_ESP, spi, 4, d);
}

/*
 * The seconds a notify's attribute list @p/@len says into *@secs (0:
 * none, kilobytes only). -EBADMSG with *@why a fixed sentence.
 */
static int life_secs(uint8_t proto, const uint8_t *p, size_t len,
		     uint32_t *secs, const char **why)
{
	struct ikev1_attr at[8];
	uint16_t ltype = 0;
	size_t n, i;
	uint64_t v;

	*secs = 0;
	if (ikev1_attr_list_parse(proto, p, len, at, 8, &n, why))
		return -EBADMSG;
	*why = n ? NULL : "no attributes";
	for (i = 0; i < n && !*why; i++) {
		if (at[i].type == ikev1_life_type_of(proto)) {
			ltype = at[i].val;
			continue;
		}
		if (at[i].type != ikev1_life_duration_of(proto))
			*why = "an attribute other than life type and duration";
		else if (ikev1_attr_u64(&at[i], &v) || !v || v > UINT32_MAX)
			*why = "a life duration of 0 or over 32 bits";
		else if (ltype == IKEV1_LIFE_SECONDS &&
			 (!*secs || v < *secs))
			*secs = (uint32_t)v;
	}
	return *why ? -EBADMSG : 0;
}

/* Whether @n names this Quick Mode's ESP SA by one of its SPIs. */
static bool about_us(const struct v1_qm *q, const struct ikev1_notify *n)
{
	uint32_t spi;

	if (n->proto != IKEV1_PROTO_ESP || n->spi_size != 4)
		return false;
	/*
	 * The RFC's SPI is the responder's inbound one; some send the
	 * initiator's, as in their own Delete: both name this SA pair.
	 */
	spi = ikev1_get32(n->spi);
	return spi == q->spi_out || spi == q->spi_in;
}

static void take_one(struct ike_sa *sa, const struct ikev1_notify *n)
{
	struct v1_qm *q = &v1(sa)->qm;
	uint32_t ours = sa->conn->lifetime, secs = 0;
	const char *why = NULL;

	if (!about_us(q, n))
		why = "it names no ESP SA of this exchange";
	else if (!life_secs(IKEV1_PROTO_ESP, n->data, n->len, &secs, &why) &&
		 !secs)
		why = "no lifetime in seconds";
	if (why) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "Quick Mode %08x: RESPONDER-LIFETIME ignored (%s)",
			   q->msg_id, why);
		return;
	}
	if (ours && secs >= ours) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "Quick Mode %08x: the responder's lifetime %u s is not shorter than ours, %u s are kept",
			   q->msg_id, secs, ours);
		return;
	}
	if (q->life && q->life <= secs)
		return;
	q->life = secs;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "Quick Mode %08x: the responder limits the IPsec SA to %u s (RESPONDER-LIFETIME), ours is %u s: the CHILD SA lives %u s",
		   q->msg_id, secs, ours, secs);
}

void v1_life_take_notify(struct ike_sa *sa, const struct ikev1_chain *c)
{
	const struct ikev1_pl *pl;
	unsigned int i;

	for (i = 0; (pl = ikev1_chain_find(c, IKEV1_PL_N, i)); i++)
		if (pl->u.n.type == IKEV1_N_RESPONDER_LIFETIME &&
		    pl->u.n.proto == IKEV1_PROTO_ESP)
			take_one(sa, &pl->u.n);
}

/* ---- The ISAKMP SA's lifetime (phase 1). ---- */

void v1_life1_choose(struct ike_sa *sa, uint32_t peer)
{
	struct v1_sa *v = v1(sa);
	uint32_t ours = sa->conn->ikelifetime;

	/*
	 * A shorter proposal is the peer's own limit: ours ends with it.
	 * Without a lifetime said, RFC 2407 4.5's 8 hours do not bind an
	 * ISAKMP SA; ours applies, and the peer finds out by our Delete.
	 */
	sa->life_secs = peer && peer < ours ? peer : ours;
	v->life1_notify = !sa->initiator && peer > ours;
	if (v->life1_notify)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "the peer proposed %u s for the ISAKMP SA, we use %u s (RESPONDER-LIFETIME in %s)",
			   peer, ours, v->aggressive ? "AM2" : "MM6");
}

int v1_life1_add_notify(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);

	if (!v->life1_notify || sa->initiator)
		return 0;
	/* RFC 2407 4.6.3.1: for the ISAKMP SA, the SPI is the cookies. */
	memcpy(v->life1_spi, sa->spi_i, 8);
	memcpy(v->life1_spi + 8, sa->spi_r, 8);
	put_life(v->life1_data, IKEV1_PROTO_ISAKMP, sa->life_secs);
	return add_notify(c, IKEV1_PROTO_ISAKMP, v->life1_spi, 16,
			  v->life1_data);
}

/* Whether @n names this ISAKMP SA by its cookies. */
static bool names_isakmp_sa(const struct ike_sa *sa,
			    const struct ikev1_notify *n)
{
	return n->proto == IKEV1_PROTO_ISAKMP && n->spi_size == 16 &&
	       !memcmp(n->spi, sa->spi_i, 8) &&
	       !memcmp(n->spi + 8, sa->spi_r, 8);
}

void v1_life1_take(struct ike_sa *sa, const struct ikev1_notify *n,
		   const char *where)
{
	uint32_t ours = ike_sa_lifetime(sa), secs = 0;
	const char *why = NULL;

	if (!names_isakmp_sa(sa, n))
		why = "its SPI is not this ISAKMP SA's cookies";
	else if (!life_secs(IKEV1_PROTO_ISAKMP, n->data, n->len, &secs,
			    &why) && !secs)
		why = "no lifetime in seconds";
	if (why) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "RESPONDER-LIFETIME for the ISAKMP SA in %s ignored (%s)",
			   where, why);
		return;
	}
	if (secs >= ours)
		return;
	sa->life_secs = secs;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "the peer limits the ISAKMP SA to %u s (RESPONDER-LIFETIME in %s), ikelifetime is %u s: it lives %u s",
		   secs, where, sa->conn->ikelifetime, secs);
	/* Said after it was up (an Informational): its timers move. */
	if (sa->state == IKE_ESTABLISHED)
		lifetime_schedule_ike(sa);
}

void v1_life1_take_notify(struct ike_sa *sa, const struct ikev1_chain *c,
			  const char *where)
{
	const struct ikev1_pl *pl;
	unsigned int i;

	for (i = 0; (pl = ikev1_chain_find(c, IKEV1_PL_N, i)); i++)
		if (pl->u.n.type == IKEV1_N_RESPONDER_LIFETIME &&
		    pl->u.n.proto == IKEV1_PROTO_ISAKMP)
			v1_life1_take(sa, &pl->u.n, where);
}
