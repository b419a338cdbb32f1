/* cookie.h - reading a Cookie request header (RFC 6265 §5.4's
 * "name=value; name=value").  Pure: no I/O.
 */
#ifndef PARLEY_COOKIE_H
#define PARLEY_COOKIE_H

#include <stddef.h>

#include "util/status.h"

/* cookie_get - the value of the first cookie called name in header into
 * out[0..cap), NUL-terminated: ST_OK; ST_NOTFOUND when there is none;
 * ST_TOOBIG when the value does not fit (out ""); ST_PARSE when the pair
 * with that name is malformed (no '=', or a value with a character
 * outside RFC 6265's cookie-octet, quotes allowed around it). */
status cookie_get(const char *header, const char *name, char *out, size_t cap) WUR;

#endif
