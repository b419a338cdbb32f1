/* totp.h - RFC 6238 time-based one-time passwords, the console's second
 * factor: HMAC-SHA1, 30 s steps, 6 digits, as authenticator apps expect.
 *
 * A secret is TOTP_SECRET_MIN..TOTP_SECRET_MAX bytes (RFC 4226 §4 asks for
 * at least 128 bits); parley makes TOTP_SECRET_LEN.  It is shown to an
 * officer once, as base32 or an otpauth:// URI, and kept by the caller;
 * wipe copies with sodium_memzero.
 */
#ifndef PARLEY_TOTP_H
#define PARLEY_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define TOTP_SECRET_LEN 20	/* 160 bits, RFC 4226's recommendation */
#define TOTP_SECRET_MIN 16
#define TOTP_SECRET_MAX 64
#define TOTP_STEP 30	/* seconds */
#define TOTP_DIGITS 6
#define TOTP_B32_LEN(n) (((n) * 8 + 4) / 5 + 1)	/* base32 of n bytes, + NUL */

/* totp_secret_new - secret = TOTP_SECRET_LEN random bytes.  ST_OK. */
status totp_secret_new(uint8_t secret[static TOTP_SECRET_LEN]) WUR;

/* totp_base32 - out = RFC 4648 base32 of secret[0..n): uppercase, no
 * padding, NUL-terminated; constant time in the bytes.  ST_TOOBIG when cap
 * is less than TOTP_B32_LEN(n) (out then holds "" when cap > 0). */
status totp_base32(const uint8_t *secret, size_t n, char *out, size_t cap) WUR;

/* totp_base32_decode - out[0..*n) = the bytes of base32 text s, as a
 * person or an app may write it: any case, spaces anywhere, and the
 * padding of the last group ('=') at the end only, in full or not at all.
 * ST_PARSE on anything else (another character, a length no encoding has,
 * non-zero trailing bits); ST_TOOBIG when the bytes pass cap.  On failure
 * *n is 0 and out[0..cap) is wiped. */
status totp_base32_decode(const char *s, uint8_t *out, size_t cap, size_t *n) WUR;

/* totp_code - out = the digits-digit code (6..8) of secret[0..n) for the
 * step holding unix_s (RFC 6238 with RFC 4226's dynamic truncation),
 * NUL-terminated.  ST_INVALID for a secret length, digits or time out of
 * range (unix_s < 0); ST_CRYPTO when HMAC fails. */
status totp_code(const uint8_t *secret, size_t n, int64_t unix_s, int digits,
    char out[static 9]) WUR;

/* totp_verify - ST_OK when code is secret's 6-digit code for the step of
 * unix_s, or the one before or after (clock drift), and that step is after
 * *last_step; *last_step is then that step, which the caller stores (per
 * officer, durably) before letting the officer in.  ST_REPLAY when the
 * code matches only steps at or before *last_step; ST_BADSIG when it
 * matches none; ST_INVALID when code is not 6 ASCII digits or the secret or
 * time is out of range.  Codes are compared in constant time.  A new
 * officer's *last_step is -1. */
status totp_verify(const uint8_t *secret, size_t n, const char *code, int64_t unix_s,
    int64_t *last_step) WUR;

/* totp_uri - out = "otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=
 * ISSUER&algorithm=SHA1&digits=6&period=30", issuer and account
 * percent-encoded (RFC 3986 unreserved characters kept), for a QR code.
 * ST_INVALID for an empty issuer or account or a secret length out of
 * range; ST_TOOBIG when cap is short.  out holds the secret: wipe it. */
status totp_uri(const char *issuer, const char *account, const uint8_t *secret,
    size_t n, char *out, size_t cap) WUR;

#endif
