/* agract.h - acts on an agreement: a party's signed decline, notice of
 * termination, or record of its signature (docs/AGREEMENTS.md, "Acts").
 *
 * An act is a JWS in the compact serialization, protected header exactly
 *   {"alg":"EdDSA","kid":KID,"typ":"parley-agreement-act"}
 * over the payload
 *   {"v":1,"act":"decline"|"terminate"|"sign","agreement":ID,"payload_sha256":HEX,
 *    "by":KID,"reason":TEXT,"at":RFC3339}
 * where payload_sha256 is the lowercase hex SHA-256 of the agreement's
 * payload bytes (agract_doc_sha256), so an act names exactly one text, and
 * by is the signer's key id.  The parser is strict as fmt/agreement's is:
 * a member missing, unknown or out of range refuses the act, and `why`
 * names it ("reason: holds a control character").  Every `why` is
 * printable ASCII.  What an act does to an agreement is agree.c's rule.
 */
#ifndef PARLEY_AGRACT_H
#define PARLEY_AGRACT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"
#include "util/stamp.h"

#define AGRACT_TYP "parley-agreement-act"
#define AGRACT_WHY_MAX 256
#define AGRACT_REASON_MAX 1000		/* bytes of UTF-8 */
#define AGRACT_SHA_HEX 65		/* 64 lowercase hex digits + NUL */
/* The largest act: a reason of 1000 bytes, each escaped to at most two
 * characters, base64url'd, with its header and signature, fits twice over. */
#define AGRACT_MAX 8192

/* A "sign" act records, with its time, that by signed the agreement (its
 * signature itself is in the agreement's document): the statement of it
 * that goes into the signer's cosigned log.  It changes nothing. */
enum agract_kind { AGRACT_DECLINE = 1, AGRACT_TERMINATE = 2, AGRACT_SIGN = 3 };

struct agract;

/* agract_make - append to out the act of kind by id on the agreement
 * whose id is agreement and whose payload hashes to payload_sha256, for
 * reason, made at at_ms.  The payload is checked by the parser that
 * agract_open uses before it is signed.  ST_INVALID (out untouched, why
 * naming the field) when a field would be refused. */
status agract_make(const struct ident *id, enum agract_kind kind, const char *agreement,
    const char *payload_sha256, const char *reason, int64_t at_ms, struct buf *out,
    char why[static AGRACT_WHY_MAX]) WUR;

/* agract_open - check the act jws[0..n) as signed by the key pk: its
 * header exactly ours naming pk's key id, its signature, then every member
 * of its payload, and by that same key id.  *out (the caller's:
 * agract_free) is the act; NULL on error, with why set.  ST_TOOBIG (over
 * AGRACT_MAX), ST_PARSE (not a compact JWS, not base64url, not JSON),
 * ST_INVALID (the header or a member of the payload), ST_UNKNOWN_KEY (the
 * header or by names another key than pk), ST_BADSIG (the signature does
 * not verify with pk). */
status agract_open(const char *jws, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    struct agract **out, char why[static AGRACT_WHY_MAX]) WUR;
/* agract_free - release a; NULL is a no-op. */
void agract_free(struct agract *a);

/* agract_doc_sha256 - the hex SHA-256 of the payload bytes of the
 * agreement doc[0..n) (its General Serialization: the base64url-decoded
 * "payload"), as an act names it.  Nothing is verified: the caller holds
 * the document as verified.  ST_PARSE when doc has no such payload. */
status agract_doc_sha256(const char *doc, size_t n, char hex[static AGRACT_SHA_HEX]) WUR;

/* agract_kind_name - "decline", "terminate" or "sign"; "?" for another value. */
const char *agract_kind_name(enum agract_kind k);

/* agract_kind_words - the act in words for a person: "declined",
 * "notice of termination", "signed"; "?" for another value. */
const char *agract_kind_words(enum agract_kind k);

/* Getters: borrowed from a, valid until agract_free. */
enum agract_kind agract_kind(const struct agract *a);
const char *agract_agreement(const struct agract *a);
const char *agract_payload_sha256(const struct agract *a);
/* agract_by - the signer's key id (the header's kid, and the payload's by). */
const char *agract_by(const struct agract *a);
/* agract_reason - the reason: UTF-8 without control characters, but not
 * yet escaped for a person to read (util/text.h). */
const char *agract_reason(const struct agract *a);
int64_t agract_at_ms(const struct agract *a);

#endif
