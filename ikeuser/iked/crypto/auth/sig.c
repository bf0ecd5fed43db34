// SPDX-License-Identifier: GPL-2.0
/* Signature AUTH data: choosing the scheme, RFC 7427's AlgorithmIdentifier and RFC 4754's r|s, with OpenSSL doing all encoding and arithmetic. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "sig.h"

struct scheme {
	uint8_t method;
	int md;			/* NID of the hash; NID_undef for EdDSA */
	int pss;		/* RSA-PSS, salt as long as the hash */
	int salt, mgf_md;	/* PSS, as the peer's parameters say */
};

static int md_hash_no(int md)
{
	return md == NID_sha256 ? IKED_HASH_SHA256 :
	       md == NID_sha384 ? IKED_HASH_SHA384 :
	       md == NID_sha512 ? IKED_HASH_SHA512 : 0;
}

/* The curve's size in bytes (32, 48, 66), its hash and RFC 4754 method. */
int iked_ec_params(EVP_PKEY *pk, int *md, uint8_t *method)
{
	int bits = EVP_PKEY_get_bits(pk);

	*md = bits <= 256 ? NID_sha256 : bits <= 384 ? NID_sha384 : NID_sha512;
	*method = bits <= 256 ? IKED_AUTH_ECDSA_256 :
		  bits <= 384 ? IKED_AUTH_ECDSA_384 : IKED_AUTH_ECDSA_521;
	return (bits + 7) / 8;
}

static int choose(EVP_PKEY *pk, uint32_t peer, struct scheme *s, char *why,
		  size_t why_len)
{
	static const int prefer[] = { NID_sha256, NID_sha384, NID_sha512 };
	int type = EVP_PKEY_get_base_id(pk), i;

	memset(s, 0, sizeof(*s));
	s->method = IKED_AUTH_DIGITAL_SIG;
	if (type == EVP_PKEY_ED25519 || type == EVP_PKEY_ED448) {
		s->md = NID_undef;
		if (peer & (1u << IKED_HASH_IDENTITY))
			return 0;
		snprintf(why, why_len, "our key is %s, which signs only with RFC 7427's Identity hash, and the peer %s",
			 type == EVP_PKEY_ED25519 ? "Ed25519" : "Ed448",
			 peer ? "does not announce it" :
			 "sent no SIGNATURE_HASH_ALGORITHMS");
		return -ENOTSUP;
	}
	if (type == EVP_PKEY_EC) {
		iked_ec_params(pk, &s->md, &s->method);
		if (!peer)
			return 0;
		s->method = IKED_AUTH_DIGITAL_SIG;
		if (peer & (1u << md_hash_no(s->md)))
			return 0;
	} else if (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) {
		if (!peer && type == EVP_PKEY_RSA) {
			s->method = IKED_AUTH_RSA_SIG;
			s->md = NID_sha1;
			return 0;
		}
		s->pss = 1;
	} else {
		snprintf(why, why_len, "our key is of type %s, which kesp-iked does not sign with",
			 EVP_PKEY_get0_type_name(pk) ?: "?");
		return -ENOTSUP;
	}
	for (i = 0; i < 3; i++) {
		if (peer & (1u << md_hash_no(prefer[i]))) {
			s->md = prefer[i];
			return 0;
		}
	}
	snprintf(why, why_len, "the peer announces none of the hashes SHA2-256, SHA2-384, SHA2-512 in SIGNATURE_HASH_ALGORITHMS");
	return -ENOTSUP;
}

/*
 * The AlgorithmIdentifier of hash @m with NULL parameters: RFC 4055 2.1
 * wants them present in RSASSA-PSS-params, and RFC 7427 A.4.3 encodes
 * them so. OpenSSL's X509_ALGOR_set_md() omits them for SHA-2, which
 * charon accepts but Libreswan does not: it compares the whole
 * AlgorithmIdentifier with RFC 7427's bytes.
 */
static int set_md_null(X509_ALGOR *a, const EVP_MD *m)
{
	return X509_ALGOR_set0(a, OBJ_nid2obj(EVP_MD_get_type(m)), V_ASN1_NULL,
			       NULL);
}

/* RSASSA-PSS-params (RFC 4055) for @md: MGF1 with @md, salt its length. */
static ASN1_STRING *pss_params(int md)
{
	const EVP_MD *m = EVP_get_digestbynid(md);
	RSA_PSS_PARAMS *pp = RSA_PSS_PARAMS_new();
	X509_ALGOR *mgf_md = X509_ALGOR_new();
	ASN1_STRING *mgf = NULL, *out = NULL;

	if (!m || !pp || !mgf_md)
		goto out;
	pp->hashAlgorithm = X509_ALGOR_new();
	pp->maskGenAlgorithm = X509_ALGOR_new();
	pp->saltLength = ASN1_INTEGER_new();
	if (!pp->hashAlgorithm || !pp->maskGenAlgorithm || !pp->saltLength)
		goto out;
	if (!set_md_null(pp->hashAlgorithm, m) || !set_md_null(mgf_md, m))
		goto out;
	mgf = ASN1_item_pack(mgf_md, ASN1_ITEM_rptr(X509_ALGOR), NULL);
	if (!mgf || !X509_ALGOR_set0(pp->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1),
				     V_ASN1_SEQUENCE, mgf))
		goto out;
	mgf = NULL;
	if (ASN1_INTEGER_set(pp->saltLength, EVP_MD_get_size(m)))
		out = ASN1_item_pack(pp, ASN1_ITEM_rptr(RSA_PSS_PARAMS), NULL);
out:
	ASN1_STRING_free(mgf);
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pp);
	return out;
}

/* RFC 7427's AlgorithmIdentifier of @s for a key of @type, DER. */
static int algid(const struct scheme *s, int type, uint8_t *out, size_t cap,
		 size_t *len)
{
	X509_ALGOR *a = X509_ALGOR_new();
	ASN1_STRING *pp = NULL;
	unsigned char *der = NULL;
	int nid = NID_undef, ok = 0, n;

	if (!a)
		return -ENOMEM;
	if (type == EVP_PKEY_ED25519 || type == EVP_PKEY_ED448)
		ok = X509_ALGOR_set0(a, OBJ_nid2obj(type == EVP_PKEY_ED25519 ?
						    NID_ED25519 : NID_ED448),
				     V_ASN1_UNDEF, NULL);
	else if (type == EVP_PKEY_EC)
		ok = OBJ_find_sigid_by_algs(&nid, s->md, NID_X9_62_id_ecPublicKey) &&
		     X509_ALGOR_set0(a, OBJ_nid2obj(nid), V_ASN1_UNDEF, NULL);
	else if (s->pss)
		ok = (pp = pss_params(s->md)) &&
		     X509_ALGOR_set0(a, OBJ_nid2obj(NID_rsassaPss),
				     V_ASN1_SEQUENCE, pp);
	if (!ok) {
		ASN1_STRING_free(pp);
		X509_ALGOR_free(a);
		return -EINVAL;
	}
	n = i2d_X509_ALGOR(a, &der);
	X509_ALGOR_free(a);
	if (n <= 0 || (size_t)n > cap || n > 255) {
		OPENSSL_free(der);
		return -ENOSPC;
	}
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}

/* An EVP_MD_CTX set up for @s over @pk, signing or verifying. */
static EVP_MD_CTX *sig_ctx(EVP_PKEY *pk, const struct scheme *s, int sign)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	const char *md = s->md == NID_undef ? NULL : OBJ_nid2sn(s->md);
	EVP_PKEY_CTX *p = NULL;
	int ok;

	if (!m)
		return NULL;
	ok = sign ? EVP_DigestSignInit_ex(m, &p, md, NULL, NULL, pk, NULL) :
		    EVP_DigestVerifyInit_ex(m, &p, md, NULL, NULL, pk, NULL);
	if (ok == 1 && s->pss)
		ok = EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(p, s->salt) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md_name(p, OBJ_nid2sn(s->mgf_md),
						       NULL) == 1;
	if (ok != 1) {
		EVP_MD_CTX_free(m);
		return NULL;
	}
	return m;
}

/* RFC 4754: a DER ECDSA-Sig-Value to r|s, each @half bytes. */
int iked_ec_der_to_raw(const uint8_t *der, size_t len, int half,
		       uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	int ok = sig &&
		 BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, half) == half &&
		 BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + half, half) == half;

	ECDSA_SIG_free(sig);
	return ok ? 0 : -EINVAL;
}

int iked_sig_build(EVP_PKEY *pk, uint32_t peer_hashes, const uint8_t *octets,
		   size_t octets_len, uint8_t *method, uint8_t *out,
		   size_t cap, size_t *len, char *why, size_t why_len)
{
	int type = EVP_PKEY_get_base_id(pk), md;
	size_t head = 0, slen, alen = 0;
	struct scheme s;
	EVP_MD_CTX *m;
	int r;

	r = choose(pk, peer_hashes, &s, why, why_len);
	if (r)
		return r;
	s.salt = s.md != NID_undef && s.pss ?
		 EVP_MD_get_size(EVP_get_digestbynid(s.md)) : 0;
	s.mgf_md = s.md;
	if (s.method == IKED_AUTH_DIGITAL_SIG) {
		if (cap < 1)
			return -ENOSPC;
		r = algid(&s, type, out + 1, cap - 1, &alen);
		if (r)
			return r;
		out[0] = (uint8_t)alen;
		head = 1 + alen;
	}
	m = sig_ctx(pk, &s, 1);
	if (!m)
		return -EIO;
	slen = cap - head;
	r = EVP_DigestSign(m, out + head, &slen, octets, octets_len) == 1 ?
	    0 : -EIO;
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	if (r)
		return r;
	if (s.method >= IKED_AUTH_ECDSA_256 && s.method <= IKED_AUTH_ECDSA_521) {
		uint8_t der[160];
		int half = iked_ec_params(pk, &md, &s.method);

		if (slen > sizeof(der) || (size_t)(2 * half) > cap)
			return -ENOSPC;
		memcpy(der, out, slen);
		r = iked_ec_der_to_raw(der, slen, half, out);
		slen = (size_t)(2 * half);
	}
	*method = s.method;
	*len = head + slen;
	return r;
}

/* The hash of an RSASSA-PSS AlgorithmIdentifier's parameters, MGF1 and salt. */
static int pss_from_params(const X509_ALGOR *a, struct scheme *s)
{
	RSA_PSS_PARAMS *pp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
						       a->parameter);
	X509_ALGOR *mgf_md = NULL;
	int ok = 0;

	if (!pp)
		return -EBADMSG;
	/* RFC 4055's defaults are SHA-1, which we do not take. */
	s->md = pp->hashAlgorithm ?
		OBJ_obj2nid(pp->hashAlgorithm->algorithm) : NID_sha1;
	if (pp->maskGenAlgorithm &&
	    OBJ_obj2nid(pp->maskGenAlgorithm->algorithm) == NID_mgf1)
		mgf_md = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
						   pp->maskGenAlgorithm->parameter);
	s->mgf_md = mgf_md ? OBJ_obj2nid(mgf_md->algorithm) : NID_sha1;
	s->salt = pp->saltLength ? (int)ASN1_INTEGER_get(pp->saltLength) : 20;
	s->pss = 1;
	ok = s->salt >= 0 && md_hash_no(s->mgf_md);
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pp);
	return ok ? 0 : -EBADMSG;
}

/* Method 14's AlgorithmIdentifier into @s, checked against @pub's type. */
static int scheme_from_algid(EVP_PKEY *pub, const uint8_t *der, size_t len,
			     struct scheme *s, char *why, size_t why_len)
{
	const unsigned char *p = der;
	X509_ALGOR *a = d2i_X509_ALGOR(NULL, &p, (long)len);
	int type = EVP_PKEY_get_base_id(pub), nid, pk_nid = NID_undef, r = 0;
	char name[80] = "?";

	if (!a || p != der + len) {
		X509_ALGOR_free(a);
		snprintf(why, why_len, "its RFC 7427 AUTH data does not start with an AlgorithmIdentifier");
		return -EBADMSG;
	}
	nid = OBJ_obj2nid(a->algorithm);
	OBJ_obj2txt(name, sizeof(name), a->algorithm, 0);
	s->method = IKED_AUTH_DIGITAL_SIG;
	if (nid == NID_rsassaPss) {
		r = pss_from_params(a, s);
		pk_nid = NID_rsaEncryption;
	} else if (!OBJ_find_sigid_algs(nid, &s->md, &pk_nid)) {
		r = -EBADMSG;
	}
	if (pk_nid == NID_ED25519 || pk_nid == NID_ED448)
		s->md = NID_undef;
	X509_ALGOR_free(a);
	if (!r && s->md != NID_undef && !md_hash_no(s->md))
		r = -EBADMSG;
	if (!r && !((pk_nid == NID_rsaEncryption &&
		     (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS)) ||
		    (pk_nid == NID_X9_62_id_ecPublicKey && type == EVP_PKEY_EC) ||
		    (pk_nid == NID_ED25519 && type == EVP_PKEY_ED25519) ||
		    (pk_nid == NID_ED448 && type == EVP_PKEY_ED448))) {
		snprintf(why, why_len, "it signed with %s, which does not fit the %s key of its certificate",
			 name, EVP_PKEY_get0_type_name(pub) ?: "?");
		return -EBADMSG;
	}
	if (r)
		snprintf(why, why_len, "it signed with %s (or with a hash other than SHA2-256, SHA2-384, SHA2-512), which kesp-iked does not take",
			 name);
	return r;
}

/* @s and where the signature starts, for AUTH method @method. */
static int scheme_of(EVP_PKEY *pub, uint8_t method, const uint8_t *auth,
		     size_t len, struct scheme *s, size_t *head, char *why,
		     size_t why_len)
{
	int type = EVP_PKEY_get_base_id(pub), md;
	uint8_t want;

	memset(s, 0, sizeof(*s));
	s->method = method;
	*head = 0;
	switch (method) {
	case IKED_AUTH_DIGITAL_SIG:
		if (!len || (size_t)auth[0] + 1 >= len) {
			snprintf(why, why_len, "its RFC 7427 AUTH data is truncated");
			return -EBADMSG;
		}
		*head = 1 + auth[0];
		return scheme_from_algid(pub, auth + 1, auth[0], s, why, why_len);
	case IKED_AUTH_RSA_SIG:
		s->md = NID_sha1;
		if (type == EVP_PKEY_RSA)
			return 0;
		break;
	case IKED_AUTH_ECDSA_256:
	case IKED_AUTH_ECDSA_384:
	case IKED_AUTH_ECDSA_521:
		if (type != EVP_PKEY_EC)
			break;
		iked_ec_params(pub, &md, &want);
		s->md = md;
		if (want == method)
			return 0;
		break;
	}
	snprintf(why, why_len, "it uses AUTH method %u, which does not fit the %s key of its certificate",
		 method, EVP_PKEY_get0_type_name(pub) ?: "?");
	return -EBADMSG;
}

/* RFC 4754's r|s of @len bytes to DER into @der; its length or -1. */
int iked_ec_raw_to_der(const uint8_t *raw, size_t len, uint8_t *der,
		       size_t cap)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL);
	BIGNUM *s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);
	unsigned char *p = der;
	int n = -1;

	if (sig && r && s && ECDSA_SIG_set0(sig, r, s)) {
		r = s = NULL;
		if (i2d_ECDSA_SIG(sig, NULL) <= (int)cap)
			n = i2d_ECDSA_SIG(sig, &p);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return n;
}

int iked_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *octets,
		    size_t octets_len, const uint8_t *auth, size_t len,
		    char *why, size_t why_len)
{
	uint8_t der[160];
	struct scheme s;
	size_t head;
	EVP_MD_CTX *m;
	int r, md, n;

	r = scheme_of(pub, method, auth, len, &s, &head, why, why_len);
	if (r)
		return r;
	auth += head;
	len -= head;
	if (method >= IKED_AUTH_ECDSA_256 && method <= IKED_AUTH_ECDSA_521) {
		uint8_t want;

		if (len != (size_t)(2 * iked_ec_params(pub, &md, &want)))
			return -EACCES;
		n = iked_ec_raw_to_der(auth, len, der, sizeof(der));
		if (n < 0)
			return -EACCES;
		auth = der;
		len = (size_t)n;
	}
	m = sig_ctx(pub, &s, 0);
	if (!m) {
		ERR_clear_error();
		snprintf(why, why_len, "OpenSSL cannot verify that signature scheme with the key of its certificate");
		return -EBADMSG;
	}
	r = EVP_DigestVerify(m, auth, len, octets, octets_len) == 1 ? 0 :
	    -EACCES;
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	return r;
}
