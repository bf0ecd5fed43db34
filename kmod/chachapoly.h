/* SPDX-License-Identifier: GPL-2.0 */
/* ChaCha20-Poly1305 for ESP through the crypto library, in one pass. */

#ifndef _KESP_CHACHAPOLY_H
#define _KESP_CHACHAPOLY_H

#include <linux/types.h>

struct kesp_sa;

/* Module parameter chacha_lib: the library (true) or the crypto API. */
extern bool kesp_chacha_lib;

/*
 * Keep @key (32 bytes of key, 4 of salt) for the library path; without
 * the library, leave @sa to the crypto API and return 0 all the same.
 */
int kesp_chachapoly_init(struct kesp_sa *sa, const u8 *key,
			 unsigned int keylen);
void kesp_chachapoly_free(struct kesp_sa *sa);
/* Module exit: let go of the library. */
void kesp_chachapoly_exit(void);

void kesp_chachapoly_seal(const struct kesp_sa *sa, u8 *buf,
			  unsigned int adlen, unsigned int len, u64 seq);
int kesp_chachapoly_open(const struct kesp_sa *sa, u8 *buf,
			 unsigned int adlen, unsigned int len);

#endif /* _KESP_CHACHAPOLY_H */
