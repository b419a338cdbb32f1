/* store_csafpub.c - the CSAF provider's publications and users in SQLite
 * (store_csafpub.h).
 *
 * SECURITY: no token is kept, only SHA-256 hashes, handed back whole for
 * the caller to compare in constant time, never looked up by the secret.
 */
#include <string.h>

#include "store/store_csafpub.h"
#include "store/store_sqlite_int.h"

/* Version 16: publications (one listed per path) and the provider's users
 * with their tokens' hashes. */
const char store_csafpub_schema_v16[] =
    "CREATE TABLE csafpub_doc(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " advisory INTEGER NOT NULL REFERENCES advisory(row), path TEXT NOT NULL,"
    " published_ms INTEGER NOT NULL, withdrawn_ms INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL, sha512 TEXT NOT NULL, sig TEXT NOT NULL,"
    " initial TEXT NOT NULL, current TEXT NOT NULL);"
    "CREATE UNIQUE INDEX csafpub_doc_listed ON csafpub_doc(path) WHERE withdrawn_ms = 0;"
    "CREATE INDEX csafpub_doc_advisory ON csafpub_doc(advisory);"
    "CREATE TABLE csafpub_user(name TEXT PRIMARY KEY, tlp TEXT NOT NULL,"
    " added_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE csafpub_token(hash BLOB PRIMARY KEY, user TEXT NOT NULL"
    " REFERENCES csafpub_user(name), added_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX csafpub_token_user ON csafpub_token(user);";

enum {
	P_ADD = STORE_SQ_CSAFPUB, P_WITHDRAW, P_LISTED, P_AT, P_OF, P_COUNT, P_CHANGED,
	U_ADD, U_GET, U_LIST, U_DEL, T_DEL, T_ADD, T_LIST, P__END
};
_Static_assert(P__END <= STORE_SQ_SLOTS, "store_csafpub.c has more queries than the"
    " handle's slots (store_sqlite_int.h)");

#define COLS "d.seq, d.advisory, d.published_ms, d.withdrawn_ms, d.path, d.sha256," \
	" d.sha512, d.sig, a.tracking, a.version, a.title, a.tlp, a.origin, a.initial_ms," \
	" a.current_ms, d.initial, d.current"
#define FROM " FROM csafpub_doc d JOIN advisory a ON a.row = d.advisory"

static const char *const psql[] = {
	[P_ADD - STORE_SQ_CSAFPUB] = "INSERT INTO csafpub_doc(advisory, path, published_ms,"
	    " withdrawn_ms, sha256, sha512, sig, initial, current)"
	    " VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8)",
	[P_WITHDRAW - STORE_SQ_CSAFPUB] = "UPDATE csafpub_doc SET withdrawn_ms = ?2"
	    " WHERE seq = ?1 AND withdrawn_ms = 0",
	[P_LISTED - STORE_SQ_CSAFPUB] = "SELECT " COLS FROM " WHERE d.withdrawn_ms = 0"
	    " ORDER BY d.seq",
	[P_AT - STORE_SQ_CSAFPUB] = "SELECT " COLS ", a.doc" FROM " WHERE d.path = ?1"
	    " AND d.withdrawn_ms = 0",
	[P_OF - STORE_SQ_CSAFPUB] = "SELECT " COLS FROM " WHERE a.tracking = ?1"
	    " AND d.withdrawn_ms = 0 ORDER BY d.seq",
	[P_COUNT - STORE_SQ_CSAFPUB] = "SELECT count(*) FROM csafpub_doc",
	[P_CHANGED - STORE_SQ_CSAFPUB] = "SELECT coalesce(max(max(published_ms, withdrawn_ms)),"
	    " 0) FROM csafpub_doc WHERE substr(path, 1, length(?1)) = ?1",
	[U_ADD - STORE_SQ_CSAFPUB] = "INSERT INTO csafpub_user(name, tlp, added_ms)"
	    " VALUES (?1, ?2, ?3)",
	[U_GET - STORE_SQ_CSAFPUB] = "SELECT name, tlp, added_ms FROM csafpub_user"
	    " WHERE name = ?1",
	[U_LIST - STORE_SQ_CSAFPUB] = "SELECT name, tlp, added_ms FROM csafpub_user"
	    " ORDER BY name",
	[U_DEL - STORE_SQ_CSAFPUB] = "DELETE FROM csafpub_user WHERE name = ?1",
	[T_DEL - STORE_SQ_CSAFPUB] = "DELETE FROM csafpub_token WHERE user = ?1",
	[T_ADD - STORE_SQ_CSAFPUB] = "INSERT INTO csafpub_token(hash, user, added_ms)"
	    " VALUES (?1, ?2, ?3)",
	[T_LIST - STORE_SQ_CSAFPUB] = "SELECT hash, user FROM csafpub_token",
};

static sqlite3_stmt *
q_(struct store *st, int k)
{
	return store_sq_stmt(st, k, psql[k - STORE_SQ_CSAFPUB]);
}

/* text_ok - s is a string of 1 to max bytes. */
static int
text_ok(const char *s, size_t max)
{
	return s && s[0] && strnlen(s, max + 1) <= max;
}

status
store_csafpub_add(struct store *st, const struct store_csafpub_doc *d, int64_t *seq)
{
	sqlite3_stmt *s;
	status rc;

	if (!text_ok(d->path, STORE_CSAFPUB_PATH_MAX) || !text_ok(d->sha256, 64) ||
	    !text_ok(d->sha512, 128) || !text_ok(d->sig, STORE_CSAFPUB_SIG_MAX) ||
	    d->withdrawn_ms != 0 || !d->initial || !d->current ||
	    strlen(d->initial) > STORE_CSAFPUB_DATE_MAX ||
	    strlen(d->current) > STORE_CSAFPUB_DATE_MAX)
		return ST_INVALID;
	s = q_(st, P_ADD);
	sqlite3_bind_int64(s, 1, d->advisory);
	store_sq_text(s, 2, d->path);
	sqlite3_bind_int64(s, 3, d->published_ms);
	store_sq_text(s, 4, d->sha256);
	store_sq_text(s, 5, d->sha512);
	store_sq_text(s, 6, d->sig);
	store_sq_text(s, 7, d->initial);
	store_sq_text(s, 8, d->current);
	if ((rc = store_sq_run(s)) != ST_OK)
		return rc;	/* the path listed already: ST_EXISTS */
	*seq = sqlite3_last_insert_rowid(sqlite3_db_handle(s));
	return ST_OK;
}

status
store_csafpub_withdraw(struct store *st, int64_t seq, int64_t ms)
{
	sqlite3_stmt *s = q_(st, P_WITHDRAW);
	status rc;

	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, ms ? ms : 1);	/* 0 would list it again */
	if ((rc = store_sq_run(s)) != ST_OK)
		return rc;
	return sqlite3_changes(sqlite3_db_handle(s)) ? ST_OK : ST_NOTFOUND;
}

struct doc_arg {
	store_csafpub_doc_cb cb;
	void *arg;
};

static int
doc_row(sqlite3_stmt *s, void *arg)
{
	const struct doc_arg *x = arg;
	struct store_csafpub_doc d = {
		.seq = sqlite3_column_int64(s, 0),
		.advisory = sqlite3_column_int64(s, 1),
		.published_ms = sqlite3_column_int64(s, 2),
		.withdrawn_ms = sqlite3_column_int64(s, 3),
		.path = store_sq_col(s, 4),
		.sha256 = store_sq_col(s, 5),
		.sha512 = store_sq_col(s, 6),
		.sig = store_sq_col(s, 7),
		.tracking = store_sq_col(s, 8),
		.version = store_sq_col(s, 9),
		.title = store_sq_col(s, 10),
		.tlp = store_sq_col(s, 11),
		.origin = sqlite3_column_int64(s, 12),
		.initial_ms = sqlite3_column_int64(s, 13),
		.current_ms = sqlite3_column_int64(s, 14),
		.initial = store_sq_col(s, 15),
		.current = store_sq_col(s, 16),
	};

	if (sqlite3_column_count(s) > 17) {
		d.doc = sqlite3_column_blob(s, 17);
		d.doc_len = (size_t)sqlite3_column_bytes(s, 17);
		if (!d.doc)
			d.doc = "";
	}
	return x->cb(x->arg, &d);
}

status
store_csafpub_listed(struct store *st, store_csafpub_doc_cb cb, void *arg)
{
	struct doc_arg x = { cb, arg };
	status rc = store_sq_rows(q_(st, P_LISTED), doc_row, &x);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_csafpub_at(struct store *st, const char *path, store_csafpub_doc_cb cb, void *arg)
{
	struct doc_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, P_AT);

	store_sq_text(s, 1, path);
	return store_sq_rows(s, doc_row, &x);
}

status
store_csafpub_of(struct store *st, const char *tracking, store_csafpub_doc_cb cb, void *arg)
{
	struct doc_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, P_OF);

	store_sq_text(s, 1, tracking);
	return store_sq_rows(s, doc_row, &x);
}

static int
count_row(sqlite3_stmt *s, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
	return 1;
}

status
store_csafpub_count(struct store *st, int64_t *n)
{
	*n = 0;
	return store_sq_rows(q_(st, P_COUNT), count_row, n);
}

status
store_csafpub_changed(struct store *st, const char *prefix, int64_t *ms)
{
	sqlite3_stmt *s = q_(st, P_CHANGED);

	*ms = 0;
	store_sq_text(s, 1, prefix);
	return store_sq_rows(s, count_row, ms);
}

/* ---- users ---- */

status
store_csafpub_user_add(struct store *st, const struct store_csafpub_user *u,
    const uint8_t hash[static STORE_CSAFPUB_HASH])
{
	sqlite3_stmt *s;
	status rc;

	if (!text_ok(u->name, STORE_CSAFPUB_NAME_MAX) || !u->tlp ||
	    strnlen(u->tlp, STORE_CSAFPUB_TLP_MAX + 1) > STORE_CSAFPUB_TLP_MAX)
		return ST_INVALID;
	if ((rc = store_begin(st)) != ST_OK)
		return rc;
	s = q_(st, U_ADD);
	store_sq_text(s, 1, u->name);
	store_sq_text(s, 2, u->tlp);
	sqlite3_bind_int64(s, 3, u->added_ms);
	if ((rc = store_sq_run(s)) == ST_OK) {	/* the name taken: ST_EXISTS */
		s = q_(st, T_ADD);
		sqlite3_bind_blob(s, 1, hash, STORE_CSAFPUB_HASH, SQLITE_STATIC);
		store_sq_text(s, 2, u->name);
		sqlite3_bind_int64(s, 3, u->added_ms);
		rc = store_sq_run(s);
	}
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

struct user_arg {
	store_csafpub_user_cb cb;
	void *arg;
};

static int
user_row(sqlite3_stmt *s, void *arg)
{
	const struct user_arg *a = arg;
	struct store_csafpub_user u = { store_sq_col(s, 0), store_sq_col(s, 1),
		sqlite3_column_int64(s, 2) };

	return a->cb(a->arg, &u);
}

status
store_csafpub_user_get(struct store *st, const char *name, store_csafpub_user_cb cb,
    void *arg)
{
	struct user_arg a = { cb, arg };
	sqlite3_stmt *s = q_(st, U_GET);

	store_sq_text(s, 1, name);
	return store_sq_rows(s, user_row, &a);
}

status
store_csafpub_user_list(struct store *st, store_csafpub_user_cb cb, void *arg)
{
	struct user_arg a = { cb, arg };
	status rc = store_sq_rows(q_(st, U_LIST), user_row, &a);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_csafpub_user_remove(struct store *st, const char *name)
{
	return store_sq_remove_named(st, q_(st, T_DEL), q_(st, U_DEL), name);
}

status
store_csafpub_tokens(struct store *st, store_csafpub_token_cb cb, void *arg)
{
	return store_sq_hashes(q_(st, T_LIST), STORE_CSAFPUB_HASH, cb, arg);
}
