/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 message encryption (RFC 2408 3.1, RFC 2409 5 and appendix B): CBC with
 * 3DES or AES, zero padding out, any padding in, and the IV chains, one
 * per exchange (message ID).
 */

#ifndef KESP_IKEV1_CRYPT_H
#define KESP_IKEV1_CRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "keys.h"

/* Phase 1 Encryption Algorithm attribute values (RFC 2409 appendix A). */
enum ikev1_encr {
	IKEV1_ENCR_3DES_CBC = 5,
	IKEV1_ENCR_AES_CBC = 7,		/* RFC 3602 */
};

/* Exchanges whose IVs are kept at once (phase 1, Quick Modes, Info). */
#define IKEV1_IV_SLOTS	8

struct ikev1_ivs {
	uint8_t hash;		/* for the phase 2 IV derivation */
	size_t block;
	/* the phase 1 chain: its last block seeds every phase 2 IV */
	uint8_t p1[IKEV1_BLOCK_MAX];
	struct {
		uint32_t msg_id;	/* 0: free */
		uint32_t age;
		uint8_t iv[IKEV1_BLOCK_MAX];
	} slot[IKEV1_IV_SLOTS];
	uint32_t clock;
};

/*
 * Key and block length of @encr with Key Length @key_bits (AES: 128, 192
 * or 256; 3DES: 0 or 192). 0 when unsupported.
 */
size_t ikev1_encr_key_len(uint8_t encr, uint16_t key_bits);
size_t ikev1_encr_block_len(uint8_t encr);

/* Starts the chains with the phase 1 IV @iv (@block bytes). */
int ikev1_ivs_init(struct ikev1_ivs *s, uint8_t hash, const uint8_t *iv,
		   size_t block);
/*
 * The current IV of exchange @msg_id (0: phase 1); a new phase 2 or
 * Informational exchange starts with hash(last phase 1 block | M-ID).
 */
int ikev1_ivs_get(struct ikev1_ivs *s, uint32_t msg_id, uint8_t *iv);
/* Sets the IV of exchange @msg_id (0: phase 1). */
void ikev1_ivs_set(struct ikev1_ivs *s, uint32_t msg_id, const uint8_t *iv);
/* Forgets exchange @msg_id (done): its slot is free again. */
void ikev1_ivs_drop(struct ikev1_ivs *s, uint32_t msg_id);

/*
 * Encrypts @plain (@plen bytes), zero-padded to the block size, into
 * @out (@cap bytes, *@olen written) with the IV of @msg_id, whose chain
 * then continues from the last ciphertext block. 0, -ENOSPC, -EINVAL,
 * -EIO.
 */
int ikev1_encrypt(struct ikev1_ivs *s, uint8_t encr, const uint8_t *key,
		  size_t key_len, uint32_t msg_id, const uint8_t *plain,
		  size_t plen, uint8_t *out, size_t cap, size_t *olen);

/*
 * Decrypts @ct (@clen bytes, a non-zero multiple of the block size, else
 * -EBADMSG) into @out (@clen bytes) with the IV of @msg_id, which then
 * continues from @ct's last block. The padding is left to the chain
 * parser (ikev1_chain_parse with padded). 0, -EBADMSG, -EINVAL, -EIO.
 */
int ikev1_decrypt(struct ikev1_ivs *s, uint8_t encr, const uint8_t *key,
		  size_t key_len, uint32_t msg_id, const uint8_t *ct,
		  size_t clen, uint8_t *out);

#endif /* KESP_IKEV1_CRYPT_H */
