/* fuzz_answer.c - the template reader of a batch's answer (answer.c)
 * against jansson: wherever the template reader takes an answer, jansson
 * must read the same results; where it does not, the daemon's reader
 * (TMPL_ANY) must answer as jansson. */
#include <stdlib.h>
#include <string.h>

#include "fmt/answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* same - a and b hold the same results. */
static int
same(const struct answer *a, const struct answer *b)
{
	if (answer_count(a) != answer_count(b))
		return 0;
	for (size_t i = 0; i < answer_count(a); i++) {
		const struct answer_result *x = answer_at(a, i), *y = answer_at(b, i);

		if (x->seq != y->seq || x->expected != y->expected || x->status != y->status ||
		    x->receipt_len != y->receipt_len || !same_str(x->receipt, y->receipt) ||
		    (x->receipt && strlen(x->receipt) != x->receipt_len) ||
		    !same_str(x->reason, y->reason))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct answer *f, *j, *a;
	status fr, jr, ar;

	fr = answer_read(body, size, TMPL_FIXED, &f);
	jr = answer_read(body, size, TMPL_JSON, &j);
	ar = answer_read(body, size, TMPL_ANY, &a);
	if (fr == ST_OK && (jr != ST_OK || !same(f, j)))
		abort();
	if (ar != jr || (ar == ST_OK && !same(a, j)))
		abort();
	answer_free(f);
	answer_free(j);
	answer_free(a);
	return 0;
}
