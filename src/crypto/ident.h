/* ident.h - a node's Ed25519 identity: key file, signing, key identifiers.
 *
 * The key file is PKCS#8 PEM (so OpenSSL can use the same key for TLS),
 * mode 0600.  The secret key lives in sodium_malloc'd, mlocked memory and is
 * never printed or logged.
 */
#ifndef PARLEY_IDENT_H
#define PARLEY_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

#define IDENT_PK_LEN 32
#define IDENT_SIG_LEN 64
#define IDENT_KID_LEN 44	/* RFC 7638 thumbprint, base64url, + NUL */
#define IDENT_FP_GROUPS 8
#define IDENT_FP_LEN (IDENT_FP_GROUPS * 6)	/* "12345 " x 8, last space is NUL */

struct ident;

/* ident_create - generate a new key and write it to path (O_EXCL, 0600, fsync).
 * ST_EXISTS if path exists; ST_IO or ST_CRYPTO on failure (nothing left behind). */
status ident_create(const char *path) WUR;
/* ident_load - read the key at path.  Refuses (ST_IO, with a warning) a key
 * file readable by group or others.  ST_NOTFOUND when there is none; ST_IO
 * with errno set when it cannot be opened (EACCES, ENOTDIR...) or is not a
 * regular file (EISDIR for a directory).  *out is owned by the caller. */
status ident_load(const char *path, struct ident **out) WUR;
/* ident_free - wipe and release; NULL is a no-op. */
void ident_free(struct ident *id);

/* ident_pk - the 32-byte public key. */
const uint8_t *ident_pk(const struct ident *id);
/* ident_kid - the key's RFC 7638 JWK thumbprint (base64url). */
const char *ident_kid(const struct ident *id);
/* ident_sign - detached Ed25519 signature of m[0..n) into sig. */
void ident_sign(const struct ident *id, const uint8_t *m, size_t n,
    uint8_t sig[static IDENT_SIG_LEN]);

/* ident_verify - ST_OK when sig is pk's signature of m[0..n), else ST_BADSIG. */
status ident_verify(const uint8_t pk[static IDENT_PK_LEN], const uint8_t *m,
    size_t n, const uint8_t sig[static IDENT_SIG_LEN]) WUR;
/* ident_thumbprint - RFC 7638 thumbprint of an Ed25519 public key (RFC 8037 §2). */
void ident_thumbprint(const uint8_t pk[static IDENT_PK_LEN], char kid[static IDENT_KID_LEN]);
/* ident_jwk - append the public JWK {"kty":"OKP","crv":"Ed25519","x":...}. */
status ident_jwk(const uint8_t pk[static IDENT_PK_LEN], struct buf *out) WUR;
/* ident_fingerprint - the key as 8 groups of 5 digits, for reading aloud. */
void ident_fingerprint(const uint8_t pk[static IDENT_PK_LEN], char fp[static IDENT_FP_LEN]);
/* ident_fingerprint_parse - the 40 digits of a fingerprint as a person
 * gives it: spaces, dashes and colons are ignored, and so is the "  (NAME)"
 * that `parley fingerprint` prints after it.  ST_PARSE when text is not 40
 * digits so written (nothing is said about any key). */
status ident_fingerprint_parse(const char *text, char digits[static IDENT_FP_GROUPS * 5])
    WUR;
/* ident_fingerprint_match - 1 when text (as ident_fingerprint_parse takes
 * it) names pk's fingerprint; compared in constant time. */
int ident_fingerprint_match(const uint8_t pk[static IDENT_PK_LEN], const char *text);

#endif
