/* SPDX-License-Identifier: GPL-2.0 */
/* Error-message helpers the config and proposal readers share. */

#ifndef KESP_IKED_WORDS_H
#define KESP_IKED_WORDS_H

#include <stddef.h>

/* Append to @buf (@len bytes, *@used filled so far); stops at the end. */
void iked_addf(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Names of the candidates for a suggestion; NULL for one that does not count. */
typedef const char *(*iked_word_fn)(size_t i, const void *arg);

/*
 * Append "; did you mean A or B?" (up to three candidates at the smallest
 * case-insensitive edit distance from @w) and return 1, if that distance
 * is small enough to be a typo (1, or 2 for words of six letters or
 * more); else append nothing and return 0.
 */
int iked_suggest(char *buf, size_t len, size_t *used, const char *w,
		 size_t n, iked_word_fn name, const void *arg);

#endif /* KESP_IKED_WORDS_H */
