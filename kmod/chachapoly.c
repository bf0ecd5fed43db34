// SPDX-License-Identifier: GPL-2.0
/*
 * ChaCha20-Poly1305 for ESP (RFC 7634) straight from the kernel's crypto
 * library, as WireGuard does, instead of through the crypto API's
 * seqiv(rfc7539esp(chacha20,poly1305)). The template runs each packet as
 * a chain of requests (Poly1305 key, encryption, then Poly1305 over the
 * associated data, its padding, the ciphertext, its padding and the
 * lengths, each a step of its own) with scatterlists between them; the
 * library does one synchronous call per step on the linear buffer the
 * packet path already has. ChaCha20-Poly1305 has no crypto offload to
 * keep usable on the machines kesp runs on; the other transforms stay on
 * the crypto API, where such hardware plugs in.
 *
 * Same bytes on the wire as XFRM's: the nonce is the SA's 4-byte salt
 * (the last 4 bytes of the key material) and the packet's 8-byte IV, the
 * associated data the SPI and sequence number (and the high half of the
 * ESN), the ICV 16 bytes (RFC 7634 2, 3). The IV is the packet's
 * sequence number: unique per SA, which is all RFC 7634 2 asks.
 *
 * The library's functions are bound at the first ChaCha20-Poly1305 SA
 * (symbol_request(), which loads chacha-x86_64 and poly1305-x86_64 or
 * their kind), not linked: kesp.ko keeps loading with a bare insmod, and
 * a kernel without them keeps the crypto API's path.
 */

#include <crypto/algapi.h>
#include <crypto/chacha.h>
#include <crypto/poly1305.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include "chachapoly.h"
#include "sa.h"

/*
 * On by default: it carried more than the crypto API's template in the
 * same guest boot (README, Benchmarks). Read when an SA is added (see
 * crypto.c: one key, one IV generator); make bench adds a second pair of
 * SAs under the other value to measure both.
 */
bool kesp_chacha_lib = true;
module_param_named(chacha_lib, kesp_chacha_lib, bool, 0644);
MODULE_PARM_DESC(chacha_lib,
		 "ChaCha20-Poly1305 through the crypto library in one pass (default 1; 0: the crypto API's rfc7539esp template)");

#define SALT_LEN 4
#define IV_LEN 8

/* The library's functions, once bound; under lib_lock until then. */
static struct {
	void (*crypt)(u32 *state, u8 *dst, const u8 *src, unsigned int bytes,
		      int nrounds);
	void (*poly_init)(struct poly1305_desc_ctx *desc,
			  const u8 key[POLY1305_KEY_SIZE]);
	void (*poly_update)(struct poly1305_desc_ctx *desc, const u8 *src,
			    unsigned int nbytes);
	void (*poly_final)(struct poly1305_desc_ctx *desc, u8 *digest);
	bool tried;
} lib;
static DEFINE_MUTEX(lib_lock);

static void lib_put(void)
{
	if (lib.crypt)
		symbol_put(chacha_crypt_arch);
	if (lib.poly_init)
		symbol_put(poly1305_init_arch);
	if (lib.poly_update)
		symbol_put(poly1305_update_arch);
	if (lib.poly_final)
		symbol_put(poly1305_final_arch);
	memset(&lib, 0, sizeof(lib));
}

/* Bind the library once; false if this kernel lacks it. */
static bool lib_bound(void)
{
	bool ok;

	mutex_lock(&lib_lock);
	if (!lib.tried) {
		lib.crypt = symbol_request(chacha_crypt_arch);
		lib.poly_init = symbol_request(poly1305_init_arch);
		lib.poly_update = symbol_request(poly1305_update_arch);
		lib.poly_final = symbol_request(poly1305_final_arch);
		if (!lib.crypt || !lib.poly_init || !lib.poly_update ||
		    !lib.poly_final) {
			lib_put();
			pr_info("kesp: no ChaCha20/Poly1305 library in this kernel: ChaCha20-Poly1305 SAs use the crypto API\n");
		}
		lib.tried = true;
	}
	ok = lib.crypt;
	mutex_unlock(&lib_lock);
	return ok;
}

void kesp_chachapoly_exit(void)
{
	lib_put();
}

struct kesp_chachapoly {
	u32 key[CHACHA_KEY_SIZE / sizeof(u32)];
	u8 salt[SALT_LEN];
};

int kesp_chachapoly_init(struct kesp_sa *sa, const u8 *key,
			 unsigned int keylen)
{
	struct kesp_chachapoly *cp;
	int i;

	if (keylen != CHACHA_KEY_SIZE + SALT_LEN)
		return -EINVAL;
	if (!lib_bound())
		return 0;
	cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
	if (!cp)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(cp->key); i++)
		cp->key[i] = get_unaligned_le32(key + i * sizeof(u32));
	memcpy(cp->salt, key + CHACHA_KEY_SIZE, SALT_LEN);
	sa->chachapoly = cp;
	return 0;
}

void kesp_chachapoly_free(struct kesp_sa *sa)
{
	kfree_sensitive(sa->chachapoly);
	sa->chachapoly = NULL;
}

/*
 * The ChaCha20 state for @iv at block 0, and the Poly1305 state keyed
 * by that block (RFC 8439 2.6); the state is left at block 1.
 */
static void start(const struct kesp_chachapoly *cp, const u8 *iv,
		  u32 *state, struct poly1305_desc_ctx *poly)
{
	u8 nonce[CHACHA_IV_SIZE] = { 0 };	/* block counter 0, then nonce */
	u8 block0[POLY1305_KEY_SIZE] = { 0 };

	memcpy(nonce + 4, cp->salt, SALT_LEN);
	memcpy(nonce + 4 + SALT_LEN, iv, IV_LEN);
	chacha_init_generic(state, cp->key, nonce);
	/* A partial block still uses the whole block: the next starts at 1. */
	lib.crypt(state, block0, block0, sizeof(block0), 20);
	lib.poly_init(poly, block0);
	memzero_explicit(block0, sizeof(block0));
}

static void pad16(struct poly1305_desc_ctx *poly, size_t len)
{
	static const u8 zeros[16];

	if (len % 16)
		lib.poly_update(poly, zeros, 16 - len % 16);
}

/* Poly1305 over the data and the ciphertext, padded, and their lengths. */
static void mac(struct poly1305_desc_ctx *poly, const u8 *ad,
		unsigned int adlen, const u8 *ct, unsigned int len, u8 *tag)
{
	__le64 lens[2] = { cpu_to_le64(adlen), cpu_to_le64(len) };

	lib.poly_update(poly, ad, adlen);
	pad16(poly, adlen);
	lib.poly_update(poly, ct, len);
	pad16(poly, len);
	lib.poly_update(poly, (const u8 *)lens, sizeof(lens));
	lib.poly_final(poly, tag);
}

/*
 * @buf: @adlen bytes of associated data, the 8-byte IV, @len bytes to
 * encrypt in place, room for the 16-byte ICV. Writes the IV (@seq) too.
 */
void kesp_chachapoly_seal(const struct kesp_sa *sa, u8 *buf,
			  unsigned int adlen, unsigned int len, u64 seq)
{
	u8 *iv = buf + adlen, *data = iv + IV_LEN;
	u32 state[CHACHA_STATE_WORDS];
	struct poly1305_desc_ctx poly;

	put_unaligned_be64(seq, iv);
	start(sa->chachapoly, iv, state, &poly);
	lib.crypt(state, data, data, len, 20);
	mac(&poly, buf, adlen, data, len, data + len);
	memzero_explicit(state, sizeof(state));
}

/*
 * @buf as for kesp_chachapoly_seal() with the IV and ICV as received;
 * 0 and the plaintext in place, or -EBADMSG and @buf unchanged.
 */
int kesp_chachapoly_open(const struct kesp_sa *sa, u8 *buf,
			 unsigned int adlen, unsigned int len)
{
	u8 *iv = buf + adlen, *data = iv + IV_LEN;
	u32 state[CHACHA_STATE_WORDS];
	struct poly1305_desc_ctx poly;
	u8 tag[POLY1305_DIGEST_SIZE];
	int err = 0;

	start(sa->chachapoly, iv, state, &poly);
	mac(&poly, buf, adlen, data, len, tag);
	if (crypto_memneq(tag, data + len, sizeof(tag)))
		err = -EBADMSG;
	else
		lib.crypt(state, data, data, len, 20);
	memzero_explicit(state, sizeof(state));
	return err;
}
