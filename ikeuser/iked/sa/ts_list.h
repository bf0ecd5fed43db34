/* SPDX-License-Identifier: GPL-2.0 */
/* A list of traffic selectors in the neutral form both IKE versions map to (IKEv2's, RFC 7296 3.13.1); no dependencies, so that codecs can fill it. */

#ifndef KESP_IKED_SA_TS_LIST_H
#define KESP_IKED_SA_TS_LIST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Selector types: IKEv2's numbers (3.13.1). */
enum iked_ts_type {
	IKED_TS_IPV4 = 7,
	IKED_TS_IPV6 = 8,
};

#define IKED_MAX_TS		16	/* selectors in one list */

struct iked_ts {
	uint8_t type;		/* enum iked_ts_type */
	uint8_t proto;		/* IP protocol, 0 for any */
	/* Not checked for start <= end: 3.13.1 encodes OPAQUE ports so. */
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16];	/* IPv4 uses the first 4 bytes */
	uint8_t end[16];
};

struct iked_ts_list {
	uint8_t n;
	struct iked_ts ts[IKED_MAX_TS];
};

/*
 * Appends a selector; addresses are 4 or 16 bytes as @type says. 0,
 * -E2BIG or -EINVAL. Inline: the codecs, linked alone into the fuzz
 * targets, use it too.
 */
static inline int iked_ts_add(struct iked_ts_list *l, uint8_t type,
			      uint8_t proto, uint16_t start_port,
			      uint16_t end_port, const void *start,
			      const void *end)
{
	size_t alen = type == IKED_TS_IPV4 ? 4 : type == IKED_TS_IPV6 ? 16 : 0;
	struct iked_ts *ts;

	if (!alen)
		return -EINVAL;
	if (l->n == IKED_MAX_TS)
		return -E2BIG;
	ts = &l->ts[l->n++];
	memset(ts, 0, sizeof(*ts));
	ts->type = type;
	ts->proto = proto;
	ts->start_port = start_port;
	ts->end_port = end_port;
	memcpy(ts->start, start, alen);
	memcpy(ts->end, end, alen);
	return 0;
}

#endif /* KESP_IKED_SA_TS_LIST_H */
