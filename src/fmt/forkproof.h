/* forkproof.h - fork proofs: offline proof that one party signed two
 * statements that cannot both be true, checkable with its card alone.
 *
 * A proof is a JSON object:
 *   {"type":"parley-fork","v":1,"kind":KIND,"statements":[A,B]}
 * and what proves equivocation depends on the kind:
 *   "message"     A and B are message JWS (envelope.h) signed by the card's
 *                 key, to the same recipient, for the same link and sequence
 *                 number, and not the same bytes;
 *   "receipt"     A and B are receipt JWS signed by the card's key for the
 *                 same message (id and SHA-256), link and sequence number,
 *                 and not the same bytes;
 *   "checkpoint"  A and B are checkpoints of the card's log (signed notes,
 *                 origin card_origin) of the same size with different root
 *                 hashes.  (Two sizes need the log's consistency proof,
 *                 which a fork proof does not carry: not provable here.)
 */
#ifndef PARLEY_FORKPROOF_H
#define PARLEY_FORKPROOF_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/card.h"
#include "fmt/envelope.h"
#include "util/buf.h"
#include "util/status.h"

#define FORKPROOF_TYPE "parley-fork"
/* Bytes in a proof we read, and so in one we write: two messages at the
 * default max_body (1 MiB of text each, about 1.4 MB as JWS) must fit, or
 * a peer's fork of large messages could be kept but never proven. */
#define FORKPROOF_MAX (4u << 20)

/* forkproof_make - append the proof JSON (one line, then "\n") to out.
 * ST_INVALID (out untouched) for an unknown kind or a statement that is
 * not UTF-8 text.  Bound out by FORKPROOF_MAX to write only what
 * forkproof_verify reads. */
status forkproof_make(const char *kind, const char *a, const char *b, struct buf *out) WUR;

/* What a verified proof shows. */
struct forkproof_report {
	const struct card *signer;	/* the card passed */
	char kind[16];
	char to[IDENT_KID_LEN];		/* message, receipt: to whom */
	char link[ENV_LINK_MAX + 1];	/* message, receipt */
	int64_t seq;			/* message, receipt */
	char msg[STAMP_UUID_LEN];	/* receipt: the message received */
	char ids[2][STAMP_UUID_LEN];	/* message, receipt: the two statements' ids */
	uint64_t size;			/* checkpoint: the tree size */
};

/* forkproof_verify - check proof[0..n) against the signer's card.  On
 * failure *why names the first check that failed (static text) and the
 * status says how (ST_PARSE, ST_INVALID, ST_BADSIG, ST_UNKNOWN_KEY); *r is
 * then unspecified. */
status forkproof_verify(const char *proof, size_t n, const struct card *card,
    struct forkproof_report *r, const char **why) WUR;
/* forkproof_describe - append a plain-words account of r (a few lines). */
status forkproof_describe(const struct forkproof_report *r, struct buf *out) WUR;
/* forkproof_is - 1 when text[0..n) is a JSON object whose "type" is
 * FORKPROOF_TYPE (cheap sniffing to pick a verifier; nothing verified). */
int forkproof_is(const char *text, size_t n);

#endif
