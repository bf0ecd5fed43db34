/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 key material with pre-shared keys (RFC 2409 5, 5.5, 5.7 and
 * appendix B): SKEYID and its three children, the encryption key, the
 * phase 1 and phase 2 IVs, HASH_I/HASH_R, the Quick Mode and
 * Informational hashes, and KEYMAT.
 */

#ifndef KESP_IKEV1_KEYS_H
#define KESP_IKEV1_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "msg.h"

/* Hash algorithms of the phase 1 Hash attribute (RFC 2409 appendix A). */
enum ikev1_hash {
	IKEV1_HASH_MD5 = 1,
	IKEV1_HASH_SHA1 = 2,
	IKEV1_HASH_SHA2_256 = 4,
	IKEV1_HASH_SHA2_384 = 5,
	IKEV1_HASH_SHA2_512 = 6,
};

#define IKEV1_HASH_MAX	64	/* SHA2-512 */
#define IKEV1_KEY_MAX	32	/* AES-256 */
#define IKEV1_BLOCK_MAX	16

/* Output length of @hash (and of its HMAC, the prf), 0 if unknown. */
size_t ikev1_hash_len(uint8_t hash);

/* The phase 1 inputs (PSK authentication). */
struct ikev1_p1_in {
	uint8_t hash;			/* enum ikev1_hash */
	const uint8_t *psk;
	size_t psk_len;
	const uint8_t *ni, *nr;		/* nonce bodies Ni_b, Nr_b */
	size_t ni_len, nr_len;
	const uint8_t *gxi, *gxr;	/* the KE payload bodies */
	size_t gxi_len, gxr_len;
	const uint8_t *gxy;		/* the DH shared secret */
	size_t gxy_len;
	const uint8_t *ck_i, *ck_r;	/* 8 bytes each */
	size_t key_len;			/* the cipher's key length */
	size_t block_len;		/* the cipher's block size */
};

struct ikev1_keys {
	uint8_t hash;
	size_t len;			/* prf output length */
	uint8_t skeyid[IKEV1_HASH_MAX];
	uint8_t skeyid_d[IKEV1_HASH_MAX];
	uint8_t skeyid_a[IKEV1_HASH_MAX];
	uint8_t skeyid_e[IKEV1_HASH_MAX];
	uint8_t ka[IKEV1_KEY_MAX];	/* the encryption key */
	size_t ka_len;
	uint8_t iv[IKEV1_BLOCK_MAX];	/* the phase 1 IV */
	size_t block_len;
};

/*
 * SKEYID = prf(PSK, Ni_b | Nr_b), SKEYID_d/_a/_e, Ka (expanded as in
 * appendix B when SKEYID_e is shorter), IV = hash(g^xi | g^xr). 0,
 * -EINVAL (unknown hash, key or block too long), -ENOMEM, -EIO.
 */
int ikev1_keys_psk(struct ikev1_keys *k, const struct ikev1_p1_in *in);
/* The same with SKEYID = prf(Ni_b | Nr_b, g^xy): signature authentication. */
int ikev1_keys_sig(struct ikev1_keys *k, const struct ikev1_p1_in *in);

/*
 * HASH_I (@initiator) or HASH_R into @out (k->len bytes): @sai_b the
 * initiator's SA payload body, @id_b the sender's ID payload body.
 */
int ikev1_hash_auth(const struct ikev1_keys *k, const struct ikev1_p1_in *in,
		    bool initiator, const uint8_t *sai_b, size_t sai_len,
		    const uint8_t *id_b, size_t id_len, uint8_t *out);

/*
 * A NAT-D payload's hash (RFC 3947 3.2): HASH(CKY-I | CKY-R | IP | Port)
 * with the negotiated hash @hash (not its HMAC), @addr of @alen bytes
 * (4 or 16), @port in host order, ikev1_hash_len(@hash) bytes into @out.
 * 0 or -EINVAL, -ENOMEM, -EIO.
 */
int ikev1_natd_hash(uint8_t hash, const uint8_t ck_i[8], const uint8_t ck_r[8],
		    const uint8_t *addr, size_t alen, uint16_t port,
		    uint8_t *out);

/*
 * The IV of a phase 2 or Informational exchange: hash(@last | M-ID)
 * truncated to @block_len; @last is the last CBC block of phase 1.
 */
int ikev1_iv_phase2(uint8_t hash, const uint8_t *last, size_t block_len,
		    uint32_t msg_id, uint8_t *out);

/*
 * Quick Mode HASH(1) and Informational HASH(1): prf(SKEYID_a, M-ID |
 * @rest), @rest the message after its HASH payload, without padding.
 */
int ikev1_hash1(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *rest, size_t rest_len, uint8_t *out);
/* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | @rest). */
int ikev1_hash2(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *ni, size_t ni_len, const uint8_t *rest,
		size_t rest_len, uint8_t *out);
/* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
int ikev1_hash3(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		size_t nr_len, uint8_t *out);

/*
 * What follows the HASH payload of a decrypted chain parsed from
 * @plain/@len: the bytes HASH(1)/HASH(2) cover. -EBADMSG when the chain
 * does not start with HASH.
 */
int ikev1_after_hash(const struct ikev1_chain *c, const uint8_t *plain,
		     size_t len, const uint8_t **rest, size_t *rest_len);

/*
 * KEYMAT for one SA (@proto, @spi of 4 bytes, the receiver's SPI) of
 * @out_len bytes: K1 = prf(SKEYID_d, [g^xy |] proto | SPI | Ni_b | Nr_b),
 * Kn+1 = prf(SKEYID_d, Kn | [g^xy |] proto | SPI | Ni_b | Nr_b). @gxy
 * NULL without PFS.
 */
int ikev1_keymat(const struct ikev1_keys *k, const uint8_t *gxy,
		 size_t gxy_len, uint8_t proto, const uint8_t *spi,
		 const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		 size_t nr_len, uint8_t *out, size_t out_len);

/* Wipes the key material. */
void ikev1_keys_wipe(struct ikev1_keys *k);

#endif /* KESP_IKEV1_KEYS_H */
