// SPDX-License-Identifier: GPL-2.0
/* Main Mode messages in (RFC 2409 5), both roles: each checked against its rules first; MM5/MM6 decrypted and their HASH verified before the ID in them is believed. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "v1.h"
#include "../conn.h"
#include "../sa/natt.h"

static void mm_fail(struct ike_sa *sa, int r, const char *what)
{
	if (r == -ENOMEM || r == -EIO || r == -E2BIG || r == -ENOSPC)
		ike_sa_log(sa, IKED_LOG_ERR, "%s: %s", what, strerror(-r));
	ike_sa_kill(sa, what);
}

/* The proposal holding transform @x in SA payload @pl. */
static const struct ikev1_prop *prop_of(const struct ikev1_chain *c,
					const struct ikev1_pl *pl,
					const struct ikev1_xf *x)
{
	uint16_t i;
	size_t xi = (size_t)(x - c->xf);

	for (i = 0; i < pl->u.sa.nprop; i++) {
		const struct ikev1_prop *p = &c->prop[pl->u.sa.first_prop + i];

		if (xi >= p->first_xf && xi < (size_t)p->first_xf + p->nxf)
			return p;
	}
	return NULL;
}

static void resp_mm1(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_pl *pl = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	const struct ikev1_xf *x;
	struct ikev1_msg *out;
	int r;

	if (!v1_rules_ok(sa, IKEV1_K_MM1, m)) {
		ike_sa_kill(sa, "malformed MM1");
		return;
	}
	if (v1_sa1_select(sa, &m->chain, pl, &x)) {
		v1_info_notify(sa, IKEV1_N_NO_PROPOSAL_CHOSEN, IKEV1_PROTO_ISAKMP,
			       NULL, 0);
		ike_sa_kill(sa, "phase 1 proposal mismatch");
		return;
	}
	v1_sa1_chosen(sa);
	v1_vids_note(sa, &m->chain);
	v1_natt_take_vids(sa, &m->chain);
	v1_frag_take_vids(sa, &m->chain);
	v->sai_b = malloc(pl->len ? pl->len : 1);
	out = calloc(1, sizeof(*out));
	r = v->sai_b && out ? 0 : -ENOMEM;
	if (!r) {
		memcpy(v->sai_b, pl->body, pl->len);
		v->sai_len = pl->len;
		v1_hdr(sa, &out->hdr, IKEV1_EXCH_MAIN, 0);
		const struct ikev1_prop *p = prop_of(&m->chain, pl, x);

		r = v1_sa_echo(&out->chain, &m->chain, p, x, p->spi,
			       p->spi_size);
	}
	if (!r)
		r = v1_add_vids(sa, &out->chain);
	if (!r)
		r = v1_natt_add_vids(sa, &out->chain);
	if (!r)
		r = v1_send_plain(sa, out, V1_REQ_NONE);
	free(out);
	if (r)
		return mm_fail(sa, r, "cannot answer MM1");
	v->st = V1_MM_WAIT_MSG3;
	sa->state = IKE_INIT_DONE;
}

/* MM3 (initiator, after MM2) or MM4 (responder, after MM3). */
static int send_ke(struct ike_sa *sa)
{
	struct ikev1_msg *out = calloc(1, sizeof(*out));
	int r = out ? 0 : -ENOMEM;

	if (!r) {
		v1_hdr(sa, &out->hdr, IKEV1_EXCH_MAIN, 0);
		r = v1_mm_make_ke_nonce(sa, &out->chain);
	}
	if (!r)
		r = v1_natt_add_natd(sa, &out->chain);
	if (!r)
		r = v1_sig_add_cr(sa, &out->chain);
	/* The responder has both halves now: its keys before MM4 goes. */
	if (!r && !sa->initiator)
		r = v1_mm_derive(sa);
	if (!r)
		r = v1_send_plain(sa, out, sa->initiator ? V1_REQ_MM3 :
				  V1_REQ_NONE);
	free(out);
	return r;
}

static void init_mm2(struct ike_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	const struct ikev1_xf *x;
	int r;

	if (!v1_rules_ok(sa, IKEV1_K_MM2, m))
		return;
	memcpy(sa->spi_r, m->hdr.ck_r, 8);
	pl = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	if (v1_sa1_select(sa, &m->chain, pl, &x)) {
		retransmit_done(sa);
		ike_sa_kill(sa, "phase 1 proposal mismatch");
		return;
	}
	retransmit_done(sa);
	v1_sa1_chosen(sa);
	v1_vids_note(sa, &m->chain);
	v1_natt_take_vids(sa, &m->chain);
	v1_frag_take_vids(sa, &m->chain);
	r = send_ke(sa);
	if (r)
		return mm_fail(sa, r, "cannot send MM3");
	v1(sa)->st = V1_MM_WAIT_MSG4;
}

static void resp_mm3(struct ike_sa *sa, struct ikev1_msg *m)
{
	int r;

	if (!v1_rules_ok(sa, IKEV1_K_MM3, m) ||
	    v1_mm_take_ke_nonce(sa, &m->chain))
		return;
	v1_sig_take_cr(sa, &m->chain);
	v1_natt_check(sa, &m->chain);
	r = send_ke(sa);
	if (r)
		return mm_fail(sa, r, "cannot answer MM3");
	v1(sa)->st = V1_MM_WAIT_MSG5;
}

static void init_mm4(struct ike_sa *sa, struct ikev1_msg *m)
{
	int r;

	if (!v1_rules_ok(sa, IKEV1_K_MM4, m) ||
	    v1_mm_take_ke_nonce(sa, &m->chain))
		return;
	v1_sig_take_cr(sa, &m->chain);
	retransmit_done(sa);
	v1_natt_check(sa, &m->chain);
	/* RFC 3947 4: from MM5 on, UDP 4500 when a NAT is in between. */
	natt_float(sa);
	r = v1_mm_derive(sa);
	if (!r)
		r = v1_mm_send_id_hash(sa);
	if (r)
		return mm_fail(sa, r, "cannot send MM5");
	v1(sa)->st = V1_MM_WAIT_MSG6;
	sa->state = IKE_AUTH_SENT;
}

/* The peer's phase 1 ID as the config writes identities. */
static int peer_id(const struct ikev1_id *id, struct iked_conf_id *out)
{
	memset(out, 0, sizeof(*out));
	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR: case IKEV1_ID_IPV6_ADDR:
	case IKEV1_ID_FQDN: case IKEV1_ID_USER_FQDN: case IKEV1_ID_KEY_ID:
	case IKEV1_ID_DER_ASN1_DN:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (id->len > IKED_ID_MAX)
		return -EINVAL;
	out->type = id->type;
	out->len = (uint16_t)id->len;
	memcpy(out->data, id->data, id->len);
	return 0;
}

/* HASH @h (HASH_I or HASH_R of the peer) over ID body @id_b verifies. */
static bool hash_ok(struct ike_sa *sa, const uint8_t *id_b, size_t id_len,
		    const struct ikev1_pl *h)
{
	uint8_t want[IKEV1_HASH_MAX];
	bool ok;

	ok = h && h->len == v1(sa)->keys.len &&
	     !v1_mm_auth_hash(sa, !sa->initiator, id_b, id_len, want) &&
	     !CRYPTO_memcmp(want, h->body, h->len);
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

/* The ID @id of the peer is none we take, or not rightid=: logged. */
static int id_refused(struct ike_sa *sa, const struct ikev1_id *id)
{
	struct iked_conf_id pid;
	char a[IKED_ID_STRLEN], b[IKED_ID_STRLEN];

	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "ID mismatch (INVALID_ID_INFORMATION): the peer is %s, rightid is %s",
		       peer_id(id, &pid) ? "of an unsupported ID type" :
		       iked_conf_id_format(&pid, a, sizeof(a)),
		       iked_conf_id_format(&sa->remote->id, b, sizeof(b)));
	return -EACCES;
}

int v1_check_peer(struct ike_sa *sa, const struct ikev1_id *id,
		  const uint8_t *id_b, size_t id_len,
		  const struct ikev1_chain *c, const char *msg)
{
	const char *end = sa->initiator ? "R" : "I";
	struct iked_conf_id pid;
	char what[32];
	int bad_id = peer_id(id, &pid);

	snprintf(what, sizeof(what), "%s_%s in %s", v1_sig(sa) ? "SIG" : "HASH",
		 end, msg);
	if (v1_sig(sa)) {
		/* The ID is what the certificate must name: parsed first. */
		if (bad_id)
			return id_refused(sa, id);
		if (v1_sig_check(sa, c, &pid, id_b, id_len, what))
			return -EACCES;
	} else if (!hash_ok(sa, id_b, id_len,
			    ikev1_chain_find(c, IKEV1_PL_HASH, 0))) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "%s does not verify (AUTHENTICATION_FAILED): pre-shared key mismatch likely",
			       what);
		return -EACCES;
	}
	if (bad_id || !iked_conf_id_match(&sa->remote->id, &pid))
		return id_refused(sa, id);
	sa->peer_id = pid;
	return 0;
}

static int check_peer(struct ike_sa *sa, const struct ikev1_msg *m)
{
	const struct ikev1_pl *id = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);

	return v1_check_peer(sa, &id->u.id, id->body, id->len, &m->chain,
			     sa->initiator ? "MM6" : "MM5");
}

static void mm_auth(struct ike_sa *sa, struct ikev1_msg *m)
{
	const char *name = sa->initiator ? "MM6" : "MM5";
	uint8_t iv[IKEV1_BLOCK_MAX];
	size_t plen;
	bool ic;
	int r;

	/* What it decrypts under, should it wait for a CRL (wait.c). */
	memcpy(iv, v1(sa)->ivs.p1, sizeof(iv));
	if (v1_decrypt(sa, m, &plen))
		return;
	if (!v1_rules_ok(sa, sa->initiator ?
			 (v1_sig(sa) ? IKEV1_K_MM6_SIG : IKEV1_K_MM6) :
			 (v1_sig(sa) ? IKEV1_K_MM5_SIG : IKEV1_K_MM5), m))
		return;
	v1_sig_take_cr(sa, &m->chain);
	if (v1_wait_defer(sa, &m->chain, iv, name))
		return;
	if (check_peer(sa, m)) {
		retransmit_done(sa);
		ike_sa_kill(sa, "phase 1 authentication failed");
		return;
	}
	ic = v1_has_initial_contact(&m->chain);
	if (sa->initiator)
		v1_life1_take_notify(sa, &m->chain, "MM6");
	/* MM5 on port 4500: MM6 and the rest go back that way. */
	v1_natt_authenticated(sa);
	v1_natt_diagnose(sa);
	if (sa->initiator) {
		retransmit_done(sa);
	} else {
		r = v1_mm_send_id_hash(sa);
		if (r)
			return mm_fail(sa, r, "cannot send MM6");
	}
	/* Before Quick Mode installs anything the old SAs' removal could hit. */
	if (ic)
		v1_initial_contact(sa, sa->initiator ? "MM6" : "MM5");
	v1_established(sa);
}

void v1_mm_recv(struct ike_sa *sa, struct ikev1_msg *m)
{
	switch (v1(sa)->st) {
	case V1_MM_NO_STATE:
		if (!sa->initiator)
			return resp_mm1(sa, m);
		break;
	case V1_MM_WAIT_MSG2:
		return init_mm2(sa, m);
	case V1_MM_WAIT_MSG3:
		return resp_mm3(sa, m);
	case V1_MM_WAIT_MSG4:
		return init_mm4(sa, m);
	case V1_MM_WAIT_MSG5:
	case V1_MM_WAIT_MSG6:
		return mm_auth(sa, m);
	default:
		break;
	}
	ike_sa_log(sa, IKED_LOG_INFO, "dropped Main Mode message in state %s",
		   v1_state_name(v1(sa)->st));
}
