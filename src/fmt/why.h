/* why.h - the reasons a strict reader gives: "PATH: WHAT", in printable
 * ASCII, with text taken from the input quoted and cut, and the small
 * checks the strict readers share (fmt/agreement, fmt/agract).
 */
#ifndef PARLEY_WHY_H
#define PARLEY_WHY_H

#include <stddef.h>

#include "util/status.h"

#define WHY_SHOWN_MAX 32	/* bytes of input text quoted in a why */

/* why_fail - write "PATH: WHAT" (WHAT from fmt) into why[0..cap) and
 * return rc. */
status why_fail(char *why, size_t cap, status rc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* why_shown - s as it may appear in a why, in out: its first WHY_SHOWN_MAX
 * bytes, each outside printable ASCII (and each quote or backslash) as
 * '?', "..." after a cut, and "" (two quotes) for the empty string. */
const char *why_shown(const char *s, char out[static WHY_SHOWN_MAX + 4]);
/* why_kid_ok - 1 for a key id: 43 characters of canonical base64url of 32
 * bytes (an RFC 7638 thumbprint). */
int why_kid_ok(const char *s);
/* why_hex64_ok - 1 for exactly 64 lowercase hex digits (a SHA-256). */
int why_hex64_ok(const char *s);

#endif
