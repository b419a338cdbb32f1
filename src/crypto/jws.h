/* jws.h - JSON Web Signatures (RFC 7515) with EdDSA/Ed25519 (RFC 8037, RFC 9864).
 *
 * parley signs the exact payload bytes; no canonicalisation.  The protected
 * header is {"alg":"EdDSA","kid":<RFC 7638 thumbprint>,"typ":<typ>}.
 * Verification accepts alg "EdDSA" or "Ed25519", requires typ to match,
 * requires kid (when present) to name the verifying key, and refuses "crit".
 */
#ifndef PARLEY_JWS_H
#define PARLEY_JWS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"

/* jws_sign - append the compact serialization of a JWS over payload to out. */
status jws_sign(const struct ident *id, const char *typ, const void *payload,
    size_t n, struct buf *out) WUR;
/* jws_sign_kept - jws_sign, and what keeping the JWS small needs: its
 * signature into sig and, when pack is not NULL, its packed form (see
 * jws_pack) into pack, reset first; made from the parts as signed, without
 * decoding the text. */
status jws_sign_kept(const struct ident *id, const char *typ, const void *payload,
    size_t n, struct buf *out, uint8_t sig[static IDENT_SIG_LEN], struct buf *pack) WUR;
/* jws_header - append the base64url protected header that jws_sign
 * writes for a key with thumbprint kid and typ. */
status jws_header(const char *kid, const char *typ, struct buf *out) WUR;
/* jws_pack - the packed form of compact JWS text[0..n), for keeping: the
 * header's and the payload's byte counts (4 bytes each, big-endian), then
 * the header, payload and signature decoded; into out, reset first.
 * ST_PARSE when text is not a compact JWS of canonical base64url parts
 * (the caller keeps such a text as it is); jws_unpack gives back text's
 * very bytes. */
status jws_pack(const char *text, size_t n, struct buf *out) WUR;
/* jws_unpack - the compact JWS of packed[0..len), a jws_pack form, into
 * out (reset first); ST_PARSE for a damaged one. */
status jws_unpack(const void *packed, size_t len, struct buf *out) WUR;
/* jws_assemble - append the compact JWS that jws_sign made when a key with
 * thumbprint kid signed payload as typ and gave sig: the same bytes, rebuilt
 * from them.  Nothing is signed or verified. */
status jws_assemble(const char *kid, const char *typ, const void *payload, size_t n,
    const uint8_t sig[static IDENT_SIG_LEN], struct buf *out) WUR;
/* jws_b64_encode - append the base64url (unpadded) of in[0..n) to out.
 * Table-driven, not constant time: for statements, which are public, never
 * for keys (util/b64.h is). */
status jws_b64_encode(struct buf *out, const void *in, size_t n) WUR;
/* jws_b64_decode - append the bytes of the canonical unpadded base64url
 * in[0..n) to out (bounded by its max); ST_PARSE for anything else, so
 * jws_b64_encode gives back in exactly. */
status jws_b64_decode(struct buf *out, const char *in, size_t n) WUR;
/* jws_verify - check the compact JWS text[0..n) against pk and typ; on success
 * append the decoded payload to payload (bounded by its max).
 * ST_PARSE: not a compact JWS; ST_INVALID: header wrong (alg, typ, crit);
 * ST_UNKNOWN_KEY: kid names another key; ST_BADSIG: signature fails.
 * A header accepted once for pk and typ is remembered (per thread), so the
 * same header bytes are not parsed again. */
status jws_verify(const char *text, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, struct buf *payload) WUR;
/* jws_verify_pack - jws_verify, and on success text's packed form (see
 * jws_pack) into pack, made from the parts it decoded; pack is left empty
 * when it cannot be made. */
status jws_verify_pack(const char *text, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, struct buf *payload, struct buf *pack) WUR;
/* jws_parts - the three base64url segments of a compact JWS, borrowed from
 * the text they were split from. */
struct jws_parts {
	const char *hdr, *pay, *sig;
	size_t hdr_len, pay_len, sig_len;
};

/* jws_split - split text[0..n) at its two dots; ST_PARSE unless exactly
 * three segments, the first and last non-empty, made of base64url characters. */
status jws_split(const char *text, size_t n, struct jws_parts *parts) WUR;
/* jws_flat_to_compact - convert a flattened JSON JWS to compact form, without
 * verifying (the caller then calls jws_verify).  Unknown members are ignored
 * (RFC 7515 §7.2.1); an unprotected "header" member is refused.
 * If payload_out is non-NULL the decoded, UNVERIFIED payload is appended. */
status jws_flat_to_compact(const char *text, size_t n, struct buf *compact,
    struct buf *payload_out) WUR;

#endif
