// SPDX-License-Identifier: GPL-2.0
/* ESP format arithmetic and the per-packet crypto allocation. */

#include <linux/slab.h>
#include <linux/wait_bit.h>
#include "chachapoly.h"
#include "esp.h"

void kesp_esp_sizes(const struct kesp_sa *sa, struct kesp_esp_sizes *sz)
{
	sz->ivlen = crypto_aead_ivsize(sa->aead);
	sz->icvlen = crypto_aead_authsize(sa->aead);
	sz->blksize = ALIGN(crypto_aead_blocksize(sa->aead), 4);
	sz->assoclen = KESP_ESP_HLEN;
	if (sa->cfg.flags & KESP_SA_F_ESN)
		sz->assoclen += KESP_ESN_EXTRA;
}

unsigned int kesp_esp_max_payload(const struct kesp_esp_sizes *sz,
				  unsigned int mtu, unsigned int hlen)
{
	unsigned int fixed = hlen + KESP_ESP_HLEN + sz->ivlen + sz->icvlen;

	if (mtu < fixed + sz->blksize)
		return 0;
	/* Padded payload plus the two trailer bytes must end on a block. */
	return round_down(mtu - fixed, sz->blksize) - 2;
}

struct kesp_pkt *kesp_pkt_alloc(struct kesp_sa *sa, gfp_t gfp)
{
	struct crypto_aead *aead = sa->aead;
	unsigned int ivoff, reqoff, len;
	struct kesp_pkt *pkt;

	/* The library path needs no request: the packet's state only. */
	if (sa->chachapoly) {
		pkt = kmalloc(sizeof(*pkt), gfp);
		if (!pkt)
			return NULL;
		pkt->iv = NULL;
		pkt->req = NULL;
		goto done;
	}
	/* The IV must satisfy the transform's alignment, the request too. */
	ivoff = ALIGN(sizeof(*pkt), crypto_aead_alignmask(aead) + 1);
	reqoff = ALIGN(ivoff + crypto_aead_ivsize(aead),
		       crypto_tfm_ctx_alignment());
	len = reqoff + sizeof(struct aead_request) + crypto_aead_reqsize(aead);
	pkt = kmalloc(len, gfp);
	if (!pkt)
		return NULL;
	pkt->iv = (u8 *)pkt + ivoff;
	pkt->req = (void *)((u8 *)pkt + reqoff);
	aead_request_set_tfm(pkt->req, aead);
done:
	pkt->sa = sa;
	atomic_inc(&sa->kn->inflight);
	kesp_esp_sizes(sa, &pkt->sz);
	return pkt;
}

int kesp_pkt_crypt(struct kesp_pkt *pkt)
{
	struct kesp_sa *sa = pkt->sa;

	if (sa->chachapoly && pkt->decrypt)
		return kesp_chachapoly_open(sa, pkt->buf, pkt->sz.assoclen,
					    pkt->clen);
	if (sa->chachapoly) {
		kesp_chachapoly_seal(sa, pkt->buf, pkt->sz.assoclen,
				     pkt->clen, pkt->seq);
		return 0;
	}
	return pkt->decrypt ? crypto_aead_decrypt(pkt->req) :
	       crypto_aead_encrypt(pkt->req);
}

void kesp_pkt_free(struct kesp_pkt *pkt)
{
	struct kesp_net *kn = pkt->sa->kn;

	/* The request context may hold key-derived state: do not leak it. */
	kfree_sensitive(pkt);
	if (atomic_dec_and_test(&kn->inflight))
		wake_up_var(&kn->inflight);
}

void kesp_esp_fill_trailer(u8 *tail, unsigned int padlen, u8 nexthdr)
{
	unsigned int i;

	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = nexthdr;
}

bool kesp_esp_check_trailer(const u8 *end, unsigned int clen,
			    unsigned int *padlen, u8 *nexthdr)
{
	unsigned int i, n = end[-2];
	const u8 *pad = end - 2 - n;

	*padlen = n;
	*nexthdr = end[-1];
	if (n + 2 > clen)
		return false;
	for (i = 0; i < n; i++)
		if (pad[i] != i + 1)
			return false;
	return true;
}
