/* SPDX-License-Identifier: GPL-2.0 */
/* Pre-shared keys from /etc/kesp/ipsec.secrets, chosen by the pair of identities. */

#ifndef KESP_IKED_SECRETS_H
#define KESP_IKED_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/*
 * The file is strongSwan's ipsec.secrets(5), PSK and private key lines:
 *
 *   [ID [ID ...]] : PSK "secret"      (or 'secret', 0xHEX, 0sBASE64, or
 *                                      secret as one unquoted word)
 *   : RSA FILE ["passphrase"]         a private key for our certificate
 *   : ECDSA FILE ["passphrase"]       (PEM or DER, PKCS#1, SEC1 or PKCS#8,
 *   : PKCS8 FILE ["passphrase"]       encrypted or not); FILE relative to
 *                                     ipsec.d/private/ beside ipsec.conf
 *
 * IDs are written as for leftid= (conf.h); "%any" or no ID at all makes
 * the line match any pair. Comments start with "#". A UTF-8 byte order
 * mark at the start of the file is skipped. Other secret types
 * (EAP, XAUTH, PIN, ...) and include are refused as not supported. Key
 * files are read by the credential store (crypto/auth/creds.h), which
 * finds a key's certificate by its public key: the IDs of a key line
 * are not used.
 */

enum iked_secret_kind {
	IKED_SECRET_PSK,
	IKED_SECRET_KEYFILE,		/* RSA, ECDSA, PKCS8 */
};

struct iked_secret {
	enum iked_secret_kind kind;
	char *keyfile;			/* KEYFILE: as written */
	struct iked_conf_id *ids;	/* the line's selectors; may be none */
	size_t n_ids;
	uint8_t *key;			/* PSK, or KEYFILE's passphrase; wiped on free */
	size_t key_len;
	const char *file;
	unsigned int line;
};

struct iked_secrets {
	struct iked_secret *v;		/* in file order */
	size_t n;
	char *file;
};

/*
 * Read @path into *@out. The file is refused (-EPERM) when group or others
 * may read or write it, or when it belongs to someone other than root or
 * the caller: the message says which mode or owner it has and the command
 * that fixes it. The check is made with fstat() on the descriptor that is
 * then read, so the file cannot be swapped in between. Otherwise returns
 * 0, -EINVAL for a mistake (message "FILE:LINE: ...") or -errno.
 */
int iked_secrets_load(const char *path, struct iked_secrets **out,
		      char *err, size_t errlen);
/* The same for @len bytes of @text, named @name; no permission check. */
int iked_secrets_parse(const char *name, const char *text, size_t len,
		       struct iked_secrets **out, char *err, size_t errlen);
void iked_secrets_free(struct iked_secrets *s);

/* PSK: how many. */
size_t iked_secrets_count_psk(const struct iked_secrets *s);

/*
 * The PSK for an IKE SA between @local and @remote (either may be NULL:
 * unknown yet): a line naming both, else a line naming the remote one
 * with %any for the other, else the local one with %any, else a line
 * naming only the remote identity, else only the local one, else a line
 * for any pair (no ID or %any). The first line of the best kind wins.
 * NULL when none fits.
 */
const struct iked_secret *iked_secrets_lookup(const struct iked_secrets *s,
					      const struct iked_conf_id *local,
					      const struct iked_conf_id *remote);

#endif /* KESP_IKED_SECRETS_H */
