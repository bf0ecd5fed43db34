/* SPDX-License-Identifier: GPL-2.0 */
/* Column-aligned human tables and the units kespctl prints in them. */

#ifndef KESPCTL_TABLE_H
#define KESPCTL_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KESPCTL_CELL 64		/* longest cell, with its NUL */
#define KESPCTL_MAX_COLS 16

/* Rows are kept until printed, so each column is as wide as its widest cell. */
struct kespctl_table {
	const char *const *head;
	size_t ncols;
	size_t nrows;
	size_t cap;			/* rows allocated */
	char (*cells)[KESPCTL_CELL];	/* nrows * ncols */
};

void kespctl_table_init(struct kespctl_table *t, const char *const *head,
			size_t ncols);
/* Append an empty row; returns its index, or -1 when out of memory. */
long kespctl_table_add(struct kespctl_table *t);
/* Fill cell (@row, @col); longer text is cut at KESPCTL_CELL - 1. */
void kespctl_table_set(struct kespctl_table *t, long row, size_t col,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Header and rows, columns two spaces apart, no trailing blanks. */
void kespctl_table_print(const struct kespctl_table *t, FILE *f);
void kespctl_table_free(struct kespctl_table *t);

/* "45s", "3m05s", "1h02m03s", "2d03h04m". */
const char *kespctl_duration(uint64_t secs, char *buf, size_t len);
/* "512B", "1.5K", "3.2M", "4.0G" (binary multiples). */
const char *kespctl_bytes(uint64_t n, char *buf, size_t len);

#endif /* KESPCTL_TABLE_H */
