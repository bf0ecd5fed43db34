// SPDX-License-Identifier: GPL-2.0
/* IKEv1 fragments in: parsed, matched to their ISAKMP SA by cookies, put back together with limits, the whole handed to the receive path, where its decryption and HASH decide whether any of it was genuine. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "v1.h"
#include "frag.h"
#include "../peerlog.h"
#include "../sa/frag.h"

/* Counted and said in one line; nothing of the peer's bytes printed. */
static void failed(struct ike_sa *sa, const struct ikev1_frag *f,
		   const char *from, const char *why)
{
	sa->d->v1_frag_failed++;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "IKEv1 fragment reassembly failed: fragment %u of fragment ID %u from %s: %s",
		   f->num, f->id, from, why);
}

/* The whole must be one IKEv1 message of the same ISAKMP SA. */
static bool whole_ok(const uint8_t *buf, size_t len,
		     const struct ikev1_frag *f)
{
	return len >= IKEV1_HDR_LEN && !ikev1_is_frag(buf, len) &&
	       !memcmp(buf, f->hdr.ck_i, 8) && !memcmp(buf + 8, f->hdr.ck_r, 8);
}

static void complete(struct ike_sa *sa, const struct ikev1_frag *f,
		     const struct iked_path *path, const char *from)
{
	struct ikev1_reasm *ra = &v1(sa)->reasm;
	struct iked *d = sa->d;
	uint8_t *buf = malloc(IKED_MSG_MAX);
	unsigned int n = ra->last;
	size_t len;

	if (!buf || ikev1_reasm_join(ra, buf, IKED_MSG_MAX, &len)) {
		ikev1_reasm_clear(ra);
		free(buf);
		return failed(sa, f, from, "cannot join the fragments");
	}
	ikev1_reasm_clear(ra);
	if (!whole_ok(buf, len, f)) {
		free(buf);
		return failed(sa, f, from,
			      "the fragments do not make an IKEv1 message of this ISAKMP SA");
	}
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "message of %zu bytes reassembled from %u fragments (fragment ID %u)",
		   len, n, f->id);
	/* @sa may end in there: not touched after. */
	ikev1_recv(d, buf, len, path);
	free(buf);
}

static void take(struct ike_sa *sa, const struct ikev1_frag *f,
		 const struct iked_path *path, const char *from)
{
	struct ikev1_reasm *ra = &v1(sa)->reasm;
	enum ikev1_reasm_res res;
	iked_ms now = iked_now();

	if (ra->active && now - ra->started > IKED_FRAG_STALE_MS) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "IKEv1 fragments of fragment ID %u never completed: dropped",
			   ra->id);
		ikev1_reasm_clear(ra);
	}
	res = ikev1_reasm_add(ra, f, now);
	if (ikev1_reasm_failed(res))
		return failed(sa, f, from, ikev1_reasm_res_name(res));
	if (res == IKEV1_REASM_DONE)
		return complete(sa, f, path, from);
	if (res != IKEV1_REASM_KEPT)
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "IKEv1 fragment %u of fragment ID %u from %s: %s",
			   f->num, f->id, from, ikev1_reasm_res_name(res));
}

void v1_frag_recv(struct iked *d, const uint8_t *buf, size_t len,
		  const struct iked_path *path)
{
	struct ikev1_err err = { 0 };
	struct ikev1_frag f;
	struct ike_sa *sa;
	char from[80];

	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	if (ikev1_frag_parse(&f, buf, len, &err)) {
		d->v1_frag_failed++;
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "IKEv1 fragment reassembly failed: malformed fragment from %s: %s at byte %zu",
			      from, err.why ? err.why : "unparsable", err.off);
		return;
	}
	sa = v1_find_sa(d, &f.hdr);
	if (!sa) {
		d->v1_frag_unknown++;
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "dropped IKEv1 fragment from %s: no ISAKMP SA of ours has its cookies (%u such fragments so far)",
			      from, d->v1_frag_unknown);
		return;
	}
	if (iked_frag_conf(sa) == IKED_FRAG_NO) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped IKEv1 fragment %u of fragment ID %u from %s: this conn has fragmentation=no",
			   f.num, f.id, from);
		return;
	}
	take(sa, &f, path, from);
}
