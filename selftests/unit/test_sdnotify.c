// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify without libsystemd: the datagrams iked_sd_notify() sends
 * reach a real AF_UNIX datagram socket, named by a path or by an abstract
 * name ('@'), as $NOTIFY_SOCKET names systemd's.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "kselftest_harness.h"
#include "iked/sdnotify.h"

/* A datagram socket bound to @name (a path, or '@' and an abstract name). */
static int listener(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    strlen(name));
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(sun.sun_path, name, strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	/* A lost datagram fails the test instead of hanging it. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sun, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram on @fd, NUL-terminated, or "" after the timeout. */
static const char *next_datagram(int fd, char *buf, size_t cap)
{
	ssize_t n = recv(fd, buf, cap - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST(path_socket_gets_ready_status_stopping)
{
	char dir[] = "/tmp/kesp-notify-XXXXXX", path[128], buf[256];
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listener(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", path, 1));

	EXPECT_EQ(0, iked_sd_notifyf("READY=1\nSTATUS=%d conns from %s", 2,
				     "/etc/kesp/ipsec.conf"));
	EXPECT_STREQ("READY=1\nSTATUS=2 conns from /etc/kesp/ipsec.conf",
		     next_datagram(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, iked_sd_notify("STOPPING=1"));
	EXPECT_STREQ("STOPPING=1", next_datagram(fd, buf, sizeof(buf)));
	close(fd);
	unlink(path);
	rmdir(dir);
}

TEST(abstract_socket_name)
{
	char name[64], buf[256];
	int fd;

	snprintf(name, sizeof(name), "@kesp-notify-test-%d", (int)getpid());
	fd = listener(name);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", name, 1));
	EXPECT_EQ(0, iked_sd_notify_reloading());
	next_datagram(fd, buf, sizeof(buf));
	EXPECT_EQ(0, strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27));
	EXPECT_LT(27, strlen(buf));
	EXPECT_EQ(strlen(buf), 27 + strspn(buf + 27, "0123456789"));
	/*
	 * The name is exactly what follows '@': "@kesp-notify-test-N" and a
	 * trailing NUL would be another socket, which nobody listens on.
	 */
	EXPECT_EQ(0, iked_sd_notify("READY=1"));
	EXPECT_STREQ("READY=1", next_datagram(fd, buf, sizeof(buf)));
	close(fd);
}

TEST(unset_sends_nothing_bad_address_refused)
{
	ASSERT_EQ(0, unsetenv("NOTIFY_SOCKET"));
	EXPECT_EQ(0, iked_sd_notify("READY=1"));
	EXPECT_EQ(0, iked_sd_notifyf("STATUS=%s", "x"));
	EXPECT_EQ(-EINVAL, iked_sd_notify_to("relative/path", "READY=1"));
	EXPECT_EQ(-EINVAL, iked_sd_notify_to("@", "READY=1"));
	/* Nobody listening: the error comes back, nothing blocks. */
	EXPECT_EQ(-ENOENT, iked_sd_notify_to("/tmp/kesp-no-such-notify-socket",
					     "READY=1"));
	EXPECT_EQ(-ECONNREFUSED,
		  iked_sd_notify_to("@kesp-nobody-listens-here", "READY=1"));
}

TEST_HARNESS_MAIN
