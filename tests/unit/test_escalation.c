/* test_escalation.c - escalation plans: a valid plan read; every rule
 * broken in turn refused with a why naming the member by its JSON path;
 * when each step is due, by duration and by share of the deadline, in
 * list order even when a later step names an earlier time, and when the
 * item has no deadline; arithmetic at the edges of int64_t; the canonical
 * text, read back to itself. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/duration.h"
#include "fmt/escalation.h"
#include "util/stamp.h"
#include "testcheck.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)

static struct escalation *
must_parse(const char *json)
{
	char why[ESCALATION_WHY_MAX];
	struct escalation *p = NULL;

	if (escalation_parse(json, strlen(json), &p, why) != ST_OK)
		fail_msg("%s (in %.300s)", why, json);
	assert_string_equal(why, "");
	return p;
}

static const char example[] =
    "{\"steps\":[{\"after\":\"PT5M\",\"role\":\"duty\"},"
    "{\"after\":\"50%\",\"role\":\"supervisor\"},{\"after\":\"100%\",\"role\":\"head\"}]}";

static void
test_valid(void **state)
{
	struct escalation *p = must_parse(example);

	(void)state;
	assert_int_equal(escalation_n_steps(p), 3);
	assert_int_equal(escalation_step_role(p, 0), ROSTER_DUTY);
	assert_int_equal(escalation_step_role(p, 1), ROSTER_SUPERVISOR);
	assert_int_equal(escalation_step_role(p, 2), ROSTER_HEAD);
	assert_string_equal(escalation_step_after(p, 0), "PT5M");
	assert_string_equal(escalation_step_after(p, 1), "50%");
	assert_string_equal(escalation_step_after(p, 2), "100%");
	escalation_free(p);
	escalation_free(NULL);
}

#define STEP(a, r) "{\"after\":\"" a "\",\"role\":\"" r "\"}"
#define ONE(a) "{\"steps\":[" STEP(a, "duty") "]}"
#define SHARE_WHY "not a share of the deadline (1% to 100%, no leading zero)"
#define DUR_WHY "not an ISO 8601 duration (PnW or P[nD][T[nH][nM][nS]]) or a share of the " \
	"deadline (N%)"

static const struct {
	const char *json;
	status rc;
	const char *why;
} bad[] = {
	/* the document */
	{ "", ST_PARSE, "(top): not JSON: " },
	{ "[" STEP("PT5M", "duty") "]", ST_PARSE, "(top): not a JSON object" },
	{ "{\"steps\":[" STEP("PT5M", "duty") "],\"steps\":[]}", ST_PARSE,
	    "(top): not JSON: duplicate object key" },
	{ "{}", ST_INVALID, "steps: missing" },
	{ "{\"steps\":[" STEP("PT5M", "duty") "],\"repeat\":true}", ST_INVALID,
	    "repeat: unknown member" },
	{ "{\"steps\":" STEP("PT5M", "duty") "}", ST_INVALID, "steps: not an array" },
	{ "{\"steps\":[]}", ST_INVALID, "steps: empty" },
	{ "{\"steps\":[" STEP("PT1M", "duty") "," STEP("PT2M", "duty") "," STEP("PT3M", "duty") ","
	    STEP("PT4M", "duty") "," STEP("PT5M", "duty") "," STEP("PT6M", "duty") ","
	    STEP("PT7M", "duty") "," STEP("PT8M", "duty") "," STEP("PT9M", "duty") ","
	    STEP("PT10M", "duty") "," STEP("PT11M", "duty") "," STEP("PT12M", "duty") ","
	    STEP("PT13M", "duty") "," STEP("PT14M", "duty") "," STEP("PT15M", "duty") ","
	    STEP("PT16M", "duty") "," STEP("PT17M", "duty") "]}", ST_INVALID,
	    "steps: more than 16 elements" },
	/* a step */
	{ "{\"steps\":[" STEP("PT5M", "duty") ",\"head\"]}", ST_INVALID, "steps[1]: not an object" },
	{ "{\"steps\":[{\"after\":\"PT5M\",\"role\":\"duty\",\"via\":\"sms\"}]}", ST_INVALID,
	    "steps[0].via: unknown member" },
	{ "{\"steps\":[{\"role\":\"duty\"}]}", ST_INVALID, "steps[0].after: missing" },
	{ "{\"steps\":[{\"after\":\"PT5M\"}]}", ST_INVALID, "steps[0].role: missing" },
	{ "{\"steps\":[{\"after\":\"PT5M\",\"after\":\"PT6M\",\"role\":\"duty\"}]}", ST_PARSE,
	    "(top): not JSON: duplicate object key" },
	/* role */
	{ "{\"steps\":[" STEP("PT5M", "duty") "," STEP("PT10M", "minister") "]}", ST_INVALID,
	    "steps[1].role: not one of duty, supervisor, head" },
	{ "{\"steps\":[{\"after\":\"PT5M\",\"role\":[\"duty\"]}]}", ST_INVALID,
	    "steps[0].role: not one of duty, supervisor, head" },
	/* after: a duration */
	{ "{\"steps\":[{\"after\":300,\"role\":\"duty\"}]}", ST_INVALID,
	    "steps[0].after: not a string" },
	{ ONE("5m"), ST_INVALID, "steps[0].after: " DUR_WHY },
	{ ONE("P1M"), ST_INVALID, "steps[0].after: " DUR_WHY },
	{ ONE("pt5m"), ST_INVALID, "steps[0].after: " DUR_WHY },
	{ ONE("-PT5M"), ST_INVALID, "steps[0].after: " DUR_WHY },
	{ ONE(""), ST_INVALID, "steps[0].after: " DUR_WHY },
	{ ONE("P36526D"), ST_INVALID, "steps[0].after: longer than 36525 days" },
	/* after: a share of the deadline */
	{ ONE("0%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("101%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("1000%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("050%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("+50%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("-5%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("50.5%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("50 %"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("50%%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("%"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	{ ONE("%50"), ST_INVALID, "steps[0].after: " SHARE_WHY },
	/* the same step twice, however spelled */
	{ "{\"steps\":[" STEP("PT5M", "duty") "," STEP("PT300S", "duty") "]}", ST_INVALID,
	    "steps[1]: the same step as steps[0]" },
	{ "{\"steps\":[" STEP("50%", "head") "," STEP("PT5M", "duty") "," STEP("50%", "head") "]}",
	    ST_INVALID, "steps[2]: the same step as steps[0]" },
};

static void
test_bad(void **state)
{
	char why[ESCALATION_WHY_MAX];
	struct escalation *p;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status rc = escalation_parse(bad[i].json, strlen(bad[i].json), &p, why);

		if (rc != bad[i].rc || strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad[i].json,
			    status_str(rc), why, status_str(bad[i].rc), bad[i].why);
		if (strstr(bad[i].why, "not JSON: ") == NULL)
			assert_string_equal(why, bad[i].why);
		assert_null(p);
	}
}

/* test_not_the_same - one step per role at one time, or one role at two
 * times, are different steps; so are a duration and a share that happen
 * to fall together; and the boundaries 1%, 100% and PT0S are steps. */
static void
test_not_the_same(void **state)
{
	struct escalation *p = must_parse("{\"steps\":[" STEP("PT0S", "duty") ","
	    STEP("PT0S", "supervisor") "," STEP("1%", "duty") "," STEP("PT30M", "head") ","
	    STEP("50%", "head") "," STEP("100%", "head") "]}");

	(void)state;
	assert_int_equal(escalation_n_steps(p), 6);
	escalation_free(p);
}

/* due - step i's due time relative to the receipt, in ms; -1 for "none". */
static int64_t
due(const struct escalation *p, size_t i, int64_t ack_ms)
{
	int64_t received = 0, t = -7777;
	status rc;

	assert_true(stamp_parse("2026-11-26T10:00:00Z", &received) == ST_OK);
	rc = escalation_due(p, i, received, ack_ms, &t);
	if (rc == ST_NOTFOUND) {
		assert_true(t == -7777);	/* untouched */
		return -1;
	}
	EXPECT(rc, ST_OK);
	return t - received;
}

/* test_due - the example: duty after five minutes, the supervisor at half
 * the deadline, the head at the deadline. */
static void
test_due(void **state)
{
	struct escalation *p = must_parse(example);
	int64_t t = 0;

	(void)state;
	/* an hour to acknowledge */
	assert_true(due(p, 0, HOUR_MS) == 5 * MIN_MS);
	assert_true(due(p, 1, HOUR_MS) == 30 * MIN_MS);
	assert_true(due(p, 2, HOUR_MS) == HOUR_MS);
	/* four minutes to acknowledge: the supervisor's 2 minutes wait for
	 * duty's 5, and so does the head's 4 */
	assert_true(due(p, 0, 4 * MIN_MS) == 5 * MIN_MS);
	assert_true(due(p, 1, 4 * MIN_MS) == 5 * MIN_MS);
	assert_true(due(p, 2, 4 * MIN_MS) == 5 * MIN_MS);
	/* a deadline of zero: the shares fall due at receipt, after duty */
	assert_true(due(p, 1, 0) == 5 * MIN_MS);
	/* no deadline: only duty is called */
	assert_true(due(p, 0, -1) == 5 * MIN_MS);
	assert_true(due(p, 1, -1) == -1);
	assert_true(due(p, 2, -1) == -1);
	assert_true(due(p, 2, INT64_MIN) == -1);
	/* not a step */
	EXPECT(escalation_due(p, 3, 0, HOUR_MS, &t), ST_INVALID);
	EXPECT(escalation_due(p, SIZE_MAX, 0, HOUR_MS, &t), ST_INVALID);
	assert_true(t == 0);
	escalation_free(p);
}

/* test_order - steps fire in the order listed: a later step naming an
 * earlier time waits for the step before it. */
static void
test_order(void **state)
{
	struct escalation *p = must_parse("{\"steps\":[" STEP("PT20M", "duty") ","
	    STEP("10%", "supervisor") "," STEP("PT10M", "head") "," STEP("PT1H", "head") "]}");

	(void)state;
	assert_true(due(p, 0, HOUR_MS) == 20 * MIN_MS);
	assert_true(due(p, 1, HOUR_MS) == 20 * MIN_MS);	/* 6 minutes, after 20 */
	assert_true(due(p, 2, HOUR_MS) == 20 * MIN_MS);
	assert_true(due(p, 3, HOUR_MS) == HOUR_MS);
	/* a ten-hour deadline: 10% is the hour, and the head's ten minutes wait for it */
	assert_true(due(p, 1, 10 * HOUR_MS) == HOUR_MS);
	assert_true(due(p, 2, 10 * HOUR_MS) == HOUR_MS);
	escalation_free(p);
}

/* test_skipped - with no deadline a share is skipped, and the steps after
 * it are due from the last step that had a time. */
static void
test_skipped(void **state)
{
	struct escalation *p = must_parse("{\"steps\":[" STEP("PT1H", "duty") ","
	    STEP("50%", "supervisor") "," STEP("PT10M", "supervisor") "," STEP("PT2H", "head") "]}");
	struct escalation *q = must_parse("{\"steps\":[" STEP("50%", "duty") ","
	    STEP("100%", "supervisor") "," STEP("PT5M", "head") "]}");

	(void)state;
	assert_true(due(p, 0, -1) == HOUR_MS);
	assert_true(due(p, 1, -1) == -1);
	assert_true(due(p, 2, -1) == HOUR_MS);	/* from duty's hour, not its own ten minutes */
	assert_true(due(p, 3, -1) == 2 * HOUR_MS);
	/* with a deadline of four hours the share is two, and the rest wait */
	assert_true(due(p, 1, 4 * HOUR_MS) == 2 * HOUR_MS);
	assert_true(due(p, 2, 4 * HOUR_MS) == 2 * HOUR_MS);
	/* a plan whose first steps are shares: the first duration stands alone */
	assert_true(due(q, 0, -1) == -1);
	assert_true(due(q, 1, -1) == -1);
	assert_true(due(q, 2, -1) == 5 * MIN_MS);
	escalation_free(p);
	escalation_free(q);
}

/* test_arithmetic - shares round down to the millisecond, in integers,
 * without overflow; a time past the end of int64_t is its end. */
static void
test_arithmetic(void **state)
{
	struct escalation *p = must_parse("{\"steps\":[" STEP("1%", "duty") ","
	    STEP("33%", "duty") "," STEP("50%", "supervisor") "," STEP("100%", "head") "]}");
	struct escalation *d = must_parse("{\"steps\":[" STEP("PT0S", "duty") ","
	    STEP("P36525D", "head") "]}");
	int64_t t = 0;

	(void)state;
	assert_true(due(p, 0, 99) == 0);	/* 0.99 ms */
	assert_true(due(p, 0, 100) == 1);
	assert_true(due(p, 1, 999) == 329);	/* 329.67 */
	assert_true(due(p, 2, 999) == 499);	/* 499.5 */
	assert_true(due(p, 3, 999) == 999);
	/* the largest deadline: 50% of INT64_MAX exactly, rounded down */
	EXPECT(escalation_due(p, 2, 0, INT64_MAX, &t), ST_OK);
	assert_true(t == INT64_MAX / 2);
	EXPECT(escalation_due(p, 1, 0, INT64_MAX, &t), ST_OK);
	assert_true(t == INT64_C(3043712772162076016));	/* INT64_MAX * 33 / 100 */
	EXPECT(escalation_due(p, 3, 0, INT64_MAX, &t), ST_OK);
	assert_true(t == INT64_MAX);
	/* saturation */
	EXPECT(escalation_due(p, 3, INT64_MAX - 10, 1000, &t), ST_OK);
	assert_true(t == INT64_MAX);
	EXPECT(escalation_due(d, 1, INT64_MAX - 10, -1, &t), ST_OK);
	assert_true(t == INT64_MAX);
	/* PT0S is the receipt itself; a hundred years is a hundred years */
	EXPECT(escalation_due(d, 0, -5, -1, &t), ST_OK);
	assert_true(t == -5);
	EXPECT(escalation_due(d, 1, 0, -1, &t), ST_OK);
	assert_true(t == DURATION_MAX_S * 1000);
	escalation_free(p);
	escalation_free(d);
}

static const char *
canon(const struct escalation *p)
{
	static char text[ESCALATION_BYTES_MAX];
	struct buf b;

	buf_init(&b, sizeof text - 1);
	EXPECT(escalation_canon(p, &b), ST_OK);
	memcpy(text, buf_str(&b), b.len + 1);
	buf_free(&b);
	return text;
}

/* test_canon - durations written the one way duration_format writes them,
 * keys sorted, and read back to the same text and the same due times. */
static void
test_canon(void **state)
{
	static const char want[] =
	    "{\"steps\":[{\"after\":\"P7D\",\"role\":\"duty\"},"
	    "{\"after\":\"PT1H30M\",\"role\":\"supervisor\"},{\"after\":\"PT0S\",\"role\":\"head\"},"
	    "{\"after\":\"7%\",\"role\":\"head\"}]}";
	struct escalation *p = must_parse("{ \"steps\": [ {\"role\":\"duty\",\"after\":\"P1W\"},\n"
	    "{\"after\":\"PT90M\",\"role\":\"supervisor\"}, {\"after\":\"P0D\",\"role\":\"head\"},"
	    "{\"after\":\"7%\",\"role\":\"head\"} ] }"), *back;
	struct buf small;

	(void)state;
	assert_string_equal(canon(p), want);
	back = must_parse(want);
	assert_string_equal(canon(back), want);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(escalation_step_after(back, i), escalation_step_after(p, i));
		assert_true(due(back, i, HOUR_MS) == due(p, i, HOUR_MS));
	}
	escalation_free(back);
	escalation_free(p);

	p = must_parse(example);
	assert_string_equal(canon(p), example);
	buf_init(&small, 10);
	EXPECT(escalation_canon(p, &small), ST_TOOBIG);
	assert_int_equal(small.len, 0);
	buf_free(&small);
	escalation_free(p);
}

/* test_limits - sixteen steps are read; a plan over 16 KiB is not. */
static void
test_limits(void **state)
{
	char text[ESCALATION_BYTES_MAX + 2], why[ESCALATION_WHY_MAX];
	struct escalation *p;
	size_t len = 0;

	(void)state;
	len += (size_t)snprintf(text, sizeof text, "{\"steps\":[");
	for (int i = 1; i <= ESCALATION_STEPS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		    "%s{\"after\":\"PT%dM\",\"role\":\"head\"}", i > 1 ? "," : "", i);
	len += (size_t)snprintf(text + len, sizeof text - len, "]}");
	p = must_parse(text);
	assert_int_equal(escalation_n_steps(p), 16);
	assert_true(due(p, 15, -1) == 16 * MIN_MS);
	escalation_free(p);
	memset(text + len, ' ', sizeof text - len);
	EXPECT(escalation_parse(text, ESCALATION_BYTES_MAX, &p, why), ST_OK);
	escalation_free(p);
	EXPECT(escalation_parse(text, ESCALATION_BYTES_MAX + 1, &p, why), ST_TOOBIG);
	assert_string_equal(why, "(top): 16385 bytes, over the 16384 allowed");
	assert_null(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_not_the_same),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
