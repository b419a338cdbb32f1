/* ckpt.h - the text formats around a transparency log: checkpoints
 * (c2sp.org/tlog-checkpoint), inclusion proofs (c2sp.org/tlog-proof@v1) and
 * witness requests (c2sp.org/tlog-witness add-checkpoint).
 *
 * Parsers are strict: decimal numbers without leading zeros (except "0"),
 * canonical standard base64 of exactly 32 bytes for hashes, "\n" line ends.
 * Signatures are note.h's business; these functions see text only.
 */
#ifndef PARLEY_CKPT_H
#define PARLEY_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "fmt/note.h"
#include "util/status.h"
#include "fmt/tlog.h"

#define CKPT_PROOF_HEADER "c2sp.org/tlog-proof@v1"

/* A checkpoint's note text: origin, size, root hash. */
struct ckpt {
	char origin[NOTE_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[TLOG_HASH];
};

/* ckpt_format - append the note text "ORIGIN\nSIZE\nBASE64(ROOT)\n".
 * ST_INVALID if the origin is not a valid note name.  The formatters leave
 * out unchanged on error. */
status ckpt_format(const struct ckpt *c, struct buf *out) WUR;
/* ckpt_parse - parse a checkpoint's note text (text[0..n), as delimited by
 * note_split).  Extension lines (non-empty, after the third) are allowed and
 * ignored.  ST_PARSE names no detail; the origin must be a valid note name. */
status ckpt_parse(const char *text, size_t n, struct ckpt *out) WUR;

/* An inclusion proof (tlog-proof@v1).  note points into the parsed text. */
struct ckpt_proof {
	uint64_t index;
	uint8_t hashes[TLOG_PROOF_MAX][TLOG_HASH];
	size_t n_hashes;
	const char *note;	/* the signed checkpoint note, verbatim */
	size_t note_len;
};

/* ckpt_proof_format - append a tlog-proof (no extra line): header, index,
 * hashes, blank line, then the signed checkpoint note verbatim.  ST_INVALID
 * for more than TLOG_PROOF_MAX hashes or an empty note. */
status ckpt_proof_format(uint64_t index, const uint8_t hashes[][TLOG_HASH], size_t n,
    const char *note, size_t note_len, struct buf *out) WUR;
/* ckpt_proof_parse - parse text[0..n); an "extra" line (at most 1024 bytes
 * of data) is accepted and skipped.  The note is not verified here (see
 * note_verify). */
status ckpt_proof_parse(const char *text, size_t n, struct ckpt_proof *out) WUR;

/* A witness add-checkpoint request body.  note points into the parsed text. */
struct ckpt_witness_req {
	uint64_t old;
	uint8_t hashes[TLOG_PROOF_MAX][TLOG_HASH];
	size_t n_hashes;	/* at most 63 */
	const char *note;
	size_t note_len;
};

/* ckpt_witness_req_format - append "old N\n", the proof lines, "\n", note.
 * ST_INVALID for more than 63 proof lines or an empty note. */
status ckpt_witness_req_format(uint64_t old, const uint8_t hashes[][TLOG_HASH], size_t n,
    const char *note, size_t note_len, struct buf *out) WUR;
/* ckpt_witness_req_parse - parse a request body (strict as above). */
status ckpt_witness_req_parse(const char *text, size_t n, struct ckpt_witness_req *out) WUR;
/* ckpt_size_parse - parse a 409 body "N\n" (text/x.tlog.size). */
status ckpt_size_parse(const char *text, size_t n, uint64_t *size) WUR;

#endif
