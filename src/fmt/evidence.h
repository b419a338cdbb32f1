/* evidence.h - evidence bundles: offline proof that A said M to B and B
 * received it, checkable with the two parties' cards alone.
 *
 * A bundle is a JSON object:
 *   {"type":"parley-evidence","v":1,
 *    "message":JWS, "receipt":JWS,
 *    "message_proof":TLOG-PROOF, "receipt_proof":TLOG-PROOF}
 * message and receipt are the exact JWS compact serializations (envelope.h).
 * message_proof is a c2sp.org/tlog-proof@v1 text proving the message's JWS
 * is a leaf of the sender's log, against a checkpoint signed by the sender
 * (origin card_origin(sender)) and cosigned (type 0x04) by the receiver;
 * receipt_proof the same for the receipt in the receiver's log, cosigned by
 * the sender.
 */
#ifndef PARLEY_EVIDENCE_H
#define PARLEY_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "fmt/card.h"
#include "fmt/envelope.h"
#include "util/status.h"

#define EVIDENCE_MAX (4u << 20)	/* bytes in a bundle we read */
#define EVIDENCE_TYPE "parley-evidence"

/* evidence_make - append the bundle JSON (one line, then "\n") to out.
 * ST_INVALID (out untouched) when a member is not UTF-8 text or holds a
 * NUL; ST_TOOBIG when the bundle would exceed EVIDENCE_MAX. */
status evidence_make(const char *message, size_t message_len, const char *receipt,
    size_t receipt_len, const char *message_proof, size_t message_proof_len,
    const char *receipt_proof, size_t receipt_proof_len, struct buf *out) WUR;

/* One log's half of what a bundle proves. */
struct evidence_log {
	char origin[CARD_ORIGIN_MAX];
	uint64_t index;		/* the statement's leaf index */
	uint64_t size;		/* the checkpoint's tree size */
	uint64_t cosigned_at;	/* POSIX seconds of the other party's cosignature */
};

/* What a verified bundle proves. */
struct evidence_report {
	const struct card *sender, *receiver;	/* point into the cards passed */
	struct message msg;			/* the message, body included */
	struct receipt rcpt;
	char msg_sha256[ENV_HASH_HEX];
	struct evidence_log msg_log;		/* in the sender's log */
	struct evidence_log rcpt_log;		/* in the receiver's log */
};

/* evidence_verify - check bundle[0..n) against two cards (either order):
 * the sender is the card whose key signed the message (two cards with the
 * same key: ST_INVALID), and the message is addressed to the other's
 * (ST_RECIPIENT otherwise); the
 * receipt is signed by that other key, names the message's id, link, seq
 * and the SHA-256 of its exact JWS; each proof's checkpoint is signed by its
 * log's key and cosigned by the other party, and the statement is included
 * at the stated index.  On failure *why names the first check that failed
 * (a static string; NULL on success) and the status says how; r is then
 * unspecified.
 * r->msg owns a body buffer: call evidence_report_clear after success or
 * failure. */
status evidence_verify(const char *bundle, size_t n, const struct card cards[2],
    struct evidence_report *r, const char **why) WUR;
/* evidence_act_proof - check that proof[0..n), a c2sp.org/tlog-proof@v1
 * text, shows act[0..act_len) (an act on an agreement, fmt/agract.h) as a
 * leaf of log's log, at a checkpoint signed by log's key and cosigned by
 * other; *out gets where (origin, index, size, cosigned_at).  On failure
 * *why (static, "act proof: ...") names the first check that failed. */
status evidence_act_proof(const char *proof, size_t n, const char *act, size_t act_len,
    const struct card *log, const struct card *other, struct evidence_log *out,
    const char **why) WUR;
/* evidence_add_time - append POSIX seconds t as RFC 3339 UTC (seconds), or
 * "T (POSIX seconds)" when it is out of that range. */
status evidence_add_time(struct buf *out, uint64_t t) WUR;
/* evidence_report_clear - free what r owns. */
void evidence_report_clear(struct evidence_report *r);
/* evidence_describe - append a plain-words account of r (several lines).
 * Text from the message (names, subject) is quoted with control and
 * bidirectional-override characters escaped, so it cannot disguise a line. */
status evidence_describe(const struct evidence_report *r, struct buf *out) WUR;

#endif
