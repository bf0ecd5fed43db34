// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 messages from untrusted bytes and back: the ISAKMP header, the
 * generic payload chain (RFC 2408 3.1-3.2) and the chain helpers.
 */

#include <errno.h>
#include <string.h>
#include "msg.h"

#define FAIL(err, at, code, ntf, text)					\
	do {								\
		if (err) {						\
			(err)->why = (text);				\
			(err)->off = (at);				\
			(err)->notify = (ntf);				\
		}							\
		return (code);						\
	} while (0)

static bool exchange_known(uint8_t x)
{
	return (x >= IKEV1_EXCH_BASE && x <= IKEV1_EXCH_INFO) ||
	       x == IKEV1_EXCH_QUICK || x == IKEV1_EXCH_NEW_GROUP;
}

int ikev1_hdr_parse(struct ikev1_hdr *h, const uint8_t *buf, size_t len,
		    size_t *junk, struct ikev1_err *err)
{
	if (len < IKEV1_HDR_LEN)
		FAIL(err, 0, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		     "datagram shorter than the ISAKMP header");
	memcpy(h->ck_i, buf, 8);
	memcpy(h->ck_r, buf + 8, 8);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msg_id = ikev1_get32(buf + 20);
	h->length = ikev1_get32(buf + 24);
	if (h->version >> 4 != IKEV1_VERSION >> 4)
		FAIL(err, 17, -EPROTONOSUPPORT, IKEV1_N_INVALID_MAJOR_VERSION,
		     "ISAKMP major version not 1");
	if (h->length < IKEV1_HDR_LEN)
		FAIL(err, 24, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		     "header length smaller than the header");
	if (h->length > len)
		FAIL(err, 24, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		     "header length larger than the datagram");
	if (!exchange_known(h->exchange))
		FAIL(err, 18, -EOPNOTSUPP, IKEV1_N_INVALID_EXCHANGE_TYPE,
		     "unknown exchange type");
	if (h->flags & ~IKEV1_F_ALL)
		FAIL(err, 19, -EOPNOTSUPP, IKEV1_N_INVALID_FLAGS,
		     "unknown header flags");
	if (junk)
		*junk = len - h->length;
	return 0;
}

void ikev1_chain_init(struct ikev1_chain *c)
{
	c->first = IKEV1_PL_NONE;
	c->n = 0;
	c->nprop = c->nxf = c->nattr = 0;
	c->trailing = 0;
}

/* A type that may follow in a chain (P and T only nest inside SA). */
static bool chain_type_ok(uint8_t t)
{
	return ikev1_pl_name(t) && t != IKEV1_PL_P && t != IKEV1_PL_T;
}

/*
 * The generic header walk. @base is the offset of @buf in the datagram,
 * for error offsets.
 */
static int chain_walk(struct ikev1_chain *c, uint8_t first, const uint8_t *buf,
		      size_t len, bool padded, size_t base,
		      struct ikev1_err *err)
{
	uint8_t next = first;
	size_t pos = 0;
	int ret;

	while (next != IKEV1_PL_NONE) {
		struct ikev1_pl *pl;
		size_t plen;

		if (!chain_type_ok(next))
			FAIL(err, base + pos, -EOPNOTSUPP,
			     IKEV1_N_INVALID_PAYLOAD_TYPE,
			     "payload of an unknown type");
		if (len - pos < IKEV1_PL_HDR_LEN)
			FAIL(err, base + pos, -EBADMSG,
			     IKEV1_N_PAYLOAD_MALFORMED,
			     "payload header truncated");
		plen = ikev1_get16(buf + pos + 2);
		if (buf[pos + 1])
			FAIL(err, base + pos + 1, -EBADMSG,
			     IKEV1_N_PAYLOAD_MALFORMED,
			     "generic header's reserved field not zero");
		if (plen < IKEV1_PL_HDR_LEN || plen > len - pos)
			FAIL(err, base + pos + 2, -EBADMSG,
			     IKEV1_N_PAYLOAD_MALFORMED,
			     "payload length outside the message");
		if (c->n >= IKEV1_MAX_PAYLOADS)
			FAIL(err, base + pos, -E2BIG,
			     IKEV1_N_PAYLOAD_MALFORMED, "too many payloads");
		pl = &c->pl[c->n];
		memset(pl, 0, sizeof(*pl));
		pl->type = next;
		pl->body = buf + pos + IKEV1_PL_HDR_LEN;
		pl->len = plen - IKEV1_PL_HDR_LEN;
		ret = ikev1_pl_parse(c, pl, base + pos + IKEV1_PL_HDR_LEN,
				     err);
		if (ret)
			return ret;
		c->n++;
		next = buf[pos];
		pos += plen;
	}
	c->trailing = len - pos;
	if (c->trailing && !padded)
		FAIL(err, base + pos, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		     "bytes after the last payload");
	return 0;
}

int ikev1_chain_parse(struct ikev1_chain *c, uint8_t first,
		      const uint8_t *buf, size_t len, bool padded,
		      struct ikev1_err *err)
{
	ikev1_chain_init(c);
	c->first = first;
	return chain_walk(c, first, buf, len, padded, 0, err);
}

int ikev1_msg_parse(struct ikev1_msg *m, const uint8_t *buf, size_t len,
		    struct ikev1_err *err)
{
	int ret;

	ikev1_chain_init(&m->chain);
	ret = ikev1_hdr_parse(&m->hdr, buf, len, &m->junk, err);
	if (ret)
		return ret;
	m->body = buf + IKEV1_HDR_LEN;
	m->body_len = m->hdr.length - IKEV1_HDR_LEN;
	if (m->hdr.flags & IKEV1_F_ENCRYPT)
		return 0;
	m->chain.first = m->hdr.next;
	return chain_walk(&m->chain, m->hdr.next, m->body, m->body_len, false,
			  IKEV1_HDR_LEN, err);
}

int ikev1_chain_build(const struct ikev1_chain *c, uint8_t *buf, size_t cap,
		      size_t *len)
{
	size_t pos = 0, blen;
	unsigned int i;
	int ret;

	for (i = 0; i < c->n; i++) {
		const struct ikev1_pl *pl = &c->pl[i];

		if (!chain_type_ok(pl->type))
			return -EINVAL;
		if (cap - pos < IKEV1_PL_HDR_LEN)
			return -ENOSPC;
		ret = ikev1_pl_build(c, pl, buf + pos + IKEV1_PL_HDR_LEN,
				     cap - pos - IKEV1_PL_HDR_LEN, &blen);
		if (ret)
			return ret;
		if (blen + IKEV1_PL_HDR_LEN > UINT16_MAX)
			return -EINVAL;
		buf[pos] = i + 1 < c->n ? c->pl[i + 1].type : IKEV1_PL_NONE;
		buf[pos + 1] = 0;
		ikev1_put16(buf + pos + 2, (uint16_t)(blen + IKEV1_PL_HDR_LEN));
		pos += IKEV1_PL_HDR_LEN + blen;
	}
	*len = pos;
	return 0;
}

static void hdr_put(const struct ikev1_hdr *h, uint8_t next, uint8_t *buf,
		    size_t total)
{
	memcpy(buf, h->ck_i, 8);
	memcpy(buf + 8, h->ck_r, 8);
	buf[16] = next;
	buf[17] = IKEV1_VERSION;
	buf[18] = h->exchange;
	buf[19] = h->flags;
	ikev1_put32(buf + 20, h->msg_id);
	ikev1_put32(buf + 24, (uint32_t)total);
}

int ikev1_msg_build(const struct ikev1_msg *m, uint8_t *buf, size_t cap,
		    size_t *len)
{
	size_t blen;
	int ret;

	if (cap < IKEV1_HDR_LEN)
		return -ENOSPC;
	if (m->hdr.flags & ~IKEV1_F_ALL)
		return -EINVAL;
	ret = ikev1_chain_build(&m->chain, buf + IKEV1_HDR_LEN,
				cap - IKEV1_HDR_LEN, &blen);
	if (ret)
		return ret;
	if (blen > UINT32_MAX - IKEV1_HDR_LEN)
		return -EINVAL;
	hdr_put(&m->hdr, m->chain.n ? m->chain.pl[0].type : IKEV1_PL_NONE,
		buf, IKEV1_HDR_LEN + blen);
	*len = IKEV1_HDR_LEN + blen;
	return 0;
}

int ikev1_msg_build_raw(const struct ikev1_hdr *h, const uint8_t *body,
			size_t body_len, uint8_t *buf, size_t cap, size_t *len)
{
	if (cap < IKEV1_HDR_LEN || body_len > cap - IKEV1_HDR_LEN)
		return -ENOSPC;
	hdr_put(h, h->next, buf, IKEV1_HDR_LEN + body_len);
	if (body_len)
		memcpy(buf + IKEV1_HDR_LEN, body, body_len);
	*len = IKEV1_HDR_LEN + body_len;
	return 0;
}

struct ikev1_pl *ikev1_chain_add(struct ikev1_chain *c, uint8_t type)
{
	struct ikev1_pl *pl;

	if (c->n >= IKEV1_MAX_PAYLOADS)
		return NULL;
	pl = &c->pl[c->n++];
	memset(pl, 0, sizeof(*pl));
	pl->type = type;
	if (c->n == 1)
		c->first = type;
	if (type == IKEV1_PL_SA) {
		pl->u.sa.doi = IKEV1_DOI_IPSEC;
		pl->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
		pl->u.sa.first_prop = c->nprop;
	}
	return pl;
}

struct ikev1_pl *ikev1_chain_add_raw(struct ikev1_chain *c, uint8_t type,
				     const uint8_t *body, size_t len)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, type);

	if (pl) {
		pl->body = body;
		pl->len = len;
	}
	return pl;
}

/*
 * The builders append to the shared arrays, so an SA's proposals (and a
 * proposal's transforms) must be added before the next SA (proposal).
 */
struct ikev1_prop *ikev1_sa_add_prop(struct ikev1_chain *c,
				     struct ikev1_sa *sa, uint8_t num,
				     uint8_t proto, const uint8_t *spi,
				     uint8_t spi_size)
{
	struct ikev1_prop *p;

	if (c->nprop >= IKEV1_MAX_PROPS || spi_size > sizeof(p->spi) ||
	    sa->first_prop + sa->nprop != c->nprop)
		return NULL;
	p = &c->prop[c->nprop++];
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_size = spi_size;
	if (spi_size)
		memcpy(p->spi, spi, spi_size);
	p->first_xf = c->nxf;
	sa->nprop++;
	return p;
}

struct ikev1_xf *ikev1_prop_add_xf(struct ikev1_chain *c,
				   struct ikev1_prop *p, uint8_t num,
				   uint8_t id)
{
	struct ikev1_xf *x;

	if (c->nxf >= IKEV1_MAX_XFS || p->first_xf + p->nxf != c->nxf)
		return NULL;
	x = &c->xf[c->nxf++];
	x->num = num;
	x->id = id;
	x->first_attr = c->nattr;
	x->nattr = 0;
	p->nxf++;
	return x;
}

static struct ikev1_attr *attr_add(struct ikev1_chain *c, struct ikev1_xf *x,
				   uint16_t type)
{
	struct ikev1_attr *a;

	if (c->nattr >= IKEV1_MAX_ATTRS || type & IKEV1_AF_BIT ||
	    x->first_attr + x->nattr != c->nattr)
		return NULL;
	a = &c->attr[c->nattr++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	x->nattr++;
	return a;
}

int ikev1_xf_add_tv(struct ikev1_chain *c, struct ikev1_xf *x, uint16_t type,
		    uint16_t val)
{
	struct ikev1_attr *a = attr_add(c, x, type);

	if (!a)
		return -ENOSPC;
	a->tv = true;
	a->val = val;
	return 0;
}

int ikev1_xf_add_tlv(struct ikev1_chain *c, struct ikev1_xf *x, uint16_t type,
		     const uint8_t *data, uint16_t len)
{
	struct ikev1_attr *a = attr_add(c, x, type);

	if (!a)
		return -ENOSPC;
	a->data = data;
	a->len = len;
	return 0;
}

const struct ikev1_pl *ikev1_chain_find(const struct ikev1_chain *c,
					uint8_t type, unsigned int i)
{
	unsigned int k;

	for (k = 0; k < c->n; k++)
		if (c->pl[k].type == type && !i--)
			return &c->pl[k];
	return NULL;
}

unsigned int ikev1_chain_count(const struct ikev1_chain *c, uint8_t type)
{
	unsigned int k, n = 0;

	for (k = 0; k < c->n; k++)
		n += c->pl[k].type == type;
	return n;
}

bool ikev1_chain_same(const struct ikev1_chain *a,
		      const struct ikev1_chain *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!ikev1_pl_same(a, &a->pl[i], b, &b->pl[i]))
			return false;
	return true;
}
