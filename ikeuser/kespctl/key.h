/* SPDX-License-Identifier: GPL-2.0 */
/* Reading SA keys as hex from a file or standard input, never from argv. */

#ifndef KESPCTL_KEY_H
#define KESPCTL_KEY_H

#include <stddef.h>
#include <stdint.h>

/* Longest key file accepted: hex of the longest key with room for layout. */
#define KESPCTL_KEYFILE_MAX 4096

/*
 * Decode hex text: an optional 0x, then hex digits; white space anywhere
 * after the 0x is ignored (keys are often written in groups or lines).
 * On success *@len is the number of bytes. Returns 0 or -EINVAL with a
 * message that never quotes the text, so no key material reaches a log.
 * @key is wiped on failure.
 */
int kespctl_hex_decode(const char *s, size_t n, uint8_t *key, size_t max,
		       uint16_t *len, char *err, size_t errlen);

/* Read and decode the key in @fd, up to end of file. */
int kespctl_key_read_fd(int fd, uint8_t *key, size_t max, uint16_t *len,
			char *err, size_t errlen);

/* The key in file @path, or on standard input for "-". */
int kespctl_key_read(const char *path, uint8_t *key, size_t max,
		     uint16_t *len, char *err, size_t errlen);

#endif /* KESPCTL_KEY_H */
