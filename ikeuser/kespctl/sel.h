/* SPDX-License-Identifier: GPL-2.0 */
/* Selectors on kespctl's command line and in its output, shared by sa, policy and monitor. */

#ifndef KESPCTL_SEL_H
#define KESPCTL_SEL_H

#include <stddef.h>
#include <stdint.h>
#include "../common/json.h"
#include "../common/kesp_msg.h"
#include "args.h"

/* Which selector words were given. */
enum {
	KESPCTL_SEL_SRC = 1 << 0,
	KESPCTL_SEL_DST = 1 << 1,
	KESPCTL_SEL_PROTO = 1 << 2,
	KESPCTL_SEL_SPORT = 1 << 3,
	KESPCTL_SEL_DPORT = 1 << 4,
};

/* The selector words as typed, before the family is settled. */
struct kespctl_sel_args {
	uint32_t given;			/* KESPCTL_SEL_* */
	struct kesp_prefix src;
	struct kesp_prefix dst;
	uint8_t proto;
	struct kesp_port_range sport;
	struct kesp_port_range dport;
};

/* src, dst, proto, sport, dport; their ctx is a struct kespctl_sel_args. */
#define KESPCTL_N_SEL_KW 5
extern const struct kespctl_kw kespctl_sel_kw[KESPCTL_N_SEL_KW];

/*
 * Turn the words into a selector. Its family is that of src or dst (which
 * must agree); when both are "any" or absent it is @family, and if that is
 * 0 too it is an error. Ports need a protocol that has them. @prefix names
 * the words in messages ("sel " for an SA's). Returns 0 or -EINVAL.
 */
int kespctl_sel_finish(const struct kespctl_sel_args *a, int family,
		       const char *prefix, struct kesp_sel *out, char *err,
		       size_t errlen);

/* "tcp", or the number for a protocol without a name here. */
const char *kespctl_proto_text(uint8_t proto, char *buf, size_t len);
/*
 * "src 10.1.0.0/24 dst 10.2.0.0/24 proto tcp dport 80", leaving out what
 * matches everything; the same words `kespctl ... sel` takes.
 */
const char *kespctl_sel_text(const struct kesp_sel *sel, char *buf,
			     size_t len);
/*
 * The selector as a JSON object: "family", "src", "dst", "proto",
 * "sport-min", "sport-max", "dport-min", "dport-max".
 */
void kespctl_sel_json(struct json *j, const char *key,
		      const struct kesp_sel *sel);
/* "inet" or "inet6", as iproute2 calls them. */
const char *kespctl_family_text(int family);

#endif /* KESPCTL_SEL_H */
