/* test_formpost.c - a template's form from the values an HTML form posts
 * (fmt/formpost.h): texts trimmed and their line ends made LF, lists one
 * item per line, times in the forms a person writes read as UTC, fields
 * left out; every field's problem named at once, by the field; the form
 * built is one template_check passes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/formpost.h"
#include "testcheck.h"

/* A posted form: name, value pairs, NULL-terminated. */
struct post {
	const char *kv[32];
};

static const char *
get(void *arg, const char *name)
{
	const struct post *p = arg;

	for (size_t i = 0; p->kv[i]; i += 2)
		if (strcmp(p->kv[i], name) == 0)
			return p->kv[i + 1];
	return NULL;
}

/* read - formpost_read of the template named tmpl from p into out (a
 * string the caller frees, or NULL) and *res. */
static status
read_form(const char *tmpl, const struct post *p, char **out, struct formpost *res)
{
	const struct template *t = template_find(tmpl);
	struct buf b;
	status rc;

	assert_non_null(t);
	buf_init(&b, TEMPLATE_FORM_MAX + 1);
	rc = formpost_read(t, get, (void *)p, &b, res);
	*out = rc ? NULL : buf_take(&b, NULL);
	if (rc)
		assert_int_equal(b.len, 0);	/* untouched */
	buf_free(&b);
	return rc;
}

static void
test_incident(void **state)
{
	struct post p = { {
		"observed", "  Scanning of gateways\r\nfrom 203.0.113.7\r\n\r\n",
		"observed_at", "2026-11-26 08:00",
		"sector", " energy ",
		"systems", "substation gateways",
		"severity", "high",
		"indicators", "203.0.113.7\r\n\r\n  198.51.100.9  \r\n",
		"actions_taken", "   ",		/* left out: optional */
		"action_requested", "Please confirm.",
		"reply_by", "2026-11-27t09:30:15.250z",
		"extra", "ignored: the template names no such field",
		NULL } };
	struct formpost res;
	char why[TEMPLATE_WHY_MAX], *form;

	(void)state;
	EXPECT(read_form("incident-notification", &p, &form, &res), ST_OK);
	assert_int_equal(res.n_bad, 0);
	assert_string_equal(form, "{\"observed\":\"Scanning of gateways\\nfrom 203.0.113.7\","
	    "\"observed_at\":\"2026-11-26T08:00:00Z\",\"sector\":\"energy\","
	    "\"systems\":\"substation gateways\",\"severity\":\"high\","
	    "\"indicators\":[\"203.0.113.7\",\"198.51.100.9\"],"
	    "\"action_requested\":\"Please confirm.\",\"reply_by\":\"2026-11-27T09:30:15.250Z\"}");
	EXPECT(template_check(template_find("incident-notification"), form, strlen(form), why),
	    ST_OK);
	free(form);
}

/* Every problem at once, each by its field, in template_check's words. */
static void
test_problems(void **state)
{
	struct post p = { {
		"observed", "\r\n \r\n",		/* only blanks: left out */
		"observed_at", "26/11/2026 08:00",
		"sector", "energy",
		"systems", "tab\there",
		"severity", "apocalyptic",
		"indicators", "ok\r\nbad\x01item",
		"action_requested", "\xff\xfe",
		"reply_by", "2026-13-01T00:00:00Z",
		NULL } };
	const struct template *t = template_find("incident-notification");
	struct formpost res;
	char *form;

	(void)state;
	EXPECT(read_form("incident-notification", &p, &form, &res), ST_INVALID);
	assert_null(form);
	assert_string_equal(res.why[0], "observed: missing");
	assert_string_equal(res.why[1], "observed_at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	assert_string_equal(res.why[2], "");
	assert_string_equal(res.why[3], "systems: control character at byte 3");
	assert_string_equal(res.why[4], "severity: not one of low, medium, high, critical");
	assert_string_equal(res.why[5], "indicators[1]: control character at byte 3");
	assert_string_equal(res.why[6], "");	/* actions_taken: optional, left out */
	assert_string_equal(res.why[7], "action_requested: not valid UTF-8");
	assert_string_equal(res.why[8], "reply_by: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	assert_int_equal(res.n_bad, 7);
	assert_string_equal(res.form_why, "");
	for (size_t i = 0; i < template_n_fields(t); i++)
		if (res.why[i][0])
			assert_int_equal(formpost_field(t, res.why[i]), (int)i);
	assert_int_equal(formpost_field(t, "observedx: y"), -1);
	assert_int_equal(formpost_field(t, "form: too big"), -1);
}

/* Nothing posted: each required field missing; limits of a list. */
static void
test_empty_and_limits(void **state)
{
	static char many[40 * 3 + 1];
	struct post none = { { NULL } };
	struct post p = { { "activity", "a scan", "questions", many, NULL } };
	struct formpost res;
	char *form;

	(void)state;
	EXPECT(read_form("inquiry", &none, &form, &res), ST_INVALID);
	assert_string_equal(res.why[0], "activity: missing");
	assert_string_equal(res.why[1], "questions: missing");
	assert_int_equal(res.n_bad, 2);
	for (size_t i = 0; i < 40; i++)
		memcpy(many + 3 * i, "q\r\n", 3);
	EXPECT(read_form("inquiry", &p, &form, &res), ST_INVALID);
	assert_string_equal(res.why[1], "questions: more than 20 elements");
	many[20 * 3] = '\0';
	EXPECT(read_form("inquiry", &p, &form, &res), ST_OK);
	free(form);
	EXPECT(read_form("comm-check", &none, &form, &res), ST_OK);	/* no field required */
	assert_string_equal(form, "{}");
	free(form);
}

/* Times: the forms a person writes, and what is kept as written. */
static void
test_times(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "2026-11-26T08:00", "2026-11-26T08:00:00Z" },
		{ "2026-11-26T08:00Z", "2026-11-26T08:00:00Z" },
		{ "2026-11-26 08:00:59", "2026-11-26T08:00:59Z" },
		{ " 2026-11-26T08:00:59.007Z ", "2026-11-26T08:00:59.007Z" },
		{ "2026-11-26T08:00:59.07Z", NULL },	/* two digits of milliseconds */
		{ "2026-11-26T08:00+01:00", NULL },	/* an offset: UTC only */
		{ "2026-11-26", NULL },
		{ "2026-11-26T08:00:5", NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct post q = { { "activity", "a", "questions", "b", "reply_by", cases[i].in,
			NULL } };
		struct formpost res;
		char *form, want[128];

		if (cases[i].out) {
			EXPECT(read_form("inquiry", &q, &form, &res), ST_OK);
			snprintf(want, sizeof want, "{\"activity\":\"a\",\"questions\":[\"b\"],"
			    "\"reply_by\":\"%s\"}", cases[i].out);
			assert_string_equal(form, want);
			free(form);
		} else {
			EXPECT(read_form("inquiry", &q, &form, &res), ST_INVALID);
			assert_string_equal(res.why[2],
			    "reply_by: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
		}
	}
}

/* Too long: a field over its limit; a form over TEMPLATE_FORM_MAX. */
static void
test_sizes(void **state)
{
	size_t n = 8001;
	char *big = malloc(n + 1), *form;
	struct post p = { { "answer", big, NULL } };
	struct formpost res;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	EXPECT(read_form("reply", &p, &form, &res), ST_INVALID);
	assert_string_equal(res.why[0], "answer: longer than 8000 bytes");
	big[8000] = '\0';
	EXPECT(read_form("reply", &p, &form, &res), ST_OK);
	assert_int_equal(strlen(form), 8000 + strlen("{\"answer\":\"\"}"));
	free(form);
	free(big);

	/* 20 questions of 2000 quotes: each within its limit, but written as
	 * JSON (\" for each) the form is over 64 KiB */
	n = 20 * 2002;
	big = malloc(n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < 20; i++) {
		memset(big + i * 2002, '"', 2000);
		memcpy(big + i * 2002 + 2000, "\r\n", 2);
	}
	big[n] = '\0';
	{
		struct post q = { { "activity", "a", "questions", big, NULL } };

		EXPECT(read_form("inquiry", &q, &form, &res), ST_TOOBIG);
		assert_int_equal(res.n_bad, 1);
		assert_true(strncmp(res.form_why, "form: ", 6) == 0);
		assert_string_equal(res.why[1], "");
	}
	free(big);
}

/* A value as it is shown again: its line ends made LF. */
static void
test_lines(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	EXPECT(formpost_lines(&b, "a\r\nb\rc\n\r\n"), ST_OK);
	assert_string_equal(buf_str(&b), "a\nb\nc\n\n");
	EXPECT(formpost_lines(&b, NULL), ST_OK);
	assert_string_equal(buf_str(&b), "a\nb\nc\n\n");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incident),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_empty_and_limits),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
