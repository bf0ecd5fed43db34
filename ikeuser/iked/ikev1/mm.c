// SPDX-License-Identifier: GPL-2.0
/* Main Mode with pre-shared keys or RSA signatures (RFC 2409 5, 5.4, 5.1): its first message and the pieces both roles build messages from (KE, nonces, keys, ID and HASH). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "v1.h"
#include "../conn.h"
#include "../secrets.h"

static struct ikev1_msg *msg_new(struct ike_sa *sa)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));

	if (m)
		v1_hdr(sa, &m->hdr, IKEV1_EXCH_MAIN, 0);
	return m;
}

/* A copy of the body of payload @pl of @c, as the hashes read it. */
int v1_pl_body(const struct ikev1_chain *c, const struct ikev1_pl *pl,
		   uint8_t **out, size_t *len)
{
	uint8_t buf[4096];
	int r = ikev1_pl_build(c, pl, buf, sizeof(buf), len);

	if (r)
		return r;
	*out = malloc(*len ? *len : 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, buf, *len);
	return 0;
}

int v1_mm_start(struct ike_sa *sa)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_msg *m = msg_new(sa);
	int r = m ? 0 : -ENOMEM;

	if (!r)
		r = v1_sa1_offer(sa, &m->chain, 0);
	if (!r)
		r = v1_pl_body(&m->chain, &m->chain.pl[0], &v->sai_b, &v->sai_len);
	if (!r)
		r = v1_add_vids(sa, &m->chain);
	if (!r)
		r = v1_natt_add_vids(sa, &m->chain);
	if (!r)
		r = v1_send_plain(sa, m, V1_REQ_MM1);
	free(m);
	if (r)
		return r;
	v->st = V1_MM_WAIT_MSG2;
	sa->state = IKE_INIT_SENT;
	ike_sa_log(sa, IKED_LOG_INFO, "initiating Main Mode to %s",
		   kesp_addr_format(&sa->path.remote,
				    (char[KESP_ADDR_STRLEN]){ 0 },
				    KESP_ADDR_STRLEN));
	return 0;
}

/* Our KE and nonce, into v->gx? and v->n?. */
int v1_mm_make_ke_nonce(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	uint8_t *gx = sa->initiator ? v->gxi : v->gxr;
	size_t *gx_len = sa->initiator ? &v->gxi_len : &v->gxr_len;
	uint8_t *n = sa->initiator ? v->ni : v->nr;
	size_t *n_len = sa->initiator ? &v->ni_len : &v->nr_len;
	const uint8_t *pub;
	int r;

	r = iked_dh_new(v->alg.group, &v->dh);
	if (r)
		return r;
	pub = iked_dh_pub(v->dh, gx_len);
	if (*gx_len > V1_KE_MAX)
		return -E2BIG;
	memcpy(gx, pub, *gx_len);
	*n_len = V1_NONCE_LEN;
	if (RAND_bytes(n, V1_NONCE_LEN) != 1)
		return -EIO;
	if (!ikev1_chain_add_raw(c, IKEV1_PL_KE, gx, *gx_len) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_NONCE, n, *n_len))
		return -E2BIG;
	return 0;
}

/* The peer's KE and nonce from @c. */
int v1_mm_take_ke_nonce(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	const struct ikev1_pl *ke = ikev1_chain_find(c, IKEV1_PL_KE, 0);
	const struct ikev1_pl *no = ikev1_chain_find(c, IKEV1_PL_NONCE, 0);

	if (ke->len != iked_dh_pub_len(v->alg.group) || ke->len > V1_KE_MAX ||
	    no->len < 8 || no->len > V1_NONCE_MAX) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped message: KE of %zu bytes (group %u wants %zu) or nonce of %zu bytes (8-256)",
			   ke->len, v->alg.group,
			   iked_dh_pub_len(v->alg.group), no->len);
		return -EBADMSG;
	}
	if (sa->initiator) {
		memcpy(v->gxr, ke->body, ke->len);
		v->gxr_len = ke->len;
		memcpy(v->nr, no->body, no->len);
		v->nr_len = no->len;
	} else {
		memcpy(v->gxi, ke->body, ke->len);
		v->gxi_len = ke->len;
		memcpy(v->ni, no->body, no->len);
		v->ni_len = no->len;
	}
	return 0;
}

static void p1_in(struct ike_sa *sa, struct ikev1_p1_in *in,
		  const struct iked_secret *psk, const uint8_t *gxy,
		  size_t gxy_len)
{
	struct v1_sa *v = v1(sa);

	*in = (struct ikev1_p1_in){
		.hash = v->alg.hash,
		.psk = psk ? psk->key : NULL, .psk_len = psk ? psk->key_len : 0,
		.ni = v->ni, .ni_len = v->ni_len,
		.nr = v->nr, .nr_len = v->nr_len,
		.gxi = v->gxi, .gxi_len = v->gxi_len,
		.gxr = v->gxr, .gxr_len = v->gxr_len,
		.gxy = gxy, .gxy_len = gxy_len,
		.ck_i = sa->spi_i, .ck_r = sa->spi_r,
		.key_len = ikev1_encr_key_len(v->alg.encr, v->alg.key_bits),
		.block_len = ikev1_encr_block_len(v->alg.encr),
	};
}

/* g^xy, SKEYID and the rest, the phase 1 IV. */
int v1_mm_derive(struct ike_sa *sa)
{
	struct v1_sa *v = v1(sa);
	const uint8_t *peer = sa->initiator ? v->gxr : v->gxi;
	size_t peer_len = sa->initiator ? v->gxr_len : v->gxi_len;
	const struct iked_secret *psk = NULL;
	struct iked_conf_id us;
	char a[IKED_ID_STRLEN], b[IKED_ID_STRLEN];
	uint8_t gxy[IKED_DH_SHARED_MAX];
	struct ikev1_p1_in in;
	size_t gxy_len;
	int r;

	ike_sa_local_id(sa, &us);
	if (!v1_sig(sa))
		psk = iked_secrets_lookup(sa->d->secrets, &us, &sa->remote->id);
	if (!v1_sig(sa) && !psk) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no pre-shared key for %s - %s in %s",
			       iked_conf_id_format(&us, a, sizeof(a)),
			       iked_conf_id_format(&sa->remote->id, b,
						   sizeof(b)),
			       sa->d->secrets_path);
		return -ENOKEY;
	}
	r = iked_dh_shared(v->dh, peer, peer_len, gxy, &gxy_len);
	if (r) {
		ike_sa_log(sa, IKED_LOG_INFO, "the peer's KE value is invalid for %s",
			   iked_dh_name(v->alg.group));
		return r;
	}
	p1_in(sa, &in, psk, gxy, gxy_len);
	r = v1_sig(sa) ? ikev1_keys_sig(&v->keys, &in) :
			 ikev1_keys_psk(&v->keys, &in);
	if (!r)
		r = ikev1_ivs_init(&v->ivs, v->alg.hash, v->keys.iv,
				   in.block_len);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	iked_dh_free(v->dh);
	v->dh = NULL;
	return r;
}

/* HASH_I or HASH_R (@of_initiator) over @id_b. */
int v1_mm_auth_hash(struct ike_sa *sa, bool of_initiator, const uint8_t *id_b,
		     size_t id_len, uint8_t *out)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_p1_in in;

	p1_in(sa, &in, NULL, NULL, 0);
	return ikev1_hash_auth(&v->keys, &in, of_initiator, v->sai_b,
			       v->sai_len, id_b, id_len, out);
}

/* MM5 or MM6: our ID and its HASH, or CERT and SIG (INITIAL-CONTACT, RESPONDER-LIFETIME perhaps), encrypted. */
int v1_mm_send_id_hash(struct ike_sa *sa)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	uint8_t hash[IKEV1_HASH_MAX], *id_b = NULL;
	struct iked_conf_id us;
	struct ikev1_pl *pl;
	struct ikev1_hdr h;
	size_t id_len;
	int r = c ? 0 : -ENOMEM;

	ike_sa_local_id(sa, &us);
	if (!r && !(pl = ikev1_chain_add(c, IKEV1_PL_ID)))
		r = -E2BIG;
	if (!r) {
		pl->u.id = (struct ikev1_id){ .type = us.type,
					      .data = us.data,
					      .len = us.len };
		r = v1_pl_body(c, pl, &id_b, &id_len);
	}
	if (!r && v1_sig(sa))
		r = v1_sig_add_auth(sa, c, id_b, id_len);
	else if (!r)
		r = v1_mm_auth_hash(sa, sa->initiator, id_b, id_len, hash);
	if (!r && !v1_sig(sa) &&
	    !ikev1_chain_add_raw(c, IKEV1_PL_HASH, hash, v1(sa)->keys.len))
		r = -E2BIG;
	if (!r)
		r = v1_add_initial_contact(sa, c);
	if (!r)
		r = v1_life1_add_notify(sa, c);
	v1_hdr(sa, &h, IKEV1_EXCH_MAIN, 0);
	if (!r)
		r = v1_send_enc(sa, &h, c, sa->initiator ? V1_REQ_MM5 :
				V1_REQ_NONE, NULL);
	free(id_b);
	free(c);
	return r;
}
