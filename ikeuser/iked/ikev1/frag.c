// SPDX-License-Identifier: GPL-2.0
/* IKEv1 fragmentation in an ISAKMP SA: the FRAGMENTATION Vendor ID both ways, our messages cut into fragments after encryption, the peer's put back together before decryption. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "v1.h"
#include "frag.h"
#include "../peerlog.h"
#include "../vendor.h"
#include "../sa/frag.h"

int v1_frag_add_vid(struct ike_sa *sa, struct ikev1_chain *c)
{
	if (iked_frag_conf(sa) == IKED_FRAG_NO)
		return 0;
	/* As IKEv2's: a responder announces it only to an initiator that did. */
	if (!sa->initiator && !v1(sa)->frag_peer)
		return 0;
	return ikev1_chain_add_raw(c, IKEV1_PL_VID, iked_vendor_v1_frag_id(),
				   IKED_V1_FRAG_VID_LEN) ? 0 : -E2BIG;
}

void v1_frag_take_vids(struct ike_sa *sa, const struct ikev1_chain *c)
{
	bool no = iked_frag_conf(sa) == IKED_FRAG_NO, seen = false;
	uint8_t i;

	for (i = 0; i < c->n; i++)
		if (c->pl[i].type == IKEV1_PL_VID &&
		    iked_vendor_v1_frag(c->pl[i].body, c->pl[i].len))
			seen = true;
	v1(sa)->frag_peer = seen && !no;
	if (seen)
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "the peer does IKEv1 fragmentation (FRAGMENTATION Vendor ID)%s",
			   no ? ", but this conn has fragmentation=no" : "");
}

/*
 * Whether our message of @len bytes goes as fragments: yes when the
 * peer said it takes them, force even before (strongSwan's meaning: a
 * big first message may need them), and only when it does not fit.
 */
static bool wanted(const struct ike_sa *sa, size_t len, size_t max)
{
	enum iked_conf_frag f = iked_frag_conf(sa);

	if (len <= max || f == IKED_FRAG_NO || f == IKED_FRAG_ACCEPT)
		return false;
	return f == IKED_FRAG_FORCE || v1(sa)->frag_peer;
}

const char *v1_frag_whole_why(const struct ike_sa *sa)
{
	const char *why = iked_frag_conf_why(sa);

	if (!why && iked_frag_conf(sa) != IKED_FRAG_FORCE && !v1(sa)->frag_peer)
		why = "the peer did not send the IKE fragmentation vendor ID (fragmentation=force sends fragments anyway)";
	return why;
}

/*
 * The header of every fragment, as strongSwan sends it: the message's
 * cookies, Message ID 0 and the phase 1 exchange's type whatever the
 * message (other implementations do the same), no flags.
 */
static void frag_hdr(const struct ike_sa *sa, const uint8_t *msg,
		     struct ikev1_hdr *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->ck_i, msg, 8);
	memcpy(h->ck_r, msg + 8, 8);
	h->exchange = v1(sa)->aggressive ? IKEV1_EXCH_AGGRESSIVE :
					   IKEV1_EXCH_MAIN;
}

int v1_frag_split(struct ike_sa *sa, const uint8_t *msg, size_t len,
		  uint8_t **out, size_t *olen)
{
	const size_t over = IKEV1_HDR_LEN + IKEV1_FRAG_HDR_LEN;
	size_t max = iked_frag_msg_max(sa), room, n, off = 0, pos = 0, one;
	struct ikev1_hdr h;
	unsigned int i;
	uint16_t id;
	uint8_t *buf;
	int r = 0;

	*out = NULL;
	*olen = 0;
	if (len < IKEV1_HDR_LEN || !wanted(sa, len, max) || max <= over)
		return 0;
	room = max - over;
	n = (len + room - 1) / room;
	if (n > IKEV1_FRAG_MAX) {
		ike_sa_log(sa, IKED_LOG_WARN,
			   "message of %zu bytes would need %zu fragments, more than peers take (%d): sent whole; raise --fragment-size",
			   len, n, IKEV1_FRAG_MAX);
		return 0;
	}
	buf = malloc(len + n * over);
	if (!buf)
		return -ENOMEM;
	frag_hdr(sa, msg, &h);
	id = ++v1(sa)->frag_id;
	for (i = 1; i <= n && !r; i++) {
		one = len - off < room ? len - off : room;
		r = ikev1_frag_build(&h, id, (uint8_t)i, i == n, msg + off, one,
				     buf + pos, len + n * over - pos, olen);
		off += one;
		pos += *olen;
	}
	if (r) {
		free(buf);
		return r;
	}
	*out = buf;
	*olen = pos;
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "message of %zu bytes sent in %zu fragments of at most %zu bytes (fragment ID %u)",
		   len, n, max, id);
	return 0;
}
