/* fuzz_agrevidence.c - agreement evidence bundles as a verifier reads
 * them, against the cards of three fixed parties: alpha, bravo and carol
 * with the fuzz keys of seeds 7, 8 and 9, made and parsed once.  Seeds
 * (fuzz/corpus/agrevidence): the good bundles of two and of three parties
 * that tests/unit/test_agrevidence.c builds with these keys (run it with
 * PARLEY_AGREVIDENCE_SEEDS=DIR to write them again), and a bundle of the
 * right shape whose parts are not.
 *
 * Nothing may crash.  A bundle that fails gives a reason of printable
 * ASCII.  One that verifies must be consistent (every party signed, each
 * act in its signer's log cosigned by another party), must describe, and
 * made again by agrevidence_make from its parts must verify to the same
 * report. */
#include <jansson.h>

#include "fmt/agrevidence.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[3];
static struct agrevidence_report r, again;	/* ~83 KiB each */

/* printable - 1 when s is printable ASCII. */
static int
printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/* consistent - what a verified report must say of itself. */
static void
consistent(void)
{
	if (r.n_parties < 2 || r.n_parties > AGREEMENT_PARTIES_MAX || r.n_acts < r.n_parties ||
	    r.n_acts > AGREVIDENCE_ACTS_MAX || strlen(r.payload_sha256) != 64 || !r.title[0])
		abort();
	for (size_t i = 0; i < r.n_acts; i++) {
		const struct agrevidence_proven *t = &r.acts[i];
		int party = 0, cosigner = 0;

		for (size_t k = 0; k < r.n_parties; k++) {
			party |= strcmp(t->party, r.parties[k]) == 0;
			cosigner |= strcmp(t->cosigner, r.parties[k]) == 0;
		}
		if (!party || !cosigner || strcmp(t->party, t->cosigner) == 0 ||
		    t->log.index >= t->log.size || !t->reason[0])
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(r.acts[k].party, t->party) == 0 && r.acts[k].kind == t->kind)
				abort();
	}
	for (size_t k = 0; k < r.n_parties; k++) {
		size_t i;

		for (i = 0; i < r.n_acts; i++)
			if (strcmp(r.acts[i].party, r.parties[k]) == 0 &&
			    r.acts[i].kind == AGRACT_SIGN)
				break;
		if (i == r.n_acts)
			abort();
	}
}

/* remake - the bundle made again from the parts of data, verified. */
static void
remake(const uint8_t *data, size_t size)
{
	struct agrevidence_act acts[AGREVIDENCE_ACTS_MAX];
	json_t *j = json_loadb((const char *)data, size, 0, NULL), *arr;
	char *doc = json_dumps(json_object_get(j, "agreement"), JSON_COMPACT);
	const char *why;
	struct buf out;
	size_t n;

	arr = json_object_get(j, "acts");
	n = json_array_size(arr);
	if (!doc || n > AGREVIDENCE_ACTS_MAX)
		abort();
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(arr, i);

		acts[i].act = json_string_value(json_object_get(o, "act"));
		acts[i].act_len = json_string_length(json_object_get(o, "act"));
		acts[i].proof = json_string_value(json_object_get(o, "proof"));
		acts[i].proof_len = json_string_length(json_object_get(o, "proof"));
	}
	buf_init(&out, EVIDENCE_MAX);
	if (agrevidence_make(doc, strlen(doc), acts, n, &out) != ST_OK ||
	    agrevidence_verify(out.p, out.len, cards, 3, &again, &why) != ST_OK ||
	    memcmp(&again, &r, sizeof r) != 0)
		abort();
	buf_free(&out);
	free(doc);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	status rc;

	fuzz_init();
	if (!cards[0].name[0]) {
		fuzz_card(&cards[0], "alpha", 7);	/* fuzz_common.h's key */
		fuzz_card(&cards[1], "bravo", 8);
		fuzz_card(&cards[2], "carol", 9);
		if (memcmp(cards[0].pk, fuzz_pk, IDENT_PK_LEN) != 0)
			abort();
	}
	rc = agrevidence_verify((const char *)data, size, cards, 3, &r, &why);
	if (rc != ST_OK) {
		if (!why || !printable(why))
			abort();
		return 0;
	}
	if (why)
		abort();
	consistent();
	{
		struct buf out;

		buf_init(&out, 1u << 20);
		if (agrevidence_describe(&r, &out) != ST_OK)
			abort();
		buf_free(&out);
	}
	remake(data, size);
	return 0;
}
