/* test_duration.c - ISO 8601 durations of fixed length: the subset read
 * (weeks alone, or days and a time part in order), every other spelling
 * refused, and duration_format writing what duration_parse reads back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fmt/duration.h"
#include "testcheck.h"

static const struct {
	const char *text;
	int64_t seconds;
} good[] = {
	{ "PT0S", 0 },
	{ "P0D", 0 },
	{ "PT10M", 600 },
	{ "PT1H", 3600 },
	{ "PT1H30M", 5400 },
	{ "PT1H1S", 3601 },	/* ISO 8601 allows a gap; RFC 3339's ABNF does not */
	{ "PT90M", 5400 },
	{ "P1D", 86400 },
	{ "P1DT12H", 129600 },
	{ "P1DT1H1M1S", 90061 },
	{ "P2W", 1209600 },
	{ "P365D", 31536000 },
	{ "PT007M", 420 },
	{ "P36525D", DURATION_MAX_S },
	{ "PT999999999S", 999999999 },
};

static const char *const bad[] = {
	"", "P", "PT", "T1H", "p1d", "P1d", "pt1h", "P1Y", "P1M", "P1Y2M", "P1DT",
	"PT1D", "P1H", "P1S", "PT1M1H", "PT1S1M", "PT1H1H", "P1D1D", "P1W1D", "P1WT1H",
	"P1DT1H2W", "PT1.5S", "PT1,5S", "P-1D", "P+1D", "-P1D", "PT1H ", " PT1H",
	"PT1234567890S", "P1", "PT1", "PTS", "PD", "P1DX", "PT1HT1M", "P1DTT1H",
};

static void
test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int64_t s = -1;

		EXPECT(duration_parse(good[i].text, &s), ST_OK);
		if (s != good[i].seconds)
			fail_msg("%s: %lld seconds, want %lld", good[i].text, (long long)s,
			    (long long)good[i].seconds);
	}
}

static void
test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t s = 42;

		if (duration_parse(bad[i], &s) != ST_PARSE)
			fail_msg("\"%s\" was read", bad[i]);
		assert_int_equal(s, 42);	/* untouched */
	}
}

/* a hundred years of 365.25 days is the most; past it is refused as such */
static void
test_too_long(void **state)
{
	int64_t s = 42;

	(void)state;
	EXPECT(duration_parse("P36526D", &s), ST_INVALID);
	EXPECT(duration_parse("PT3155760001S", &s), ST_PARSE);	/* 10 digits */
	EXPECT(duration_parse("P999999999W", &s), ST_INVALID);
	EXPECT(duration_parse("P36525DT1S", &s), ST_INVALID);
	assert_int_equal(s, 42);
}

static void
test_format(void **state)
{
	static const struct {
		int64_t s;
		const char *text;
	} known[] = {
		{ 0, "PT0S" }, { 1, "PT1S" }, { 600, "PT10M" }, { 3600, "PT1H" },
		{ 86400, "P1D" }, { 90061, "P1DT1H1M1S" }, { 1209600, "P14D" },
		{ DURATION_MAX_S, "P36525D" }, { DURATION_MAX_S + 1, "P36525D" }, { -5, "PT0S" },
		{ DURATION_MAX_S - 1, "P36524DT23H59M59S" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		char out[DURATION_TEXT_MAX];
		int64_t back = -1;

		duration_format(known[i].s, out);
		assert_string_equal(out, known[i].text);
		EXPECT(duration_parse(out, &back), ST_OK);
	}
	for (int64_t s = 0; s < 200000; s += 997) {
		char out[DURATION_TEXT_MAX];
		int64_t back = -1;

		duration_format(s, out);
		EXPECT(duration_parse(out, &back), ST_OK);
		assert_int_equal(back, s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
