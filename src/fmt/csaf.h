/* csaf.h - a CSAF 2.0 document read and validated (OASIS Common Security
 * Advisory Framework Version 2.0, OASIS Standard, 18 November 2022).
 *
 * csaf_read parses the text once (jansson, a member twice refused) and
 * checks it against the rules of the standard's JSON schema (section 3,
 * written here as C; test "schema", and "6.1.8" for a CVSS object) and
 * against every mandatory test of section 6.1, each reported under its
 * number with the JSON path of the offending value:
 *
 *   6.1.1  $.vulnerabilities[0].product_status.fixed[1]  "CSAFPID-9" is not defined
 *
 * A document is accepted only when nothing is found.  What is checked,
 * and the tests checked only in part (6.1.11 CWE names against a
 * compiled-in list of common CWEs; 6.1.12 language subtags: the syntax
 * of BCP 47 and ISO 639-1 two-letter codes), is in docs/CSAF.md,
 * "Validation".  Pure: no I/O.
 */
#ifndef PARLEY_CSAF_H
#define PARLEY_CSAF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fmt/tlp.h"
#include "util/status.h"

#define CSAF_BYTES_MAX (16u * 1024 * 1024)	/* bytes of a document */
#define CSAF_DEPTH_MAX 64	/* levels of arrays and objects (the document 1) */
#define CSAF_ITEMS_MAX 200000	/* elements of one array */
#define CSAF_PROBLEMS_MAX 32	/* problems kept in a report */
#define CSAF_TEST_MAX 16	/* "6.1.27.11", "schema", "json", "limit" */
#define CSAF_PATH_MAX 256	/* a JSON path, cut with "..." past it */
#define CSAF_WHAT_MAX 256
#define CSAF_FILENAME_MAX 256

/* One problem: test is "json" (not JSON), "limit" (over a limit above),
 * "schema" (a rule of the schema), or the mandatory test's number
 * ("6.1.27.9"); path a JSON path like
 * "$.document.tracking.revision_history[2].number"; what printable ASCII,
 * text from the document quoted with anything else as '?' and cut. */
struct csaf_problem {
	char test[CSAF_TEST_MAX];
	char path[CSAF_PATH_MAX];
	char what[CSAF_WHAT_MAX];
};

/* A report: n problems kept (<= CSAF_PROBLEMS_MAX, the first found, in
 * the order of the checks), total found. */
struct csaf_report {
	size_t n;
	size_t total;
	struct csaf_problem p[CSAF_PROBLEMS_MAX];
};

struct csaf;	/* opaque: a document that passed */

/* csaf_read - read doc[0..len) as a CSAF 2.0 document and validate it.
 * ST_OK: *out the checked document (the caller's: csaf_free), rep->n 0.
 * Else *out NULL and rep says why: ST_TOOBIG over CSAF_BYTES_MAX bytes
 * (one problem, test "limit"), or deeper than CSAF_DEPTH_MAX or an array
 * over CSAF_ITEMS_MAX ("limit"); ST_PARSE for text that is not JSON or
 * not an object (one problem, test "json"); ST_INVALID with the problems
 * found ("schema", "6.1.N[.M]"); ST_NOMEM.  Never crashes on any input;
 * recursion bounded by CSAF_DEPTH_MAX, work by the input's size. */
status csaf_read(const char *doc, size_t len, struct csaf **out, struct csaf_report *rep) WUR;
/* csaf_free - release c; NULL is a no-op. */
void csaf_free(struct csaf *c);

/* The accessors: strings borrowed from c (valid until csaf_free). */
const char *csaf_tracking_id(const struct csaf *c);	/* document.tracking.id */
const char *csaf_version(const struct csaf *c);		/* document.tracking.version */
const char *csaf_title(const struct csaf *c);		/* document.title */
const char *csaf_status(const struct csaf *c);		/* final | interim | draft */
const char *csaf_category(const struct csaf *c);	/* document.category */
const char *csaf_publisher(const struct csaf *c);	/* document.publisher.name */
const char *csaf_namespace(const struct csaf *c);	/* document.publisher.namespace */
const char *csaf_lang(const struct csaf *c);		/* document.lang; "" when absent */
/* csaf_tlp_label - document.distribution.tlp.label: "WHITE", "GREEN",
 * "AMBER", "RED"; "" when absent. */
const char *csaf_tlp_label(const struct csaf *c);
/* csaf_tlp - the label as TLP 2.0 (fmt/tlp.h): WHITE as TLP_CLEAR, GREEN,
 * AMBER, RED as themselves; ST_NOTFOUND (*out untouched) without one. */
status csaf_tlp(const struct csaf *c, enum tlp *out);
/* tracking.initial_release_date and current_release_date, in
 * milliseconds since the epoch, UTC (their offsets applied). */
int64_t csaf_initial_ms(const struct csaf *c);
int64_t csaf_current_ms(const struct csaf *c);
/* csaf_n_products - the full product names the product tree defines
 * (in branches, full_product_names and relationships). */
size_t csaf_n_products(const struct csaf *c);
/* csaf_n_vulns - the items of vulnerabilities. */
size_t csaf_n_vulns(const struct csaf *c);
/* csaf_json - the parsed document, borrowed. */
const json_t *csaf_json(const struct csaf *c);
/* csaf_summary - a new object (the caller's reference, NULL on no
 * memory): {"title", "tracking_id", "version", "status", "category",
 * "publisher", "namespace", "lang", "tlp" (the label or null),
 * "initial_release_date", "current_release_date" (as written),
 * "products": [{"product_id", "name"}] (every full product name, in
 * document order), "vulnerabilities": [{"cve" (or null), "title" (or
 * null), "cvss": [{"version", "base_score", "base_severity" (v2: null),
 * "vector", "products": [ids]}], "remediations": [{"category", "details",
 * "url" (or null), "product_ids": [ids]}]}]}.  A remediation's
 * product_ids are its own, without its groups' members. */
json_t *csaf_summary(const struct csaf *c);

/* csaf_filename - the file name section 5.1 gives a document with
 * tracking id tracking_id: lower case, every run of characters outside
 * [+\-a-z0-9] one "_", then ".json" ("Example Company - 2019-YH3234" ->
 * "example_company_-_2019-yh3234.json").  ST_INVALID (out "") for an
 * empty id or a name that would not fit in CSAF_FILENAME_MAX bytes. */
status csaf_filename(const char *tracking_id, char out[static CSAF_FILENAME_MAX]) WUR;

/* csaf_version_cmp - <0, 0, >0 as tracking version a is before, the same
 * as, after b (section 3.1.11.3.5.2, "version_t").  Two integers compare
 * as numbers ("2" < "10"); two semantic versions by the precedence of
 * Semantic Versioning 2.0.0 (a pre-release before its release, build
 * metadata ignored).  Mixed, an integer is before any semantic version;
 * a string that is neither is before both, and two of them compare
 * bytewise.  NULL is taken as "". */
int csaf_version_cmp(const char *a, const char *b);

#endif
