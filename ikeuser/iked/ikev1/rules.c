// SPDX-License-Identifier: GPL-2.0
/*
 * One table of the payloads each IKEv1 message (Main, Aggressive and
 * Quick Mode, Informational) must and may carry, and its check.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "rules.h"

/* A payload type's bit in the masks below. */
static uint32_t bit(uint8_t type)
{
	switch (type) {
	case IKEV1_PL_NATD: return 1u << 14;
	case IKEV1_PL_NATOA: return 1u << 15;
	case IKEV1_PL_NATD_DRAFT: return 1u << 16;
	case IKEV1_PL_NATOA_DRAFT: return 1u << 17;
	}
	return type >= IKEV1_PL_SA && type <= IKEV1_PL_VID ? 1u << type : 0;
}

#define B(t)	(1u << IKEV1_PL_##t)
#define NATD	((1u << 14) | (1u << 16))
#define NATOA	((1u << 15) | (1u << 17))
/* Payloads that may come more than once wherever they are allowed. */
#define MULTI	(B(VID) | B(N) | B(D) | B(CERT) | B(CR) | NATD | NATOA)

enum cookie_rule { CK_R_ZERO, CK_R_SET };
enum msgid_rule { MID_ZERO, MID_SET, MID_ANY };
enum enc_rule { ENC_NO, ENC_YES, ENC_ANY };

struct rule {
	const char *name;
	uint8_t exchange;
	uint8_t cookie;		/* enum cookie_rule */
	uint8_t msgid;		/* enum msgid_rule */
	uint8_t enc;		/* enum enc_rule */
	uint8_t first;		/* the payload that must come first, or 0 */
	uint8_t second;		/* ... and second (Quick Mode: SA) */
	uint8_t id_pair;	/* IDs: none or exactly two (Quick Mode) */
	uint32_t must;
	uint32_t may;
	uint32_t one_of;	/* at least one of these (Informational) */
};

/*
 * RFC 2409 5: the SA payload precedes all others in phase 1; 5.5: in
 * Quick Mode HASH comes right after the header and SA after HASH; 5.7:
 * an Informational exchange after phase 1 starts with HASH(1). Vendor
 * IDs, notifies and CERT/CR are allowed where peers are known to send
 * them (INITIAL-CONTACT in MM5/AM3, RESPONDER-LIFETIME in QM2, MM6 and
 * AM2).
 */
static const struct rule rules[IKEV1_K__N] = {
	[IKEV1_K_MM1] = { "MM1", IKEV1_EXCH_MAIN, CK_R_ZERO, MID_ZERO, ENC_NO,
			  IKEV1_PL_SA, 0, 0, B(SA), B(VID), 0 },
	[IKEV1_K_MM2] = { "MM2", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO, ENC_NO,
			  IKEV1_PL_SA, 0, 0, B(SA), B(VID), 0 },
	[IKEV1_K_MM3] = { "MM3", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO, ENC_NO,
			  0, 0, 0, B(KE) | B(NONCE),
			  NATD | B(VID) | B(CR) | B(N), 0 },
	[IKEV1_K_MM4] = { "MM4", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO, ENC_NO,
			  0, 0, 0, B(KE) | B(NONCE),
			  NATD | B(VID) | B(CR) | B(N), 0 },
	[IKEV1_K_MM5] = { "MM5", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO, ENC_YES,
			  IKEV1_PL_ID, 0, 0, B(ID) | B(HASH),
			  B(N) | B(VID) | B(CERT) | B(CR), 0 },
	[IKEV1_K_MM6] = { "MM6", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO, ENC_YES,
			  IKEV1_PL_ID, 0, 0, B(ID) | B(HASH),
			  B(N) | B(VID) | B(CERT), 0 },
	[IKEV1_K_AM1] = { "AM1", IKEV1_EXCH_AGGRESSIVE, CK_R_ZERO, MID_ZERO,
			  ENC_NO, IKEV1_PL_SA, 0, 0,
			  B(SA) | B(KE) | B(NONCE) | B(ID), B(VID) | B(CR), 0 },
	[IKEV1_K_AM2] = { "AM2", IKEV1_EXCH_AGGRESSIVE, CK_R_SET, MID_ZERO,
			  ENC_NO, IKEV1_PL_SA, 0, 0,
			  B(SA) | B(KE) | B(NONCE) | B(ID) | B(HASH),
			  NATD | B(N) | B(VID) | B(CERT) | B(CR), 0 },
	[IKEV1_K_AM3] = { "AM3", IKEV1_EXCH_AGGRESSIVE, CK_R_SET, MID_ZERO,
			  ENC_ANY, 0, 0, 0, B(HASH),
			  NATD | B(N) | B(VID) | B(CERT), 0 },
	[IKEV1_K_QM1] = { "QM1", IKEV1_EXCH_QUICK, CK_R_SET, MID_SET, ENC_YES,
			  IKEV1_PL_HASH, IKEV1_PL_SA, 1,
			  B(HASH) | B(SA) | B(NONCE), B(ID) | NATOA | B(N), 0 },
	[IKEV1_K_QM1_PFS] = { "QM1 (PFS)", IKEV1_EXCH_QUICK, CK_R_SET, MID_SET,
			      ENC_YES, IKEV1_PL_HASH, IKEV1_PL_SA, 1,
			      B(HASH) | B(SA) | B(NONCE) | B(KE),
			      B(ID) | NATOA | B(N), 0 },
	[IKEV1_K_QM2] = { "QM2", IKEV1_EXCH_QUICK, CK_R_SET, MID_SET, ENC_YES,
			  IKEV1_PL_HASH, IKEV1_PL_SA, 1,
			  B(HASH) | B(SA) | B(NONCE), B(ID) | NATOA | B(N), 0 },
	[IKEV1_K_QM2_PFS] = { "QM2 (PFS)", IKEV1_EXCH_QUICK, CK_R_SET, MID_SET,
			      ENC_YES, IKEV1_PL_HASH, IKEV1_PL_SA, 1,
			      B(HASH) | B(SA) | B(NONCE) | B(KE),
			      B(ID) | NATOA | B(N), 0 },
	[IKEV1_K_QM3] = { "QM3", IKEV1_EXCH_QUICK, CK_R_SET, MID_SET, ENC_YES,
			  IKEV1_PL_HASH, 0, 0, B(HASH), 0, 0 },
	[IKEV1_K_INFO] = { "INFO", IKEV1_EXCH_INFO, CK_R_SET, MID_SET, ENC_YES,
			   IKEV1_PL_HASH, 0, 0, B(HASH), B(N) | B(D),
			   B(N) | B(D) },
	[IKEV1_K_INFO_PLAIN] = { "INFO (unprotected)", IKEV1_EXCH_INFO,
				 CK_R_SET, MID_ANY, ENC_NO, 0, 0, 0, B(N), 0,
				 0 },
	[IKEV1_K_MM5_SIG] = { "MM5", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO,
			      ENC_YES, IKEV1_PL_ID, 0, 0, B(ID) | B(SIG),
			      B(N) | B(VID) | B(CERT) | B(CR), 0 },
	[IKEV1_K_MM6_SIG] = { "MM6", IKEV1_EXCH_MAIN, CK_R_SET, MID_ZERO,
			      ENC_YES, IKEV1_PL_ID, 0, 0, B(ID) | B(SIG),
			      B(N) | B(VID) | B(CERT), 0 },
	[IKEV1_K_AM2_SIG] = { "AM2", IKEV1_EXCH_AGGRESSIVE, CK_R_SET, MID_ZERO,
			      ENC_NO, IKEV1_PL_SA, 0, 0,
			      B(SA) | B(KE) | B(NONCE) | B(ID) | B(SIG),
			      NATD | B(N) | B(VID) | B(CERT) | B(CR), 0 },
	[IKEV1_K_AM3_SIG] = { "AM3", IKEV1_EXCH_AGGRESSIVE, CK_R_SET, MID_ZERO,
			      ENC_ANY, 0, 0, 0, B(SIG),
			      NATD | B(N) | B(VID) | B(CERT), 0 },
};

static int miss_at(struct ikev1_rule_miss *miss, enum ikev1_kind kind,
		   uint8_t type, const char *why)
{
	if (miss) {
		miss->kind = kind;
		miss->type = type;
		miss->why = why;
	}
	return -EBADMSG;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int header_check(enum ikev1_kind k, const struct rule *r,
			const struct ikev1_hdr *h, struct ikev1_rule_miss *miss)
{
	bool enc = h->flags & IKEV1_F_ENCRYPT;

	if (h->exchange != r->exchange)
		return miss_at(miss, k, 0, "wrong exchange type");
	if (all_zero(h->ck_i, 8))
		return miss_at(miss, k, 0, "initiator cookie zero");
	if ((r->cookie == CK_R_ZERO) != all_zero(h->ck_r, 8))
		return miss_at(miss, k, 0, r->cookie == CK_R_ZERO ?
				"responder cookie not zero" :
				"responder cookie zero");
	if (r->msgid == MID_ZERO && h->msg_id)
		return miss_at(miss, k, 0, "message ID not zero in phase 1");
	if (r->msgid == MID_SET && !h->msg_id)
		return miss_at(miss, k, 0, "message ID zero after phase 1");
	if ((r->enc == ENC_YES && !enc) || (r->enc == ENC_NO && enc))
		return miss_at(miss, k, 0, enc ? "encrypted, must not be" :
						 "not encrypted, must be");
	return 0;
}

/* Counts, order and presence of the payloads. */
static int chain_check(enum ikev1_kind k, const struct rule *r,
		       const struct ikev1_chain *c,
		       struct ikev1_rule_miss *miss)
{
	uint32_t seen = 0, allowed = r->must | r->may, b;
	unsigned int i, ids = 0, oas = 0;
	uint8_t t;

	for (i = 0; i < c->n; i++) {
		t = c->pl[i].type;
		b = bit(t);
		if (!(b & allowed))
			return miss_at(miss, k, t, "not allowed here");
		if (seen & b & ~MULTI && !(t == IKEV1_PL_ID && r->id_pair))
			return miss_at(miss, k, t, "more than once");
		seen |= b;
		ids += t == IKEV1_PL_ID;
		oas += !!(b & NATOA);
	}
	for (t = IKEV1_PL_SA; t <= IKEV1_PL_VID; t++)
		if (r->must & bit(t) & ~seen)
			return miss_at(miss, k, t, "missing");
	if (r->one_of && !(seen & r->one_of))
		return miss_at(miss, k, IKEV1_PL_N, "missing (N or D)");
	if (r->id_pair && ids != 0 && ids != 2)
		return miss_at(miss, k, IKEV1_PL_ID,
			       "not a pair (IDci and IDcr)");
	if (oas > 2)
		return miss_at(miss, k, IKEV1_PL_NATOA, "more than twice");
	if (r->first && (!c->n || c->pl[0].type != r->first))
		return miss_at(miss, k, r->first, "not first");
	if (r->second && (c->n < 2 || c->pl[1].type != r->second))
		return miss_at(miss, k, r->second, "not second");
	return 0;
}

int ikev1_rules_check(enum ikev1_kind kind, const struct ikev1_hdr *h,
		      const struct ikev1_chain *c, struct ikev1_rule_miss *miss)
{
	const struct rule *r;
	int ret;

	if ((unsigned int)kind >= IKEV1_K__N)
		return miss_at(miss, kind, 0, "unknown message kind");
	r = &rules[kind];
	ret = header_check(kind, r, h, miss);
	return ret ? ret : chain_check(kind, r, c, miss);
}

const char *ikev1_kind_name(enum ikev1_kind kind)
{
	if ((unsigned int)kind >= IKEV1_K__N)
		return "?";
	return rules[kind].name;
}

const char *ikev1_rules_format(const struct ikev1_rule_miss *miss, char *buf,
			       size_t len)
{
	const char *pl = ikev1_pl_name(miss->type);

	if (!miss->type)
		snprintf(buf, len, "%s: header: %s", ikev1_kind_name(miss->kind),
			 miss->why);
	else if (pl)
		snprintf(buf, len, "%s: %s payload %s",
			 ikev1_kind_name(miss->kind), pl, miss->why);
	else
		snprintf(buf, len, "%s: payload type %u %s",
			 ikev1_kind_name(miss->kind), miss->type, miss->why);
	return buf;
}
