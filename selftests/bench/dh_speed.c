// SPDX-License-Identifier: GPL-2.0
/* make bench: IKEv2 key exchanges per second on one core through kesp-iked's own dh.c. */

/*
 * One exchange is what a responder computes for each IKE SA: a fresh key
 * pair (iked_dh_new) and g^ir from the peer's KE value
 * (iked_dh_shared, which validates that value as it would a peer's).
 * The peer's value stays the same from one exchange to the next; parsing
 * and validating it is done anew each time, as for a new peer. Whatever
 * else an IKE SA costs comes on top, so this is the ceiling of IKE SAs
 * per second a single-threaded responder can reach.
 *
 * usage: dh_speed [-t SECS] GROUP...   (IANA numbers: 19 ECP-256, 14 MODP-2048)
 * prints one line per group: "GROUP NAME EXCHANGES_PER_SECOND COUNT SECONDS"
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iked/crypto/dh.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One exchange against @peer_pub; 0 or a negative errno. */
static int exchange(uint16_t group, const uint8_t *peer_pub, size_t plen,
		    uint8_t *out, size_t *outlen)
{
	struct iked_dh *dh;
	const uint8_t *pub;
	size_t len;
	int r;

	r = iked_dh_new(group, &dh);
	if (r)
		return r;
	/* What goes into our KE payload: part of the cost, though it is a copy. */
	pub = iked_dh_pub(dh, &len);
	r = pub && len == plen ? iked_dh_shared(dh, peer_pub, plen, out, outlen)
			       : -EINVAL;
	iked_dh_free(dh);
	return r;
}

/*
 * Both ends derive the same secret: a benchmark of a broken exchange
 * would measure nothing worth having.
 */
static int check(uint16_t group, struct iked_dh *peer)
{
	static uint8_t s1[IKED_DH_SHARED_MAX], s2[IKED_DH_SHARED_MAX];
	const uint8_t *ppub, *pub;
	struct iked_dh *dh;
	size_t plen, len, l1, l2;
	int r;

	r = iked_dh_new(group, &dh);
	if (r)
		return r;
	pub = iked_dh_pub(dh, &len);
	ppub = iked_dh_pub(peer, &plen);
	r = iked_dh_shared(dh, ppub, plen, s1, &l1);
	if (!r)
		r = iked_dh_shared(peer, pub, len, s2, &l2);
	if (!r && (l1 != l2 || memcmp(s1, s2, l1)))
		r = -EPROTO;
	iked_dh_free(dh);
	return r;
}

static int bench(uint16_t group, double secs)
{
	static uint8_t out[IKED_DH_SHARED_MAX];
	const char *name = iked_dh_name(group);
	struct iked_dh *peer;
	const uint8_t *ppub;
	unsigned long n = 0;
	size_t plen, outlen;
	double t0, t;
	int r;

	if (!name) {
		fprintf(stderr, "dh_speed: group %u: not supported\n", group);
		return -EOPNOTSUPP;
	}
	r = iked_dh_new(group, &peer);
	if (!r)
		r = check(group, peer);
	if (r) {
		fprintf(stderr, "dh_speed: %s: %s\n", name, strerror(-r));
		iked_dh_free(peer);
		return r;
	}
	ppub = iked_dh_pub(peer, &plen);
	/* Warm up out of the clock: OpenSSL's first use loads its providers. */
	for (r = 0; r < 3; r++)
		if (exchange(group, ppub, plen, out, &outlen))
			break;
	t0 = now();
	do {
		r = exchange(group, ppub, plen, out, &outlen);
		if (r) {
			fprintf(stderr, "dh_speed: %s, exchange %lu: %s\n",
				name, n, strerror(-r));
			iked_dh_free(peer);
			return r;
		}
		n++;
		t = now();
	} while (t - t0 < secs);
	iked_dh_free(peer);
	printf("%u %s %.1f %lu %.3f\n", group, name, (double)n / (t - t0), n,
	       t - t0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = 3;
	int o, i, rc = 0;

	while ((o = getopt(argc, argv, "t:")) != -1) {
		if (o != 't')
			goto usage;
		secs = strtod(optarg, NULL);
		if (!(secs > 0 && secs <= 600))
			goto usage;
	}
	if (optind == argc)
		goto usage;
	for (i = optind; i < argc; i++) {
		char *end;
		unsigned long g = strtoul(argv[i], &end, 10);

		if (*end || g == 0 || g > 0xffff)
			goto usage;
		if (bench((uint16_t)g, secs))
			rc = 1;
	}
	return rc;
usage:
	fprintf(stderr, "usage: dh_speed [-t SECS] GROUP...\n");
	return 2;
}
