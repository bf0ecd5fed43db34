// SPDX-License-Identifier: GPL-2.0
/* Human tables for kespctl listings: collect the rows, size the columns, print. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

void kespctl_table_init(struct kespctl_table *t, const char *const *head,
			size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->ncols = ncols < KESPCTL_MAX_COLS ? ncols : KESPCTL_MAX_COLS;
}

long kespctl_table_add(struct kespctl_table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *p = reallocarray(t->cells, cap * t->ncols,
				       sizeof(*t->cells));

		if (!p)
			return -1;
		t->cells = p;
		t->cap = cap;
	}
	memset(t->cells[t->nrows * t->ncols], 0,
	       t->ncols * sizeof(*t->cells));
	return (long)t->nrows++;
}

void kespctl_table_set(struct kespctl_table *t, long row, size_t col,
		       const char *fmt, ...)
{
	va_list ap;

	if (row < 0 || (size_t)row >= t->nrows || col >= t->ncols)
		return;
	va_start(ap, fmt);
	vsnprintf(t->cells[(size_t)row * t->ncols + col], KESPCTL_CELL, fmt,
		  ap);
	va_end(ap);
}

static void print_row(const struct kespctl_table *t, const size_t *width,
		      const char *const *cells, FILE *f)
{
	size_t c;

	for (c = 0; c < t->ncols; c++) {
		if (c + 1 == t->ncols)
			fprintf(f, "%s\n", cells[c]);
		else
			fprintf(f, "%-*s  ", (int)width[c], cells[c]);
	}
}

void kespctl_table_print(const struct kespctl_table *t, FILE *f)
{
	const char *row[KESPCTL_MAX_COLS];
	size_t width[KESPCTL_MAX_COLS], r, c, n = t->ncols;

	for (c = 0; c < n; c++)
		width[c] = strlen(t->head[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < n; c++) {
			size_t w = strlen(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	print_row(t, width, t->head, f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < n; c++)
			row[c] = t->cells[r * t->ncols + c];
		print_row(t, width, row, f);
	}
}

void kespctl_table_free(struct kespctl_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

const char *kespctl_duration(uint64_t s, char *buf, size_t len)
{
	unsigned long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60,
			   sec = s % 60;

	if (d)
		snprintf(buf, len, "%llud%02lluh%02llum", d, h, m);
	else if (h)
		snprintf(buf, len, "%lluh%02llum%02llus", h, m, sec);
	else if (m)
		snprintf(buf, len, "%llum%02llus", m, sec);
	else
		snprintf(buf, len, "%llus", sec);
	return buf;
}

const char *kespctl_bytes(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%lluB", (unsigned long long)n);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}
