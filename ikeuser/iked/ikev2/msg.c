// SPDX-License-Identifier: GPL-2.0
/* Parse and build IKEv2 messages: the IKE header and the chain of payloads. */

#include <errno.h>
#include <string.h>
#include "msg.h"

#define PL_FIRST_KNOWN	IKEV2_PL_SA
#define PL_LAST_KNOWN	IKEV2_PL_EAP
#define SEEN_BIT(type)	(1u << ((type) - 32))

/*
 * The types RFC 7296 defines and RFC 7383's Encrypted Fragment; any
 * other is skipped, or refused if critical.
 */
static bool known(uint8_t type)
{
	return (type >= PL_FIRST_KNOWN && type <= PL_LAST_KNOWN) ||
	       type == IKEV2_PL_SKF;
}

/* SK or SKF: the last payload, whose Next Payload names what is inside. */
static bool encrypted(uint8_t type)
{
	return type == IKEV2_PL_SK || type == IKEV2_PL_SKF;
}

/* Types a message may carry once (Notify, Delete, VID, CERT, CERTREQ repeat). */
static bool single(uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA:
	case IKEV2_PL_KE:
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
	case IKEV2_PL_AUTH:
	case IKEV2_PL_NONCE:
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
	case IKEV2_PL_SK:
	case IKEV2_PL_CP:
	case IKEV2_PL_EAP:
	case IKEV2_PL_SKF:
		return true;
	}
	return false;
}

static int fail(struct ikev2_err *err, size_t off, const char *why, int ret)
{
	err->why = why;
	err->off = off;
	return ret;
}

/* RFC 7383 2.5: Fragment Number from 1 to Total Fragments, then as SK. */
static int skf_parse(struct ikev2_sk *sk, const uint8_t *b, size_t len,
		     struct ikev2_err *err)
{
	if (len < 4)
		return fail(err, 0, "Encrypted Fragment payload truncated",
			    -EBADMSG);
	sk->frag_num = ikev2_get16(b);
	sk->frag_total = ikev2_get16(b + 2);
	if (!sk->frag_num || sk->frag_num > sk->frag_total)
		return fail(err, 0, "fragment number not within its total",
			    -EBADMSG);
	sk->data = b + 4;
	sk->len = len - 4;
	return 0;
}

/* Decodes the body of payload @pl into its field of @c. */
static int body_parse(struct ikev2_chain *c, struct ikev2_pl *pl,
		      struct ikev2_err *err)
{
	switch (pl->type) {
	case IKEV2_PL_SA:
		return ikev2_sa_parse(&c->sa, pl->body, pl->len, err);
	case IKEV2_PL_KE:
		return ikev2_ke_parse(&c->ke, pl->body, pl->len, err);
	case IKEV2_PL_IDI:
		return ikev2_id_parse(&c->idi, pl->body, pl->len, err);
	case IKEV2_PL_IDR:
		return ikev2_id_parse(&c->idr, pl->body, pl->len, err);
	case IKEV2_PL_AUTH:
		return ikev2_auth_parse(&c->auth, pl->body, pl->len, err);
	case IKEV2_PL_NONCE:
		return ikev2_nonce_parse(&c->nonce, pl->body, pl->len, err);
	case IKEV2_PL_TSI:
		return ikev2_ts_parse(&c->tsi, pl->body, pl->len, err);
	case IKEV2_PL_TSR:
		return ikev2_ts_parse(&c->tsr, pl->body, pl->len, err);
	case IKEV2_PL_NOTIFY:
		pl->idx = c->n_notify++;
		return ikev2_notify_parse(&c->notify[pl->idx], pl->body,
					  pl->len, err);
	case IKEV2_PL_DELETE:
		pl->idx = c->n_del++;
		return ikev2_delete_parse(&c->del[pl->idx], pl->body, pl->len,
					  err);
	case IKEV2_PL_SK:
		c->sk.data = pl->body;
		c->sk.len = pl->len;
		return 0;
	case IKEV2_PL_SKF:
		return skf_parse(&c->sk, pl->body, pl->len, err);
	}
	return ikev2_raw_parse(pl->type, pl->len, err);
}

/* The chain in @buf[0, @len), @first being the type of its first payload. */
static int chain_parse(struct ikev2_chain *c, uint8_t first,
		       const uint8_t *buf, size_t len, bool inner,
		       struct ikev2_err *err)
{
	uint8_t next = first;
	size_t off = 0;

	memset(c, 0, sizeof(*c));
	while (next != IKEV2_PL_NONE) {
		struct ikev2_pl *pl;
		uint16_t plen;
		int ret;

		err->payload = next;
		if (len - off < IKEV2_PL_HDR_LEN)
			return fail(err, off, "payload header truncated",
				    -EBADMSG);
		plen = ikev2_get16(buf + off + 2);
		/* A length under 4 would not move on: a loop or an underflow. */
		if (plen < IKEV2_PL_HDR_LEN)
			return fail(err, off, "payload length below 4", -EBADMSG);
		if (plen > len - off)
			return fail(err, off, "payload past the end", -EBADMSG);
		if (!known(next) && (buf[off + 1] & IKEV2_CRITICAL))
			return fail(err, off, "unsupported critical payload",
				    -EOPNOTSUPP);
		if (c->n == IKEV2_MAX_PAYLOADS)
			return fail(err, off, "too many payloads", -E2BIG);
		if (known(next) && single(next) && (c->seen & SEEN_BIT(next)))
			return fail(err, off, "duplicate payload", -EEXIST);
		if (known(next))
			c->seen |= SEEN_BIT(next);
		pl = &c->pl[c->n++];
		pl->type = next;
		pl->critical = buf[off + 1] & IKEV2_CRITICAL;
		pl->body = buf + off + IKEV2_PL_HDR_LEN;
		pl->len = plen - IKEV2_PL_HDR_LEN;
		if (known(next)) {
			ret = body_parse(c, pl, err);
			if (ret) {
				err->off += off + IKEV2_PL_HDR_LEN;
				return ret;
			}
		}
		next = buf[off];
		if (encrypted(pl->type)) {
			/* 3.14: SK is last, its Next Payload names what is inside. */
			if (inner)
				return fail(err, off, "SK inside SK", -EBADMSG);
			c->sk.inner = next;
			if (off + plen != len)
				return fail(err, off, "payloads after SK",
					    -EBADMSG);
			next = IKEV2_PL_NONE;
		}
		off += plen;
	}
	err->payload = 0;
	if (off != len)
		return fail(err, off, "bytes after the last payload", -EBADMSG);
	return 0;
}

int ikev2_chain_parse(struct ikev2_chain *c, uint8_t first,
		      const uint8_t *buf, size_t len, struct ikev2_err *err)
{
	struct ikev2_err dummy;

	return chain_parse(c, first, buf, len, true, err ? err : &dummy);
}

int ikev2_msg_parse(struct ikev2_msg *m, const uint8_t *buf, size_t len,
		    struct ikev2_err *err)
{
	struct ikev2_hdr *h = &m->hdr;
	struct ikev2_err dummy;
	int ret;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	memset(h, 0, sizeof(*h));
	m->chain.n = 0;
	if (len < IKEV2_HDR_LEN)
		return fail(err, 0, "shorter than the IKE header", -EBADMSG);
	memcpy(h->spi_i, buf, 8);
	memcpy(h->spi_r, buf + 8, 8);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19] & IKEV2_F_ALL;
	h->msg_id = ikev2_get32(buf + 20);
	h->length = ikev2_get32(buf + 24);
	/* 3.1: only the major version matters; a higher minor is still ours. */
	if ((h->version >> 4) != (IKEV2_VERSION >> 4))
		return fail(err, 17, "IKE version mismatch", -EPROTONOSUPPORT);
	if (h->length != len)
		return fail(err, 24, "header length is not the datagram length",
			    -EMSGSIZE);
	ret = chain_parse(&m->chain, h->next, buf + IKEV2_HDR_LEN,
			  len - IKEV2_HDR_LEN, false, err);
	if (ret)
		err->off += IKEV2_HDR_LEN;
	return ret;
}

/* Copies a raw body, as the SK data and the kinds kept raw are written. */
static int copy_body(uint8_t *buf, size_t cap, const uint8_t *data,
		     size_t len)
{
	if (len > IKEV2_BODY_MAX)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	/* memmove: the crypto layer may hand in bytes already in @buf */
	if (len)
		memmove(buf, data, len);
	return (int)len;
}

static int skf_build(const struct ikev2_sk *sk, uint8_t *buf, size_t cap)
{
	int n;

	if (!sk->frag_num || sk->frag_num > sk->frag_total)
		return -EINVAL;
	if (cap < 4)
		return -ENOSPC;
	n = copy_body(buf + 4, cap - 4, sk->data, sk->len);
	if (n < 0 || n + 4 > IKEV2_BODY_MAX)
		return n < 0 ? n : -EINVAL;
	ikev2_put16(buf, sk->frag_num);
	ikev2_put16(buf + 2, sk->frag_total);
	return n + 4;
}

static int body_build(const struct ikev2_chain *c, const struct ikev2_pl *pl,
		      uint8_t *buf, size_t cap)
{
	switch (pl->type) {
	case IKEV2_PL_SA:
		return ikev2_sa_build(&c->sa, buf, cap);
	case IKEV2_PL_KE:
		return ikev2_ke_build(&c->ke, buf, cap);
	case IKEV2_PL_IDI:
		return ikev2_id_build(&c->idi, buf, cap);
	case IKEV2_PL_IDR:
		return ikev2_id_build(&c->idr, buf, cap);
	case IKEV2_PL_AUTH:
		return ikev2_auth_build(&c->auth, buf, cap);
	case IKEV2_PL_NONCE:
		return ikev2_nonce_build(&c->nonce, buf, cap);
	case IKEV2_PL_TSI:
		return ikev2_ts_build(&c->tsi, buf, cap);
	case IKEV2_PL_TSR:
		return ikev2_ts_build(&c->tsr, buf, cap);
	case IKEV2_PL_NOTIFY:
		if (pl->idx >= c->n_notify)
			return -EINVAL;
		return ikev2_notify_build(&c->notify[pl->idx], buf, cap);
	case IKEV2_PL_DELETE:
		if (pl->idx >= c->n_del)
			return -EINVAL;
		return ikev2_delete_build(&c->del[pl->idx], buf, cap);
	case IKEV2_PL_SK:
		return copy_body(buf, cap, c->sk.data, c->sk.len);
	case IKEV2_PL_SKF:
		return skf_build(&c->sk, buf, cap);
	}
	if (known(pl->type)) {
		struct ikev2_err err;

		if (ikev2_raw_parse(pl->type, pl->len, &err))
			return -EINVAL;
	}
	return copy_body(buf, cap, pl->body, pl->len);
}

static int chain_build(const struct ikev2_chain *c, uint8_t *buf, size_t cap,
		       size_t *len, bool inner)
{
	uint32_t seen = 0;
	size_t off = 0;
	unsigned int i;

	if (c->n > IKEV2_MAX_PAYLOADS)
		return -EINVAL;
	for (i = 0; i < c->n; i++) {
		const struct ikev2_pl *pl = &c->pl[i];
		uint8_t next = i + 1 < c->n ? c->pl[i + 1].type : IKEV2_PL_NONE;
		int blen;

		if (!pl->type)
			return -EINVAL;
		if (known(pl->type) && single(pl->type)) {
			if (seen & SEEN_BIT(pl->type))
				return -EINVAL;
			seen |= SEEN_BIT(pl->type);
		}
		if (encrypted(pl->type)) {
			if (inner || i + 1 != c->n)
				return -EINVAL;
			next = c->sk.inner;
		}
		if (cap - off < IKEV2_PL_HDR_LEN)
			return -ENOSPC;
		blen = body_build(c, pl, buf + off + IKEV2_PL_HDR_LEN,
				  cap - off - IKEV2_PL_HDR_LEN);
		if (blen < 0)
			return blen;
		if (blen > IKEV2_BODY_MAX)
			return -EINVAL;
		buf[off] = next;
		buf[off + 1] = pl->critical ? IKEV2_CRITICAL : 0;
		ikev2_put16(buf + off + 2,
			    (uint16_t)(blen + IKEV2_PL_HDR_LEN));
		off += IKEV2_PL_HDR_LEN + (size_t)blen;
	}
	*len = off;
	return 0;
}

int ikev2_chain_build(const struct ikev2_chain *c, uint8_t *buf, size_t cap,
		      size_t *len)
{
	return chain_build(c, buf, cap, len, true);
}

int ikev2_msg_build(const struct ikev2_msg *m, uint8_t *buf, size_t cap,
		    size_t *len)
{
	const struct ikev2_hdr *h = &m->hdr;
	size_t clen;
	int ret;

	if (cap < IKEV2_HDR_LEN)
		return -ENOSPC;
	ret = chain_build(&m->chain, buf + IKEV2_HDR_LEN, cap - IKEV2_HDR_LEN,
			  &clen, false);
	if (ret)
		return ret;
	memcpy(buf, h->spi_i, 8);
	memcpy(buf + 8, h->spi_r, 8);
	buf[16] = ikev2_chain_first(&m->chain);
	buf[17] = IKEV2_VERSION;
	buf[18] = h->exchange;
	buf[19] = h->flags & IKEV2_F_ALL;
	ikev2_put32(buf + 20, h->msg_id);
	ikev2_put32(buf + 24, (uint32_t)(IKEV2_HDR_LEN + clen));
	*len = IKEV2_HDR_LEN + clen;
	return 0;
}

void ikev2_chain_init(struct ikev2_chain *c)
{
	memset(c, 0, sizeof(*c));
}

void ikev2_msg_init(struct ikev2_msg *m, const uint8_t spi_i[8],
		    const uint8_t spi_r[8], uint8_t exchange, uint8_t flags,
		    uint32_t msg_id)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->hdr.spi_i, spi_i, 8);
	memcpy(m->hdr.spi_r, spi_r, 8);
	m->hdr.version = IKEV2_VERSION;
	m->hdr.exchange = exchange;
	m->hdr.flags = flags & IKEV2_F_ALL;
	m->hdr.msg_id = msg_id;
}

static int append(struct ikev2_chain *c, uint8_t type, bool critical,
		  struct ikev2_pl **out)
{
	struct ikev2_pl *pl;

	if (!type)
		return -EINVAL;
	if (known(type) && single(type) && (c->seen & SEEN_BIT(type)))
		return -EEXIST;
	if (c->n == IKEV2_MAX_PAYLOADS)
		return -E2BIG;
	if (known(type))
		c->seen |= SEEN_BIT(type);
	pl = &c->pl[c->n++];
	memset(pl, 0, sizeof(*pl));
	pl->type = type;
	pl->critical = critical ? IKEV2_CRITICAL : 0;
	*out = pl;
	return 0;
}

int ikev2_chain_add(struct ikev2_chain *c, uint8_t type)
{
	struct ikev2_pl *pl;

	switch (type) {
	case IKEV2_PL_SA:
	case IKEV2_PL_KE:
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
	case IKEV2_PL_AUTH:
	case IKEV2_PL_NONCE:
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
	case IKEV2_PL_SK:
		return append(c, type, false, &pl);
	}
	return -EINVAL;
}

int ikev2_chain_add_ke(struct ikev2_chain *c, uint16_t group,
		       const void *data, size_t len)
{
	int ret = ikev2_chain_add(c, IKEV2_PL_KE);

	if (!ret) {
		c->ke.group = group;
		c->ke.data = data;
		c->ke.len = len;
	}
	return ret;
}

int ikev2_chain_add_id(struct ikev2_chain *c, uint8_t which, uint8_t type,
		       const void *data, size_t len)
{
	struct ikev2_id *id;
	int ret;

	if (which != IKEV2_PL_IDI && which != IKEV2_PL_IDR)
		return -EINVAL;
	ret = ikev2_chain_add(c, which);
	if (ret)
		return ret;
	id = which == IKEV2_PL_IDI ? &c->idi : &c->idr;
	id->type = type;
	id->data = data;
	id->len = len;
	return 0;
}

int ikev2_chain_add_auth(struct ikev2_chain *c, uint8_t method,
			 const void *data, size_t len)
{
	int ret = ikev2_chain_add(c, IKEV2_PL_AUTH);

	if (!ret) {
		c->auth.method = method;
		c->auth.data = data;
		c->auth.len = len;
	}
	return ret;
}

int ikev2_chain_add_nonce(struct ikev2_chain *c, const void *data,
			  size_t len)
{
	int ret = ikev2_chain_add(c, IKEV2_PL_NONCE);

	if (!ret) {
		c->nonce.data = data;
		c->nonce.len = len;
	}
	return ret;
}

int ikev2_chain_add_sk(struct ikev2_chain *c, uint8_t inner,
		       const void *data, size_t len)
{
	int ret = ikev2_chain_add(c, IKEV2_PL_SK);

	if (!ret) {
		c->sk.inner = inner;
		c->sk.data = data;
		c->sk.len = len;
	}
	return ret;
}

int ikev2_chain_add_notify(struct ikev2_chain *c, uint8_t proto,
			   const void *spi, uint8_t spi_len, uint16_t type,
			   const void *data, size_t len)
{
	struct ikev2_notify *n;
	struct ikev2_pl *pl;
	int ret;

	if (spi_len > IKEV2_SPI_MAX || (spi_len && !spi))
		return -EINVAL;
	ret = append(c, IKEV2_PL_NOTIFY, false, &pl);
	if (ret)
		return ret;
	pl->idx = c->n_notify++;
	n = &c->notify[pl->idx];
	memset(n, 0, sizeof(*n));
	n->proto = proto;
	n->spi_len = spi_len;
	if (spi_len)
		memcpy(n->spi, spi, spi_len);
	n->type = type;
	n->data = data;
	n->len = len;
	return 0;
}

int ikev2_chain_add_delete(struct ikev2_chain *c, uint8_t proto,
			   uint8_t spi_len, uint16_t n_spi, const void *spis)
{
	struct ikev2_delete *d;
	struct ikev2_pl *pl;
	int ret;

	ret = append(c, IKEV2_PL_DELETE, false, &pl);
	if (ret)
		return ret;
	pl->idx = c->n_del++;
	d = &c->del[pl->idx];
	d->proto = proto;
	d->spi_len = spi_len;
	d->n_spi = n_spi;
	d->spis = spis;
	return 0;
}

int ikev2_chain_add_raw(struct ikev2_chain *c, uint8_t type, bool critical,
			const void *body, size_t len)
{
	struct ikev2_pl *pl;
	int ret;

	switch (type) {
	case IKEV2_PL_VENDOR:
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
	case IKEV2_PL_CP:
	case IKEV2_PL_EAP:
		break;
	default:
		if (known(type))
			return -EINVAL;
	}
	ret = append(c, type, critical, &pl);
	if (ret)
		return ret;
	pl->body = body;
	pl->len = len;
	return 0;
}

bool ikev2_chain_has(const struct ikev2_chain *c, uint8_t type)
{
	return ikev2_chain_count(c, type) > 0;
}

unsigned int ikev2_chain_count(const struct ikev2_chain *c, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->pl[i].type == type;
	return n;
}

const struct ikev2_notify *ikev2_chain_notify(const struct ikev2_chain *c,
					      uint16_t type)
{
	unsigned int i;

	for (i = 0; i < c->n_notify; i++)
		if (c->notify[i].type == type)
			return &c->notify[i];
	return NULL;
}

uint8_t ikev2_chain_first(const struct ikev2_chain *c)
{
	return c->n ? c->pl[0].type : IKEV2_PL_NONE;
}

static bool bytes_same(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool sa_same(const struct ikev2_sa *a, const struct ikev2_sa *b)
{
	unsigned int i, j;

	if (a->n_prop != b->n_prop)
		return false;
	for (i = 0; i < a->n_prop; i++) {
		const struct ikev2_proposal *pa = &a->prop[i], *pb = &b->prop[i];
		const struct ikev2_transform *ta = ikev2_proposal_tr(a, pa);
		const struct ikev2_transform *tb = ikev2_proposal_tr(b, pb);

		if (pa->num != pb->num || pa->proto != pb->proto ||
		    pa->n_tr != pb->n_tr ||
		    !bytes_same(pa->spi, pa->spi_len, pb->spi, pb->spi_len))
			return false;
		for (j = 0; j < pa->n_tr; j++)
			if (ta[j].type != tb[j].type || ta[j].id != tb[j].id ||
			    ta[j].key_len != tb[j].key_len)
				return false;
	}
	return true;
}

static bool ts_same(const struct iked_ts_list *a,
		    const struct iked_ts_list *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct iked_ts *x = &a->ts[i], *y = &b->ts[i];

		if (x->type != y->type || x->proto != y->proto ||
		    x->start_port != y->start_port ||
		    x->end_port != y->end_port ||
		    memcmp(x->start, y->start, sizeof(x->start)) ||
		    memcmp(x->end, y->end, sizeof(x->end)))
			return false;
	}
	return true;
}

static bool pl_same(const struct ikev2_chain *a, const struct ikev2_pl *pa,
		    const struct ikev2_chain *b, const struct ikev2_pl *pb)
{
	const struct ikev2_notify *na, *nb;
	const struct ikev2_delete *da, *db;

	if (pa->type != pb->type || pa->critical != pb->critical)
		return false;
	switch (pa->type) {
	case IKEV2_PL_SA:
		return sa_same(&a->sa, &b->sa);
	case IKEV2_PL_KE:
		return a->ke.group == b->ke.group &&
		       bytes_same(a->ke.data, a->ke.len, b->ke.data, b->ke.len);
	case IKEV2_PL_IDI:
		return a->idi.type == b->idi.type &&
		       bytes_same(a->idi.data, a->idi.len, b->idi.data,
				  b->idi.len);
	case IKEV2_PL_IDR:
		return a->idr.type == b->idr.type &&
		       bytes_same(a->idr.data, a->idr.len, b->idr.data,
				  b->idr.len);
	case IKEV2_PL_AUTH:
		return a->auth.method == b->auth.method &&
		       bytes_same(a->auth.data, a->auth.len, b->auth.data,
				  b->auth.len);
	case IKEV2_PL_NONCE:
		return bytes_same(a->nonce.data, a->nonce.len, b->nonce.data,
				  b->nonce.len);
	case IKEV2_PL_TSI:
		return ts_same(&a->tsi, &b->tsi);
	case IKEV2_PL_TSR:
		return ts_same(&a->tsr, &b->tsr);
	case IKEV2_PL_NOTIFY:
		na = &a->notify[pa->idx];
		nb = &b->notify[pb->idx];
		return na->proto == nb->proto && na->type == nb->type &&
		       bytes_same(na->spi, na->spi_len, nb->spi, nb->spi_len) &&
		       bytes_same(na->data, na->len, nb->data, nb->len);
	case IKEV2_PL_DELETE:
		da = &a->del[pa->idx];
		db = &b->del[pb->idx];
		return da->proto == db->proto && da->n_spi == db->n_spi &&
		       bytes_same(da->spis, (size_t)da->n_spi * da->spi_len,
				  db->spis, (size_t)db->n_spi * db->spi_len);
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		return a->sk.inner == b->sk.inner &&
		       a->sk.frag_num == b->sk.frag_num &&
		       a->sk.frag_total == b->sk.frag_total &&
		       bytes_same(a->sk.data, a->sk.len, b->sk.data, b->sk.len);
	}
	return bytes_same(pa->body, pa->len, pb->body, pb->len);
}

bool ikev2_chain_same(const struct ikev2_chain *a,
		      const struct ikev2_chain *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!pl_same(a, &a->pl[i], b, &b->pl[i]))
			return false;
	return true;
}

const char *ikev2_exchange_name(uint8_t exchange)
{
	switch (exchange) {
	case IKEV2_EXCH_IKE_SA_INIT:
		return "IKE_SA_INIT";
	case IKEV2_EXCH_IKE_AUTH:
		return "IKE_AUTH";
	case IKEV2_EXCH_CREATE_CHILD_SA:
		return "CREATE_CHILD_SA";
	case IKEV2_EXCH_INFORMATIONAL:
		return "INFORMATIONAL";
	case IKEV2_EXCH_IKE_INTERMEDIATE:
		return "IKE_INTERMEDIATE";
	}
	return NULL;
}
