// SPDX-License-Identifier: GPL-2.0
/* Value syntaxes the keywords share: words, times, PROTO/PORT, subnets. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../words.h"

/* A TS payload counts its selectors in one byte. */
#define TS_MAX		255

int conf_pick(const char *v, const char *const *words, size_t n, int *idx,
	      char *err, size_t errlen)
{
	size_t i, used = 0;

	for (i = 0; i < n && words[i]; i++) {
		if (!strcmp(v, words[i])) {
			*idx = (int)i;
			return 0;
		}
	}
	iked_addf(err, errlen, &used, "\"%s\" is not a valid value: expected ", v);
	for (i = 0; i < n && words[i]; i++)
		iked_addf(err, errlen, &used, "%s%s",
		     i == 0 ? "" : i + 1 == n || !words[i + 1] ? " or " : ", ",
		     words[i]);
	return -EINVAL;
}

int iked_conf_time_parse(const char *s, uint32_t *secs, char *err,
			 size_t errlen)
{
	uint64_t whole = 0, frac = 0, scale = 1, mult = 1, total;
	const char *p = s;
	int digits = 0, frac_digits = 0;

	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		digits++;
		if (whole > UINT32_MAX)
			goto too_long;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			/* Beyond a millionth nothing changes a whole second. */
			if (frac_digits < 6) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
			p++;
			frac_digits++;
		}
		if (!frac_digits)
			goto bad;
	}
	if (!digits)
		goto bad;
	switch (*p) {
	case '\0':
	case 's':
		/* strongSwan takes fractions with m, h and d only. */
		if (frac_digits)
			goto bad;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		goto bad;
	}
	if (*p && p[1])
		goto bad;
	total = whole * mult + frac * mult / scale;
	if (total > UINT32_MAX)
		goto too_long;
	*secs = (uint32_t)total;
	return 0;
too_long:
	snprintf(err, errlen, "\"%s\" is too long a time: at most %u seconds",
		 s, UINT32_MAX);
	return -EINVAL;
bad:
	snprintf(err, errlen, "\"%s\" is not a time: expected seconds, or a number with s, m, h or d, e.g. 30s, 10m, 1h, 1d",
		 s);
	return -EINVAL;
}

int conf_parse_uint(const char *s, uint32_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > UINT32_MAX)
			return -ERANGE;
	}
	*v = (uint32_t)x;
	return 0;
}

#define PP_EXPECT "expected PROTO[/PORT], e.g. tcp/80, udp/%any or 17/500"

int conf_parse_protoport(const char *v, size_t n, uint8_t *proto,
			 struct kesp_port_range *ports, char *err,
			 size_t errlen)
{
	char buf[64], why[160];
	char *slash, *port;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "\"%.*s...\" is not a protocol/port: %s",
			 20, v, PP_EXPECT);
		return -EINVAL;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	port = slash ? slash + 1 : NULL;
	if (slash)
		*slash = '\0';
	ports->min = 0;
	ports->max = 65535;
	if (!buf[0] || !strcmp(buf, "%any")) {
		*proto = 0;
	} else if (kesp_proto_parse(buf, proto, why, sizeof(why))) {
		if (slash)
			*slash = '/';
		snprintf(err, errlen, "\"%s\" is not a protocol/port (%s): %s",
			 buf, why, PP_EXPECT);
		return -EINVAL;
	}
	if (!port || !strcmp(port, "%any"))
		return 0;
	if (slash)
		*slash = '/';
	if (!strcmp(port, "%opaque")) {
		snprintf(err, errlen, "\"%s\" is not supported: OPAQUE ports are not; give a port or %%any",
			 buf);
		return -EINVAL;
	}
	if (kesp_ports_parse(port, ports, why, sizeof(why))) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port (port: %s): %s",
			 buf, why, PP_EXPECT);
		return -EINVAL;
	}
	if (!*proto) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port: a port needs a protocol: %s",
			 buf, PP_EXPECT);
		return -EINVAL;
	}
	if (!kesp_proto_has_ports(*proto)) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port: protocol %u has no ports: give the protocol alone",
			 buf, *proto);
		return -EINVAL;
	}
	return 0;
}

#define SUBNET_EXPECT "expected ADDRESS/LEN, e.g. 10.2.0.0/16"

/* One entry of a subnet list: PREFIX or %dynamic, then maybe [PROTO/PORT]. */
static int parse_ts(const char *v, size_t n, struct iked_conf_ts *ts,
		    uint8_t *own, char *err, size_t errlen)
{
	const char *open = memchr(v, '[', n);
	size_t pl = open ? (size_t)(open - v) : n;
	char buf[KESP_PREFIX_STRLEN + 8], why[160];

	memset(ts, 0, sizeof(*ts));
	ts->ports.max = 65535;
	*own = 0;
	if (open) {
		if (v[n - 1] != ']') {
			snprintf(err, errlen, "\"%.*s\" is not a subnet: a [ without its ]: expected ADDRESS/LEN[PROTO/PORT], e.g. 10.2.0.0/16[tcp/80]",
				 (int)n, v);
			return -EINVAL;
		}
		if (conf_parse_protoport(open + 1, n - pl - 2, &ts->proto,
					 &ts->ports, err, errlen))
			return -EINVAL;
		*own = 1;
	}
	while (pl && is_space(v[pl - 1]))
		pl--;
	if (pl >= sizeof(buf)) {
		snprintf(err, errlen, "\"%.*s...\" is not a prefix: %s", 20, v,
			 SUBNET_EXPECT);
		return -EINVAL;
	}
	memcpy(buf, v, pl);
	buf[pl] = '\0';
	if (!strcmp(buf, "%dynamic")) {
		ts->dynamic = 1;
		return 0;
	}
	if (kesp_prefix_parse(buf, &ts->net, why, sizeof(why))) {
		snprintf(err, errlen, "\"%s\" is not a prefix (%s): %s", buf, why,
			 SUBNET_EXPECT);
		return -EINVAL;
	}
	if (!ts->net.addr.family) {
		snprintf(err, errlen, "\"%s\" is not a prefix: %s (0.0.0.0/0 or ::/0 for everything)",
			 buf, SUBNET_EXPECT);
		return -EINVAL;
	}
	return 0;
}

int conf_parse_subnets(const char *v, struct iked_conf_ts **tsp,
		       uint8_t **ownp, size_t *np, char *err, size_t errlen)
{
	size_t n = 1, i, k = 0, len = strlen(v);
	struct iked_conf_ts *ts;
	uint8_t *own;

	for (i = 0; i < len; i++)
		n += v[i] == ',';
	if (n > TS_MAX) {
		snprintf(err, errlen, "%zu subnets: at most %d", n, TS_MAX);
		return -EINVAL;
	}
	ts = calloc(n, sizeof(*ts));
	own = calloc(n, 1);
	if (!ts || !own) {
		free(ts);
		free(own);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i <= len; k++) {
		size_t bgn = i, end;

		while (i < len && v[i] != ',')
			i++;
		end = i++;
		while (bgn < end && is_space(v[bgn]))
			bgn++;
		while (end > bgn && is_space(v[end - 1]))
			end--;
		if (bgn == end) {
			snprintf(err, errlen, "empty entry in \"%s\": %s, separated by single commas",
				 v, SUBNET_EXPECT);
			goto fail;
		}
		if (parse_ts(v + bgn, end - bgn, &ts[k], &own[k], err, errlen))
			goto fail;
	}
	*tsp = ts;
	*ownp = own;
	*np = n;
	return 0;
fail:
	free(ts);
	free(own);
	return -EINVAL;
}
