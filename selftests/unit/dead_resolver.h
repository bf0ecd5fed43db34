/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A resolver that never answers, with no network: the test process
 * moves into mount and network namespaces of its own (a user namespace
 * too when it is not root), brings lo up, binds UDP 127.0.0.1:53 and
 * reads nothing from it, and bind-mounts a resolv.conf naming it over
 * /etc/resolv.conf, with the resolver's own timeouts long (30 s, 3
 * attempts, also in RES_OPTIONS, which glibc honours). A name lookup
 * then hangs as it does behind a dead DNS server. For a test process of
 * one thread (the harness forks each test).
 */

#ifndef KESP_TEST_DEAD_RESOLVER_H
#define KESP_TEST_DEAD_RESOLVER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEAD_RESOLVER_OPTIONS	"timeout:30 attempts:3"

static int dead_resolver_map(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, s, strlen(s));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Our own mount and network namespaces: 0, or -1 with @why. */
static int dead_resolver_unshare(char *why, size_t len)
{
	unsigned int uid = getuid(), gid = getgid();
	char map[64];

	if (!unshare(CLONE_NEWNS | CLONE_NEWNET))
		return 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)) {
		snprintf(why, len, "no mount and network namespaces: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (dead_resolver_map("/proc/self/setgroups", "deny") ||
	    dead_resolver_map("/proc/self/uid_map", map)) {
		snprintf(why, len, "uid_map: %s", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (dead_resolver_map("/proc/self/gid_map", map)) {
		snprintf(why, len, "gid_map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int dead_resolver_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	r = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : 0;
	ifr.ifr_flags |= IFF_UP;
	if (!r)
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * The dead resolver in place: the silent socket's fd (close it at the
 * end), or -1 with @why (no namespaces here: skip).
 */
static int dead_resolver_enter(char *why, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(53) };
	char path[] = "/tmp/kesp-resolv-XXXXXX";
	int fd, cf;

	if (dead_resolver_unshare(why, len))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cf = mkstemp(path);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    dead_resolver_lo_up() || fd < 0 || cf < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    dprintf(cf, "nameserver 127.0.0.1\noptions %s\n",
		    DEAD_RESOLVER_OPTIONS) < 0 ||
	    mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL)) {
		snprintf(why, len, "cannot set up the dead resolver: %s",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (cf >= 0) {
		close(cf);
		unlink(path);
	}
	setenv("RES_OPTIONS", DEAD_RESOLVER_OPTIONS, 1);
	return fd;
}

#endif /* KESP_TEST_DEAD_RESOLVER_H */
