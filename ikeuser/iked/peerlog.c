// SPDX-License-Identifier: GPL-2.0
/* Rate-limited log lines for what unauthenticated packets cause, with summaries. */

#include <stdarg.h>

#include "peerlog.h"

bool iked_log_peer_allow(struct iked *d, const struct kesp_addr *peer)
{
	return iked_rl_allow(&d->peer_log, peer, iked_now());
}

void iked_log_peer(struct iked *d, const struct kesp_addr *peer,
		   enum iked_log_level lvl, const char *conn, unsigned int no,
		   const char *fmt, ...)
{
	va_list ap;

	/* A line the level hides costs no token. */
	if (!iked_log_enabled(lvl) || !iked_log_peer_allow(d, peer))
		return;
	va_start(ap, fmt);
	iked_vlog(lvl, conn, no, fmt, ap);
	va_end(ap);
}

iked_ms iked_log_peer_flush(struct iked *d, iked_ms now)
{
	struct iked_rl_report r;
	char a[KESP_ADDR_STRLEN];

	while (iked_rl_summary(&d->peer_log, now, &r))
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "suppressed %u similar lines from %s in the last %u s",
			 r.lines, r.addr.family ?
			 kesp_addr_format(&r.addr, a, sizeof(a)) :
			 "other addresses", r.secs);
	return iked_rl_next(&d->peer_log);
}
