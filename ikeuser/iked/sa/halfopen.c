// SPDX-License-Identifier: GPL-2.0
/* A responder's defence against floods of first messages, whatever version: half-open IKE SAs counted and limited in all and per source, stateless cookies (RFC 7296 2.6) from a threshold on. */

#include <string.h>
#include <openssl/crypto.h>

#include "halfopen.h"
#include "../crypto/prf.h"
#include "../log.h"
#include "../proposal.h"

/*
 * Half-open responder IKE SAs kept at most, in all and per source
 * address. Beyond, new requests are dropped until cookies take over this
 * job.
 */
#define HALF_OPEN_MAX		2048
#define HALF_OPEN_PER_PEER	256

/* The longest nonce a cookie covers (IKEv2's maximum). */
#define COOKIE_NONCE_MAX	256
/* Cookies asked for are logged at most once per this. */
#define COOKIE_LOG_MS		10000

bool halfopen_full(const struct iked *d, const struct kesp_addr *peer,
		   unsigned int *all, unsigned int *from_peer)
{
	const struct ike_sa *sa;

	*all = *from_peer = 0;
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->initiator || sa->state != IKE_INIT_DONE)
			continue;
		(*all)++;
		*from_peer += !memcmp(&sa->path.remote, peer, sizeof(*peer));
	}
	return *all >= HALF_OPEN_MAX || *from_peer >= HALF_OPEN_PER_PEER;
}

bool cookie_required(const struct iked *d, unsigned int half_open)
{
	return !d->cookie_threshold || half_open >= d->cookie_threshold;
}

void cookie_make(const struct iked *d, const struct kesp_addr *ip,
		 const uint8_t spi_i[8], const uint8_t *nonce,
		 size_t nonce_len, uint8_t cookie[IKED_COOKIE_LEN])
{
	uint8_t data[COOKIE_NONCE_MAX + 16 + 8], mac[IKED_PRF_MAX];
	size_t alen = kesp_addr_len(ip->family);
	size_t len = 0;

	if (nonce_len > COOKIE_NONCE_MAX)
		nonce_len = COOKIE_NONCE_MAX;
	memcpy(data, nonce, nonce_len);
	len += nonce_len;
	memcpy(data + len, ip->bytes, alen);
	len += alen;
	memcpy(data + len, spi_i, 8);
	len += 8;
	iked_prf(IKED_PROP_PRF_HMAC_SHA2_256, d->cookie_secret,
		 sizeof(d->cookie_secret), data, len, mac);
	cookie[0] = 1;
	memcpy(cookie + 1, mac, IKED_COOKIE_LEN - 1);
}

bool cookie_matches(const uint8_t want[IKED_COOKIE_LEN], const uint8_t *got,
		    size_t len)
{
	return got && len == IKED_COOKIE_LEN &&
	       !CRYPTO_memcmp(got, want, IKED_COOKIE_LEN);
}

void cookie_asked(struct iked *d, unsigned int half_open, const char *from)
{
	iked_ms now = iked_now();

	d->cookies_sent++;
	if (now < d->cookie_log_at)
		return;
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "%u half-open IKE SAs: asking for cookies (%u sent, the last to %s)",
		 half_open, d->cookies_sent, from);
	d->cookies_sent = 0;
	d->cookie_log_at = now + COOKIE_LOG_MS;
}
