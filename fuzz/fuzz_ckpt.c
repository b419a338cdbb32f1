/* fuzz_ckpt.c - checkpoints, tlog-proofs, add-checkpoint requests and 409
 * size bodies; the first byte picks the parser. */
#include "ckpt.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	struct ckpt c;
	struct ckpt_proof p;
	struct ckpt_witness_req r;
	uint64_t n;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] & 3) {
	case 0:
		(void)ckpt_parse(s, size, &c);
		break;
	case 1:
		if (ckpt_proof_parse(s, size, &p) == ST_OK &&
		    (p.note < s || p.note + p.note_len != s + size || p.n_hashes > TLOG_PROOF_MAX))
			abort();
		break;
	case 2:
		if (ckpt_witness_req_parse(s, size, &r) == ST_OK &&
		    (r.note + r.note_len != s + size || r.n_hashes > 63))
			abort();
		break;
	default:
		(void)ckpt_size_parse(s, size, &n);
	}
	return 0;
}
