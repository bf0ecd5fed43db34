// SPDX-License-Identifier: GPL-2.0
/* Escaping of peer-chosen bytes for the log, `kespctl ike list` and diagnose. */

#include "escape.h"

static bool plain(unsigned char c, unsigned int flags)
{
	return c >= 0x20 && c <= 0x7e && (c != '\\' || (flags & IKED_ESC_TEXT));
}

size_t iked_escape(char *dst, size_t cap, const void *src, size_t len,
		   unsigned int flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (plain(c, flags)) {
			if (o + 1 >= cap)
				break;
			dst[o++] = (char)c;
		} else if (c == '\\') {
			if (o + 2 >= cap)
				break;
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			if (o + 4 >= cap)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return o;
}

bool iked_escape_needed(const char *s, unsigned int flags)
{
	for (; *s; s++)
		if (!plain((unsigned char)*s, flags))
			return true;
	return false;
}
