/* SPDX-License-Identifier: GPL-2.0 */
/* What the dispatcher (../ike.c) knows of the IKEv1 module: its table of operations. */

#ifndef KESP_IKEV1_IKEV1_H
#define KESP_IKEV1_IKEV1_H

#include "../proto.h"

extern const struct iked_proto ikev1_proto;

#endif /* KESP_IKEV1_IKEV1_H */
