/* SPDX-License-Identifier: GPL-2.0 */
/* A responder's defence against floods of first messages, whatever version: half-open IKE SAs counted and limited, stateless cookies from a threshold on. */

#ifndef KESP_IKED_SA_HALFOPEN_H
#define KESP_IKED_SA_HALFOPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../daemon.h"

/* A cookie: the version of the secret, then 16 bytes of HMAC-SHA-256. */
#define IKED_COOKIE_LEN		17

/*
 * The half-open IKE SAs (a peer's, answered, not authenticated yet) of
 * every version, in all into *@all and from @peer into *@from_peer.
 * Returns whether one more would be one too many: each costs a key
 * exchange and a few KB, and anyone can start one from any address.
 */
bool halfopen_full(const struct iked *d, const struct kesp_addr *peer,
		   unsigned int *all, unsigned int *from_peer);

/* Whether a first message must bring a cookie now (--cookie-threshold). */
bool cookie_required(const struct iked *d, unsigned int half_open);
/*
 * The cookie of an initiator at @ip with SPI @spi_i and nonce @nonce
 * (RFC 7296 2.6: <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>),
 * here HMAC-SHA-256 keyed with the daemon's secret, cut to 16 bytes).
 * Nothing is stored: a valid cookie proves that the initiator gets our
 * packets at the address it claims.
 */
void cookie_make(const struct iked *d, const struct kesp_addr *ip,
		 const uint8_t spi_i[8], const uint8_t *nonce,
		 size_t nonce_len, uint8_t cookie[IKED_COOKIE_LEN]);
/* Whether @got (@len bytes) is @want (in constant time). */
bool cookie_matches(const uint8_t want[IKED_COOKIE_LEN], const uint8_t *got,
		    size_t len);
/*
 * We asked @from for a cookie with @half_open IKE SAs half-open: one
 * line per period, not one per packet of a flood.
 */
void cookie_asked(struct iked *d, unsigned int half_open, const char *from);

#endif /* KESP_IKED_SA_HALFOPEN_H */
