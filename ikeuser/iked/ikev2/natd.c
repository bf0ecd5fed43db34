// SPDX-License-Identifier: GPL-2.0
/* NAT detection in IKE_SA_INIT (RFC 7296 2.23): the NAT_DETECTION_*_IP notifies, sent and checked. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike.h"
#include "natd.h"

int natt_hash(const uint8_t spi_i[8], const uint8_t spi_r[8],
	      const struct kesp_addr *a, uint16_t port,
	      uint8_t out[IKED_NATD_LEN])
{
	uint8_t data[8 + 8 + 16 + 2];
	size_t alen = kesp_addr_len(a->family), len = 0;
	unsigned int olen = 0;

	if (!alen)
		return -EAFNOSUPPORT;
	memcpy(data, spi_i, 8);
	memcpy(data + 8, spi_r, 8);
	len = 16;
	memcpy(data + len, a->bytes, alen);
	len += alen;
	data[len++] = (uint8_t)(port >> 8);
	data[len++] = (uint8_t)port;
	if (EVP_Digest(data, len, out, &olen, EVP_sha1(), NULL) != 1 ||
	    olen != IKED_NATD_LEN)
		return -EIO;
	return 0;
}

int natt_add_natd(struct ike_sa *sa, struct ikev2_chain *c,
		  const uint8_t spi_i[8], const uint8_t spi_r[8])
{
	struct ike_natt *n = &sa->natt;
	int r;

	if (sa->conn && sa->conn->encaps == IKED_ENCAPS_NEVER)
		return 0;
	if (sa->conn && sa->conn->encaps == IKED_ENCAPS_FORCE) {
		/*
		 * As strongSwan's forceencaps: a source hash that cannot
		 * match makes the peer see us behind a NAT, so both ends
		 * encapsulate.
		 */
		n->forced = true;
		if (RAND_bytes(n->natd_src, sizeof(n->natd_src)) != 1)
			return -EIO;
	} else {
		r = natt_hash(spi_i, spi_r, &sa->path.local, sa->path.lport,
			      n->natd_src);
		if (r)
			return r;
	}
	r = natt_hash(spi_i, spi_r, &sa->path.remote, sa->path.rport,
		      n->natd_dst);
	if (!r)
		r = ikev2_chain_add_notify(c, 0, NULL, 0,
					   IKEV2_N_NAT_DETECTION_SOURCE_IP,
					   n->natd_src, sizeof(n->natd_src));
	if (!r)
		r = ikev2_chain_add_notify(c, 0, NULL, 0,
					   IKEV2_N_NAT_DETECTION_DESTINATION_IP,
					   n->natd_dst, sizeof(n->natd_dst));
	return r;
}

void natt_check(struct ike_sa *sa, const struct ikev2_chain *c,
		const uint8_t spi_i[8], const uint8_t spi_r[8])
{
	struct ike_natt *n = &sa->natt;
	uint8_t want_src[IKED_NATD_LEN], want_dst[IKED_NATD_LEN];
	unsigned int i, n_src = 0, n_dst = 0;
	bool src_ok = false, dst_ok = false;
	enum iked_conf_encaps enc = sa->conn ? sa->conn->encaps :
					       IKED_ENCAPS_AUTO;
	char peer[80];

	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	if (natt_hash(spi_i, spi_r, &sa->path.remote, sa->path.rport,
		      want_src) ||
	    natt_hash(spi_i, spi_r, &sa->path.local, sa->path.lport,
		      want_dst))
		return;
	for (i = 0; i < c->n_notify; i++) {
		const struct ikev2_notify *x = &c->notify[i];

		if (x->type == IKEV2_N_NAT_DETECTION_SOURCE_IP) {
			n_src++;
			/* Several: one per address of a multihomed sender. */
			if (x->len == IKED_NATD_LEN &&
			    !memcmp(x->data, want_src, IKED_NATD_LEN))
				src_ok = true;
		} else if (x->type == IKEV2_N_NAT_DETECTION_DESTINATION_IP) {
			n_dst++;
			if (x->len == IKED_NATD_LEN &&
			    !memcmp(x->data, want_dst, IKED_NATD_LEN))
				dst_ok = true;
		}
	}
	n->peer_natd = n_src && n_dst;
	if (!n->peer_natd) {
		/*
		 * A peer without NAT-T behind a NAT that rewrote its port:
		 * IKE gets through, plain ESP most likely will not.
		 */
		if (!sa->initiator && sa->path.rport != IKED_IKE_PORT &&
		    sa->path.rport != IKED_NATT_PORT)
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "NAT-T mismatch: %s sent no NAT_DETECTION payloads, but its port was rewritten on the way (a NAT is in between): the tunnel may come up and pass nothing, as ESP cannot cross the NAT unencapsulated; enable NAT traversal on the peer (nat_traversal=yes, encapsulation=auto)",
				       peer);
		else if (enc == IKED_ENCAPS_FORCE)
			ike_sa_log(sa, IKED_LOG_WARN,
				   "encapsulation=yes, but %s does not do NAT traversal (no NAT_DETECTION payloads): ESP stays unencapsulated",
				   peer);
		n->forced = false;
		return;
	}
	n->remote_behind = !src_ok;
	n->local_behind = !dst_ok;
	if (enc == IKED_ENCAPS_NEVER) {
		if (n->local_behind || n->remote_behind)
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "NAT-T mismatch: NAT detected with %s (%s; the peer will send ESP in UDP %u) but this conn has encapsulation=no: the tunnel will come up and pass nothing; set encapsulation=auto",
				       peer, natt_where(n), IKED_NATT_PORT);
		return;
	}
	if (enc == IKED_ENCAPS_FORCE) {
		/* We sent a fake hash (initiator) or send one now. */
		n->forced = true;
	}
	natt_decide(sa);
}
