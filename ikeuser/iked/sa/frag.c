// SPDX-License-Identifier: GPL-2.0
/* IKE fragmentation that both versions share: the conn's setting and the size a fragment may have on an IKE SA's path. */

#include <sys/socket.h>

#include "../daemon.h"
#include "frag.h"

enum iked_conf_frag iked_frag_conf(const struct ike_sa *sa)
{
	return sa->conn ? sa->conn->fragmentation : IKED_FRAG_YES;
}

/* Bytes of IP and UDP header (and non-ESP marker) around a message. */
static size_t overhead(const struct ike_sa *sa)
{
	const struct iked *d = sa->d;
	size_t over = (sa->path.remote.family == AF_INET6 ? 40 : 20) + 8;

	if (d->net.nat_port && sa->path.lport == d->net.nat_port)
		over += 4;
	return over;
}

size_t iked_frag_msg_max(const struct ike_sa *sa)
{
	const struct iked *d = sa->d;
	size_t size = d->fragment_size ? d->fragment_size :
					 IKED_FRAG_SIZE_DEFAULT;
	size_t over = overhead(sa);

	return size > over ? size - over : 0;
}

const char *iked_frag_conf_why(const struct ike_sa *sa)
{
	switch (iked_frag_conf(sa)) {
	case IKED_FRAG_NO:
		return "fragmentation=no here";
	case IKED_FRAG_ACCEPT:
		return "fragmentation=accept here (fragments are taken, never sent)";
	default:
		return NULL;
	}
}

void iked_frag_note_request(struct ike_sa *sa, size_t msg_len,
			    const char *why)
{
	sa->req_whole_why = NULL;
	sa->req_whole_ip_len = 0;
	if (!why || msg_len <= iked_frag_msg_max(sa))
		return;
	sa->req_whole_why = why;
	sa->req_whole_ip_len = msg_len + overhead(sa);
}
