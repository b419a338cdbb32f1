/* store_advisory.c - CSAF advisories and their sendings in SQLite
 * (store_advisory.h).
 */
#include <string.h>

#include "store/store_advisory.h"
#include "store/store_sqlite_int.h"

/* Version 15: advisory versions with their documents, and sendings. */
const char store_advisory_schema_v15[] =
    "CREATE TABLE advisory(row INTEGER PRIMARY KEY, origin INTEGER NOT NULL,"
    " ns TEXT NOT NULL, tracking TEXT NOT NULL, version TEXT NOT NULL,"
    " title TEXT NOT NULL, status TEXT NOT NULL, tlp TEXT NOT NULL,"
    " publisher TEXT NOT NULL, initial_ms INTEGER NOT NULL, current_ms INTEGER NOT NULL,"
    " added_ms INTEGER NOT NULL, msg TEXT NOT NULL, doc BLOB NOT NULL,"
    " sha256 BLOB NOT NULL, UNIQUE(origin, ns, tracking, version));"
    "CREATE INDEX advisory_tracking ON advisory(tracking);"
    "CREATE INDEX advisory_msg ON advisory(msg) WHERE msg <> '';"
    "CREATE TABLE advisory_sent(advisory INTEGER NOT NULL REFERENCES advisory(row),"
    " peer_id INTEGER NOT NULL, msg TEXT NOT NULL, queued_ms INTEGER NOT NULL,"
    " PRIMARY KEY(advisory, peer_id)) WITHOUT ROWID;"
    "CREATE INDEX advisory_sent_msg ON advisory_sent(msg);";

enum {
	A_ADD = STORE_SQ_ADVISORY, A_ROW, A_GET, A_FIND, A_FIND_V, A_BY_MSG, A_LIST, A_LIST_O,
	A_S_ADD, A_S_LIST, A_RECIP, A__END
};
_Static_assert(A__END <= STORE_SQ_SLOTS, "store_advisory.c has more queries than the"
    " handle's slots (store_sqlite_int.h)");

#define COLS "row, origin, ns, tracking, version, title, status, tlp, publisher," \
	" initial_ms, current_ms, added_ms, msg"
#define DOC_COLS COLS ", doc, sha256"

static const char *const asql[] = {
	[A_ADD - STORE_SQ_ADVISORY] = "INSERT INTO advisory(origin, ns, tracking, version,"
	    " title, status, tlp, publisher, initial_ms, current_ms, added_ms, msg, doc, sha256)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[A_ROW - STORE_SQ_ADVISORY] = "SELECT row FROM advisory WHERE origin = ?1 AND ns = ?2"
	    " AND tracking = ?3 AND version = ?4",
	[A_GET - STORE_SQ_ADVISORY] = "SELECT " DOC_COLS " FROM advisory WHERE row = ?1",
	[A_FIND - STORE_SQ_ADVISORY] = "SELECT " DOC_COLS " FROM advisory WHERE tracking = ?1"
	    " AND (?2 < 0 OR origin = ?2) ORDER BY row",
	[A_FIND_V - STORE_SQ_ADVISORY] = "SELECT " DOC_COLS " FROM advisory WHERE tracking = ?1"
	    " AND (?2 < 0 OR origin = ?2) AND version = ?3 ORDER BY row",
	[A_BY_MSG - STORE_SQ_ADVISORY] = "SELECT " DOC_COLS " FROM advisory WHERE msg = ?1"
	    " AND msg <> '' UNION ALL SELECT " DOC_COLS " FROM advisory WHERE row ="
	    " (SELECT advisory FROM advisory_sent WHERE msg = ?1)",
	[A_LIST - STORE_SQ_ADVISORY] = "SELECT " COLS " FROM advisory ORDER BY row DESC",
	[A_LIST_O - STORE_SQ_ADVISORY] = "SELECT " COLS " FROM advisory WHERE origin = ?1"
	    " ORDER BY row DESC",
	[A_S_ADD - STORE_SQ_ADVISORY] = "INSERT INTO advisory_sent(advisory, peer_id, msg,"
	    " queued_ms) VALUES (?1, ?2, ?3, ?4)",
	[A_S_LIST - STORE_SQ_ADVISORY] = "SELECT advisory, peer_id, msg, queued_ms"
	    " FROM advisory_sent WHERE advisory = ?1 ORDER BY queued_ms, peer_id",
	[A_RECIP - STORE_SQ_ADVISORY] = "SELECT s.advisory, s.peer_id, s.msg, s.queued_ms"
	    " FROM advisory_sent s JOIN advisory a ON a.row = s.advisory"
	    " WHERE a.origin = 0 AND a.ns = ?1 AND a.tracking = ?2"
	    " ORDER BY s.peer_id, s.advisory",
};

static sqlite3_stmt *
q_(struct store *st, int k)
{
	return store_sq_stmt(st, k, asql[k - STORE_SQ_ADVISORY]);
}

static int
text_ok(const char *s)
{
	return s && strnlen(s, STORE_ADVISORY_TEXT_MAX + 1) <= STORE_ADVISORY_TEXT_MAX;
}

static int
row_of(sqlite3_stmt *s, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
	return 1;
}

status
store_advisory_add(struct store *st, const struct store_advisory *a, int64_t *row)
{
	sqlite3_stmt *s;
	status rc;

	if (!text_ok(a->ns) || !text_ok(a->tracking) || !text_ok(a->version) ||
	    !text_ok(a->title) || !text_ok(a->status) || !text_ok(a->tlp) ||
	    !text_ok(a->publisher) || !text_ok(a->msg) || !a->doc ||
	    a->doc_len > STORE_ADVISORY_DOC_MAX || !a->sha256)
		return ST_INVALID;
	s = q_(st, A_ADD);
	sqlite3_bind_int64(s, 1, a->origin);
	store_sq_text(s, 2, a->ns);
	store_sq_text(s, 3, a->tracking);
	store_sq_text(s, 4, a->version);
	store_sq_text(s, 5, a->title);
	store_sq_text(s, 6, a->status);
	store_sq_text(s, 7, a->tlp);
	store_sq_text(s, 8, a->publisher);
	sqlite3_bind_int64(s, 9, a->initial_ms);
	sqlite3_bind_int64(s, 10, a->current_ms);
	sqlite3_bind_int64(s, 11, a->added_ms);
	store_sq_text(s, 12, a->msg);
	sqlite3_bind_blob64(s, 13, a->doc, a->doc_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 14, a->sha256, STORE_ADVISORY_HASH, SQLITE_STATIC);
	rc = store_sq_run(s);
	if (!rc) {
		*row = sqlite3_last_insert_rowid(sqlite3_db_handle(s));
		return ST_OK;
	}
	if (rc != ST_EXISTS)
		return rc;
	s = q_(st, A_ROW);
	sqlite3_bind_int64(s, 1, a->origin);
	store_sq_text(s, 2, a->ns);
	store_sq_text(s, 3, a->tracking);
	store_sq_text(s, 4, a->version);
	rc = store_sq_rows(s, row_of, row);
	return rc ? rc : ST_EXISTS;
}

struct adv_arg {
	store_advisory_cb cb;
	void *arg;
};

static int
adv_row(sqlite3_stmt *s, void *arg)
{
	const struct adv_arg *x = arg;
	struct store_advisory a = {
		.row = sqlite3_column_int64(s, 0),
		.origin = sqlite3_column_int64(s, 1),
		.ns = store_sq_col(s, 2),
		.tracking = store_sq_col(s, 3),
		.version = store_sq_col(s, 4),
		.title = store_sq_col(s, 5),
		.status = store_sq_col(s, 6),
		.tlp = store_sq_col(s, 7),
		.publisher = store_sq_col(s, 8),
		.initial_ms = sqlite3_column_int64(s, 9),
		.current_ms = sqlite3_column_int64(s, 10),
		.added_ms = sqlite3_column_int64(s, 11),
		.msg = store_sq_col(s, 12),
	};

	if (sqlite3_column_count(s) > 14) {
		a.doc = sqlite3_column_blob(s, 13);
		a.doc_len = (size_t)sqlite3_column_bytes(s, 13);
		a.sha256 = sqlite3_column_blob(s, 14);
		if (!a.doc)
			a.doc = "";
		if (!a.sha256 || sqlite3_column_bytes(s, 14) != STORE_ADVISORY_HASH)
			return 0;	/* not a row of ours */
	}
	return x->cb(x->arg, &a);
}

status
store_advisory_get(struct store *st, int64_t row, store_advisory_cb cb, void *arg)
{
	struct adv_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, A_GET);

	sqlite3_bind_int64(s, 1, row);
	return store_sq_rows(s, adv_row, &x);
}

status
store_advisory_find(struct store *st, const char *tracking, int64_t origin,
    const char *version, store_advisory_cb cb, void *arg)
{
	struct adv_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, version ? A_FIND_V : A_FIND);

	store_sq_text(s, 1, tracking);
	sqlite3_bind_int64(s, 2, origin);
	if (version)
		store_sq_text(s, 3, version);
	return store_sq_rows(s, adv_row, &x);
}

status
store_advisory_by_msg(struct store *st, const char *msg, store_advisory_cb cb, void *arg)
{
	struct adv_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, A_BY_MSG);

	store_sq_text(s, 1, msg);
	return store_sq_rows(s, adv_row, &x);
}

status
store_advisory_list(struct store *st, int64_t origin, store_advisory_cb cb, void *arg)
{
	struct adv_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, origin < 0 ? A_LIST : A_LIST_O);
	status rc;

	if (origin >= 0)
		sqlite3_bind_int64(s, 1, origin);
	rc = store_sq_rows(s, adv_row, &x);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_advisory_sent_add(struct store *st, const struct store_advisory_sent *x)
{
	sqlite3_stmt *s = q_(st, A_S_ADD);

	if (!text_ok(x->msg))
		return ST_INVALID;
	sqlite3_bind_int64(s, 1, x->advisory);
	sqlite3_bind_int64(s, 2, x->peer_id);
	store_sq_text(s, 3, x->msg);
	sqlite3_bind_int64(s, 4, x->queued_ms);
	return store_sq_run(s);
}

struct sent_arg {
	store_advisory_sent_cb cb;
	void *arg;
};

static int
sent_row(sqlite3_stmt *s, void *arg)
{
	const struct sent_arg *x = arg;
	struct store_advisory_sent a = { sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
		store_sq_col(s, 2), sqlite3_column_int64(s, 3) };

	return x->cb(x->arg, &a);
}

status
store_advisory_sent_list(struct store *st, int64_t row, store_advisory_sent_cb cb, void *arg)
{
	struct sent_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, A_S_LIST);
	status rc;

	sqlite3_bind_int64(s, 1, row);
	rc = store_sq_rows(s, sent_row, &x);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_advisory_recipients(struct store *st, const char *ns, const char *tracking,
    store_advisory_sent_cb cb, void *arg)
{
	struct sent_arg x = { cb, arg };
	sqlite3_stmt *s = q_(st, A_RECIP);
	status rc;

	store_sq_text(s, 1, ns);
	store_sq_text(s, 2, tracking);
	rc = store_sq_rows(s, sent_row, &x);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}
