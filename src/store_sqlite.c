/* store_sqlite.c - the store on SQLite.
 *
 * The database runs in WAL mode with synchronous=FULL, so store_commit
 * returns only once the commit is fsync'd: the rule "acknowledge only what
 * is durable" rests on that.  Statements are prepared once and kept.
 *
 * SECURITY: the database holds messages, not keys; it is created 0600.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "diag.h"
#include "store.h"

#define SCHEMA_VERSION 1

static const char schema[] =
    "CREATE TABLE peers("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, pk BLOB NOT NULL UNIQUE,"
    " kid TEXT NOT NULL, endpoint TEXT NOT NULL, links TEXT NOT NULL,"
    " card TEXT NOT NULL, added_ms INTEGER NOT NULL);"
    "CREATE TABLE links("
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " send_next INTEGER NOT NULL DEFAULT 1, recv_next INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY(peer_id, link)) WITHOUT ROWID;"
    "CREATE TABLE outbox("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',"
    " receipt TEXT NOT NULL DEFAULT '', UNIQUE(peer_id, link, seq));"
    "CREATE INDEX outbox_queued ON outbox(peer_id, link, seq) WHERE state = 0;"
    "CREATE TABLE inbox("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, hash TEXT NOT NULL,"
    " status INTEGER NOT NULL, reason TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " receipt TEXT NOT NULL, UNIQUE(peer_id, link, seq), UNIQUE(peer_id, id));"
    "CREATE INDEX inbox_id ON inbox(id);";

enum {
	Q_PEER_ADD, Q_PEER_LIST, Q_PEER_BY_NAME, Q_PEER_BY_KEY, Q_SEND_SEQ, Q_RECV_NEXT,
	Q_OUT_ADD, Q_OUT_PENDING, Q_OUT_DELIVERED, Q_OUT_REJECTED, Q_OUT_FAILED,
	Q_OUT_GET, Q_OUT_LIST, Q_OUT_BACKLOG, Q_IN_ADD, Q_IN_ADVANCE, Q_IN_AT,
	Q_IN_GET, Q_IN_LIST, Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q__COUNT
};

#define PEER_COLS "id, name, pk, kid, endpoint, links, card, added_ms"
#define OUT_COLS "o.id, o.peer_id, p.name, o.link, o.seq, o.type, o.priority, " \
	"o.subject, o.jws, o.state, o.created_ms, o.delivered_ms, o.attempts, " \
	"o.last_error, o.receipt"
#define IN_COLS "i.id, i.peer_id, p.name, i.link, i.seq, i.type, i.priority, " \
	"i.subject, i.jws, i.hash, i.status, i.reason, i.received_ms, i.receipt"

static const char *const sql[Q__COUNT] = {
	[Q_PEER_ADD] = "INSERT INTO peers(name, pk, kid, endpoint, links, card, added_ms)"
	    " VALUES(?,?,?,?,?,?,?)",
	[Q_PEER_LIST] = "SELECT " PEER_COLS " FROM peers ORDER BY name",
	[Q_PEER_BY_NAME] = "SELECT " PEER_COLS " FROM peers WHERE name = ?",
	[Q_PEER_BY_KEY] = "SELECT " PEER_COLS " FROM peers WHERE pk = ?",
	[Q_SEND_SEQ] = "INSERT INTO links(peer_id, link, send_next) VALUES(?,?,2)"
	    " ON CONFLICT(peer_id, link) DO UPDATE SET send_next = send_next + 1"
	    " RETURNING send_next - 1",
	[Q_RECV_NEXT] = "SELECT recv_next FROM links WHERE peer_id = ? AND link = ?",
	[Q_OUT_ADD] = "INSERT INTO outbox(id, peer_id, link, seq, type, priority, subject,"
	    " jws, created_ms) VALUES(?,?,?,?,?,?,?,?,?)",
	[Q_OUT_PENDING] = "SELECT " OUT_COLS " FROM outbox o JOIN peers p ON p.id = o.peer_id"
	    " WHERE o.peer_id = ? AND o.link = ? AND o.state = 0 AND o.seq > ?"
	    " ORDER BY o.seq LIMIT ?",
	[Q_OUT_DELIVERED] = "UPDATE outbox SET state = 1, receipt = ?, delivered_ms = ?,"
	    " attempts = attempts + 1, last_error = '' WHERE id = ? AND state = 0",
	[Q_OUT_REJECTED] = "UPDATE outbox SET state = 2, last_error = ?,"
	    " attempts = attempts + 1 WHERE id = ? AND state = 0",
	[Q_OUT_FAILED] = "UPDATE outbox SET attempts = attempts + 1, last_error = ?"
	    " WHERE peer_id = ? AND link = ? AND seq BETWEEN ? AND ? AND state = 0",
	[Q_OUT_GET] = "SELECT " OUT_COLS " FROM outbox o JOIN peers p ON p.id = o.peer_id"
	    " WHERE o.id = ?",
	[Q_OUT_LIST] = "SELECT * FROM (SELECT " OUT_COLS ", o.rid AS r FROM outbox o"
	    " JOIN peers p ON p.id = o.peer_id ORDER BY o.rid DESC LIMIT ?) ORDER BY r",
	[Q_OUT_BACKLOG] = "SELECT count(*) FROM outbox WHERE peer_id = ? AND link = ?"
	    " AND state = 0",
	[Q_IN_ADD] = "INSERT INTO inbox(id, peer_id, link, seq, type, priority, subject, jws,"
	    " hash, status, reason, received_ms, receipt) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[Q_IN_ADVANCE] = "INSERT INTO links(peer_id, link, recv_next) VALUES(?,?,?)"
	    " ON CONFLICT(peer_id, link) DO UPDATE SET recv_next = excluded.recv_next"
	    " WHERE excluded.recv_next > links.recv_next",
	[Q_IN_AT] = "SELECT " IN_COLS " FROM inbox i JOIN peers p ON p.id = i.peer_id"
	    " WHERE i.peer_id = ? AND i.link = ? AND i.seq = ?",
	[Q_IN_GET] = "SELECT " IN_COLS " FROM inbox i JOIN peers p ON p.id = i.peer_id"
	    " WHERE i.id = ? ORDER BY i.status = 200 DESC LIMIT 1",
	[Q_IN_LIST] = "SELECT * FROM (SELECT " IN_COLS ", i.rid AS r FROM inbox i"
	    " JOIN peers p ON p.id = i.peer_id WHERE i.status = 200"
	    " ORDER BY i.rid DESC LIMIT ?) ORDER BY r",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *q[Q__COUNT];
};

const char *
store_errmsg(const struct store *st)
{
	return sqlite3_errmsg(st->db);
}

static status
db_status(int rc)
{
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ST_NOTFOUND;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ST_OK;
	case SQLITE_CONSTRAINT:
		return ST_EXISTS;
	case SQLITE_NOMEM:
		return ST_NOMEM;
	case SQLITE_TOOBIG:
		return ST_TOOBIG;
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return ST_IO;
	default:
		return ST_DB;
	}
}

/* stmt - the prepared statement for query k, reset and unbound. */
static sqlite3_stmt *
stmt(struct store *st, int k)
{
	if (!st->q[k] && sqlite3_prepare_v3(st->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT,
	    &st->q[k], NULL) != SQLITE_OK)
		diag_panic("store: cannot prepare query %d: %s", k, sqlite3_errmsg(st->db));
	sqlite3_reset(st->q[k]);
	sqlite3_clear_bindings(st->q[k]);
	return st->q[k];
}

/* run - step a statement that returns no rows. */
static status
run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	status r = rc == SQLITE_DONE ? ST_OK : db_status(rc == SQLITE_ROW ? SQLITE_MISUSE : rc);

	sqlite3_reset(s);
	return r;
}

static void
text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	return v ? v : "";
}

status
store_open(const char *path, int create, struct store **out)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int version = 0;
	sqlite3_stmt *s;
	status rc;

	*out = NULL;
	if (create) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return ST_IO;
		close(fd);
		flags |= SQLITE_OPEN_CREATE;
	} else if (access(path, F_OK) != 0)
		return ST_NOTFOUND;
	st = calloc(1, sizeof *st);
	if (!st)
		return ST_NOMEM;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		rc = ST_DB;
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		rc = ST_DB;
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			version = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	if (version == 0) {
		char *err = NULL;

		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, schema, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(st->db, "PRAGMA user_version = 1; COMMIT", NULL, NULL,
		    NULL) != SQLITE_OK) {
			diag_warn("store: cannot create schema in %s: %s", path,
			    err ? err : sqlite3_errmsg(st->db));
			sqlite3_free(err);
			rc = ST_DB;
			goto fail;
		}
	} else if (version != SCHEMA_VERSION) {
		diag_warn("store: %s has schema version %d; this parley knows %d",
		    path, version, SCHEMA_VERSION);
		rc = ST_DB;
		goto fail;
	}
	*out = st;
	return ST_OK;
fail:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	for (int k = 0; k < Q__COUNT; k++)
		sqlite3_finalize(st->q[k]);
	if (st->db && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(st->db);
	free(st);
}

status
store_begin(struct store *st)
{
	return run(stmt(st, Q_BEGIN));
}

status
store_commit(struct store *st)
{
	status rc = run(stmt(st, Q_COMMIT));

	if (rc)
		store_rollback(st);
	return rc;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)run(stmt(st, Q_ROLLBACK));
}

status
store_peer_add(struct store *st, const struct store_peer *p, int64_t *id)
{
	sqlite3_stmt *s = stmt(st, Q_PEER_ADD);
	status rc;

	text(s, 1, p->name);
	sqlite3_bind_blob(s, 2, p->pk, IDENT_PK_LEN, SQLITE_STATIC);
	text(s, 3, p->kid);
	text(s, 4, p->endpoint);
	text(s, 5, p->links);
	text(s, 6, p->card);
	sqlite3_bind_int64(s, 7, p->added_ms);
	rc = run(s);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

static status
peers(sqlite3_stmt *s, store_peer_cb cb, void *arg)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_peer p;

		memset(&p, 0, sizeof p);
		p.id = sqlite3_column_int64(s, 0);
		p.name = col(s, 1);
		if (sqlite3_column_bytes(s, 2) == IDENT_PK_LEN)
			memcpy(p.pk, sqlite3_column_blob(s, 2), IDENT_PK_LEN);
		p.kid = col(s, 3);
		p.endpoint = col(s, 4);
		p.links = col(s, 5);
		p.card = col(s, 6);
		p.added_ms = sqlite3_column_int64(s, 7);
		n++;
		if (cb(arg, &p)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_status(rc);
	return n ? ST_OK : ST_NOTFOUND;
}

status
store_peer_list(struct store *st, store_peer_cb cb, void *arg)
{
	status rc = peers(stmt(st, Q_PEER_LIST), cb, arg);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_peer_find(struct store *st, const char *name, const uint8_t *key,
    store_peer_cb cb, void *arg)
{
	sqlite3_stmt *s;

	if (name) {
		s = stmt(st, Q_PEER_BY_NAME);
		text(s, 1, name);
	} else {
		s = stmt(st, Q_PEER_BY_KEY);
		sqlite3_bind_blob(s, 1, key, IDENT_PK_LEN, SQLITE_STATIC);
	}
	return peers(s, cb, arg);
}

/* one_int - step a statement that yields one integer (or none: dflt). */
static status
one_int(sqlite3_stmt *s, int64_t dflt, int64_t *v)
{
	int rc = sqlite3_step(s);

	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : dflt;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);	/* finish a RETURNING statement */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_status(rc);
}

status
store_send_seq(struct store *st, int64_t peer_id, const char *link, int64_t *seq)
{
	sqlite3_stmt *s = stmt(st, Q_SEND_SEQ);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	return one_int(s, 0, seq);
}

status
store_recv_next(struct store *st, int64_t peer_id, const char *link, int64_t *seq)
{
	sqlite3_stmt *s = stmt(st, Q_RECV_NEXT);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	return one_int(s, 1, seq);
}

status
store_out_add(struct store *st, const struct store_out *m)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_ADD);

	text(s, 1, m->id);
	sqlite3_bind_int64(s, 2, m->peer_id);
	text(s, 3, m->link);
	sqlite3_bind_int64(s, 4, m->seq);
	text(s, 5, m->type);
	text(s, 6, m->priority);
	text(s, 7, m->subject);
	sqlite3_bind_text(s, 8, m->jws, (int)m->jws_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, m->created_ms);
	return run(s);
}

/* outs - step an outbox query, stopping after max_bytes of JWS. */
static status
outs(sqlite3_stmt *s, size_t max_bytes, store_out_cb cb, void *arg, int *found)
{
	size_t bytes = 0;
	int rc;

	*found = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_out m;

		m.id = col(s, 0);
		m.peer_id = sqlite3_column_int64(s, 1);
		m.peer = col(s, 2);
		m.link = col(s, 3);
		m.seq = sqlite3_column_int64(s, 4);
		m.type = col(s, 5);
		m.priority = col(s, 6);
		m.subject = col(s, 7);
		m.jws = col(s, 8);
		m.jws_len = (size_t)sqlite3_column_bytes(s, 8);
		m.state = sqlite3_column_int(s, 9);
		m.created_ms = sqlite3_column_int64(s, 10);
		m.delivered_ms = sqlite3_column_int64(s, 11);
		m.attempts = sqlite3_column_int64(s, 12);
		m.last_error = col(s, 13);
		m.receipt = col(s, 14);
		if (*found && bytes + m.jws_len > max_bytes)
			break;
		bytes += m.jws_len;
		(*found)++;
		if (cb(arg, &m))
			break;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : db_status(rc);
}

status
store_out_pending(struct store *st, int64_t peer_id, const char *link, int64_t after,
    size_t max_n, size_t max_bytes, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_PENDING);
	int found;

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)max_n);
	return outs(s, max_bytes, cb, arg, &found);
}

/* changed - ST_NOTFOUND when the last statement touched no row. */
static status
changed(struct store *st, status rc)
{
	if (!rc && sqlite3_changes(st->db) == 0)
		return ST_NOTFOUND;
	return rc;
}

status
store_out_delivered(struct store *st, const char *id, const char *receipt, int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_DELIVERED);

	text(s, 1, receipt);
	sqlite3_bind_int64(s, 2, ms);
	text(s, 3, id);
	return changed(st, run(s));
}

status
store_out_rejected(struct store *st, const char *id, const char *reason)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_REJECTED);

	text(s, 1, reason);
	text(s, 2, id);
	return changed(st, run(s));
}

status
store_out_failed(struct store *st, int64_t peer_id, const char *link, int64_t lo,
    int64_t hi, const char *error)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_FAILED);

	text(s, 1, error);
	sqlite3_bind_int64(s, 2, peer_id);
	text(s, 3, link);
	sqlite3_bind_int64(s, 4, lo);
	sqlite3_bind_int64(s, 5, hi);
	return run(s);
}

status
store_out_get(struct store *st, const char *id, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_GET);
	int found;
	status rc;

	text(s, 1, id);
	rc = outs(s, SIZE_MAX, cb, arg, &found);
	return rc ? rc : found ? ST_OK : ST_NOTFOUND;
}

status
store_out_list(struct store *st, size_t limit, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_LIST);
	int found;

	sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
	return outs(s, SIZE_MAX, cb, arg, &found);
}

status
store_out_backlog(struct store *st, int64_t peer_id, const char *link, int64_t *n)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_BACKLOG);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	return one_int(s, 0, n);
}

status
store_in_add(struct store *st, const struct store_in *m)
{
	sqlite3_stmt *s = stmt(st, Q_IN_ADD);
	status rc;

	text(s, 1, m->id);
	sqlite3_bind_int64(s, 2, m->peer_id);
	text(s, 3, m->link);
	sqlite3_bind_int64(s, 4, m->seq);
	text(s, 5, m->type);
	text(s, 6, m->priority);
	text(s, 7, m->subject);
	sqlite3_bind_text(s, 8, m->jws ? m->jws : "", m->jws ? (int)m->jws_len : 0,
	    SQLITE_STATIC);
	text(s, 9, m->hash);
	sqlite3_bind_int(s, 10, m->status);
	text(s, 11, m->reason);
	sqlite3_bind_int64(s, 12, m->received_ms);
	sqlite3_bind_text(s, 13, m->receipt ? m->receipt : "",
	    m->receipt ? (int)m->receipt_len : 0, SQLITE_STATIC);
	rc = run(s);
	if (rc)
		return rc;
	s = stmt(st, Q_IN_ADVANCE);
	sqlite3_bind_int64(s, 1, m->peer_id);
	text(s, 2, m->link);
	sqlite3_bind_int64(s, 3, m->seq + 1);
	return run(s);
}

static status
ins(sqlite3_stmt *s, store_in_cb cb, void *arg)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_in m;

		m.id = col(s, 0);
		m.peer_id = sqlite3_column_int64(s, 1);
		m.peer = col(s, 2);
		m.link = col(s, 3);
		m.seq = sqlite3_column_int64(s, 4);
		m.type = col(s, 5);
		m.priority = col(s, 6);
		m.subject = col(s, 7);
		m.jws = col(s, 8);
		m.jws_len = (size_t)sqlite3_column_bytes(s, 8);
		m.hash = col(s, 9);
		m.status = sqlite3_column_int(s, 10);
		m.reason = col(s, 11);
		m.received_ms = sqlite3_column_int64(s, 12);
		m.receipt = col(s, 13);
		m.receipt_len = (size_t)sqlite3_column_bytes(s, 13);
		n++;
		if (cb(arg, &m)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_status(rc);
	return n ? ST_OK : ST_NOTFOUND;
}

status
store_in_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_AT);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, seq);
	return ins(s, cb, arg);
}

status
store_in_get(struct store *st, const char *id, store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_GET);

	text(s, 1, id);
	return ins(s, cb, arg);
}

status
store_in_list(struct store *st, size_t limit, store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_LIST);
	status rc;

	sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
	rc = ins(s, cb, arg);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}
