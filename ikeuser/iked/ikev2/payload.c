// SPDX-License-Identifier: GPL-2.0
/* Parse and build the bodies of IKEv2 payloads, bounds-checked field by field. */

#include <errno.h>
#include <string.h>
#include "payload.h"

/* Last Substruc values (3.3.1, 3.3.2): "more follow" or 0 for the last. */
#define LAST_MORE_PROPOSALS	2
#define LAST_MORE_TRANSFORMS	3

#define PROPOSAL_HDR	8
#define TRANSFORM_HDR	8
#define ATTR_HDR	4
#define ATTR_TV		0x8000	/* Attribute Format bit: value in the header */
#define TS_HDR		8	/* type, protocol, length, two ports */

static int fail(struct ikev2_err *err, size_t off, const char *why, int ret)
{
	err->why = why;
	err->off = off;
	return ret;
}

/* SPI sizes a proposal of @proto may carry (3.3.1). */
static int spi_len_ok(uint8_t proto, uint8_t spi_len)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		/* 0 in IKE_SA_INIT, 8 when rekeying the IKE SA */
		return spi_len == 0 || spi_len == 8;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		return spi_len == 4;
	}
	return 0;
}

/*
 * Proposal numbers: a request counts 1, 2, ...; a response carries the one
 * accepted proposal under the number it had in the request (3.3.1).
 */
static const char *proposal_nums_bad(const struct ikev2_sa *sa)
{
	unsigned int i;

	if (sa->n_prop == 1)
		return sa->prop[0].num ? NULL : "proposal number 0";
	for (i = 0; i < sa->n_prop; i++)
		if (sa->prop[i].num != i + 1)
			return "proposals not numbered 1, 2, ...";
	return NULL;
}

/* The transform's attributes, @b and @len being just the attribute bytes. */
static int attrs_parse(struct ikev2_transform *t, const uint8_t *b,
		       size_t len, size_t base, struct ikev2_err *err)
{
	size_t off = 0;

	while (off < len) {
		uint16_t af_type, val;
		size_t alen;

		if (len - off < ATTR_HDR)
			return fail(err, base + off, "attribute truncated",
				    -EBADMSG);
		af_type = ikev2_get16(b + off);
		val = ikev2_get16(b + off + 2);
		if (af_type & ATTR_TV) {
			alen = ATTR_HDR;
		} else {
			if (val > len - off - ATTR_HDR)
				return fail(err, base + off,
					    "attribute value past its transform",
					    -EBADMSG);
			alen = ATTR_HDR + val;
		}
		if ((af_type & ~ATTR_TV) == IKEV2_ATTR_KEY_LENGTH) {
			/* 3.3.5 defines it as TV; a second one is ambiguous. */
			if (!(af_type & ATTR_TV))
				return fail(err, base + off,
					    "Key Length attribute not in TV format",
					    -EBADMSG);
			if (t->key_len)
				return fail(err, base + off,
					    "duplicate Key Length attribute",
					    -EBADMSG);
			if (!val)
				return fail(err, base + off, "Key Length 0",
					    -EBADMSG);
			t->key_len = val;
		} else if (t->unknown_attrs < UINT8_MAX) {
			t->unknown_attrs++;
		}
		off += alen;
	}
	return 0;
}

/* The transforms of proposal @p, in @b[@off, @end). */
static int transforms_parse(struct ikev2_sa *sa, struct ikev2_proposal *p,
			    const uint8_t *b, size_t off, size_t end,
			    struct ikev2_err *err)
{
	unsigned int count = 0;

	p->first = sa->n_tr;
	while (off < end) {
		struct ikev2_transform *t;
		uint8_t last;
		uint16_t tlen;
		int ret;

		if (end - off < TRANSFORM_HDR)
			return fail(err, off, "transform truncated", -EBADMSG);
		last = b[off];
		tlen = ikev2_get16(b + off + 2);
		if (last != 0 && last != LAST_MORE_TRANSFORMS)
			return fail(err, off, "bad transform Last Substruc",
				    -EBADMSG);
		if (tlen < TRANSFORM_HDR || tlen > end - off)
			return fail(err, off, "transform length out of bounds",
				    -EBADMSG);
		if (++count > p->n_tr)
			return fail(err, off,
				    "more transforms than the proposal counts",
				    -EBADMSG);
		if (sa->n_tr == IKEV2_MAX_TRANSFORMS)
			return fail(err, off, "too many transforms", -E2BIG);
		t = &sa->tr[sa->n_tr];
		memset(t, 0, sizeof(*t));
		t->type = b[off + 4];
		t->id = ikev2_get16(b + off + 6);
		/*
		 * Types beyond 5 (RFC 9370 adds 6-12) are kept: a proposal
		 * with a type the responder does not know is rejected by
		 * proposal selection (3.3.6), the message stays valid.
		 */
		if (!t->type)
			return fail(err, off, "transform type 0", -EBADMSG);
		ret = attrs_parse(t, b + off + TRANSFORM_HDR,
				  tlen - TRANSFORM_HDR, off + TRANSFORM_HDR,
				  err);
		if (ret)
			return ret;
		sa->n_tr++;
		if ((last == 0) != (off + tlen == end))
			return fail(err, off,
				    "transform Last Substruc disagrees with its place",
				    -EBADMSG);
		off += tlen;
	}
	if (count != p->n_tr)
		return fail(err, off, "fewer transforms than the proposal counts",
			    -EBADMSG);
	return 0;
}

int ikev2_sa_parse(struct ikev2_sa *sa, const uint8_t *b, size_t len,
		   struct ikev2_err *err)
{
	size_t off = 0;
	const char *why;

	sa->n_prop = 0;
	sa->n_tr = 0;
	if (!len)
		return fail(err, 0, "SA without proposals", -EBADMSG);
	while (off < len) {
		struct ikev2_proposal *p;
		uint8_t last;
		uint16_t plen;
		int ret;

		if (len - off < PROPOSAL_HDR)
			return fail(err, off, "proposal truncated", -EBADMSG);
		last = b[off];
		plen = ikev2_get16(b + off + 2);
		if (last != 0 && last != LAST_MORE_PROPOSALS)
			return fail(err, off, "bad proposal Last Substruc",
				    -EBADMSG);
		if (plen < PROPOSAL_HDR || plen > len - off)
			return fail(err, off, "proposal length out of bounds",
				    -EBADMSG);
		if ((last == 0) != (off + plen == len))
			return fail(err, off,
				    "proposal Last Substruc disagrees with its place",
				    -EBADMSG);
		if (sa->n_prop == IKEV2_MAX_PROPOSALS)
			return fail(err, off, "too many proposals", -E2BIG);
		p = &sa->prop[sa->n_prop];
		memset(p, 0, sizeof(*p));
		p->num = b[off + 4];
		p->proto = b[off + 5];
		p->spi_len = b[off + 6];
		p->n_tr = b[off + 7];
		if (p->proto < IKEV2_PROTO_IKE || p->proto > IKEV2_PROTO_ESP)
			return fail(err, off, "unknown proposal protocol",
				    -EBADMSG);
		if (!spi_len_ok(p->proto, p->spi_len))
			return fail(err, off, "SPI size does not fit the protocol",
				    -EBADMSG);
		if (PROPOSAL_HDR + p->spi_len > plen)
			return fail(err, off, "SPI past the proposal", -EBADMSG);
		memcpy(p->spi, b + off + PROPOSAL_HDR, p->spi_len);
		if (!p->n_tr)
			return fail(err, off, "proposal without transforms",
				    -EBADMSG);
		ret = transforms_parse(sa, p, b, off + PROPOSAL_HDR + p->spi_len,
				       off + plen, err);
		if (ret)
			return ret;
		sa->n_prop++;
		off += plen;
	}
	why = proposal_nums_bad(sa);
	if (why)
		return fail(err, 0, why, -EBADMSG);
	return 0;
}

int ikev2_ke_parse(struct ikev2_ke *ke, const uint8_t *b, size_t len,
		   struct ikev2_err *err)
{
	if (len < 5)
		return fail(err, 0, "KE without data", -EBADMSG);
	ke->group = ikev2_get16(b);
	ke->data = b + 4;
	ke->len = len - 4;
	return 0;
}

int ikev2_id_parse(struct ikev2_id *id, const uint8_t *b, size_t len,
		   struct ikev2_err *err)
{
	if (len < 5)
		return fail(err, 0, "ID without data", -EBADMSG);
	id->type = b[0];
	id->data = b + 4;
	id->len = len - 4;
	if ((id->type == IKEV2_ID_IPV4_ADDR && id->len != 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && id->len != 16))
		return fail(err, 4, "ID address length does not fit its type",
			    -EBADMSG);
	return 0;
}

int ikev2_auth_parse(struct ikev2_auth *auth, const uint8_t *b, size_t len,
		     struct ikev2_err *err)
{
	if (len < 5)
		return fail(err, 0, "AUTH without data", -EBADMSG);
	auth->method = b[0];
	auth->data = b + 4;
	auth->len = len - 4;
	return 0;
}

int ikev2_nonce_parse(struct ikev2_nonce *n, const uint8_t *b, size_t len,
		      struct ikev2_err *err)
{
	if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX)
		return fail(err, 0, "nonce not 16 to 256 bytes", -EBADMSG);
	n->data = b;
	n->len = len;
	return 0;
}

static int notify_spi_len_ok(uint8_t spi_len)
{
	return spi_len == 0 || spi_len == 4 || spi_len == 8;
}

int ikev2_notify_parse(struct ikev2_notify *n, const uint8_t *b, size_t len,
		       struct ikev2_err *err)
{
	if (len < 4)
		return fail(err, 0, "notify truncated", -EBADMSG);
	memset(n->spi, 0, sizeof(n->spi));
	n->proto = b[0];
	n->spi_len = b[1];
	n->type = ikev2_get16(b + 2);
	if (!notify_spi_len_ok(n->spi_len))
		return fail(err, 1, "bad notify SPI size", -EBADMSG);
	if (n->spi_len > len - 4)
		return fail(err, 4, "notify SPI past the payload", -EBADMSG);
	memcpy(n->spi, b + 4, n->spi_len);
	n->data = b + 4 + n->spi_len;
	n->len = len - 4 - n->spi_len;
	return 0;
}

/* SPI size a Delete of @proto carries (3.11): none for the IKE SA. */
static int delete_spi_len_ok(uint8_t proto, uint8_t spi_len)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return spi_len == 0;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		return spi_len == 4;
	}
	return 0;
}

int ikev2_delete_parse(struct ikev2_delete *d, const uint8_t *b, size_t len,
		       struct ikev2_err *err)
{
	if (len < 4)
		return fail(err, 0, "delete truncated", -EBADMSG);
	d->proto = b[0];
	d->spi_len = b[1];
	d->n_spi = ikev2_get16(b + 2);
	if (!delete_spi_len_ok(d->proto, d->spi_len))
		return fail(err, 0, "delete SPI size does not fit the protocol",
			    -EBADMSG);
	if ((size_t)d->n_spi * d->spi_len != len - 4)
		return fail(err, 4,
			    "delete SPI count times size is not its length",
			    -EBADMSG);
	d->spis = b + 4;
	return 0;
}

/* Bytes of each address in a selector of @type, 0 for a type not supported. */
static size_t ts_addr_len(uint8_t type)
{
	switch (type) {
	case IKEV2_TS_IPV4_ADDR_RANGE:
		return 4;
	case IKEV2_TS_IPV6_ADDR_RANGE:
		return 16;
	}
	return 0;
}

int ikev2_ts_parse(struct iked_ts_list *l, const uint8_t *b, size_t len,
		   struct ikev2_err *err)
{
	size_t off = 4;
	unsigned int i, n;

	l->n = 0;
	if (len < 4)
		return fail(err, 0, "TS payload truncated", -EBADMSG);
	n = b[0];
	if (!n)
		return fail(err, 0, "TS payload without selectors", -EBADMSG);
	if (n > IKEV2_MAX_TS)
		return fail(err, 0, "too many traffic selectors", -E2BIG);
	for (i = 0; i < n; i++) {
		struct iked_ts *ts = &l->ts[i];
		size_t alen;
		uint16_t slen;

		if (len - off < 4)
			return fail(err, off, "traffic selector truncated",
				    -EBADMSG);
		memset(ts, 0, sizeof(*ts));
		ts->type = b[off];
		ts->proto = b[off + 1];
		slen = ikev2_get16(b + off + 2);
		/*
		 * Other types (RFC 4595 Fibre Channel, RFC 9478 security
		 * labels) would need their own decoding; a gateway that
		 * negotiates neither refuses them as malformed.
		 */
		alen = ts_addr_len(ts->type);
		if (!alen)
			return fail(err, off, "traffic selector type not 7 or 8",
				    -EBADMSG);
		if (slen != TS_HDR + 2 * alen)
			return fail(err, off,
				    "selector length does not fit its type",
				    -EBADMSG);
		if (slen > len - off)
			return fail(err, off, "selector past the payload",
				    -EBADMSG);
		ts->start_port = ikev2_get16(b + off + 4);
		ts->end_port = ikev2_get16(b + off + 6);
		memcpy(ts->start, b + off + TS_HDR, alen);
		memcpy(ts->end, b + off + TS_HDR + alen, alen);
		off += slen;
	}
	if (off != len)
		return fail(err, off, "bytes after the last selector", -EBADMSG);
	l->n = (uint8_t)n;
	return 0;
}

int ikev2_raw_parse(uint8_t type, size_t len, struct ikev2_err *err)
{
	size_t min = 0;

	switch (type) {
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		min = 1;	/* the encoding byte */
		break;
	case IKEV2_PL_CP:
	case IKEV2_PL_EAP:
		min = 4;
		break;
	}
	if (len < min)
		return fail(err, 0, "payload shorter than its fixed fields",
			    -EBADMSG);
	return 0;
}

/* Writes a fixed part of @hlen bytes and @len bytes of @data after it. */
static int put_fixed_data(uint8_t *buf, size_t cap, const uint8_t *hdr,
			  size_t hlen, const uint8_t *data, size_t len)
{
	if (len > IKEV2_BODY_MAX - hlen)
		return -EINVAL;
	if (hlen + len > cap)
		return -ENOSPC;
	if (hlen)
		memcpy(buf, hdr, hlen);
	/* memmove: the daemon may build from bytes already in @buf */
	if (len)
		memmove(buf + hlen, data, len);
	return (int)(hlen + len);
}

int ikev2_sa_build(const struct ikev2_sa *sa, uint8_t *buf, size_t cap)
{
	size_t off = 0;
	unsigned int i, j;

	if (!sa->n_prop || sa->n_prop > IKEV2_MAX_PROPOSALS ||
	    sa->n_tr > IKEV2_MAX_TRANSFORMS || proposal_nums_bad(sa))
		return -EINVAL;
	for (i = 0; i < sa->n_prop; i++) {
		const struct ikev2_proposal *p = &sa->prop[i];
		size_t start = off;

		if (p->proto < IKEV2_PROTO_IKE || p->proto > IKEV2_PROTO_ESP ||
		    !spi_len_ok(p->proto, p->spi_len) || !p->n_tr ||
		    p->first + p->n_tr > sa->n_tr)
			return -EINVAL;
		if (cap - off < PROPOSAL_HDR + (size_t)p->spi_len)
			return -ENOSPC;
		buf[off] = i + 1 < sa->n_prop ? LAST_MORE_PROPOSALS : 0;
		buf[off + 1] = 0;
		buf[off + 4] = p->num;
		buf[off + 5] = p->proto;
		buf[off + 6] = p->spi_len;
		buf[off + 7] = p->n_tr;
		memcpy(buf + off + PROPOSAL_HDR, p->spi, p->spi_len);
		off += PROPOSAL_HDR + p->spi_len;
		for (j = 0; j < p->n_tr; j++) {
			const struct ikev2_transform *t = &sa->tr[p->first + j];
			size_t tlen = TRANSFORM_HDR + (t->key_len ? ATTR_HDR : 0);

			if (!t->type)
				return -EINVAL;
			if (cap - off < tlen)
				return -ENOSPC;
			buf[off] = j + 1 < p->n_tr ? LAST_MORE_TRANSFORMS : 0;
			buf[off + 1] = 0;
			ikev2_put16(buf + off + 2, (uint16_t)tlen);
			buf[off + 4] = t->type;
			buf[off + 5] = 0;
			ikev2_put16(buf + off + 6, t->id);
			if (t->key_len) {
				ikev2_put16(buf + off + 8,
					    ATTR_TV | IKEV2_ATTR_KEY_LENGTH);
				ikev2_put16(buf + off + 10, t->key_len);
			}
			off += tlen;
		}
		if (off - start > 0xffff)
			return -EINVAL;
		ikev2_put16(buf + start + 2, (uint16_t)(off - start));
	}
	if (off > IKEV2_BODY_MAX)
		return -EINVAL;
	return (int)off;
}

int ikev2_ke_build(const struct ikev2_ke *ke, uint8_t *buf, size_t cap)
{
	uint8_t hdr[4] = { 0 };

	if (!ke->len)
		return -EINVAL;
	ikev2_put16(hdr, ke->group);
	return put_fixed_data(buf, cap, hdr, sizeof(hdr), ke->data, ke->len);
}

int ikev2_id_build(const struct ikev2_id *id, uint8_t *buf, size_t cap)
{
	uint8_t hdr[4] = { id->type };

	if (!id->len || (id->type == IKEV2_ID_IPV4_ADDR && id->len != 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && id->len != 16))
		return -EINVAL;
	return put_fixed_data(buf, cap, hdr, sizeof(hdr), id->data, id->len);
}

int ikev2_auth_build(const struct ikev2_auth *auth, uint8_t *buf, size_t cap)
{
	uint8_t hdr[4] = { auth->method };

	if (!auth->len)
		return -EINVAL;
	return put_fixed_data(buf, cap, hdr, sizeof(hdr), auth->data,
			      auth->len);
}

int ikev2_nonce_build(const struct ikev2_nonce *n, uint8_t *buf, size_t cap)
{
	if (n->len < IKEV2_NONCE_MIN || n->len > IKEV2_NONCE_MAX)
		return -EINVAL;
	return put_fixed_data(buf, cap, NULL, 0, n->data, n->len);
}

int ikev2_notify_build(const struct ikev2_notify *n, uint8_t *buf,
		       size_t cap)
{
	uint8_t hdr[4 + IKEV2_SPI_MAX];

	if (!notify_spi_len_ok(n->spi_len))
		return -EINVAL;
	hdr[0] = n->proto;
	hdr[1] = n->spi_len;
	ikev2_put16(hdr + 2, n->type);
	memcpy(hdr + 4, n->spi, n->spi_len);
	return put_fixed_data(buf, cap, hdr, 4 + n->spi_len, n->data, n->len);
}

int ikev2_delete_build(const struct ikev2_delete *d, uint8_t *buf,
		       size_t cap)
{
	uint8_t hdr[4];

	if (!delete_spi_len_ok(d->proto, d->spi_len))
		return -EINVAL;
	hdr[0] = d->proto;
	hdr[1] = d->spi_len;
	ikev2_put16(hdr + 2, d->n_spi);
	return put_fixed_data(buf, cap, hdr, sizeof(hdr), d->spis,
			      (size_t)d->n_spi * d->spi_len);
}

int ikev2_ts_build(const struct iked_ts_list *l, uint8_t *buf, size_t cap)
{
	size_t off = 4;
	unsigned int i;

	if (!l->n || l->n > IKEV2_MAX_TS)
		return -EINVAL;
	if (cap < 4)
		return -ENOSPC;
	buf[0] = l->n;
	buf[1] = buf[2] = buf[3] = 0;
	for (i = 0; i < l->n; i++) {
		const struct iked_ts *ts = &l->ts[i];
		size_t alen = ts_addr_len(ts->type);
		size_t slen = TS_HDR + 2 * alen;

		if (!alen)
			return -EINVAL;
		if (cap - off < slen)
			return -ENOSPC;
		buf[off] = ts->type;
		buf[off + 1] = ts->proto;
		ikev2_put16(buf + off + 2, (uint16_t)slen);
		ikev2_put16(buf + off + 4, ts->start_port);
		ikev2_put16(buf + off + 6, ts->end_port);
		memcpy(buf + off + TS_HDR, ts->start, alen);
		memcpy(buf + off + TS_HDR + alen, ts->end, alen);
		off += slen;
	}
	return (int)off;
}

int ikev2_sa_add_proposal(struct ikev2_sa *sa, uint8_t proto,
			  const uint8_t *spi, uint8_t spi_len)
{
	struct ikev2_proposal *p;

	if (spi_len > IKEV2_SPI_MAX || (spi_len && !spi))
		return -EINVAL;
	if (sa->n_prop == IKEV2_MAX_PROPOSALS)
		return -E2BIG;
	p = &sa->prop[sa->n_prop];
	memset(p, 0, sizeof(*p));
	p->num = sa->n_prop + 1;
	p->proto = proto;
	p->spi_len = spi_len;
	if (spi_len)
		memcpy(p->spi, spi, spi_len);
	p->first = sa->n_tr;
	sa->n_prop++;
	return 0;
}

int ikev2_sa_add_transform(struct ikev2_sa *sa, uint8_t type, uint16_t id,
			   uint16_t key_len)
{
	struct ikev2_proposal *p;
	struct ikev2_transform *t;

	if (!sa->n_prop)
		return -EINVAL;
	p = &sa->prop[sa->n_prop - 1];
	if (sa->n_tr == IKEV2_MAX_TRANSFORMS || p->n_tr == UINT8_MAX)
		return -E2BIG;
	t = &sa->tr[sa->n_tr++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->id = id;
	t->key_len = key_len;
	p->n_tr++;
	return 0;
}

const struct ikev2_transform *ikev2_proposal_tr(const struct ikev2_sa *sa,
						const struct ikev2_proposal *p)
{
	return &sa->tr[p->first];
}

const char *ikev2_payload_name(uint8_t type)
{
	static const char *const names[] = {
		[IKEV2_PL_SA] = "SA",		[IKEV2_PL_KE] = "KE",
		[IKEV2_PL_IDI] = "IDi",		[IKEV2_PL_IDR] = "IDr",
		[IKEV2_PL_CERT] = "CERT",	[IKEV2_PL_CERTREQ] = "CERTREQ",
		[IKEV2_PL_AUTH] = "AUTH",	[IKEV2_PL_NONCE] = "Nonce",
		[IKEV2_PL_NOTIFY] = "Notify",	[IKEV2_PL_DELETE] = "Delete",
		[IKEV2_PL_VENDOR] = "Vendor ID", [IKEV2_PL_TSI] = "TSi",
		[IKEV2_PL_TSR] = "TSr",		[IKEV2_PL_SK] = "SK",
		[IKEV2_PL_CP] = "CP",		[IKEV2_PL_EAP] = "EAP",
		[IKEV2_PL_SKF] = "Encrypted Fragment",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

const char *ikev2_notify_name(uint16_t type)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ IKEV2_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ IKEV2_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ IKEV2_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ IKEV2_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ IKEV2_N_INVALID_SPI, "INVALID_SPI" },
		{ IKEV2_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
		{ IKEV2_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
		{ IKEV2_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
		{ IKEV2_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ IKEV2_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
		{ IKEV2_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
		{ IKEV2_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
		{ IKEV2_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
		{ IKEV2_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
		{ IKEV2_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
		{ IKEV2_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ IKEV2_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
		{ IKEV2_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
		{ IKEV2_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
		{ IKEV2_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
		{ IKEV2_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
		{ IKEV2_N_NAT_DETECTION_DESTINATION_IP,
		  "NAT_DETECTION_DESTINATION_IP" },
		{ IKEV2_N_COOKIE, "COOKIE" },
		{ IKEV2_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
		{ IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED,
		  "HTTP_CERT_LOOKUP_SUPPORTED" },
		{ IKEV2_N_REKEY_SA, "REKEY_SA" },
		{ IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED,
		  "ESP_TFC_PADDING_NOT_SUPPORTED" },
		{ IKEV2_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
		{ IKEV2_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED" },
		{ IKEV2_N_MULTIPLE_AUTH_SUPPORTED, "MULTIPLE_AUTH_SUPPORTED" },
		{ IKEV2_N_REDIRECT_SUPPORTED, "REDIRECT_SUPPORTED" },
		{ IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
		  "IKEV2_FRAGMENTATION_SUPPORTED" },
		{ IKEV2_N_SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return NULL;
}
