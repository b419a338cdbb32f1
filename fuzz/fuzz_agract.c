/* fuzz_agract.c - acts on an agreement as a node reads them: agract_open
 * with the fuzz key (seed 7s) as the pinned key of the peer that posts
 * them, and agract_doc_sha256 over the same untrusted text.  Seeds
 * (fuzz/corpus/agract): a decline and a notice signed with that key, one
 * with a reason of 1000 bytes of UTF-8, one in another peer's name, and
 * an agreement document.
 *
 * Nothing may crash, and what opens must be consistent: signed by the key
 * it was opened with, every member within its limits, and made again
 * from its members by agract_make, it opens to the same act. */
#include "fmt/agract.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ident *signer;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[AGRACT_WHY_MAX], hex[AGRACT_SHA_HEX];
	struct agract *a = NULL, *b = NULL;
	struct buf again;
	size_t n;
	status rc;

	fuzz_init();
	if (!signer)
		signer = fuzz_ident(7);
	if (agract_doc_sha256((const char *)data, size, hex) == ST_OK && strlen(hex) != 64)
		abort();
	rc = agract_open((const char *)data, size, fuzz_pk, &a, why);
	if (rc != ST_OK || !a) {
		if (rc == ST_OK || a || !why[0])
			abort();
		return 0;
	}
	n = strlen(agract_reason(a));
	if (strcmp(agract_by(a), fuzz_kid) != 0 || n < 1 || n > AGRACT_REASON_MAX ||
	    strlen(agract_payload_sha256(a)) != 64 || strlen(agract_agreement(a)) != 36 ||
	    (agract_kind(a) != AGRACT_DECLINE && agract_kind(a) != AGRACT_TERMINATE))
		abort();
	buf_init(&again, AGRACT_MAX);
	if (agract_make(signer, agract_kind(a), agract_agreement(a), agract_payload_sha256(a),
	    agract_reason(a), agract_at_ms(a), &again, why) != ST_OK ||
	    agract_open(again.p, again.len, fuzz_pk, &b, why) != ST_OK ||
	    agract_kind(b) != agract_kind(a) || agract_at_ms(b) != agract_at_ms(a) ||
	    strcmp(agract_reason(b), agract_reason(a)) != 0 ||
	    strcmp(agract_agreement(b), agract_agreement(a)) != 0 ||
	    strcmp(agract_payload_sha256(b), agract_payload_sha256(a)) != 0)
		abort();
	buf_free(&again);
	agract_free(b);
	agract_free(a);
	return 0;
}
