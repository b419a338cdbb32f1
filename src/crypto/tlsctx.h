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
/* tlsctx_new_server - a server-only context for browsers and standard
 * clients (HTTP_TLS_SERVER listeners): the certificate and key in
 * certpath/keypath (any key type OpenSSL takes), TLS 1.2 or later, no
 * client certificate.  tlsctx_client_ssl must not be called on it. */
status tlsctx_new_server(const char *keypath, const char *certpath,
    struct tlsctx **out) WUR;
/* tlsctx_make_server_cert - a new ECDSA P-256 key (keypath, O_EXCL, 0600)
 * and a self-signed certificate for it (certpath, 0644) with CN name and
 * subjectAltName san ("DNS:localhost,IP:127.0.0.1"): browsers and Python's
 * ssl do not accept Ed25519 server certificates.  ST_EXISTS if either
 * exists; nothing is left behind on failure. */
status tlsctx_make_server_cert(const char *keypath, const char *certpath,
    const char *name, const char *san) WUR;
/* tlsctx_refusal - after a failed server handshake on ssl, why the client
 * was refused ("no certificate", "key KID is not pinned", "... not an
 * Ed25519 key", else OpenSSL's reason for err) into out. */
void tlsctx_refusal(SSL *ssl, unsigned long err, char *out, size_t cap);
/* tlsctx_free - NULL is a no-op. */
void tlsctx_free(struct tlsctx *t);
/* tlsctx_cert_sha256 - the SHA-256 of the DER of the PEM certificate at
 * certpath (what a client pins, what browsers show), into out.  ST_IO
 * (cannot read it), ST_PARSE (not a certificate). */
status tlsctx_cert_sha256(const char *certpath, uint8_t out[static 32]) WUR;
/* tlsctx_server_ssl - a new SSL for an accepted connection; it requires a
 * client certificate whose key pin() accepts.  NULL on failure. */
SSL *tlsctx_server_ssl(struct tlsctx *t);
/* tlsctx_client_ssl - a new SSL for a connection to the peer holding
 * expected; the handshake fails unless the server proves that key. */
SSL *tlsctx_client_ssl(struct tlsctx *t, const uint8_t expected[static IDENT_PK_LEN]);
/* tlsctx_peer_key - after a completed handshake, the peer's verified key. */
status tlsctx_peer_key(SSL *ssl, uint8_t pk[static IDENT_PK_LEN]) WUR;

#endif
