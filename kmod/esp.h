/* SPDX-License-Identifier: GPL-2.0 */
/* The ESP wire format (RFC 4303) and the per-packet crypto state around it. */

#ifndef _KESP_ESP_H
#define _KESP_ESP_H

#include <crypto/aead.h>
#include <linux/llist.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include "encap.h"
#include "sa.h"

/* SPI and sequence number: the ESP header, also the AEAD's associated data. */
#define KESP_ESP_HLEN 8
/* With ESN the high half of the sequence number joins the associated data. */
#define KESP_ESN_EXTRA 4

/* Sizes of the parts of an ESP packet that depend on the SA's transform. */
struct kesp_esp_sizes {
	unsigned int ivlen;
	unsigned int icvlen;
	unsigned int blksize;	/* the cipher's block, at least 4 (RFC 4303 2.4) */
	unsigned int assoclen;	/* 8, or 12 with ESN */
};

void kesp_esp_sizes(const struct kesp_sa *sa, struct kesp_esp_sizes *sz);

/*
 * The largest inner packet (tunnel) or payload after an IP header of
 * @hlen bytes (transport) that fits an outer MTU of @mtu.
 */
unsigned int kesp_esp_max_payload(const struct kesp_esp_sizes *sz,
				  unsigned int mtu, unsigned int hlen);

/*
 * Everything one packet needs while the transform works on it, possibly
 * asynchronously: allocated with the AEAD request and IV behind it, freed
 * when the packet is done.
 */
struct kesp_pkt {
	struct kesp_sa *sa;		/* holds a reference */
	struct sk_buff *skb;
	struct net *net;
	u64 seq;
	unsigned int esp_off;		/* offset of the ESP header in skb */
	unsigned int clen;		/* encrypted part, padding included */
	struct kesp_esp_sizes sz;
	u8 saved[KESP_ESN_EXTRA];	/* input: bytes ESN borrowed */
	bool encap;			/* input: came in UDP, from @in */
	struct kesp_encap_in in;
	struct dst_entry *dst;		/* output: the route to the peer */
	u8 tos;				/* output: the inner DS field */
	bool df;			/* output: the inner may not fragment */
	u8 hdr[60];			/* output, transport: the IP header */
	u8 hdrlen;
	u8 *buf;			/* associated data, IV, data, ICV */
	struct scatterlist sg;		/* @buf, for the crypto API */
	u8 *iv;				/* crypto API only, as @req */
	struct aead_request *req;
	/* Parallel crypto (parallel.h): the place in the SA's queue. */
	struct list_head qnode;		/* under the SA's lock */
	struct llist_node cnode;	/* on a CPU's list to crypt */
	void (*finish)(struct kesp_pkt *pkt, int err);
	int err;
	int cpu;
	bool done;			/* under the SA's lock */
	bool decrypt;
};

struct kesp_pkt *kesp_pkt_alloc(struct kesp_sa *sa, gfp_t gfp);
/*
 * Encrypt or decrypt (@pkt->decrypt) @pkt->clen bytes of @pkt->buf:
 * 0 or an error when done, -EINPROGRESS or -EBUSY when an asynchronous
 * transform calls back instead.
 */
int kesp_pkt_crypt(struct kesp_pkt *pkt);
void kesp_pkt_free(struct kesp_pkt *pkt);

/* Fill the trailer: monotonic padding 1, 2, 3..., pad length, next header. */
void kesp_esp_fill_trailer(u8 *tail, unsigned int padlen, u8 nexthdr);
/*
 * Check the trailer that ends at @end (the ICV removed): true if the pad
 * length fits @clen and the padding is 1, 2, 3...; *padlen and *nexthdr
 * get the values.
 */
bool kesp_esp_check_trailer(const u8 *end, unsigned int clen,
			    unsigned int *padlen, u8 *nexthdr);

#endif /* _KESP_ESP_H */
