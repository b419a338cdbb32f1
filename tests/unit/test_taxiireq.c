/* test_taxiireq.c - what a TAXII 2.1 request brings (fmt/taxiireq.h): the
 * filters each read or refused by name, the limit's bounds, the next
 * token's round trip and its refusal with other filters or another scope,
 * timestamps with 0 to 9 digits of fraction, and the Accept and
 * Content-Type media types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fmt/taxiireq.h"
#include "testcheck.h"

#define N(a) (sizeof (a) / sizeof (a)[0])
#define ID1 "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID2 "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"

static void
test_filters(void **state)
{
	struct taxii_query q = { 0 };
	char why[TAXII_WHY_MAX];
	struct taxii_filter f;

	(void)state;
	/* nothing: every row, the default limit, the last versions */
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why), ST_OK);
	assert_int_equal(f.limit, TAXII_LIMIT_DEFAULT);
	assert_int_equal(f.after_ms, 0);
	assert_int_equal(f.after_seq, 0);
	assert_null(f.ids);
	assert_null(f.types);
	assert_null(f.version_ms);
	assert_int_equal(f.versions, TAXII_V_LAST);
	assert_int_equal(f.none, 0);
	taxiireq_filter_free(&f);

	q = (struct taxii_query){ "2024-01-01T00:00:00.5Z", "7", NULL, ID1 "," ID2,
		"indicator", "first,2024-02-01T00:00:00.123456789Z,all", "2.0,2.1" };
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why), ST_OK);
	assert_int_equal(f.after_ms, 1704067200500LL);
	assert_int_equal(f.after_seq, INT64_MAX);
	assert_int_equal(f.limit, 7);
	assert_string_equal(f.ids, "[\"" ID1 "\",\"" ID2 "\"]");
	assert_string_equal(f.types, "[\"indicator\"]");
	assert_int_equal(f.versions, TAXII_V_FIRST | TAXII_V_ALL | TAXII_V_EXACT);
	assert_string_equal(f.version_ms, "[1706745600123]");
	assert_int_equal(f.none, 0);
	taxiireq_filter_free(&f);

	/* a spec_version that is not 2.1: nothing matches */
	q = (struct taxii_query){ .match_spec_version = "2.0" };
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why), ST_OK);
	assert_int_equal(f.none, 1);
	taxiireq_filter_free(&f);

	/* over the server's maximum: the maximum */
	q = (struct taxii_query){ .limit = "100000" };
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why), ST_OK);
	assert_int_equal(f.limit, TAXII_LIMIT_MAX);
	taxiireq_filter_free(&f);
}

static void
test_filters_refused(void **state)
{
	static const struct {
		const char *name;
		struct taxii_query q;
		const char *why;
	} cases[] = {
		{ "added_after not a time", { .added_after = "yesterday" }, "added_after:" },
		{ "added_after no zone", { .added_after = "2024-01-01T00:00:00" }, "added_after:" },
		{ "added_after 10 digits", { .added_after = "2024-01-01T00:00:00.1234567890Z" },
		    "added_after:" },
		{ "limit 0", { .limit = "0" }, "limit:" },
		{ "limit negative", { .limit = "-5" }, "limit:" },
		{ "limit not a number", { .limit = "ten" }, "limit:" },
		{ "limit too long", { .limit = "1234567890123456789012" }, "limit:" },
		{ "empty id", { .match_id = ID1 "," }, "match[id]: an empty value" },
		{ "id with a space", { .match_id = "a b" }, "match[id]: a value that is not" },
		{ "empty type", { .match_type = "" }, "match[type]: an empty value" },
		{ "unknown version word", { .match_version = "newest" }, "match[version]:" },
		{ "empty spec_version", { .match_spec_version = ",2.1" }, "match[spec_version]:" },
		{ "next garbage", { .next = "garbage" }, "next: not a token" },
		{ "next short tag", { .next = "1.2.abc" }, "next: not a token" },
		{ "next not digits", { .next = "x.2.0123abcd" }, "next: not a token" },
		{ "next other tag", { .next = "1.2.0123abcd" }, "next: the token was made for other" },
	};
	char why[TAXII_WHY_MAX];
	struct taxii_filter f;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		status rc = taxiireq_filter(&cases[i].q, "objects c", TAXII_V_LAST, &f, why);

		if (rc != ST_INVALID || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("%s: %s (%s)", cases[i].name, status_str(rc), why);
	}
}

static void
test_too_many_values(void **state)
{
	char big[TAXII_MATCH_MAX * 3 + 8], why[TAXII_WHY_MAX];
	struct taxii_query q = { .match_type = big };
	struct taxii_filter f;
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= TAXII_MATCH_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "%sx", i ? "," : "");
	EXPECT(taxiireq_filter(&q, "s", TAXII_V_LAST, &f, why), ST_INVALID);
	big[n - 2] = '\0';	/* one fewer: TAXII_MATCH_MAX */
	EXPECT(taxiireq_filter(&q, "s", TAXII_V_LAST, &f, why), ST_OK);
	taxiireq_filter_free(&f);
}

/* A token goes back where it came from: the cursor moves past the row; a
 * token used with other filters, or for another scope, is refused; the
 * limit may change. */
static void
test_next(void **state)
{
	struct taxii_query q = { .match_type = "indicator", .limit = "5" };
	char why[TAXII_WHY_MAX], tok[TAXII_NEXT_MAX];
	struct taxii_filter f, g;

	(void)state;
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &f, why), ST_OK);
	taxiireq_next(&f, 1704067200000LL, 42, tok);
	q.next = tok;
	q.limit = "9";
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &g, why), ST_OK);
	assert_int_equal(g.after_ms, 1704067200000LL);
	assert_int_equal(g.after_seq, 42);
	assert_int_equal(g.limit, 9);
	assert_string_equal(f.tag, g.tag);
	taxiireq_filter_free(&g);
	q.match_type = "malware";
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &g, why), ST_INVALID);
	assert_non_null(strstr(why, "other filters"));
	q.match_type = "indicator";
	EXPECT(taxiireq_filter(&q, "manifest c", TAXII_V_LAST, &g, why), ST_INVALID);
	q.match_version = "all";
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &g, why), ST_INVALID);
	q.match_version = NULL;
	q.added_after = "2020-01-01T00:00:00Z";
	EXPECT(taxiireq_filter(&q, "objects c", TAXII_V_LAST, &g, why), ST_INVALID);
	taxiireq_filter_free(&f);

	/* with added_after: a later token wins over it */
	q = (struct taxii_query){ .added_after = "2020-01-01T00:00:00Z" };
	EXPECT(taxiireq_filter(&q, "s", TAXII_V_LAST, &f, why), ST_OK);
	taxiireq_next(&f, 1704067200000LL, 7, tok);
	q.next = tok;
	EXPECT(taxiireq_filter(&q, "s", TAXII_V_LAST, &g, why), ST_OK);
	assert_int_equal(g.after_ms, 1704067200000LL);
	assert_int_equal(g.after_seq, 7);
	taxiireq_filter_free(&f);
	taxiireq_filter_free(&g);
}

static void
test_times(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;	/* -1: refused */
	} cases[] = {
		{ "2024-01-01T00:00:00Z", 1704067200000LL },
		{ "2024-01-01T00:00:00.1Z", 1704067200100LL },
		{ "2024-01-01T00:00:00.123Z", 1704067200123LL },
		{ "2024-01-01T00:00:00.123999Z", 1704067200123LL },
		{ "2024-01-01T00:00:00.123456789Z", 1704067200123LL },
		{ "2024-01-01t00:00:00z", 1704067200000LL },
		{ "2024-01-01T00:00:00.Z", -1 },
		{ "2024-01-01T00:00:00.1234567890Z", -1 },
		{ "2024-01-01T00:00:00+00:00", -1 },
		{ "2024-13-01T00:00:00Z", -1 },
		{ "2024-01-01 00:00:00Z", -1 },
		{ "2024-01-01T00:00:00.12a4Z", -1 },
		{ "", -1 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		int64_t ms = -1;
		status rc = taxiireq_time(cases[i].s, &ms);

		if (cases[i].ms < 0 ? rc != ST_INVALID : rc != ST_OK || ms != cases[i].ms)
			fail_msg("%s: %s, %lld", cases[i].s, status_str(rc), (long long)ms);
	}
}

static void
test_media_types(void **state)
{
	static const struct {
		const char *h;
		status accept, ctype;
	} cases[] = {
		{ NULL, ST_OK, ST_MEDIA_TYPE },
		{ TAXII_MEDIA, ST_OK, ST_OK },
		{ "application/taxii+json; version=2.1", ST_OK, ST_OK },
		{ "Application/TAXII+JSON;Version=\"2.1\"", ST_OK, ST_OK },
		{ "application/taxii+json", ST_OK, ST_MEDIA_TYPE },
		{ "application/taxii+json;version=2.0", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
		{ "application/json", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
		{ "*/*", ST_OK, ST_MEDIA_TYPE },
		{ "application/*", ST_OK, ST_MEDIA_TYPE },
		{ "text/html, application/taxii+json;version=2.1;q=0.5", ST_OK, ST_MEDIA_TYPE },
		{ "application/taxii+json;version=2.1;q=0", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
		{ "application/taxii+json;version=2.1;charset=utf-8", ST_OK, ST_MEDIA_TYPE },
		{ "text/html", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
		{ "", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
		{ "application/taxii+json;version", ST_NOT_ACCEPTABLE, ST_MEDIA_TYPE },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		if (taxiireq_accept(cases[i].h) != cases[i].accept)
			fail_msg("Accept: %s", cases[i].h ? cases[i].h : "(none)");
		if (taxiireq_content_type(cases[i].h) != cases[i].ctype)
			fail_msg("Content-Type: %s", cases[i].h ? cases[i].h : "(none)");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_filters_refused),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_media_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
