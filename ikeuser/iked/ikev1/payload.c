// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 payload bodies from untrusted bytes and back: SA with its
 * proposals, transforms and data attributes, ID, CERT/CR, Notify, Delete,
 * NAT-OA, and the opaque ones (KE, HASH, SIG, NONCE, VID, NAT-D).
 */

#include <errno.h>
#include <string.h>
#include "msg.h"
#include "payload.h"

#define FAIL(err, at, code, ntf, text)					\
	do {								\
		if (err) {						\
			(err)->why = (text);				\
			(err)->off = (at);				\
			(err)->notify = (ntf);				\
		}							\
		return (code);						\
	} while (0)

#define MALFORMED(err, at, text) \
	FAIL(err, at, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, text)

/* RFC 2409 5: "Nonce ... between 8 and 256 bytes inclusive". */
#define NONCE_MIN	8
#define NONCE_MAX	256

const char *ikev1_pl_name(uint8_t type)
{
	switch (type) {
	case IKEV1_PL_SA: return "SA";
	case IKEV1_PL_P: return "P";
	case IKEV1_PL_T: return "T";
	case IKEV1_PL_KE: return "KE";
	case IKEV1_PL_ID: return "ID";
	case IKEV1_PL_CERT: return "CERT";
	case IKEV1_PL_CR: return "CR";
	case IKEV1_PL_HASH: return "HASH";
	case IKEV1_PL_SIG: return "SIG";
	case IKEV1_PL_NONCE: return "NONCE";
	case IKEV1_PL_N: return "N";
	case IKEV1_PL_D: return "D";
	case IKEV1_PL_VID: return "VID";
	case IKEV1_PL_NATD: return "NAT-D";
	case IKEV1_PL_NATOA: return "NAT-OA";
	case IKEV1_PL_NATD_DRAFT: return "NAT-D(draft)";
	case IKEV1_PL_NATOA_DRAFT: return "NAT-OA(draft)";
	}
	return NULL;
}

bool ikev1_attr_basic_only(uint8_t proto, uint16_t type)
{
	if (proto == IKEV1_PROTO_ISAKMP) {
		switch (type) {
		case IKEV1_A1_GROUP_PRIME: case IKEV1_A1_GEN_ONE:
		case IKEV1_A1_GEN_TWO: case IKEV1_A1_CURVE_A:
		case IKEV1_A1_CURVE_B: case IKEV1_A1_LIFE_DURATION:
		case IKEV1_A1_GROUP_ORDER:
			return false;
		}
		return type >= IKEV1_A1_ENCR && type <= IKEV1_A1_GROUP_ORDER;
	}
	switch (type) {
	case IKEV1_A2_LIFE_DURATION: case IKEV1_A2_COMP_PRIV:
		return false;
	}
	return type >= IKEV1_A2_LIFE_TYPE && type <= IKEV1_A2_ECN;
}

int ikev1_attr_u64(const struct ikev1_attr *a, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (a->tv) {
		*out = a->val;
		return 0;
	}
	while (i < a->len && !a->data[i])
		i++;
	if (a->len - i > 8)
		return -ERANGE;
	for (; i < a->len; i++)
		v = v << 8 | a->data[i];
	*out = v;
	return 0;
}

/* The Life Type attribute a Life Duration must follow. */
uint16_t ikev1_life_type_of(uint8_t proto)
{
	return proto == IKEV1_PROTO_ISAKMP ? IKEV1_A1_LIFE_TYPE :
					     IKEV1_A2_LIFE_TYPE;
}

uint16_t ikev1_life_duration_of(uint8_t proto)
{
	return proto == IKEV1_PROTO_ISAKMP ? IKEV1_A1_LIFE_DURATION :
					     IKEV1_A2_LIFE_DURATION;
}

int ikev1_attr_list_parse(uint8_t proto, const uint8_t *p, size_t len,
			  struct ikev1_attr *out, size_t cap, size_t *n,
			  const char **why)
{
	uint16_t prev = 0;
	size_t pos = 0;

	*n = 0;
	while (pos < len) {
		struct ikev1_attr *a = &out[*n];
		uint16_t t;

		*why = len - pos < 4 ? "data attribute truncated" :
		       *n == cap ? "too many data attributes" : NULL;
		if (*why)
			return len - pos < 4 ? -EBADMSG : -E2BIG;
		t = ikev1_get16(p + pos);
		memset(a, 0, sizeof(*a));
		a->type = t & ~IKEV1_AF_BIT;
		a->tv = t & IKEV1_AF_BIT;
		a->val = a->tv ? ikev1_get16(p + pos + 2) : 0;
		a->len = a->tv ? 0 : ikev1_get16(p + pos + 2);
		if (!a->tv && a->len > len - pos - 4)
			*why = "data attribute longer than the list";
		else if (!a->tv && ikev1_attr_basic_only(proto, a->type))
			*why = "attribute that must be basic (TV) sent as TLV";
		else if (a->type == ikev1_life_duration_of(proto) &&
			 prev != ikev1_life_type_of(proto))
			*why = "life duration not preceded by a life type";
		if (*why)
			return -EBADMSG;
		a->data = a->tv ? NULL : p + pos + 4;
		pos += 4 + (size_t)a->len;
		prev = a->type;
		(*n)++;
	}
	return 0;
}

/* The data attributes of a transform: @p/@len, @off in the input. */
static int attrs_parse(struct ikev1_chain *c, struct ikev1_xf *x,
		       uint8_t proto, const uint8_t *p, size_t len, size_t off,
		       struct ikev1_err *err)
{
	uint16_t prev = 0;
	size_t pos = 0;

	x->first_attr = c->nattr;
	while (pos < len) {
		struct ikev1_attr *a;
		uint16_t t;

		if (len - pos < 4)
			MALFORMED(err, off + pos, "data attribute truncated");
		if (c->nattr >= IKEV1_MAX_ATTRS)
			FAIL(err, off + pos, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
			     "too many data attributes");
		a = &c->attr[c->nattr];
		t = ikev1_get16(p + pos);
		memset(a, 0, sizeof(*a));
		a->type = t & ~IKEV1_AF_BIT;
		a->tv = t & IKEV1_AF_BIT;
		if (a->tv) {
			a->val = ikev1_get16(p + pos + 2);
			pos += 4;
		} else {
			a->len = ikev1_get16(p + pos + 2);
			if (a->len > len - pos - 4)
				MALFORMED(err, off + pos,
					  "data attribute longer than its transform");
			if (ikev1_attr_basic_only(proto, a->type))
				MALFORMED(err, off + pos,
					  "attribute that must be basic (TV) sent as TLV");
			a->data = p + pos + 4;
			pos += 4 + (size_t)a->len;
		}
		if (a->type == ikev1_life_duration_of(proto) &&
		    prev != ikev1_life_type_of(proto))
			FAIL(err, off, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
			     "life duration not preceded by a life type");
		prev = a->type;
		c->nattr++;
		x->nattr++;
	}
	return 0;
}

/* The transforms of proposal @pr in @p/@len (@off in the input). */
static int xfs_parse(struct ikev1_chain *c, struct ikev1_prop *pr,
		     unsigned int want, const uint8_t *p, size_t len,
		     size_t off, struct ikev1_err *err)
{
	size_t pos = 0;
	uint8_t next = IKEV1_PL_T;
	int ret;

	pr->first_xf = c->nxf;
	while (next == IKEV1_PL_T) {
		struct ikev1_xf *x;
		size_t tl;

		if (len - pos < 8)
			MALFORMED(err, off + pos, "transform truncated");
		next = p[pos];
		tl = ikev1_get16(p + pos + 2);
		if (next != IKEV1_PL_T && next != IKEV1_PL_NONE)
			FAIL(err, off + pos, -EBADMSG,
			     IKEV1_N_BAD_PROPOSAL_SYNTAX,
			     "transform followed by a payload other than T");
		if (p[pos + 1] || p[pos + 6] || p[pos + 7])
			MALFORMED(err, off + pos,
				  "transform's reserved field not zero");
		if (tl < 8 || tl > len - pos)
			MALFORMED(err, off + pos,
				  "transform length outside its proposal");
		if (c->nxf >= IKEV1_MAX_XFS)
			FAIL(err, off + pos, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
			     "too many transforms");
		x = &c->xf[c->nxf];
		memset(x, 0, sizeof(*x));
		x->num = p[pos + 4];
		x->id = p[pos + 5];
		ret = attrs_parse(c, x, pr->proto, p + pos + 8, tl - 8,
				  off + pos + 8, err);
		if (ret)
			return ret;
		c->nxf++;
		pr->nxf++;
		pos += tl;
	}
	if (pos != len)
		MALFORMED(err, off + pos, "bytes after the last transform");
	if (pr->nxf != want)
		FAIL(err, off, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		     "number of transforms differs from the proposal's count");
	return 0;
}

static bool spi_size_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV1_PROTO_ISAKMP:
		return size == 0 || size == 16;
	case IKEV1_PROTO_AH:
	case IKEV1_PROTO_ESP:
		return size == 4;
	case IKEV1_PROTO_IPCOMP:
		return size == 2 || size == 4;
	}
	return false;
}

/* One proposal at @p (@avail bytes to the SA's end); *@plen its length. */
static int prop_parse(struct ikev1_chain *c, struct ikev1_sa *sa,
		      const uint8_t *p, size_t avail, size_t off,
		      size_t *plen, struct ikev1_err *err)
{
	struct ikev1_prop *pr;
	size_t len, hl;

	if (avail < 8)
		MALFORMED(err, off, "proposal truncated");
	len = ikev1_get16(p + 2);
	if (p[1])
		MALFORMED(err, off, "proposal's reserved field not zero");
	if (len < 8 || len > avail)
		MALFORMED(err, off, "proposal length outside its SA");
	if (c->nprop >= IKEV1_MAX_PROPS)
		FAIL(err, off, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
		     "too many proposals");
	pr = &c->prop[c->nprop];
	memset(pr, 0, sizeof(*pr));
	pr->num = p[4];
	pr->proto = p[5];
	pr->spi_size = p[6];
	if (pr->proto < IKEV1_PROTO_ISAKMP || pr->proto > IKEV1_PROTO_IPCOMP)
		FAIL(err, off + 5, -EOPNOTSUPP, IKEV1_N_INVALID_PROTOCOL_ID,
		     "proposal of an unknown protocol");
	if (!spi_size_ok(pr->proto, pr->spi_size))
		FAIL(err, off + 6, -EBADMSG, IKEV1_N_INVALID_SPI,
		     "SPI size wrong for the proposal's protocol");
	hl = 8 + (size_t)pr->spi_size;
	if (hl > len)
		MALFORMED(err, off, "proposal shorter than its SPI");
	if (!p[7])
		FAIL(err, off + 7, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		     "proposal without transforms");
	if (sa->nprop && c->prop[c->nprop - 1].num > pr->num)
		FAIL(err, off + 4, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		     "proposal numbers not in increasing order");
	memcpy(pr->spi, p + 8, pr->spi_size);
	*plen = len;
	return xfs_parse(c, pr, p[7], p + hl, len - hl, off + hl, err);
}

static int sa_parse(struct ikev1_chain *c, struct ikev1_pl *pl, size_t off,
		    struct ikev1_err *err)
{
	struct ikev1_sa *sa = &pl->u.sa;
	const uint8_t *p = pl->body;
	size_t pos = 8, plen;
	uint8_t next = IKEV1_PL_P;
	int ret;

	if (pl->len < 8)
		MALFORMED(err, off, "SA payload shorter than DOI and situation");
	sa->doi = ikev1_get32(p);
	sa->situation = ikev1_get32(p + 4);
	if (sa->doi != IKEV1_DOI_IPSEC)
		FAIL(err, off, -EOPNOTSUPP, IKEV1_N_DOI_NOT_SUPPORTED,
		     "SA of a DOI other than IPsec");
	if (sa->situation != IKEV1_SIT_IDENTITY_ONLY)
		FAIL(err, off + 4, -EOPNOTSUPP,
		     IKEV1_N_SITUATION_NOT_SUPPORTED,
		     "SA situation other than SIT_IDENTITY_ONLY");
	sa->first_prop = c->nprop;
	if (pos == pl->len)
		FAIL(err, off, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		     "SA payload without proposals");
	while (next == IKEV1_PL_P) {
		if (pl->len - pos < 1)
			MALFORMED(err, off + pos, "proposal truncated");
		next = p[pos];
		if (next != IKEV1_PL_P && next != IKEV1_PL_NONE)
			FAIL(err, off + pos, -EBADMSG,
			     IKEV1_N_BAD_PROPOSAL_SYNTAX,
			     "proposal followed by a payload other than P");
		ret = prop_parse(c, sa, p + pos, pl->len - pos, off + pos,
				 &plen, err);
		if (ret)
			return ret;
		c->nprop++;
		sa->nprop++;
		pos += plen;
	}
	if (pos != pl->len)
		MALFORMED(err, off + pos, "bytes after the last proposal");
	return 0;
}

/* A subnet mask of contiguous ones. */
static bool mask_ok(const uint8_t *m, size_t len)
{
	bool zero = false;
	size_t i;
	int b;

	for (i = 0; i < len; i++)
		for (b = 7; b >= 0; b--) {
			if (!(m[i] >> b & 1))
				zero = true;
			else if (zero)
				return false;
		}
	return true;
}

static int id_check(const struct ikev1_id *id, size_t off,
		    struct ikev1_err *err)
{
	size_t want = 0, half;

	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR: want = 4; break;
	case IKEV1_ID_IPV4_SUBNET: case IKEV1_ID_IPV4_RANGE: want = 8; break;
	case IKEV1_ID_IPV6_ADDR: want = 16; break;
	case IKEV1_ID_IPV6_SUBNET: case IKEV1_ID_IPV6_RANGE: want = 32; break;
	case IKEV1_ID_FQDN: case IKEV1_ID_USER_FQDN: case IKEV1_ID_KEY_ID:
	case IKEV1_ID_DER_ASN1_DN: case IKEV1_ID_DER_ASN1_GN:
		if (!id->len)
			FAIL(err, off, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
			     "empty identity");
		return 0;
	default:
		FAIL(err, off, -EOPNOTSUPP, IKEV1_N_INVALID_ID_INFORMATION,
		     "ID of an unknown type");
	}
	if (id->len != want)
		FAIL(err, off, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		     "ID length wrong for its type");
	half = want / 2;
	if ((id->type == IKEV1_ID_IPV4_SUBNET ||
	     id->type == IKEV1_ID_IPV6_SUBNET) &&
	    !mask_ok(id->data + half, half))
		FAIL(err, off, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		     "subnet mask not contiguous");
	if ((id->type == IKEV1_ID_IPV4_RANGE ||
	     id->type == IKEV1_ID_IPV6_RANGE) &&
	    memcmp(id->data, id->data + half, half) > 0)
		FAIL(err, off, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		     "address range ends before it starts");
	return 0;
}

static int id_parse(struct ikev1_pl *pl, size_t off, struct ikev1_err *err)
{
	struct ikev1_id *id = &pl->u.id;

	if (pl->len < 4)
		MALFORMED(err, off, "ID payload truncated");
	id->type = pl->body[0];
	id->proto = pl->body[1];
	id->port = ikev1_get16(pl->body + 2);
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	return id_check(id, off, err);
}

static int doi_check(uint32_t doi, size_t off, struct ikev1_err *err)
{
	/* RFC 2408 3.14: DOI 0 for ISAKMP's own notifications */
	if (doi != 0 && doi != IKEV1_DOI_IPSEC)
		FAIL(err, off, -EOPNOTSUPP, IKEV1_N_DOI_NOT_SUPPORTED,
		     "Notify or Delete of an unknown DOI");
	return 0;
}

static int notify_parse(struct ikev1_pl *pl, size_t off,
			struct ikev1_err *err)
{
	struct ikev1_notify *n = &pl->u.n;
	const uint8_t *p = pl->body;

	if (pl->len < 8)
		MALFORMED(err, off, "Notify payload truncated");
	n->doi = ikev1_get32(p);
	n->proto = p[4];
	n->spi_size = p[5];
	n->type = ikev1_get16(p + 6);
	if (n->spi_size > pl->len - 8)
		MALFORMED(err, off + 5, "Notify SPI longer than the payload");
	n->spi = p + 8;
	n->data = p + 8 + n->spi_size;
	n->len = pl->len - 8 - n->spi_size;
	return doi_check(n->doi, off, err);
}

static int delete_parse(struct ikev1_pl *pl, size_t off,
			struct ikev1_err *err)
{
	struct ikev1_delete *d = &pl->u.d;
	const uint8_t *p = pl->body;

	if (pl->len < 8)
		MALFORMED(err, off, "Delete payload truncated");
	d->doi = ikev1_get32(p);
	d->proto = p[4];
	d->spi_size = p[5];
	d->nspi = ikev1_get16(p + 6);
	d->spis = p + 8;
	if (!d->nspi || !d->spi_size)
		MALFORMED(err, off + 5, "Delete without SPIs");
	if ((size_t)d->nspi * d->spi_size != pl->len - 8)
		MALFORMED(err, off + 6,
			  "Delete's SPI count and size disagree with its length");
	return doi_check(d->doi, off, err);
}

static int natoa_parse(struct ikev1_pl *pl, size_t off,
		       struct ikev1_err *err)
{
	struct ikev1_natoa *oa = &pl->u.oa;

	if (pl->len < 4)
		MALFORMED(err, off, "NAT-OA payload truncated");
	if (pl->body[1] || pl->body[2] || pl->body[3])
		MALFORMED(err, off, "NAT-OA reserved field not zero");
	oa->type = pl->body[0];
	oa->addr = pl->body + 4;
	oa->len = pl->len - 4;
	if (!((oa->type == IKEV1_ID_IPV4_ADDR && oa->len == 4) ||
	      (oa->type == IKEV1_ID_IPV6_ADDR && oa->len == 16)))
		MALFORMED(err, off, "NAT-OA neither an IPv4 nor an IPv6 address");
	return 0;
}

int ikev1_pl_parse(struct ikev1_chain *c, struct ikev1_pl *pl, size_t off,
		   struct ikev1_err *err)
{
	switch (pl->type) {
	case IKEV1_PL_SA:
		return sa_parse(c, pl, off, err);
	case IKEV1_PL_ID:
		return id_parse(pl, off, err);
	case IKEV1_PL_CERT:
	case IKEV1_PL_CR:
		if (pl->len < 1 || (pl->type == IKEV1_PL_CERT && pl->len < 2))
			MALFORMED(err, off, "CERT or CR payload truncated");
		pl->u.cert.enc = pl->body[0];
		pl->u.cert.data = pl->body + 1;
		pl->u.cert.len = pl->len - 1;
		return 0;
	case IKEV1_PL_N:
		return notify_parse(pl, off, err);
	case IKEV1_PL_D:
		return delete_parse(pl, off, err);
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATOA_DRAFT:
		return natoa_parse(pl, off, err);
	case IKEV1_PL_NONCE:
		if (pl->len < NONCE_MIN || pl->len > NONCE_MAX)
			MALFORMED(err, off, "nonce not of 8 to 256 bytes");
		return 0;
	case IKEV1_PL_KE:
	case IKEV1_PL_HASH:
	case IKEV1_PL_SIG:
	case IKEV1_PL_VID:
	case IKEV1_PL_NATD:
	case IKEV1_PL_NATD_DRAFT:
		if (!pl->len)
			MALFORMED(err, off, "empty payload");
		return 0;
	}
	FAIL(err, off, -EOPNOTSUPP, IKEV1_N_INVALID_PAYLOAD_TYPE,
	     "payload of an unknown type");
}

/* Build side: @pos bytes of @cap used in @buf. */
struct wr {
	uint8_t *buf;
	size_t cap, pos;
};

static int wr_need(struct wr *w, size_t n)
{
	return n > w->cap - w->pos ? -ENOSPC : 0;
}

static int wr_bytes(struct wr *w, const void *p, size_t n)
{
	if (wr_need(w, n))
		return -ENOSPC;
	if (n)
		memcpy(w->buf + w->pos, p, n);
	w->pos += n;
	return 0;
}

static int wr_u8(struct wr *w, uint8_t v)
{
	return wr_bytes(w, &v, 1);
}

static int wr_u16(struct wr *w, uint16_t v)
{
	uint8_t b[2];

	ikev1_put16(b, v);
	return wr_bytes(w, b, 2);
}

static int wr_u32(struct wr *w, uint32_t v)
{
	uint8_t b[4];

	ikev1_put32(b, v);
	return wr_bytes(w, b, 4);
}

static int xf_build(const struct ikev1_chain *c, const struct ikev1_xf *x,
		    bool last, struct wr *w)
{
	size_t start = w->pos, i;
	int ret;

	if ((size_t)x->first_attr + x->nattr > c->nattr)
		return -EINVAL;
	ret = wr_u8(w, last ? IKEV1_PL_NONE : IKEV1_PL_T) ?:
	      wr_u8(w, 0) ?: wr_u16(w, 0) ?: wr_u8(w, x->num) ?:
	      wr_u8(w, x->id) ?: wr_u16(w, 0);
	for (i = 0; !ret && i < x->nattr; i++) {
		const struct ikev1_attr *a = &c->attr[x->first_attr + i];

		if (a->type & IKEV1_AF_BIT)
			return -EINVAL;
		if (a->tv)
			ret = wr_u16(w, a->type | IKEV1_AF_BIT) ?:
			      wr_u16(w, a->val);
		else
			ret = wr_u16(w, a->type) ?: wr_u16(w, a->len) ?:
			      wr_bytes(w, a->data, a->len);
	}
	if (ret)
		return ret;
	if (w->pos - start > UINT16_MAX)
		return -EINVAL;
	ikev1_put16(w->buf + start + 2, (uint16_t)(w->pos - start));
	return 0;
}

static int prop_build(const struct ikev1_chain *c, const struct ikev1_prop *p,
		      bool last, struct wr *w)
{
	size_t start = w->pos, i;
	int ret;

	if (!p->nxf || p->nxf > UINT8_MAX || p->spi_size > sizeof(p->spi) ||
	    (size_t)p->first_xf + p->nxf > c->nxf)
		return -EINVAL;
	ret = wr_u8(w, last ? IKEV1_PL_NONE : IKEV1_PL_P) ?: wr_u8(w, 0) ?:
	      wr_u16(w, 0) ?: wr_u8(w, p->num) ?: wr_u8(w, p->proto) ?:
	      wr_u8(w, p->spi_size) ?: wr_u8(w, (uint8_t)p->nxf) ?:
	      wr_bytes(w, p->spi, p->spi_size);
	for (i = 0; !ret && i < p->nxf; i++)
		ret = xf_build(c, &c->xf[p->first_xf + i], i + 1 == p->nxf, w);
	if (ret)
		return ret;
	if (w->pos - start > UINT16_MAX)
		return -EINVAL;
	ikev1_put16(w->buf + start + 2, (uint16_t)(w->pos - start));
	return 0;
}

static int sa_build(const struct ikev1_chain *c, const struct ikev1_sa *sa,
		    struct wr *w)
{
	size_t i;
	int ret;

	if (!sa->nprop || (size_t)sa->first_prop + sa->nprop > c->nprop)
		return -EINVAL;
	ret = wr_u32(w, sa->doi) ?: wr_u32(w, sa->situation);
	for (i = 0; !ret && i < sa->nprop; i++)
		ret = prop_build(c, &c->prop[sa->first_prop + i],
				 i + 1 == sa->nprop, w);
	return ret;
}

int ikev1_pl_build(const struct ikev1_chain *c, const struct ikev1_pl *pl,
		   uint8_t *buf, size_t cap, size_t *len)
{
	struct wr w = { .buf = buf, .cap = cap };
	const struct ikev1_notify *n = &pl->u.n;
	const struct ikev1_delete *d = &pl->u.d;
	int ret;

	switch (pl->type) {
	case IKEV1_PL_SA:
		ret = sa_build(c, &pl->u.sa, &w);
		break;
	case IKEV1_PL_ID:
		ret = wr_u8(&w, pl->u.id.type) ?: wr_u8(&w, pl->u.id.proto) ?:
		      wr_u16(&w, pl->u.id.port) ?:
		      wr_bytes(&w, pl->u.id.data, pl->u.id.len);
		break;
	case IKEV1_PL_CERT:
	case IKEV1_PL_CR:
		ret = wr_u8(&w, pl->u.cert.enc) ?:
		      wr_bytes(&w, pl->u.cert.data, pl->u.cert.len);
		break;
	case IKEV1_PL_N:
		ret = wr_u32(&w, n->doi) ?: wr_u8(&w, n->proto) ?:
		      wr_u8(&w, n->spi_size) ?: wr_u16(&w, n->type) ?:
		      wr_bytes(&w, n->spi, n->spi_size) ?:
		      wr_bytes(&w, n->data, n->len);
		break;
	case IKEV1_PL_D:
		ret = wr_u32(&w, d->doi) ?: wr_u8(&w, d->proto) ?:
		      wr_u8(&w, d->spi_size) ?: wr_u16(&w, d->nspi) ?:
		      wr_bytes(&w, d->spis, (size_t)d->nspi * d->spi_size);
		break;
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATOA_DRAFT:
		ret = wr_u8(&w, pl->u.oa.type) ?: wr_u8(&w, 0) ?:
		      wr_u16(&w, 0) ?:
		      wr_bytes(&w, pl->u.oa.addr, pl->u.oa.len);
		break;
	default:
		if (!ikev1_pl_name(pl->type) || pl->type == IKEV1_PL_P ||
		    pl->type == IKEV1_PL_T)
			return -EINVAL;
		ret = wr_bytes(&w, pl->body, pl->len);
	}
	*len = w.pos;
	return ret;
}

static bool bytes_same(const uint8_t *a, size_t la, const uint8_t *b,
		       size_t lb)
{
	return la == lb && (!la || !memcmp(a, b, la));
}

static bool attr_same(const struct ikev1_attr *a, const struct ikev1_attr *b)
{
	return a->type == b->type && a->tv == b->tv &&
	       (a->tv ? a->val == b->val :
			bytes_same(a->data, a->len, b->data, b->len));
}

static bool xf_same(const struct ikev1_chain *ca, const struct ikev1_xf *a,
		    const struct ikev1_chain *cb, const struct ikev1_xf *b)
{
	unsigned int i;

	if (a->num != b->num || a->id != b->id || a->nattr != b->nattr)
		return false;
	for (i = 0; i < a->nattr; i++)
		if (!attr_same(&ca->attr[a->first_attr + i],
			       &cb->attr[b->first_attr + i]))
			return false;
	return true;
}

static bool sa_same(const struct ikev1_chain *ca, const struct ikev1_sa *a,
		    const struct ikev1_chain *cb, const struct ikev1_sa *b)
{
	unsigned int i, j;

	if (a->doi != b->doi || a->situation != b->situation ||
	    a->nprop != b->nprop)
		return false;
	for (i = 0; i < a->nprop; i++) {
		const struct ikev1_prop *pa = &ca->prop[a->first_prop + i];
		const struct ikev1_prop *pb = &cb->prop[b->first_prop + i];

		if (pa->num != pb->num || pa->proto != pb->proto ||
		    !bytes_same(pa->spi, pa->spi_size, pb->spi, pb->spi_size) ||
		    pa->nxf != pb->nxf)
			return false;
		for (j = 0; j < pa->nxf; j++)
			if (!xf_same(ca, &ca->xf[pa->first_xf + j], cb,
				     &cb->xf[pb->first_xf + j]))
				return false;
	}
	return true;
}

bool ikev1_pl_same(const struct ikev1_chain *ca, const struct ikev1_pl *a,
		   const struct ikev1_chain *cb, const struct ikev1_pl *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case IKEV1_PL_SA:
		return sa_same(ca, &a->u.sa, cb, &b->u.sa);
	case IKEV1_PL_ID:
		return a->u.id.type == b->u.id.type &&
		       a->u.id.proto == b->u.id.proto &&
		       a->u.id.port == b->u.id.port &&
		       bytes_same(a->u.id.data, a->u.id.len, b->u.id.data,
				  b->u.id.len);
	case IKEV1_PL_CERT:
	case IKEV1_PL_CR:
		return a->u.cert.enc == b->u.cert.enc &&
		       bytes_same(a->u.cert.data, a->u.cert.len,
				  b->u.cert.data, b->u.cert.len);
	case IKEV1_PL_N:
		return a->u.n.doi == b->u.n.doi && a->u.n.proto == b->u.n.proto &&
		       a->u.n.type == b->u.n.type &&
		       bytes_same(a->u.n.spi, a->u.n.spi_size, b->u.n.spi,
				  b->u.n.spi_size) &&
		       bytes_same(a->u.n.data, a->u.n.len, b->u.n.data,
				  b->u.n.len);
	case IKEV1_PL_D:
		return a->u.d.doi == b->u.d.doi && a->u.d.proto == b->u.d.proto &&
		       a->u.d.nspi == b->u.d.nspi &&
		       bytes_same(a->u.d.spis, (size_t)a->u.d.nspi * a->u.d.spi_size,
				  b->u.d.spis, (size_t)b->u.d.nspi * b->u.d.spi_size);
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATOA_DRAFT:
		return a->u.oa.type == b->u.oa.type &&
		       bytes_same(a->u.oa.addr, a->u.oa.len, b->u.oa.addr,
				  b->u.oa.len);
	}
	return bytes_same(a->body, a->len, b->body, b->len);
}
