/* fuzz_bundle.c - evidence bundles as `parley evidence verify` reads them,
 * with two fixed parties (the fuzz key and a second one). */
#include <stdio.h>

#include "evidence.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[2];

static void
party(struct card *c, const char *name, const uint8_t pk[IDENT_PK_LEN])
{
	snprintf(c->name, sizeof c->name, "%s", name);
	memcpy(c->pk, pk, IDENT_PK_LEN);
	ident_thumbprint(pk, c->kid);
	card_origin(c->name, c->kid, c->origin);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evidence_report r;
	const char *why;

	fuzz_init();
	if (!cards[0].name[0]) {
		uint8_t seed[32], pk[IDENT_PK_LEN], sk[64];

		memset(seed, 8, sizeof seed);
		crypto_sign_seed_keypair(pk, sk, seed);
		party(&cards[0], "alpha", fuzz_pk);
		party(&cards[1], "bravo", pk);
	}
	if (evidence_verify((const char *)data, size, cards, &r, &why) == ST_OK && why)
		abort();
	evidence_report_clear(&r);
	return 0;
}
