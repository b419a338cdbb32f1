/* fuzz_ckpt.c - checkpoints, tlog-proofs, add-checkpoint requests and 409
 * size bodies; the first byte picks the parser.  Besides memory safety it
 * checks that what parses is canonical: formatted again, it gives back the
 * input (a checkpoint's first three lines; a proof without "extra" line). */
#include "fmt/ckpt.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same - abort unless b holds exactly s[0..n) (or, prefix, starts with it). */
static void
same(struct buf *b, status rc, const char *s, size_t n, int prefix)
{
	if (rc != ST_OK || (prefix ? b->len > n : b->len != n) || memcmp(b->p, s, b->len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ckpt_proof p;
	static struct ckpt_witness_req r;
	const char *s = (const char *)data + 1;
	struct ckpt c;
	struct buf b;
	uint64_t n;

	fuzz_init();
	if (size < 1)
		return 0;
	size--;
	buf_init(&b, 1 << 17);
	switch (data[0] & 3) {
	case 0:
		if (ckpt_parse(s, size, &c) == ST_OK)
			same(&b, ckpt_format(&c, &b), s, size, 1);
		break;
	case 1:
		if (ckpt_proof_parse(s, size, &p) != ST_OK)
			break;
		if (p.note < s || p.note_len == 0 || p.note + p.note_len != s + size ||
		    p.n_hashes > TLOG_PROOF_MAX)
			abort();
		if (size < sizeof CKPT_PROOF_HEADER + 6 ||
		    memcmp(s + sizeof CKPT_PROOF_HEADER, "extra ", 6) != 0)
			same(&b, ckpt_proof_format(p.index, (const uint8_t (*)[TLOG_HASH])p.hashes,
			    p.n_hashes, p.note, p.note_len, &b), s, size, 0);
		break;
	case 2:
		if (ckpt_witness_req_parse(s, size, &r) != ST_OK)
			break;
		if (r.note + r.note_len != s + size || r.note_len == 0 || r.n_hashes > 63)
			abort();
		same(&b, ckpt_witness_req_format(r.old, (const uint8_t (*)[TLOG_HASH])r.hashes,
		    r.n_hashes, r.note, r.note_len, &b), s, size, 0);
		break;
	default:
		if (ckpt_size_parse(s, size, &n) == ST_OK)
			same(&b, buf_addf(&b, "%llu\n", (unsigned long long)n), s, size, 0);
	}
	buf_free(&b);
	return 0;
}
