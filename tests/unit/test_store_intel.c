/* test_store_intel.c - STIX objects kept by version (store_intel.h): each
 * outcome of a put (new, newer, same, conflict, older), a conflict kept
 * beside the first with the first current, revoked versions, the order
 * and cursor of a list (a clock set back included), its filters, one
 * import as one transaction, and the limits of the inputs.  Sharing with
 * peers (schema 13): put_seq's seq, the queue and its peers, batches (the
 * rows they take off the queue, by id, by message, by state, their rows
 * by leaf), stages and their sweep, versions (all, or delivered only),
 * a row's batch state, refusals, and a rollback leaving none of it.
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
#include "teststore.h"

#define ID_A "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID_B "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
#define ID_S "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
#define T1 "2024-01-01T00:00:00.000Z"
#define T2 "2024-02-01T00:00:00.000Z"
#define T0 "2023-12-01T00:00:00.000Z"
#define MS1 1704067200000LL
#define MS2 1706745600000LL
#define MS0 1701388800000LL

static int
setup(void **state)
{
	return fx_setup(state, "intel");
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

/* ---- sharing with peers (schema 13) ---- */

#define TO "to:bravo"
#define FROM "from:bravo"
#define BRAVO 2
#define CHARLIE 3
#define B1 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d01"
#define B2 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d02"
#define B3 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d03"
#define M1 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9e01"

/* put_to - one put into collection coll in its own transaction; the row's
 * seq (0 when SAME). */
static int64_t
put_to(struct fx *f, const char *coll, struct store_intel_in in, int64_t now,
    enum store_intel_outcome want)
{
	enum store_intel_outcome o = (enum store_intel_outcome)-1;
	int64_t seq = -1;

	in.collection = coll;
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_put_seq(f->st, &in, now, &o, &seq), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_equal(o, want);
	return seq;
}

/* What a row callback saw, as "JSON/batch/leaf" words. */
static int
seen_share(void *arg, const struct store_intel_obj *o)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof s->text - len, "%.*s/%s/%lld ", (int)o->json_len,
	    (const char *)o->json, o->batch[0] ? o->batch + 34 : "-", (long long)o->leaf);
	s->n++;
	s->last_seq = o->seq;
	return 0;
}

static const char *
got(struct fx *f, const char *coll, const char *id, struct seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_intel_get(f->st, coll, id, 1, seen_share, s), ST_OK);
	return s->text;
}

/* put_seq: each kept row's seq, growing; 0 for SAME; a row that came in a
 * batch keeps its batch and leaf, a row without one leaf 0. */
static void
test_put_seq(void **state)
{
	struct fx *f = *state;
	struct store_intel_in in = obj(ID_A, T1, MS1, "{a1}");
	int64_t s1, s2, s3, s4;
	struct seen s;

	s1 = put_to(f, TO, in, 100, STORE_INTEL_NEW);
	assert_true(s1 > 0);
	assert_int_equal(put_to(f, TO, in, 101, STORE_INTEL_SAME), 0);
	s2 = put_to(f, TO, obj(ID_A, T2, MS2, "{a2}"), 102, STORE_INTEL_NEWER);
	s3 = put_to(f, TO, obj(ID_A, T1, MS1, "{a1'}"), 103, STORE_INTEL_CONFLICT);
	s4 = put_to(f, TO, obj(ID_A, T0, MS0, "{a0}"), 104, STORE_INTEL_OLDER);
	assert_true(s1 < s2 && s2 < s3 && s3 < s4);
	/* the seq is the one a listing shows */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_intel_get(f->st, TO, ID_A, 0, seen_share, &s), ST_OK);
	assert_int_equal(s.last_seq, s2);
	/* the same object in another collection is a row of its own */
	assert_true(put_to(f, "local", in, 105, STORE_INTEL_NEW) > s4);

	/* from:PEER: the batch and leaf it came in; a leaf without a batch is 0 */
	in = obj(ID_B, T1, MS1, "{b1}");
	in.origin = BRAVO;
	in.batch = B1;
	in.leaf = 4;
	put_to(f, FROM, in, 106, STORE_INTEL_NEW);
	in = obj(ID_S, "", 0, "{s}");
	in.batch = "";
	in.leaf = 9;
	put_to(f, FROM, in, 107, STORE_INTEL_NEW);
	assert_string_equal(got(f, FROM, ID_B, &s), "{b1}/01/4 ");
	assert_string_equal(got(f, FROM, ID_S, &s), "{s}/-/0 ");
	assert_string_equal(got(f, TO, ID_A, &s), "{a0}/-/0 {a1}/-/0 {a1'}/-/0 {a2}/-/0 ");
}

/* What a batch callback saw. */
struct bseen {
	char text[1024];
	int n;
	uint8_t root[32], leaves[4 * 32];
	int64_t n_leaves;
};

static int
seen_batch(void *arg, const struct store_intel_batch *b)
{
	struct bseen *s = arg;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof s->text - len, "%s:p%lld:n%lld:%s:s%d:%s:%lld ",
	    b->id + 34, (long long)b->peer_id, (long long)b->n, b->tlp, (int)b->state,
	    b->msg[0] ? b->msg + 34 : "-", (long long)b->made_ms);
	memcpy(s->root, b->root, 32);
	assert_true(b->n <= 4);
	memcpy(s->leaves, b->leaves, (size_t)b->n * 32);
	s->n_leaves = b->n;
	s->n++;
	return 0;
}

/* in_batch - in as a row of batch at leaf. */
static struct store_intel_in
in_batch(struct store_intel_in in, const char *batch, int64_t leaf)
{
	in.batch = batch;
	in.leaf = leaf;
	return in;
}

static struct store_intel_batch
batch_of(const char *id, int64_t peer, int64_t n, const uint8_t *root, const uint8_t *leaves,
    int64_t made)
{
	return (struct store_intel_batch){ id, peer, n, root, leaves, "TLP:GREEN",
		STORE_BATCH_STAGING, "", made };
}

static status
batch_add(struct fx *f, const struct store_intel_batch *b)
{
	status rc;

	assert_int_equal(store_begin(f->st), ST_OK);
	rc = store_intel_batch_add(f->st, b);
	if (rc) {
		store_rollback(f->st);
		return rc;
	}
	assert_int_equal(store_commit(f->st), ST_OK);
	return ST_OK;
}

static void
batch_set(struct fx *f, const char *id, enum store_intel_batch_state state, const char *msg)
{
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_batch_set(f->st, id, state, msg), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
}

static const char *
batches(struct fx *f, enum store_intel_batch_state state, struct bseen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_intel_batches(f->st, state, seen_batch, s), ST_OK);
	return s->text;
}

/* A batch's rows carry it and their leaf from their put; it is found by
 * id, by its message once set, by state (oldest first); its rows come
 * back by leaf. */
static void
test_batches(void **state)
{
	struct fx *f = *state;
	uint8_t root[32], leaves[3 * 32];
	struct store_intel_batch b;
	struct bseen bs = { .n = 0 };
	struct seen s;

	for (int i = 0; i < 32; i++)
		root[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 3 * 32; i++)
		leaves[i] = (uint8_t)i;
	put_to(f, TO, in_batch(obj(ID_A, T1, MS1, "{a}"), B1, 2), 100, STORE_INTEL_NEW);
	put_to(f, TO, in_batch(obj(ID_B, T1, MS1, "{b}"), B1, 0), 100, STORE_INTEL_NEW);
	put_to(f, TO, in_batch(obj(ID_S, "", 0, "{s}"), B1, 1), 100, STORE_INTEL_NEW);
	put_to(f, TO, obj(ID_A, T2, MS2, "{a2}"), 100, STORE_INTEL_NEWER);

	b = batch_of(B1, BRAVO, 3, root, leaves, 200);
	assert_int_equal(batch_add(f, &b), ST_OK);
	/* each with its batch and leaf */
	assert_string_equal(got(f, TO, ID_B, &s), "{b}/01/0 ");
	assert_string_equal(got(f, TO, ID_S, &s), "{s}/01/1 ");
	assert_string_equal(got(f, TO, ID_A, &s), "{a}/01/2 {a2}/-/0 ");
	/* by leaf */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_intel_batch_objs(f->st, TO, B1, seen_share, &s), ST_OK);
	assert_string_equal(s.text, "{b}/01/0 {s}/01/1 {a}/01/2 ");
	assert_int_equal(store_intel_batch_objs(f->st, FROM, B1, seen_share, &s), ST_NOTFOUND);
	assert_int_equal(store_intel_batch_objs(f->st, TO, B2, seen_share, &s), ST_NOTFOUND);
	/* the same id again */
	assert_int_equal(batch_add(f, &b), ST_EXISTS);

	/* by id: every field */
	memset(&bs, 0, sizeof bs);
	assert_int_equal(store_intel_batch_get(f->st, B1, 0, seen_batch, &bs), ST_OK);
	assert_string_equal(bs.text, "01:p2:n3:TLP:GREEN:s0:-:200 ");
	assert_memory_equal(bs.root, root, 32);
	assert_memory_equal(bs.leaves, leaves, 3 * 32);
	assert_int_equal(store_intel_batch_get(f->st, B2, 0, seen_batch, &bs), ST_NOTFOUND);
	/* by message: none while staging, "" never matches */
	assert_int_equal(store_intel_batch_get(f->st, M1, 1, seen_batch, &bs), ST_NOTFOUND);
	assert_int_equal(store_intel_batch_get(f->st, "", 1, seen_batch, &bs), ST_NOTFOUND);
	assert_int_equal(store_intel_batch_get(f->st, B1, 1, seen_batch, &bs), ST_NOTFOUND);
	batch_set(f, B1, STORE_BATCH_SENT, M1);
	memset(&bs, 0, sizeof bs);
	assert_int_equal(store_intel_batch_get(f->st, M1, 1, seen_batch, &bs), ST_OK);
	assert_string_equal(bs.text, "01:p2:n3:TLP:GREEN:s1:01:200 ");
	assert_int_equal(store_intel_batch_get(f->st, M1, 0, seen_batch, &bs), ST_NOTFOUND);

	/* by state, oldest first (made_ms, then id) */
	b = batch_of(B3, CHARLIE, 1, root, leaves, 150);
	assert_int_equal(batch_add(f, &b), ST_OK);
	b = batch_of(B2, BRAVO, 2, root, leaves, 150);
	assert_int_equal(batch_add(f, &b), ST_OK);
	assert_string_equal(batches(f, STORE_BATCH_STAGING, &bs),
	    "02:p2:n2:TLP:GREEN:s0:-:150 03:p3:n1:TLP:GREEN:s0:-:150 ");
	assert_string_equal(batches(f, STORE_BATCH_SENT, &bs), "01:p2:n3:TLP:GREEN:s1:01:200 ");
	assert_string_equal(batches(f, STORE_BATCH_DELIVERED, &bs), "");
	batch_set(f, B1, STORE_BATCH_DELIVERED, M1);
	batch_set(f, B2, STORE_BATCH_SENT, "");
	assert_string_equal(batches(f, STORE_BATCH_SENT, &bs), "02:p2:n2:TLP:GREEN:s1:-:150 ");
	assert_string_equal(batches(f, STORE_BATCH_DELIVERED, &bs),
	    "01:p2:n3:TLP:GREEN:s2:01:200 ");
	assert_string_equal(batches(f, STORE_BATCH_RECEIVED, &bs), "");
	/* a batch without leaves or id is refused */
	b = batch_of(B3, BRAVO, 0, root, leaves, 1);
	assert_int_equal(batch_add(f, &b), ST_INVALID);
	b = batch_of("", BRAVO, 1, root, leaves, 1);
	assert_int_equal(batch_add(f, &b), ST_INVALID);
	b = batch_of(B3, BRAVO, 1, NULL, leaves, 1);
	assert_int_equal(batch_add(f, &b), ST_INVALID);
}

static void
stage_bytes(void *arg, const void *stage, size_t len)
{
	char *out = arg;

	assert_true(len < 64);
	memcpy(out, stage, len);
	out[len] = '\0';
}

static const char *
stage(struct fx *f, int64_t peer, const char *batch, char out[64])
{
	status rc;

	snprintf(out, 64, "(none)");
	rc = store_intel_stage_get(f->st, peer, batch, stage_bytes, out);
	assert_true(rc == ST_OK || rc == ST_NOTFOUND);
	return out;
}

static status
stage_put(struct fx *f, int64_t peer, const char *batch, const char *text, int64_t now)
{
	status rc;

	assert_int_equal(store_begin(f->st), ST_OK);
	rc = store_intel_stage_put(f->st, peer, batch, text, strlen(text), now);
	if (rc) {
		store_rollback(f->st);
		return rc;
	}
	assert_int_equal(store_commit(f->st), ST_OK);
	return ST_OK;
}

static void
stage_del(struct fx *f, int64_t peer, const char *batch, int64_t before)
{
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_stage_del(f->st, peer, batch, before), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
}

/* A stage is kept once per (peer, batch); deleted by key, and every
 * stage older than before_ms with it. */
static void
test_stages(void **state)
{
	struct fx *f = *state;
	char out[64];

	assert_string_equal(stage(f, BRAVO, B1, out), "(none)");
	assert_int_equal(stage_put(f, BRAVO, B1, "stage one", 100), ST_OK);
	/* the same key again: a no-op, the first bytes stay */
	assert_int_equal(stage_put(f, BRAVO, B1, "other bytes", 900), ST_OK);
	assert_string_equal(stage(f, BRAVO, B1, out), "stage one");
	assert_int_equal(stage_put(f, CHARLIE, B1, "charlie's", 200), ST_OK);
	assert_int_equal(stage_put(f, BRAVO, B2, "stage two", 300), ST_OK);
	assert_int_equal(stage_put(f, BRAVO, B3, "stage three", 500), ST_OK);
	assert_string_equal(stage(f, CHARLIE, B1, out), "charlie's");
	assert_string_equal(stage(f, CHARLIE, B2, out), "(none)");
	/* refused: no batch, no bytes */
	assert_int_equal(stage_put(f, BRAVO, "", "x", 1), ST_INVALID);
	assert_int_equal(stage_put(f, BRAVO, B1, "", 1), ST_INVALID);

	/* by key alone (before_ms 0 sweeps nothing): charlie's stays */
	stage_del(f, BRAVO, B1, 0);
	assert_string_equal(stage(f, BRAVO, B1, out), "(none)");
	assert_string_equal(stage(f, CHARLIE, B1, out), "charlie's");
	assert_string_equal(stage(f, BRAVO, B2, out), "stage two");
	/* a key held by none, and a sweep of what is older than 300 */
	stage_del(f, 7, B2, 300);
	assert_string_equal(stage(f, CHARLIE, B1, out), "(none)");
	assert_string_equal(stage(f, BRAVO, B2, out), "stage two");	/* at 300: not older */
	assert_string_equal(stage(f, BRAVO, B3, out), "stage three");
	stage_del(f, BRAVO, B3, 301);
	assert_string_equal(stage(f, BRAVO, B2, out), "(none)");
	assert_string_equal(stage(f, BRAVO, B3, out), "(none)");
	/* once deleted, the key may be staged again */
	assert_int_equal(stage_put(f, BRAVO, B1, "again", 1000), ST_OK);
	assert_string_equal(stage(f, BRAVO, B1, out), "again");
}

struct vseen {
	char text[1024];
	uint8_t last[32];
	char last_id[64];
	int64_t last_ms;
	int n;
};

static int
seen_version(void *arg, const char *id, int64_t version_ms, const uint8_t *hash)
{
	struct vseen *v = arg;
	size_t len = strlen(v->text);
	int c = v->n ? strcmp(v->last_id, id) : -1;

	/* by id, version, hash */
	assert_true(c < 0 || (c == 0 && (v->last_ms < version_ms ||
	    (v->last_ms == version_ms && memcmp(v->last, hash, 32) < 0))));
	snprintf(v->last_id, sizeof v->last_id, "%s", id);
	v->last_ms = version_ms;
	memcpy(v->last, hash, 32);
	snprintf(v->text + len, sizeof v->text - len, "%.3s@%lld ", id,
	    (long long)(version_ms ? (version_ms - MS0) / 86400000 : -1));
	v->n++;
	return 0;
}

static const char *
versions_of(struct fx *f, const char *coll, int delivered_only, struct vseen *v)
{
	memset(v, 0, sizeof *v);
	assert_int_equal(store_intel_versions(f->st, coll, delivered_only, seen_version, v), ST_OK);
	return v->text;
}

static int
state_of(struct fx *f, const char *coll, const char *id, int64_t ms, const char *json)
{
	uint8_t h[32];
	int st = 99;
	status rc;

	crypto_hash_sha256(h, (const uint8_t *)json, strlen(json));
	rc = store_intel_state(f->st, coll, id, ms, h, &st);
	if (rc == ST_NOTFOUND)
		return -99;
	assert_int_equal(rc, ST_OK);
	return st;
}

/* versions: every row by id, version and hash, or only those of delivered
 * batches; state: -1 before a batch, then the batch's. */
static void
test_versions_state(void **state)
{
	struct fx *f = *state;
	static const char *const conf[] = { "{a1 x}", "{a1 y}", "{a1 z}", "{a1 w}" };
	uint8_t root[32] = { 0 }, leaves[2 * 32] = { 0 };
	struct store_intel_batch b;
	struct store_intel_in in;
	struct vseen v;

	assert_string_equal(versions_of(f, TO, 0, &v), "");
	put_to(f, TO, obj(ID_S, "", 0, "{s}"), 100, STORE_INTEL_NEW);
	put_to(f, TO, in_batch(obj(ID_B, T1, MS1, "{b1}"), B1, 1), 100, STORE_INTEL_NEW);
	put_to(f, TO, obj(ID_A, T2, MS2, "{a2}"), 100, STORE_INTEL_NEW);
	put_to(f, TO, in_batch(obj(ID_A, T1, MS1, "{a1}"), B1, 0), 100, STORE_INTEL_OLDER);
	for (size_t i = 0; i < 4; i++)	/* same version, other hashes */
		put_to(f, TO, obj(ID_A, T1, MS1, conf[i]), 100, STORE_INTEL_CONFLICT);
	put_to(f, "local", obj(ID_A, T0, MS0, "{a0}"), 100, STORE_INTEL_NEW);
	assert_string_equal(versions_of(f, TO, 0, &v),
	    "ind@31 ind@31 ind@31 ind@31 ind@31 ind@62 ipv@-1 mal@31 ");
	assert_string_equal(versions_of(f, "local", 0, &v), "ind@0 ");
	assert_string_equal(versions_of(f, TO, 1, &v), "");

	/* state: its batch not kept yet (or none); no such row */
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a1}"), -1);
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a1 v}"), -99);
	assert_int_equal(state_of(f, TO, ID_A, MS0, "{a1}"), -99);
	assert_int_equal(state_of(f, FROM, ID_A, MS1, "{a1}"), -99);

	b = batch_of(B1, BRAVO, 2, root, leaves, 200);
	assert_int_equal(batch_add(f, &b), ST_OK);
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a1}"), STORE_BATCH_STAGING);
	assert_int_equal(state_of(f, TO, ID_B, MS1, "{b1}"), STORE_BATCH_STAGING);
	assert_int_equal(state_of(f, TO, ID_A, MS2, "{a2}"), -1);
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a1 x}"), -1);
	batch_set(f, B1, STORE_BATCH_SENT, M1);
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a1}"), STORE_BATCH_SENT);
	assert_string_equal(versions_of(f, TO, 1, &v), "");	/* sent is not delivered */
	batch_set(f, B1, STORE_BATCH_DELIVERED, M1);
	assert_int_equal(state_of(f, TO, ID_B, MS1, "{b1}"), STORE_BATCH_DELIVERED);
	assert_string_equal(versions_of(f, TO, 1, &v), "ind@31 mal@31 ");
	assert_string_equal(versions_of(f, TO, 0, &v),
	    "ind@31 ind@31 ind@31 ind@31 ind@31 ind@62 ipv@-1 mal@31 ");

	/* a row of from:PEER names a batch this node may not hold: -1, then
	 * the batch's state once it is kept */
	in = obj(ID_B, T2, MS2, "{b2}");
	in.origin = BRAVO;
	in.batch = B2;
	put_to(f, FROM, in, 300, STORE_INTEL_NEW);
	assert_int_equal(state_of(f, FROM, ID_B, MS2, "{b2}"), -1);
	b = batch_of(B2, BRAVO, 1, root, leaves, 300);
	b.state = STORE_BATCH_RECEIVED;
	b.msg = M1;
	assert_int_equal(batch_add(f, &b), ST_OK);
	assert_int_equal(state_of(f, FROM, ID_B, MS2, "{b2}"), STORE_BATCH_RECEIVED);
	/* received is not delivered either */
	assert_string_equal(versions_of(f, FROM, 1, &v), "");
	assert_string_equal(versions_of(f, FROM, 0, &v), "mal@62 ");
}

struct rseen {
	char text[1024];
	int64_t last_seq;
	int n;
};

static int
seen_refusal(void *arg, const struct store_intel_refusal *r)
{
	struct rseen *s = arg;
	size_t len = strlen(s->text);

	assert_true(r->seq > s->last_seq);
	s->last_seq = r->seq;
	snprintf(s->text + len, sizeof s->text - len, "%lld:%lld:%s:%.3s:%s ",
	    (long long)r->at_ms, (long long)r->peer_id, r->inbound ? "in" : "out", r->id, r->why);
	s->n++;
	return 0;
}

static const char *
refusals(struct fx *f, int64_t after, int64_t limit, struct rseen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_intel_refusals(f->st, after, limit, seen_refusal, s), ST_OK);
	return s->text;
}

/* Refusals come back in the order kept, after a cursor, at most limit. */
static void
test_refusals(void **state)
{
	struct fx *f = *state;
	const struct store_intel_refusal rs[] = {
		{ 0, 300, BRAVO, 0, ID_A, "tlp" },
		{ 0, 100, CHARLIE, 5, ID_B, "personal-data" },	/* inbound: any non-zero */
		{ 0, 200, BRAVO, 1, "objects[3]", "not STIX" },
		{ 0, 200, BRAVO, 0, ID_S, "onward" },
	};
	struct rseen s, first;

	assert_string_equal(refusals(f, 0, 0, &s), "");
	assert_int_equal(store_begin(f->st), ST_OK);
	for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
		assert_int_equal(store_intel_refuse(f->st, &rs[i]), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_string_equal(refusals(f, 0, 0, &s), "300:2:out:ind:tlp 100:3:in:mal:personal-data "
	    "200:2:in:obj:not STIX 200:2:out:ipv:onward ");
	assert_string_equal(refusals(f, 0, 2, &first), "300:2:out:ind:tlp "
	    "100:3:in:mal:personal-data ");
	assert_string_equal(refusals(f, first.last_seq, 0, &s), "200:2:in:obj:not STIX "
	    "200:2:out:ipv:onward ");
	assert_string_equal(refusals(f, first.last_seq, 1, &s), "200:2:in:obj:not STIX ");
	assert_string_equal(refusals(f, s.last_seq + 1, 0, &s), "");
}

static void
no_stage(void *arg, const void *stage, size_t len)
{
	(void)arg;
	(void)stage;
	(void)len;
	fail_msg("a stage was kept after a rollback");
}

/* Everything of schema 13 in a transaction rolled back: none of it stays;
 * a batch rolled back leaves its rows, naming a batch not kept. */
static void
test_share_rollback(void **state)
{
	struct fx *f = *state;
	const struct store_intel_refusal r = { 0, 100, BRAVO, 0, ID_A, "tlp" };
	uint8_t root[32] = { 0 }, leaves[32] = { 0 };
	struct store_intel_in in = in_batch(obj(ID_A, T1, MS1, "{a}"), B1, 0);
	struct store_intel_batch b = batch_of(B1, BRAVO, 1, root, leaves, 100);
	enum store_intel_outcome o;
	int64_t seq = 0;
	struct bseen bs = { .n = 0 };
	struct rseen rsn;
	struct vseen v;
	struct seen s = { .n = 0 };

	in.collection = TO;
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_put_seq(f->st, &in, 100, &o, &seq), ST_OK);
	assert_int_equal(store_intel_batch_add(f->st, &b), ST_OK);
	assert_int_equal(store_intel_batch_set(f->st, B1, STORE_BATCH_DELIVERED, M1), ST_OK);
	assert_int_equal(store_intel_stage_put(f->st, BRAVO, B2, "stage", 5, 100), ST_OK);
	assert_int_equal(store_intel_refuse(f->st, &r), ST_OK);
	assert_string_equal(versions_of(f, TO, 1, &v), "ind@31 ");	/* seen inside */
	store_rollback(f->st);

	assert_int_equal(count(f, 0), 0);
	assert_int_equal(store_intel_count(f->st, TO, 0, &seq), ST_OK);
	assert_int_equal(seq, 0);
	assert_int_equal(store_intel_batch_get(f->st, B1, 0, seen_batch, &bs), ST_NOTFOUND);
	assert_int_equal(store_intel_batch_get(f->st, M1, 1, seen_batch, &bs), ST_NOTFOUND);
	assert_string_equal(batches(f, STORE_BATCH_DELIVERED, &bs), "");
	assert_int_equal(store_intel_batch_objs(f->st, TO, B1, seen_share, &s), ST_NOTFOUND);
	assert_int_equal(store_intel_stage_get(f->st, BRAVO, B2, no_stage, NULL), ST_NOTFOUND);
	assert_string_equal(refusals(f, 0, 0, &rsn), "");
	assert_string_equal(versions_of(f, TO, 0, &v), "");

	/* the row kept; the batch alone rolled back: its state is none */
	seq = put_to(f, TO, in, 100, STORE_INTEL_NEW);
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_batch_add(f->st, &b), ST_OK);
	store_rollback(f->st);
	assert_string_equal(got(f, TO, ID_A, &s), "{a}/01/0 ");
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a}"), -1);
	assert_int_equal(store_intel_batch_get(f->st, B1, 0, seen_batch, &bs), ST_NOTFOUND);
	/* and then committed, it holds across a reopen */
	assert_int_equal(batch_add(f, &b), ST_OK);
	store_close(f->st);
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);
	assert_string_equal(got(f, TO, ID_A, &s), "{a}/01/0 ");
	assert_int_equal(state_of(f, TO, ID_A, MS1, "{a}"), STORE_BATCH_STAGING);
	memset(&bs, 0, sizeof bs);
	assert_int_equal(store_intel_batch_get(f->st, B1, 0, seen_batch, &bs), ST_OK);
	assert_string_equal(bs.text, "01:p2:n1:TLP:GREEN:s0:-:100 ");
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
		T(test_put_seq),
		T(test_batches),
		T(test_stages),
		T(test_versions_state),
		T(test_refusals),
		T(test_share_rollback),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
