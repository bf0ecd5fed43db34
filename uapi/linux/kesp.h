/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kesp: the generic netlink contract between kesp.ko and its userspace.
 *
 * Documentation
 * =============
 *
 * kesp.ko is driven over the generic netlink family KESP_GENL_NAME, version
 * KESP_GENL_VERSION. The family is per network namespace (netnsok): every
 * request acts on the namespace of the socket that sent it, and no request
 * can see or change another namespace's state.
 *
 * Permissions: commands marked "admin" need CAP_NET_ADMIN in the user
 * namespace that owns the caller's network namespace (GENL_UNS_ADMIN_PERM),
 * so a container's root manages its own namespace and nobody else's. As
 * with XFRM, that includes reading SAs and policies (SA_GET, POLICY_GET
 * and their dumps, and the tables of /proc/net/kesp, judged by who opened
 * the file): they tell who talks to whom, with which SPIs and how much,
 * as the events do. GET_INFO and STATS_GET (the drop counters, which
 * /proc/net/kesp also shows to everyone) are open to every user; nothing
 * ever returns key material.
 *
 * Validation: every command is validated strictly. An unknown attribute, an
 * attribute of the wrong length, or a reserved header field that is not zero
 * fails with -EINVAL and an extended ack message naming the attribute.
 *
 * Attribute notation below: NAME: TYPE, meaning (unit). "absent" says what
 * the kernel does when the attribute is not sent.
 *
 * KESP_CMD_GET_INFO
 * -----------------
 *
 * Request: no attributes. Reply (one message):
 *
 *    KESP_A_INFO_VERSION: NLA_NUL_STRING, the module version ("0.1.0")
 *    KESP_A_INFO_API: NLA_U32, KESP_GENL_VERSION the module speaks
 *    KESP_A_INFO_CAPS: NLA_U64, a bit set of enum kesp_cap: what this build
 *        of the module can do. Userspace must ignore bits it does not know.
 *
 * KESP_CMD_STATS_GET
 * ------------------
 *
 * Request: no attributes. Reply (one message):
 *
 *    KESP_A_STATS: NLA_NESTED, the namespace-wide error counters
 *        KESP_STAT_*: NLA_U64, packets dropped for that cause since the
 *            namespace was created or the counters were last reset.
 *            Counters the module does not know yet are absent; userspace
 *            must ignore types it does not know.
 *
 * KESP_CMD_STATS_RESET (admin)
 * ----------------------------
 *
 * Request: no attributes. Sets every namespace-wide error counter to zero.
 * Per-SA counters are not touched. Reply: an ack only.
 *
 * KESP_CMD_SA_NEW (admin)
 * -----------------------
 *
 * Install one SA. Request:
 *
 *    KESP_A_SA: NLA_NESTED
 *        KESP_SA_A_SPI: NLA_U32, host byte order, required, not 0. Unique
 *            per namespace among inbound SAs with the same destination;
 *            outbound SAs are keyed by (SPI, destination) too.
 *        KESP_SA_A_DIR: NLA_U8, enum kesp_dir (IN or OUT), required
 *        KESP_SA_A_MODE: NLA_U8, enum kesp_mode, required
 *        KESP_SA_A_FAMILY: NLA_U16, AF_INET or AF_INET6, of the outer
 *            addresses, required
 *        KESP_SA_A_SRC, KESP_SA_A_DST: NLA_BINARY, 4 or 16 bytes as the
 *            family says, network byte order: the outer (tunnel mode) or
 *            packet (transport mode) addresses, required
 *        KESP_SA_A_SEL: NLA_NESTED, the traffic this SA carries (see
 *            "Selectors"); inbound, a decrypted packet outside it is
 *            dropped. Absent: any traffic of the SA's family.
 *        KESP_SA_A_ENC: NLA_U16, the encryption transform as IKEv2 numbers
 *            it (enum kesp_enc), required
 *        KESP_SA_A_ENC_KEY: NLA_BINARY, the key; for the AEAD transforms
 *            the 4-byte (GCM, ChaCha20) or 3-byte (CCM) salt follows the
 *            key, as RFC 4106, 4309 and 7634 derive it. Its length must be
 *            one the transform accepts, exactly. Required except for NULL.
 *        KESP_SA_A_INTEG: NLA_U16, the integrity transform as IKEv2
 *            numbers it (enum kesp_integ); required with a non-AEAD
 *            transform, rejected with an AEAD one
 *        KESP_SA_A_INTEG_KEY: NLA_BINARY, its key, exactly the length the
 *            transform uses
 *        KESP_SA_A_REPLAY_WINDOW: NLA_U32, packets, 0 to 4096; 0 turns the
 *            replay check off. Inbound only. Absent: 128.
 *        KESP_SA_A_FLAGS: NLA_U32, KESP_SA_F_*; unknown bits are rejected.
 *            Absent: 0.
 *        KESP_SA_A_REQID: NLA_U32, links the SA to policies with the same
 *            reqid. Absent: 0 (matches policies with reqid 0).
 *        KESP_SA_A_LIFETIME: NLA_NESTED, KESP_LFT_A_*: NLA_U64 limits; an
 *            absent or 0 limit is no limit. Soft must not exceed hard.
 *        KESP_SA_A_SEQ: NLA_U64, outbound only: the last sequence number
 *            sent (the next packet carries SEQ + 1). Absent: 0. Lets a
 *            test start near exhaustion.
 *        KESP_SA_A_ENCAP_SPORT, KESP_SA_A_ENCAP_DPORT: NLA_BE16, both or
 *            neither, not 0: the SA's ESP travels inside UDP (RFC 3948,
 *            NAT traversal) with these source and destination ports, as
 *            the packet travels: for an inbound SA DPORT is ours (the
 *            daemon's KESP_CMD_ENCAP_SOCK port, usually 4500) and SPORT
 *            the peer's as seen after NAT. Outbound: the UDP checksum is
 *            0 over IPv4 (RFC 3948 3.1) and computed over IPv6; the UDP
 *            header counts in the path MTU. Inbound: ESP in UDP reaches
 *            the SA only through an encapsulation socket, and plain ESP
 *            to an encapsulated SA (or ESP in UDP to a plain one) is
 *            dropped (KESP_STAT_IN_ENCAP_MISMATCH). Transport mode SAs
 *            with encapsulation fix up the inner TCP/UDP checksum on
 *            input (RFC 3948 3.1.2: the checksum is not verified by the
 *            sender's NAT-changed addresses, so it is marked unnecessary
 *            after the ICV has authenticated the packet).
 *            Absent: plain ESP (IP protocol 50).
 *
 * Errors: -EEXIST if an SA with that SPI, direction and destination
 * exists; -EINVAL with an extack message naming the attribute for anything
 * malformed; -ENOENT for an algorithm the kernel's crypto API lacks.
 *
 * KESP_CMD_SA_UPDATE (admin)
 * --------------------------
 *
 * Change an SA in place. Request: KESP_A_SA with SPI, DIR, FAMILY and DST
 * to find it, and any of LIFETIME (replaces all limits), SEQ (outbound
 * only), and, for an SA with UDP encapsulation, the new outer endpoints
 * after a NAT mapping change:
 *
 *    KESP_SA_A_NEW_SRC, KESP_SA_A_NEW_DST: NLA_BINARY, same family, new
 *        outer source / destination address (absent: unchanged). Only
 *        in SA_UPDATE: SA_NEW refuses them.
 *    KESP_SA_A_ENCAP_SPORT, KESP_SA_A_ENCAP_DPORT: new UDP ports, either
 *        or both, not 0 (absent: unchanged)
 *
 * The SA keeps its keys, sequence numbers, replay window and counters.
 * NEW_SRC, NEW_DST and the ports on an SA without encapsulation are
 * rejected (-EINVAL), as is anything else. While a NEW_DST moves the SA
 * in the SAD a packet or two for it may find no SA. Policies are not
 * touched: a daemon moving an outbound SA to a new peer address moves
 * the PROTECT policies' templates too (delete and add). -ENOENT if there is no such SA; -EEXIST if
 * the new destination collides with another SA's (SPI, DIR, DST).
 *
 * KESP_CMD_SA_DEL (admin), KESP_CMD_SA_GET (admin)
 * ------------------------------------------------
 *
 * Request: KESP_A_SA with SPI, DIR, FAMILY and DST. GET replies with one
 * message in the dump format below. -ENOENT if there is no such SA.
 *
 * KESP_CMD_SA_GET with NLM_F_DUMP (admin)
 * ---------------------------------------
 *
 * Request: no attributes. One message per SA:
 *
 *    KESP_A_SA: NLA_NESTED
 *        SPI, DIR, MODE, FAMILY, SRC, DST, SEL, ENC, INTEG, REPLAY_WINDOW,
 *        FLAGS, REQID, LIFETIME, SEQ as above (never the keys), and:
 *        KESP_SA_A_ADD_TIME: NLA_U64, seconds since the SA was added
 *        KESP_SA_A_USE_TIME: NLA_U64, seconds since its first packet;
 *            absent while unused
 *            (Both, and the time lifetimes, count on the boot-time
 *            clock: setting the date moves none of them, and time the
 *            system spent suspended counts. Earlier builds followed the
 *            wall clock, and a clock set back expired every SA with a
 *            time limit.)
 *        KESP_SA_A_COUNTERS: NLA_NESTED
 *            KESP_CNT_A_PACKETS, KESP_CNT_A_BYTES: NLA_U64, packets and
 *                inner bytes processed
 *            KESP_CNT_A_ERRORS: NLA_NESTED, per cause, as KESP_A_STATS
 *
 * The dump sets NLM_F_DUMP_INTR on a message if SAs were added or removed
 * while it ran; userspace should then dump again.
 *
 * KESP_CMD_SA_FLUSH (admin)
 * -------------------------
 *
 * Request: no attributes, or KESP_A_SA with only DIR to flush one
 * direction. Removes the SAs; each removal is sent as an EXPIRE event
 * with KESP_A_EXPIRE_HARD 1, so a daemon notices.
 *
 * KESP_CMD_SPI_ALLOC (admin)
 * --------------------------
 *
 * Reserve an inbound SPI before the SA exists, as an IKE responder needs.
 * Request: KESP_A_SA with FAMILY, DST and optionally KESP_SA_A_SPI_MIN,
 * KESP_SA_A_SPI_MAX (NLA_U32; absent: 256 and 0xffffffff). Reply:
 * KESP_A_SA with SPI. The reservation holds for 60 seconds or until an
 * inbound SA_NEW with that SPI and destination. -EAGAIN if the range is
 * exhausted; -ENOSPC (with extack) if the namespace holds 4096
 * reservations already. ESP for a reserved SPI that arrives before its
 * SA (a peer may send on a new CHILD SA as soon as it has our answer)
 * is held, up to 16 packets per SPI and 128 per namespace, for 2
 * seconds (module parameter spi_hold_ms; KESP_STAT_IN_HELD), and decrypted when the SA is added; if
 * the SA does not come in time, dropped as KESP_STAT_IN_NO_SA.
 *
 * Selectors
 * ---------
 *
 *    KESP_SEL_A_FAMILY: NLA_U16, AF_INET or AF_INET6, required
 *    KESP_SEL_A_SRC, KESP_SEL_A_DST: NLA_BINARY, 4 or 16 bytes. Absent:
 *        the unspecified address, matching everything with prefix 0.
 *    KESP_SEL_A_SRC_PLEN, KESP_SEL_A_DST_PLEN: NLA_U8, prefix length,
 *        at most 32 or 128. Absent: 0. Host bits must be zero.
 *    KESP_SEL_A_PROTO: NLA_U8, IP protocol; absent or 0: any
 *    KESP_SEL_A_SPORT_MIN, _SPORT_MAX, _DPORT_MIN, _DPORT_MAX: NLA_U16,
 *        host byte order, inclusive port ranges (for ICMP and ICMPv6,
 *        SPORT is the type and DPORT the code). Absent: 0 to 65535. Only
 *        with a protocol that has ports (TCP, UDP, UDP-Lite, SCTP, ICMP,
 *        ICMPv6).
 *
 * KESP_CMD_POLICY_NEW (admin)
 * ---------------------------
 *
 * Request:
 *
 *    KESP_A_POLICY: NLA_NESTED
 *        KESP_POL_A_DIR: NLA_U8, enum kesp_dir (IN, OUT or FWD), required
 *        KESP_POL_A_SEL: NLA_NESTED, selectors, required
 *        KESP_POL_A_ACTION: NLA_U8, enum kesp_action, required
 *        KESP_POL_A_PRIORITY: NLA_U32, lower wins. Absent: 0x10000.
 *        KESP_POL_A_MSS: NLA_U16, OUT PROTECT policies only: TCP SYNs
 *            this policy sends into the tunnel get their MSS option
 *            lowered to this many bytes (536 to 65535), or, with 0, to
 *            what fits the tunnel (the inner MTU minus 40 for IPv4, 60
 *            for IPv6). Absent: MSS options are left alone.
 *        KESP_POL_A_TMPL: NLA_NESTED, required for PROTECT, rejected
 *            otherwise:
 *            KESP_TMPL_A_MODE: NLA_U8, enum kesp_mode, required
 *            KESP_TMPL_A_FAMILY, KESP_TMPL_A_SRC, KESP_TMPL_A_DST: the
 *                outer addresses, as for SAs; required in tunnel mode
 *            KESP_TMPL_A_REQID: NLA_U32. Absent: 0.
 *
 * Reply: KESP_A_POLICY with KESP_POL_A_ID: NLA_U32, the policy's index,
 * unique in the namespace, which DEL and GET take.
 *
 * Precedence: among the policies of a direction whose selectors match a
 * packet, the lowest priority value wins; between equal priorities the
 * more specific selector (longer destination prefix, then longer source
 * prefix, then a protocol, then narrower port ranges), then the older
 * policy. -EEXIST for a policy with the same direction, selectors and
 * priority as another.
 *
 * How packets meet the SPD and SAD
 * ---------------------------------
 *
 * Outbound (netfilter POST_ROUTING, IPv4 and IPv6, local and forwarded
 * packets, after NAT): fragments (forwarded ones: the stack fragments
 * local packets after POST_ROUTING) are first reassembled (RFC 4301 7),
 * so that every fragment of a datagram meets the policy of its protocol
 * and ports; what no policy protects is cut again as it came. Then the
 * packet's selectors (addresses, protocol, ports; ICMP type/code as
 * ports) are looked up among the OUT policies. A packet whose selectors
 * cannot be read (a bad IP header, IPv6 next header 59, an extension
 * header chain cut short) is dropped (KESP_STAT_OUT_MALFORMED), as is a
 * fragment that cannot be reassembled. No match or BYPASS: the packet
 * goes on untouched. DISCARD:
 * dropped (KESP_STAT_OUT_DISCARD; a local sender sees -EPERM). PROTECT:
 * the SA used is the newest live outbound SA whose destination is the
 * template's DST (the packet's destination for a transport template
 * without addresses), whose mode is the template's, whose source is the
 * template's SRC (tunnel), whose reqid is the template's (if it is not
 * 0), and whose selectors, if it has any, cover the packet. Installing a
 * new SA therefore switches traffic to it at once (make before break);
 * the old one keeps counting until it is deleted. No such SA: the packet
 * is held (up to 32 per policy) and one ACQUIRE is sent; an SA that
 * arrives within 10 s releases the held packets, otherwise they are
 * dropped (KESP_STAT_OUT_NO_SA) and the next packet asks again.
 *
 * Tunnel mode packets that would not fit the route to the peer once
 * wrapped are fragmented before encryption if they may be (IPv4 without
 * DF, locally generated IPv6); otherwise the sender gets ICMP
 * "fragmentation needed" / ICMPv6 "packet too big" with the MTU that fits
 * (KESP_STAT_OUT_TOO_BIG). Transport mode ESP packets are fragmented
 * after encryption.
 *
 * Sequence numbers start at 1 and never cycle: the SA that sent 2^32 - 1
 * (2^64 - 1 with ESN) is hard-expired.
 *
 * Inbound (LOCAL_IN): ESP (IP protocol 50) to a local address is matched
 * to an IN SA by SPI and destination (KESP_STAT_IN_NO_SA), checked against
 * the replay window, decrypted and verified (KESP_STAT_IN_AUTH); only then
 * does the window move. Padding must be 1, 2, 3, ... (KESP_STAT_IN_PADDING);
 * next header 59 (a dummy packet) is dropped silently; the inner packet
 * must fit the SA's selectors (KESP_STAT_IN_SELECTOR). It then re-enters
 * the stack as if received on the same interface, with a secpath (as
 * XFRM's decrypted packets have: nftables' "meta ipsec exists" matches).
 *
 * Once routing has decided, a decrypted packet is delivered (LOCAL_IN)
 * or forwarded (FORWARD) only if the IN or FWD policy that its inner
 * selectors find is PROTECT and its template fits the SA that decrypted
 * it: same mode, same reqid unless the template's is 0, and the SA's
 * SRC and DST as the template's SRC and DST unless the template has no
 * addresses (transport mode). No policy, a DISCARD or BYPASS policy, or
 * a template of another SA: dropped (KESP_STAT_IN_POLICY), whatever the
 * SA's own selectors allowed; XFRM's inbound policy check does the same
 * (XFRM lets transport mode SAs without any policy through; kesp does
 * not). A later fragment, without ports, finds only policies without
 * port ranges: port specific IN or FWD policies do not suit traffic
 * that the peer's hosts fragment.
 *
 * A packet without a secpath (cleartext) that matches a PROTECT policy of
 * direction IN (to a local address) or FWD (forwarded) is dropped
 * (KESP_STAT_IN_CLEARTEXT); DISCARD drops it too (KESP_STAT_IN_DISCARD).
 * One whose selectors cannot be read is dropped (KESP_STAT_IN_MALFORMED)
 * when there are policies of its direction.
 *
 * A namespace with no kesp policies and no SAs is not touched, so XFRM can
 * be used in a neighbouring namespace; do not mix both in one namespace.
 *
 * Lifetimes: byte and packet limits are checked per packet, time limits
 * once a second, on the boot-time clock (the date may change). A soft
 * limit sends one EXPIRE with HARD 0; a hard limit stops the SA at once
 * and removes it within a second with an EXPIRE with HARD 1, whether or
 * not a daemon listens.
 *
 * UDP encapsulation (NAT traversal, RFC 3948)
 * -------------------------------------------
 *
 * KESP_CMD_ENCAP_SOCK (admin): make one of the caller's UDP sockets (IPv4
 * or IPv6, bound to a port, in the caller's namespace) an encapsulation
 * socket, as the IKE daemon does with its port 4500 socket. Request:
 *
 *    KESP_A_ENCAP_FD: NLA_U32, the socket's file descriptor in the caller
 *
 * From then on, per datagram arriving on it:
 *  - one byte 0xff (a NAT keepalive, RFC 3948 2.3): absorbed and counted
 *    (KESP_STAT_IN_UDP_KEEPALIVE, not an error);
 *  - a non-ESP marker (four zero bytes) followed by at least an IKE header:
 *    delivered to the socket unchanged, marker included (IKE);
 *  - a non-zero SPI and more than 8 bytes: ESP, which enters kesp's
 *    inbound path like plain ESP (so an SPI without an SA counts as
 *    KESP_STAT_IN_NO_SA, and a packet too short for its SA's IV and ICV
 *    as KESP_STAT_IN_MALFORMED) but must match an SA with encapsulation
 *    whose DPORT is the port it arrived on;
 *  - anything else (1 byte other than 0xff, 2 to 8 bytes, a marker with
 *    too little behind it): dropped and counted
 *    (KESP_STAT_IN_UDP_MALFORMED).
 * UDP datagrams to the port of an encapsulation socket are not held
 * against IN policies (the ESP inside is, once decrypted; IKE must reach
 * the daemon whatever the policies say), so a transport mode policy
 * between the two gateways does not swallow its own ESP in UDP.
 * An IPv6 socket that is not IPV6_V6ONLY also takes IPv4.
 * -EINVAL (with extack) for a descriptor that is not a bound UDP socket
 * of the caller's namespace; -EBADF for one that is not open; -EBUSY if
 * it already has an encapsulation (kesp's, L2TP, XFRM's UDP_ENCAP). The
 * socket stays an encapsulation socket until it is closed (or its owner
 * sets UDP_ENCAP itself); module unload detaches it cleanly, and it goes
 * on as a plain UDP socket. kesp holds no reference on the socket: it
 * forgets it when the socket is freed, however it was closed, so an
 * encapsulation socket never keeps itself or its namespace alive.
 *
 * KESP_CMD_MAPPING (event): an authenticated ESP-in-UDP packet for an
 * inbound SA came from an outer source address or UDP port other than the
 * SA's (SRC, ENCAP_SPORT): the peer's NAT mapping changed. The kernel never
 * changes the SA itself; the daemon may move the SA pair with SA_UPDATE.
 * Sent at most once a second per SA.
 *
 *    KESP_A_SA: the inbound SA, as in a dump (its current SRC and ports)
 *    KESP_A_MAPPING: NLA_NESTED
 *        KESP_MAP_A_SRC: NLA_BINARY, the new source address
 *        KESP_MAP_A_SPORT: NLA_BE16, the new source port
 *
 * KESP_CMD_POLICY_DEL (admin), KESP_CMD_POLICY_GET (and dump) (admin)
 * -------------------------------------------------------------------
 *
 * Request: KESP_A_POLICY with KESP_POL_A_ID. Reply to GET and each dump
 * message: KESP_A_POLICY with ID, DIR, SEL, ACTION, PRIORITY, TMPL and
 * KESP_POL_A_PACKETS (NLA_U64, packets that matched it: sent or held by
 * an OUT policy, dropped or let in by an IN or FWD one), and MSS if set.
 *
 * KESP_CMD_POLICY_FLUSH (admin)
 * -----------------------------
 *
 * Request: no attributes, or KESP_A_POLICY with only DIR.
 *
 * Events (multicast group KESP_GENL_MCGRP_EVENTS)
 * -----------------------------------------------
 *
 * Joining the group needs CAP_NET_ADMIN over the namespace: ACQUIRE
 * tells who talks to whom.
 *
 * KESP_CMD_ACQUIRE: an outbound packet matched a PROTECT policy for which
 * no SA exists. Sent once per policy until an SA arrives or the held
 * packets time out.
 *
 *    KESP_A_POLICY: the policy, as in a dump
 *    KESP_A_FLOW: NLA_NESTED, selectors of exactly the packet that
 *        triggered it (full-length prefixes, its protocol and ports)
 *
 * KESP_CMD_EXPIRE: an SA reached a soft or hard limit, or was flushed.
 *
 *    KESP_A_SA: the SA, as in a dump
 *    KESP_A_EXPIRE_HARD: NLA_U8, 1 if the SA is gone, 0 if it still
 *        works and should be rekeyed
 */

#ifndef _UAPI_LINUX_KESP_H
#define _UAPI_LINUX_KESP_H

#define KESP_GENL_NAME		"kesp"
#define KESP_GENL_VERSION	1
#define KESP_GENL_MCGRP_EVENTS	"events"

enum kesp_cmd {
	KESP_CMD_UNSPEC,
	KESP_CMD_GET_INFO,
	KESP_CMD_STATS_GET,
	KESP_CMD_STATS_RESET,
	KESP_CMD_SA_NEW,
	KESP_CMD_SA_UPDATE,
	KESP_CMD_SA_DEL,
	KESP_CMD_SA_GET,
	KESP_CMD_SA_FLUSH,
	KESP_CMD_SPI_ALLOC,
	KESP_CMD_POLICY_NEW,
	KESP_CMD_POLICY_DEL,
	KESP_CMD_POLICY_GET,
	KESP_CMD_POLICY_FLUSH,
	KESP_CMD_ACQUIRE,
	KESP_CMD_EXPIRE,
	KESP_CMD_ENCAP_SOCK,
	KESP_CMD_MAPPING,
	__KESP_CMD_MAX
};

#define KESP_CMD_MAX (__KESP_CMD_MAX - 1)

/* Top-level attributes of every command. */
enum kesp_attr {
	KESP_A_UNSPEC,
	KESP_A_PAD,		/* alignment padding for 64-bit values */
	KESP_A_INFO_VERSION,
	KESP_A_INFO_API,
	KESP_A_INFO_CAPS,
	KESP_A_STATS,
	KESP_A_SA,
	KESP_A_POLICY,
	KESP_A_FLOW,
	KESP_A_EXPIRE_HARD,
	KESP_A_ENCAP_FD,
	KESP_A_MAPPING,
	__KESP_A_MAX
};

#define KESP_A_MAX (__KESP_A_MAX - 1)

enum kesp_dir {
	KESP_DIR_UNSPEC,
	KESP_DIR_IN,
	KESP_DIR_OUT,
	KESP_DIR_FWD,		/* policies only: forwarded traffic */
	__KESP_DIR_MAX
};

#define KESP_DIR_MAX (__KESP_DIR_MAX - 1)

enum kesp_mode {
	KESP_MODE_UNSPEC,
	KESP_MODE_TUNNEL,
	KESP_MODE_TRANSPORT,
	__KESP_MODE_MAX
};

#define KESP_MODE_MAX (__KESP_MODE_MAX - 1)

enum kesp_action {
	KESP_ACTION_UNSPEC,
	KESP_ACTION_PROTECT,
	KESP_ACTION_BYPASS,
	KESP_ACTION_DISCARD,
	__KESP_ACTION_MAX
};

#define KESP_ACTION_MAX (__KESP_ACTION_MAX - 1)

/*
 * Encryption transforms, numbered as IKEv2 numbers them (IANA "Transform
 * Type 1"), so a daemon passes what it negotiated straight through. Key
 * lengths in bytes, including the salt where there is one.
 */
enum kesp_enc {
	KESP_ENC_3DES_CBC		= 3,	/* 24 */
	KESP_ENC_NULL			= 11,	/* 0, integrity required */
	KESP_ENC_AES_CBC		= 12,	/* 16, 24, 32 */
	KESP_ENC_AES_CCM_16		= 16,	/* 16, 24, 32 + 3 salt */
	KESP_ENC_AES_GCM_16		= 20,	/* 16, 24, 32 + 4 salt */
	KESP_ENC_CHACHA20_POLY1305	= 28,	/* 32 + 4 salt */
};

/* Integrity transforms, numbered as IKEv2 numbers them ("Transform Type 3"). */
enum kesp_integ {
	KESP_INTEG_NONE			= 0,
	KESP_INTEG_HMAC_MD5_96		= 1,	/* key 16, ICV 12 */
	KESP_INTEG_HMAC_SHA1_96		= 2,	/* key 20, ICV 12 */
	KESP_INTEG_HMAC_SHA2_256_128	= 12,	/* key 32, ICV 16 */
	KESP_INTEG_HMAC_SHA2_384_192	= 13,	/* key 48, ICV 24 */
	KESP_INTEG_HMAC_SHA2_512_256	= 14,	/* key 64, ICV 32 */
};

/* KESP_SA_A_FLAGS */
enum kesp_sa_flag {
	KESP_SA_F_ESN		= 1U << 0,	/* 64-bit extended sequence numbers */
};

#define KESP_SA_F_ALL	(KESP_SA_F_ESN)

/* Attributes inside KESP_A_SA. */
enum kesp_sa_attr {
	KESP_SA_A_UNSPEC,
	KESP_SA_A_PAD,
	KESP_SA_A_SPI,
	KESP_SA_A_DIR,
	KESP_SA_A_MODE,
	KESP_SA_A_FAMILY,
	KESP_SA_A_SRC,
	KESP_SA_A_DST,
	KESP_SA_A_SEL,
	KESP_SA_A_ENC,
	KESP_SA_A_ENC_KEY,
	KESP_SA_A_INTEG,
	KESP_SA_A_INTEG_KEY,
	KESP_SA_A_REPLAY_WINDOW,
	KESP_SA_A_FLAGS,
	KESP_SA_A_REQID,
	KESP_SA_A_LIFETIME,
	KESP_SA_A_SEQ,
	KESP_SA_A_ADD_TIME,
	KESP_SA_A_USE_TIME,
	KESP_SA_A_COUNTERS,
	KESP_SA_A_SPI_MIN,
	KESP_SA_A_SPI_MAX,
	KESP_SA_A_ENCAP_SPORT,
	KESP_SA_A_ENCAP_DPORT,
	KESP_SA_A_NEW_SRC,
	KESP_SA_A_NEW_DST,
	__KESP_SA_A_MAX
};

#define KESP_SA_A_MAX (__KESP_SA_A_MAX - 1)

/* Attributes inside KESP_A_MAPPING. */
enum kesp_map_attr {
	KESP_MAP_A_UNSPEC,
	KESP_MAP_A_SRC,
	KESP_MAP_A_SPORT,
	__KESP_MAP_A_MAX
};

#define KESP_MAP_A_MAX (__KESP_MAP_A_MAX - 1)

/* Attributes inside KESP_SA_A_SEL, KESP_POL_A_SEL and KESP_A_FLOW. */
enum kesp_sel_attr {
	KESP_SEL_A_UNSPEC,
	KESP_SEL_A_FAMILY,
	KESP_SEL_A_SRC,
	KESP_SEL_A_DST,
	KESP_SEL_A_SRC_PLEN,
	KESP_SEL_A_DST_PLEN,
	KESP_SEL_A_PROTO,
	KESP_SEL_A_SPORT_MIN,
	KESP_SEL_A_SPORT_MAX,
	KESP_SEL_A_DPORT_MIN,
	KESP_SEL_A_DPORT_MAX,
	__KESP_SEL_A_MAX
};

#define KESP_SEL_A_MAX (__KESP_SEL_A_MAX - 1)

/* Attributes inside KESP_SA_A_LIFETIME; 0 means no limit. */
enum kesp_lft_attr {
	KESP_LFT_A_UNSPEC,
	KESP_LFT_A_PAD,
	KESP_LFT_A_SOFT_BYTES,
	KESP_LFT_A_HARD_BYTES,
	KESP_LFT_A_SOFT_PACKETS,
	KESP_LFT_A_HARD_PACKETS,
	KESP_LFT_A_SOFT_ADD_SECS,	/* seconds since the SA was added */
	KESP_LFT_A_HARD_ADD_SECS,
	KESP_LFT_A_SOFT_USE_SECS,	/* seconds since its first packet */
	KESP_LFT_A_HARD_USE_SECS,
	__KESP_LFT_A_MAX
};

#define KESP_LFT_A_MAX (__KESP_LFT_A_MAX - 1)

/* Attributes inside KESP_SA_A_COUNTERS. */
enum kesp_cnt_attr {
	KESP_CNT_A_UNSPEC,
	KESP_CNT_A_PAD,
	KESP_CNT_A_PACKETS,
	KESP_CNT_A_BYTES,
	KESP_CNT_A_ERRORS,	/* nested, enum kesp_stat types */
	__KESP_CNT_A_MAX
};

#define KESP_CNT_A_MAX (__KESP_CNT_A_MAX - 1)

/* Attributes inside KESP_A_POLICY. */
enum kesp_pol_attr {
	KESP_POL_A_UNSPEC,
	KESP_POL_A_PAD,
	KESP_POL_A_ID,
	KESP_POL_A_DIR,
	KESP_POL_A_SEL,
	KESP_POL_A_ACTION,
	KESP_POL_A_PRIORITY,
	KESP_POL_A_TMPL,
	KESP_POL_A_PACKETS,
	KESP_POL_A_MSS,
	__KESP_POL_A_MAX
};

#define KESP_POL_A_MAX (__KESP_POL_A_MAX - 1)

/* Attributes inside KESP_POL_A_TMPL: the SA a PROTECT policy wants. */
enum kesp_tmpl_attr {
	KESP_TMPL_A_UNSPEC,
	KESP_TMPL_A_MODE,
	KESP_TMPL_A_FAMILY,
	KESP_TMPL_A_SRC,
	KESP_TMPL_A_DST,
	KESP_TMPL_A_REQID,
	__KESP_TMPL_A_MAX
};

#define KESP_TMPL_A_MAX (__KESP_TMPL_A_MAX - 1)

/*
 * Capability bits of KESP_A_INFO_CAPS. A bit is only set once the feature
 * behind it works in this build of the module.
 */
enum kesp_cap {
	KESP_CAP_STATS		= 1ULL << 0,	/* STATS_GET and STATS_RESET */
	KESP_CAP_SAD		= 1ULL << 1,	/* SA_* and SPI_ALLOC commands */
	KESP_CAP_SPD		= 1ULL << 2,	/* POLICY_* commands */
	KESP_CAP_UDP_ENCAP	= 1ULL << 3,	/* ENCAP_SOCK, ENCAP_* SAs */
};

/*
 * Namespace-wide drop counters, the attribute types inside KESP_A_STATS.
 * Each names one cause, so an operator can tell "wrong key" from "replay"
 * from "no SA" without a packet capture. /proc/net/kesp prints the same
 * counters with the names given in the comments.
 */
enum kesp_stat {
	KESP_STAT_UNSPEC,
	KESP_STAT_PAD,		/* alignment padding inside KESP_A_STATS */
	KESP_STAT_IN_NO_SA,	/* ESP with an SPI we do not know */
	KESP_STAT_IN_MALFORMED,	/* too short or bad header */
	KESP_STAT_IN_AUTH,	/* ICV did not verify */
	KESP_STAT_IN_REPLAY,	/* sequence number seen before */
	KESP_STAT_IN_OLD,	/* left of the replay window */
	KESP_STAT_IN_PADDING,	/* padding or pad length */
	KESP_STAT_IN_SELECTOR,	/* inner packet outside the SA */
	KESP_STAT_IN_CLEARTEXT,	/* inbound protect policy hit */
	KESP_STAT_IN_EXPIRED,	/* SA past its hard limit */
	KESP_STAT_OUT_DISCARD,	/* a discard policy matched */
	KESP_STAT_OUT_NO_SA,	/* protect policy, no SA, queue full */
	KESP_STAT_OUT_SEQ_OVERFLOW, /* sequence exhausted */
	KESP_STAT_OUT_EXPIRED,	/* SA past its hard limit */
	KESP_STAT_NOMEM,	/* allocation failed */
	KESP_STAT_CRYPTO,	/* the transform failed */
	KESP_STAT_IN_DISCARD,	/* an inbound discard policy matched */
	KESP_STAT_OUT_NO_ROUTE,	/* no route to the SA's peer */
	KESP_STAT_OUT_TOO_BIG,	/* DF or IPv6 and over the path MTU */
	KESP_STAT_IN_UDP_MALFORMED, /* bad datagram on an encap socket */
	KESP_STAT_IN_ENCAP_MISMATCH, /* ESP in UDP vs plain, or port */
	KESP_STAT_IN_UDP_KEEPALIVE, /* NAT keepalives absorbed (no error) */
	KESP_STAT_IN_POLICY,	/* decrypted, but no IN/FWD policy for its SA */
	KESP_STAT_OUT_MALFORMED, /* outbound selectors unreadable */
	KESP_STAT_IN_HELD,	/* reserved SPI, no SA yet: held (no error) */
	__KESP_STAT_MAX
};

#define KESP_STAT_MAX (__KESP_STAT_MAX - 1)

/*
 * The counters' names, as /proc/net/kesp and kespctl print them and as the
 * JSON keys of `kespctl -j stats`: one table for both halves, so the names
 * cannot drift. Use as: static const char * const n[] = KESP_STAT_NAMES;
 */
#define KESP_STAT_NAMES {					\
	[KESP_STAT_IN_NO_SA]		= "in-no-sa",		\
	[KESP_STAT_IN_MALFORMED]	= "in-malformed",	\
	[KESP_STAT_IN_AUTH]		= "in-auth-failed",	\
	[KESP_STAT_IN_REPLAY]		= "in-replay",		\
	[KESP_STAT_IN_OLD]		= "in-too-old",		\
	[KESP_STAT_IN_PADDING]		= "in-bad-trailer",	\
	[KESP_STAT_IN_SELECTOR]		= "in-selector",	\
	[KESP_STAT_IN_CLEARTEXT]	= "in-cleartext",	\
	[KESP_STAT_IN_EXPIRED]		= "in-expired",		\
	[KESP_STAT_OUT_DISCARD]		= "out-discard",	\
	[KESP_STAT_OUT_NO_SA]		= "out-no-sa",		\
	[KESP_STAT_OUT_SEQ_OVERFLOW]	= "out-seq-overflow",	\
	[KESP_STAT_OUT_EXPIRED]		= "out-expired",	\
	[KESP_STAT_NOMEM]		= "no-buffer",		\
	[KESP_STAT_CRYPTO]		= "crypto-error",	\
	[KESP_STAT_IN_DISCARD]		= "in-discard",		\
	[KESP_STAT_OUT_NO_ROUTE]	= "out-no-route",	\
	[KESP_STAT_OUT_TOO_BIG]		= "out-too-big",	\
	[KESP_STAT_IN_UDP_MALFORMED]	= "in-udp-malformed",	\
	[KESP_STAT_IN_ENCAP_MISMATCH]	= "in-encap-mismatch",	\
	[KESP_STAT_IN_UDP_KEEPALIVE]	= "in-udp-keepalive",	\
	[KESP_STAT_IN_POLICY]		= "in-policy",		\
	[KESP_STAT_OUT_MALFORMED]	= "out-malformed",	\
	[KESP_STAT_IN_HELD]		= "in-held",		\
}

#endif /* _UAPI_LINUX_KESP_H */
