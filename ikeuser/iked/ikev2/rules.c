// SPDX-License-Identifier: GPL-2.0
/* The payload rules of IKEv2 messages: one table per exchange and message kind. */

#include <errno.h>
#include <stdio.h>
#include "rules.h"

#define MANY	255

/*
 * One rule: how many payloads of @type a message of a kind carries, or,
 * with @notify set, how many Notify payloads of that type. A payload type
 * RFC 7296 defines that a kind's table does not name must not be there.
 * Rules with the same nonzero @group come all together or not at all.
 */
struct rule {
	uint8_t type;
	uint16_t notify;
	uint8_t min, max;
	uint8_t group;
};

enum { G_NONE, G_CHILD, G_AUTH, G__N };

static const char *const group_why[G__N] = {
	[G_CHILD] = "missing (SA, TSi and TSr come together)",
	[G_AUTH] = "missing (IDr and AUTH come together)",
};

struct kind {
	const char *name;
	uint8_t exchange;
	bool response;
	const struct rule *rules;	/* ends with type 0 */
};

/* Who may send what, RFC 7296 1.2 (and 2.6 for the cookie). */
static const struct rule init_rules[] = {
	{ IKEV2_PL_SA, 0, 1, 1, 0 },
	{ IKEV2_PL_KE, 0, 1, 1, 0 },
	{ IKEV2_PL_NONCE, 0, 1, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_NOTIFY, IKEV2_N_COOKIE, 0, 1, 0 },
	{ IKEV2_PL_NOTIFY, IKEV2_N_NAT_DETECTION_DESTINATION_IP, 0, 1, 0 },
	{ IKEV2_PL_CERTREQ, 0, 0, MANY, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/*
 * 1.2, 2.15: no AUTH means the initiator wants EAP (2.16), which
 * ike_auth.c refuses by name; no SA, TSi, TSr is a childless IKE SA.
 */
static const struct rule auth_req_rules[] = {
	{ IKEV2_PL_IDI, 0, 1, 1, 0 },
	{ IKEV2_PL_IDR, 0, 0, 1, 0 },
	{ IKEV2_PL_AUTH, 0, 0, 1, 0 },
	{ IKEV2_PL_SA, 0, 0, 1, G_CHILD },
	{ IKEV2_PL_TSI, 0, 0, 1, G_CHILD },
	{ IKEV2_PL_TSR, 0, 0, 1, G_CHILD },
	{ IKEV2_PL_CERT, 0, 0, MANY, 0 },
	{ IKEV2_PL_CERTREQ, 0, 0, MANY, 0 },
	{ IKEV2_PL_CP, 0, 0, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_NOTIFY, IKEV2_N_INITIAL_CONTACT, 0, 1, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/* We always ask for a CHILD SA: its refusal is an error notify (2.21.2). */
static const struct rule auth_resp_rules[] = {
	{ IKEV2_PL_IDR, 0, 1, 1, G_AUTH },
	{ IKEV2_PL_AUTH, 0, 1, 1, G_AUTH },
	{ IKEV2_PL_SA, 0, 1, 1, G_CHILD },
	{ IKEV2_PL_TSI, 0, 1, 1, G_CHILD },
	{ IKEV2_PL_TSR, 0, 1, 1, G_CHILD },
	{ IKEV2_PL_CERT, 0, 0, MANY, 0 },
	{ IKEV2_PL_CERTREQ, 0, 0, MANY, 0 },
	{ IKEV2_PL_CP, 0, 0, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/* 1.3.1: SA, Ni/Nr, [KE], TSi, TSr; the answer to a refusal is a notify. */
static const struct rule child_rules[] = {
	{ IKEV2_PL_SA, 0, 1, 1, 0 },
	{ IKEV2_PL_NONCE, 0, 1, 1, 0 },
	{ IKEV2_PL_KE, 0, 0, 1, 0 },
	{ IKEV2_PL_TSI, 0, 1, 1, 0 },
	{ IKEV2_PL_TSR, 0, 1, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/* 1.3.3: the same, naming the CHILD SA it replaces, once. */
static const struct rule child_rekey_req_rules[] = {
	{ IKEV2_PL_SA, 0, 1, 1, 0 },
	{ IKEV2_PL_NONCE, 0, 1, 1, 0 },
	{ IKEV2_PL_KE, 0, 0, 1, 0 },
	{ IKEV2_PL_TSI, 0, 1, 1, 0 },
	{ IKEV2_PL_TSR, 0, 1, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_NOTIFY, IKEV2_N_REKEY_SA, 1, 1, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/* 1.3.2: SA, Ni/Nr, KE, and no traffic selectors. */
static const struct rule ike_rekey_rules[] = {
	{ IKEV2_PL_SA, 0, 1, 1, 0 },
	{ IKEV2_PL_NONCE, 0, 1, 1, 0 },
	{ IKEV2_PL_KE, 0, 1, 1, 0 },
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

/* 1.4: Notify, Delete, CP (and Vendor IDs), or nothing at all. */
static const struct rule info_rules[] = {
	{ IKEV2_PL_NOTIFY, 0, 0, MANY, 0 },
	{ IKEV2_PL_DELETE, 0, 0, MANY, 0 },
	{ IKEV2_PL_CP, 0, 0, 1, 0 },
	{ IKEV2_PL_VENDOR, 0, 0, MANY, 0 },
	{ 0 }
};

static const struct kind kinds[IKEV2_K__N] = {
	[IKEV2_K_INIT_REQ] = { "IKE_SA_INIT request",
		IKEV2_EXCH_IKE_SA_INIT, false, init_rules },
	[IKEV2_K_INIT_RESP] = { "IKE_SA_INIT response",
		IKEV2_EXCH_IKE_SA_INIT, true, init_rules },
	[IKEV2_K_AUTH_REQ] = { "IKE_AUTH request",
		IKEV2_EXCH_IKE_AUTH, false, auth_req_rules },
	[IKEV2_K_AUTH_RESP] = { "IKE_AUTH response",
		IKEV2_EXCH_IKE_AUTH, true, auth_resp_rules },
	[IKEV2_K_CHILD_REQ] = { "CREATE_CHILD_SA request",
		IKEV2_EXCH_CREATE_CHILD_SA, false, child_rules },
	[IKEV2_K_CHILD_RESP] = { "CREATE_CHILD_SA response",
		IKEV2_EXCH_CREATE_CHILD_SA, true, child_rules },
	[IKEV2_K_CHILD_REKEY_REQ] = { "CREATE_CHILD_SA request (CHILD SA rekey)",
		IKEV2_EXCH_CREATE_CHILD_SA, false, child_rekey_req_rules },
	[IKEV2_K_CHILD_REKEY_RESP] = { "CREATE_CHILD_SA response (CHILD SA rekey)",
		IKEV2_EXCH_CREATE_CHILD_SA, true, child_rules },
	[IKEV2_K_IKE_REKEY_REQ] = { "CREATE_CHILD_SA request (IKE SA rekey)",
		IKEV2_EXCH_CREATE_CHILD_SA, false, ike_rekey_rules },
	[IKEV2_K_IKE_REKEY_RESP] = { "CREATE_CHILD_SA response (IKE SA rekey)",
		IKEV2_EXCH_CREATE_CHILD_SA, true, ike_rekey_rules },
	[IKEV2_K_INFO_REQ] = { "INFORMATIONAL request",
		IKEV2_EXCH_INFORMATIONAL, false, info_rules },
	[IKEV2_K_INFO_RESP] = { "INFORMATIONAL response",
		IKEV2_EXCH_INFORMATIONAL, true, info_rules },
};

const char *ikev2_kind_name(enum ikev2_kind kind)
{
	return kind < IKEV2_K__N ? kinds[kind].name : "?";
}

bool ikev2_rules_protected(uint8_t exchange)
{
	return exchange != IKEV2_EXCH_IKE_SA_INIT;
}

int ikev2_rules_request_kind(uint8_t exchange, const struct ikev2_chain *c,
			     enum ikev2_kind *kind)
{
	unsigned int i;

	switch (exchange) {
	case IKEV2_EXCH_IKE_SA_INIT:
		*kind = IKEV2_K_INIT_REQ;
		return 0;
	case IKEV2_EXCH_IKE_AUTH:
		*kind = IKEV2_K_AUTH_REQ;
		return 0;
	case IKEV2_EXCH_INFORMATIONAL:
		*kind = IKEV2_K_INFO_REQ;
		return 0;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		break;
	default:
		return -ENOENT;
	}
	*kind = IKEV2_K_CHILD_REQ;
	for (i = 0; ikev2_chain_has(c, IKEV2_PL_SA) && i < c->sa.n_prop; i++)
		if (c->sa.prop[i].proto == IKEV2_PROTO_IKE)
			*kind = IKEV2_K_IKE_REKEY_REQ;
	if (*kind == IKEV2_K_CHILD_REQ && ikev2_chain_notify(c, IKEV2_N_REKEY_SA))
		*kind = IKEV2_K_CHILD_REKEY_REQ;
	return 0;
}

const struct ikev2_notify *ikev2_error_notify(const struct ikev2_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->n_notify; i++)
		if (c->notify[i].type < IKEV2_N_INITIAL_CONTACT)
			return &c->notify[i];
	return NULL;
}

static int miss(struct ikev2_rule_miss *m, uint8_t payload, uint16_t notify,
		const char *why)
{
	m->payload = payload;
	m->notify = notify;
	m->why = why;
	return -EBADMSG;
}

static bool known(uint8_t type)
{
	return type >= IKEV2_PL_SA && type <= IKEV2_PL_EAP;
}

static unsigned int notify_count(const struct ikev2_chain *c, uint16_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n_notify; i++)
		n += c->notify[i].type == type;
	return n;
}

/*
 * 3.14: a protected message is its Encrypted payload; an unprotected one
 * (IKE_SA_INIT) has none. Payloads of unknown types are not ours to judge.
 */
static int check_outer(const struct kind *k, const struct ikev2_chain *outer,
		       struct ikev2_rule_miss *m)
{
	bool prot = ikev2_rules_protected(k->exchange);
	unsigned int i;

	for (i = 0; i < outer->n; i++) {
		uint8_t t = outer->pl[i].type;
		/* RFC 7383: one fragment of a protected message stands for SK. */
		bool sk = t == IKEV2_PL_SK || t == IKEV2_PL_SKF;

		if (sk && !prot)
			return miss(m, t, 0, "not allowed");
		if (!sk && prot && known(t))
			return miss(m, t, 0, "outside the Encrypted payload");
	}
	if (prot && !ikev2_chain_has(outer, IKEV2_PL_SK) &&
	    !ikev2_chain_has(outer, IKEV2_PL_SKF))
		return miss(m, IKEV2_PL_SK, 0, "missing");
	return 0;
}

static const struct rule *rule_for(const struct kind *k, uint8_t type)
{
	const struct rule *r;

	for (r = k->rules; r->type; r++)
		if (r->type == type && !r->notify)
			return r;
	return NULL;
}

/* An answer that refuses: it carries an error, or (2.6) asks for a cookie. */
static bool refusal(const struct kind *k, const struct ikev2_chain *c)
{
	if (!k->response)
		return false;
	return ikev2_error_notify(c) ||
	       (k->exchange == IKEV2_EXCH_IKE_SA_INIT &&
		ikev2_chain_notify(c, IKEV2_N_COOKIE));
}

static int check_counts(const struct kind *k, const struct ikev2_chain *c,
			struct ikev2_rule_miss *m)
{
	bool waived = refusal(k, c);
	const struct rule *r;
	unsigned int t, n;

	for (r = k->rules; r->type; r++) {
		n = r->notify ? notify_count(c, r->notify) :
				ikev2_chain_count(c, r->type);
		if (n > r->max)
			return miss(m, r->type, r->notify,
				    r->max ? "more than once" : "not allowed");
		if (n < r->min && !waived)
			return miss(m, r->type, r->notify, "missing");
	}
	for (t = IKEV2_PL_SA; t <= IKEV2_PL_EAP; t++)
		if (t != IKEV2_PL_SK && !rule_for(k, (uint8_t)t) &&
		    ikev2_chain_has(c, (uint8_t)t))
			return miss(m, (uint8_t)t, 0, "not allowed");
	return 0;
}

static int check_groups(const struct kind *k, const struct ikev2_chain *c,
			struct ikev2_rule_miss *m)
{
	const struct rule *r, *absent;
	unsigned int g, have;

	for (g = G_NONE + 1; g < G__N; g++) {
		have = 0;
		absent = NULL;
		for (r = k->rules; r->type; r++) {
			if (r->group != g)
				continue;
			if (ikev2_chain_has(c, r->type))
				have++;
			else if (!absent)
				absent = r;
		}
		if (have && absent)
			return miss(m, absent->type, 0, group_why[g]);
	}
	return 0;
}

int ikev2_rules_check(enum ikev2_kind kind, const struct ikev2_chain *outer,
		      const struct ikev2_chain *inner,
		      struct ikev2_rule_miss *m)
{
	const struct kind *k;
	const struct ikev2_chain *c;
	int r;

	if (kind >= IKEV2_K__N)
		return miss(m, 0, 0, "of no known kind");
	k = &kinds[kind];
	r = check_outer(k, outer, m);
	if (r)
		return r;
	c = ikev2_rules_protected(k->exchange) ? inner : outer;
	if (!c)
		return 0;
	r = check_counts(k, c, m);
	if (!r)
		r = check_groups(k, c, m);
	return r;
}

const char *ikev2_rules_format(const struct ikev2_rule_miss *m, char *buf,
			       size_t len)
{
	const char *pl = ikev2_payload_name(m->payload);

	if (m->notify)
		snprintf(buf, len, "%s notify %s",
			 ikev2_notify_name(m->notify) ?: "?", m->why);
	else if (pl)
		snprintf(buf, len, "%s payload %s", pl, m->why);
	else
		snprintf(buf, len, "payload type %u %s", m->payload, m->why);
	return buf;
}
