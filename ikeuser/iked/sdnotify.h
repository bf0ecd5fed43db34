/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram of "KEY=value" lines to the socket $NOTIFY_SOCKET names.
 */

#ifndef KESP_IKED_SDNOTIFY_H
#define KESP_IKED_SDNOTIFY_H

/*
 * Send @state ("READY=1", "STOPPING=1", "STATUS=...", several joined by
 * newlines) to @addr: a path, or an abstract socket name written with a
 * leading '@'. 0 when sent, -errno when not (-EINVAL for an address that
 * is neither).
 */
int iked_sd_notify_to(const char *addr, const char *state);

/*
 * The same to $NOTIFY_SOCKET; 0 and nothing sent when it is unset (not
 * started by systemd, or not Type=notify).
 */
int iked_sd_notify(const char *state);
int iked_sd_notifyf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * "RELOADING=1" with the MONOTONIC_USEC= that systemd 253 and later
 * expect; once the new configuration is in force (or refused), send
 * "READY=1" again.
 */
int iked_sd_notify_reloading(void);

#endif /* KESP_IKED_SDNOTIFY_H */
