// SPDX-License-Identifier: GPL-2.0
/* Negotiating CHILD SAs (RFC 7296 1.3, 2.9, 2.17): proposals, selectors, keys, handed to the core to install; in IKE_AUTH and CREATE_CHILD_SA alike. */

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike.h"
#include "../crypto/dh.h"
#include "../sa/ts.h"
#include "../kernel.h"

#define OUR_NONCE_LEN	32

void child_pending_clear(struct ike_sa *sa)
{
	iked_dh_free(v2(sa)->pend.dh);
	OPENSSL_cleanse(&v2(sa)->pend, sizeof(v2(sa)->pend));
}

int child_prepare(struct ike_sa *sa, uint16_t group)
{
	struct child_pending *p = &v2(sa)->pend;
	bool pfs = group != 0;
	uint8_t spi[4];
	int r;

	child_pending_clear(sa);
	r = iked_kernel_spi_alloc(sa->d->kern, &sa->path.local, &p->spi_in);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot reserve an SPI: %s",
			   child_sa_kerr(sa));
		return r;
	}
	if (pfs) {
		r = iked_dh_new(group, &p->dh);
		if (r)
			return r;
	}
	ikev2_put32(spi, p->spi_in);
	r = ikev2_sa_from_props(&p->offered, &sa->conn->esp, IKEV2_PROTO_ESP,
				spi, 4,
				group, pfs);
	if (!r)
		r = iked_ts_from_conf(&p->tsi, sa->local->ts, sa->local->n_ts,
				       &sa->path.local);
	if (!r)
		r = iked_ts_from_conf(&p->tsr, sa->remote->ts,
				       sa->remote->n_ts, &sa->path.remote);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot build the CHILD SA proposal: %s",
			   strerror(-r));
		return r;
	}
	p->nonce_len = OUR_NONCE_LEN;
	if (RAND_bytes(p->nonce, (int)p->nonce_len) != 1)
		return -EIO;
	p->active = true;
	return 0;
}

int child_add_offer(struct ike_sa *sa, struct ikev2_chain *c)
{
	int r = 0;

	if (sa->conn->mode == IKED_MODE_TRANSPORT)
		r = ikev2_chain_add_notify(c, 0, NULL, 0,
					   IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	c->sa = v2(sa)->pend.offered;
	if (!r)
		r = ikev2_chain_add(c, IKEV2_PL_SA);
	c->tsi = v2(sa)->pend.tsi;
	if (!r)
		r = ikev2_chain_add(c, IKEV2_PL_TSI);
	c->tsr = v2(sa)->pend.tsr;
	if (!r)
		r = ikev2_chain_add(c, IKEV2_PL_TSR);
	return r;
}

/*
 * Derive the keys of a CHILD SA and hand it to the core, which installs
 * it (sa/child_sa.c), then say so.
 */
static int install(struct ike_sa *sa, const struct iked_chosen *prop,
		   uint32_t spi_in, uint32_t spi_out, uint8_t mode,
		   const struct iked_ts_list *tsl,
		   const struct iked_ts_list *tsr, bool we_initiated,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		   size_t nr_len, const uint8_t *gir, size_t gir_len,
		   bool defer_out)
{
	const struct child_sa_spec spec = {
		.prop = prop, .spi_in = spi_in, .spi_out = spi_out,
		.mode = mode, .tsl = tsl, .tsr = tsr, .defer_out = defer_out,
	};
	struct ikev2_child_keys keys;
	struct child_sa_keys k;
	struct child_sa *ch;
	size_t enc_len, integ_len;
	char l[512], rm[512];
	uint64_t in_us;
	int r;

	r = child_sa_key_lens(prop, &enc_len, &integ_len);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "ESP algorithm not supported by kesp.ko");
		return r;
	}
	r = ikev2_derive_child_keys(sa->prop.prf, v2(sa)->keys.sk_d,
				    v2(sa)->keys.prf_len, gir, gir_len, ni,
				    ni_len, nr, nr_len, enc_len, integ_len,
				    &keys);
	if (r)
		return r;
	k = (struct child_sa_keys){
		.enc_len = enc_len, .integ_len = integ_len,
		.ek_in = we_initiated ? keys.er : keys.ei,
		.ak_in = we_initiated ? keys.ar : keys.ai,
		.ek_out = we_initiated ? keys.ei : keys.er,
		.ak_out = we_initiated ? keys.ai : keys.ar,
	};
	r = child_sa_install(sa, &spec, &k, &ch, &in_us);
	ikev2_child_keys_wipe(&keys);
	if (r)
		return r;
	child_log_new(sa, ch, in_us, iked_ts_format(tsl, l, sizeof(l)),
		      iked_ts_format(tsr, rm, sizeof(rm)));
	return 0;
}

/*
 * The responder's choice of ESP algorithms for @in (mode, proposals, PFS
 * with the exchange's g^ir, *@gir_len cleared when the choice has no
 * PFS) into @chosen: 0, or -ENOPROTOOPT with the notify added to @out.
 */
static int respond_select(struct ike_sa *sa, const struct ikev2_chain *in,
			  bool in_auth, size_t *gir_len,
			  struct iked_chosen *chosen, struct ikev2_chain *out)
{
	const struct iked_conf_conn *cfg = sa->conn;
	bool transport = ikev2_chain_notify(in, IKEV2_N_USE_TRANSPORT_MODE);
	int r;

	/* SA, TSi and TSr are there: the rules (rules.c) saw to it. */
	if (cfg->mode == IKED_MODE_TRANSPORT && !transport) {
		iked_conn_fail(sa->d, cfg, sa->no,
			       "no proposal chosen: mode mismatch: the peer wants tunnel mode, type=transport here");
		ikev2_chain_add_notify(out, 0, NULL, 0,
				       IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return -ENOPROTOOPT;
	}
	/* The first CHILD SA takes its keys from the IKE SA's (1.2). */
	if (in_auth)
		r = ikev2_sa_select_no_ke(&in->sa, &cfg->esp, chosen);
	else
		r = ikev2_sa_select(&in->sa, &cfg->esp, IKEV2_PROTO_ESP,
				    *gir_len ? in->ke.group : 0, chosen);
	/*
	 * The peer offered PFS as optional and we chose none: its KE is
	 * not used, in the keys or in the answer.
	 */
	if (!r && !chosen->dh)
		*gir_len = 0;
	if ((!r && chosen->dh && !*gir_len) || r) {
		/* All but the key exchange would do: name the real cause. */
		child_diag_respond(sa, &in->sa, *gir_len ? in->ke.group : 0,
				   !in_auth && (!r ||
				   !ikev2_sa_select_no_ke(&in->sa, &cfg->esp,
							  chosen)));
		ikev2_chain_add_notify(out, 0, NULL, 0,
				       IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return -ENOPROTOOPT;
	}
	return 0;
}

/*
 * The responder's traffic selectors: the peer's narrowed to ours, into
 * @tsi and @tsr: 0, or -ENOENT with TS_UNACCEPTABLE added to @out.
 */
static int respond_ts(struct ike_sa *sa, const struct ikev2_chain *in,
		      struct iked_ts_list *tsi, struct iked_ts_list *tsr,
		      struct ikev2_chain *out)
{
	struct iked_ts_list ours_i, ours_r;
	char a[512], b[512], c[512], d[512];
	int r;

	r = iked_ts_from_conf(&ours_i, sa->remote->ts, sa->remote->n_ts,
			       &sa->path.remote);
	if (!r)
		r = iked_ts_from_conf(&ours_r, sa->local->ts, sa->local->n_ts,
				       &sa->path.local);
	if (!r)
		r = iked_ts_narrow(&in->tsi, &ours_i, tsi);
	if (!r)
		r = iked_ts_narrow(&in->tsr, &ours_r, tsr);
	if (r) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "TS unacceptable: traffic selector mismatch: peer proposed TSi %s, TSr %s; we have rightsubnet %s, leftsubnet %s",
			       iked_ts_format(&in->tsi, a, sizeof(a)),
			       iked_ts_format(&in->tsr, b, sizeof(b)),
			       iked_ts_format(&ours_i, c, sizeof(c)),
			       iked_ts_format(&ours_r, d, sizeof(d)));
		ikev2_chain_add_notify(out, 0, NULL, 0,
				       IKEV2_N_TS_UNACCEPTABLE, NULL, 0);
		return -ENOENT;
	}
	return 0;
}

int child_respond(struct ike_sa *sa, const struct ikev2_chain *in,
		  const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		  size_t nr_len, const uint8_t *gir, size_t gir_len,
		  bool in_auth, bool *used_ke, struct ikev2_chain *out)
{
	const struct iked_conf_conn *cfg = sa->conn;
	struct iked_ts_list tsi, tsr;
	struct iked_chosen chosen;
	uint8_t spi[4];
	uint32_t spi_in, spi_out;
	int r;

	/* SA, TSi and TSr are there: the rules (rules.c) saw to it. */
	r = respond_select(sa, in, in_auth, &gir_len, &chosen, out);
	if (!r)
		r = respond_ts(sa, in, &tsi, &tsr, out);
	if (r)
		return r;
	r = iked_kernel_spi_alloc(sa->d->kern, &sa->path.local, &spi_in);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot reserve an SPI: %s",
			   child_sa_kerr(sa));
		goto temp;
	}
	spi_out = ikev2_get32(chosen.spi);
	/* tsr is ours (local), tsi the peer's. */
	r = install(sa, &chosen, spi_in, spi_out,
		    cfg->mode == IKED_MODE_TRANSPORT ? KESP_MODE_TRANSPORT :
						       KESP_MODE_TUNNEL,
		    &tsr, &tsi, false, ni, ni_len, nr, nr_len, gir, gir_len,
		    v2(sa)->inst.defer_out ||
		    (!in_auth && ikev2_chain_notify(in, IKEV2_N_REKEY_SA)));
	if (r)
		goto temp;
	sa->children->from_auth = in_auth;
	if (used_ke)
		*used_ke = gir_len != 0;
	if (cfg->mode == IKED_MODE_TRANSPORT)
		ikev2_chain_add_notify(out, 0, NULL, 0,
				       IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_put32(spi, spi_in);
	memset(&out->sa, 0, sizeof(out->sa));
	r = ikev2_sa_from_chosen(&out->sa, &chosen, spi, 4);
	if (!r)
		r = ikev2_chain_add(out, IKEV2_PL_SA);
	out->tsi = tsi;
	if (!r)
		r = ikev2_chain_add(out, IKEV2_PL_TSI);
	out->tsr = tsr;
	if (!r)
		r = ikev2_chain_add(out, IKEV2_PL_TSR);
	return r;
temp:
	/* Our trouble, not the proposal's: the peer may try again (1.3). */
	ikev2_chain_add_notify(out, 0, NULL, 0, IKEV2_N_TEMPORARY_FAILURE,
			       NULL, 0);
	return r;
}

int child_complete(struct ike_sa *sa, const struct ikev2_chain *in,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		   size_t nr_len, const uint8_t *gir, size_t gir_len)
{
	struct child_pending *p = &v2(sa)->pend;
	struct iked_chosen chosen;
	char a[512], b[512];
	unsigned int i;
	int r = -EPROTO;

	if (!p->active)
		return -EINVAL;
	for (i = 0; i < in->n_notify; i++) {
		uint16_t t = in->notify[i].type;

		if (t >= IKEV2_N_INITIAL_CONTACT)
			continue;
		if (t == IKEV2_N_NO_PROPOSAL_CHOSEN)
			child_diag_refused(sa, &p->offered,
					   p->dh ? iked_dh_group(p->dh) : 0);
		else if (t == IKEV2_N_TS_UNACCEPTABLE)
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "TS unacceptable: traffic selector mismatch: the peer refused TSi %s, TSr %s (check leftsubnet/rightsubnet on both sides)",
				       iked_ts_format(&p->tsi, a, sizeof(a)),
				       iked_ts_format(&p->tsr, b, sizeof(b)));
		else if (t == IKEV2_N_TEMPORARY_FAILURE && p->rekey_spi)
			/* A collision (both ends rekeying): retried. */
			ike_sa_log(sa, IKED_LOG_INFO,
				   "the peer is rekeying the same CHILD SA (TEMPORARY_FAILURE): trying again shortly");
		else if (t == IKEV2_N_CHILD_SA_NOT_FOUND && p->rekey_spi)
			/* It rekeyed or deleted it first: nothing is lost. */
			ike_sa_log(sa, IKED_LOG_INFO,
				   "the peer had already replaced the CHILD SA we were rekeying (CHILD_SA_NOT_FOUND)");
		else
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "CHILD SA refused by the peer: %s",
				       ikev2_notify_name(t) ?: "unknown error");
		goto out;
	}
	/* Not a refusal: SA, TSi and TSr are there (rules.c). */
	r = ikev2_sa_check_reply(&in->sa, &p->offered, IKEV2_PROTO_ESP,
				 &chosen);
	if (r) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "the peer chose an ESP proposal we did not offer");
		goto out;
	}
	if (!iked_ts_within(&in->tsi, &p->tsi) ||
	    !iked_ts_within(&in->tsr, &p->tsr)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "TS unacceptable: the peer answered with selectors we did not offer: TSi %s, TSr %s",
			       iked_ts_format(&in->tsi, a, sizeof(a)),
			       iked_ts_format(&in->tsr, b, sizeof(b)));
		r = -EPROTO;
		goto out;
	}
	if (sa->conn->mode == IKED_MODE_TRANSPORT &&
	    !ikev2_chain_notify(in, IKEV2_N_USE_TRANSPORT_MODE)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "mode mismatch: type=transport, the peer wants tunnel mode");
		r = -EPROTO;
		goto out;
	}
	r = install(sa, &chosen, p->spi_in, ikev2_get32(chosen.spi),
		    sa->conn->mode == IKED_MODE_TRANSPORT ?
		    KESP_MODE_TRANSPORT : KESP_MODE_TUNNEL,
		    &in->tsi, &in->tsr, true, ni, ni_len, nr, nr_len, gir,
		    gir_len, false);
	/* IKE_AUTH's CHILD SA is keyed with the IKE SA's nonces (2.17). */
	if (!r)
		sa->children->from_auth = ni == v2(sa)->ni;
out:
	child_pending_clear(sa);
	return r;
}
