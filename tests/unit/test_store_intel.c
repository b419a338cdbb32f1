/* test_store_intel.c - STIX objects kept by version (store_intel.h): each
 * outcome of a put (new, newer, same, conflict, older), a conflict kept
 * beside the first with the first current, revoked versions, the order
 * and cursor of a list (a clock set back included), its filters, one
 * import as one transaction, and the limits of the inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store.h"
#include "testdir.h"

#define ID_A "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID_B "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
#define ID_S "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
#define T1 "2024-01-01T00:00:00.000Z"
#define T2 "2024-02-01T00:00:00.000Z"
#define T0 "2023-12-01T00:00:00.000Z"
#define MS1 1704067200000LL
#define MS2 1706745600000LL
#define MS0 1701388800000LL

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
	if (testdir_store_path("intel", f->dir, sizeof f->dir, f->path, sizeof f->path) != 0 ||
	    store_open(f->path, 1, &f->st)) {
		(void)teardown(state);
		return -1;
	}
	return 0;
}

static struct store_intel_in
obj(const char *id, const char *modified, int64_t ms, const char *json)
{
	const char *sep = strstr(id, "--");
	static char type[64];

	snprintf(type, sizeof type, "%.*s", sep ? (int)(sep - id) : 0, id);
	return (struct store_intel_in){ "local", 0, id, type, modified, ms, "none", 0, json,
		strlen(json), NULL, 0 };
}

/* put - one put in its own transaction; the outcome, or -1 - the status. */
static int
put(struct fx *f, struct store_intel_in in, int64_t now)
{
	enum store_intel_outcome o;
	status rc;

	assert_int_equal(store_begin(f->st), ST_OK);
	rc = store_intel_put(f->st, &in, now, &o);
	if (rc) {
		store_rollback(f->st);
		return -(int)rc;
	}
	assert_int_equal(store_commit(f->st), ST_OK);
	return (int)o;
}

/* What a callback saw: each row's "id@modified" and flags, in order. */
struct seen {
	char text[2048];
	int n;
	int64_t last_ms, last_seq;
};

static int
seen_row(void *arg, const struct store_intel_obj *o)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	uint8_t h[STORE_INTEL_HASH];

	crypto_hash_sha256(h, o->json, o->json_len);
	assert_memory_equal(h, o->hash, STORE_INTEL_HASH);
	snprintf(s->text + len, sizeof s->text - len, "%.*s@%s%s%s%s%s=%.*s ", 3, o->id,
	    o->modified[0] ? o->modified + 5 : "-", o->current ? " cur" : "",
	    o->conflict ? " conf" : "", o->revoked ? " rev" : "",
	    strcmp(o->tlp, "none") ? o->tlp : "", (int)o->json_len, (const char *)o->json);
	s->n++;
	s->last_ms = o->added_ms;
	s->last_seq = o->seq;
	return 0;
}

static const char *
versions(struct fx *f, const char *id, struct seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_intel_get(f->st, "local", id, 1, seen_row, s), ST_OK);
	return s->text;
}

static int64_t
count(struct fx *f, int current_only)
{
	int64_t n = -1;

	assert_int_equal(store_intel_count(f->st, "local", current_only, &n), ST_OK);
	return n;
}

static void
test_outcomes(void **state)
{
	struct fx *f = *state;
	struct seen s;

	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{1}"), 100), STORE_INTEL_NEW);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{1}"), 101), STORE_INTEL_SAME);
	assert_int_equal(put(f, obj(ID_A, T2, MS2, "{2}"), 102), STORE_INTEL_NEWER);
	assert_int_equal(put(f, obj(ID_A, T0, MS0, "{0}"), 103), STORE_INTEL_OLDER);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{1}"), 104), STORE_INTEL_SAME);
	/* an older version again is the same too */
	assert_int_equal(put(f, obj(ID_A, T0, MS0, "{0}"), 105), STORE_INTEL_SAME);
	assert_string_equal(versions(f, ID_A, &s),
	    "ind@12-01T00:00:00.000Z={0} ind@01-01T00:00:00.000Z={1} "
	    "ind@02-01T00:00:00.000Z cur={2} ");
	assert_int_equal(count(f, 0), 3);
	assert_int_equal(count(f, 1), 1);
	/* the current one alone */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_intel_get(f->st, "local", ID_A, 0, seen_row, &s), ST_OK);
	assert_string_equal(s.text, "ind@02-01T00:00:00.000Z cur={2} ");
	/* none held */
	assert_int_equal(store_intel_get(f->st, "local", ID_B, 0, seen_row, &s), ST_NOTFOUND);
	assert_int_equal(store_intel_get(f->st, "other", ID_A, 1, seen_row, &s), ST_NOTFOUND);
	assert_string_equal(store_intel_outcome_name(STORE_INTEL_CONFLICT), "conflict");
	assert_string_equal(store_intel_outcome_name((enum store_intel_outcome)9), "?");
}

/* The same version with other content: kept, both flagged, the first
 * current; that content again is the same; a third content another
 * conflict; a newer version still supersedes. */
static void
test_conflict(void **state)
{
	struct fx *f = *state;
	struct seen s;

	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{first}"), 100), STORE_INTEL_NEW);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{other}"), 101), STORE_INTEL_CONFLICT);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{other}"), 102), STORE_INTEL_SAME);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{first}"), 103), STORE_INTEL_SAME);
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{third}"), 104), STORE_INTEL_CONFLICT);
	assert_string_equal(versions(f, ID_A, &s),
	    "ind@01-01T00:00:00.000Z cur conf={first} ind@01-01T00:00:00.000Z conf={other} "
	    "ind@01-01T00:00:00.000Z conf={third} ");
	assert_int_equal(count(f, 1), 1);
	assert_int_equal(put(f, obj(ID_A, T2, MS2, "{2}"), 105), STORE_INTEL_NEWER);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_intel_get(f->st, "local", ID_A, 0, seen_row, &s), ST_OK);
	assert_string_equal(s.text, "ind@02-01T00:00:00.000Z cur={2} ");
	/* unversioned: the id alone is the version */
	assert_int_equal(put(f, obj(ID_S, "", 0, "{s}"), 106), STORE_INTEL_NEW);
	assert_int_equal(put(f, obj(ID_S, "", 0, "{s}"), 107), STORE_INTEL_SAME);
	assert_int_equal(put(f, obj(ID_S, "", 0, "{t}"), 108), STORE_INTEL_CONFLICT);
	assert_string_equal(versions(f, ID_S, &s), "ipv@- cur conf={s} ipv@- conf={t} ");
}

/* A revoked version is a version like any: newer, it is current. */
static void
test_revoked(void **state)
{
	struct fx *f = *state;
	struct store_intel_in in = obj(ID_A, T2, MS2, "{revoked}");
	struct seen s;

	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{1}"), 100), STORE_INTEL_NEW);
	in.revoked = 1;
	in.tlp = "TLP:AMBER";
	assert_int_equal(put(f, in, 101), STORE_INTEL_NEWER);
	assert_string_equal(versions(f, ID_A, &s),
	    "ind@01-01T00:00:00.000Z={1} ind@02-01T00:00:00.000Z cur revTLP:AMBER={revoked} ");
	/* the version before it, sent again, does not bring it back */
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{1}"), 102), STORE_INTEL_SAME);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_intel_get(f->st, "local", ID_A, 0, seen_row, &s), ST_OK);
	assert_string_equal(s.text, "ind@02-01T00:00:00.000Z cur revTLP:AMBER={revoked} ");
}

static const char *
list(struct fx *f, struct store_intel_filter flt, struct seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_intel_list(f->st, &flt, seen_row, s), ST_OK);
	return s->text;
}

/* By (added_ms, seq); the cursor walks pages without skipping or
 * repeating, with ties on the added time and a clock set back. */
static void
test_list(void **state)
{
	struct fx *f = *state;
	struct store_intel_filter all = { NULL, -1, NULL, 0, 0, 0, 0 };
	struct store_intel_filter flt;
	struct store_intel_in in;
	struct seen s, page;
	char walked[2048] = "";
	int pages = 0;

	assert_string_equal(list(f, all, &s), "");
	assert_int_equal(put(f, obj(ID_A, T1, MS1, "{a1}"), 500), STORE_INTEL_NEW);
	assert_int_equal(put(f, obj(ID_B, T1, MS1, "{b1}"), 500), STORE_INTEL_NEW);
	assert_int_equal(put(f, obj(ID_A, T2, MS2, "{a2}"), 500), STORE_INTEL_NEWER);
	/* the clock set back: the row is added at 500 still, after the others */
	assert_int_equal(put(f, obj(ID_S, "", 0, "{s}"), 100), STORE_INTEL_NEW);
	in = obj(ID_B, T0, MS0, "{b0}");
	in.origin = 7;
	assert_int_equal(put(f, in, 600), STORE_INTEL_OLDER);
	assert_string_equal(list(f, all, &s), "ind@01-01T00:00:00.000Z={a1} "
	    "mal@01-01T00:00:00.000Z cur={b1} ind@02-01T00:00:00.000Z cur={a2} ipv@- cur={s} "
	    "mal@12-01T00:00:00.000Z={b0} ");
	assert_int_equal(s.last_ms, 600);

	flt = all;
	flt.current_only = 1;
	assert_string_equal(list(f, flt, &s), "mal@01-01T00:00:00.000Z cur={b1} "
	    "ind@02-01T00:00:00.000Z cur={a2} ipv@- cur={s} ");
	flt.type = "malware";
	assert_string_equal(list(f, flt, &s), "mal@01-01T00:00:00.000Z cur={b1} ");
	flt = all;
	flt.origin = 7;
	assert_string_equal(list(f, flt, &s), "mal@12-01T00:00:00.000Z={b0} ");
	flt = all;
	flt.collection = "from bravo";
	assert_string_equal(list(f, flt, &s), "");
	flt.collection = "local";
	flt.limit = 2;
	assert_string_equal(list(f, flt, &s), "ind@01-01T00:00:00.000Z={a1} "
	    "mal@01-01T00:00:00.000Z cur={b1} ");

	/* pages of two, by the cursor: every row once, in order */
	do {
		list(f, flt, &page);
		assert_true(strlen(walked) + strlen(page.text) < sizeof walked);
		memcpy(walked + strlen(walked), page.text, strlen(page.text) + 1);
		flt.after_ms = page.last_ms;
		flt.after_seq = page.last_seq;
		pages++;
	} while (page.n == 2);
	assert_int_equal(pages, 3);
	list(f, all, &s);
	assert_string_equal(walked, s.text);
	/* added after the last row: nothing, until a new one is added */
	assert_string_equal(list(f, flt, &s), "");
	assert_int_equal(put(f, obj(ID_A, T0, MS0, "{a0}"), 550), STORE_INTEL_OLDER);
	assert_string_equal(list(f, flt, &s), "ind@12-01T00:00:00.000Z={a0} ");
	assert_int_equal(s.last_ms, 600);	/* not behind the cursor */
}

/* The puts of one import are one transaction: rolled back, none stays. */
static void
test_one_transaction(void **state)
{
	struct fx *f = *state;
	struct store_intel_in a = obj(ID_A, T1, MS1, "{a}"), b = obj(ID_B, T1, MS1, "{b}");
	enum store_intel_outcome o;

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_put(f->st, &a, 1, &o), ST_OK);
	assert_int_equal(store_intel_put(f->st, &b, 1, &o), ST_OK);
	store_rollback(f->st);
	assert_int_equal(count(f, 0), 0);
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_put(f->st, &a, 1, &o), ST_OK);
	assert_int_equal(store_intel_put(f->st, &b, 1, NULL), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	/* kept across a reopen */
	store_close(f->st);
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);
	assert_int_equal(count(f, 1), 2);
}

/* Fields empty or over their limits are refused, and nothing is kept. */
static void
test_limits(void **state)
{
	struct fx *f = *state;
	static char longid[STORE_INTEL_ID_MAX + 2], longtype[STORE_INTEL_TYPE_MAX + 2];
	static const struct { const char *name; int field; } cases[] = {
		{ "no collection", 0 }, { "empty collection", 1 }, { "long collection", 2 },
		{ "no id", 3 }, { "empty id", 4 }, { "long id", 5 }, { "empty type", 6 },
		{ "long type", 7 }, { "no modified", 8 }, { "long modified", 9 },
		{ "ms without modified", 10 }, { "negative ms", 11 }, { "empty tlp", 12 },
		{ "no json", 13 }, { "empty json", 14 }, { "json over the maximum", 15 },
		{ "negative origin", 16 },
	};
	const char *longtext = "0123456789012345678901234567890123456789012345678901234567890123456789";

	memset(longid, 'i', sizeof longid - 1);
	memset(longtype, 't', sizeof longtype - 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct store_intel_in in = obj(ID_A, T1, MS1, "{x}");

		switch (cases[i].field) {
		case 0: in.collection = NULL; break;
		case 1: in.collection = ""; break;
		case 2: in.collection = longtext; break;
		case 3: in.id = NULL; break;
		case 4: in.id = ""; break;
		case 5: in.id = longid; break;
		case 6: in.type = ""; break;
		case 7: in.type = longtype; break;
		case 8: in.modified = NULL; break;
		case 9: in.modified = longtext; break;
		case 10: in.modified = ""; break;
		case 11: in.version_ms = -1; break;
		case 12: in.tlp = ""; break;
		case 13: in.json = NULL; break;
		case 14: in.json_len = 0; break;
		case 15: in.json_len = STORE_INTEL_JSON_MAX + 1; break;
		case 16: in.origin = -1; break;
		}
		if (put(f, in, 1) != -(int)ST_INVALID)
			fail_msg("%s: not refused", cases[i].name);
	}
	assert_int_equal(count(f, 0), 0);
	/* at the limits, kept */
	longid[STORE_INTEL_ID_MAX] = '\0';
	longtype[STORE_INTEL_TYPE_MAX] = '\0';
	{
		struct store_intel_in in = obj(ID_A, T1, MS1, "{x}");

		in.id = longid;
		in.type = longtype;
		assert_int_equal(put(f, in, 1), STORE_INTEL_NEW);
	}
	assert_int_equal(count(f, 0), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_outcomes),
		T(test_conflict),
		T(test_revoked),
		T(test_list),
		T(test_one_transaction),
		T(test_limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
