/* fuzz_forkproof.c - fork proofs as `parley evidence verify` reads them,
 * against one fixed signer: "alpha" with the fuzz key (seed 7s), its card
 * made and parsed once, so that seeds signed by it (fuzz/corpus/forkproof:
 * a message, a receipt and a checkpoint fork) reach the comparisons behind
 * the signature checks.  A proof that verifies must describe and give no
 * reason; one that does not must give a reason.  forkproof_is, which
 * sniffs the same untrusted text, must not crash either. */
#include "fmt/forkproof.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card alpha;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct forkproof_report r;
	const char *why = NULL;
	status rc;

	fuzz_init();
	if (!alpha.name[0]) {
		fuzz_card(&alpha, "alpha", 7);
		if (memcmp(alpha.pk, fuzz_pk, IDENT_PK_LEN) != 0)
			abort();
	}
	(void)forkproof_is((const char *)data, size);
	rc = forkproof_verify((const char *)data, size, &alpha, &r, &why);
	if (rc == ST_OK) {
		struct buf out;

		if (why || r.signer != &alpha || !forkproof_is((const char *)data, size))
			abort();
		buf_init(&out, 1u << 16);
		if (forkproof_describe(&r, &out) != ST_OK || !strstr(buf_str(&out), "FORK PROVEN"))
			abort();
		buf_free(&out);
	} else if (!why)
		abort();
	return 0;
}
