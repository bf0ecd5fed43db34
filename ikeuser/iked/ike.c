// SPDX-License-Identifier: GPL-2.0
/* The dispatcher: reads the ISAKMP header's version and hands a datagram to that version's module; the only place that knows every version. */

#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "advice.h"
#include "conn.h"
#include "ikev1_reject.h"
#include "peerlog.h"
#include "ikev2/ikev2.h"
#include "ikev1/ikev1.h"

/* Both versions share the ISAKMP header: 28 bytes, the version at 17. */
#define ISAKMP_HDR_LEN		28
#define ISAKMP_VERSION_OFF	17

static const struct iked_proto *const protos[] = {
	&ikev2_proto,
	&ikev1_proto,
};
#define N_PROTOS (sizeof(protos) / sizeof(protos[0]))

static const struct iked_proto *proto_of_major(uint8_t major)
{
	size_t i;

	for (i = 0; i < N_PROTOS; i++)
		if (protos[i]->major == major)
			return protos[i];
	return NULL;
}

const struct iked_proto *iked_proto_of(const struct iked_conn *c)
{
	return proto_of_major(c->ike_version);
}

/*
 * A version no module speaks (RFC 7296 3.1: only the major version
 * counts). As strongSwan without IKEv1: an answer the peer understands,
 * so that it stops instead of retransmitting for a minute, and one line
 * with the fix in the peer's words.
 */
static void version_mismatch(struct iked *d, const uint8_t *buf, size_t len,
			     const struct iked_path *path)
{
	const struct iked_conf_conn *cfg = NULL;
	uint8_t version = buf[ISAKMP_VERSION_OFF];
	unsigned int no = 0;
	iked_ms now = iked_now();
	uint8_t v1[IKEV1_REJECT_LEN];
	struct ike_sa *sa;
	char from[80];
	size_t v1_len;
	char *fix;

	/* Smaller than the request: nothing to amplify. */
	v1_len = ikev1_reject_build(buf, len, IKEV1_N_INVALID_MAJOR_VERSION,
				    v1, sizeof(v1));
	if (v1_len)
		iked_net_send(&d->net, path, v1, v1_len);
	/* Its retransmissions say nothing new. */
	if (!memcmp(&d->vm_peer, &path->remote, sizeof(d->vm_peer)) &&
	    now < d->vm_at + 60000)
		return;
	d->vm_peer = path->remote;
	d->vm_at = now;

	/* Whose failure: the IKE SA we started with it, or its conn. */
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state != IKE_DEAD && sa->initiator &&
		    !memcmp(&sa->path.remote, &path->remote,
			    sizeof(path->remote))) {
			cfg = sa->conn;
			no = sa->no;
			break;
		}
	}
	if (!cfg)
		cfg = conn_for_init(d, path);
	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	fix = version >> 4 == 1 ?
	      iked_advice_ikev1(ikev1_vendor_product(buf, len)) : NULL;
	iked_conn_fail_peer(d, cfg, no, &path->remote,
		       "IKE version mismatch: %s sent version %u.%u (%s), kesp-iked speaks %s (%u.0)%s; %s",
		       from, version >> 4, version & 15,
		       version >> 4 == 1 ? "IKEv1" : "unknown",
		       protos[0]->name, protos[0]->major,
		       v1_len ? ", answered INVALID_MAJOR_VERSION" : "",
		       fix ? fix : "make the peer's conn IKEv2");
	free(fix);
}

/* An IKE SA of version 1 with the initiator cookie of @buf. */
static bool v1_sa_of(struct iked *d, const uint8_t *buf)
{
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next)
		if (sa->proto->major == 1 && !memcmp(sa->spi_i, buf, 8))
			return true;
	return false;
}

void iked_ike_recv(struct iked *d, const uint8_t *buf, size_t len,
		   const struct iked_path *path)
{
	const struct iked_proto *p;
	char from[80];

	if (len < ISAKMP_HDR_LEN) {
		iked_net_format(&path->remote, path->rport, from,
				sizeof(from));
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "dropped malformed message from %s: shorter than the IKE header at byte 0",
			      from);
		return;
	}
	p = proto_of_major(buf[ISAKMP_VERSION_OFF] >> 4);
	/* IKEv1 only for the peers of an IKEv1 conn; others get the diagnosis. */
	if (p && p->major == 1 && !conn_for_version(d, path, 1) &&
	    !v1_sa_of(d, buf))
		p = NULL;
	if (p)
		p->recv(d, buf, len, path);
	else
		version_mismatch(d, buf, len, path);
}
