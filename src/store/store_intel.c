/* store_intel.c - STIX 2.1 objects and their versions in SQLite
 * (store_intel.h).
 *
 * SECURITY: an object's JSON is kept as bytes and handed back as bytes;
 * nothing here reads it.  A version is never overwritten or deleted:
 * what a peer or a tool sent stays provable as sent, conflicts included.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt/jtext.h"
#include "fmt/stix.h"
#include "fmt/tlog.h"
#include "store/store_intel.h"
#include "util/diag.h"
#include "store/store_sqlite_int.h"

/* Version 12: STIX objects, one row per version held (docs/STIX.md,
 * "Where objects are kept").  seq is AUTOINCREMENT so that a number is
 * never used twice, even after the last row is deleted (TAXII's DELETE,
 * later): a paging cursor must never meet a row it has passed.
 * intel_version finds a version's contents, intel_current the version in
 * force (one per id: the partial unique index says so), intel_added the
 * order TAXII pages in (added_after, next). */
const char store_intel_schema_v12[] =
    "CREATE TABLE intel_obj("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL,"
    " origin INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,"
    " modified TEXT NOT NULL, version_ms INTEGER NOT NULL, tlp TEXT NOT NULL,"
    " revoked INTEGER NOT NULL, json BLOB NOT NULL, hash BLOB NOT NULL,"
    " conflict INTEGER NOT NULL DEFAULT 0, current INTEGER NOT NULL,"
    " added_ms INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX intel_version ON intel_obj(collection, id, version_ms, hash);"
    "CREATE UNIQUE INDEX intel_current ON intel_obj(collection, id) WHERE current = 1;"
    "CREATE INDEX intel_added ON intel_obj(collection, added_ms, seq);";

/* Version 13: sharing with peers (intel/intel.h).  A row of to:PEER or
 * from:PEER names the batch it left or came in and its leaf there; the
 * batch's row holds
 * its Merkle root and leaves (so an object's proof needs no other row),
 * its state, and its message once queued.  A row of from:PEER names the
 * batch it came in.  intel_stage holds a peer's staged batch until its
 * message is taken in. */
const char store_intel_schema_v13[] =
    "ALTER TABLE intel_obj ADD COLUMN batch TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE intel_obj ADD COLUMN leaf INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX intel_batch_leaf ON intel_obj(batch, leaf) WHERE batch <> '';"
    "CREATE TABLE intel_batch(id TEXT PRIMARY KEY, peer_id INTEGER NOT NULL,"
    " n INTEGER NOT NULL, root BLOB NOT NULL, leaves BLOB NOT NULL, tlp TEXT NOT NULL,"
    " state INTEGER NOT NULL, msg TEXT NOT NULL, made_ms INTEGER NOT NULL);"
    "CREATE INDEX intel_batch_msg ON intel_batch(msg) WHERE msg <> '';"
    "CREATE INDEX intel_batch_state ON intel_batch(state, made_ms);"
    "CREATE TABLE intel_stage(peer_id INTEGER NOT NULL, batch TEXT NOT NULL,"
    " head BLOB NOT NULL, stage BLOB NOT NULL, at_ms INTEGER NOT NULL,"
    " PRIMARY KEY(peer_id, batch));"
    "CREATE TABLE intel_refusal(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at_ms INTEGER NOT NULL, peer_id INTEGER NOT NULL, inbound INTEGER NOT NULL,"
    " id TEXT NOT NULL, why TEXT NOT NULL);";

enum {
	I_CUR = STORE_SQ_INTEL, I_VER, I_ADD, I_UNCUR, I_FLAG, I_LIST, I_GET, I_GET_ALL,
	I_COUNT, I_QUERY, I_DELETE, I__END
};
_Static_assert(I__END <= STORE_SQ_SHARE, "store_intel.c has more queries than the"
    " handle's slots (store_sqlite_int.h)");

#define OBJ_COLS \
    "seq, collection, origin, id, type, modified, version_ms, tlp, revoked, conflict," \
    " current, json, hash, added_ms, batch, leaf FROM intel_obj"

static const char *const isql[] = {
	[I_CUR - STORE_SQ_INTEL] =
	    "SELECT seq, version_ms FROM intel_obj WHERE collection = ?1 AND id = ?2"
	    " AND current = 1",
	[I_VER - STORE_SQ_INTEL] =
	    "SELECT hash FROM intel_obj WHERE collection = ?1 AND id = ?2 AND version_ms = ?3",
	/* the added time never goes back within a collection (a clock set
	 * back would otherwise put new rows behind a cursor) */
	[I_ADD - STORE_SQ_INTEL] =
	    "INSERT INTO intel_obj(collection, origin, id, type, modified, version_ms, tlp,"
	    " revoked, json, hash, conflict, current, added_ms, batch, leaf) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, max(?13, coalesce((SELECT max(added_ms)"
	    " FROM intel_obj WHERE collection = ?1), 0)), ?14, ?15)",
	[I_UNCUR - STORE_SQ_INTEL] = "UPDATE intel_obj SET current = 0 WHERE seq = ?1",
	[I_FLAG - STORE_SQ_INTEL] =
	    "UPDATE intel_obj SET conflict = 1 WHERE collection = ?1 AND id = ?2"
	    " AND version_ms = ?3",
	[I_LIST - STORE_SQ_INTEL] =
	    "SELECT " OBJ_COLS " WHERE (?1 IS NULL OR collection = ?1)"
	    " AND (?2 < 0 OR origin = ?2) AND (?3 IS NULL OR type = ?3)"
	    " AND (?4 = 0 OR current = 1) AND (added_ms, seq) > (?5, ?6)"
	    " ORDER BY added_ms, seq LIMIT ?7",
	[I_GET - STORE_SQ_INTEL] =
	    "SELECT " OBJ_COLS " WHERE collection = ?1 AND id = ?2 AND current = 1",
	[I_GET_ALL - STORE_SQ_INTEL] =
	    "SELECT " OBJ_COLS " WHERE collection = ?1 AND id = ?2 ORDER BY version_ms, seq",
	/* TAXII's filters: ids and types as JSON arrays (json_each), the
	 * versions as bits (store_intel_query) */
	[I_QUERY - STORE_SQ_INTEL] =
	    "SELECT " OBJ_COLS " o WHERE collection = ?1 AND (added_ms, seq) > (?2, ?3)"
	    " AND (?4 IS NULL OR id IN (SELECT value FROM json_each(?4)))"
	    " AND (?5 IS NULL OR type IN (SELECT value FROM json_each(?5)))"
	    " AND ((?6 & 4) OR ((?6 & 1) AND current = 1)"
	    "  OR ((?6 & 2) AND version_ms = (SELECT min(x.version_ms) FROM intel_obj x"
	    "   WHERE x.collection = o.collection AND x.id = o.id))"
	    "  OR ((?6 & 8) AND version_ms IN (SELECT value FROM json_each(?7))))"
	    " ORDER BY added_ms, seq LIMIT ?8",
	[I_DELETE - STORE_SQ_INTEL] = "DELETE FROM intel_obj WHERE collection = ?1 AND id = ?2",
	[I_COUNT - STORE_SQ_INTEL] =
	    "SELECT count(*) FROM intel_obj WHERE (?1 IS NULL OR collection = ?1)"
	    " AND (?2 = 0 OR current = 1)",
};

static sqlite3_stmt *
q(struct store *st, int k)
{
	return store_sq_stmt(st, k, isql[k - STORE_SQ_INTEL]);
}

const char *
store_intel_outcome_name(enum store_intel_outcome o)
{
	static const char *const names[] = { "new", "newer", "same", "conflict", "older" };

	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

/* text_ok - s is a string of 1..max bytes (0..max when empty_ok). */
static int
text_ok(const char *s, size_t max, int empty_ok)
{
	size_t n;

	if (!s)
		return 0;
	n = strnlen(s, max + 1);
	return n <= max && (n > 0 || empty_ok);
}

struct cur {
	int found;
	int64_t seq, version_ms;
};

static int
cur_row(sqlite3_stmt *s, void *arg)
{
	struct cur *c = arg;

	c->found = 1;
	c->seq = sqlite3_column_int64(s, 0);
	c->version_ms = sqlite3_column_int64(s, 1);
	return 1;
}

struct ver {
	const uint8_t *hash;
	int held, same;
};

static int
ver_row(sqlite3_stmt *s, void *arg)
{
	struct ver *v = arg;
	const void *h = sqlite3_column_blob(s, 0);

	v->held = 1;
	if (h && sqlite3_column_bytes(s, 0) == STORE_INTEL_HASH &&
	    memcmp(h, v->hash, STORE_INTEL_HASH) == 0) {
		v->same = 1;
		return 1;
	}
	return 0;
}

/* bind_version - the version's key: ?1 collection, ?2 id, ?3 version_ms. */
static void
bind_version(sqlite3_stmt *s, const struct store_intel_in *in)
{
	store_sq_text(s, 1, in->collection);
	store_sq_text(s, 2, in->id);
	sqlite3_bind_int64(s, 3, in->version_ms);
}

status
store_intel_put(struct store *st, const struct store_intel_in *in, int64_t now_ms,
    enum store_intel_outcome *out)
{
	int64_t seq;

	return store_intel_put_seq(st, in, now_ms, out, &seq);
}

status
store_intel_put_seq(struct store *st, const struct store_intel_in *in, int64_t now_ms,
    enum store_intel_outcome *out, int64_t *seq)
{
	uint8_t hash[STORE_INTEL_HASH];
	struct cur c = { 0, 0, 0 };
	struct ver v = { hash, 0, 0 };
	enum store_intel_outcome o;
	sqlite3_stmt *s;
	status rc;

	if (!text_ok(in->collection, STORE_INTEL_TEXT_MAX, 0) ||
	    !text_ok(in->id, STORE_INTEL_ID_MAX, 0) ||
	    !text_ok(in->type, STORE_INTEL_TYPE_MAX, 0) ||
	    !text_ok(in->modified, STORE_INTEL_TEXT_MAX, 1) ||
	    !text_ok(in->tlp, STORE_INTEL_TEXT_MAX, 0) || in->origin < 0 ||
	    in->version_ms < 0 || (in->modified[0] == '\0' && in->version_ms != 0) ||
	    (in->batch && !text_ok(in->batch, STORE_INTEL_TEXT_MAX, 1)) ||
	    !in->json || in->json_len == 0 || in->json_len > STORE_INTEL_JSON_MAX)
		return ST_INVALID;
	*seq = 0;
	tlog_sha256(in->json, in->json_len, hash);

	s = q(st, I_VER);
	bind_version(s, in);
	rc = store_sq_rows(s, ver_row, &v);
	if (rc && rc != ST_NOTFOUND)
		return rc;
	if (v.same) {
		o = STORE_INTEL_SAME;
		goto done;
	}
	s = q(st, I_CUR);
	store_sq_text(s, 1, in->collection);
	store_sq_text(s, 2, in->id);
	rc = store_sq_rows(s, cur_row, &c);
	if (rc && rc != ST_NOTFOUND)
		return rc;
	o = v.held ? STORE_INTEL_CONFLICT : !c.found ? STORE_INTEL_NEW :
	    in->version_ms > c.version_ms ? STORE_INTEL_NEWER : STORE_INTEL_OLDER;

	if (o == STORE_INTEL_NEWER) {
		s = q(st, I_UNCUR);
		sqlite3_bind_int64(s, 1, c.seq);
		if ((rc = store_sq_run(s)))
			return rc;
	}
	s = q(st, I_ADD);
	store_sq_text(s, 1, in->collection);
	sqlite3_bind_int64(s, 2, in->origin);
	store_sq_text(s, 3, in->id);
	store_sq_text(s, 4, in->type);
	store_sq_text(s, 5, in->modified);
	sqlite3_bind_int64(s, 6, in->version_ms);
	store_sq_text(s, 7, in->tlp);
	sqlite3_bind_int(s, 8, in->revoked != 0);
	sqlite3_bind_blob64(s, 9, in->json, in->json_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, hash, sizeof hash, SQLITE_STATIC);
	sqlite3_bind_int(s, 11, o == STORE_INTEL_CONFLICT);
	sqlite3_bind_int(s, 12, o == STORE_INTEL_NEW || o == STORE_INTEL_NEWER);
	sqlite3_bind_int64(s, 13, now_ms);
	store_sq_text(s, 14, in->batch);
	sqlite3_bind_int64(s, 15, in->batch && in->batch[0] ? in->leaf : 0);
	if ((rc = store_sq_run(s)))
		return rc;
	*seq = sqlite3_last_insert_rowid(sqlite3_db_handle(s));
	if (o == STORE_INTEL_CONFLICT) {
		s = q(st, I_FLAG);
		bind_version(s, in);
		if ((rc = store_sq_run(s)))
			return rc;
	}
done:
	if (out)
		*out = o;
	return ST_OK;
}

struct obj_arg {
	store_intel_cb cb;
	void *arg;
};

static int
obj_row(sqlite3_stmt *s, void *arg)
{
	const struct obj_arg *a = arg;
	struct store_intel_obj o;

	o.seq = sqlite3_column_int64(s, 0);
	o.collection = store_sq_col(s, 1);
	o.origin = sqlite3_column_int64(s, 2);
	o.id = store_sq_col(s, 3);
	o.type = store_sq_col(s, 4);
	o.modified = store_sq_col(s, 5);
	o.version_ms = sqlite3_column_int64(s, 6);
	o.tlp = store_sq_col(s, 7);
	o.revoked = sqlite3_column_int(s, 8);
	o.conflict = sqlite3_column_int(s, 9);
	o.current = sqlite3_column_int(s, 10);
	o.json = sqlite3_column_blob(s, 11);
	o.json_len = (size_t)sqlite3_column_bytes(s, 11);
	o.hash = sqlite3_column_blob(s, 12);
	o.added_ms = sqlite3_column_int64(s, 13);
	o.batch = store_sq_col(s, 14);
	o.leaf = sqlite3_column_int64(s, 15);
	if (!o.json || !o.hash || sqlite3_column_bytes(s, 12) != STORE_INTEL_HASH)
		diag_panic("store: intel_obj row %lld has no JSON or hash", (long long)o.seq);
	return a->cb(a->arg, &o);
}

status
store_intel_list(struct store *st, const struct store_intel_filter *f, store_intel_cb cb,
    void *arg)
{
	struct obj_arg a = { cb, arg };
	sqlite3_stmt *s = q(st, I_LIST);
	status rc;

	if (f->collection)
		store_sq_text(s, 1, f->collection);
	sqlite3_bind_int64(s, 2, f->origin);
	if (f->type)
		store_sq_text(s, 3, f->type);
	sqlite3_bind_int(s, 4, f->current_only != 0);
	sqlite3_bind_int64(s, 5, f->after_ms);
	sqlite3_bind_int64(s, 6, f->after_seq);
	sqlite3_bind_int64(s, 7, f->limit > 0 ? f->limit : -1);
	rc = store_sq_rows(s, obj_row, &a);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_intel_get(struct store *st, const char *collection, const char *id, int all,
    store_intel_cb cb, void *arg)
{
	struct obj_arg a = { cb, arg };
	sqlite3_stmt *s = q(st, all ? I_GET_ALL : I_GET);

	store_sq_text(s, 1, collection);
	store_sq_text(s, 2, id);
	return store_sq_rows(s, obj_row, &a);
}

static int
count_row(sqlite3_stmt *s, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
	return 1;
}

status
store_intel_count(struct store *st, const char *collection, int current_only, int64_t *n)
{
	sqlite3_stmt *s = q(st, I_COUNT);

	*n = 0;
	if (collection)
		store_sq_text(s, 1, collection);
	sqlite3_bind_int(s, 2, current_only != 0);
	return store_sq_rows(s, count_row, n);
}

/* ---- sharing with peers (schema 13) ---- */

enum {
	S_BATCH_ADD = STORE_SQ_SHARE, S_BATCH_SET, S_BATCH_GET, S_BATCH_MSG, S_BATCHES,
	S_BATCH_OBJS, S_STAGE_PUT, S_STAGE_GET, S_STAGE_HEAD, S_STAGE_DEL, S_VERSIONS, S_VERSIONS_DELIV, S_STATE, S_REFUSE, S_REFUSALS,
	S__END
};
_Static_assert(S__END <= STORE_SQ_TAXII, "store_intel.c's sharing queries exceed the"
    " handle's slots (store_sqlite_int.h)");

#define BATCH_COLS "id, peer_id, n, root, leaves, tlp, state, msg, made_ms FROM intel_batch"

static const char *const ssql[] = {
	[S_BATCH_ADD - STORE_SQ_SHARE] =
	    "INSERT INTO intel_batch(id, peer_id, n, root, leaves, tlp, state, msg, made_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_BATCH_SET - STORE_SQ_SHARE] = "UPDATE intel_batch SET state = ?2, msg = ?3 WHERE id = ?1",
	[S_BATCH_GET - STORE_SQ_SHARE] = "SELECT " BATCH_COLS " WHERE id = ?1",
	[S_BATCH_MSG - STORE_SQ_SHARE] = "SELECT " BATCH_COLS " WHERE msg = ?1 AND msg <> ''",
	[S_BATCHES - STORE_SQ_SHARE] =
	    "SELECT " BATCH_COLS " WHERE state = ?1 ORDER BY made_ms, id",
	[S_BATCH_OBJS - STORE_SQ_SHARE] =
	    /* batch <> '' lets SQLite use the partial index intel_batch_leaf */
	    "SELECT " OBJ_COLS " WHERE batch = ?2 AND batch <> '' AND collection = ?1"
	    " ORDER BY leaf",
	[S_STAGE_PUT - STORE_SQ_SHARE] =
	    "INSERT OR IGNORE INTO intel_stage(peer_id, batch, head, stage, at_ms)"
	    " VALUES (?1, ?2, ?5, ?3, ?4)",
	[S_STAGE_HEAD - STORE_SQ_SHARE] =
	    "SELECT head FROM intel_stage WHERE peer_id = ?1 AND batch = ?2",
	[S_STAGE_GET - STORE_SQ_SHARE] =
	    "SELECT stage FROM intel_stage WHERE peer_id = ?1 AND batch = ?2",
	[S_STAGE_DEL - STORE_SQ_SHARE] =
	    "DELETE FROM intel_stage WHERE (peer_id = ?1 AND batch = ?2) OR at_ms < ?3",
	[S_VERSIONS - STORE_SQ_SHARE] =
	    "SELECT id, version_ms, hash FROM intel_obj WHERE collection = ?1"
	    " ORDER BY id, version_ms, hash",
	[S_VERSIONS_DELIV - STORE_SQ_SHARE] =
	    "SELECT o.id, o.version_ms, o.hash FROM intel_obj o JOIN intel_batch b"
	    " ON b.id = o.batch WHERE o.collection = ?1 AND b.state = 2"
	    " ORDER BY o.id, o.version_ms, o.hash",
	[S_STATE - STORE_SQ_SHARE] =
	    "SELECT coalesce((SELECT state FROM intel_batch WHERE id = o.batch), -1)"
	    " FROM intel_obj o WHERE o.collection = ?1 AND o.id = ?2 AND o.version_ms = ?3"
	    " AND o.hash = ?4",
	[S_REFUSE - STORE_SQ_SHARE] =
	    "INSERT INTO intel_refusal(at_ms, peer_id, inbound, id, why) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_REFUSALS - STORE_SQ_SHARE] =
	    "SELECT seq, at_ms, peer_id, inbound, id, why FROM intel_refusal WHERE seq > ?1"
	    " ORDER BY seq LIMIT ?2",
};

static sqlite3_stmt *
sq(struct store *st, int k)
{
	return store_sq_stmt(st, k, ssql[k - STORE_SQ_SHARE]);
}

status
store_intel_batch_add(struct store *st, const struct store_intel_batch *b)
{
	sqlite3_stmt *s = sq(st, S_BATCH_ADD);

	if (!text_ok(b->id, STORE_INTEL_TEXT_MAX, 0) || b->n < 1 || !b->root || !b->leaves ||
	    b->n > INT64_MAX / STORE_INTEL_HASH)
		return ST_INVALID;
	store_sq_text(s, 1, b->id);
	sqlite3_bind_int64(s, 2, b->peer_id);
	sqlite3_bind_int64(s, 3, b->n);
	sqlite3_bind_blob(s, 4, b->root, STORE_INTEL_HASH, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 5, b->leaves, (sqlite3_uint64)b->n * STORE_INTEL_HASH,
	    SQLITE_STATIC);
	store_sq_text(s, 6, b->tlp);
	sqlite3_bind_int(s, 7, (int)b->state);
	store_sq_text(s, 8, b->msg);
	sqlite3_bind_int64(s, 9, b->made_ms);
	return store_sq_run(s);
}

status
store_intel_batch_set(struct store *st, const char *id, enum store_intel_batch_state state,
    const char *msg)
{
	sqlite3_stmt *s = sq(st, S_BATCH_SET);

	store_sq_text(s, 1, id);
	sqlite3_bind_int(s, 2, (int)state);
	store_sq_text(s, 3, msg);
	return store_sq_run(s);
}

struct batch_arg {
	store_intel_batch_cb cb;
	void *arg;
};

static int
batch_row(sqlite3_stmt *s, void *arg)
{
	const struct batch_arg *a = arg;
	struct store_intel_batch b;

	b.id = store_sq_col(s, 0);
	b.peer_id = sqlite3_column_int64(s, 1);
	b.n = sqlite3_column_int64(s, 2);
	b.root = sqlite3_column_blob(s, 3);
	b.leaves = sqlite3_column_blob(s, 4);
	b.tlp = store_sq_col(s, 5);
	b.state = (enum store_intel_batch_state)sqlite3_column_int(s, 6);
	b.msg = store_sq_col(s, 7);
	b.made_ms = sqlite3_column_int64(s, 8);
	if (!b.root || sqlite3_column_bytes(s, 3) != STORE_INTEL_HASH || !b.leaves ||
	    b.n < 1 || sqlite3_column_bytes(s, 4) != b.n * STORE_INTEL_HASH)
		diag_panic("store: intel_batch %s is damaged", b.id);
	return a->cb(a->arg, &b);
}

status
store_intel_batch_get(struct store *st, const char *id, int by_msg, store_intel_batch_cb cb,
    void *arg)
{
	struct batch_arg a = { cb, arg };
	sqlite3_stmt *s = sq(st, by_msg ? S_BATCH_MSG : S_BATCH_GET);

	store_sq_text(s, 1, id);
	return store_sq_rows(s, batch_row, &a);
}

status
store_intel_batches(struct store *st, enum store_intel_batch_state state,
    store_intel_batch_cb cb, void *arg)
{
	struct batch_arg a = { cb, arg };
	sqlite3_stmt *s = sq(st, S_BATCHES);
	status rc;

	sqlite3_bind_int(s, 1, (int)state);
	rc = store_sq_rows(s, batch_row, &a);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_intel_batch_objs(struct store *st, const char *collection, const char *id,
    store_intel_cb cb, void *arg)
{
	struct obj_arg a = { cb, arg };
	sqlite3_stmt *s = sq(st, S_BATCH_OBJS);

	store_sq_text(s, 1, collection);
	store_sq_text(s, 2, id);
	return store_sq_rows(s, obj_row, &a);
}

status
store_intel_stage_put(struct store *st, int64_t peer_id, const char *batch, const void *stage,
    size_t len, int64_t now_ms)
{
	sqlite3_stmt *s = sq(st, S_STAGE_PUT);

	if (!text_ok(batch, STORE_INTEL_TEXT_MAX, 0) || !stage || len == 0)
		return ST_INVALID;
	sqlite3_bind_int64(s, 1, peer_id);
	store_sq_text(s, 2, batch);
	sqlite3_bind_blob64(s, 3, stage, len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now_ms);
	/* its first line apart, read without the rest (store_intel_stage_head) */
	{
		const char *nl = memchr(stage, '\n', len);

		sqlite3_bind_blob64(s, 5, stage, nl ? (size_t)(nl - (const char *)stage) : len,
		    SQLITE_STATIC);
	}
	return store_sq_run(s);
}

struct stage_arg {
	void (*fn)(void *arg, const void *stage, size_t len);
	void *arg;
};

static int
stage_row(sqlite3_stmt *s, void *arg)
{
	struct stage_arg *a = arg;
	const void *p = sqlite3_column_blob(s, 0);

	a->fn(a->arg, p ? p : "", (size_t)sqlite3_column_bytes(s, 0));
	return 1;
}

status
store_intel_stage_get(struct store *st, int64_t peer_id, const char *batch,
    void (*fn)(void *arg, const void *stage, size_t len), void *arg)
{
	struct stage_arg a = { fn, arg };
	sqlite3_stmt *s = sq(st, S_STAGE_GET);

	sqlite3_bind_int64(s, 1, peer_id);
	store_sq_text(s, 2, batch);
	return store_sq_rows(s, stage_row, &a);
}

status
store_intel_stage_head(struct store *st, int64_t peer_id, const char *batch,
    void (*fn)(void *arg, const void *head, size_t len), void *arg)
{
	struct stage_arg a = { fn, arg };
	sqlite3_stmt *s = sq(st, S_STAGE_HEAD);

	sqlite3_bind_int64(s, 1, peer_id);
	store_sq_text(s, 2, batch);
	return store_sq_rows(s, stage_row, &a);
}

status
store_intel_stage_del(struct store *st, int64_t peer_id, const char *batch, int64_t before_ms)
{
	sqlite3_stmt *s = sq(st, S_STAGE_DEL);

	sqlite3_bind_int64(s, 1, peer_id);
	store_sq_text(s, 2, batch);
	sqlite3_bind_int64(s, 3, before_ms);
	return store_sq_run(s);
}

struct ver_arg {
	store_intel_version_cb cb;
	void *arg;
};

static int
version_row(sqlite3_stmt *s, void *arg)
{
	struct ver_arg *a = arg;
	const uint8_t *h = sqlite3_column_blob(s, 2);

	if (!h || sqlite3_column_bytes(s, 2) != STORE_INTEL_HASH)
		diag_panic("store: an intel_obj row has no hash");
	return a->cb(a->arg, store_sq_col(s, 0), sqlite3_column_int64(s, 1), h);
}

status
store_intel_versions(struct store *st, const char *collection, int delivered_only,
    store_intel_version_cb cb, void *arg)
{
	struct ver_arg a = { cb, arg };
	sqlite3_stmt *s = sq(st, delivered_only ? S_VERSIONS_DELIV : S_VERSIONS);
	status rc;

	store_sq_text(s, 1, collection);
	rc = store_sq_rows(s, version_row, &a);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

static int
state_row(sqlite3_stmt *s, void *arg)
{
	*(int *)arg = sqlite3_column_int(s, 0);
	return 1;
}

status
store_intel_state(struct store *st, const char *collection, const char *id, int64_t version_ms,
    const uint8_t hash[static STORE_INTEL_HASH], int *state)
{
	sqlite3_stmt *s = sq(st, S_STATE);

	*state = -1;
	store_sq_text(s, 1, collection);
	store_sq_text(s, 2, id);
	sqlite3_bind_int64(s, 3, version_ms);
	sqlite3_bind_blob(s, 4, hash, STORE_INTEL_HASH, SQLITE_STATIC);
	return store_sq_rows(s, state_row, state);
}

status
store_intel_refuse(struct store *st, const struct store_intel_refusal *r)
{
	sqlite3_stmt *s = sq(st, S_REFUSE);

	sqlite3_bind_int64(s, 1, r->at_ms);
	sqlite3_bind_int64(s, 2, r->peer_id);
	sqlite3_bind_int(s, 3, r->inbound != 0);
	store_sq_text(s, 4, r->id);
	store_sq_text(s, 5, r->why);
	return store_sq_run(s);
}

struct refusal_arg {
	int (*cb)(void *arg, const struct store_intel_refusal *r);
	void *arg;
};

static int
refusal_row(sqlite3_stmt *s, void *arg)
{
	struct refusal_arg *a = arg;
	struct store_intel_refusal r;

	r.seq = sqlite3_column_int64(s, 0);
	r.at_ms = sqlite3_column_int64(s, 1);
	r.peer_id = sqlite3_column_int64(s, 2);
	r.inbound = sqlite3_column_int(s, 3);
	r.id = store_sq_col(s, 4);
	r.why = store_sq_col(s, 5);
	return a->cb(a->arg, &r);
}

status
store_intel_refusals(struct store *st, int64_t after_seq, int64_t limit,
    int (*cb)(void *arg, const struct store_intel_refusal *r), void *arg)
{
	struct refusal_arg a = { cb, arg };
	sqlite3_stmt *s = sq(st, S_REFUSALS);
	status rc;

	sqlite3_bind_int64(s, 1, after_seq);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	rc = store_sq_rows(s, refusal_row, &a);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

/* ---- TAXII's queries ---- */

status
store_intel_query(struct store *st, const struct store_intel_query *qy, store_intel_cb cb,
    void *arg)
{
	struct obj_arg a = { cb, arg };
	sqlite3_stmt *s = q(st, I_QUERY);
	status rc;

	store_sq_text(s, 1, qy->collection);
	sqlite3_bind_int64(s, 2, qy->after_ms);
	sqlite3_bind_int64(s, 3, qy->after_seq);
	if (qy->ids)
		store_sq_text(s, 4, qy->ids);
	if (qy->types)
		store_sq_text(s, 5, qy->types);
	sqlite3_bind_int(s, 6, (int)qy->versions);
	store_sq_text(s, 7, qy->version_ms ? qy->version_ms : "[]");
	sqlite3_bind_int64(s, 8, qy->limit > 0 ? qy->limit : -1);
	rc = store_sq_rows(s, obj_row, &a);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_intel_delete(struct store *st, const char *collection, const char *id, int64_t *n)
{
	sqlite3_stmt *s = q(st, I_DELETE);
	status rc;
	int k;

	store_sq_text(s, 1, collection);
	store_sq_text(s, 2, id);
	if ((rc = store_sq_run(s)) != ST_OK)
		return rc;
	k = sqlite3_changes(sqlite3_db_handle(s));
	if (n)
		*n = k;
	return k ? ST_OK : ST_NOTFOUND;
}

status
store_intel_put_stix(struct store *st, const char *collection, int64_t origin,
    const struct stix_obj *o, int64_t now_ms, enum store_intel_outcome *out)
{
	struct store_intel_in in;
	struct buf *text = store_sq_scratch(st);
	status rc;

	if ((rc = jtext_sorted(o->json, text)) != ST_OK)
		return rc;
	in = (struct store_intel_in){ collection, origin, o->id, o->type,
		o->versioned ? o->modified : "", o->versioned ? o->modified_ms : 0,
		stix_tlp_name(o), o->revoked, text->p, text->len, NULL, 0 };
	return store_intel_put(st, &in, now_ms, out);
}
