/* passwd.h - officers' passwords for the duty console: Argon2id hashes.
 *
 * A hash is libsodium's crypto_pwhash_str text ("$argon2id$v=19$m=...,t=...,
 * p=1$salt$hash"), NUL-terminated, with its salt and limits inside, so it
 * is stored as it is and verified on its own.
 *
 * Limits: crypto_pwhash_argon2id _INTERACTIVE (ops 2, 64 MiB, ~0.1 s).  The
 * console signs in interactively on a 2-core box that also runs the node:
 * _MODERATE (256 MiB, ~0.7 s per attempt) would let a few concurrent
 * sign-ins take a gigabyte and seconds of both cores.  Argon2id at 64 MiB is
 * still memory-hard against GPU guessing, and the 12-byte minimum below
 * carries the rest.  Raising the limits later is safe: passwd_needs_rehash
 * says which stored hashes to replace at the officer's next sign-in.
 *
 * Password memory is the caller's: wipe it with sodium_memzero as soon as
 * the call returns.  Nothing here copies, logs or keeps it.
 */
#ifndef PARLEY_PASSWD_H
#define PARLEY_PASSWD_H

#include <stddef.h>

#include "util/status.h"

#define PASSWD_HASH_MAX 128	/* crypto_pwhash_STRBYTES, with the NUL */
#define PASSWD_MIN 12	/* bytes */
#define PASSWD_MAX 1024	/* bytes; bounds the work a caller can ask for */

/* passwd_check - ST_OK when password[0..len) may be set as a password:
 * PASSWD_MIN..PASSWD_MAX bytes of UTF-8 with no control character (C0,
 * DEL, C1; so no NUL, tab or newline).  Else ST_INVALID, with *why (when
 * why is not NULL) a short static phrase naming the rule, for the CLI. */
status passwd_check(const char *password, size_t len, const char **why) WUR;

/* passwd_hash - out = the Argon2id hash of password[0..len) with a fresh
 * random salt.  ST_INVALID when passwd_check refuses the password;
 * ST_NOMEM when Argon2id's 64 MiB cannot be had.  out is cleared on
 * failure. */
status passwd_hash(const char *password, size_t len, char out[static PASSWD_HASH_MAX])
    WUR;

/* passwd_verify - ST_OK when password[0..len) is the one hash was made
 * from; ST_BADSIG when it is not (or is longer than PASSWD_MAX); ST_INVALID
 * when hash is not a well-formed Argon2id string.  Constant time in the
 * password; costs one full Argon2id run (64 MiB), so the caller limits the
 * rate of attempts. */
status passwd_verify(const char *hash, const char *password, size_t len) WUR;

/* passwd_needs_rehash - 1 when hash was not made by passwd_hash with the
 * current algorithm and limits (or cannot be read), 0 when it was: after a
 * successful passwd_verify, hash the password again and store it. */
int passwd_needs_rehash(const char *hash);

#endif
