// SPDX-License-Identifier: GPL-2.0
/*
 * Aggressive Mode with pre-shared keys (RFC 2409 5, 5.4) or RSA
 * signatures (5.1), both roles, for conns with aggressive=yes only: AM1
 * SA, KE, Ni, IDii (CR); AM2 adds HASH_R (or CERT, SIG_R, CR); AM3 is
 * HASH_I (or CERT, SIG_I), encrypted. Its HASH_R is sent before the initiator has
 * proved anything, which is why it can be attacked offline (the conn's
 * load warns); the initiator's ID is believed only once AM3 verifies.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "v1.h"
#include "../proposal.h"
#include "../sa/natt.h"
#include "alg.h"

static struct ikev1_msg *am_msg(struct ike_sa *sa)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));

	if (m)
		v1_hdr(sa, &m->hdr, IKEV1_EXCH_AGGRESSIVE, 0);
	return m;
}

/* Our ID payload into @c (@us outlives the build); its body into @b. */
static int add_id(struct ike_sa *sa, struct ikev1_chain *c,
		  struct iked_conf_id *us, uint8_t **b, size_t *len)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_ID);

	if (!pl)
		return -E2BIG;
	ike_sa_local_id(sa, us);
	pl->u.id = (struct ikev1_id){ .type = us->type, .data = us->data,
				      .len = us->len };
	return v1_pl_body(c, pl, b, len);
}

/* The one group of our offer: Aggressive Mode sends KE with AM1. */
static uint16_t first_group(const struct ike_sa *sa)
{
	const struct iked_prop_list *l = &sa->conn->ike;
	struct v1_p1alg a;
	size_t i, e, h, g;

	for (i = 0; i < l->n; i++)
		for (e = 0; e < l->props[i].n_encr; e++)
			for (h = 0; h < l->props[i].n_integ; h++)
				for (g = 0; g < l->props[i].n_dh; g++)
					if (!v1_alg_p1(l->props[i].encr[e].id,
						       l->props[i].encr[e].key_bits,
						       l->props[i].integ[h],
						       l->props[i].dh[g], &a))
						return a.group;
	return 0;
}

int v1_am_start(struct ike_sa *sa)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_msg *m = am_msg(sa);
	struct iked_conf_id us;
	uint8_t *id_b = NULL;
	size_t id_len;
	int r = m ? 0 : -ENOMEM;

	v->aggressive = true;
	v->alg.group = first_group(sa);
	if (!r)
		r = v1_sa1_offer(sa, &m->chain, v->alg.group);
	if (!r)
		r = v1_pl_body(&m->chain, &m->chain.pl[0], &v->sai_b,
			       &v->sai_len);
	if (!r)
		r = v1_mm_make_ke_nonce(sa, &m->chain);
	if (!r)
		r = add_id(sa, &m->chain, &us, &id_b, &id_len);
	if (!r)
		r = v1_sig_add_cr(sa, &m->chain);
	if (!r)
		r = v1_add_vids(sa, &m->chain);
	if (!r)
		r = v1_natt_add_vids(sa, &m->chain);
	if (!r)
		r = v1_send_plain(sa, m, V1_REQ_MM1);
	free(id_b);
	free(m);
	if (r)
		return r;
	v->st = V1_AG_INIT_EXCH;
	sa->state = IKE_INIT_SENT;
	ike_sa_log(sa, IKED_LOG_INFO, "initiating Aggressive Mode (aggressive=yes%s)",
		   v1_sig(sa) ? ", RSA signatures" :
		   ": its PSK hash can be attacked offline");
	return 0;
}

/* AM2: our choice, KE, Nr, IDir and HASH_R. */
static int send_am2(struct ike_sa *sa, const struct ikev1_msg *m,
		    const struct ikev1_xf *x)
{
	const struct ikev1_pl *pl = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	const struct ikev1_prop *p = &m->chain.prop[pl->u.sa.first_prop];
	struct ikev1_msg *out = am_msg(sa);
	uint8_t hash[IKEV1_HASH_MAX], *id_b = NULL;
	struct iked_conf_id us;
	size_t id_len;
	int r = out ? 0 : -ENOMEM;

	while (!r && (size_t)(x - m->chain.xf) >= (size_t)p->first_xf + p->nxf)
		p++;
	if (!r)
		r = v1_sa_echo(&out->chain, &m->chain, p, x, p->spi,
			       p->spi_size);
	if (!r)
		r = v1_mm_make_ke_nonce(sa, &out->chain);
	if (!r)
		r = v1_mm_derive(sa);
	if (!r)
		r = add_id(sa, &out->chain, &us, &id_b, &id_len);
	if (!r && v1_sig(sa))
		r = v1_sig_add_auth(sa, &out->chain, id_b, id_len) ?:
		    v1_sig_add_cr(sa, &out->chain);
	else if (!r)
		r = v1_mm_auth_hash(sa, false, id_b, id_len, hash);
	if (!r && !v1_sig(sa) &&
	    !ikev1_chain_add_raw(&out->chain, IKEV1_PL_HASH, hash,
				 v1(sa)->keys.len))
		r = -E2BIG;
	/* RFC 3947 3.2: NAT-D in AM2 and AM3. */
	if (!r)
		r = v1_natt_add_vids(sa, &out->chain);
	if (!r)
		r = v1_natt_add_natd(sa, &out->chain);
	if (!r)
		r = v1_add_vids(sa, &out->chain);
	if (!r)
		r = v1_life1_add_notify(sa, &out->chain);
	if (!r)
		r = v1_send_plain(sa, out, V1_REQ_NONE);
	free(id_b);
	free(out);
	return r;
}

/* Keep what AM1 said for AM3's checks: the SA and ID bodies. */
static int keep_am1(struct ike_sa *sa, const struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_pl *s = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	const struct ikev1_pl *id = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);

	v->sai_b = malloc(s->len ? s->len : 1);
	v->idi_b = malloc(id->len ? id->len : 1);
	if (!v->sai_b || !v->idi_b)
		return -ENOMEM;
	memcpy(v->sai_b, s->body, s->len);
	v->sai_len = s->len;
	memcpy(v->idi_b, id->body, id->len);
	v->idi_len = id->len;
	return 0;
}

static void resp_am1(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_xf *x;
	int r;

	v->aggressive = true;
	if (!v1_rules_ok(sa, IKEV1_K_AM1, m)) {
		ike_sa_kill(sa, "malformed AM1");
		return;
	}
	if (v1_sa1_select(sa, &m->chain,
			  ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0), &x)) {
		v1_info_notify(sa, IKEV1_N_NO_PROPOSAL_CHOSEN, IKEV1_PROTO_ISAKMP,
			       NULL, 0);
		ike_sa_kill(sa, "phase 1 proposal mismatch");
		return;
	}
	v1_sa1_chosen(sa);
	v1_vids_note(sa, &m->chain);
	v1_natt_take_vids(sa, &m->chain);
	v1_frag_take_vids(sa, &m->chain);
	v1_sig_take_cr(sa, &m->chain);
	r = v1_mm_take_ke_nonce(sa, &m->chain);
	if (!r)
		r = keep_am1(sa, m);
	if (!r)
		r = send_am2(sa, m, x);
	if (r) {
		ike_sa_kill(sa, "cannot answer AM1");
		return;
	}
	v->st = V1_AG_AUTH;
	sa->state = IKE_INIT_DONE;
	if (!v1_sig(sa))
		ike_sa_log(sa, IKED_LOG_WARN, "answered Aggressive Mode (aggressive=yes): its PSK hash can be attacked offline");
}

/* AM3: HASH_I (INITIAL-CONTACT perhaps), encrypted. Kept as our answer to a repeated AM2. */
static int send_am3(struct ike_sa *sa)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct v1_sa *v = v1(sa);
	uint8_t hash[IKEV1_HASH_MAX];
	struct ikev1_hdr h;
	int r = c ? 0 : -ENOMEM;

	if (!r && v1_sig(sa))
		r = v1_sig_add_auth(sa, c, v->idi_b, v->idi_len);
	else if (!r)
		r = v1_mm_auth_hash(sa, true, v->idi_b, v->idi_len, hash);
	if (!r && !v1_sig(sa) &&
	    !ikev1_chain_add_raw(c, IKEV1_PL_HASH, hash, v->keys.len))
		r = -E2BIG;
	if (!r)
		r = v1_add_initial_contact(sa, c);
	if (!r)
		r = v1_natt_add_natd(sa, c);
	/* From AM3 on, UDP 4500 when a NAT is in between (RFC 3947 4). */
	natt_float(sa);
	v1_hdr(sa, &h, IKEV1_EXCH_AGGRESSIVE, 0);
	if (!r)
		r = v1_send_enc(sa, &h, c, V1_REQ_NONE, NULL);
	free(c);
	return r;
}

static void init_am2(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_pl *id;
	const struct ikev1_xf *x;
	struct iked_conf_id us;
	struct ikev1_chain tmp;
	int r;

	if (!v1_rules_ok(sa, v1_sig(sa) ? IKEV1_K_AM2_SIG : IKEV1_K_AM2, m))
		return;
	memcpy(sa->spi_r, m->hdr.ck_r, 8);
	retransmit_done(sa);
	/* Before anything of it is taken: it may come again (wait.c). */
	if (v1_wait_defer(sa, &m->chain, NULL, "AM2"))
		return;
	if (v1_sa1_select(sa, &m->chain,
			  ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0), &x)) {
		ike_sa_kill(sa, "phase 1 proposal mismatch");
		return;
	}
	v1_sa1_chosen(sa);
	v1_vids_note(sa, &m->chain);
	v1_natt_take_vids(sa, &m->chain);
	v1_frag_take_vids(sa, &m->chain);
	v1_sig_take_cr(sa, &m->chain);
	r = v1_mm_take_ke_nonce(sa, &m->chain);
	if (!r)
		r = v1_mm_derive(sa);
	id = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);
	if (!r)
		r = v1_check_peer(sa, &id->u.id, id->body, id->len, &m->chain,
				  "AM2");
	if (!r) {
		v1_life1_take_notify(sa, &m->chain, "AM2");
		v1_natt_check(sa, &m->chain);
		v1_natt_diagnose(sa);
	}
	/* Our IDii body, as AM1 carried it, for HASH_I. */
	ikev1_chain_init(&tmp);
	if (!r)
		r = add_id(sa, &tmp, &us, &v->idi_b, &v->idi_len);
	if (!r)
		r = send_am3(sa);
	if (r) {
		ike_sa_kill(sa, "Aggressive Mode failed");
		return;
	}
	v1_established(sa);
}

static void resp_am3(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	bool enc = m->hdr.flags & IKEV1_F_ENCRYPT;
	uint8_t iv[IKEV1_BLOCK_MAX];
	struct ikev1_id id;
	size_t plen;

	memcpy(iv, v->ivs.p1, sizeof(iv));
	if (enc && v1_decrypt(sa, m, &plen))
		return;
	if (!v1_rules_ok(sa, v1_sig(sa) ? IKEV1_K_AM3_SIG : IKEV1_K_AM3, m) ||
	    v->idi_len < 4)
		return;
	if (v1_wait_defer(sa, &m->chain, enc ? iv : NULL, "AM3"))
		return;
	id = (struct ikev1_id){
		.type = v->idi_b[0], .proto = v->idi_b[1],
		.port = ikev1_get16(v->idi_b + 2),
		.data = v->idi_b + 4, .len = v->idi_len - 4,
	};
	if (v1_check_peer(sa, &id, v->idi_b, v->idi_len, &m->chain, "AM3")) {
		ike_sa_kill(sa, "phase 1 authentication failed");
		return;
	}
	/* NAT-D as the initiator computed them, on the path of AM1/AM2. */
	v1_natt_check(sa, &m->chain);
	v1_natt_authenticated(sa);
	v1_natt_diagnose(sa);
	/* Only an encrypted AM3 shows the notify came from a key holder. */
	if ((m->hdr.flags & IKEV1_F_ENCRYPT) &&
	    v1_has_initial_contact(&m->chain))
		v1_initial_contact(sa, "AM3");
	v1_established(sa);
}

void v1_am_recv(struct ike_sa *sa, struct ikev1_msg *m)
{
	switch (v1(sa)->st) {
	case V1_MM_NO_STATE:
		if (!sa->initiator)
			return resp_am1(sa, m);
		break;
	case V1_AG_INIT_EXCH:
		return init_am2(sa, m);
	case V1_AG_AUTH:
		return resp_am3(sa, m);
	default:
		break;
	}
	ike_sa_log(sa, IKED_LOG_INFO, "dropped Aggressive Mode message in state %s",
		   v1_state_name(v1(sa)->st));
}
