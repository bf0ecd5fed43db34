// SPDX-License-Identifier: GPL-2.0
/* Which of our CAs go with our certificate: a breadth-first walk up our CAs to one the peer asked for (cross-signed CAs give several paths), and the top of our chain. */

#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>

#include "chain.h"

/* Longest chain iked_chain_top() follows: more is a loop of our CAs. */
#define CHAIN_TOP_MAX	16

static bool issued(const X509 *ca, const X509 *x)
{
	return X509_check_issued((X509 *)ca, (X509 *)x) == X509_V_OK &&
	       X509_cmp(ca, x);
}

static bool self_signed(const X509 *x)
{
	return X509_check_issued((X509 *)x, (X509 *)x) == X509_V_OK;
}

/* The walk's state: per CA, whom it issued (-1: @x) and how far up. */
struct walk {
	int *parent, *depth, *queue;
	size_t head, tail;
};

/* Queue every CA not seen yet that issued @below (-1: @x itself). */
static void expand(const struct iked_creds *c, const X509 *x, struct walk *w,
		   int below)
{
	const X509 *child = below < 0 ? x : c->cas[below].x;
	size_t j;

	for (j = 0; j < c->n_cas; j++) {
		if (w->depth[j] >= 0 || !issued(c->cas[j].x, child))
			continue;
		w->parent[j] = below;
		w->depth[j] = below < 0 ? 0 : w->depth[below] + 1;
		w->queue[w->tail++] = (int)j;
	}
}

/* The CAs below @top on its path, lowest first, into @out: their count. */
static size_t path_below(const struct iked_creds *c, const struct walk *w,
			 int top, const struct iked_cred_cert **out)
{
	size_t n = (size_t)w->depth[top], k;
	int p = w->parent[top];

	for (k = n; k > 0; k--) {
		out[k - 1] = &c->cas[p];
		p = w->parent[p];
	}
	return n;
}

/* The first CA of @cr the walk reaches within @max below it, or -1. */
static int walk_to(const struct iked_creds *c, const X509 *x,
		   const struct iked_certreq *cr, struct walk *w, size_t max)
{
	int i;

	expand(c, x, w, -1);
	while (w->head < w->tail) {
		i = w->queue[w->head++];
		if (iked_certreq_names(cr, c->cas[i].x))
			return i;
		/* A root the peer did not name ends this path. */
		if (!self_signed(c->cas[i].x) && (size_t)w->depth[i] + 1 <= max)
			expand(c, x, w, i);
	}
	return -1;
}

size_t iked_chain_for(const struct iked_creds *c, const X509 *x,
		      const struct iked_certreq *cr,
		      const struct iked_cred_cert **out, size_t max,
		      bool *found)
{
	struct walk w = { 0 };
	size_t n = 0, i;
	int top = -1;

	*found = false;
	if (c && cr && cr->n && c->n_cas) {
		w.parent = calloc(c->n_cas, sizeof(int));
		w.depth = calloc(c->n_cas, sizeof(int));
		w.queue = calloc(c->n_cas, sizeof(int));
	}
	if (w.parent && w.depth && w.queue) {
		for (i = 0; i < c->n_cas; i++)
			w.depth[i] = -1;
		top = walk_to(c, x, cr, &w, max);
	}
	if (top >= 0) {
		n = path_below(c, &w, top, out);
		*found = true;
	}
	free(w.parent);
	free(w.depth);
	free(w.queue);
	return *found ? n : iked_creds_chain(c, x, out, max);
}

const char *iked_chain_top(const struct iked_creds *c, const X509 *x,
			   char *buf, size_t len)
{
	const X509 *up = NULL;
	size_t i, steps;
	int used;

	for (steps = 0; c && steps < CHAIN_TOP_MAX; steps++) {
		up = NULL;
		for (i = 0; i < c->n_cas && !up; i++)
			if (issued(c->cas[i].x, x))
				up = c->cas[i].x;
		if (!up)
			break;
		x = up;
		if (self_signed(x))
			break;
	}
	if (self_signed(x)) {
		iked_conf_dn_format_name(X509_get_subject_name(x), buf, len);
		return buf;
	}
	iked_conf_dn_format_name(X509_get_issuer_name(x), buf, len);
	used = (int)strlen(buf);
	snprintf(buf + used, len - (size_t)used, " (not among our CAs)");
	return buf;
}
