/* test_template.c - the template registry: every template has a title and
 * every field a label in each of the six languages (non-empty, valid
 * UTF-8); names are unique; a valid form of each template passes; each
 * rule broken in turn is refused with a why naming the field by its JSON
 * path; the subject of each template. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/template.h"
#include "fmt/tmpl.h"
#include "testcheck.h"

/* utf8_ok - 1 when s is non-empty, well-formed UTF-8 without control characters. */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	if (p == end)
		return 0;
	while (p < end) {
		size_t k;

		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		k = tmpl_utf8(p, end);
		if (!k)
			return 0;
		p += k;
	}
	return 1;
}

static void
test_labels(void **state)
{
	(void)state;
	assert_int_equal(template_count(), 6);
	assert_null(template_at(template_count()));
	for (size_t i = 0; i < template_count(); i++) {
		const struct template *t = template_at(i);

		assert_non_null(t);
		assert_int_equal(template_version(t), 1);
		assert_ptr_equal(template_find(template_name(t)), t);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(template_name(template_at(j)), template_name(t));
		assert_true(template_n_fields(t) >= 1);
		for (int l = 0; l < TEMPLATE_LANGS; l++) {
			if (!utf8_ok(template_title(t, (enum template_lang)l)))
				fail_msg("%s: title in %s", template_name(t),
				    template_lang_code((enum template_lang)l));
			for (size_t f = 0; f < template_n_fields(t); f++)
				if (!utf8_ok(template_field_label(t, f, (enum template_lang)l)))
					fail_msg("%s.%s: label in %s", template_name(t),
					    template_field_name(t, f),
					    template_lang_code((enum template_lang)l));
		}
		for (size_t f = 0; f < template_n_fields(t); f++) {
			const char *n = template_field_name(t, f);
			enum template_type ty = template_field_type(t, f);

			assert_true(n[0] >= 'a' && n[0] <= 'z');
			assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"),
			    strlen(n));
			assert_int_equal(template_field_choices(t, f) != NULL,
			    ty == TEMPLATE_CHOICE);
			assert_int_equal(template_field_items_max(t, f) > 0, ty == TEMPLATE_LIST);
			if (ty == TEMPLATE_TEXT || ty == TEMPLATE_LIST)
				assert_true(template_field_min(t, f) >= 1 &&
				    template_field_max(t, f) >= template_field_min(t, f));
		}
	}
	assert_null(template_find("nope"));
	assert_null(template_find(""));
}

static void
test_langs(void **state)
{
	enum template_lang l = TEMPLATE_EN;
	static const char *const codes[] = { "en", "fr", "ru", "zh", "es", "ar" };

	(void)state;
	for (int i = 0; i < TEMPLATE_LANGS; i++) {
		EXPECT(template_lang_parse(codes[i], &l), ST_OK);
		assert_int_equal(l, i);
		assert_string_equal(template_lang_code(l), codes[i]);
	}
	EXPECT(template_lang_parse("EN", &l), ST_PARSE);
	EXPECT(template_lang_parse("de", &l), ST_PARSE);
	EXPECT(template_lang_parse("", &l), ST_PARSE);
	assert_int_equal(l, TEMPLATE_AR);
	assert_string_equal(template_lang_code(TEMPLATE_LANGS), "?");
}

/* ---- forms ------------------------------------------------------------ */

static const struct {
	const char *name, *form, *subject;
} valid[] = {
	{ "incident-notification",
	    "{\"observed\":\"Beaconing from two substations to 203.0.113.7\","
	    "\"observed_at\":\"2026-11-26T08:15:00Z\",\"sector\":\"energy\","
	    "\"systems\":\"SCADA front-end servers\",\"severity\":\"high\","
	    "\"indicators\":[\"203.0.113.7\",\"evil.example\"],"
	    "\"actions_taken\":\"Isolated the hosts.\\nImaged memory.\","
	    "\"action_requested\":\"Check your networks for the indicators\","
	    "\"reply_by\":\"2026-11-27T08:00:00.000Z\"}",
	    "Beaconing from two substations to 203.0.113.7" },
	{ "inquiry",
	    "{\"activity\":\"Scanning of our ministries from your address space\","
	    "\"questions\":[\"Are you aware of it?\",\"Who operates 198.51.100.0/24?\"]}",
	    "Scanning of our ministries from your address space" },
	{ "request-for-assistance",
	    "{\"situation\":\"Ransomware at the national hospital network\","
	    "\"assistance\":\"Decryption expertise\",\"urgency\":\"critical\"}",
	    "Ransomware at the national hospital network" },
	{ "reply", "{\"answer\":\"We are looking into it.\",\"references\":[\"INC-42\"]}",
	    "We are looking into it." },
	{ "comm-check", "{}", "communication check" },
	{ "goodwill", "{\"message\":\"Season's greetings from the watch desk\"}",
	    "Season's greetings from the watch desk" },
};

static void
test_valid(void **state)
{
	char why[TEMPLATE_WHY_MAX], subj[TEMPLATE_SUBJECT_MAX + 1];

	(void)state;
	assert_int_equal(sizeof valid / sizeof valid[0], template_count());
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		const struct template *t = template_find(valid[i].name);

		assert_non_null(t);
		if (template_check(t, valid[i].form, strlen(valid[i].form), why) != ST_OK)
			fail_msg("%s: %s", valid[i].name, why);
		assert_string_equal(why, "");
		EXPECT(template_subject(t, valid[i].form, subj, sizeof subj), ST_OK);
		assert_string_equal(subj, valid[i].subject);
	}
	/* comm-check takes its note */
	EXPECT(template_check(template_find("comm-check"), "{\"note\":\"weekly\"}", 17, why),
	    ST_OK);
}

/* A string of n copies of c, quoted, in static storage (one at a time). */
static const char *
rep(char c, size_t n)
{
	static char s[70000];

	s[0] = '"';
	memset(s + 1, c, n);
	s[n + 1] = '"';
	s[n + 2] = '\0';
	return s;
}

#define INC_REST "\"observed_at\":\"2026-11-26T08:15:00Z\",\"sector\":\"energy\"," \
	"\"systems\":\"s\",\"severity\":\"high\",\"action_requested\":\"a\""

static const struct {
	const char *name, *form;
	status rc;
	const char *why;
} bad[] = {
	/* not a JSON object */
	{ "goodwill", "[\"message\"]", ST_PARSE, "form: not a JSON object" },
	{ "goodwill", "\"hello\"", ST_PARSE, "form: not a JSON object" },
	{ "goodwill", "{\"message\":\"hi\"", ST_PARSE, "form: not JSON" },
	{ "goodwill", "", ST_PARSE, "form: not JSON" },
	{ "goodwill", "{\"message\":\"hi\",\"message\":\"ho\"}", ST_PARSE,
	    "form: not JSON: duplicate object key" },
	/* members */
	{ "goodwill", "{}", ST_INVALID, "message: missing" },
	{ "goodwill", "{\"message\":\"hi\",\"extra\":1}", ST_INVALID, "extra: unknown member" },
	{ "incident-notification", "{\"observed\":\"o\"," INC_REST ",\"Observed\":\"x\"}",
	    ST_INVALID, "Observed: unknown member" },
	{ "incident-notification", "{" INC_REST "}", ST_INVALID, "observed: missing" },
	{ "inquiry", "{\"activity\":\"a\"}", ST_INVALID, "questions: missing" },
	/* text */
	{ "goodwill", "{\"message\":42}", ST_INVALID, "message: not a string" },
	{ "goodwill", "{\"message\":null}", ST_INVALID, "message: not a string" },
	{ "goodwill", "{\"message\":\"\"}", ST_INVALID, "message: empty" },
	{ "goodwill", "{\"message\":\"a\\tb\"}", ST_INVALID,
	    "message: control character at byte 1" },
	{ "goodwill", "{\"message\":\"a\\u007f\"}", ST_INVALID,
	    "message: control character at byte 1" },
	{ "comm-check", "{\"note\":\"\\r\"}", ST_INVALID, "note: control character at byte 0" },
	/* time */
	{ "incident-notification", "{\"observed\":\"o\"," INC_REST ",\"reply_by\":\"tomorrow\"}",
	    ST_INVALID, "reply_by: not a time" },
	{ "incident-notification", "{\"observed\":\"o\"," INC_REST
	    ",\"reply_by\":\"2026-11-26T08:15:00+01:00\"}", ST_INVALID, "reply_by: not a time" },
	{ "incident-notification", "{\"observed\":\"o\"," INC_REST ",\"reply_by\":1764144900}",
	    ST_INVALID, "reply_by: not a time" },
	/* choice */
	{ "request-for-assistance", "{\"situation\":\"s\",\"assistance\":\"a\",\"urgency\":\"HIGH\"}",
	    ST_INVALID, "urgency: not one of low, medium, high, critical" },
	{ "request-for-assistance", "{\"situation\":\"s\",\"assistance\":\"a\",\"urgency\":3}",
	    ST_INVALID, "urgency: not one of low, medium, high, critical" },
	/* list */
	{ "inquiry", "{\"activity\":\"a\",\"questions\":\"why?\"}", ST_INVALID,
	    "questions: not an array" },
	{ "inquiry", "{\"activity\":\"a\",\"questions\":[]}", ST_INVALID, "questions: empty list" },
	{ "inquiry", "{\"activity\":\"a\",\"questions\":[\"q\",\"q\",3]}", ST_INVALID,
	    "questions[2]: not a string" },
	{ "inquiry", "{\"activity\":\"a\",\"questions\":[\"q\",\"\"]}", ST_INVALID,
	    "questions[1]: empty" },
	{ "inquiry", "{\"activity\":\"a\",\"questions\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
	    "\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\",\"18\",\"19\","
	    "\"20\",\"21\"]}", ST_INVALID, "questions: more than 20 elements" },
};

static void
test_bad(void **state)
{
	char why[TEMPLATE_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status rc = template_check(template_find(bad[i].name), bad[i].form,
		    strlen(bad[i].form), why);

		if (rc != bad[i].rc || strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad[i].form,
			    status_str(rc), why, status_str(bad[i].rc), bad[i].why);
	}
}

/* test_lengths - a text and a list element exactly at their limit pass,
 * one byte over is refused naming the path; a form over 64 KiB is too big. */
static void
test_lengths(void **state)
{
	const struct template *inq = template_find("inquiry"), *gw = template_find("goodwill");
	char why[TEMPLATE_WHY_MAX];
	char *form = malloc(TEMPLATE_FORM_MAX + 100);

	(void)state;
	assert_non_null(form);
	snprintf(form, TEMPLATE_FORM_MAX + 100, "{\"activity\":\"a\",\"questions\":[\"a\",\"b\",%s]}",
	    rep('q', 2000));
	EXPECT(template_check(inq, form, strlen(form), why), ST_OK);
	snprintf(form, TEMPLATE_FORM_MAX + 100, "{\"activity\":\"a\",\"questions\":[\"a\",\"b\",%s]}",
	    rep('q', 2001));
	EXPECT(template_check(inq, form, strlen(form), why), ST_INVALID);
	assert_string_equal(why, "questions[2]: longer than 2000 bytes");
	snprintf(form, TEMPLATE_FORM_MAX + 100, "{\"activity\":%s,\"questions\":[\"a\"]}",
	    rep('x', 4001));
	EXPECT(template_check(inq, form, strlen(form), why), ST_INVALID);
	assert_string_equal(why, "activity: longer than 4000 bytes");
	snprintf(form, TEMPLATE_FORM_MAX + 100, "{\"message\":%s}", rep('m', 2000));
	EXPECT(template_check(gw, form, strlen(form), why), ST_OK);
	snprintf(form, TEMPLATE_FORM_MAX + 100, "{\"message\":%s}", rep('m', TEMPLATE_FORM_MAX));
	EXPECT(template_check(gw, form, strlen(form), why), ST_TOOBIG);
	assert_string_equal(why, "form: 65550 bytes, over the 65536 allowed");
	free(form);
}

/* test_subject - cut at 80 bytes on a character boundary, newlines made
 * spaces; a buffer too small is refused. */
static void
test_subject(void **state)
{
	const struct template *gw = template_find("goodwill");
	char form[512], subj[TEMPLATE_SUBJECT_MAX + 1], small[10];
	char want[TEMPLATE_SUBJECT_MAX + 1];

	(void)state;
	/* 79 'a' then a 2-byte character: the cut falls inside it */
	snprintf(form, sizeof form, "{\"message\":\"%.79s\xc3\xa9tail\"}", rep('a', 100) + 1);
	EXPECT(template_subject(gw, form, subj, sizeof subj), ST_OK);
	memset(want, 'a', 79);
	want[79] = '\0';
	assert_string_equal(subj, want);
	EXPECT(template_subject(gw, "{\"message\":\"two\\nlines\"}", subj, sizeof subj), ST_OK);
	assert_string_equal(subj, "two lines");
	snprintf(form, sizeof form, "{\"message\":%s}", rep('b', 200));
	EXPECT(template_subject(gw, form, subj, sizeof subj), ST_OK);
	assert_int_equal(strlen(subj), TEMPLATE_SUBJECT_MAX);
	EXPECT(template_subject(gw, "{\"message\":\"hi\"}", small, sizeof small), ST_TOOBIG);
	assert_string_equal(small, "");
	EXPECT(template_subject(gw, "{}", subj, sizeof subj), ST_INVALID);
	EXPECT(template_subject(gw, "{", subj, sizeof subj), ST_PARSE);
	EXPECT(template_subject(template_find("comm-check"), "{}", subj, sizeof subj), ST_OK);
	assert_string_equal(subj, "communication check");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_langs),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
