/* SPDX-License-Identifier: GPL-2.0 */
/* IKE and ESP proposals read from strongSwan's form ("aes256-sha256-modp2048!"). */

#ifndef KESP_IKED_PROPOSAL_H
#define KESP_IKED_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The numbers below are IANA's IKEv2 numbers, so a proposal goes into an SA
 * payload without translation. Encryption and integrity IDs are the
 * KESP_ENC_* and KESP_INTEG_* of uapi/linux/kesp.h (the same table as
 * ikeuser/common/alg.c); PRF and DH IDs exist only on the IKE side and are
 * defined here.
 */

/* Protocol ID of the SA the proposal is for (RFC 7296, section 3.3.1). */
enum iked_prop_proto {
	IKED_PROP_IKE = 1,
	IKED_PROP_ESP = 3,
};

/* Transform types (RFC 7296, section 3.3.2). */
enum iked_prop_type {
	IKED_PROP_ENCR = 1,
	IKED_PROP_PRF = 2,
	IKED_PROP_INTEG = 3,
	IKED_PROP_DH = 4,
	IKED_PROP_ESN = 5,
};

/* PRF transform IDs. */
enum {
	IKED_PROP_PRF_HMAC_MD5 = 1,
	IKED_PROP_PRF_HMAC_SHA1 = 2,
	IKED_PROP_PRF_HMAC_SHA2_256 = 5,
	IKED_PROP_PRF_HMAC_SHA2_384 = 6,
	IKED_PROP_PRF_HMAC_SHA2_512 = 7,
};

/* Key exchange (DH group) transform IDs; NONE only appears in ESP. */
enum {
	IKED_PROP_DH_NONE = 0,
	IKED_PROP_DH_MODP_1024 = 2,
	IKED_PROP_DH_MODP_1536 = 5,
	IKED_PROP_DH_MODP_2048 = 14,
	IKED_PROP_DH_MODP_3072 = 15,
	IKED_PROP_DH_MODP_4096 = 16,
	IKED_PROP_DH_MODP_6144 = 17,
	IKED_PROP_DH_MODP_8192 = 18,
	IKED_PROP_DH_ECP_256 = 19,
	IKED_PROP_DH_ECP_384 = 20,
	IKED_PROP_DH_ECP_521 = 21,
	IKED_PROP_DH_CURVE25519 = 31,
};

/* Extended Sequence Numbers transform IDs (ESP only). */
enum {
	IKED_PROP_ESN_NO = 0,
	IKED_PROP_ESN_YES = 1,
};

/* Algorithms of one type in one proposal; more is an error, not a cut. */
#define IKED_PROP_MAX_ALGS	16

struct iked_prop_alg {
	uint16_t id;
	/* Key Length attribute in bits; 0: the transform takes none. */
	uint16_t key_bits;
};

/*
 * One proposal: for each transform type the algorithms in the order of
 * preference they were written in. An AEAD proposal has no integrity
 * algorithm. An IKE proposal always has a PRF and a DH group and never an
 * ESN; an ESP proposal has no PRF, at least one ESN entry, and DH groups
 * only for PFS (IKED_PROP_DH_NONE among them means "PFS optional").
 */
struct iked_prop {
	struct iked_prop_alg encr[IKED_PROP_MAX_ALGS];
	uint16_t integ[IKED_PROP_MAX_ALGS];
	uint16_t prf[IKED_PROP_MAX_ALGS];
	uint16_t dh[IKED_PROP_MAX_ALGS];
	uint16_t esn[2];
	uint8_t n_encr, n_integ, n_prf, n_dh, n_esn;
	uint8_t aead;		/* 1: every encryption algorithm is AEAD */
};

/*
 * What an ike= or esp= line means. As in strongSwan, a list without the
 * trailing "!" is followed by kesp's own default proposals; with "!" it is
 * all that is proposed and accepted.
 */
struct iked_prop_list {
	enum iked_prop_proto proto;
	struct iked_prop *props;	/* in order of preference */
	size_t n;
	/*
	 * props[0 .. n_configured-1] came from the string, the rest are
	 * defaults; 0 configured means the keyword was not given.
	 */
	size_t n_configured;
	uint8_t strict;			/* the string ended in "!" */
};

/*
 * Parse @s for @proto into @out: proposals separated by commas, algorithm
 * keywords within one separated by dashes, an optional "!" at the very end.
 * NULL or "" gives kesp's defaults. IKE proposals without a PRF take it
 * from their integrity algorithms, as strongSwan does; an AEAD IKE proposal
 * must name its PRF. Returns 0, or -EINVAL with a message in @err that
 * names the offending word and what would do (no "ike:" prefix: the
 * caller knows the keyword). @out needs iked_prop_list_free() only after
 * success.
 */
int iked_prop_parse(enum iked_prop_proto proto, const char *s,
		    struct iked_prop_list *out, char *err, size_t errlen);
void iked_prop_list_free(struct iked_prop_list *l);

/*
 * The weak algorithms (MD5, MODP-1024/1536, null encryption) that the
 * configured part of @l names, as "md5, modp1024" in @buf; returns how many.
 * kesp never proposes them by default, so each one was asked for and is
 * worth a warning.
 */
size_t iked_prop_weak(const struct iked_prop_list *l, char *buf, size_t len);

/* strongSwan's keyword for a transform ("aes256", "prfsha256"), or "?-N". */
const char *iked_prop_alg_name(enum iked_prop_type type, uint16_t id,
			       uint16_t key_bits, char *buf, size_t len);
/* A proposal as strongSwan's keywords: "aes256-sha256-prfsha256-modp2048". */
const char *iked_prop_format(const struct iked_prop *p, char *buf,
			     size_t len);
/*
 * Every proposal of @l, ", " between them, malloc'd (NULL: no memory):
 * what we accept, whole, however many there are.
 */
char *iked_prop_list_format(const struct iked_prop_list *l);

#endif /* KESP_IKED_PROPOSAL_H */
