/* agrevidence.h - the evidence bundle of an agreement: offline proof, with
 * the parties' cards alone, of an agreement's text, that every party
 * signed it, and where each party's act on it sits in that party's
 * cosigned log (docs/AGREEMENTS.md, "Evidence of an agreement").
 *
 * A bundle is a JSON object (one line, then "\n"):
 *   {"type":"parley-agreement-evidence","v":1,
 *    "agreement":DOC,
 *    "acts":[{"act":JWS,"proof":TLOG-PROOF},...]}
 * DOC is the signed document, the JWS General Serialization (agreement.h),
 * as a JSON object; each act is an act's exact compact JWS (agract.h) and
 * its proof a c2sp.org/tlog-proof@v1 text showing the act as a leaf of its
 * signer's log, at a checkpoint signed by the signer's log key and
 * cosigned by another party (evidence_act_proof).
 */
#ifndef PARLEY_AGREVIDENCE_H
#define PARLEY_AGREVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "fmt/agract.h"
#include "fmt/agreement.h"
#include "fmt/card.h"
#include "fmt/evidence.h"
#include "util/stamp.h"
#include "util/status.h"

#define AGREVIDENCE_TYPE "parley-agreement-evidence"
#define AGREVIDENCE_ACTS_MAX 64		/* acts in a bundle we make or read */
#define AGREVIDENCE_WHY_MAX 384		/* a reason: "acts[N]: " and agract's or agreement's */

/* One act and its proof, as agrevidence_make takes them (borrowed). */
struct agrevidence_act {
	const char *act;	/* the act's compact JWS, exactly as signed */
	size_t act_len;
	const char *proof;	/* its c2sp.org/tlog-proof@v1 text */
	size_t proof_len;
};

/* agrevidence_make - append to out the bundle (one line, then "\n") of the
 * signed document doc[0..doc_len), which must parse as a JSON object
 * (ST_PARSE otherwise), and acts[0..n) in that order.  ST_INVALID when an
 * act or proof is not UTF-8 text or holds a NUL; ST_TOOBIG over
 * AGREVIDENCE_ACTS_MAX acts or EVIDENCE_MAX bytes; out untouched on any
 * error.  Nothing is verified: make what agrevidence_verify will check. */
status agrevidence_make(const char *doc, size_t doc_len, const struct agrevidence_act *acts,
    size_t n, struct buf *out) WUR;

/* What one verified act proves. */
struct agrevidence_proven {
	char party[CARD_NAME_MAX + 1];		/* the signer, by its name in the agreement */
	enum agract_kind kind;
	int64_t at_ms;				/* the act's own time (its signer's clock) */
	char reason[AGRACT_REASON_MAX + 1];	/* UTF-8, not yet escaped (text.h) */
	struct evidence_log log;		/* where it is in the signer's log */
	char cosigner[CARD_NAME_MAX + 1];	/* the party that cosigned that checkpoint */
};

/* What a verified bundle proves.  About 83 KiB: keep it off small stacks. */
struct agrevidence_report {
	char id[STAMP_UUID_LEN];
	char title[AGREEMENT_TITLE_MAX + 1];	/* UTF-8, not yet escaped */
	char payload_sha256[AGRACT_SHA_HEX];	/* the text every act names */
	size_t n_parties;
	char parties[AGREEMENT_PARTIES_MAX][CARD_NAME_MAX + 1];	/* the payload's order */
	size_t n_acts;
	struct agrevidence_proven acts[AGREVIDENCE_ACTS_MAX];	/* the bundle's order */
	char why[AGREVIDENCE_WHY_MAX];		/* where *why points when it names an act */
};

/* agrevidence_verify - check bundle[0..n) against cards[0..n_cards) (more
 * than the parties may be given; extra ones are ignored; two with one key
 * are refused): type and v exactly, no unknown member, within EVIDENCE_MAX
 * and AGREVIDENCE_ACTS_MAX; the document verifies (agreement_verify, a
 * card per party matched by key id) and every party has signed it; each
 * act is signed by a party (the key its header names), verifies with that
 * party's card, names this agreement and the SHA-256 of its payload, is
 * not a second act of its kind by its party, and its proof shows it in
 * that party's log, cosigned by another party (each tried in the
 * payload's order, the first that verifies reported); every party has a
 * "sign" act.  On failure the status says how and *why names the first
 * check that failed ("acts[1] proof: checkpoint not cosigned by the other
 * party"): a static string or r->why, printable ASCII, valid while r is;
 * the rest of r is then unspecified.  *why is NULL on success. */
status agrevidence_verify(const char *bundle, size_t n, const struct card *cards,
    size_t n_cards, struct agrevidence_report *r, const char **why) WUR;

/* agrevidence_describe - append a plain-words account of r (several
 * lines, each ending "\n").  Text from the documents (the title, reasons)
 * is quoted with control and bidirectional characters escaped, so it
 * cannot forge a line.  ST_TOOBIG (out as it was) past out's maximum. */
status agrevidence_describe(const struct agrevidence_report *r, struct buf *out) WUR;

#endif
