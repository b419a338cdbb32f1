/* test_store_advisory.c - CSAF advisories kept by version and their
 * sendings (store_advisory.h, schema 15): add, get, find, by_msg and list;
 * a version held already (ST_EXISTS with the row held), origins kept
 * apart, every text field's limit and the document's, a sending kept once
 * per version and peer, a sending of a row that does not exist refused by
 * the foreign key, the recipients (every sending of our versions, by
 * peer), and all of it across a reopen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_advisory.h"
#include "testcheck.h"
#include "testdir.h"

#define NS "https://psirt.example.com"
#define TRK "EXA-SA-2026-0001"
#define MSG_IN "019a3c2e-7b10-7c4a-9d2e-000000000001"	/* a peer's message */
#define MSG_S1 "019a3c2e-7b10-7c4a-9d2e-0000000000a1"	/* our sendings */
#define MSG_S2 "019a3c2e-7b10-7c4a-9d2e-0000000000a2"
#define MSG_S3 "019a3c2e-7b10-7c4a-9d2e-0000000000a3"
#define MSG_S4 "019a3c2e-7b10-7c4a-9d2e-0000000000a4"

struct fx {
	char dir[64], path[96];
	struct store *st;
};

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	(void)testdir_remove(f->dir);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	*state = f;
	if (testdir_store_path("advisory", f->dir, sizeof f->dir, f->path, sizeof f->path) != 0 ||
	    store_open(f->path, 1, &f->st)) {
		(void)teardown(state);
		return -1;
	}
	return 0;
}

/* A document with a NUL inside: kept as bytes, not as a string. */
static const char DOC[] = "{\"document\":{\"title\":\"x\0y\"}}";
static uint8_t HASH[STORE_ADVISORY_HASH];

/* adv - an advisory version of origin with the fields every test shares. */
static struct store_advisory
adv(int64_t origin, const char *tracking, const char *version, const char *msg)
{
	memset(HASH, 0x5a, sizeof HASH);
	return (struct store_advisory){ .origin = origin, .ns = NS, .tracking = tracking,
		.version = version, .title = "Example: a flaw in the widget", .status = "final",
		.tlp = "WHITE", .publisher = "Example PSIRT", .initial_ms = 1000,
		.current_ms = 2000, .added_ms = 3000, .msg = msg, .doc = DOC,
		.doc_len = sizeof DOC - 1, .sha256 = HASH };
}

/* seen - one line per version a callback was handed: "row:origin:tracking
 * @version doc-bytes ", doc-bytes "-" when left out. */
struct seen {
	char text[512];
	int docs_ok;	/* every document given matched DOC and HASH */
};

static int
seen_adv(void *arg, const struct store_advisory *a)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof s->text - n, "%lld:%lld:%s@%s %s ", (long long)a->row,
	    (long long)a->origin, a->tracking, a->version,
	    a->doc ? (a->doc_len == sizeof DOC - 1 ? "doc" : "doc?") : "-");
	if (a->doc && (a->doc_len != sizeof DOC - 1 || memcmp(a->doc, DOC, a->doc_len) != 0 ||
	    memcmp(a->sha256, HASH, STORE_ADVISORY_HASH) != 0))
		s->docs_ok = 0;
	return 0;
}

static const char *
seen_reset(struct seen *s)
{
	s->text[0] = '\0';
	s->docs_ok = 1;
	return s->text;
}

static int
seen_sent(void *arg, const struct store_advisory_sent *x)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 512 - n, "%lld>%lld:%.3s%s@%lld ", (long long)x->advisory,
	    (long long)x->peer_id, x->msg, x->msg + strlen(x->msg) - 2, (long long)x->queued_ms);
	return 0;
}

/* a whole version's fields, once */
static int
all_fields(void *arg, const struct store_advisory *a)
{
	char *s = arg;

	snprintf(s, 512, "%lld|%lld|%s|%s|%s|%s|%s|%s|%s|%lld|%lld|%lld|%s|%zu|%02x",
	    (long long)a->row, (long long)a->origin, a->ns, a->tracking, a->version, a->title,
	    a->status, a->tlp, a->publisher, (long long)a->initial_ms, (long long)a->current_ms,
	    (long long)a->added_ms, a->msg, a->doc_len, a->sha256[0]);
	return 0;
}

static void
test_add_get_find(void **state)
{
	struct fx *f = *state;
	struct store_advisory a = adv(0, TRK, "1", "");
	struct seen s;
	char line[512];
	int64_t r1 = 0, r2 = 0, r3 = 0, rx = 0;

	EXPECT(store_advisory_add(f->st, &a, &r1), ST_OK);
	a.version = "2";
	a.row = 12345;	/* ignored */
	EXPECT(store_advisory_add(f->st, &a, &r2), ST_OK);
	assert_true(r1 > 0 && r2 > r1);
	/* the same version again: held, its row said */
	a.version = "1";
	a.title = "another title: the bytes are the caller's to compare";
	EXPECT(store_advisory_add(f->st, &a, &rx), ST_EXISTS);
	assert_int_equal(rx, r1);
	a.version = "2";
	EXPECT(store_advisory_add(f->st, &a, &rx), ST_EXISTS);
	assert_int_equal(rx, r2);
	/* another tracking id, and the same one of another namespace, are new */
	a = adv(0, "EXA-SA-2026-0002", "1", "");
	EXPECT(store_advisory_add(f->st, &a, &r3), ST_OK);
	a = adv(0, TRK, "1", "");
	a.ns = "https://other.example.org";
	EXPECT(store_advisory_add(f->st, &a, &rx), ST_OK);
	assert_true(rx > r3);

	line[0] = '\0';
	EXPECT(store_advisory_get(f->st, r1, all_fields, line), ST_OK);
	{
		char want[512];

		snprintf(want, sizeof want, "%lld|0|" NS "|" TRK "|1|Example: a flaw in the widget|"
		    "final|WHITE|Example PSIRT|1000|2000|3000||%zu|5a", (long long)r1,
		    sizeof DOC - 1);
		assert_string_equal(line, want);
	}
	seen_reset(&s);
	EXPECT(store_advisory_get(f->st, r2, seen_adv, &s), ST_OK);
	assert_true(s.docs_ok);
	EXPECT(store_advisory_get(f->st, rx + 100, seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_get(f->st, 0, seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_get(f->st, -1, seen_adv, &s), ST_NOTFOUND);

	/* find: every version of a tracking id (any namespace), oldest first */
	seen_reset(&s);
	EXPECT(store_advisory_find(f->st, TRK, -1, NULL, seen_adv, &s), ST_OK);
	{
		char want[512];

		snprintf(want, sizeof want, "%lld:0:" TRK "@1 doc %lld:0:" TRK "@2 doc %lld:0:" TRK
		    "@1 doc ", (long long)r1, (long long)r2, (long long)rx);
		assert_string_equal(s.text, want);
		assert_true(s.docs_ok);
		seen_reset(&s);
		EXPECT(store_advisory_find(f->st, TRK, 0, "2", seen_adv, &s), ST_OK);
		snprintf(want, sizeof want, "%lld:0:" TRK "@2 doc ", (long long)r2);
		assert_string_equal(s.text, want);
	}
	EXPECT(store_advisory_find(f->st, TRK, 0, "3", seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_find(f->st, TRK, 7, NULL, seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_find(f->st, "EXA-SA-2026-9999", -1, NULL, seen_adv, &s),
	    ST_NOTFOUND);
	EXPECT(store_advisory_find(f->st, "", -1, NULL, seen_adv, &s), ST_NOTFOUND);
}

static void
test_origins_apart(void **state)
{
	struct fx *f = *state;
	struct store_advisory a = adv(0, TRK, "1", "");
	struct seen s;
	char want[512];
	int64_t ours = 0, from3 = 0, from4 = 0, rx = 0;

	EXPECT(store_advisory_add(f->st, &a, &ours), ST_OK);
	/* the same (ns, tracking, version) from two peers: three versions */
	a = adv(3, TRK, "1", MSG_IN);
	EXPECT(store_advisory_add(f->st, &a, &from3), ST_OK);
	a = adv(4, TRK, "1", "019a3c2e-7b10-7c4a-9d2e-000000000002");
	EXPECT(store_advisory_add(f->st, &a, &from4), ST_OK);
	assert_true(ours != from3 && from3 != from4);
	a = adv(3, TRK, "1", "019a3c2e-7b10-7c4a-9d2e-000000000003");
	EXPECT(store_advisory_add(f->st, &a, &rx), ST_EXISTS);
	assert_int_equal(rx, from3);

	seen_reset(&s);
	EXPECT(store_advisory_find(f->st, TRK, 3, NULL, seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:3:" TRK "@1 doc ", (long long)from3);
	assert_string_equal(s.text, want);
	seen_reset(&s);
	EXPECT(store_advisory_find(f->st, TRK, 0, "1", seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:0:" TRK "@1 doc ", (long long)ours);
	assert_string_equal(s.text, want);

	/* list: newest first, without documents; by origin */
	seen_reset(&s);
	EXPECT(store_advisory_list(f->st, -1, seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:4:" TRK "@1 - %lld:3:" TRK "@1 - %lld:0:" TRK "@1 - ",
	    (long long)from4, (long long)from3, (long long)ours);
	assert_string_equal(s.text, want);
	seen_reset(&s);
	EXPECT(store_advisory_list(f->st, 0, seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:0:" TRK "@1 - ", (long long)ours);
	assert_string_equal(s.text, want);
	seen_reset(&s);
	EXPECT(store_advisory_list(f->st, 9, seen_adv, &s), ST_OK);	/* none: still OK */
	assert_string_equal(s.text, "");

	/* by_msg: the message a version came in; ours have none */
	seen_reset(&s);
	EXPECT(store_advisory_by_msg(f->st, MSG_IN, seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:3:" TRK "@1 doc ", (long long)from3);
	assert_string_equal(s.text, want);
	assert_true(s.docs_ok);
	EXPECT(store_advisory_by_msg(f->st, "", seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_by_msg(f->st, "019a3c2e-7b10-7c4a-9d2e-0000000000ff", seen_adv, &s),
	    ST_NOTFOUND);
}

static void
test_list_empty(void **state)
{
	struct fx *f = *state;
	struct seen s;
	char text[512] = "";

	seen_reset(&s);
	EXPECT(store_advisory_list(f->st, -1, seen_adv, &s), ST_OK);
	EXPECT(store_advisory_list(f->st, 0, seen_adv, &s), ST_OK);
	assert_string_equal(s.text, "");
	EXPECT(store_advisory_sent_list(f->st, 1, seen_sent, text), ST_OK);
	EXPECT(store_advisory_recipients(f->st, NS, TRK, seen_sent, text), ST_OK);
	assert_string_equal(text, "");
}

/* The limits: each text field at STORE_ADVISORY_TEXT_MAX is kept, one
 * byte more is refused; so is a document over STORE_ADVISORY_DOC_MAX, a
 * missing document or hash, and a sending's message over the limit. */
enum field { F_NS, F_TRACKING, F_VERSION, F_TITLE, F_STATUS, F_TLP, F_PUBLISHER, F_MSG };

static const struct {
	const char *name;
	enum field field;
} limit_cases[] = {
	{ "namespace", F_NS }, { "tracking id", F_TRACKING }, { "version", F_VERSION },
	{ "title", F_TITLE }, { "status", F_STATUS }, { "tlp", F_TLP },
	{ "publisher", F_PUBLISHER }, { "message", F_MSG },
};

static void
set_field(struct store_advisory *a, enum field k, const char *v)
{
	switch (k) {
	case F_NS: a->ns = v; break;
	case F_TRACKING: a->tracking = v; break;
	case F_VERSION: a->version = v; break;
	case F_TITLE: a->title = v; break;
	case F_STATUS: a->status = v; break;
	case F_TLP: a->tlp = v; break;
	case F_PUBLISHER: a->publisher = v; break;
	case F_MSG: a->msg = v; break;
	}
}

static int
count_adv(void *arg, const struct store_advisory *a)
{
	(void)a;
	++*(int64_t *)arg;
	return 0;
}

static void
test_limits(void **state)
{
	struct fx *f = *state;
	char *at = malloc(STORE_ADVISORY_TEXT_MAX + 1), *over = malloc(STORE_ADVISORY_TEXT_MAX + 2);
	char *big = calloc(1, (size_t)STORE_ADVISORY_DOC_MAX + 1);
	char ver[32];
	struct store_advisory a;
	struct store_advisory_sent x;
	int64_t row = 0, n_kept = 0, n_seen = 0;

	assert_non_null(at);
	assert_non_null(over);
	assert_non_null(big);
	memset(at, 'a', STORE_ADVISORY_TEXT_MAX);
	at[STORE_ADVISORY_TEXT_MAX] = '\0';
	memset(over, 'o', STORE_ADVISORY_TEXT_MAX + 1);
	over[STORE_ADVISORY_TEXT_MAX + 1] = '\0';
	for (size_t i = 0; i < sizeof limit_cases / sizeof limit_cases[0]; i++) {
		/* a version of its own per case, so "at the limit" is new each time */
		snprintf(ver, sizeof ver, "%zu", i);
		a = adv(0, TRK, ver, "");
		set_field(&a, limit_cases[i].field, over);
		if (store_advisory_add(f->st, &a, &row) != ST_INVALID)
			fail_msg("%s over the limit was not refused", limit_cases[i].name);
		a = adv(0, TRK, ver, "");
		set_field(&a, limit_cases[i].field, at);
		if (store_advisory_add(f->st, &a, &row) != ST_OK)
			fail_msg("%s at the limit was refused", limit_cases[i].name);
		n_kept++;
	}
	a = adv(0, TRK, "doc", "");
	a.doc = NULL;
	a.doc_len = 0;
	EXPECT(store_advisory_add(f->st, &a, &row), ST_INVALID);
	a = adv(0, TRK, "doc", "");
	a.sha256 = NULL;
	EXPECT(store_advisory_add(f->st, &a, &row), ST_INVALID);
	a = adv(0, TRK, "doc", "");
	a.tracking = NULL;
	EXPECT(store_advisory_add(f->st, &a, &row), ST_INVALID);
	a = adv(0, TRK, "doc", "");
	a.doc = big;
	a.doc_len = (size_t)STORE_ADVISORY_DOC_MAX + 1;
	EXPECT(store_advisory_add(f->st, &a, &row), ST_INVALID);
	a.doc_len = STORE_ADVISORY_DOC_MAX;	/* the largest is kept */
	EXPECT(store_advisory_add(f->st, &a, &row), ST_OK);
	n_kept++;

	x = (struct store_advisory_sent){ row, 3, over, 10 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_INVALID);
	x.msg = NULL;
	EXPECT(store_advisory_sent_add(f->st, &x), ST_INVALID);

	/* nothing refused was kept */
	EXPECT(store_advisory_list(f->st, -1, count_adv, &n_seen), ST_OK);
	assert_int_equal(n_seen, n_kept);
	free(at);
	free(over);
	free(big);
}

static void
test_sent_and_recipients(void **state)
{
	struct fx *f = *state;
	struct store_advisory a = adv(0, TRK, "1", "");
	struct store_advisory_sent x;
	struct seen s;
	char text[512] = "", want[512];
	int64_t v1 = 0, v2 = 0, theirs = 0, other = 0;

	EXPECT(store_advisory_add(f->st, &a, &v1), ST_OK);
	a.version = "2";
	EXPECT(store_advisory_add(f->st, &a, &v2), ST_OK);
	a = adv(7, TRK, "3", MSG_IN);	/* a peer's, of the same (ns, tracking) */
	EXPECT(store_advisory_add(f->st, &a, &theirs), ST_OK);
	a = adv(0, "EXA-SA-2026-0002", "1", "");	/* ours, another tracking id */
	EXPECT(store_advisory_add(f->st, &a, &other), ST_OK);

	/* v1 to peers 3 and 4, v2 to 3 only; a second sending to 3 refused */
	x = (struct store_advisory_sent){ v1, 3, MSG_S1, 100 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	x = (struct store_advisory_sent){ v1, 4, MSG_S2, 101 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	x = (struct store_advisory_sent){ v1, 3, MSG_S4, 150 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_EXISTS);
	x = (struct store_advisory_sent){ v2, 3, MSG_S3, 200 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	x = (struct store_advisory_sent){ v2, 3, MSG_S4, 201 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_EXISTS);
	/* the peer's version passed on to 5, and another of ours to 6: neither
	 * is a recipient of our (NS, TRK) */
	x = (struct store_advisory_sent){ theirs, 5, "019a3c2e-7b10-7c4a-9d2e-0000000000b1", 300 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	x = (struct store_advisory_sent){ other, 6, "019a3c2e-7b10-7c4a-9d2e-0000000000b2", 300 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);

	EXPECT(store_advisory_sent_list(f->st, v1, seen_sent, text), ST_OK);
	snprintf(want, sizeof want, "%lld>3:019a1@100 %lld>4:019a2@101 ", (long long)v1,
	    (long long)v1);
	assert_string_equal(text, want);
	text[0] = '\0';
	EXPECT(store_advisory_sent_list(f->st, v2, seen_sent, text), ST_OK);
	snprintf(want, sizeof want, "%lld>3:019a3@200 ", (long long)v2);
	assert_string_equal(text, want);

	/* every sending of ours, by peer, then by version kept; only ours */
	text[0] = '\0';
	EXPECT(store_advisory_recipients(f->st, NS, TRK, seen_sent, text), ST_OK);
	snprintf(want, sizeof want, "%lld>3:019a1@100 %lld>3:019a3@200 %lld>4:019a2@101 ",
	    (long long)v1, (long long)v2, (long long)v1);
	assert_string_equal(text, want);
	text[0] = '\0';
	EXPECT(store_advisory_recipients(f->st, "https://other.example.org", TRK, seen_sent, text),
	    ST_OK);
	assert_string_equal(text, "");

	/* by_msg finds the version a sending carried */
	seen_reset(&s);
	EXPECT(store_advisory_by_msg(f->st, MSG_S3, seen_adv, &s), ST_OK);
	snprintf(want, sizeof want, "%lld:0:" TRK "@2 doc ", (long long)v2);
	assert_string_equal(s.text, want);
	EXPECT(store_advisory_by_msg(f->st, MSG_S4, seen_adv, &s), ST_NOTFOUND);	/* refused */
}

static void
test_sent_needs_row(void **state)
{
	struct fx *f = *state;
	struct store_advisory a = adv(0, TRK, "1", "");
	struct store_advisory_sent x;
	char text[512] = "";
	int64_t row = 0;

	/* no advisory at all, then a row that is not one: the foreign key */
	x = (struct store_advisory_sent){ 1, 3, MSG_S1, 100 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_NOTFOUND);
	EXPECT(store_advisory_add(f->st, &a, &row), ST_OK);
	x.advisory = row + 1;
	EXPECT(store_advisory_sent_add(f->st, &x), ST_NOTFOUND);
	/* in a transaction too, and the transaction goes on */
	EXPECT(store_begin(f->st), ST_OK);
	EXPECT(store_advisory_sent_add(f->st, &x), ST_NOTFOUND);
	x.advisory = row;
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	EXPECT(store_commit(f->st), ST_OK);
	EXPECT(store_advisory_sent_list(f->st, row + 1, seen_sent, text), ST_OK);
	assert_string_equal(text, "");
	EXPECT(store_advisory_sent_list(f->st, row, seen_sent, text), ST_OK);
	assert_non_null(strstr(text, ">3:"));
}

static void
test_rollback_and_reopen(void **state)
{
	struct fx *f = *state;
	struct store_advisory a = adv(0, TRK, "1", "");
	struct store_advisory_sent x;
	struct seen s, before;
	char text[512] = "", sent_before[512] = "", recip_before[512] = "";
	int64_t v1 = 0, v2 = 0, lost = 0, rx = 0;

	EXPECT(store_begin(f->st), ST_OK);
	EXPECT(store_advisory_add(f->st, &a, &v1), ST_OK);
	x = (struct store_advisory_sent){ v1, 3, MSG_S1, 100 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	EXPECT(store_commit(f->st), ST_OK);
	a = adv(4, TRK, "2", MSG_IN);
	EXPECT(store_advisory_add(f->st, &a, &v2), ST_OK);	/* outside a transaction */
	/* a rolled-back version and sending leave nothing */
	EXPECT(store_begin(f->st), ST_OK);
	a = adv(0, TRK, "9", "");
	EXPECT(store_advisory_add(f->st, &a, &lost), ST_OK);
	x = (struct store_advisory_sent){ lost, 3, MSG_S2, 200 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_OK);
	store_rollback(f->st);
	seen_reset(&s);
	EXPECT(store_advisory_get(f->st, lost, seen_adv, &s), ST_NOTFOUND);
	EXPECT(store_advisory_by_msg(f->st, MSG_S2, seen_adv, &s), ST_NOTFOUND);

	seen_reset(&before);
	EXPECT(store_advisory_find(f->st, TRK, -1, NULL, seen_adv, &before), ST_OK);
	EXPECT(store_advisory_sent_list(f->st, v1, seen_sent, sent_before), ST_OK);
	EXPECT(store_advisory_recipients(f->st, NS, TRK, seen_sent, recip_before), ST_OK);

	store_close(f->st);
	f->st = NULL;
	EXPECT(store_open(f->path, 0, &f->st), ST_OK);
	seen_reset(&s);
	EXPECT(store_advisory_find(f->st, TRK, -1, NULL, seen_adv, &s), ST_OK);
	assert_string_equal(s.text, before.text);
	assert_true(s.docs_ok);
	EXPECT(store_advisory_sent_list(f->st, v1, seen_sent, text), ST_OK);
	assert_string_equal(text, sent_before);
	assert_string_equal(text, "1>3:019a1@100 ");
	text[0] = '\0';
	EXPECT(store_advisory_recipients(f->st, NS, TRK, seen_sent, text), ST_OK);
	assert_string_equal(text, recip_before);
	seen_reset(&s);
	EXPECT(store_advisory_by_msg(f->st, MSG_IN, seen_adv, &s), ST_OK);
	assert_non_null(strstr(s.text, ":4:" TRK "@2 doc"));
	/* the uniqueness holds after the reopen too */
	a = adv(0, TRK, "1", "");
	EXPECT(store_advisory_add(f->st, &a, &rx), ST_EXISTS);
	assert_int_equal(rx, v1);
	x = (struct store_advisory_sent){ v1, 3, MSG_S3, 300 };
	EXPECT(store_advisory_sent_add(f->st, &x), ST_EXISTS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_origins_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sent_and_recipients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sent_needs_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_reopen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
