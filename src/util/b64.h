/* b64.h - strict base64 (RFC 4648) over libsodium's constant-time codec.
 *
 * Decoders reject padding where it must be absent (base64url), missing
 * padding where it must be present (standard), characters outside the
 * alphabet, and non-canonical encodings (non-zero trailing bits).
 */
#ifndef PARLEY_B64_H
#define PARLEY_B64_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* b64_url_encode - append base64url (no padding) of in[0..n) to out. */
status b64_url_encode(struct buf *out, const uint8_t *in, size_t n) WUR;
/* b64_std_encode - append standard base64 with padding. */
status b64_std_encode(struct buf *out, const uint8_t *in, size_t n) WUR;
/* b64_url_decode - decode in[0..n) into out (cap bytes); *outlen set.
 * ST_PARSE on any deviation from canonical base64url; ST_TOOBIG if cap is short. */
status b64_url_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen) WUR;
/* b64_std_decode - as b64_url_decode, for standard base64 with padding. */
status b64_std_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen) WUR;
/* b64_url_decode_buf - decode into a buf (appended), bounded by the buf's max. */
status b64_url_decode_buf(struct buf *out, const char *in, size_t n) WUR;

#endif
