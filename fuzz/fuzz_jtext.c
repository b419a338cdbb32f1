/* fuzz_jtext.c - jtext_sorted against json_dumps: the input, when jansson
 * reads it as an object or array (a member twice refused, as parley reads),
 * must be written by jtext_sorted exactly as json_dumps(JSON_COMPACT |
 * JSON_SORT_KEYS) writes it, byte for byte: the bytes a STIX object is
 * kept and hashed as.  Every string of it also by jtext_str, as json_dumps
 * writes a one-string array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/jtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const json_t *j, struct buf *b)
{
	char *want = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	b->len = 0;
	if (!want) {
		if (jtext_sorted(j, b) != ST_NOMEM)
			abort();	/* json_dumps refuses it: so must jtext */
		return;
	}
	if (jtext_sorted(j, b) != ST_OK || b->len != strlen(want) ||
	    memcmp(b->p, want, b->len) != 0)
		abort();
	free(want);
}

static void
strings(const json_t *j, struct buf *b, int depth)
{
	size_t i;

	if (depth > 8)
		return;
	if (json_is_string(j)) {
		json_t *a = json_pack("[O]", j);
		char *want = a ? json_dumps(a, JSON_COMPACT) : NULL;

		b->len = 0;
		if (want && (jtext_str(json_string_value(j), json_string_length(j), b) != ST_OK ||
		    b->len != strlen(want) - 2 || memcmp(b->p, want + 1, b->len) != 0))
			abort();
		free(want);
		json_decref(a);
		return;
	}
	for (i = 0; i < json_array_size(j); i++)
		strings(json_array_get(j, i), b, depth + 1);
	for (void *it = json_object_iter((json_t *)j); it;
	    it = json_object_iter_next((json_t *)j, it))
		strings(json_object_iter_value(it), b, depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, NULL);
	struct buf b;

	if (!j)
		return 0;
	buf_init(&b, 4u << 20);
	if (json_is_object(j) || json_is_array(j)) {
		same(j, &b);
		strings(j, &b, 0);
	}
	buf_free(&b);
	json_decref(j);
	return 0;
}
