/* fuzz_agreement.c - agreements as a node reads them: the payload alone
 * (agreement_parse) and the signed document (agreement_verify) against
 * the cards of alpha and bravo, the fuzz keys of seeds 7 and 8, the
 * parties of the example in docs/AGREEMENTS.md.  Seeds (fuzz/corpus/
 * agreement): that example's payload, signed by alpha, and countersigned
 * by bravo (agreement_sign, then agreement_countersign, with these keys).
 *
 * Nothing may crash, and what verifies must be consistent: the report
 * counts each party at most once and at least one signer; the content's
 * queries answer; a countersignature by a party who has not signed gives
 * a document that verifies with that party added and no other change. */
#include "fmt/agreement.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[2];
static struct ident *idents[2];

/* check - the content's queries answer within their contracts. */
static void
check(const struct agreement *a)
{
	static const char *const prios[] = { "flash", "immediate", "priority", "routine" };
	char why[AGREEMENT_WHY_MAX];
	int64_t s;

	if (agreement_n_parties(a) < 2 || agreement_n_parties(a) > AGREEMENT_PARTIES_MAX ||
	    agreement_n_links(a) < 1 || !agreement_id(a) || !agreement_title(a)[0])
		abort();
	for (size_t i = 0; i < agreement_n_parties(a); i++)
		if (agreement_party(a, agreement_party_at(a, i)->kid) != agreement_party_at(a, i))
			abort();
	if (agreement_expires_ms(a) <= agreement_effective_ms(a))
		abort();
	for (size_t i = 0; i < agreement_n_links(a); i++)
		for (size_t p = 0; p < 4; p++) {
			status rc = agreement_allows(a, agreement_link_at(a, i), "reply", prios[p],
			    1024, TLP_AMBER, why);

			if (rc != ST_OK && (rc != ST_LINK || !why[0]))
				abort();
			if (agreement_deadline(a, agreement_link_at(a, i), prios[p], AGREEMENT_ACK,
			    &s) == ST_OK && s <= 0)
				abort();
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agreement_cards ac = { cards, 2 };
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs r, r2;
	struct agreement *a;
	size_t n = 0;
	status rc;

	fuzz_init();
	if (!idents[0]) {
		fuzz_card(&cards[0], "alpha", 7);
		fuzz_card(&cards[1], "bravo", 8);
		idents[0] = fuzz_ident(7);
		idents[1] = fuzz_ident(8);
	}
	rc = agreement_parse((const char *)data, size, &a, why);
	if ((rc == ST_OK) != (a != NULL) || (rc != ST_OK && !why[0]))
		abort();
	if (a)
		check(a);
	agreement_free(a);

	rc = agreement_verify((const char *)data, size, agreement_key_cards, &ac, &a, &r, why);
	if (rc != ST_OK) {
		if (a || !why[0])
			abort();
		return 0;
	}
	check(a);
	for (size_t i = 0; i < r.n_parties; i++)
		n += r.signed_by[i] != 0;
	if (r.n_parties != agreement_n_parties(a) || n != r.n_signed || n < 1 ||
	    n > r.n_parties)
		abort();
	for (size_t k = 0; k < 2; k++) {
		const struct agreement_party *p = agreement_party(a, cards[k].kid);
		size_t at = p ? (size_t)(p - agreement_party_at(a, 0)) : 0;
		struct buf out;

		if (!p || r.signed_by[at])
			continue;
		buf_init(&out, AGREEMENT_DOC_MAX * 2);
		if (agreement_countersign(idents[k], (const char *)data, size, agreement_key_cards,
		    &ac, &out, why) != ST_OK ||
		    agreement_verify(out.p, out.len, agreement_key_cards, &ac, NULL, &r2, why) !=
		    ST_OK || r2.n_signed != r.n_signed + 1 || !r2.signed_by[at])
			abort();
		buf_free(&out);
		break;
	}
	agreement_free(a);
	return 0;
}
