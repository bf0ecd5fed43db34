// SPDX-License-Identifier: GPL-2.0
/* The IKEv1 fragment datagram (ISAKMP header and one ISAKMP_FRAGMENTATION payload) from untrusted bytes and back; pure, fuzzed. */

#include <errno.h>
#include <string.h>

#include "frag.h"

#define FAIL(err, at, code, text)					\
	do {								\
		if (err) {						\
			(err)->why = (text);				\
			(err)->off = (at);				\
			(err)->notify = IKEV1_N_PAYLOAD_MALFORMED;	\
		}							\
		return (code);						\
	} while (0)

bool ikev1_is_frag(const uint8_t *buf, size_t len)
{
	return len >= IKEV1_HDR_LEN && buf[16] == IKEV1_PL_FRAG;
}

int ikev1_frag_parse(struct ikev1_frag *f, const uint8_t *buf, size_t len,
		     struct ikev1_err *err)
{
	const uint8_t *p = buf + IKEV1_HDR_LEN;
	size_t body, plen;
	int r;

	memset(f, 0, sizeof(*f));
	r = ikev1_hdr_parse(&f->hdr, buf, len, NULL, err);
	if (r)
		return r;
	if (f->hdr.next != IKEV1_PL_FRAG)
		FAIL(err, 16, -EBADMSG, "not a fragment");
	/* The whole message was encrypted before it was cut: not this. */
	if (f->hdr.flags & IKEV1_F_ENCRYPT)
		FAIL(err, 19, -EBADMSG, "fragment with the encryption flag");
	body = f->hdr.length - IKEV1_HDR_LEN;
	if (body < IKEV1_FRAG_HDR_LEN)
		FAIL(err, IKEV1_HDR_LEN, -EBADMSG, "fragment payload truncated");
	if (p[0] != IKEV1_PL_NONE)
		FAIL(err, IKEV1_HDR_LEN, -EBADMSG,
		     "payload after the fragment payload");
	if (p[1])
		FAIL(err, IKEV1_HDR_LEN + 1, -EBADMSG,
		     "generic header's reserved field not zero");
	plen = ikev1_get16(p + 2);
	if (plen != body)
		FAIL(err, IKEV1_HDR_LEN + 2, -EBADMSG,
		     "fragment payload length is not the message's");
	if (plen == IKEV1_FRAG_HDR_LEN)
		FAIL(err, IKEV1_HDR_LEN + 2, -EBADMSG, "fragment without data");
	f->id = ikev1_get16(p + 4);
	f->num = p[6];
	if (!f->num)
		FAIL(err, IKEV1_HDR_LEN + 6, -EBADMSG, "fragment number 0");
	if (p[7] & ~IKEV1_FRAG_LAST)
		FAIL(err, IKEV1_HDR_LEN + 7, -EOPNOTSUPP,
		     "unknown fragment flags");
	f->last = p[7] & IKEV1_FRAG_LAST;
	f->data = p + IKEV1_FRAG_HDR_LEN;
	f->len = plen - IKEV1_FRAG_HDR_LEN;
	return 0;
}

int ikev1_frag_build(const struct ikev1_hdr *h, uint16_t id, uint8_t num,
		     bool last, const uint8_t *data, size_t dlen,
		     uint8_t *buf, size_t cap, size_t *len)
{
	size_t total = IKEV1_HDR_LEN + IKEV1_FRAG_HDR_LEN + dlen;
	struct ikev1_hdr fh = *h;
	uint8_t *p = buf + IKEV1_HDR_LEN;
	size_t hl;
	int r;

	if (!num || !dlen || dlen > UINT16_MAX - IKEV1_FRAG_HDR_LEN)
		return -EINVAL;
	if (cap < total)
		return -ENOSPC;
	fh.next = IKEV1_PL_FRAG;
	fh.flags = 0;
	r = ikev1_msg_build_raw(&fh, NULL, 0, buf, cap, &hl);
	if (r)
		return r;
	ikev1_put32(buf + 24, (uint32_t)total);
	p[0] = IKEV1_PL_NONE;
	p[1] = 0;
	ikev1_put16(p + 2, (uint16_t)(IKEV1_FRAG_HDR_LEN + dlen));
	ikev1_put16(p + 4, id);
	p[6] = num;
	p[7] = last ? IKEV1_FRAG_LAST : 0;
	memcpy(p + IKEV1_FRAG_HDR_LEN, data, dlen);
	*len = total;
	return 0;
}
