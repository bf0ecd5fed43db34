// SPDX-License-Identifier: GPL-2.0
/* Hex keys from files or stdin: keys on the command line would show in ps. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "key.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* Leave no half-decoded key behind when the text turns out to be bad. */
static int fail(uint8_t *key, size_t max)
{
	explicit_bzero(key, max);
	return -EINVAL;
}

int kespctl_hex_decode(const char *s, size_t n, uint8_t *key, size_t max,
		       uint16_t *len, char *err, size_t errlen)
{
	size_t i = 0, digits = 0;
	int v;

	while (i < n && is_space(s[i]))
		i++;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	for (; i < n; i++) {
		if (is_space(s[i]))
			continue;
		v = kespctl_hex_digit(s[i]);
		if (v < 0) {
			snprintf(err, errlen, "character %zu is neither a hex digit nor white space",
				 i + 1);
			return fail(key, max);
		}
		if (digits / 2 >= max) {
			snprintf(err, errlen, "key longer than %zu bytes", max);
			return fail(key, max);
		}
		if (digits % 2 == 0)
			key[digits / 2] = (uint8_t)(v << 4);
		else
			key[digits / 2] |= (uint8_t)v;
		digits++;
	}
	if (digits == 0) {
		snprintf(err, errlen, "no hex digits");
		return fail(key, max);
	}
	if (digits % 2) {
		snprintf(err, errlen, "odd number of hex digits (%zu): half a byte is missing",
			 digits);
		return fail(key, max);
	}
	*len = (uint16_t)(digits / 2);
	return 0;
}

int kespctl_key_read_fd(int fd, uint8_t *key, size_t max, uint16_t *len,
			char *err, size_t errlen)
{
	char buf[KESPCTL_KEYFILE_MAX + 1];
	size_t used = 0;
	ssize_t r;
	int ret;

	while (used < sizeof(buf)) {
		r = read(fd, buf + used, sizeof(buf) - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read: %s", strerror(errno));
			explicit_bzero(buf, sizeof(buf));
			return -EINVAL;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	if (used > KESPCTL_KEYFILE_MAX) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(err, errlen, "longer than %d characters: not a key",
			 KESPCTL_KEYFILE_MAX);
		return -EINVAL;
	}
	ret = kespctl_hex_decode(buf, used, key, max, len, err, errlen);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

int kespctl_key_read(const char *path, uint8_t *key, size_t max,
		     uint16_t *len, char *err, size_t errlen)
{
	int fd, ret;

	if (!strcmp(path, "-"))
		return kespctl_key_read_fd(STDIN_FILENO, key, max, len, err,
					   errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -EINVAL;
	}
	ret = kespctl_key_read_fd(fd, key, max, len, err, errlen);
	close(fd);
	return ret;
}
