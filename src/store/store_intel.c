/* store_intel.c - STIX 2.1 objects and their versions in SQLite
 * (store_intel.h).
 *
 * SECURITY: an object's JSON is kept as bytes and handed back as bytes;
 * nothing here reads it.  A version is never overwritten or deleted:
 * what a peer or a tool sent stays provable as sent, conflicts included.
 */
#include <string.h>

#include <sodium.h>

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

enum {
	I_CUR = STORE_SQ_INTEL, I_VER, I_ADD, I_UNCUR, I_FLAG, I_LIST, I_GET, I_GET_ALL,
	I_COUNT, I__END
};
_Static_assert(I__END <= STORE_SQ_SLOTS, "store_intel.c has more queries than the"
    " handle's slots (store_sqlite_int.h)");

#define OBJ_COLS \
    "seq, collection, origin, id, type, modified, version_ms, tlp, revoked, conflict," \
    " current, json, hash, added_ms FROM intel_obj"

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
	    " revoked, json, hash, conflict, current, added_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, max(?13, coalesce((SELECT max(added_ms) FROM intel_obj"
	    " WHERE collection = ?1), 0)))",
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
	    !in->json || in->json_len == 0 || in->json_len > STORE_INTEL_JSON_MAX)
		return ST_INVALID;
	crypto_hash_sha256(hash, in->json, in->json_len);

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
	if ((rc = store_sq_run(s)))
		return rc;
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
