// SPDX-License-Identifier: GPL-2.0
/*
 * What kesp-iked says about CHILD SAs: established or rekeyed, and why
 * a proposal failed, whole, naming PFS when the key exchange is the
 * difference, with every proposal we accept and what fixes it.
 */

#include <stdio.h>
#include <stdlib.h>

#include "ike.h"
#include "../crypto/dh.h"
#include "pfs.h"
#include "../advice.h"

/* Bounds how long ikev2_sa_format() can make any SA payload. */
#define SA_TEXT_MAX	(IKEV2_MAX_TRANSFORMS * 48 + IKEV2_MAX_PROPOSALS * 16)

static char *sa_text(const struct ikev2_sa *sa)
{
	char *s = malloc(SA_TEXT_MAX);

	if (s)
		ikev2_sa_format(sa, s, SA_TEXT_MAX);
	return s;
}

static const char *or_oom(const char *s)
{
	return s ? s : "(out of memory)";
}

/* The groups of the peer's ESP proposals, as a word for the advice. */
static uint16_t peer_group(const struct ikev2_sa *theirs, uint16_t ke)
{
	unsigned int i;

	if (ke)
		return ke;
	for (i = 0; i < theirs->n_tr; i++)
		if (theirs->tr[i].type == IKEV2_TR_KE && theirs->tr[i].id)
			return theirs->tr[i].id;
	return 0;
}

void child_diag_respond(struct ike_sa *sa, const struct ikev2_sa *theirs,
			uint16_t ke_group, bool pfs_only)
{
	const struct iked_prop_list *esp = &sa->conn->esp;
	char *t = sa_text(theirs), *o = iked_prop_list_format(esp), *fix;
	bool wants = ke_group != 0;

	if (!pfs_only) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: CHILD SA (ESP) proposal mismatch: peer offered %s; we accept %s",
			       or_oom(t), or_oom(o));
		goto out;
	}
	fix = iked_advice_pfs(sa->product, wants,
			      wants ? peer_group(theirs, ke_group) :
			      pfs_first_group(esp));
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "no proposal chosen: PFS group mismatch: peer offered %s %s; we accept %s; %s",
		       or_oom(t), wants ?
		       (iked_dh_name(ke_group) ? "with a key exchange (PFS) in a group we do not accept" :
			"with a key exchange (PFS) in an unknown group") :
		       "without key exchange (no PFS), which esp= does not allow",
		       or_oom(o), or_oom(fix));
	free(fix);
out:
	free(t);
	free(o);
}

void child_diag_refused(struct ike_sa *sa, const struct ikev2_sa *offered,
			uint16_t tried)
{
	const struct iked_prop_list *esp = &sa->conn->esp;
	char *t = sa_text(offered), *fix;
	bool before = sa->n_children_done > 0;

	if (!before) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: CHILD SA (ESP) proposal mismatch: the peer accepted none of %s",
			       or_oom(t));
		free(t);
		return;
	}
	/* Its algorithms made a CHILD SA already: the key exchange is what differs. */
	fix = iked_advice_pfs(sa->product, !tried,
			      tried ? tried : sa->prop.dh);
	if (tried)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: PFS group mismatch: the peer accepted none of %s (it accepted these algorithms without PFS before)%s%s%s",
			       or_oom(t), pfs_allows_none(esp) ?
			       "; it refused them without key exchange too" : "",
			       fix ? "; " : "", fix ? fix : "");
	else
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: PFS group mismatch: the peer accepted none of %s without key exchange (it accepted these algorithms before: it wants PFS, as Libreswan's pfs=yes does)%s%s",
			       or_oom(t), fix ? "; " : "", fix ? fix : "");
	free(t);
	free(fix);
}

void child_log_new(struct ike_sa *sa, const struct child_sa *ch,
		   uint64_t in_us, const char *tsl, const char *tsr)
{
	char alg[256];
	uint64_t gap = in_us > sa->d->rx_us ? in_us - sa->d->rx_us : 0;

	iked_chosen_format(&ch->prop, alg, sizeof(alg));
	if (!v2(sa)->inst.old_no)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA established: #%u SPIs %08x_i %08x_o, %s, %s === %s",
			   ch->no, ch->spi_in, ch->spi_out, alg, tsl, tsr);
	else if (v2(sa)->inst.by_peer)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u rekeyed by the peer: #%u SPIs %08x_i %08x_o, %s, %s === %s",
			   v2(sa)->inst.old_no, ch->no, ch->spi_in, ch->spi_out,
			   alg, tsl, tsr);
	else
		/*
		 * The peer may send on the new SA as soon as it has
		 * answered: how long it had to wait for our inbound SA.
		 */
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u rekeyed: #%u SPIs %08x_i %08x_o, %s, %s === %s (inbound SA in place %llu.%03llu ms after the answer arrived)",
			   v2(sa)->inst.old_no, ch->no, ch->spi_in, ch->spi_out,
			   alg, tsl, tsr, (unsigned long long)gap / 1000,
			   (unsigned long long)gap % 1000);
}
