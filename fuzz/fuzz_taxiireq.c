/* fuzz_taxiireq.c - taxiireq_filter, taxiireq_accept and
 * taxiireq_content_type on any request: no crash; a filter read has a
 * limit in bounds and an 8-hex-digit tag, and a next token made under it
 * is read back, with the same filters, to the very cursor it names.
 *
 * The input is lines: added_after, limit, next, match[id], match[type],
 * match[version], match[spec_version], then a media type for Accept and
 * Content-Type; an empty or missing line is an absent parameter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/taxiireq.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line[8] = { 0 }, *p, why[TAXII_WHY_MAX];
	char tok[TAXII_NEXT_MAX];
	struct taxii_filter f, g;
	struct taxii_query q;
	size_t k = 0;

	fuzz_init();
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; p && k < 8; k++) {
		char *e = strchr(p, '\n');

		if (e)
			*e = '\0';
		line[k] = p[0] ? p : NULL;
		p = e ? e + 1 : NULL;
	}
	q = (struct taxii_query){ line[0], line[1], line[2], line[3], line[4], line[5], line[6] };
	(void)taxiireq_accept(line[7]);
	(void)taxiireq_content_type(line[7]);
	if (taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why) == ST_OK) {
		if (f.limit < 1 || f.limit > TAXII_LIMIT_MAX || strlen(f.tag) != 8 || !f.versions)
			abort();
		taxiireq_next(&f, 1704067200000LL, 42, tok);
		q.next = tok;
		if (taxiireq_filter(&q, "objects c", TAXII_V_LAST, &g, why) != ST_OK)
			abort();
		if (g.after_ms < 1704067200000LL ||
		    (g.after_ms == 1704067200000LL && g.after_seq < 42))
			abort();	/* the cursor never goes back */
		taxiireq_filter_free(&g);
		taxiireq_filter_free(&f);
	}
	free(text);
	return 0;
}
