/* test_deskmsg.c - the bodies of the watch desk's messages: a form of each
 * template made and read back to the same fields, in canonical bytes that do
 * not depend on the member order or the whitespace of the form given; an
 * acknowledgement and an overdue notice made and read back; and every rule
 * of the readers and makers broken in turn, each refused with the status and
 * the why that names the member by its JSON path (form errors as
 * "form.PATH", the template's why). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/deskmsg.h"
#include "testcheck.h"

#define ID "0190f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"
#define ID2 "0190f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a7"
#define T0 INT64_C(1764144900000)	/* 2025-11-26T08:15:00.000Z */
#define STMT_MAX 4096			/* bytes of a statement's body (deskmsg_stmt_read) */

/* why_is - 1 when got is want, or starts with want less its final '*'
 * (for the parts jansson writes). */
static int
why_is(const char *got, const char *want)
{
	size_t n = strlen(want);

	if (n && want[n - 1] == '*')
		return strncmp(got, want, n - 1) == 0;
	return strcmp(got, want) == 0;
}

/* rep - a string of n copies of c (not quoted), in static storage (one at
 * a time). */
static const char *
rep(char c, size_t n)
{
	static char s[2048];

	assert_true(n < sizeof s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_types(void **state)
{
	(void)state;
	assert_true(deskmsg_statement_type(DESK_TYPE_ACK));
	assert_true(deskmsg_statement_type(DESK_TYPE_OVERDUE));
	assert_true(deskmsg_statement_type("desk.ack"));
	assert_true(deskmsg_statement_type("desk.overdue"));
	assert_false(deskmsg_statement_type("desk.ACK"));
	assert_false(deskmsg_statement_type("desk.ack "));
	assert_false(deskmsg_statement_type("desk."));
	assert_false(deskmsg_statement_type("desk"));
	assert_false(deskmsg_statement_type(""));
	assert_false(deskmsg_statement_type("goodwill"));
	assert_false(deskmsg_statement_type("desk.reply"));
	assert_true(deskmsg_role_ok("duty"));
	assert_true(deskmsg_role_ok("supervisor"));
	assert_true(deskmsg_role_ok("head"));
	assert_false(deskmsg_role_ok("Duty"));
	assert_false(deskmsg_role_ok("duty "));
	assert_false(deskmsg_role_ok("chief"));
	assert_false(deskmsg_role_ok("heads"));
	assert_false(deskmsg_role_ok(""));
}

/* ---- forms: made and read back ---------------------------------------- */

static const struct {
	const char *name, *form, *in_reply_to, *tz, *officer;
} valid[] = {
	{ "incident-notification",
	    "{\"observed\":\"Beaconing from two substations to 203.0.113.7\","
	    "\"observed_at\":\"2026-11-26T08:15:00Z\",\"sector\":\"energy\","
	    "\"systems\":\"SCADA front-end servers\",\"severity\":\"high\","
	    "\"indicators\":[\"203.0.113.7\",\"evil.example\"],"
	    "\"actions_taken\":\"Isolated the hosts.\\nImaged memory.\","
	    "\"action_requested\":\"Check your networks for the indicators\","
	    "\"reply_by\":\"2026-11-27T08:00:00.000Z\"}", NULL, "Europe/Paris", "duty-1" },
	{ "inquiry",
	    "{\"activity\":\"Scanning of our ministries from your address space\","
	    "\"questions\":[\"Are you aware of it?\",\"Who operates 198.51.100.0/24?\"]}",
	    "", "", "" },
	{ "request-for-assistance",
	    "{\"situation\":\"Ransomware at the national hospital network\","
	    "\"assistance\":\"Decryption expertise\",\"urgency\":\"critical\"}",
	    ID, "America/Argentina/Buenos_Aires", NULL },
	{ "reply", "{\"answer\":\"We are looking into it.\",\"references\":[\"INC-42\"]}",
	    ID, "UTC", "head.of-desk_2" },
	{ "comm-check", "{}", NULL, NULL, NULL },
	{ "goodwill", "{\"message\":\"Season's greetings \\u2014 \xe4\xbd\xa0\xe5\xa5\xbd\"}",
	    NULL, "Etc/GMT+5", "a" },
};

/* opt - s, or "" for NULL. */
static const char *
opt(const char *s)
{
	return s ? s : "";
}

/* made_canonical - body is its own canonical text (sorted keys, compact). */
static void
made_canonical(const char *body, size_t n)
{
	json_t *j = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(s);
	assert_int_equal(strlen(s), n);
	assert_memory_equal(s, body, n);
	free(s);
	json_decref(j);
}

/* test_form_roundtrip - each template's form made, read back to the same
 * template, in_reply_to, tz, officer and form; made again from what was read,
 * the same bytes. */
static void
test_form_roundtrip(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;
	struct buf b, b2;

	(void)state;
	assert_int_equal(sizeof valid / sizeof valid[0], template_count());
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		const struct template *t = template_find(valid[i].name);
		json_t *want;
		char *again;

		assert_non_null(t);
		buf_init(&b, DESKMSG_BODY_MAX);
		buf_init(&b2, DESKMSG_BODY_MAX);
		if (deskmsg_form_make(t, valid[i].form, strlen(valid[i].form),
		    valid[i].in_reply_to, valid[i].tz, valid[i].officer, NULL, &b, why) != ST_OK)
			fail_msg("%s: make: %s", valid[i].name, why);
		assert_string_equal(why, "");
		made_canonical(b.p, b.len);
		if (deskmsg_form_read(valid[i].name, b.p, b.len, &f, why) != ST_OK)
			fail_msg("%s: read: %s", valid[i].name, why);
		assert_string_equal(why, "");
		assert_ptr_equal(f.t, t);
		assert_string_equal(f.in_reply_to, opt(valid[i].in_reply_to));
		assert_string_equal(f.tz, opt(valid[i].tz));
		assert_string_equal(f.officer, opt(valid[i].officer));
		want = json_loads(valid[i].form, 0, NULL);
		assert_non_null(want);
		assert_true(json_equal(want, f.form));
		json_decref(want);
		again = json_dumps(f.form, JSON_COMPACT | JSON_SORT_KEYS);
		assert_non_null(again);
		EXPECT(deskmsg_form_make(t, again, strlen(again), f.in_reply_to, f.tz, f.officer, f.check,
		    &b2, why), ST_OK);
		assert_int_equal(b2.len, b.len);
		assert_memory_equal(b2.p, b.p, b.len);
		free(again);
		deskmsg_form_clear(&f);
		assert_null(f.form);
		assert_null(f.t);
		buf_free(&b);
		buf_free(&b2);
	}
	deskmsg_form_clear(&f);	/* twice: a no-op on a cleared form */
}

/* test_form_bytes - the exact bytes made: members sorted, compact, no member
 * for what was not given; appended to what out holds. */
static void
test_form_bytes(void **state)
{
	const struct template *gw = template_find("goodwill");
	char why[DESKMSG_WHY_MAX];
	struct buf b;

	(void)state;
	buf_init(&b, DESKMSG_BODY_MAX);
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}", 16, ID, "Europe/Paris", "duty-1", NULL, &b,
	    why), ST_OK);
	assert_string_equal(b.p, "{\"form\":{\"message\":\"hi\"},\"in_reply_to\":\"" ID "\","
	    "\"officer\":\"duty-1\",\"template\":\"goodwill\",\"tz\":\"Europe/Paris\","
	    "\"version\":1}");
	buf_reset(&b);
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}", 16, NULL, NULL, NULL, NULL, &b, why), ST_OK);
	assert_string_equal(b.p, "{\"form\":{\"message\":\"hi\"},\"template\":\"goodwill\","
	    "\"version\":1}");
	buf_reset(&b);
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}", 16, "", "", "", NULL, &b, why), ST_OK);
	assert_string_equal(b.p, "{\"form\":{\"message\":\"hi\"},\"template\":\"goodwill\","
	    "\"version\":1}");
	/* appended */
	buf_reset(&b);
	EXPECT(buf_adds(&b, "x"), ST_OK);
	EXPECT(deskmsg_form_make(template_find("comm-check"), "{}", 2, NULL, NULL, NULL, NULL, &b, why),
	    ST_OK);
	assert_string_equal(b.p, "x{\"form\":{},\"template\":\"comm-check\",\"version\":1}");
	/* only n bytes of form are read */
	buf_reset(&b);
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}trailing", 16, NULL, NULL, NULL, NULL, &b,
	    why), ST_OK);
	assert_string_equal(b.p, "{\"form\":{\"message\":\"hi\"},\"template\":\"goodwill\","
	    "\"version\":1}");
	buf_free(&b);
}

/* test_form_canonical - one form written in other member orders, with other
 * whitespace and other escapes, makes the same bytes. */
static void
test_form_canonical(void **state)
{
	static const char *const inc[] = {
		"{\"observed\":\"o/x \xc3\xa9\",\"observed_at\":\"2026-11-26T08:15:00Z\","
		"\"sector\":\"energy\",\"systems\":\"s\",\"severity\":\"high\","
		"\"indicators\":[\"b\",\"a\"],\"action_requested\":\"a\\nb\"}",
		"{\"severity\":\"high\",\"indicators\":[\"b\",\"a\"],\"systems\":\"s\","
		"\"action_requested\":\"a\\nb\",\"sector\":\"energy\","
		"\"observed_at\":\"2026-11-26T08:15:00Z\",\"observed\":\"o/x \xc3\xa9\"}",
		" {\n\t\"action_requested\" : \"a\\u000ab\" ,\r\n \"indicators\" : [ \"b\" , \"a\" ] ,"
		"\"observed\":\"o\\/x \\u00e9\",\"observed_at\":\"2026-11-26T08:15:00Z\" ,\n"
		"\"sector\":\"\\u0065nergy\",\"severity\":\"high\",\"systems\":\"s\"}\n\n",
	};
	const struct template *t = template_find("incident-notification");
	char why[DESKMSG_WHY_MAX];
	struct buf first, b;

	(void)state;
	buf_init(&first, DESKMSG_BODY_MAX);
	EXPECT(deskmsg_form_make(t, inc[0], strlen(inc[0]), NULL, "UTC", "x", NULL, &first, why),
	    ST_OK);
	assert_string_equal(first.p, "{\"form\":{\"action_requested\":\"a\\nb\","
	    "\"indicators\":[\"b\",\"a\"],\"observed\":\"o/x \xc3\xa9\","
	    "\"observed_at\":\"2026-11-26T08:15:00Z\",\"sector\":\"energy\","
	    "\"severity\":\"high\",\"systems\":\"s\"},\"officer\":\"x\","
	    "\"template\":\"incident-notification\",\"tz\":\"UTC\",\"version\":1}");
	for (size_t i = 1; i < sizeof inc / sizeof inc[0]; i++) {
		buf_init(&b, DESKMSG_BODY_MAX);
		if (deskmsg_form_make(t, inc[i], strlen(inc[i]), NULL, "UTC", "x", NULL, &b, why))
			fail_msg("form %zu: %s", i, why);
		assert_string_equal(b.p, first.p);
		buf_free(&b);
	}
	buf_free(&first);
}

/* A body of template NAME, version 1, with form FORM and further members REST. */
#define BODY(name, form, rest) "{\"template\":\"" name "\",\"version\":1,\"form\":" form rest "}"
#define GW(rest) BODY("goodwill", "{\"message\":\"hi\"}", rest)
#define RE(rest) BODY("reply", "{\"answer\":\"yes\"}", rest)

/* test_form_read_ok - what a sender may write that is not canonical is
 * still read: members in any order, whitespace. */
static void
test_form_read_ok(void **state)
{
	static const struct {
		const char *type, *body, *in_reply_to, *tz, *officer;
	} ok[] = {
		{ "goodwill", GW(""), "", "", "" },
		{ "goodwill", " {\"form\" : {\"message\":\"hi\"},\n\"version\":1,"
		    "\"template\":\"goodwill\"}\r\n", "", "", "" },
		{ "goodwill", GW(",\"in_reply_to\":\"" ID "\""), ID, "", "" },
		{ "reply", RE(",\"in_reply_to\":\"" ID "\",\"tz\":\"Asia/Tokyo\","
		    "\"officer\":\"o\""), ID, "Asia/Tokyo", "o" },
		{ "comm-check", BODY("comm-check", "{\"note\":\"weekly\"}", ""), "", "", "" },
	};
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (deskmsg_form_read(ok[i].type, ok[i].body, strlen(ok[i].body), &f, why))
			fail_msg("case %zu: %s", i, why);
		assert_string_equal(why, "");
		assert_ptr_equal(f.t, template_find(ok[i].type));
		assert_string_equal(f.in_reply_to, ok[i].in_reply_to);
		assert_string_equal(f.tz, ok[i].tz);
		assert_string_equal(f.officer, ok[i].officer);
		assert_true(json_is_object(f.form));
		deskmsg_form_clear(&f);
	}
}

/* ---- forms: refused --------------------------------------------------- */

/* form_read refusals: why in full, or up to a final '*'. */
static const struct {
	const char *type, *body;
	status rc;
	const char *why;
} bad_read[] = {
	/* the type names no template */
	{ "nope", GW(""), ST_NOTFOUND, "template: no template named \"nope\"" },
	{ "", GW(""), ST_NOTFOUND, "template: no template named \"\"\"\"" },
	{ "Goodwill", GW(""), ST_NOTFOUND, "template: no template named \"Goodwill\"" },
	{ DESK_TYPE_ACK, GW(""), ST_NOTFOUND, "template: no template named \"desk.ack\"" },
	{ "go\"od\nwill", GW(""), ST_NOTFOUND, "template: no template named \"go?od?will\"" },
	/* not JSON, not an object */
	{ "goodwill", "", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", "nope", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", "{\"template\":\"goodwill\"", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", GW("") "x", ST_PARSE, "(body): not JSON: end of file expected*" },
	{ "goodwill", GW("") GW(""), ST_PARSE, "(body): not JSON: end of file expected*" },
	{ "goodwill", "\"goodwill\"", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", "42", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", "null", ST_PARSE, "(body): not JSON: *" },
	{ "goodwill", "[]", ST_PARSE, "(body): not a JSON object" },
	{ "goodwill", "[" GW("") "]", ST_PARSE, "(body): not a JSON object" },
	/* a member twice, at the top or in the form */
	{ "goodwill", GW(",\"version\":1"), ST_PARSE, "(body): not JSON: duplicate object key*" },
	{ "goodwill", GW(",\"form\":{\"message\":\"hi\"}"), ST_PARSE,
	    "(body): not JSON: duplicate object key*" },
	{ "goodwill", BODY("goodwill", "{\"message\":\"hi\",\"message\":\"ho\"}", ""), ST_PARSE,
	    "(body): not JSON: duplicate object key*" },
	/* a NUL in a string, escaped */
	{ "goodwill", BODY("goodwill", "{\"message\":\"a\\u0000b\"}", ""), ST_PARSE,
	    "(body): not JSON: ?u0000 is not allowed*" },
	{ "goodwill", GW(",\"officer\":\"duty\\u0000x\""), ST_PARSE,
	    "(body): not JSON: ?u0000 is not allowed*" },
	{ "goodwill", "{\"template\":\"goodwill\\u0000\",\"version\":1,"
	    "\"form\":{\"message\":\"hi\"}}", ST_PARSE, "(body): not JSON: ?u0000 is not allowed*" },
	{ "goodwill", GW(",\"x\\u0000\":1"), ST_PARSE,
	    "(body): not JSON: NUL byte in object key not supp*" },
	/* text that is not UTF-8 */
	{ "goodwill", BODY("goodwill", "{\"message\":\"caf\xe9\"}", ""), ST_PARSE,
	    "(body): not JSON: *" },
	/* unknown members */
	{ "goodwill", GW(",\"extra\":1"), ST_INVALID, "extra: unknown member" },
	{ "goodwill", GW(",\"Template\":\"goodwill\""), ST_INVALID, "Template: unknown member" },
	{ "goodwill", GW(",\"subject\":\"hi\""), ST_INVALID, "subject: unknown member" },
	{ "goodwill", GW(",\"\":1"), ST_INVALID, "\"\": unknown member" },
	{ "goodwill", GW(",\"a\\\"b\\\\c\\nd\":1"), ST_INVALID, "a?b?c?d: unknown member" },
	{ "goodwill", GW(",\"0123456789abcdef0123456789abcdefXYZ\":1"), ST_INVALID,
	    "0123456789abcdef0123456789abcdef...: unknown member" },
	/* an unknown member is named before a missing one */
	{ "goodwill", "{\"extra\":1}", ST_INVALID, "extra: unknown member" },
	/* template */
	{ "goodwill", "{\"version\":1,\"form\":{\"message\":\"hi\"}}", ST_INVALID,
	    "template: missing" },
	{ "goodwill", "{}", ST_INVALID, "template: missing" },
	{ "goodwill", "{\"template\":5,\"version\":1,\"form\":{\"message\":\"hi\"}}", ST_INVALID,
	    "template: not a string" },
	{ "goodwill", "{\"template\":null,\"version\":1,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "template: not a string" },
	{ "goodwill", "{\"template\":[\"goodwill\"],\"version\":1,"
	    "\"form\":{\"message\":\"hi\"}}", ST_INVALID, "template: not a string" },
	/* the template does not match the message's type */
	{ "goodwill", BODY("inquiry", "{\"message\":\"hi\"}", ""), ST_INVALID,
	    "template: \"inquiry\", but the message's type is \"goodwill\"" },
	{ "inquiry", GW(""), ST_INVALID,
	    "template: \"goodwill\", but the message's type is \"inquiry\"" },
	{ "reply", GW(",\"in_reply_to\":\"" ID "\""), ST_INVALID,
	    "template: \"goodwill\", but the message's type is \"reply\"" },
	{ "goodwill", BODY("Goodwill", "{\"message\":\"hi\"}", ""), ST_INVALID,
	    "template: \"Goodwill\", but the message's type is \"goodwill\"" },
	{ "goodwill", BODY("", "{\"message\":\"hi\"}", ""), ST_INVALID,
	    "template: \"\"\"\", but the message's type is \"goodwill\"" },
	{ "goodwill", BODY("good\\\"will", "{\"message\":\"hi\"}", ""), ST_INVALID,
	    "template: \"good?will\", but the message's type is \"goodwill\"" },
	/* version */
	{ "goodwill", "{\"template\":\"goodwill\",\"form\":{\"message\":\"hi\"}}", ST_INVALID,
	    "version: missing" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":\"1\",\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: not an integer" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":1.0,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: not an integer" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":true,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: not an integer" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":null,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: not an integer" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":2,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: 2 of goodwill is not known here (1 is)" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":0,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: 0 of goodwill is not known here (1 is)" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":-1,\"form\":{\"message\":\"hi\"}}",
	    ST_INVALID, "version: -1 of goodwill is not known here (1 is)" },
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":4294967297,"
	    "\"form\":{\"message\":\"hi\"}}", ST_INVALID,
	    "version: 4294967297 of goodwill is not known here (1 is)" },
	/* in_reply_to */
	{ "goodwill", GW(",\"in_reply_to\":\"not-a-uuid\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"0190F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"" ID "0\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"0190f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"0190f3a45b6c-7d8e-9fa0-b1c2d3e4f5a6a\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"{0190f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a}\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":\"\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", GW(",\"in_reply_to\":42"), ST_INVALID, "in_reply_to: not a string" },
	{ "goodwill", GW(",\"in_reply_to\":null"), ST_INVALID, "in_reply_to: not a string" },
	/* a reply names the message it answers */
	{ "reply", RE(""), ST_INVALID, "in_reply_to: missing: a reply names the message it answers" },
	{ "reply", RE(",\"tz\":\"UTC\",\"officer\":\"o\""), ST_INVALID,
	    "in_reply_to: missing: a reply names the message it answers" },
	{ "reply", RE(",\"in_reply_to\":\"\""), ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	/* tz: a name's shape, never a path */
	{ "goodwill", GW(",\"tz\":\"../etc\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"../../etc/passwd\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe/../../etc/passwd\""), ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe/..\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe/./Paris\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"..\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"/etc/passwd\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe//Paris\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe/\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"-Europe\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe\\\\Paris\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe Paris\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Europe/Paris\\n\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"\""), ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":\"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\""),
	    ST_INVALID, "tz: not a time zone name" },
	{ "goodwill", GW(",\"tz\":1"), ST_INVALID, "tz: not a string" },
	{ "goodwill", GW(",\"tz\":{}"), ST_INVALID, "tz: not a string" },
	/* officer */
	{ "goodwill", GW(",\"officer\":\"Alice\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"-duty\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\".duty\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"duty 1\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"../duty\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"duty/1\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"d\xc3\xa9sk\""), ST_INVALID,
	    "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":\"\""), ST_INVALID, "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":"
	    "\"a123456789012345678901234567890123456789012345678901234567890123\""), ST_INVALID,
	    "officer: not an officer's name" },
	{ "goodwill", GW(",\"officer\":false"), ST_INVALID, "officer: not a string" },
	/* form: missing, not an object */
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":1}", ST_INVALID, "form: missing" },
	{ "goodwill", BODY("goodwill", "\"hi\"", ""), ST_INVALID, "form: not an object" },
	{ "goodwill", BODY("goodwill", "[{\"message\":\"hi\"}]", ""), ST_INVALID,
	    "form: not an object" },
	{ "goodwill", BODY("goodwill", "null", ""), ST_INVALID, "form: not an object" },
	/* form: the template's why, under "form." */
	{ "goodwill", BODY("goodwill", "{}", ""), ST_INVALID, "form.message: missing" },
	{ "goodwill", BODY("goodwill", "{\"message\":\"hi\",\"extra\":1}", ""), ST_INVALID,
	    "form.extra: unknown member" },
	{ "goodwill", BODY("goodwill", "{\"message\":\"\"}", ""), ST_INVALID,
	    "form.message: empty" },
	{ "goodwill", BODY("goodwill", "{\"message\":7}", ""), ST_INVALID,
	    "form.message: not a string" },
	{ "goodwill", BODY("goodwill", "{\"message\":\"a\\tb\"}", ""), ST_INVALID,
	    "form.message: control character at byte 1" },
	{ "goodwill", BODY("goodwill", "{\"message\":\"ab\\u007f\"}", ""), ST_INVALID,
	    "form.message: control character at byte 2" },
	{ "comm-check", BODY("comm-check", "{\"note\":\"\\r\"}", ""), ST_INVALID,
	    "form.note: control character at byte 0" },
	{ "inquiry", BODY("inquiry", "{\"activity\":\"a\",\"questions\":[]}", ""), ST_INVALID,
	    "form.questions: empty list" },
	{ "inquiry", BODY("inquiry", "{\"activity\":\"a\",\"questions\":[\"q\",\"\"]}", ""),
	    ST_INVALID, "form.questions[1]: empty" },
	{ "request-for-assistance", BODY("request-for-assistance",
	    "{\"situation\":\"s\",\"assistance\":\"a\",\"urgency\":\"HIGH\"}", ""), ST_INVALID,
	    "form.urgency: not one of low, medium, high, critical" },
	{ "reply", BODY("reply", "{\"answer\":\"a\",\"references\":\"r\"}",
	    ",\"in_reply_to\":\"" ID "\""), ST_INVALID, "form.references: not an array" },
	{ "incident-notification", BODY("incident-notification", "{\"observed\":\"o\","
	    "\"observed_at\":\"2026-11-26T08:15:00+01:00\",\"sector\":\"energy\","
	    "\"systems\":\"s\",\"severity\":\"high\",\"action_requested\":\"a\"}", ""), ST_INVALID,
	    "form.observed_at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	/* the wrapper is checked before the form */
	{ "goodwill", "{\"template\":\"goodwill\",\"version\":2,\"form\":{}}", ST_INVALID,
	    "version: 2 of goodwill is not known here (1 is)" },
	{ "goodwill", BODY("goodwill", "{}", ",\"tz\":\"../etc\""), ST_INVALID,
	    "tz: not a time zone name" },
};

static void
test_form_read_bad(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;

	(void)state;
	for (size_t i = 0; i < sizeof bad_read / sizeof bad_read[0]; i++) {
		status rc;

		memset(&f, 0xa5, sizeof f);
		rc = deskmsg_form_read(bad_read[i].type, bad_read[i].body, strlen(bad_read[i].body),
		    &f, why);
		if (rc != bad_read[i].rc || !why_is(why, bad_read[i].why))
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad_read[i].body,
			    status_str(rc), why, status_str(bad_read[i].rc), bad_read[i].why);
		/* out cleared but for the template the type names */
		assert_ptr_equal(f.t, rc == ST_NOTFOUND ? NULL : template_find(bad_read[i].type));
		assert_null(f.form);
		assert_string_equal(f.in_reply_to, "");
		assert_string_equal(f.tz, "");
		assert_string_equal(f.officer, "");
		deskmsg_form_clear(&f);
	}
}

/* test_form_read_nul - a NUL byte inside the n bytes, in a string or after
 * the object, is refused; n, not the NUL, ends the body. */
static void
test_form_read_nul(void **state)
{
	static const char in_str[] = BODY("goodwill", "{\"message\":\"h\0i\"}", "");
	static const char after[] = GW("") "\0";
	static const char body[] = GW("") "garbage";
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;

	(void)state;
	EXPECT(deskmsg_form_read("goodwill", in_str, sizeof in_str - 1, &f, why), ST_PARSE);
	assert_true(why_is(why, "(body): not JSON: control character 0x0*"));
	EXPECT(deskmsg_form_read("goodwill", after, sizeof after - 1, &f, why), ST_PARSE);
	assert_true(why_is(why, "(body): not JSON: end of file expected*"));
	EXPECT(deskmsg_form_read("goodwill", body, strlen(GW("")), &f, why), ST_OK);
	assert_string_equal(why, "");
	deskmsg_form_clear(&f);
	EXPECT(deskmsg_form_read("goodwill", body, strlen(GW("")) - 1, &f, why), ST_PARSE);
	assert_null(f.form);
}

/* test_form_read_size - a body of DESKMSG_BODY_MAX bytes is read, one more
 * byte is too big. */
static void
test_form_read_size(void **state)
{
	char why[DESKMSG_WHY_MAX], want[96];
	struct deskmsg_form f;
	char *body = malloc(DESKMSG_BODY_MAX + 2);
	size_t n = strlen(GW(""));

	(void)state;
	assert_non_null(body);
	memcpy(body, GW(""), n);
	memset(body + n, ' ', DESKMSG_BODY_MAX + 1 - n);
	EXPECT(deskmsg_form_read("goodwill", body, DESKMSG_BODY_MAX, &f, why), ST_OK);
	deskmsg_form_clear(&f);
	EXPECT(deskmsg_form_read("goodwill", body, DESKMSG_BODY_MAX + 1, &f, why), ST_TOOBIG);
	snprintf(want, sizeof want, "(body): %d bytes, over the %d allowed", DESKMSG_BODY_MAX + 1,
	    DESKMSG_BODY_MAX);
	assert_string_equal(why, want);
	assert_null(f.form);
	/* too big is said before not JSON */
	memset(body, 'x', DESKMSG_BODY_MAX + 1);
	EXPECT(deskmsg_form_read("goodwill", body, DESKMSG_BODY_MAX + 1, &f, why), ST_TOOBIG);
	assert_string_equal(why, want);
	/* a form at its template's limit, in a body within the limit */
	snprintf(body, DESKMSG_BODY_MAX + 2, BODY("goodwill", "{\"message\":\"%s\"}", ""),
	    rep('m', 2000));
	EXPECT(deskmsg_form_read("goodwill", body, strlen(body), &f, why), ST_OK);
	deskmsg_form_clear(&f);
	snprintf(body, DESKMSG_BODY_MAX + 2, BODY("goodwill", "{\"message\":\"%s\"}", ""),
	    rep('m', 2001));
	EXPECT(deskmsg_form_read("goodwill", body, strlen(body), &f, why), ST_INVALID);
	assert_string_equal(why, "form.message: longer than 2000 bytes");
	free(body);
}

/* form_make refusals: the template's own why (no "form." prefix) for the
 * form, the argument's name for the rest. */
static const struct {
	const char *name, *form, *in_reply_to, *tz, *officer;
	status rc;
	const char *why;
} bad_make[] = {
	/* the form, as template_check says */
	{ "goodwill", "", NULL, NULL, NULL, ST_PARSE, "form: not JSON: *" },
	{ "goodwill", "{\"message\":\"hi\"", NULL, NULL, NULL, ST_PARSE, "form: not JSON: *" },
	{ "goodwill", "[\"message\"]", NULL, NULL, NULL, ST_PARSE, "form: not a JSON object" },
	{ "goodwill", "\"hi\"", NULL, NULL, NULL, ST_PARSE, "form: not a JSON object" },
	{ "goodwill", "{\"message\":\"hi\",\"message\":\"ho\"}", NULL, NULL, NULL, ST_PARSE,
	    "form: not JSON: duplicate object key*" },
	{ "goodwill", "{\"message\":\"a\\u0000b\"}", NULL, NULL, NULL, ST_PARSE,
	    "form: not JSON: ?u0000 is not allowed*" },
	{ "goodwill", "{}", NULL, NULL, NULL, ST_INVALID, "message: missing" },
	{ "goodwill", "{\"message\":\"hi\",\"extra\":1}", NULL, NULL, NULL, ST_INVALID,
	    "extra: unknown member" },
	{ "goodwill", "{\"message\":\"a\\tb\"}", NULL, NULL, NULL, ST_INVALID,
	    "message: control character at byte 1" },
	{ "inquiry", "{\"activity\":\"a\",\"questions\":[]}", NULL, NULL, NULL, ST_INVALID,
	    "questions: empty list" },
	/* the form is checked first */
	{ "goodwill", "{}", "x", "../etc", "Alice", ST_INVALID, "message: missing" },
	/* in_reply_to */
	{ "goodwill", "{\"message\":\"hi\"}", "not-a-uuid", NULL, NULL, ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", "{\"message\":\"hi\"}", "0190F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6", NULL, NULL,
	    ST_INVALID, "in_reply_to: not a message id (a UUID)" },
	{ "goodwill", "{\"message\":\"hi\"}", ID " ", NULL, NULL, ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	{ "reply", "{\"answer\":\"a\"}", "0190f3a4-5b6c-7d8e-9fa0", NULL, NULL, ST_INVALID,
	    "in_reply_to: not a message id (a UUID)" },
	/* a reply without in_reply_to */
	{ "reply", "{\"answer\":\"a\"}", NULL, NULL, NULL, ST_INVALID,
	    "in_reply_to: missing: a reply names the message it answers" },
	{ "reply", "{\"answer\":\"a\"}", "", "UTC", "o", ST_INVALID,
	    "in_reply_to: missing: a reply names the message it answers" },
	/* tz */
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "../etc", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "../../../../etc/passwd", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "Europe/../../etc/shadow", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "/usr/share/zoneinfo/UTC", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "Europe/Paris ", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, "Europe/Par\xc3\xads", NULL, ST_INVALID,
	    "tz: not a time zone name" },
	/* officer */
	{ "goodwill", "{\"message\":\"hi\"}", NULL, NULL, "Alice", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, NULL, "_duty", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, NULL, "../duty", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, NULL, "duty\n", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ "goodwill", "{\"message\":\"hi\"}", NULL, NULL,
	    "a123456789012345678901234567890123456789012345678901234567890123", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
};

static void
test_form_make_bad(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof bad_make / sizeof bad_make[0]; i++) {
		status rc;

		buf_init(&b, DESKMSG_BODY_MAX);
		EXPECT(buf_adds(&b, "kept"), ST_OK);
		rc = deskmsg_form_make(template_find(bad_make[i].name), bad_make[i].form,
		    strlen(bad_make[i].form), bad_make[i].in_reply_to, bad_make[i].tz,
		    bad_make[i].officer, NULL, &b, why);
		if (rc != bad_make[i].rc || !why_is(why, bad_make[i].why))
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad_make[i].form,
			    status_str(rc), why, status_str(bad_make[i].rc), bad_make[i].why);
		assert_string_equal(buf_str(&b), "kept");
		buf_free(&b);
	}
}

/* test_form_make_limits - a form over TEMPLATE_FORM_MAX is too big (out
 * untouched); the longest names pass; out's maximum is kept to. */
static void
test_form_make_limits(void **state)
{
	const struct template *gw = template_find("goodwill");
	char why[DESKMSG_WHY_MAX], want[96], name[CARD_NAME_MAX + 1], zone[TZ_NAME_MAX + 1];
	char *form = malloc(TEMPLATE_FORM_MAX + 2);
	struct deskmsg_form f;
	struct buf b;

	(void)state;
	assert_non_null(form);
	buf_init(&b, DESKMSG_BODY_MAX);
	memcpy(form, "{\"message\":\"hi\"}", 16);
	memset(form + 16, ' ', TEMPLATE_FORM_MAX + 1 - 16);
	EXPECT(deskmsg_form_make(gw, form, TEMPLATE_FORM_MAX, NULL, NULL, NULL, NULL, &b, why), ST_OK);
	buf_reset(&b);
	EXPECT(deskmsg_form_make(gw, form, TEMPLATE_FORM_MAX + 1, NULL, NULL, NULL, NULL, &b, why),
	    ST_TOOBIG);
	snprintf(want, sizeof want, "form: %d bytes, over the %d allowed", TEMPLATE_FORM_MAX + 1,
	    TEMPLATE_FORM_MAX);
	assert_string_equal(why, want);
	assert_int_equal(b.len, 0);
	/* the longest officer and zone names */
	memset(name, 'o', CARD_NAME_MAX);
	name[CARD_NAME_MAX] = '\0';
	memset(zone, 'Z', TZ_NAME_MAX);
	zone[TZ_NAME_MAX] = '\0';
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}", 16, ID, zone, name, NULL, &b, why), ST_OK);
	EXPECT(deskmsg_form_read("goodwill", b.p, b.len, &f, why), ST_OK);
	assert_string_equal(f.officer, name);
	assert_string_equal(f.tz, zone);
	deskmsg_form_clear(&f);
	buf_free(&b);
	/* out's own maximum */
	buf_init(&b, 20);
	EXPECT(deskmsg_form_make(gw, "{\"message\":\"hi\"}", 16, NULL, NULL, NULL, NULL, &b, why),
	    ST_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	free(form);
}

/* ---- statements ------------------------------------------------------- */

static void
test_ack(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt s;
	struct buf b;

	(void)state;
	buf_init(&b, STMT_MAX);
	EXPECT(deskmsg_ack_make(ID, "duty-1", "duty", NULL, T0, &b, why), ST_OK);
	assert_string_equal(why, "");
	assert_string_equal(b.p, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00.000Z\","
	    "\"officer\":\"duty-1\",\"role\":\"duty\"}");
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, b.p, b.len, &s, why), ST_OK);
	assert_string_equal(why, "");
	assert_int_equal(s.kind, DESKMSG_ACK);
	assert_string_equal(s.ref, ID);
	assert_int_equal(s.at_ms, T0);
	assert_string_equal(s.officer, "duty-1");
	assert_string_equal(s.role, "duty");
	assert_string_equal(s.note, "");
	assert_string_equal(s.step, "");
	assert_int_equal(s.due_ms, 0);
	/* a note "" is none */
	buf_reset(&b);
	EXPECT(deskmsg_ack_make(ID, "duty-1", "duty", "", T0, &b, why), ST_OK);
	assert_string_equal(b.p, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00.000Z\","
	    "\"officer\":\"duty-1\",\"role\":\"duty\"}");
	/* a note with newlines, quotes and UTF-8, and milliseconds */
	buf_reset(&b);
	EXPECT(deskmsg_ack_make(ID, "h", "head", "Seen.\n\"On it\" \xe2\x80\x94 \xd0\xb4\\a",
	    T0 + 7, &b, why), ST_OK);
	assert_string_equal(b.p, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00.007Z\","
	    "\"note\":\"Seen.\\n\\\"On it\\\" \xe2\x80\x94 \xd0\xb4\\\\a\",\"officer\":\"h\","
	    "\"role\":\"head\"}");
	made_canonical(b.p, b.len);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, b.p, b.len, &s, why), ST_OK);
	assert_string_equal(s.note, "Seen.\n\"On it\" \xe2\x80\x94 \xd0\xb4\\a");
	assert_string_equal(s.role, "head");
	assert_int_equal(s.at_ms, T0 + 7);
	/* each role; a note of DESKMSG_NOTE_MAX bytes, all escaped */
	for (const char *const *r = (const char *const[]){ "duty", "supervisor", "head", NULL };
	    *r; r++) {
		buf_reset(&b);
		EXPECT(deskmsg_ack_make(ID2, "x", *r, rep('\n', DESKMSG_NOTE_MAX), 0, &b, why),
		    ST_OK);
		assert_true(b.len <= STMT_MAX);
		EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, b.p, b.len, &s, why), ST_OK);
		assert_string_equal(s.role, *r);
		assert_string_equal(s.ref, ID2);
		assert_int_equal(s.at_ms, 0);
		assert_int_equal(strlen(s.note), DESKMSG_NOTE_MAX);
	}
	/* the longest officer name */
	buf_reset(&b);
	EXPECT(deskmsg_ack_make(ID, rep('9', CARD_NAME_MAX), "duty", NULL, T0, &b, why), ST_OK);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, b.p, b.len, &s, why), ST_OK);
	assert_int_equal(strlen(s.officer), CARD_NAME_MAX);
	buf_free(&b);
}

static void
test_ack_bad(void **state)
{
	static const struct {
		const char *ref, *officer, *role, *note, *why;
	} bad[] = {
		{ "not-a-uuid", "o", "duty", NULL, "ack: not a message id (a UUID)" },
		{ "", "o", "duty", NULL, "ack: not a message id (a UUID)" },
		{ "0190F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6", "o", "duty", NULL,
		    "ack: not a message id (a UUID)" },
		{ ID "\n", "o", "duty", NULL, "ack: not a message id (a UUID)" },
		{ ID, "Alice", "duty", NULL,
		    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
		{ ID, "", "duty", NULL,
		    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
		{ ID, "../o", "duty", NULL,
		    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
		{ ID, "o", "chief", NULL, "role: not duty, supervisor or head" },
		{ ID, "o", "Duty", NULL, "role: not duty, supervisor or head" },
		{ ID, "o", "", NULL, "role: not duty, supervisor or head" },
		{ ID, "o", "duty", "a\tb", "note: over 1000 bytes, or holds a control character" },
		{ ID, "o", "duty", "a\rb", "note: over 1000 bytes, or holds a control character" },
		{ ID, "o", "duty", "\x01", "note: over 1000 bytes, or holds a control character" },
		{ ID, "o", "duty", "a\x7f", "note: over 1000 bytes, or holds a control character" },
		{ ID, "o", "duty", "\x1b[2J", "note: over 1000 bytes, or holds a control character" },
		/* a note that is not UTF-8 is refused, never dropped */
		{ ID, "o", "duty", "caf\xe9", "note: not text (UTF-8)" },
		{ ID, "o", "duty", "\xc3", "note: not text (UTF-8)" },
		{ ID, "o", "duty", "\xed\xa0\x80", "note: not text (UTF-8)" },
		{ ID, "o", "duty", "\xc0\xaf", "note: not text (UTF-8)" },
	};
	char why[DESKMSG_WHY_MAX];
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status rc;

		buf_init(&b, STMT_MAX);
		rc = deskmsg_ack_make(bad[i].ref, bad[i].officer, bad[i].role, bad[i].note, T0, &b,
		    why);
		if (rc != ST_INVALID || strcmp(why, bad[i].why) != 0)
			fail_msg("case %zu: got %s \"%s\" (%s), want invalid \"%s\"", i,
			    status_str(rc), why, buf_str(&b), bad[i].why);
		assert_int_equal(b.len, 0);
		buf_free(&b);
	}
	/* a note one byte over */
	buf_init(&b, STMT_MAX);
	EXPECT(deskmsg_ack_make(ID, "o", "duty", rep('n', DESKMSG_NOTE_MAX + 1), T0, &b, why),
	    ST_INVALID);
	assert_string_equal(why, "note: over 1000 bytes, or holds a control character");
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_overdue(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt s;
	struct buf b;

	(void)state;
	buf_init(&b, STMT_MAX);
	EXPECT(deskmsg_overdue_make(ID, "ack", T0, T0 + 61001, &b, why), ST_OK);
	assert_string_equal(why, "");
	assert_string_equal(b.p, "{\"at\":\"2025-11-26T08:16:01.001Z\","
	    "\"due\":\"2025-11-26T08:15:00.000Z\",\"overdue\":\"" ID "\",\"step\":\"ack\"}");
	made_canonical(b.p, b.len);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_OVERDUE, b.p, b.len, &s, why), ST_OK);
	assert_string_equal(why, "");
	assert_int_equal(s.kind, DESKMSG_OVERDUE);
	assert_string_equal(s.ref, ID);
	assert_string_equal(s.step, "ack");
	assert_int_equal(s.due_ms, T0);
	assert_int_equal(s.at_ms, T0 + 61001);
	assert_string_equal(s.officer, "");
	assert_string_equal(s.role, "");
	assert_string_equal(s.note, "");
	buf_reset(&b);
	EXPECT(deskmsg_overdue_make(ID2, "reply", 0, T0, &b, why), ST_OK);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_OVERDUE, b.p, b.len, &s, why), ST_OK);
	assert_string_equal(s.step, "reply");
	assert_string_equal(s.ref, ID2);
	assert_int_equal(s.due_ms, 0);
	/* refusals, out untouched */
	buf_reset(&b);
	EXPECT(deskmsg_overdue_make("nope", "ack", T0, T0, &b, why), ST_INVALID);
	assert_string_equal(why, "overdue: not a message id (a UUID)");
	EXPECT(deskmsg_overdue_make(ID "x", "ack", T0, T0, &b, why), ST_INVALID);
	assert_string_equal(why, "overdue: not a message id (a UUID)");
	EXPECT(deskmsg_overdue_make(ID, "read", T0, T0, &b, why), ST_INVALID);
	assert_string_equal(why, "step: not ack or reply");
	EXPECT(deskmsg_overdue_make(ID, "Ack", T0, T0, &b, why), ST_INVALID);
	assert_string_equal(why, "step: not ack or reply");
	EXPECT(deskmsg_overdue_make(ID, "", T0, T0, &b, why), ST_INVALID);
	assert_string_equal(why, "step: not ack or reply");
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

#define ACK(rest) "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00.000Z\",\"officer\":\"o\"," \
	"\"role\":\"duty\"" rest "}"
#define OVD(rest) "{\"overdue\":\"" ID "\",\"step\":\"ack\",\"due\":\"2025-11-26T08:15:00Z\"," \
	"\"at\":\"2025-11-26T08:16:00Z\"" rest "}"

static const struct {
	const char *type, *body;
	status rc;
	const char *why;
} bad_stmt[] = {
	/* not a statement's type */
	{ "goodwill", ACK(""), ST_NOTFOUND, "type: not a desk statement" },
	{ "desk.ACK", ACK(""), ST_NOTFOUND, "type: not a desk statement" },
	{ "", ACK(""), ST_NOTFOUND, "type: not a desk statement" },
	/* not JSON, not an object, a member twice, a NUL */
	{ DESK_TYPE_ACK, "", ST_PARSE, "(body): not JSON: *" },
	{ DESK_TYPE_ACK, "ack", ST_PARSE, "(body): not JSON: *" },
	{ DESK_TYPE_ACK, ACK("") ",", ST_PARSE, "(body): not JSON: *" },
	{ DESK_TYPE_OVERDUE, "\"" ID "\"", ST_PARSE, "(body): not JSON: *" },
	{ DESK_TYPE_ACK, "[]", ST_PARSE, "(body): not a JSON object" },
	{ DESK_TYPE_OVERDUE, "[" OVD("") "]", ST_PARSE, "(body): not a JSON object" },
	{ DESK_TYPE_ACK, ACK(",\"role\":\"head\""), ST_PARSE,
	    "(body): not JSON: duplicate object key*" },
	{ DESK_TYPE_OVERDUE, OVD(",\"step\":\"reply\""), ST_PARSE,
	    "(body): not JSON: duplicate object key*" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"a\\u0000b\""), ST_PARSE,
	    "(body): not JSON: ?u0000 is not allowed*" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\\u0000\",\"at\":\"2025-11-26T08:15:00.000Z\","
	    "\"officer\":\"o\",\"role\":\"duty\"}", ST_PARSE,
	    "(body): not JSON: ?u0000 is not allowed*" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"caf\xe9\""), ST_PARSE, "(body): not JSON: *" },
	/* ack: members */
	{ DESK_TYPE_ACK, ACK(",\"extra\":1"), ST_INVALID, "extra: unknown member" },
	{ DESK_TYPE_ACK, ACK(",\"step\":\"ack\""), ST_INVALID, "step: unknown member" },
	{ DESK_TYPE_ACK, OVD(""), ST_INVALID, "overdue: unknown member" },
	{ DESK_TYPE_ACK, "{}", ST_INVALID, "ack: missing" },
	{ DESK_TYPE_ACK, "{\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"o\",\"role\":\"duty\"}",
	    ST_INVALID, "ack: missing" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"officer\":\"o\",\"role\":\"duty\"}", ST_INVALID,
	    "at: missing" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"role\":\"duty\"}",
	    ST_INVALID, "officer: missing" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"o\"}",
	    ST_INVALID, "role: missing" },
	/* ack: types and values */
	{ DESK_TYPE_ACK, "{\"ack\":1}", ST_INVALID, "ack: not a string" },
	{ DESK_TYPE_ACK, "{\"ack\":\"x\"}", ST_INVALID, "ack: not a message id (a UUID)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"0190F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6\"}", ST_INVALID,
	    "ack: not a message id (a UUID)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":1764144900000}", ST_INVALID,
	    "at: not a string" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00+01:00\"}", ST_INVALID,
	    "at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-02-29T08:15:00Z\"}", ST_INVALID,
	    "at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26 08:15:00Z\"}", ST_INVALID,
	    "at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"\"}", ST_INVALID,
	    "at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":7,"
	    "\"role\":\"duty\"}", ST_INVALID, "officer: not a string" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"Bob\","
	    "\"role\":\"duty\"}", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"../o\","
	    "\"role\":\"duty\"}", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"\","
	    "\"role\":\"duty\"}", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":"
	    "\"a123456789012345678901234567890123456789012345678901234567890123\","
	    "\"role\":\"duty\"}", ST_INVALID,
	    "officer: not an officer's name ([a-z0-9][a-z0-9._-]{0,62})" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"o\","
	    "\"role\":\"chief\"}", ST_INVALID, "role: not duty, supervisor or head" },
	{ DESK_TYPE_ACK, "{\"ack\":\"" ID "\",\"at\":\"2025-11-26T08:15:00Z\",\"officer\":\"o\","
	    "\"role\":[\"duty\"]}", ST_INVALID, "role: not a string" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"\""), ST_INVALID,
	    "note: empty, over 1000 bytes, or holds a control character" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"a\\tb\""), ST_INVALID,
	    "note: empty, over 1000 bytes, or holds a control character" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"\\u001b[2J\""), ST_INVALID,
	    "note: empty, over 1000 bytes, or holds a control character" },
	{ DESK_TYPE_ACK, ACK(",\"note\":\"\\u007f\""), ST_INVALID,
	    "note: empty, over 1000 bytes, or holds a control character" },
	{ DESK_TYPE_ACK, ACK(",\"note\":null"), ST_INVALID, "note: not a string" },
	{ DESK_TYPE_ACK, ACK(",\"note\":[\"a\"]"), ST_INVALID, "note: not a string" },
	/* overdue: members */
	{ DESK_TYPE_OVERDUE, OVD(",\"note\":\"n\""), ST_INVALID, "note: unknown member" },
	{ DESK_TYPE_OVERDUE, ACK(""), ST_INVALID, "ack: unknown member" },
	{ DESK_TYPE_OVERDUE, "{}", ST_INVALID, "overdue: missing" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\"}", ST_INVALID, "step: missing" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"ack\"}", ST_INVALID,
	    "due: missing" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"ack\","
	    "\"due\":\"2025-11-26T08:15:00Z\"}", ST_INVALID, "at: missing" },
	/* overdue: types and values */
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"nope\"}", ST_INVALID,
	    "overdue: not a message id (a UUID)" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":[]}", ST_INVALID, "overdue: not a string" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"read\"}", ST_INVALID,
	    "step: not ack or reply" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"\"}", ST_INVALID,
	    "step: not ack or reply" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":1}", ST_INVALID,
	    "step: not a string" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"reply\",\"due\":\"soon\"}",
	    ST_INVALID, "due: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"reply\","
	    "\"due\":\"2025-11-26T08:15:00.1Z\"}", ST_INVALID,
	    "due: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"reply\","
	    "\"due\":\"2025-11-26T08:15:00Z\",\"at\":\"2025-11-26T24:00:00Z\"}", ST_INVALID,
	    "at: not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ DESK_TYPE_OVERDUE, "{\"overdue\":\"" ID "\",\"step\":\"reply\","
	    "\"due\":\"2025-11-26T08:15:00Z\",\"at\":false}", ST_INVALID, "at: not a string" },
};

static void
test_stmt_read_bad(void **state)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt s, zero;

	(void)state;
	memset(&zero, 0, sizeof zero);
	for (size_t i = 0; i < sizeof bad_stmt / sizeof bad_stmt[0]; i++) {
		status rc;

		memset(&s, 0xa5, sizeof s);
		rc = deskmsg_stmt_read(bad_stmt[i].type, bad_stmt[i].body, strlen(bad_stmt[i].body),
		    &s, why);
		if (rc != bad_stmt[i].rc || !why_is(why, bad_stmt[i].why))
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad_stmt[i].body,
			    status_str(rc), why, status_str(bad_stmt[i].rc), bad_stmt[i].why);
		assert_memory_equal(&s, &zero, sizeof s);
	}
}

/* test_stmt_read_ok - not canonical but valid: read, fields as written. */
static void
test_stmt_read_ok(void **state)
{
	static const char ack[] = " { \"role\" : \"supervisor\", \"officer\":\"sup.1\",\n"
	    "\"note\":\"\\u00e9t\\u00e9\\nok\", \"at\":\"2025-11-26T08:15:00Z\",\"ack\":\"" ID "\"}\n";
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt s;

	(void)state;
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, ack, strlen(ack), &s, why), ST_OK);
	assert_int_equal(s.kind, DESKMSG_ACK);
	assert_string_equal(s.role, "supervisor");
	assert_string_equal(s.officer, "sup.1");
	assert_string_equal(s.note, "\xc3\xa9t\xc3\xa9\nok");
	assert_int_equal(s.at_ms, T0);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_OVERDUE, OVD(""), strlen(OVD("")), &s, why), ST_OK);
	assert_int_equal(s.kind, DESKMSG_OVERDUE);
	assert_string_equal(s.step, "ack");
	assert_int_equal(s.due_ms, T0);
	assert_int_equal(s.at_ms, T0 + 60000);
	/* only n bytes are read */
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, ACK("") "junk", strlen(ACK("")), &s, why), ST_OK);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, ACK(""), strlen(ACK("")) - 1, &s, why), ST_PARSE);
	/* a NUL byte in the n bytes */
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, ACK("") "\0", strlen(ACK("")) + 1, &s, why),
	    ST_PARSE);
}

/* test_stmt_size - a statement's body of STMT_MAX bytes is read; one byte
 * more is too big, even for a body that is otherwise fine; a note of
 * DESKMSG_NOTE_MAX bytes in the body is read, one over refused. */
static void
test_stmt_size(void **state)
{
	char why[DESKMSG_WHY_MAX], body[STMT_MAX + 2];
	struct deskmsg_stmt s;
	size_t n = strlen(ACK(""));

	(void)state;
	memcpy(body, ACK(""), n);
	memset(body + n, '\n', sizeof body - n);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, STMT_MAX, &s, why), ST_OK);
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, STMT_MAX + 1, &s, why), ST_TOOBIG);
	assert_string_equal(why, "(body): 4097 bytes, over the 4096 allowed");
	assert_string_equal(s.ref, "");
	EXPECT(deskmsg_stmt_read(DESK_TYPE_OVERDUE, body, STMT_MAX + 1, &s, why), ST_TOOBIG);
	snprintf(body, sizeof body, ACK(",\"note\":\"%s\""), rep('n', DESKMSG_NOTE_MAX));
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, strlen(body), &s, why), ST_OK);
	assert_int_equal(strlen(s.note), DESKMSG_NOTE_MAX);
	snprintf(body, sizeof body, ACK(",\"note\":\"%s\""), rep('n', DESKMSG_NOTE_MAX + 1));
	EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, strlen(body), &s, why), ST_INVALID);
	assert_string_equal(why, "note: empty, over 1000 bytes, or holds a control character");
	/* the limit is in bytes: 500 two-byte characters pass, 501 do not */
	{
		char note[2 * 501 + 1];

		for (size_t i = 0; i < 501; i++)
			memcpy(note + 2 * i, "\xc3\xa9", 2);
		note[2 * 500] = '\0';
		snprintf(body, sizeof body, ACK(",\"note\":\"%s\""), note);
		EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, strlen(body), &s, why), ST_OK);
		note[2 * 500] = '\xc3';
		note[2 * 501] = '\0';
		snprintf(body, sizeof body, ACK(",\"note\":\"%s\""), note);
		EXPECT(deskmsg_stmt_read(DESK_TYPE_ACK, body, strlen(body), &s, why), ST_INVALID);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_form_roundtrip),
		cmocka_unit_test(test_form_bytes),
		cmocka_unit_test(test_form_canonical),
		cmocka_unit_test(test_form_read_ok),
		cmocka_unit_test(test_form_read_bad),
		cmocka_unit_test(test_form_read_nul),
		cmocka_unit_test(test_form_read_size),
		cmocka_unit_test(test_form_make_bad),
		cmocka_unit_test(test_form_make_limits),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_ack_bad),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_stmt_read_ok),
		cmocka_unit_test(test_stmt_read_bad),
		cmocka_unit_test(test_stmt_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
