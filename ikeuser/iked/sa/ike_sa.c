// SPDX-License-Identifier: GPL-2.0
/* The IKE SA as the core sees it, whatever version negotiates it: the clock, names, identity, log lines, the waiting `kespctl ike up`. */

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "ike_sa.h"
#include "../conn.h"
#include "../ctl.h"

uint64_t iked_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

iked_ms iked_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (iked_ms)ts.tv_sec * 1000 + (iked_ms)ts.tv_nsec / 1000000;
}

const char *ike_sa_name(const struct ike_sa *sa)
{
	return sa->conn ? sa->conn->name : "(unknown)";
}

void ike_sa_set_conn(struct ike_sa *sa, const struct iked_conf_conn *cfg)
{
	struct iked_conn *c = iked_conn_of(sa->d, cfg);

	sa->conn = cfg;
	sa->local = c->local;
	sa->remote = c->remote;
}

void ike_sa_log(const struct ike_sa *sa, enum iked_log_level lvl,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	iked_vlog(lvl, ike_sa_name(sa), sa->no, fmt, ap);
	va_end(ap);
}

void ike_sa_local_id(const struct ike_sa *sa, struct iked_conf_id *id)
{
	const struct kesp_addr *a = &sa->path.local;

	if (sa->local && sa->local->id.type != IKED_ID_ANY) {
		*id = sa->local->id;
		return;
	}
	/* No leftid and left=%any: we are the address the peer talks to. */
	memset(id, 0, sizeof(*id));
	id->type = a->family == AF_INET ? IKED_ID_IPV4_ADDR :
					  IKED_ID_IPV6_ADDR;
	id->len = (uint16_t)kesp_addr_len(a->family);
	memcpy(id->data, a->bytes, id->len);
}

void ike_sa_answer(struct ike_sa *sa, int err)
{
	const struct iked_conn *c;

	if (!sa->waiter)
		return;
	c = sa->conn ? iked_conn_of(sa->d, sa->conn) : NULL;
	iked_ctl_done(sa->d, sa->waiter, err,
		      !err ? "established" :
		      iked_conn_last_error(c)[0] ? iked_conn_last_error(c) :
		      strerror(-err));
	sa->waiter = NULL;
}
