/* test_tz.c - zone names and local times: a daylight-saving change moves
 * how a time is written, never the instant (deadlines stay in UTC). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/stamp.h"
#include "util/tz.h"

static void
test_names(void **state)
{
	static const char *good[] = { "UTC", "Europe/Vienna", "America/Argentina/Buenos_Aires",
	    "Etc/GMT+5", "Asia/Ust-Nera" };
	static const char *bad[] = { "", "/etc/passwd", "Europe/../../etc/passwd", "..",
	    "Europe//Vienna", "Europe/", "-x", "Europe/Vi enna", "Europe/Vienna\n",
	    "./UTC", "A/.", "A/..",
	    "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!tz_name_ok(good[i]))
			fail_msg("refused the zone name '%s'", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tz_name_ok(bad[i]))
			fail_msg("accepted the zone name '%s'", bad[i]);
	assert_false(tz_known("Europe/Atlantis"));
	assert_false(tz_known("zone.tab"));	/* in the folder, not a zone */
	assert_true(tz_known("UTC"));
}

/* check_local - ms (RFC 3339 text) in zone is written want. */
static void
check_local(const char *when, const char *zone, const char *want)
{
	char out[TZ_LOCAL_LEN];
	int64_t ms;

	assert_int_equal(stamp_parse(when, &ms), ST_OK);
	assert_int_equal(tz_local(ms, zone, out), ST_OK);
	if (strcmp(out, want) != 0)
		fail_msg("%s in %s: got '%s', want '%s'", when, zone, out, want);
}

static void
test_dst(void **state)
{
	char out[TZ_LOCAL_LEN];

	(void)state;
	if (!tz_known("Europe/Vienna"))
		skip();	/* no tz database here (Debian's tzdata) */
	/* Vienna goes from CET to CEST at 01:00Z on 2026-03-29: an hour apart
	 * in UTC, two hours apart on the clock on the wall */
	check_local("2026-03-29T00:30:00Z", "Europe/Vienna", "2026-03-29 01:30:00 CET (UTC+01:00)");
	check_local("2026-03-29T01:30:00Z", "Europe/Vienna", "2026-03-29 03:30:00 CEST (UTC+02:00)");
	check_local("2026-10-25T00:30:00Z", "Europe/Vienna", "2026-10-25 02:30:00 CEST (UTC+02:00)");
	check_local("2026-10-25T01:30:00Z", "Europe/Vienna", "2026-10-25 02:30:00 CET (UTC+01:00)");
	check_local("2026-11-26T12:00:00Z", "UTC", "2026-11-26 12:00:00 UTC (UTC+00:00)");
	check_local("2026-11-26T12:00:00Z", "America/St_Johns",
	    "2026-11-26 08:30:00 NST (UTC-03:30)");
	/* the process's own TZ is put back */
	setenv("TZ", "UTC", 1);
	assert_int_equal(tz_local(0, "Asia/Tokyo", out), ST_OK);
	assert_string_equal(getenv("TZ"), "UTC");
	assert_int_equal(tz_local(0, "Europe/Atlantis", out), ST_INVALID);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_dst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
