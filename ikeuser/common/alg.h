/* SPDX-License-Identifier: GPL-2.0 */
/* The ESP algorithms kesp knows: names, IKEv2 numbers, key and ICV sizes. */

#ifndef KESP_COMMON_ALG_H
#define KESP_COMMON_ALG_H

#include <stddef.h>
#include <stdint.h>

/* The IKEv2 transform types the table covers (RFC 7296, section 3.3.2). */
enum kesp_alg_type {
	KESP_ALG_ENC = 1,	/* encryption, enum kesp_enc */
	KESP_ALG_INTEG = 3,	/* integrity, enum kesp_integ */
};

#define KESP_ALG_MAX_KEY_LENS	3
#define KESP_ALG_MAX_ALIASES	7
/* The longest key (with salt) of any transform in the table. */
#define KESP_ALG_KEY_MAX	64

struct kesp_alg {
	enum kesp_alg_type type;
	uint16_t id;		/* IKEv2 transform ID, as the uapi numbers it */
	/* What kespctl prints; unique, and what to write in scripts. */
	const char *name;
	/* Other spellings accepted on input, NULL-terminated. */
	const char *aliases[KESP_ALG_MAX_ALIASES + 1];
	/* Accepted key lengths in bytes, without the salt. */
	uint8_t key_lens[KESP_ALG_MAX_KEY_LENS];
	uint8_t n_key_lens;
	uint8_t salt_len;	/* bytes after the key (AEAD nonce salt) */
	uint8_t icv_len;	/* bytes of ICV in each packet */
	uint8_t iv_len;		/* bytes of IV in each packet */
	uint8_t block_len;	/* the ESP trailer pads to this (at least 4) */
	uint8_t aead;		/* 1: integrity included, no integ transform */
	/* IKEv2 negotiates the key size with a Key Length attribute. */
	uint8_t ike_key_attr;
	/* The Linux crypto API name (as `ip xfrm` writes it). */
	const char *linux_name;
};

/* Number of entries in the table and the entry at @i, for listings. */
size_t kesp_alg_count(void);
const struct kesp_alg *kesp_alg_at(size_t i);

/* The entry for IKEv2 transform @id of @type, or NULL. */
const struct kesp_alg *kesp_alg_by_id(enum kesp_alg_type type,
				      unsigned int id);

/*
 * The entry named @name (primary name, alias, or a strongSwan proposal
 * keyword such as "aes256gcm16"; case does not matter), or NULL. Keywords
 * that fix a key size set *@key_len to it in bytes without salt; otherwise
 * *@key_len is 0, meaning any size the transform accepts. @key_len may be
 * NULL.
 */
const struct kesp_alg *kesp_alg_by_name(enum kesp_alg_type type,
					const char *name,
					unsigned int *key_len);

/*
 * Check the length of a key as the uapi wants it: key then salt. With
 * @key_len not 0, only that key size is allowed. Returns 0, or -EINVAL
 * with a message naming the lengths that would do.
 */
int kesp_alg_check_key(const struct kesp_alg *a, size_t len,
		       unsigned int key_len, char *err, size_t errlen);

/* The primary name of @type's transform @id, or "enc-N"/"integ-N". */
const char *kesp_alg_name(enum kesp_alg_type type, unsigned int id,
			  char *buf, size_t len);

/* "aes-gcm-16, aes-ccm-16, ..." for messages that list the choices. */
const char *kesp_alg_names(enum kesp_alg_type type, char *buf, size_t len);

#endif /* KESP_COMMON_ALG_H */
