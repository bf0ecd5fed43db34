/* SPDX-License-Identifier: GPL-2.0 */
/* What the dispatcher (../ike.c) knows of the IKEv2 module: its table of operations. */

#ifndef KESP_IKEV2_IKEV2_H
#define KESP_IKEV2_IKEV2_H

#include "../proto.h"

extern const struct iked_proto ikev2_proto;

#endif /* KESP_IKEV2_IKEV2_H */
