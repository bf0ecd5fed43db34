// SPDX-License-Identifier: GPL-2.0
/* systemd's readiness protocol: a datagram to $NOTIFY_SOCKET. */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

/* @addr into @sun: its length for sendto(), or -EINVAL. */
static int notify_addr(const char *addr, struct sockaddr_un *sun)
{
	size_t len = strlen(addr);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((addr[0] != '/' && addr[0] != '@') || len < 2 ||
	    len > sizeof(sun->sun_path) ||
	    (addr[0] == '/' && len == sizeof(sun->sun_path)))
		return -EINVAL;
	memcpy(sun->sun_path, addr, len);
	/*
	 * An abstract name: a NUL first, and the length says where it ends
	 * (it is not NUL-terminated, and a trailing NUL would be part of it).
	 */
	if (addr[0] == '@') {
		sun->sun_path[0] = '\0';
		return (int)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (int)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int iked_sd_notify_to(const char *addr, const char *state)
{
	struct sockaddr_un sun;
	int fd, alen, r = 0;

	alen = notify_addr(addr, &sun);
	if (alen < 0)
		return alen;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sun, (socklen_t)alen) < 0)
		r = -errno;
	close(fd);
	return r;
}

int iked_sd_notify(const char *state)
{
	const char *addr = getenv("NOTIFY_SOCKET");

	if (!addr || !*addr)
		return 0;
	return iked_sd_notify_to(addr, state);
}

int iked_sd_notifyf(const char *fmt, ...)
{
	char *state;
	va_list ap;
	int r;

	if (!getenv("NOTIFY_SOCKET"))
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&state, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = iked_sd_notify(state);
	free(state);
	return r;
}

int iked_sd_notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return iked_sd_notifyf("RELOADING=1\nMONOTONIC_USEC=%llu",
			       (unsigned long long)ts.tv_sec * 1000000ULL +
			       (unsigned long long)ts.tv_nsec / 1000);
}
