/* tlsctx.h - TLS 1.3 for peer links: mutual authentication, pinned keys.
 *
 * The node's TLS certificate is a self-signed X.509 certificate for its
 * Ed25519 identity key, so the key a peer pins from the card is the key TLS
 * proves possession of.  Certificate chains, names and validity dates are not
 * used for trust: only the leaf's public key, compared with the pins.
 * Only TLS 1.3 is offered or accepted.
 */
#ifndef PARLEY_TLSCTX_H
#define PARLEY_TLSCTX_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "crypto/ident.h"

struct tlsctx;

/* tlsctx_pin_fn - return 1 when pk is a pinned peer key, else 0. */
typedef int (*tlsctx_pin_fn)(void *arg, const uint8_t pk[IDENT_PK_LEN]);

/* tlsctx_make_cert - write a self-signed certificate for the Ed25519 key in
 * keypath to certpath (O_EXCL, 0644, fsync).  CN is name.  ST_EXISTS if
 * certpath exists. */
status tlsctx_make_cert(const char *keypath, const char *name, const char *certpath) WUR;
/* tlsctx_new - server and client contexts from the key and certificate.
 * pin decides which client keys the server accepts; arg is passed to it.
 * *out is owned by the caller. */
status tlsctx_new(const char *keypath, const char *certpath, tlsctx_pin_fn pin,
    void *arg, struct tlsctx **out) WUR;
/* tlsctx_free - NULL is a no-op. */
void tlsctx_free(struct tlsctx *t);
/* tlsctx_server_ssl - a new SSL for an accepted connection; it requires a
 * client certificate whose key pin() accepts.  NULL on failure. */
SSL *tlsctx_server_ssl(struct tlsctx *t);
/* tlsctx_client_ssl - a new SSL for a connection to the peer holding
 * expected; the handshake fails unless the server proves that key. */
SSL *tlsctx_client_ssl(struct tlsctx *t, const uint8_t expected[static IDENT_PK_LEN]);
/* tlsctx_peer_key - after a completed handshake, the peer's verified key. */
status tlsctx_peer_key(SSL *ssl, uint8_t pk[static IDENT_PK_LEN]) WUR;

#endif
