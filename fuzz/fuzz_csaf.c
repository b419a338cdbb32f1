/* fuzz_csaf.c - CSAF 2.0 documents as csaf_read reads them: besides memory
 * safety it checks that a document is accepted exactly when the report is
 * empty, with a status the contract names; that a refusal keeps one
 * problem or more (no more than CSAF_PROBLEMS_MAX, no more than found),
 * each with a test, a path from "$" and a what, all printable ASCII and
 * NUL-terminated within their arrays; and that an accepted document's
 * accessors and summary answer, its tracking id gives a file name or a
 * clean refusal, and the document written out by jansson is accepted
 * again with the same counts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/csaf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
printable(const char *s, size_t cap, int empty_ok)
{
	size_t n = strnlen(s, cap);

	if (n == cap || (n == 0 && !empty_ok))
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

static void
accessors(const struct csaf *c)
{
	char name[CSAF_FILENAME_MAX];
	enum tlp t = TLP__COUNT;
	const char *label = csaf_tlp_label(c);
	json_t *s;
	status rc;

	if (!csaf_tracking_id(c) || !csaf_version(c) || !csaf_title(c) || !csaf_status(c) ||
	    !csaf_category(c) || !csaf_publisher(c) || !csaf_namespace(c) || !csaf_lang(c) ||
	    !label || !csaf_json(c))
		abort();
	if (strcmp(csaf_status(c), "final") != 0 && strcmp(csaf_status(c), "interim") != 0 &&
	    strcmp(csaf_status(c), "draft") != 0)
		abort();
	rc = csaf_tlp(c, &t);
	if ((rc == ST_OK) != (label[0] != '\0') || (rc == ST_OK && (unsigned)t >= TLP__COUNT) ||
	    (rc != ST_OK && rc != ST_NOTFOUND))
		abort();
	rc = csaf_filename(csaf_tracking_id(c), name);
	if (rc == ST_OK) {
		size_t n = strlen(name);

		if (n < 6 || strcmp(name + n - 5, ".json") != 0)
			abort();
		for (size_t i = 0; i + 5 < n; i++)
			if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
			    name[i] == '+' || name[i] == '-' || name[i] == '_'))
				abort();
	} else if (rc != ST_INVALID || name[0] != '\0') {
		abort();
	}
	s = csaf_summary(c);
	if (!s || json_array_size(json_object_get(s, "products")) != csaf_n_products(c) ||
	    json_array_size(json_object_get(s, "vulnerabilities")) != csaf_n_vulns(c))
		abort();
	json_decref(s);
	if (csaf_version_cmp(csaf_version(c), csaf_version(c)) != 0)
		abort();
}

/* again - c written out by jansson and read: accepted, the same. */
static void
again(const struct csaf *c)
{
	char *text = json_dumps(csaf_json(c), JSON_COMPACT);
	struct csaf_report *rep = malloc(sizeof *rep);
	struct csaf *d;

	if (!text || !rep)
		abort();
	if (csaf_read(text, strlen(text), &d, rep) != ST_OK || rep->n != 0 ||
	    csaf_n_products(d) != csaf_n_products(c) || csaf_n_vulns(d) != csaf_n_vulns(c) ||
	    csaf_initial_ms(d) != csaf_initial_ms(c) || strcmp(csaf_tracking_id(d),
	    csaf_tracking_id(c)) != 0)
		abort();
	csaf_free(d);
	free(rep);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct csaf_report rep;
	struct csaf *c = (struct csaf *)&rep;
	status rc = csaf_read((const char *)data, size, &c, &rep);

	if (rc == ST_OK) {
		if (!c || rep.n != 0 || rep.total != 0)
			abort();
		accessors(c);
		again(c);
		csaf_free(c);
		return 0;
	}
	if (c || (rc != ST_PARSE && rc != ST_INVALID && rc != ST_TOOBIG && rc != ST_NOMEM))
		abort();
	if (rc != ST_NOMEM && (rep.n < 1 || rep.n > CSAF_PROBLEMS_MAX || rep.n > rep.total))
		abort();
	for (size_t i = 0; i < rep.n; i++) {
		printable(rep.p[i].test, CSAF_TEST_MAX, 0);
		printable(rep.p[i].path, CSAF_PATH_MAX, 0);
		printable(rep.p[i].what, CSAF_WHAT_MAX, 0);
		if (rep.p[i].path[0] != '$')
			abort();
		if (rc == ST_PARSE && strcmp(rep.p[i].test, "json") != 0)
			abort();
	}
	return 0;
}
