/* SPDX-License-Identifier: GPL-2.0 */
/* The one way kesp-iked shows bytes a peer chose: printable ASCII, the rest escaped. */

#ifndef KESP_IKED_ESCAPE_H
#define KESP_IKED_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * @src is text that went through iked_escape() already, or our own: a
 * backslash in it is kept as it is (only bytes outside printable ASCII
 * are escaped), so that escaping twice does not double backslashes.
 */
#define IKED_ESC_TEXT	1u

/*
 * Write @len bytes of @src into @dst (@cap bytes, @cap > 0, always
 * NUL-terminated) as printable ASCII: 0x20-0x7e as they are but the
 * backslash, which is doubled, and every other byte (control characters,
 * ESC, DEL, NUL, anything above 0x7e) as \xHH. Nothing a peer sends can
 * then start a log line, move a terminal's cursor, hide behind a NUL or
 * pass for a different escape. An escape that does not fit is left out
 * whole. Returns the length written, without the NUL.
 */
size_t iked_escape(char *dst, size_t cap, const void *src, size_t len,
		   unsigned int flags);

/* Whether iked_escape() with @flags would change the string @s. */
bool iked_escape_needed(const char *s, unsigned int flags);

#endif /* KESP_IKED_ESCAPE_H */
