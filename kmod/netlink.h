/* SPDX-License-Identifier: GPL-2.0 */
/* The kesp generic netlink family: registration and the events it multicasts. */

#ifndef _KESP_NETLINK_H
#define _KESP_NETLINK_H

int kesp_genl_init(void);
void kesp_genl_exit(void);

#endif /* _KESP_NETLINK_H */
