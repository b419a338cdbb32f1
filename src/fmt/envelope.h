/* envelope.h - parley's signed statements: messages and receipts.
 *
 * A message is a JWS (typ "parley-message") over this JSON payload:
 *   {"v":2,"id":UUIDv7,"from":KID,"to":KID,"link":LINK,"seq":N,
 *    "type":TYPE,"priority":PRIO,"tlp":LABEL,"agreement":AGREEMENT,
 *    "subject":TEXT,"body":TEXT,"created_at":TIME}
 * LABEL is the TLP 2.0 label it was sent under (fmt/tlp.h); AGREEMENT the
 * id of the agreement it was sent under, or "local" for a node's local
 * agreement (node/policy.h).  Version 1, the previous one, lacks both:
 * it is still read (stores hold it; older peers send it), and written
 * only for a message whose tlp and agreement are empty.
 * A receipt is a JWS (typ "parley-receipt") signed by the receiver:
 *   {"v":1,"id":UUIDv7,"msg":ID,"msg_sha256":HEX,"from":KID,"to":KID,
 *    "link":LINK,"seq":N,"received_at":TIME}
 * KID is the RFC 7638 thumbprint of a node key; msg_sha256 is the SHA-256 of
 * the message's exact JWS compact bytes; times are RFC 3339 UTC.
 */
#ifndef PARLEY_ENVELOPE_H
#define PARLEY_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"
#include "util/stamp.h"
#include "fmt/tlp.h"
#include "fmt/tmpl.h"

#define ENV_LINK_MAX 15
#define ENV_TYPE_MAX 63
#define ENV_PRIO_MAX 15
#define ENV_SUBJECT_MAX 1024
#define ENV_HASH_HEX 65
#define ENV_MSG_TYP "parley-message"
#define ENV_RCPT_TYP "parley-receipt"
#define ENV_AGREEMENT_LOCAL "local"

struct message {
	char id[STAMP_UUID_LEN];
	char from[IDENT_KID_LEN];
	char to[IDENT_KID_LEN];
	char link[ENV_LINK_MAX + 1];
	int64_t seq;
	char type[ENV_TYPE_MAX + 1];
	char priority[ENV_PRIO_MAX + 1];
	int v;				/* the payload's version: 2, or 1 (no tlp, no agreement) */
	char tlp[TLP_NAME_MAX];		/* "" in version 1 */
	char agreement[STAMP_UUID_LEN];	/* a UUIDv7, "local", or "" in version 1 */
	char subject[ENV_SUBJECT_MAX + 1];
	char created_at[STAMP_TIME_LEN];
	struct buf body;	/* owned; envelope_message_clear frees it */
};

struct receipt {
	char id[STAMP_UUID_LEN];
	char msg[STAMP_UUID_LEN];
	char msg_sha256[ENV_HASH_HEX];
	char from[IDENT_KID_LEN];
	char to[IDENT_KID_LEN];
	char link[ENV_LINK_MAX + 1];
	int64_t seq;
	char received_at[STAMP_TIME_LEN];
	/* set by envelope_receipt_seal, envelope_receipt_open and
	 * envelope_receipt_fields when the JWS is envelope_receipt_build(this,
	 * sig) byte for byte (so a keeper may keep these fields and sig alone);
	 * 0 otherwise */
	int exact;
	uint8_t sig[IDENT_SIG_LEN];
};

/* envelope_message_init - zero m, with a body buffer bounded by max_body. */
void envelope_message_init(struct message *m, size_t max_body);
/* envelope_message_clear - free m's body; m may be reused after init. */
void envelope_message_clear(struct message *m);

/* envelope_message_seal - sign m as id (m->from is set to id's kid) and
 * append the JWS to out.  ST_INVALID names a field out of range. */
status envelope_message_seal(const struct ident *id, struct message *m,
    struct buf *out) WUR;
/* envelope_message_seal_pack - envelope_message_seal, and the JWS's packed
 * form (crypto/jws.h, jws_sign_kept) into pack, for the store to keep. */
status envelope_message_seal_pack(const struct ident *id, struct message *m,
    struct buf *out, struct buf *pack) WUR;
/* envelope_message_open_pack - envelope_message_open, and the JWS's packed
 * form (crypto/jws.h, jws_verify_pack) into pack, for the store to keep;
 * pack is left empty when it cannot be made. */
status envelope_message_open_pack(const char *jws, size_t n,
    const uint8_t sender_pk[static IDENT_PK_LEN], const char *self_kid, struct message *m,
    struct buf *pack) WUR;
/* envelope_message_open - verify jws with the sender's pinned key and fill m.
 * ST_PARSE, ST_INVALID, ST_BADSIG, ST_UNKNOWN_KEY (signer or "from" is not
 * sender_pk), ST_RECIPIENT ("to" is not self_kid).  ST_TOOBIG when the body
 * exceeds m's limit: every other field of m is then filled, so the caller can
 * refuse that sequence number for good. */
status envelope_message_open(const char *jws, size_t n,
    const uint8_t sender_pk[static IDENT_PK_LEN], const char *self_kid,
    struct message *m) WUR;

/* envelope_message_fields - the fields of the message jws[0..n) as signed,
 * NOT verified (a view comparing a stored row with its own bytes; `show`
 * and `log verify` check signatures).  m as for envelope_message_open. */
status envelope_message_fields(const char *jws, size_t n, struct message *m) WUR;
/* envelope_receipt_seal - sign r as id (r->from set to id's kid), append. */
status envelope_receipt_seal(const struct ident *id, struct receipt *r,
    struct buf *out) WUR;
/* envelope_receipt_build - append the receipt JWS whose fields are r and
 * whose signature is sig, byte for byte as envelope_receipt_seal made it
 * (its header names r->from).  Nothing is signed or verified: a store keeps
 * a receipt as the fields it does not already hold plus sig, and rebuilds
 * it with this. */
status envelope_receipt_build(const struct receipt *r,
    const uint8_t sig[static IDENT_SIG_LEN], struct buf *out) WUR;
/* envelope_receipt_fields - the fields and signature of the receipt
 * jws[0..n), NOT verified (the caller already trusts these bytes).  ST_OK
 * only when envelope_receipt_build(r, sig) gives back jws[0..n) exactly;
 * else ST_PARSE, r and sig zeroed: keep the bytes as they are. */
status envelope_receipt_fields(const char *jws, size_t n, struct receipt *r,
    uint8_t sig[static IDENT_SIG_LEN]) WUR;
/* envelope_receipt_match - as envelope_receipt_fields when the caller
 * already holds the fields r (it made or opened the receipt): only the
 * signature is read from jws, and ST_OK only when envelope_receipt_build(r,
 * sig) gives back jws[0..n) exactly; else ST_PARSE, sig zeroed.  No JSON
 * is parsed. */
status envelope_receipt_match(const char *jws, size_t n, const struct receipt *r,
    uint8_t sig[static IDENT_SIG_LEN]) WUR;
/* envelope_receipt_open - verify a receipt signed by receiver_pk and
 * addressed to self_kid; fill r.  Errors as envelope_message_open. */
status envelope_receipt_open(const char *jws, size_t n,
    const uint8_t receiver_pk[static IDENT_PK_LEN], const char *self_kid,
    struct receipt *r) WUR;

/* envelope_message_payload - fill m from the payload text pl[0..n) of a
 * message, NOT verified (envelope_message_open calls it once the signature
 * has been checked), with the checks of envelope_message_open but the
 * from/to binding: ST_PARSE (not a JSON object), ST_INVALID, ST_TOOBIG as
 * there.  Read as how says (fmt/tmpl.h): the template reader when the
 * payload is exactly as envelope_message_seal writes it, else jansson. */
status envelope_message_payload(const char *pl, size_t n, enum tmpl_how how,
    struct message *m) WUR;
/* envelope_receipt_payload - as envelope_message_payload for a receipt's
 * payload (the checks of envelope_receipt_open but the binding). */
status envelope_receipt_payload(const char *pl, size_t n, enum tmpl_how how,
    struct receipt *r) WUR;

/* envelope_json_str - append s[0..n) to out as a JSON string, quotes
 * included, escaped as jansson's dump escapes it.  ST_INVALID (out unchanged)
 * when s is not UTF-8; NUL is written as \u0000. */
status envelope_json_str(struct buf *out, const char *s, size_t n) WUR;
/* envelope_hash - lowercase hex SHA-256 of data[0..n). */
void envelope_hash(const void *data, size_t n, char hex[static ENV_HASH_HEX]);
/* The standard links, in the order a backlog is served (the urgent one
 * first), NULL-terminated: the one list of them.  An agreement may name
 * others; they are served after these. */
#define ENV_LINKS 4
extern const char *const envelope_links[ENV_LINKS + 1];
/* envelope_link_ok - 1 for a link name: [a-z0-9][a-z0-9._-]{0,14} (the
 * standard ones, urgent, leaders, wg, cert, or any an agreement names). */
int envelope_link_ok(const char *s);
/* The priorities, the most urgent first; NULL ends the list. */
extern const char *const envelope_priorities[];
/* envelope_priority_ok - 1 for flash, immediate, priority, routine. */
int envelope_priority_ok(const char *s);
/* envelope_agreement_ok - 1 for an agreement a message may name: a UUIDv7
 * or ENV_AGREEMENT_LOCAL. */
int envelope_agreement_ok(const char *s);
/* envelope_type_ok - 1 for [a-z0-9][a-z0-9._-]{0,62}. */
int envelope_type_ok(const char *s);

#endif
