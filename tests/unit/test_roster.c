/* test_roster.c - a watch desk's roster: a valid roster read and sorted;
 * every rule broken in turn refused with a why naming the member by its
 * JSON path; who is on duty at a shift's first and last millisecond (start
 * inclusive, end exclusive) and who comes next; a shift over the night the
 * clocks go back; the canonical text, read back to itself; the limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/roster.h"
#include "util/stamp.h"
#include "util/tz.h"
#include "testcheck.h"

static int64_t
at(const char *s)
{
	int64_t ms = 0;

	if (stamp_parse(s, &ms) != ST_OK)
		fail_msg("bad time in test: %s", s);
	return ms;
}

static struct roster *
must_parse(const char *json)
{
	char why[ROSTER_WHY_MAX];
	struct roster *r = NULL;

	if (roster_parse(json, strlen(json), &r, why) != ST_OK)
		fail_msg("%s (in %.300s)", why, json);
	assert_string_equal(why, "");
	return r;
}

static void
test_roles(void **state)
{
	static const char *const names[] = { "duty", "supervisor", "head" };
	enum roster_role r = ROSTER_HEAD;

	(void)state;
	for (int i = 0; i < ROSTER_ROLES; i++) {
		EXPECT(roster_role_parse(names[i], &r), ST_OK);
		assert_int_equal(r, i);
		assert_string_equal(roster_role_name(r), names[i]);
	}
	EXPECT(roster_role_parse("Duty", &r), ST_PARSE);
	EXPECT(roster_role_parse("duty ", &r), ST_PARSE);
	EXPECT(roster_role_parse("", &r), ST_PARSE);
	assert_int_equal(r, ROSTER_HEAD);	/* untouched */
	assert_string_equal(roster_role_name(ROSTER_ROLES), "?");
}

/* The day of 2026-11-26, written out of order: ana and dan duty, ben the
 * night duty, cho supervising, eve head from the day before. */
static const char day[] =
    "{\"shifts\":["
    "{\"officer\":\"ben\",\"role\":\"duty\",\"start\":\"2026-11-26T18:00:00Z\","
    "\"end\":\"2026-11-27T06:00:00Z\"},"
    "{\"officer\":\"cho\",\"role\":\"supervisor\",\"start\":\"2026-11-26T08:00:00Z\","
    "\"end\":\"2026-11-26T20:00:00Z\"},"
    "{\"role\":\"duty\",\"officer\":\"dan\",\"end\":\"2026-11-26T14:00:00.000Z\","
    "\"start\":\"2026-11-26T06:00:00Z\"},"
    "{\"officer\":\"ana\",\"role\":\"duty\",\"start\":\"2026-11-26T06:00:00Z\","
    "\"end\":\"2026-11-26T18:00:00Z\"},"
    "{\"officer\":\"eve\",\"role\":\"head\",\"start\":\"2026-11-25T00:00:00Z\","
    "\"end\":\"2026-12-02T00:00:00Z\"}"
    "]}";

/* test_sorted - the shifts come back by start, then role, then officer. */
static void
test_sorted(void **state)
{
	static const struct {
		const char *officer;
		enum roster_role role;
		const char *start, *end;
	} want[] = {
		{ "eve", ROSTER_HEAD, "2026-11-25T00:00:00Z", "2026-12-02T00:00:00Z" },
		{ "ana", ROSTER_DUTY, "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z" },
		{ "dan", ROSTER_DUTY, "2026-11-26T06:00:00Z", "2026-11-26T14:00:00Z" },
		{ "cho", ROSTER_SUPERVISOR, "2026-11-26T08:00:00Z", "2026-11-26T20:00:00Z" },
		{ "ben", ROSTER_DUTY, "2026-11-26T18:00:00Z", "2026-11-27T06:00:00Z" },
	};
	struct roster *r = must_parse(day);

	(void)state;
	assert_int_equal(roster_n_shifts(r), 5);
	for (size_t i = 0; i < 5; i++) {
		const struct roster_shift *s = roster_shift_at(r, i);

		assert_non_null(s);
		assert_string_equal(s->officer, want[i].officer);
		assert_int_equal(s->role, want[i].role);
		assert_true(s->start_ms == at(want[i].start));
		assert_true(s->end_ms == at(want[i].end));
	}
	assert_null(roster_shift_at(r, 5));
	roster_free(r);
	roster_free(NULL);

	/* an empty roster clears one */
	r = must_parse("{\"shifts\":[]}");
	assert_int_equal(roster_n_shifts(r), 0);
	assert_null(roster_shift_at(r, 0));
	assert_null(roster_next(r, ROSTER_DUTY, 0));
	assert_int_equal(roster_on_duty(r, ROSTER_DUTY, 0, NULL, 0), 0);
	roster_free(r);
}

#define SHIFT(o, r, s, e) "{\"officer\":\"" o "\",\"role\":\"" r "\",\"start\":\"" s \
	"\",\"end\":\"" e "\"}"
#define ANA SHIFT("ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
#define TIME_WHY "not a UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)"
#define NAME_WHY "not an officer's name ([a-z0-9][a-z0-9._-]{0,62})"

static const struct {
	const char *json;
	status rc;
	const char *why;
} bad[] = {
	/* the document */
	{ "", ST_PARSE, "(top): not JSON: " },
	{ "{\"shifts\":[", ST_PARSE, "(top): not JSON: " },
	{ "[]", ST_PARSE, "(top): not a JSON object" },
	{ "null", ST_PARSE, "(top): not a JSON object" },
	{ "{\"shifts\":[],\"shifts\":[]}", ST_PARSE, "(top): not JSON: duplicate object key" },
	{ "{}", ST_INVALID, "shifts: missing" },
	{ "{\"shifts\":[],\"zone\":\"UTC\"}", ST_INVALID, "zone: unknown member" },
	{ "{\"shifts\":[],\"b\":1,\"a\":2}", ST_INVALID, "a: unknown member" },
	{ "{\"shifts\":{}}", ST_INVALID, "shifts: not an array" },
	{ "{\"shifts\":null}", ST_INVALID, "shifts: not an array" },
	/* a shift */
	{ "{\"shifts\":[" ANA ",7]}", ST_INVALID, "shifts[1]: not an object" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"role\":\"duty\",\"start\":\"2026-11-26T06:00:00Z\","
	    "\"end\":\"2026-11-26T18:00:00Z\",\"note\":\"x\"}]}", ST_INVALID,
	    "shifts[0].note: unknown member" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"officer\":\"ben\",\"role\":\"duty\","
	    "\"start\":\"2026-11-26T06:00:00Z\",\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_PARSE,
	    "(top): not JSON: duplicate object key" },
	{ "{\"shifts\":[{\"role\":\"duty\",\"start\":\"2026-11-26T06:00:00Z\","
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].officer: missing" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"start\":\"2026-11-26T06:00:00Z\","
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].role: missing" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"role\":\"duty\","
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].start: missing" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"role\":\"duty\","
	    "\"start\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].end: missing" },
	/* officer */
	{ "{\"shifts\":[{\"officer\":7,\"role\":\"duty\",\"start\":\"2026-11-26T06:00:00Z\","
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].officer: not a string" },
	{ "{\"shifts\":[" SHIFT("Ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].officer: " NAME_WHY },
	{ "{\"shifts\":[" SHIFT("", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].officer: " NAME_WHY },
	{ "{\"shifts\":[" SHIFT("-ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].officer: " NAME_WHY },
	{ "{\"shifts\":[" SHIFT("ana b", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].officer: " NAME_WHY },
	{ "{\"shifts\":[" SHIFT("a123456789012345678901234567890123456789012345678901234567890123",
	    "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z") "]}", ST_INVALID,
	    "shifts[0].officer: " NAME_WHY },
	/* role */
	{ "{\"shifts\":[" ANA "," SHIFT("ben", "chief", "2026-11-26T06:00:00Z",
	    "2026-11-26T18:00:00Z") "]}", ST_INVALID,
	    "shifts[1].role: not one of duty, supervisor, head" },
	{ "{\"shifts\":[" SHIFT("ana", "DUTY", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].role: not one of duty, supervisor, head" },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"role\":0,\"start\":\"2026-11-26T06:00:00Z\","
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID,
	    "shifts[0].role: not one of duty, supervisor, head" },
	/* times: UTC only, as stamp_parse reads them */
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26T07:00:00+01:00", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].start: " TIME_WHY },
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26 06:00:00Z", "2026-11-26T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].start: " TIME_WHY },
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26T06:00:00Z", "2026-11-31T18:00:00Z")
	    "]}", ST_INVALID, "shifts[0].end: " TIME_WHY },
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00z")
	    "]}", ST_INVALID, "shifts[0].end: " TIME_WHY },
	{ "{\"shifts\":[{\"officer\":\"ana\",\"role\":\"duty\",\"start\":1795413600000,"
	    "\"end\":\"2026-11-26T18:00:00Z\"}]}", ST_INVALID, "shifts[0].start: " TIME_WHY },
	/* end after start, by at most 31 days */
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T06:00:00Z")
	    "]}", ST_INVALID, "shifts[0].end: not later than start" },
	{ "{\"shifts\":[" ANA "," ANA "," SHIFT("ana", "duty", "2026-11-26T18:00:00Z",
	    "2026-11-26T06:00:00Z") "]}", ST_INVALID, "shifts[2].end: not later than start" },
	{ "{\"shifts\":[" SHIFT("ana", "duty", "2026-11-26T06:00:00.000Z", "2026-11-26T05:59:59.999Z")
	    "]}", ST_INVALID, "shifts[0].end: not later than start" },
	{ "{\"shifts\":[" SHIFT("ana", "head", "2026-11-01T00:00:00Z", "2026-12-02T00:00:00.001Z")
	    "]}", ST_INVALID, "shifts[0].end: more than 31 days after start" },
	/* an exact duplicate: the later one named, with the first */
	{ "{\"shifts\":[" ANA "," SHIFT("ben", "duty", "2026-11-26T06:00:00Z",
	    "2026-11-26T18:00:00Z") "," SHIFT("ana", "duty", "2026-11-26T06:00:00.000Z",
	    "2026-11-26T18:00:00.000Z") "]}", ST_INVALID, "shifts[2]: the same shift as shifts[0]" },
	{ "{\"shifts\":[" SHIFT("cho", "head", "2026-11-27T06:00:00Z", "2026-11-28T06:00:00Z") ","
	    ANA "," SHIFT("cho", "head", "2026-11-27T06:00:00Z", "2026-11-28T06:00:00Z") ","
	    ANA "]}", ST_INVALID, "shifts[2]: the same shift as shifts[0]" },
};

static void
test_bad(void **state)
{
	char why[ROSTER_WHY_MAX];
	struct roster *r;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status rc = roster_parse(bad[i].json, strlen(bad[i].json), &r, why);

		if (rc != bad[i].rc || strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad[i].json,
			    status_str(rc), why, status_str(bad[i].rc), bad[i].why);
		/* an exact why, unless it quotes jansson */
		if (strstr(bad[i].why, "not JSON: ") == NULL)
			assert_string_equal(why, bad[i].why);
		assert_null(r);
	}
}

/* test_not_quite_equal - shifts that differ in one member are not
 * duplicates: the same officer in two roles, two officers at once, the
 * same start with another end; each is kept. */
static void
test_not_quite_equal(void **state)
{
	struct roster *r = must_parse("{\"shifts\":[" ANA ","
	    SHIFT("ana", "supervisor", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z") ","
	    SHIFT("ben", "duty", "2026-11-26T06:00:00Z", "2026-11-26T18:00:00Z") ","
	    SHIFT("ana", "duty", "2026-11-26T06:00:00Z", "2026-11-26T12:00:00Z") "]}");

	(void)state;
	assert_int_equal(roster_n_shifts(r), 4);
	/* same start and role: by officer, then by end */
	assert_string_equal(roster_shift_at(r, 0)->officer, "ana");
	assert_true(roster_shift_at(r, 0)->end_ms == at("2026-11-26T12:00:00Z"));
	assert_string_equal(roster_shift_at(r, 1)->officer, "ana");
	assert_true(roster_shift_at(r, 1)->end_ms == at("2026-11-26T18:00:00Z"));
	assert_string_equal(roster_shift_at(r, 2)->officer, "ben");
	assert_int_equal(roster_shift_at(r, 3)->role, ROSTER_SUPERVISOR);
	roster_free(r);
}

/* on_duty - the officers of role on duty at t, joined by commas. */
static const char *
on_duty(const struct roster *r, enum roster_role role, const char *t)
{
	static char out[256];
	const struct roster_shift *s[8];
	size_t n = roster_on_duty(r, role, at(t), s, 8);

	out[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "",
		    s[i]->officer);
	return out;
}

/* test_on_duty - a shift holds from its first millisecond to the one
 * before its end: at 18:00 ana has handed over to ben. */
static void
test_on_duty(void **state)
{
	struct roster *r = must_parse(day);
	const struct roster_shift *one[1] = { NULL };

	(void)state;
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T05:59:59.999Z"), "");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T06:00:00.000Z"), "ana,dan");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T13:59:59.999Z"), "ana,dan");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T14:00:00.000Z"), "ana");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T17:59:59.999Z"), "ana");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-26T18:00:00.000Z"), "ben");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-27T05:59:59.999Z"), "ben");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-11-27T06:00:00.000Z"), "");
	assert_string_equal(on_duty(r, ROSTER_SUPERVISOR, "2026-11-26T07:59:59.999Z"), "");
	assert_string_equal(on_duty(r, ROSTER_SUPERVISOR, "2026-11-26T08:00:00.000Z"), "cho");
	assert_string_equal(on_duty(r, ROSTER_SUPERVISOR, "2026-11-26T20:00:00.000Z"), "");
	/* eve's week: from its first millisecond to the last */
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-11-24T23:59:59.999Z"), "");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-11-25T00:00:00.000Z"), "eve");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-12-01T23:59:59.999Z"), "eve");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-12-02T00:00:00.000Z"), "");
	/* all are counted, however few are asked for */
	assert_int_equal(roster_on_duty(r, ROSTER_DUTY, at("2026-11-26T12:00:00Z"), one, 1), 2);
	assert_string_equal(one[0]->officer, "ana");
	assert_int_equal(roster_on_duty(r, ROSTER_DUTY, at("2026-11-26T12:00:00Z"), NULL, 0), 2);
	/* a role out of range holds no shift */
	assert_int_equal(roster_on_duty(r, ROSTER_ROLES, at("2026-11-26T12:00:00Z"), NULL, 0), 0);
	assert_int_equal(roster_on_duty(r, ROSTER_DUTY, INT64_MIN, NULL, 0), 0);
	assert_int_equal(roster_on_duty(r, ROSTER_DUTY, INT64_MAX, NULL, 0), 0);
	roster_free(r);
}

/* test_longest_shift - a 31-day shift is on duty at its last millisecond,
 * 31 days after a shorter one starting at the same time has ended. */
static void
test_longest_shift(void **state)
{
	struct roster *r = must_parse("{\"shifts\":["
	    SHIFT("long", "head", "2026-11-01T00:00:00Z", "2026-12-02T00:00:00Z") ","
	    SHIFT("short", "head", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00.001Z") ","
	    SHIFT("late", "head", "2026-12-01T23:59:59.999Z", "2026-12-02T00:00:00.001Z") "]}");

	(void)state;
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-11-01T00:00:00.000Z"), "long,short");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-11-01T00:00:00.001Z"), "long");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-12-01T23:59:59.999Z"), "long,late");
	assert_string_equal(on_duty(r, ROSTER_HEAD, "2026-12-02T00:00:00.000Z"), "late");
	roster_free(r);
}

/* test_next - the next shift of a role starts strictly after now. */
static void
test_next(void **state)
{
	struct roster *r = must_parse(day);
	const struct roster_shift *s;

	(void)state;
	s = roster_next(r, ROSTER_DUTY, at("2026-11-26T05:59:59.999Z"));
	assert_non_null(s);
	assert_string_equal(s->officer, "ana");	/* ana and dan start together: by name */
	s = roster_next(r, ROSTER_DUTY, at("2026-11-26T06:00:00.000Z"));
	assert_non_null(s);
	assert_string_equal(s->officer, "ben");
	s = roster_next(r, ROSTER_DUTY, at("2026-11-26T17:59:59.999Z"));
	assert_non_null(s);
	assert_string_equal(s->officer, "ben");
	assert_null(roster_next(r, ROSTER_DUTY, at("2026-11-26T18:00:00.000Z")));
	s = roster_next(r, ROSTER_SUPERVISOR, INT64_MIN);
	assert_non_null(s);
	assert_string_equal(s->officer, "cho");
	assert_null(roster_next(r, ROSTER_HEAD, at("2026-11-25T00:00:00.000Z")));
	assert_null(roster_next(r, ROSTER_ROLES, INT64_MIN));
	roster_free(r);
}

/* test_clocks_go_back - Vienna leaves summer time at 01:00 UTC on
 * 2026-10-25 (03:00 CEST becomes 02:00 CET).  A night shift written in
 * UTC lasts its twelve hours, and it covers both of the instants the
 * desk's clock shows as 02:30: no zone moves a shift. */
static void
test_clocks_go_back(void **state)
{
	struct roster *r = must_parse("{\"shifts\":["
	    SHIFT("ana", "duty", "2026-10-24T22:00:00Z", "2026-10-25T10:00:00Z") "]}");
	const struct roster_shift *s = roster_shift_at(r, 0);
	char first[TZ_LOCAL_LEN], second[TZ_LOCAL_LEN];

	(void)state;
	assert_true(s->end_ms - s->start_ms == 12 * 3600 * 1000LL);
	EXPECT(tz_local(at("2026-10-25T00:30:00Z"), "Europe/Vienna", first), ST_OK);
	EXPECT(tz_local(at("2026-10-25T01:30:00Z"), "Europe/Vienna", second), ST_OK);
	assert_string_equal(first, "2026-10-25 02:30:00 CEST (UTC+02:00)");
	assert_string_equal(second, "2026-10-25 02:30:00 CET (UTC+01:00)");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-10-25T00:30:00Z"), "ana");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-10-25T01:30:00Z"), "ana");
	assert_string_equal(on_duty(r, ROSTER_DUTY, "2026-10-25T10:00:00Z"), "");
	roster_free(r);
}

/* canon - r's canonical text (static storage, one at a time). */
static const char *
canon(const struct roster *r)
{
	static char text[ROSTER_BYTES_MAX + 1];
	struct buf b;

	buf_init(&b, ROSTER_BYTES_MAX);
	EXPECT(roster_canon(r, &b), ST_OK);
	assert_true(b.len <= ROSTER_BYTES_MAX);
	memcpy(text, buf_str(&b), b.len + 1);
	buf_free(&b);
	return text;
}

/* test_canon - sorted keys, sorted shifts, milliseconds written; read
 * back, the same text again; any spelling of a roster gives one text. */
static void
test_canon(void **state)
{
	static const char want[] =
	    "{\"shifts\":["
	    "{\"end\":\"2026-12-02T00:00:00.000Z\",\"officer\":\"eve\",\"role\":\"head\","
	    "\"start\":\"2026-11-25T00:00:00.000Z\"},"
	    "{\"end\":\"2026-11-26T18:00:00.000Z\",\"officer\":\"ana\",\"role\":\"duty\","
	    "\"start\":\"2026-11-26T06:00:00.000Z\"},"
	    "{\"end\":\"2026-11-26T14:00:00.000Z\",\"officer\":\"dan\",\"role\":\"duty\","
	    "\"start\":\"2026-11-26T06:00:00.000Z\"},"
	    "{\"end\":\"2026-11-26T20:00:00.000Z\",\"officer\":\"cho\",\"role\":\"supervisor\","
	    "\"start\":\"2026-11-26T08:00:00.000Z\"},"
	    "{\"end\":\"2026-11-27T06:00:00.000Z\",\"officer\":\"ben\",\"role\":\"duty\","
	    "\"start\":\"2026-11-26T18:00:00.000Z\"}]}";
	struct roster *r = must_parse(day), *back;
	struct buf small;

	(void)state;
	assert_string_equal(canon(r), want);
	back = must_parse(want);
	assert_string_equal(canon(back), want);
	roster_free(back);
	back = must_parse("{ \"shifts\" : [\n"
	    "  {\"start\":\"2026-11-26T18:00:00Z\",\"end\":\"2026-11-27T06:00:00.000Z\",\n"
	    "   \"role\":\"duty\",\"officer\":\"ben\"},\n"
	    "  {\"officer\":\"cho\",\"role\":\"supervisor\",\"start\":\"2026-11-26T08:00:00Z\","
	    "\"end\":\"2026-11-26T20:00:00Z\"}]}\n");
	roster_free(r);
	r = must_parse("{\"shifts\":["
	    SHIFT("cho", "supervisor", "2026-11-26T08:00:00.000Z", "2026-11-26T20:00:00.000Z") ","
	    SHIFT("ben", "duty", "2026-11-26T18:00:00Z", "2026-11-27T06:00:00Z") "]}");
	assert_string_equal(canon(back), canon(r));
	roster_free(back);
	roster_free(r);

	r = must_parse("{\"shifts\":[]}");
	assert_string_equal(canon(r), "{\"shifts\":[]}");
	/* a buffer too small is refused and left as it was */
	buf_init(&small, 20);
	EXPECT(buf_adds(&small, "x"), ST_OK);
	roster_free(r);
	r = must_parse(day);
	EXPECT(roster_canon(r, &small), ST_TOOBIG);
	assert_string_equal(buf_str(&small), "x");
	buf_free(&small);
	roster_free(r);
}

/* test_limits - 10,000 shifts of the longest officer's name and role fit,
 * and so does their canonical text; one more is refused; so is a file
 * over 2 MiB. */
static void
test_limits(void **state)
{
	static const char name63[] =
	    "a12345678901234567890123456789012345678901234567890123456789012";
	size_t cap = ROSTER_BYTES_MAX + 4096, len;
	char *text = malloc(cap), why[ROSTER_WHY_MAX];
	char s[STAMP_TIME_LEN], e[STAMP_TIME_LEN];
	struct roster *r;

	(void)state;
	assert_non_null(text);
	assert_int_equal(strlen(name63), 63);
	for (int extra = 0; extra < 2; extra++) {
		len = (size_t)snprintf(text, cap, "{\"shifts\":[");
		for (int i = 0; i < ROSTER_SHIFTS_MAX + extra; i++) {
			stamp_format(at("2026-01-01T00:00:00Z") + (int64_t)i * 60000, s);
			stamp_format(at("2026-01-01T00:00:00Z") + (int64_t)i * 60000 +
			    ROSTER_SHIFT_MAX_MS, e);
			len += (size_t)snprintf(text + len, cap - len, "%s{\"officer\":\"%s\","
			    "\"role\":\"supervisor\",\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "",
			    name63, s, e);
		}
		len += (size_t)snprintf(text + len, cap - len, "]}");
		assert_true(len < cap);
		if (extra) {
			EXPECT(roster_parse(text, len, &r, why), ST_INVALID);
			assert_string_equal(why, "shifts: more than 10000 elements");
			continue;
		}
		EXPECT(roster_parse(text, len, &r, why), ST_OK);
		assert_int_equal(roster_n_shifts(r), ROSTER_SHIFTS_MAX);
		/* every shift is on duty at the last's start: 31 days overlap */
		assert_int_equal(roster_on_duty(r, ROSTER_SUPERVISOR,
		    roster_shift_at(r, ROSTER_SHIFTS_MAX - 1)->start_ms, NULL, 0),
		    ROSTER_SHIFTS_MAX);
		{
			const char *c = canon(r);
			struct roster *back;

			EXPECT(roster_parse(c, strlen(c), &back, why), ST_OK);
			assert_int_equal(roster_n_shifts(back), ROSTER_SHIFTS_MAX);
			roster_free(back);
		}
		roster_free(r);
	}
	/* the byte limit, before anything is read */
	memset(text, ' ', ROSTER_BYTES_MAX + 1);
	memcpy(text, "{\"shifts\":[]}", 13);
	EXPECT(roster_parse(text, ROSTER_BYTES_MAX, &r, why), ST_OK);
	roster_free(r);
	EXPECT(roster_parse(text, ROSTER_BYTES_MAX + 1, &r, why), ST_TOOBIG);
	assert_string_equal(why, "(top): 2097153 bytes, over the 2097152 allowed");
	assert_null(r);
	free(text);
}

/* test_why_shown - an unknown member's name reaches the why cut and as
 * printable ASCII, never as the bytes it was. */
static void
test_why_shown(void **state)
{
	static const char json[] =
	    "{\"shifts\":[],\"\xc3\xa9\\u001b[2J\\\"0123456789012345678901234567890123\":1}";
	char why[ROSTER_WHY_MAX];
	struct roster *r;

	(void)state;
	EXPECT(roster_parse(json, strlen(json), &r, why), ST_INVALID);
	assert_string_equal(why, "???[2J?0123456789012345678901234...: unknown member");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_not_quite_equal),
		cmocka_unit_test(test_on_duty),
		cmocka_unit_test(test_longest_shift),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_clocks_go_back),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_why_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
