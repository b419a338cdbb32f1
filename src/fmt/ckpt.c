/* ckpt.c - checkpoint, tlog-proof and add-checkpoint texts (ckpt.h).
 *
 * One cursor over "\n"-terminated lines, one strict decimal parser and one
 * strict hash-line parser serve every format, so "007", "01", a 31-byte
 * hash or a non-canonical one are refused the same way everywhere.
 *
 * SECURITY: everything parsed here is unauthenticated until the caller has
 * verified the checkpoint note (note_verify) and the proof (tlog.h).  These
 * functions only bound and shape the input; they never decide trust.
 */
#include <inttypes.h>
#include <string.h>

#include "util/b64.h"
#include "fmt/ckpt.h"

#define WITNESS_PROOF_MAX 63	/* tlog-witness: at most 63 proof lines */
#define EXTRA_MAX 1024		/* bytes of tlog-proof extra data we accept */

/* A cursor over "\n"-terminated lines. */
struct lines {
	const char *p, *end;
};

/* next - the next line (without "\n"); 0 when none or unterminated. */
static int
next(struct lines *ls, const char **line, size_t *n)
{
	const char *nl;

	if (ls->p >= ls->end || !(nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p))))
		return 0;
	*line = ls->p;
	*n = (size_t)(nl - ls->p);
	ls->p = nl + 1;
	return 1;
}

/* decimal - digits only, no leading zero (but "0"), at most 2^64 - 1. */
static status
decimal(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return ST_PARSE;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || *v > (UINT64_MAX - d) / 10)
			return ST_PARSE;
		*v = *v * 10 + d;
	}
	return ST_OK;
}

/* prefixed - the line "WORD N" into *v. */
static status
prefixed(const char *line, size_t n, const char *word, uint64_t *v)
{
	size_t w = strlen(word);

	if (n <= w + 1 || memcmp(line, word, w) != 0 || line[w] != ' ')
		return ST_PARSE;
	return decimal(line + w + 1, n - w - 1, v);
}

/* hash - a line of canonical base64 of exactly TLOG_HASH bytes. */
static status
hash(const char *s, size_t n, uint8_t out[TLOG_HASH])
{
	size_t len;

	if (b64_std_decode(s, n, out, TLOG_HASH, &len) != ST_OK || len != TLOG_HASH)
		return ST_PARSE;
	return ST_OK;
}

/* hash_lines - hash lines up to an empty line (consumed); at most max. */
static status
hash_lines(struct lines *ls, uint8_t hashes[][TLOG_HASH], size_t max, size_t *n)
{
	const char *line;
	size_t len;

	*n = 0;
	while (next(ls, &line, &len)) {
		if (len == 0)
			return ST_OK;
		if (*n == max || hash(line, len, hashes[*n]) != ST_OK)
			return ST_PARSE;
		(*n)++;
	}
	return ST_PARSE;
}

/* add_tail - the hash lines, an empty line, and the note, after out's
 * first line; on error out is cut back to start. */
static status
add_tail(struct buf *out, size_t start, status rc, const uint8_t hashes[][TLOG_HASH],
    size_t n, const char *note, size_t note_len)
{
	for (size_t i = 0; i < n && !rc; i++) {
		rc = b64_std_encode(out, hashes[i], TLOG_HASH);
		if (!rc)
			rc = buf_add(out, "\n", 1);
	}
	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (!rc)
		rc = buf_add(out, note, note_len);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

status
ckpt_format(const struct ckpt *c, struct buf *out)
{
	size_t start = out->len;
	status rc;

	if (!note_name_ok(c->origin, strnlen(c->origin, sizeof c->origin)))
		return ST_INVALID;
	rc = buf_addf(out, "%s\n%" PRIu64 "\n", c->origin, c->size);
	if (!rc)
		rc = b64_std_encode(out, c->root, TLOG_HASH);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

status
ckpt_parse(const char *text, size_t n, struct ckpt *out)
{
	struct lines ls = { text, text + n };
	const char *line;
	size_t len;

	memset(out, 0, sizeof *out);
	if (n == 0 || text[n - 1] != '\n')
		return ST_PARSE;
	if (!next(&ls, &line, &len) || !note_name_ok(line, len))
		return ST_PARSE;
	memcpy(out->origin, line, len);
	if (!next(&ls, &line, &len) || decimal(line, len, &out->size) != ST_OK ||
	    !next(&ls, &line, &len) || hash(line, len, out->root) != ST_OK)
		goto bad;
	while (next(&ls, &line, &len))
		if (len == 0)
			goto bad;	/* extension lines are non-empty */
	return ST_OK;
bad:
	memset(out, 0, sizeof *out);
	return ST_PARSE;
}

status
ckpt_proof_format(uint64_t index, const uint8_t hashes[][TLOG_HASH], size_t n,
    const char *note, size_t note_len, struct buf *out)
{
	size_t start = out->len;

	if (n > TLOG_PROOF_MAX || note_len == 0)
		return ST_INVALID;
	return add_tail(out, start, buf_addf(out, CKPT_PROOF_HEADER "\nindex %" PRIu64 "\n",
	    index), hashes, n, note, note_len);
}

status
ckpt_proof_parse(const char *text, size_t n, struct ckpt_proof *out)
{
	struct lines ls = { text, text + n };
	const char *line;
	size_t len;

	memset(out, 0, sizeof *out);
	if (!next(&ls, &line, &len) || len != strlen(CKPT_PROOF_HEADER) ||
	    memcmp(line, CKPT_PROOF_HEADER, len) != 0 || !next(&ls, &line, &len))
		return ST_PARSE;
	if (len > 6 && memcmp(line, "extra ", 6) == 0) {
		uint8_t extra[EXTRA_MAX];
		size_t elen;

		if (b64_std_decode(line + 6, len - 6, extra, sizeof extra, &elen) != ST_OK ||
		    !next(&ls, &line, &len))
			return ST_PARSE;
	}
	if (prefixed(line, len, "index", &out->index) != ST_OK ||
	    hash_lines(&ls, out->hashes, TLOG_PROOF_MAX, &out->n_hashes) != ST_OK ||
	    ls.p >= ls.end) {
		memset(out, 0, sizeof *out);
		return ST_PARSE;
	}
	out->note = ls.p;
	out->note_len = (size_t)(ls.end - ls.p);
	return ST_OK;
}

status
ckpt_witness_req_format(uint64_t old, const uint8_t hashes[][TLOG_HASH], size_t n,
    const char *note, size_t note_len, struct buf *out)
{
	size_t start = out->len;

	if (n > WITNESS_PROOF_MAX || note_len == 0)
		return ST_INVALID;
	return add_tail(out, start, buf_addf(out, "old %" PRIu64 "\n", old), hashes, n, note,
	    note_len);
}

status
ckpt_witness_req_parse(const char *text, size_t n, struct ckpt_witness_req *out)
{
	struct lines ls = { text, text + n };
	const char *line;
	size_t len;

	memset(out, 0, sizeof *out);
	if (!next(&ls, &line, &len) || prefixed(line, len, "old", &out->old) != ST_OK ||
	    hash_lines(&ls, out->hashes, WITNESS_PROOF_MAX, &out->n_hashes) != ST_OK ||
	    ls.p >= ls.end) {
		memset(out, 0, sizeof *out);
		return ST_PARSE;
	}
	out->note = ls.p;
	out->note_len = (size_t)(ls.end - ls.p);
	return ST_OK;
}

status
ckpt_size_parse(const char *text, size_t n, uint64_t *size)
{
	if (n < 2 || text[n - 1] != '\n' || decimal(text, n - 1, size) != ST_OK) {
		*size = 0;
		return ST_PARSE;
	}
	return ST_OK;
}
