/* test_contacts.c - a node's points of contact: a valid file read; every
 * rule broken in turn refused with a why naming the member by its JSON
 * path, in a file and in a statement; the statement's canonical text, read
 * back to the same contacts, version and time, even for the largest file;
 * what contacts_diff reports a peer's operator when contacts change. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/contacts.h"
#include "util/stamp.h"
#include "testcheck.h"

static struct contacts *
must_parse(const char *json, enum contacts_mode mode)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *c = NULL;

	if (contacts_parse(json, strlen(json), mode, &c, why) != ST_OK)
		fail_msg("%s (in %.300s)", why, json);
	assert_string_equal(why, "");
	return c;
}

static void
test_roles(void **state)
{
	static const char *const names[] = { "policy", "technical", "desk", "senior-official" };
	enum contacts_role r = CONTACTS_DESK;

	(void)state;
	for (int i = 0; i < CONTACTS_ROLES; i++) {
		EXPECT(contacts_role_parse(names[i], &r), ST_OK);
		assert_int_equal(r, i);
		assert_string_equal(contacts_role_name(r), names[i]);
	}
	EXPECT(contacts_role_parse("senior_official", &r), ST_PARSE);
	EXPECT(contacts_role_parse("Desk", &r), ST_PARSE);
	assert_int_equal(r, CONTACTS_SENIOR_OFFICIAL);
	assert_string_equal(contacts_role_name(CONTACTS_ROLES), "?");
}

#define DESK "{\"role\":\"desk\",\"name\":\"Watch desk\",\"phone\":[\"+43 1 531 15 0\"]," \
	"\"email\":[\"desk@cert.example\"],\"languages\":[\"en\",\"fr\"],\"hours\":\"24/7\"," \
	"\"tz\":\"Europe/Vienna\"}"
#define POLICY "{\"role\":\"policy\",\"name\":\"Dr. Ana Mu\\u00f1oz\",\"phone\":[]," \
	"\"email\":[\"a.munoz@mfa.example\",\"policy@cert.example\"],\"languages\":[\"es\",\"en\"]," \
	"\"hours\":\"Mon-Fri 09:00-17:00\",\"tz\":\"Europe/Madrid\"}"
#define FILE_OF(...) "{\"contacts\":[" __VA_ARGS__ "]}"

static void
test_valid(void **state)
{
	struct contacts *c = must_parse(FILE_OF(DESK "," POLICY), CONTACTS_FILE);
	const struct contacts_entry *e;

	(void)state;
	assert_int_equal(contacts_n(c), 2);
	assert_true(contacts_version(c) == 0);
	assert_true(contacts_issued_at_ms(c) == 0);
	e = contacts_at(c, 0);
	assert_int_equal(e->role, CONTACTS_DESK);
	assert_string_equal(e->name, "Watch desk");
	assert_int_equal(e->n_phone, 1);
	assert_string_equal(e->phone[0], "+43 1 531 15 0");
	assert_int_equal(e->n_email, 1);
	assert_string_equal(e->email[0], "desk@cert.example");
	assert_int_equal(e->n_languages, 2);
	assert_string_equal(e->languages[0], "en");
	assert_string_equal(e->languages[1], "fr");
	assert_string_equal(e->hours, "24/7");
	assert_string_equal(e->tz, "Europe/Vienna");
	e = contacts_at(c, 1);
	assert_int_equal(e->role, CONTACTS_POLICY);
	assert_string_equal(e->name, "Dr. Ana Mu\xc3\xb1oz");
	assert_int_equal(e->n_phone, 0);
	assert_int_equal(e->n_email, 2);
	assert_string_equal(e->email[1], "policy@cert.example");
	assert_null(contacts_at(c, 2));
	contacts_free(c);
	contacts_free(NULL);
}

/* A contact with one member replaced: C(role, name, phone, email,
 * languages, hours, tz), each a JSON value. */
#define C(r, n, p, e, l, h, t) "{\"role\":" r ",\"name\":" n ",\"phone\":" p ",\"email\":" e \
	",\"languages\":" l ",\"hours\":" h ",\"tz\":" t "}"
#define D_ROLE "\"desk\""
#define D_NAME "\"Watch desk\""
#define D_PHONE "[\"+43 1 531 15 0\"]"
#define D_EMAIL "[\"desk@cert.example\"]"
#define D_LANG "[\"en\",\"fr\"]"
#define D_HOURS "\"24/7\""
#define D_TZ "\"Europe/Vienna\""
#define WITH_PHONE(p) FILE_OF(C(D_ROLE, D_NAME, p, D_EMAIL, D_LANG, D_HOURS, D_TZ))
#define WITH_EMAIL(e) FILE_OF(C(D_ROLE, D_NAME, D_PHONE, e, D_LANG, D_HOURS, D_TZ))
#define WITH_LANG(l) FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, l, D_HOURS, D_TZ))
#define PHONE_WHY "not a phone number (+, a digit, then 2 to 38 of 0-9 space ( ) . / -)"
#define EMAIL_WHY "not an address (LOCAL@DOMAIN, one @)"
#define LANG_WHY "not a language code (2 or 3 lowercase letters, ISO 639)"
#define TZ_WHY "not a time zone name (UTC, or Area/Location as Europe/Vienna)"
#define STMT(v, t, ...) "{\"version\":" v ",\"issued_at\":" t ",\"contacts\":[" __VA_ARGS__ "]}"

static const struct {
	const char *json;
	enum contacts_mode mode;
	status rc;
	const char *why;
} bad[] = {
	/* the document */
	{ "", CONTACTS_FILE, ST_PARSE, "(top): not JSON: " },
	{ "[" DESK "]", CONTACTS_FILE, ST_PARSE, "(top): not a JSON object" },
	{ "{\"contacts\":[],\"contacts\":[]}", CONTACTS_FILE, ST_PARSE,
	    "(top): not JSON: duplicate object key" },
	{ "{}", CONTACTS_FILE, ST_INVALID, "contacts: missing" },
	{ FILE_OF(DESK) "x", CONTACTS_FILE, ST_PARSE, "(top): not JSON: end of file expected" },
	{ "{\"contacts\":[" DESK "],\"node\":\"at\"}", CONTACTS_FILE, ST_INVALID,
	    "node: unknown member" },
	{ "{\"contacts\":" DESK "}", CONTACTS_FILE, ST_INVALID, "contacts: not an array" },
	{ FILE_OF(), CONTACTS_FILE, ST_INVALID, "contacts: empty" },
	{ FILE_OF(POLICY), CONTACTS_FILE, ST_INVALID, "contacts: no contact of role desk" },
	{ FILE_OF(DESK "," POLICY "," DESK), CONTACTS_FILE, ST_INVALID,
	    "contacts[2]: the same role and name as contacts[0]" },
	/* a file holds no version or time; a statement needs both */
	{ STMT("1", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_FILE, ST_INVALID,
	    "version: not in a contacts file (only its statement has it)" },
	{ "{\"issued_at\":\"2026-11-26T10:00:00Z\",\"contacts\":[" DESK "]}", CONTACTS_FILE,
	    ST_INVALID, "issued_at: not in a contacts file (only its statement has it)" },
	{ FILE_OF(DESK), CONTACTS_STATEMENT, ST_INVALID, "version: missing" },
	{ "{\"version\":1,\"contacts\":[" DESK "]}", CONTACTS_STATEMENT, ST_INVALID,
	    "issued_at: missing" },
	{ STMT("1", "\"2026-11-26T10:00:00Z\"") "x", CONTACTS_STATEMENT, ST_PARSE,
	    "(top): not JSON: " },
	{ STMT("0", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "version: not in 1..9007199254740992" },
	{ STMT("-3", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "version: not in 1..9007199254740992" },
	{ STMT("9007199254740993", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_STATEMENT,
	    ST_INVALID, "version: not in 1..9007199254740992" },
	{ STMT("1.0", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "version: not an integer" },
	{ STMT("\"1\"", "\"2026-11-26T10:00:00Z\"", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "version: not an integer" },
	{ STMT("1", "\"2026-11-26T11:00:00+01:00\"", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "issued_at: not a UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ STMT("1", "1795686000", DESK), CONTACTS_STATEMENT, ST_INVALID,
	    "issued_at: not a UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)" },
	{ STMT("1", "\"2026-11-26T10:00:00Z\"", POLICY), CONTACTS_STATEMENT, ST_INVALID,
	    "contacts: no contact of role desk" },
	/* a contact */
	{ FILE_OF(DESK ",\"desk\""), CONTACTS_FILE, ST_INVALID, "contacts[1]: not an object" },
	{ FILE_OF("{\"role\":\"desk\",\"name\":\"Watch desk\",\"phone\":[],\"email\":[],"
	    "\"languages\":[\"en\"],\"hours\":\"24/7\",\"tz\":\"UTC\",\"fax\":\"+43 1\"}"),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].fax: unknown member" },
	{ FILE_OF("{\"name\":\"Watch desk\",\"phone\":[],\"email\":[],\"languages\":[\"en\"],"
	    "\"hours\":\"24/7\",\"tz\":\"UTC\"}"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].role: missing" },
	{ FILE_OF("{\"role\":\"desk\",\"name\":\"Watch desk\",\"email\":[],\"languages\":[\"en\"],"
	    "\"hours\":\"24/7\",\"tz\":\"UTC\"}"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone: missing" },
	{ FILE_OF("{\"role\":\"desk\",\"name\":\"Watch desk\",\"phone\":[],\"email\":[],"
	    "\"languages\":[\"en\"],\"hours\":\"24/7\"}"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].tz: missing" },
	/* role */
	{ FILE_OF(C("\"ciso\"", D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].role: not one of policy, technical, desk, senior-official" },
	/* name */
	{ FILE_OF(C(D_ROLE, "\"\"", D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].name: empty" },
	{ FILE_OF(C(D_ROLE, "[\"Watch desk\"]", D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].name: not a string" },
	{ FILE_OF(C(D_ROLE, "\"Watch\\ndesk\"", D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].name: control character at byte 5" },
	{ FILE_OF(C(D_ROLE, "\"Watch desk\\u001b[31m\"", D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].name: control character at byte 10" },
	{ FILE_OF(C(D_ROLE, "\"Watch desk\\u007f\"", D_PHONE, D_EMAIL, D_LANG, D_HOURS, D_TZ)),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].name: control character at byte 10" },
	/* phone */
	{ WITH_PHONE("\"+43 1 531 15 0\""), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone: not an array" },
	{ WITH_PHONE("[\"+1 555 0100\",\"+1 555 0101\",\"+1 555 0102\",\"+1 555 0103\","
	    "\"+1 555 0104\",\"+1 555 0105\",\"+1 555 0106\",\"+1 555 0107\",\"+1 555 0108\"]"),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].phone: more than 8 elements" },
	{ WITH_PHONE("[\"+43 1 531 15 0\",\"0043 1 531 15 0\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone[1]: " PHONE_WHY },
	{ WITH_PHONE("[\"+43\"]"), CONTACTS_FILE, ST_INVALID, "contacts[0].phone[0]: " PHONE_WHY },
	{ WITH_PHONE("[\"+(43) 1 531\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone[0]: " PHONE_WHY },
	{ WITH_PHONE("[\"+43 1 531 15 0 ext 2\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone[0]: " PHONE_WHY },
	{ WITH_PHONE("[\"+43 1 531 15 0\\n\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].phone[0]: control character at byte 14" },
	{ WITH_PHONE("[\"+4312345678901234567890123456789012345678\"]"), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].phone[0]: " PHONE_WHY },
	{ WITH_PHONE("[43]"), CONTACTS_FILE, ST_INVALID, "contacts[0].phone[0]: not a string" },
	/* email */
	{ WITH_EMAIL("[\"desk\"]"), CONTACTS_FILE, ST_INVALID, "contacts[0].email[0]: " EMAIL_WHY },
	{ WITH_EMAIL("[\"desk@\"]"), CONTACTS_FILE, ST_INVALID, "contacts[0].email[0]: " EMAIL_WHY },
	{ WITH_EMAIL("[\"@cert.example\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].email[0]: " EMAIL_WHY },
	{ WITH_EMAIL("[\"desk@cert@example\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].email[0]: " EMAIL_WHY },
	{ WITH_EMAIL("[\"a@\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].email[0]: shorter than 3 bytes" },
	{ WITH_EMAIL("[\"desk@cert.example\",\"watch desk@cert.example\"]"), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].email[1]: space at byte 5" },
	{ WITH_EMAIL("[\"desk@cert.example\\t\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].email[0]: control character at byte 17" },
	{ WITH_EMAIL("[\"a@b\",\"a@c\",\"a@d\",\"a@e\",\"a@f\",\"a@g\",\"a@h\",\"a@i\",\"a@j\"]"),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].email: more than 8 elements" },
	{ WITH_EMAIL("{}"), CONTACTS_FILE, ST_INVALID, "contacts[0].email: not an array" },
	/* languages */
	{ WITH_LANG("[]"), CONTACTS_FILE, ST_INVALID, "contacts[0].languages: empty" },
	{ WITH_LANG("\"en\""), CONTACTS_FILE, ST_INVALID, "contacts[0].languages: not an array" },
	{ WITH_LANG("[\"en\",\"EN\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].languages[1]: " LANG_WHY },
	{ WITH_LANG("[\"e\"]"), CONTACTS_FILE, ST_INVALID, "contacts[0].languages[0]: " LANG_WHY },
	{ WITH_LANG("[\"engl\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].languages[0]: " LANG_WHY },
	{ WITH_LANG("[\"en-GB\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].languages[0]: " LANG_WHY },
	{ WITH_LANG("[\"en\",\"fr\",\"en\"]"), CONTACTS_FILE, ST_INVALID,
	    "contacts[0].languages[2]: the same as contacts[0].languages[0]" },
	{ WITH_LANG("[\"aa\",\"bb\",\"cc\",\"dd\",\"ee\",\"ff\",\"gg\",\"hh\",\"ii\"]"),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].languages: more than 8 elements" },
	/* hours */
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, "\"\"", D_TZ)), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].hours: empty" },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, "24", D_TZ)), CONTACTS_FILE,
	    ST_INVALID, "contacts[0].hours: not a string" },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, "\"24/7\\r\"", D_TZ)),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].hours: control character at byte 4" },
	/* tz: the shape of a zone name */
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, "\"Europe/../etc\"")),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].tz: " TZ_WHY },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, "\"/etc/passwd\"")),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].tz: " TZ_WHY },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, "\"CET +1\"")),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].tz: " TZ_WHY },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, "\"\"")),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].tz: empty" },
	{ FILE_OF(C(D_ROLE, D_NAME, D_PHONE, D_EMAIL, D_LANG, D_HOURS, "1")),
	    CONTACTS_FILE, ST_INVALID, "contacts[0].tz: not a string" },
};

static void
test_bad(void **state)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *c;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		status rc = contacts_parse(bad[i].json, strlen(bad[i].json), bad[i].mode, &c, why);

		if (rc != bad[i].rc || strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("case %zu (%s): got %s \"%s\", want %s \"%s\"", i, bad[i].json,
			    status_str(rc), why, status_str(bad[i].rc), bad[i].why);
		if (strstr(bad[i].why, "not JSON: ") == NULL)
			assert_string_equal(why, bad[i].why);
		assert_null(c);
	}
}

/* test_edges - each value at its limits is read. */
static void
test_edges(void **state)
{
	char name[CONTACTS_NAME_MAX + 2], hours[CONTACTS_HOURS_MAX + 2], email[300];
	char json[4096], why[CONTACTS_WHY_MAX];
	struct contacts *c;

	(void)state;
	c = must_parse(WITH_PHONE("[\"+431234567890123456789012345678901234567\"]"),
	    CONTACTS_FILE);	/* 40 bytes */
	contacts_free(c);
	c = must_parse(WITH_PHONE("[\"+43 (1) 531-15.0/2\",\"+123\"]"), CONTACTS_FILE);
	assert_string_equal(contacts_at(c, 0)->phone[0], "+43 (1) 531-15.0/2");
	contacts_free(c);
	c = must_parse(WITH_EMAIL("[\"a@b\",\"\\u00e9t\\u00e9@b\\u00fccher.example\"]"),
	    CONTACTS_FILE);
	assert_string_equal(contacts_at(c, 0)->email[1], "\xc3\xa9t\xc3\xa9@b\xc3\xbc" "cher.example");
	contacts_free(c);
	c = must_parse(WITH_LANG("[\"aa\",\"bbb\",\"cc\",\"dd\",\"ee\",\"ff\",\"gg\",\"hh\"]"),
	    CONTACTS_FILE);
	assert_int_equal(contacts_at(c, 0)->n_languages, 8);
	contacts_free(c);
	c = must_parse(FILE_OF(C(D_ROLE, D_NAME, "[]", "[]", D_LANG, D_HOURS, "\"UTC\"")),
	    CONTACTS_FILE);
	contacts_free(c);

	/* a name of 200 bytes, 100 two-byte characters; one more byte is refused */
	for (int extra = 0; extra < 2; extra++) {
		size_t n = 0;

		for (int i = 0; i < 100; i++) {
			name[n++] = '\xc3';
			name[n++] = '\xa9';
		}
		if (extra)
			name[n++] = 'x';
		name[n] = '\0';
		memset(hours, 'h', CONTACTS_HOURS_MAX + extra);
		hours[CONTACTS_HOURS_MAX + extra] = '\0';
		memset(email, 'e', sizeof email);
		email[0] = 'x';
		email[1] = '@';
		email[CONTACTS_EMAIL_MAX + extra] = '\0';
		snprintf(json, sizeof json, FILE_OF(C(D_ROLE, "\"%s\"", "[]", "[\"%s\"]", D_LANG,
		    D_HOURS, D_TZ) "," C("\"technical\"", D_NAME, "[]", "[]", D_LANG, "\"%s\"",
		    D_TZ)), name, email, hours);
		if (!extra) {
			c = must_parse(json, CONTACTS_FILE);
			assert_int_equal(strlen(contacts_at(c, 0)->name), 200);
			assert_int_equal(strlen(contacts_at(c, 0)->email[0]), 254);
			assert_int_equal(strlen(contacts_at(c, 1)->hours), 100);
			contacts_free(c);
			continue;
		}
		EXPECT(contacts_parse(json, strlen(json), CONTACTS_FILE, &c, why), ST_INVALID);
		assert_string_equal(why, "contacts[0].name: longer than 200 bytes");
	}
}

static const char *
canon(const struct contacts *c, int64_t version, int64_t at)
{
	static char text[CONTACTS_STATEMENT_MAX + 1];
	struct buf b;

	buf_init(&b, CONTACTS_STATEMENT_MAX);
	EXPECT(contacts_canon(c, version, at, &b), ST_OK);
	memcpy(text, buf_str(&b), b.len + 1);
	buf_free(&b);
	return text;
}

static void
same_entries(const struct contacts *a, const struct contacts *b)
{
	assert_int_equal(contacts_n(a), contacts_n(b));
	for (size_t i = 0; i < contacts_n(a); i++)
		assert_memory_equal(contacts_at(a, i), contacts_at(b, i),
		    sizeof(struct contacts_entry));
}

/* test_canon - the statement of a file: keys sorted, contacts in the
 * file's order, read back to the same contacts, version and time, and to
 * the same text. */
static void
test_canon(void **state)
{
	static const char want[] = "{\"contacts\":["
	    "{\"email\":[\"desk@cert.example\"],\"hours\":\"24/7\",\"languages\":[\"en\",\"fr\"],"
	    "\"name\":\"Watch desk\",\"phone\":[\"+43 1 531 15 0\"],\"role\":\"desk\","
	    "\"tz\":\"Europe/Vienna\"},"
	    "{\"email\":[\"a.munoz@mfa.example\",\"policy@cert.example\"],"
	    "\"hours\":\"Mon-Fri 09:00-17:00\",\"languages\":[\"es\",\"en\"],"
	    "\"name\":\"Dr. Ana Mu\xc3\xb1oz\",\"phone\":[],\"role\":\"policy\","
	    "\"tz\":\"Europe/Madrid\"}],"
	    "\"issued_at\":\"2026-11-26T10:00:00.000Z\",\"version\":7}";
	struct contacts *c = must_parse(FILE_OF(DESK "," POLICY), CONTACTS_FILE), *s;
	char why[CONTACTS_WHY_MAX];
	int64_t t = 0;
	struct buf b;

	(void)state;
	assert_true(stamp_parse("2026-11-26T10:00:00Z", &t) == ST_OK);
	assert_string_equal(canon(c, 7, t), want);
	s = must_parse(want, CONTACTS_STATEMENT);
	assert_true(contacts_version(s) == 7);
	assert_true(contacts_issued_at_ms(s) == t);
	same_entries(c, s);
	assert_string_equal(canon(s, contacts_version(s), contacts_issued_at_ms(s)), want);
	contacts_free(s);
	/* a statement is not a file */
	EXPECT(contacts_parse(want, strlen(want), CONTACTS_FILE, &s, why), ST_INVALID);
	assert_string_equal(why, "version: not in a contacts file (only its statement has it)");
	assert_null(s);

	/* the largest version; the versions and times no reader reads back */
	assert_non_null(strstr(canon(c, CONTACTS_VERSION_MAX, 0), "\"version\":9007199254740992}"));
	buf_init(&b, CONTACTS_STATEMENT_MAX);
	EXPECT(contacts_canon(c, 0, t, &b), ST_INVALID);
	EXPECT(contacts_canon(c, CONTACTS_VERSION_MAX + 1, t, &b), ST_INVALID);
	EXPECT(contacts_canon(c, 1, 253402300800000LL, &b), ST_INVALID);	/* year 10000 */
	EXPECT(contacts_canon(c, 1, -62167219200001LL, &b), ST_INVALID);	/* before year 0 */
	EXPECT(contacts_canon(c, 1, -62167219200000LL, &b), ST_OK);	/* 0000-01-01 */
	s = must_parse(buf_str(&b), CONTACTS_STATEMENT);
	assert_true(contacts_issued_at_ms(s) == -62167219200000LL);
	contacts_free(s);
	buf_free(&b);
	buf_init(&b, 100);
	EXPECT(contacts_canon(c, 1, t, &b), ST_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	contacts_free(c);
}

/* largest - write into text a file of CONTACTS_MAX contacts with every
 * list full and every text at its longest, its addresses' local parts
 * 1 + extra[j] bytes long; its length. */
static size_t
largest(char *text, size_t cap, const size_t extra[static CONTACTS_MAX * CONTACTS_EMAILS_MAX])
{
	char name[CONTACTS_NAME_MAX + 1], local[CONTACTS_EMAIL_MAX];
	size_t len = 0;

	memset(name, 'n', CONTACTS_NAME_MAX);
	name[CONTACTS_NAME_MAX] = '\0';
	memset(local, 'l', sizeof local);
	len += (size_t)snprintf(text, cap, "{\"contacts\":[");
	for (int i = 0; i < CONTACTS_MAX; i++) {
		name[0] = (char)('A' + i % 26);
		name[1] = (char)('a' + i / 26);
		len += (size_t)snprintf(text + len, cap - len, "%s{\"role\":\"%s\",\"name\":\"%s\","
		    "\"phone\":[", i ? "," : "", i ? "senior-official" : "desk", name);
		for (int k = 0; k < CONTACTS_PHONES_MAX; k++)
			len += (size_t)snprintf(text + len, cap - len, "%s\"+1%038d\"", k ? "," : "", k);
		len += (size_t)snprintf(text + len, cap - len, "],\"email\":[");
		for (int k = 0; k < CONTACTS_EMAILS_MAX; k++)
			len += (size_t)snprintf(text + len, cap - len, "%s\"%.*s@b.c\"", k ? "," : "",
			    (int)(1 + extra[i * CONTACTS_EMAILS_MAX + k]), local);
		len += (size_t)snprintf(text + len, cap - len, "],\"languages\":[\"aaa\",\"bbb\","
		    "\"ccc\",\"ddd\",\"eee\",\"fff\",\"ggg\",\"hhh\"],\"hours\":\"%.100s\","
		    "\"tz\":\"America/Argentina/ComodRivadavia\"}", name);
		assert_true(len < cap);
	}
	len += (size_t)snprintf(text + len, cap - len, "]}");
	assert_true(len < cap);
	return len;
}

/* test_largest - a file of exactly 64 KiB, every list full and every name
 * and hours at its longest: its statement, longer than 64 KiB, fits
 * CONTACTS_STATEMENT_MAX and reads back the same; a byte more is refused. */
static void
test_largest(void **state)
{
	size_t cap = CONTACTS_BYTES_MAX + 4096, len, left;
	size_t extra[CONTACTS_MAX * CONTACTS_EMAILS_MAX] = { 0 };
	char *text = malloc(cap), why[CONTACTS_WHY_MAX];
	struct contacts *c, *s;
	const char *st;

	(void)state;
	assert_non_null(text);
	/* the addresses take up what the rest leaves of 64 KiB */
	left = CONTACTS_BYTES_MAX - largest(text, cap, extra);
	for (size_t j = 0; j < CONTACTS_MAX * CONTACTS_EMAILS_MAX && left; j++) {
		extra[j] = left < CONTACTS_EMAIL_MAX - 5 ? left : CONTACTS_EMAIL_MAX - 5;
		left -= extra[j];
	}
	assert_int_equal(left, 0);
	len = largest(text, cap, extra);
	assert_int_equal(len, CONTACTS_BYTES_MAX);
	c = must_parse(text, CONTACTS_FILE);
	assert_int_equal(contacts_n(c), CONTACTS_MAX);
	assert_int_equal(strlen(contacts_at(c, 0)->email[0]), CONTACTS_EMAIL_MAX);
	st = canon(c, CONTACTS_VERSION_MAX, 253402300799999LL);	/* 9999-12-31T23:59:59.999Z */
	assert_true(strlen(st) > CONTACTS_BYTES_MAX);
	s = must_parse(st, CONTACTS_STATEMENT);
	same_entries(c, s);
	contacts_free(s);
	contacts_free(c);
	text[len] = ' ';
	EXPECT(contacts_parse(text, len + 1, CONTACTS_FILE, &c, why), ST_TOOBIG);
	assert_string_equal(why, "(top): 65537 bytes, over the 65536 allowed");
	free(text);
}

/* diff - contacts_diff(a, b) as compact JSON with sorted keys. */
static const char *
diff(const struct contacts *a, const struct contacts *b)
{
	static char out[8192];
	json_t *d = contacts_diff(a, b);
	char *s;

	assert_non_null(d);
	s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(s);
	snprintf(out, sizeof out, "%s", s);
	free(s);
	json_decref(d);
	return out;
}

#define TECH "{\"role\":\"technical\",\"name\":\"CSIRT lead\",\"phone\":[\"+43 1 531 15 9\"]," \
	"\"email\":[],\"languages\":[\"de\"],\"hours\":\"08-18\",\"tz\":\"Europe/Vienna\"}"

/* test_diff - what a peer's operator is told when this node's contacts
 * change: additions and changes in the new file's order, each field that
 * changed with its old and new values, then removals. */
static void
test_diff(void **state)
{
	struct contacts *a = must_parse(FILE_OF(DESK "," POLICY), CONTACTS_FILE);
	struct contacts *b = must_parse(FILE_OF(TECH ","
	    C(D_ROLE, D_NAME, "[\"+43 1 531 15 1\",\"+43 1 531 15 0\"]", D_EMAIL, D_LANG,
	    "\"Mon-Sun 24h\"", "\"UTC\"")), CONTACTS_FILE);
	struct contacts *r = must_parse(FILE_OF(POLICY "," DESK), CONTACTS_FILE);
	struct contacts *n = must_parse(FILE_OF(DESK ","
	    C("\"policy\"", "\"Dr. Ana Munoz\"", "[]", "[\"a.munoz@mfa.example\","
	    "\"policy@cert.example\"]", "[\"es\",\"en\"]", "\"Mon-Fri 09:00-17:00\"",
	    "\"Europe/Madrid\"") "," C("\"technical\"", "\"Watch desk\"", D_PHONE, D_EMAIL, D_LANG,
	    D_HOURS, D_TZ)), CONTACTS_FILE);
	struct contacts *l = must_parse(FILE_OF(C(D_ROLE, D_NAME, D_PHONE,
	    "[\"desk@cert.example\",\"backup@cert.example\"]", "[\"fr\",\"en\"]", D_HOURS, D_TZ)
	    "," POLICY), CONTACTS_FILE);

	(void)state;
	/* nothing before: everything added, in the file's order */
	assert_string_equal(diff(NULL, a),
	    "[{\"change\":\"added\",\"name\":\"Watch desk\",\"role\":\"desk\"},"
	    "{\"change\":\"added\",\"name\":\"Dr. Ana Mu\xc3\xb1oz\",\"role\":\"policy\"}]");
	/* nothing changed, and the order of the contacts is no change */
	assert_string_equal(diff(a, a), "[]");
	assert_string_equal(diff(a, r), "[]");
	/* a new technical contact; the desk's phone, hours and zone changed;
	 * the policy contact removed */
	assert_string_equal(diff(a, b),
	    "[{\"change\":\"added\",\"name\":\"CSIRT lead\",\"role\":\"technical\"},"
	    "{\"change\":\"changed\",\"field\":\"phone\",\"from\":[\"+43 1 531 15 0\"],"
	    "\"name\":\"Watch desk\",\"role\":\"desk\",\"to\":[\"+43 1 531 15 1\",\"+43 1 531 15 0\"]},"
	    "{\"change\":\"changed\",\"field\":\"hours\",\"from\":\"24/7\",\"name\":\"Watch desk\","
	    "\"role\":\"desk\",\"to\":\"Mon-Sun 24h\"},"
	    "{\"change\":\"changed\",\"field\":\"tz\",\"from\":\"Europe/Vienna\","
	    "\"name\":\"Watch desk\",\"role\":\"desk\",\"to\":\"UTC\"},"
	    "{\"change\":\"removed\",\"name\":\"Dr. Ana Mu\xc3\xb1oz\",\"role\":\"policy\"}]");
	/* and back */
	assert_string_equal(diff(b, a),
	    "[{\"change\":\"changed\",\"field\":\"phone\",\"from\":[\"+43 1 531 15 1\","
	    "\"+43 1 531 15 0\"],\"name\":\"Watch desk\",\"role\":\"desk\","
	    "\"to\":[\"+43 1 531 15 0\"]},"
	    "{\"change\":\"changed\",\"field\":\"hours\",\"from\":\"Mon-Sun 24h\","
	    "\"name\":\"Watch desk\",\"role\":\"desk\",\"to\":\"24/7\"},"
	    "{\"change\":\"changed\",\"field\":\"tz\",\"from\":\"UTC\",\"name\":\"Watch desk\","
	    "\"role\":\"desk\",\"to\":\"Europe/Vienna\"},"
	    "{\"change\":\"added\",\"name\":\"Dr. Ana Mu\xc3\xb1oz\",\"role\":\"policy\"},"
	    "{\"change\":\"removed\",\"name\":\"CSIRT lead\",\"role\":\"technical\"}]");
	/* a renamed contact is one removed and one added; the same name in
	 * another role is another contact */
	assert_string_equal(diff(a, n),
	    "[{\"change\":\"added\",\"name\":\"Dr. Ana Munoz\",\"role\":\"policy\"},"
	    "{\"change\":\"added\",\"name\":\"Watch desk\",\"role\":\"technical\"},"
	    "{\"change\":\"removed\",\"name\":\"Dr. Ana Mu\xc3\xb1oz\",\"role\":\"policy\"}]");
	/* an address added and the languages reordered: both are changes */
	assert_string_equal(diff(a, l),
	    "[{\"change\":\"changed\",\"field\":\"email\",\"from\":[\"desk@cert.example\"],"
	    "\"name\":\"Watch desk\",\"role\":\"desk\",\"to\":[\"desk@cert.example\","
	    "\"backup@cert.example\"]},"
	    "{\"change\":\"changed\",\"field\":\"languages\",\"from\":[\"en\",\"fr\"],"
	    "\"name\":\"Watch desk\",\"role\":\"desk\",\"to\":[\"fr\",\"en\"]}]");
	contacts_free(a);
	contacts_free(b);
	contacts_free(r);
	contacts_free(n);
	contacts_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
