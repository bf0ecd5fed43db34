// SPDX-License-Identifier: GPL-2.0
/* "Did you mean": edit distances and message building for the readers. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "words.h"

/* Longer words never look like typos of a keyword. */
#define WORD_MAX 40

void iked_addf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	*used += (size_t)w;
	if (*used >= len)
		*used = len - 1;
}

/* Levenshtein distance, case-insensitive; both words at most WORD_MAX. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			int same = (a[i - 1] | 0x20) == (b[j - 1] | 0x20);

			best = diag + (same ? 0 : 1);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

int iked_suggest(char *buf, size_t len, size_t *used, const char *w,
		 size_t n, iked_word_fn name, const void *arg)
{
	size_t best = (size_t)-1, limit = strlen(w) >= 6 ? 2 : 1, i, shown = 0;
	const char *s;

	for (i = 0; i < n; i++) {
		s = name(i, arg);
		if (s && distance(w, s) < best)
			best = distance(w, s);
	}
	if (best > limit)
		return 0;
	iked_addf(buf, len, used, "; did you mean ");
	for (i = 0; i < n && shown < 3; i++) {
		s = name(i, arg);
		if (!s || distance(w, s) != best)
			continue;
		iked_addf(buf, len, used, "%s%s", shown++ ? " or " : "", s);
	}
	iked_addf(buf, len, used, "?");
	return 1;
}
