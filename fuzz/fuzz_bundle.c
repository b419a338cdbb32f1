/* fuzz_bundle.c - evidence bundles as `parley evidence verify` reads them,
 * against two fixed parties: "alpha" with the fuzz key (seed 7s) and
 * "bravo" with a second key (seed 8s), their cards made and parsed once, so
 * that seeds signed by them reach the proof checks.  A bundle that verifies
 * must also describe, and its report must point into the cards passed. */
#include "fmt/evidence.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[2];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evidence_report r;
	const char *why = NULL;
	status rc;

	fuzz_init();
	if (!cards[0].name[0]) {
		fuzz_card(&cards[0], "alpha", 7);	/* fuzz_common.h's key */
		fuzz_card(&cards[1], "bravo", 8);
		if (memcmp(cards[0].pk, fuzz_pk, IDENT_PK_LEN) != 0)
			abort();
	}
	rc = evidence_verify((const char *)data, size, cards, &r, &why);
	if (rc == ST_OK) {
		struct buf out;

		if (why || !r.sender || !r.receiver || r.sender == r.receiver ||
		    (r.sender != &cards[0] && r.sender != &cards[1]) ||
		    (r.receiver != &cards[0] && r.receiver != &cards[1]) ||
		    r.msg_log.index >= r.msg_log.size || r.rcpt_log.index >= r.rcpt_log.size)
			abort();
		buf_init(&out, 1u << 20);
		if (evidence_describe(&r, &out) != ST_OK)
			abort();
		buf_free(&out);
	} else if (!why)
		abort();
	evidence_report_clear(&r);
	return 0;
}
