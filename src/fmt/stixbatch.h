/* stixbatch.h - a batch of STIX objects shared with a peer, and the proof
 * that one of them was shared (issue 16; docs/STIX.md, "Sharing with a
 * peer").
 *
 * A batch is n objects, each the exact bytes kept in to:PEER (compact
 * JSON).  Its leaves are their RFC 9162 leaf hashes (fmt/tlog.h), in
 * order; its root the Merkle tree hash over them.  Three texts:
 *
 * - the manifest, the body of the signed message (type "stix-batch") on
 *   the cert link, exactly as stixbatch_manifest writes it:
 *     {"v":1,"batch":UUIDv7,"n":N,"root":HEX64}
 * - the stage, what the sender posts to the peer before that message
 *   (POST /v1/intel/stage): the manifest, "\n", then each object and
 *   "\n".  An object's compact JSON holds no raw newline, so the lines
 *   are the objects;
 * - the object's evidence, which verifies offline with the two parties'
 *   cards alone:
 *     {"type":"parley-intel-evidence","v":1,"object":TEXT,"leaf":I,
 *      "path":[HEX64,...],"evidence":BUNDLE}
 *   BUNDLE is the message's evidence bundle (fmt/evidence.h: the signed
 *   manifest, the peer's signed receipt, both cosigned log proofs); path
 *   the inclusion proof of leaf I in the manifest's tree.  So one
 *   signature and one receipt cover a batch, and each object's proof is a
 *   few kilobytes, whatever the batch's size.
 */
#ifndef PARLEY_STIXBATCH_H
#define PARLEY_STIXBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/card.h"
#include "fmt/evidence.h"
#include "fmt/tlog.h"
#include "util/buf.h"
#include "util/stamp.h"

#define STIXBATCH_MAX 1000		/* objects in a batch */
#define STIXBATCH_BYTES (8u << 20)	/* bytes of a batch's objects, about */
#define STIXBATCH_MANIFEST_MAX 256	/* bytes of a manifest */
#define STIXBATCH_TYPE "parley-intel-evidence"
/* The largest object evidence read: a bundle and an object of up to
 * 64 MiB (store_intel.h's limit), each byte escaped at most to two. */
#define STIXBATCH_EVIDENCE_MAX (EVIDENCE_MAX + (128u << 20))

struct stixbatch_manifest {
	char batch[STAMP_UUID_LEN];
	int64_t n;
	uint8_t root[TLOG_HASH];
};

/* stixbatch_root - the root of leaves[0..n) (n >= 1). */
status stixbatch_root(const uint8_t (*leaves)[TLOG_HASH], size_t n,
    uint8_t root[static TLOG_HASH]) WUR;
/* stixbatch_path - the inclusion proof of leaf i among leaves[0..n) in
 * path (TLOG_PROOF_MAX hashes at most), *len of them. */
status stixbatch_path(const uint8_t (*leaves)[TLOG_HASH], size_t n, size_t i,
    uint8_t path[][TLOG_HASH], size_t *len) WUR;

/* stixbatch_manifest - append m as the manifest text. */
status stixbatch_manifest(const struct stixbatch_manifest *m, struct buf *out) WUR;
/* stixbatch_manifest_read - the manifest text s[0..n) into m: ST_OK only
 * when stixbatch_manifest would write exactly those bytes (1 <= n <=
 * STIXBATCH_MAX); else ST_PARSE, m zeroed. */
status stixbatch_manifest_read(const char *s, size_t n, struct stixbatch_manifest *m) WUR;

/* stixbatch_stage_read - split the stage s[0..n): m gets its manifest;
 * fn is called with each object's bytes in order (a non-zero return
 * stops, ST_INVALID).  ST_OK only when there are exactly m->n lines,
 * none empty, and their leaves' root is m->root; else ST_PARSE (the
 * shape) or ST_BADSIG (the root), why (may be NULL; 128 bytes) says
 * which.  leaves (may be NULL) gets the m->n leaf hashes, allocated
 * (the caller frees). */
typedef int (*stixbatch_obj_fn)(void *arg, size_t i, const char *obj, size_t len);
status stixbatch_stage_read(const char *s, size_t n, struct stixbatch_manifest *m,
    stixbatch_obj_fn fn, void *arg, uint8_t (**leaves)[TLOG_HASH], char *why) WUR;

/* stixbatch_evidence - append the object's evidence (one line, "\n"
 * last): object obj[0..len), leaf i of leaves[0..n), and the message's
 * bundle[0..blen) (evidence_make's JSON).  ST_INVALID when obj is not
 * UTF-8 (no JSON string holds it), ST_PARSE when bundle is not JSON. */
status stixbatch_evidence(const char *obj, size_t len, const uint8_t (*leaves)[TLOG_HASH],
    size_t n, size_t i, const char *bundle, size_t blen, struct buf *out) WUR;

/* What a verified object evidence proves. */
struct stixbatch_report {
	struct evidence_report ev;	/* the message's: who, to whom, when */
	struct stixbatch_manifest m;
	int64_t leaf;
	struct buf obj;		/* the object's bytes, owned */
};
/* stixbatch_verify - check the object evidence text[0..n) against two
 * cards: the inner bundle as evidence_verify does, its message a
 * "stix-batch" whose body is a manifest, and the object's leaf hash
 * included at leaf in the manifest's root by path.  *why (static) names
 * the first check that failed.  Call stixbatch_report_clear after. */
status stixbatch_verify(const char *text, size_t n, const struct card cards[2],
    struct stixbatch_report *r, const char **why) WUR;
void stixbatch_report_clear(struct stixbatch_report *r);

#endif
