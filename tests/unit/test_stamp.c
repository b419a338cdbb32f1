/* test_stamp.c - RFC 3339 times (exactly one spelling accepted) and
 * UUIDv7 identifiers (RFC 9562 §5.7). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/stamp.h"

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* Known instants; the values were computed independently (Python datetime). */
static const struct {
	const char *text;
	int64_t ms;
	const char *formatted;	/* what stamp_format gives back */
} known[] = {
	{ "1970-01-01T00:00:00.000Z", 0, "1970-01-01T00:00:00.000Z" },
	{ "1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00.000Z" },
	{ "2000-03-01T00:00:00Z", 951868800000, "2000-03-01T00:00:00.000Z" },
	{ "2000-02-29T00:00:00Z", 951782400000, "2000-02-29T00:00:00.000Z" },
	{ "2024-02-29T23:59:59.999Z", 1709251199999, "2024-02-29T23:59:59.999Z" },
	{ "2026-11-22T10:00:00.123Z", 1795341600123, "2026-11-22T10:00:00.123Z" },
	{ "1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59.999Z" },
	{ "1600-03-01T00:00:00Z", -11670912000000, "1600-03-01T00:00:00.000Z" },
	{ "9999-12-31T23:59:59.999Z", 253402300799999, "9999-12-31T23:59:59.999Z" },
};

static void
test_known_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char out[STAMP_TIME_LEN];
		int64_t ms = 42;

		check_rc(known[i].text, stamp_parse(known[i].text, &ms), ST_OK);
		assert_int_equal(ms, known[i].ms);
		stamp_format(known[i].ms, out);
		assert_string_equal(out, known[i].formatted);
	}
}

/* stamp_format writes the years 1970-9999 by hand and the rest with
 * gmtime_r and snprintf: the same text as gmtime_r and snprintf give, at
 * the edges and over a sweep of the range. */
static void
test_format_as_gmtime(void **state)
{
	static const int64_t edges[] = { 0, 999, 1000, 86399999, 86400000, 951782400000,
	    951868799999, 4107542399999, 4107542400000, 253402300799999, 253402300800000,
	    -1, -1000 };
	uint64_t x = 0x9e3779b97f4a7c15u;

	(void)state;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0] + 200000; i++) {
		int64_t ms;
		char got[STAMP_TIME_LEN], want[80];
		time_t secs;
		struct tm tm;
		int frac;

		if (i < sizeof edges / sizeof edges[0])
			ms = edges[i];
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
			ms = (int64_t)(x % 253402300800000u);
		}
		secs = (time_t)(ms / 1000);
		frac = (int)(ms % 1000);
		if (frac < 0)
			frac += 1000, secs--;
		gmtime_r(&secs, &tm);
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, frac);
		stamp_format(ms, got);
		if (strcmp(got, want) != 0)
			fail_msg("%lld: got %s, want %s", (long long)ms, got, want);
	}
}

/* format then parse gives back the same instant, to the millisecond */
static void
test_round_trip(void **state)
{
	static const int64_t fixed[] = {
		0, 1, 999, 1000, -1, -999, -1000, -1001, 86399999, 86400000,
		951868799999, 4102444800000, 253402300799999,
	};
	int64_t now = stamp_now_ms();

	(void)state;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] + 200; i++) {
		int64_t t, back;
		char out[STAMP_TIME_LEN];

		if (i < sizeof fixed / sizeof fixed[0])
			t = fixed[i];
		else	/* random instants between 1970 and 2100 */
			t = (int64_t)(randombytes_uniform(4102444) * (uint64_t)1000000 +
			    randombytes_uniform(1000000));
		stamp_format(t, out);
		assert_int_equal(strlen(out), STAMP_TIME_LEN - 1);
		assert_int_equal(stamp_parse(out, &back), ST_OK);
		assert_int_equal(back, t);
	}
	/* and the clock reads as a sensible time */
	assert_true(now > 1700000000000);	/* after November 2023 */
}

static const struct {
	const char *name, *text;
} bad[] = {
	{ "month 13", "2026-13-01T00:00:00Z" },
	{ "month 0", "2026-00-10T00:00:00Z" },
	{ "day 0", "2026-01-00T00:00:00Z" },
	{ "April 31", "2026-04-31T00:00:00Z" },
	{ "Feb 29 on a non-leap year", "2026-02-29T00:00:00Z" },
	{ "Feb 29 on a century non-leap year", "1900-02-29T00:00:00Z" },
	{ "Feb 30", "2024-02-30T00:00:00Z" },
	{ "hour 24", "2026-01-01T24:00:00Z" },
	{ "minute 60", "2026-01-01T00:60:00Z" },
	{ "second 60", "2026-01-01T23:59:60Z" },
	{ "missing Z", "2026-01-01T00:00:00" },
	{ "missing Z after fraction", "2026-01-01T00:00:00.000" },
	{ "lowercase t", "2026-01-01t00:00:00Z" },
	{ "lowercase z", "2026-01-01T00:00:00z" },
	{ "space for T", "2026-01-01 00:00:00Z" },
	{ "offset +00:00", "2026-01-01T00:00:00+00:00" },
	{ "fraction and offset", "2026-01-01T00:00:00.000+00:00" },
	{ "offset -05:00", "2026-01-01T00:00:00-05:00" },
	{ "leading junk", "x2026-01-01T00:00:00Z" },
	{ "leading space", " 2026-01-01T00:00:00Z" },
	{ "trailing junk", "2026-01-01T00:00:00Zx" },
	{ "trailing newline", "2026-01-01T00:00:00Z\n" },
	{ "two fraction digits", "2026-01-01T00:00:00.12Z" },
	{ "four fraction digits", "2026-01-01T00:00:00.1234Z" },
	{ "empty fraction", "2026-01-01T00:00:00.Z" },
	{ "comma fraction", "2026-01-01T00:00:00,123Z" },
	{ "one-digit month", "2026-1-01T00:00:00Z" },
	{ "five-digit year", "20260-01-01T00:00:00Z" },
	{ "signed year", "+2026-01-01T00:00:00Z" },
	{ "no seconds", "2026-01-01T00:00Z" },
	{ "date only", "2026-01-01" },
	{ "truncated", "2026-01-01T00:0" },
	{ "empty", "" },
	{ "letters in digits", "2026-0a-01T00:00:00Z" },
};

static void
test_parse_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ms = 0;

		check_rc(bad[i].name, stamp_parse(bad[i].text, &ms), ST_PARSE);
	}
}

/* ms since the epoch from a UUIDv7's first 48 bits */
static int64_t
uuid_ms(const char *u)
{
	char hex[13];
	int64_t ms = 0;

	memcpy(hex, u, 8);
	memcpy(hex + 8, u + 9, 4);
	hex[12] = '\0';
	for (int i = 0; i < 12; i++)
		ms = ms * 16 + (hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return ms;
}

static void
test_uuid7_format(void **state)
{
	int64_t before, after;
	char u[STAMP_UUID_LEN];

	(void)state;
	for (int i = 0; i < 100; i++) {
		before = stamp_now_ms();
		stamp_uuid7(u);
		after = stamp_now_ms();
		assert_int_equal(strlen(u), 36);
		assert_true(stamp_is_uuid(u));
		assert_int_equal(u[14], '7');				/* version */
		assert_non_null(strchr("89ab", u[19]));	/* variant 10xx */
		assert_true(uuid_ms(u) >= before);		/* the time it was made */
		assert_true(uuid_ms(u) <= after);
	}
}

/* Identifiers made later sort later (by their time prefix), and never repeat. */
static void
test_uuid7_ordered_unique(void **state)
{
	enum { N = 2000 };
	static char u[N][STAMP_UUID_LEN];

	(void)state;
	for (int i = 0; i < N; i++) {
		stamp_uuid7(u[i]);
		if (i > 0)
			assert_true(strncmp(u[i - 1], u[i], 13) <= 0);
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_string_not_equal(u[i], u[j]);
}

static const struct {
	const char *name, *text;
	int ok;
} uuids[] = {
	{ "RFC 9562 example v7", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f", 1 },
	{ "nil", "00000000-0000-0000-0000-000000000000", 1 },
	{ "uppercase", "017F22E2-79B0-7CC3-98C4-DC0C0C07398F", 0 },
	{ "one uppercase", "017f22e2-79b0-7cc3-98c4-dc0c0c07398F", 0 },
	{ "no dashes", "017f22e279b07cc398c4dc0c0c07398f", 0 },
	{ "dash moved", "017f22e-279b0-7cc3-98c4-dc0c0c07398f", 0 },
	{ "underscore for dash", "017f22e2_79b0-7cc3-98c4-dc0c0c07398f", 0 },
	{ "one short", "017f22e2-79b0-7cc3-98c4-dc0c0c07398", 0 },
	{ "one long", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0", 0 },
	{ "trailing newline", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n", 0 },
	{ "not hex (g)", "017f22e2-79b0-7cc3-98c4-dc0c0c07398g", 0 },
	{ "braces", "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}", 0 },
	{ "urn", "urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f", 0 },
	{ "empty", "", 0 },
	{ "path", "../../../../../../../../../etc/passwd", 0 },
};

static void
test_is_uuid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof uuids / sizeof uuids[0]; i++)
		if (stamp_is_uuid(uuids[i].text) != uuids[i].ok)
			fail_msg("%s: stamp_is_uuid gave %d", uuids[i].name, !uuids[i].ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_format_as_gmtime),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_uuid7_format),
		cmocka_unit_test(test_uuid7_ordered_unique),
		cmocka_unit_test(test_is_uuid),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
