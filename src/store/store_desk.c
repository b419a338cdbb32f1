/* store_desk.c - the watch desk's state in SQLite (store_desk.h). */
#include <string.h>

#include "store/store_sqlite_int.h"

/* Version 9: the watch desk (store_desk.h).  desk_item's open items are
 * what the board shows, so they have an index of their own: the board
 * reads them, not the messages.  desk_item is a rowid table: an item is a
 * row of 250 to 1,500 bytes, and a WITHOUT ROWID table keeps its rows in
 * an index b-tree, whose cells hold at most about 230 bytes of a 1 KiB
 * page (store_sqlite.c sets that size) and whose interior pages hold
 * whole rows.  There every item spilled into an overflow page, and 100,000
 * items took ten times the interior pages (2,594 against 252); the
 * board, reading its rows in index order, read three times the pages
 * (docs/BENCHMARKS.md, "the watch desk"). */
const char store_desk_schema_v9[] =
    "CREATE TABLE officer(name TEXT PRIMARY KEY, role TEXT NOT NULL,"
    " added_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE desk_doc(kind TEXT PRIMARY KEY, text TEXT NOT NULL,"
    " set_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE desk_item("
    " msg TEXT PRIMARY KEY, out INTEGER NOT NULL, peer_id INTEGER NOT NULL,"
    " link TEXT NOT NULL, tmpl TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, agreement TEXT NOT NULL, reply_to TEXT NOT NULL,"
    " expects_reply INTEGER NOT NULL, human INTEGER NOT NULL,"
    " made_ms INTEGER NOT NULL, receipt_ms INTEGER NOT NULL DEFAULT 0,"
    " ack_due_ms INTEGER NOT NULL DEFAULT 0, reply_due_ms INTEGER NOT NULL DEFAULT 0,"
    " ack_ms INTEGER NOT NULL DEFAULT 0, ack_officer TEXT NOT NULL DEFAULT '',"
    " ack_role TEXT NOT NULL DEFAULT '', ack_note TEXT NOT NULL DEFAULT '',"
    " ack_msg TEXT NOT NULL DEFAULT '', reply_ms INTEGER NOT NULL DEFAULT 0,"
    " reply_msg TEXT NOT NULL DEFAULT '', overdue_ack_ms INTEGER NOT NULL DEFAULT 0,"
    " overdue_reply_ms INTEGER NOT NULL DEFAULT 0, esc_level INTEGER NOT NULL DEFAULT 0,"
    " esc_next_ms INTEGER NOT NULL DEFAULT 0, open INTEGER NOT NULL DEFAULT 1,"
    " closed_ms INTEGER NOT NULL DEFAULT 0, path INTEGER NOT NULL DEFAULT -1);"
    "CREATE INDEX desk_item_open ON desk_item(open, made_ms) WHERE open = 1;"
    "CREATE INDEX desk_item_closed ON desk_item(closed_ms) WHERE open = 0;"
    "CREATE INDEX desk_item_check ON desk_item(peer_id, human, made_ms)"
    " WHERE tmpl = 'comm-check';"
    "CREATE TABLE desk_event("
    " id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, event TEXT NOT NULL,"
    " json TEXT NOT NULL, msg TEXT NOT NULL, peer TEXT NOT NULL, priority TEXT NOT NULL,"
    " role TEXT NOT NULL, officer TEXT NOT NULL, made_ms INTEGER NOT NULL,"
    " next_ms INTEGER NOT NULL, tries INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '', done_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX desk_event_due ON desk_event(next_ms) WHERE done_ms = 0;"
    /* points of contact: every version, ours (peer_id 0) and the peers' */
    "CREATE TABLE desk_contacts("
    " peer_id INTEGER NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,"
    " issued_ms INTEGER NOT NULL, msg TEXT NOT NULL, kept_ms INTEGER NOT NULL,"
    " PRIMARY KEY (peer_id, version)) WITHOUT ROWID;"
    "CREATE TABLE desk_contacts_sent("
    " peer_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, msg TEXT NOT NULL);";

/* Version 10: the duty console's sign-in: each officer's password (an
 * Argon2id string, crypto/passwd.h; "" none set), second factor (a TOTP
 * secret in base32, "" none) and the last TOTP step used (no replay). */
const char store_desk_schema_v10[] =
    "ALTER TABLE officer ADD COLUMN pw TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE officer ADD COLUMN totp TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE officer ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;";

/* Version 11: the language each officer reads the console in ("": the
 * desk's, desk_lang). */
const char store_desk_schema_v11[] =
    "ALTER TABLE officer ADD COLUMN lang TEXT NOT NULL DEFAULT '';";

enum {
	D_OFF_ADD = STORE_SQ_DESK, D_OFF_GET, D_OFF_LIST, D_DOC_PUT, D_DOC_GET, D_DOC_WHEN,
	D_ITEM_ADD, D_ITEM_GET, D_ITEM_PUT, D_ITEM_OPEN, D_ITEM_COUNT,
	D_EV_ADD, D_EV_DUE, D_EV_NEXT, D_EV_DONE, D_EV_RETRY, D_EV_LIST, D_CHECKS, D_LAST_CHECK,
	D_CT_ADD, D_CT_LIST, D_CT_LAST, D_CT_SENT, D_CT_SENT_SET, D_CT_DOC, D_EV_SKIP, D_OFF_AUTH, D_OFF_PW, D_OFF_TOTP, D_OFF_STEP, D_OFF_LANG, D__END
};
_Static_assert(D__END <= STORE_SQ_INTEL, "store_desk.c has more queries"
    " than the handle's slots (store_sqlite_int.h)");

#define ITEM_COLS \
    "i.msg, i.out, i.peer_id, p.name, i.link, i.tmpl, i.priority, i.subject," \
    " i.agreement, i.reply_to, i.expects_reply, i.human, i.made_ms, i.receipt_ms," \
    " i.ack_due_ms, i.reply_due_ms, i.ack_ms, i.ack_officer, i.ack_role, i.ack_note," \
    " i.ack_msg, i.reply_ms, i.reply_msg, i.overdue_ack_ms, i.overdue_reply_ms," \
    " i.esc_level, i.esc_next_ms, i.open, i.path" \
    " FROM desk_item i JOIN peers p ON p.id = i.peer_id"
#define EVENT_COLS \
    "id, key, event, json, msg, peer, priority, role, officer, made_ms, next_ms, tries," \
    " last_error, done_ms FROM desk_event"

static const char *const dsql[] = {
	[D_OFF_ADD - STORE_SQ_DESK] =
	    "INSERT INTO officer(name, role, added_ms) VALUES (?1, ?2, ?3)",
	[D_OFF_GET - STORE_SQ_DESK] = "SELECT name, role, added_ms, lang FROM officer WHERE name = ?1",
	[D_OFF_LIST - STORE_SQ_DESK] = "SELECT name, role, added_ms, lang FROM officer ORDER BY name",
	[D_OFF_AUTH - STORE_SQ_DESK] =
	    "SELECT name, role, pw, totp, totp_step FROM officer WHERE name = ?1",
	[D_OFF_PW - STORE_SQ_DESK] = "UPDATE officer SET pw = ?2 WHERE name = ?1",
	[D_OFF_LANG - STORE_SQ_DESK] = "UPDATE officer SET lang = ?2 WHERE name = ?1",
	[D_OFF_TOTP - STORE_SQ_DESK] =
	    "UPDATE officer SET totp = ?2, totp_step = 0 WHERE name = ?1",
	[D_OFF_STEP - STORE_SQ_DESK] =
	    "UPDATE officer SET totp_step = ?2 WHERE name = ?1 AND totp_step < ?2",
	[D_DOC_PUT - STORE_SQ_DESK] =
	    "INSERT OR REPLACE INTO desk_doc(kind, text, set_ms) VALUES (?1, ?2, ?3)",
	[D_DOC_GET - STORE_SQ_DESK] = "SELECT text, set_ms FROM desk_doc WHERE kind = ?1",
	[D_DOC_WHEN - STORE_SQ_DESK] = "SELECT set_ms FROM desk_doc WHERE kind = ?1",
	[D_ITEM_ADD - STORE_SQ_DESK] =
	    "INSERT INTO desk_item(msg, out, peer_id, link, tmpl, priority, subject, agreement,"
	    " reply_to, expects_reply, human, made_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12)",
	[D_ITEM_GET - STORE_SQ_DESK] = "SELECT " ITEM_COLS " WHERE i.msg = ?1",
	[D_ITEM_PUT - STORE_SQ_DESK] =
	    "UPDATE desk_item SET receipt_ms = ?2, ack_due_ms = ?3, reply_due_ms = ?4,"
	    " ack_ms = ?5, ack_officer = ?6, ack_role = ?7, ack_note = ?8, ack_msg = ?9,"
	    " reply_ms = ?10, reply_msg = ?11, overdue_ack_ms = ?12, overdue_reply_ms = ?13,"
	    " esc_level = ?14, esc_next_ms = ?15, open = ?16, path = ?18,"
	    " closed_ms = CASE WHEN ?16 THEN 0 WHEN open THEN ?17 ELSE closed_ms END"
	    " WHERE msg = ?1",
	/* the open ones by their index, then the recently closed by theirs */
	[D_ITEM_OPEN - STORE_SQ_DESK] =
	    "SELECT * FROM (SELECT " ITEM_COLS " WHERE i.open = 1"
	    " UNION ALL SELECT " ITEM_COLS " WHERE i.open = 0 AND i.closed_ms >= ?1"
	    " AND NOT (i.tmpl = 'comm-check' AND i.human = 0))"
	    " ORDER BY CASE priority WHEN 'flash' THEN 0 WHEN 'immediate' THEN 1"
	    " WHEN 'priority' THEN 2 ELSE 3 END, made_ms",
	[D_ITEM_COUNT - STORE_SQ_DESK] = "SELECT count(*) FROM desk_item",
	[D_EV_ADD - STORE_SQ_DESK] =
	    "INSERT OR IGNORE INTO desk_event(key, event, json, msg, peer, priority, role,"
	    " officer, made_ms, next_ms, done_ms, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12)",
	[D_EV_DUE - STORE_SQ_DESK] =
	    "SELECT " EVENT_COLS " WHERE done_ms = 0 AND next_ms <= ?1 ORDER BY next_ms, id"
	    " LIMIT ?2",
	[D_EV_NEXT - STORE_SQ_DESK] = "SELECT min(next_ms) FROM desk_event WHERE done_ms = 0",
	[D_EV_DONE - STORE_SQ_DESK] =
	    "UPDATE desk_event SET done_ms = ?2, tries = tries + 1 WHERE id = ?1",
	[D_EV_RETRY - STORE_SQ_DESK] =
	    "UPDATE desk_event SET next_ms = ?2, tries = tries + 1, last_error = ?3 WHERE id = ?1",
	[D_EV_LIST - STORE_SQ_DESK] = "SELECT " EVENT_COLS " ORDER BY id DESC LIMIT ?1",
	[D_EV_SKIP - STORE_SQ_DESK] =
	    "UPDATE desk_event SET done_ms = ?1, last_error = ?2 WHERE done_ms = 0",
	[D_CHECKS - STORE_SQ_DESK] =
	    "SELECT " ITEM_COLS " WHERE i.tmpl = 'comm-check' AND i.made_ms >= ?1"
	    " ORDER BY i.peer_id, i.out, i.path, i.human, i.made_ms",
	[D_CT_ADD - STORE_SQ_DESK] =
	    "INSERT OR IGNORE INTO desk_contacts(peer_id, version, doc, issued_ms, msg, kept_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[D_CT_LIST - STORE_SQ_DESK] =
	    "SELECT c.peer_id, coalesce(p.name, ''), c.version, c.doc, c.issued_ms, c.msg,"
	    " c.kept_ms FROM desk_contacts c LEFT JOIN peers p ON p.id = c.peer_id"
	    " WHERE (?1 < 0 OR c.peer_id = ?1) ORDER BY c.peer_id, c.version",
	[D_CT_LAST - STORE_SQ_DESK] =
	    "SELECT coalesce(max(version), 0) FROM desk_contacts WHERE peer_id = ?1",
	[D_CT_DOC - STORE_SQ_DESK] =
	    "SELECT doc, issued_ms FROM desk_contacts WHERE peer_id = ?1 AND version = ?2",
	[D_CT_SENT - STORE_SQ_DESK] =
	    "SELECT version FROM desk_contacts_sent WHERE peer_id = ?1",
	[D_CT_SENT_SET - STORE_SQ_DESK] =
	    "INSERT OR REPLACE INTO desk_contacts_sent(peer_id, version, msg) VALUES (?1, ?2, ?3)",
	[D_LAST_CHECK - STORE_SQ_DESK] =
	    "SELECT coalesce(max(made_ms), 0) FROM desk_item WHERE tmpl = 'comm-check'"
	    " AND out = 1 AND peer_id = ?1 AND human = ?2",
};

static sqlite3_stmt *
q(struct store *st, int k)
{
	return store_sq_stmt(st, k, dsql[k - STORE_SQ_DESK]);
}

struct cb_arg {
	void (*cb)(void);
	void *arg;
};

/* ---- officers ---- */

status
store_officer_add(struct store *st, const char *name, const char *role, int64_t now_ms)
{
	sqlite3_stmt *s = q(st, D_OFF_ADD);

	store_sq_text(s, 1, name);
	store_sq_text(s, 2, role);
	sqlite3_bind_int64(s, 3, now_ms);
	return store_sq_run(s);
}

static int
officer_row(sqlite3_stmt *s, void *arg)
{
	const struct cb_arg *a = arg;
	struct store_officer o = {
		store_sq_col(s, 0), store_sq_col(s, 1), sqlite3_column_int64(s, 2),
		store_sq_col(s, 3)
	};

	return ((store_officer_cb)a->cb)(a->arg, &o);
}

status
store_officer_get(struct store *st, const char *name, store_officer_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_OFF_GET);

	store_sq_text(s, 1, name);
	return store_sq_rows(s, officer_row, &(struct cb_arg){ (void (*)(void))cb, arg });
}

status
store_officer_list(struct store *st, store_officer_cb cb, void *arg)
{
	status rc = store_sq_rows(q(st, D_OFF_LIST), officer_row,
	    &(struct cb_arg){ (void (*)(void))cb, arg });

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

static int
auth_row(sqlite3_stmt *s, void *arg)
{
	const struct cb_arg *a = arg;
	struct store_officer_auth o = {
		store_sq_col(s, 0), store_sq_col(s, 1), store_sq_col(s, 2), store_sq_col(s, 3),
		sqlite3_column_int64(s, 4)
	};

	return ((store_officer_auth_cb)a->cb)(a->arg, &o);
}

status
store_officer_auth(struct store *st, const char *name, store_officer_auth_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_OFF_AUTH);

	store_sq_text(s, 1, name);
	return store_sq_rows(s, auth_row, &(struct cb_arg){ (void (*)(void))cb, arg });
}

/* changed - ST_OK when the statement just run changed a row, else
 * ST_NOTFOUND. */
static status
changed(sqlite3_stmt *s, status rc)
{
	return rc ? rc : sqlite3_changes(sqlite3_db_handle(s)) > 0 ? ST_OK : ST_NOTFOUND;
}

/* officer_set - name's column of the slot k (an UPDATE of ?2 by name ?1)
 * set to text: ST_NOTFOUND when there is no officer name. */
static status
officer_set(struct store *st, int k, const char *name, const char *text)
{
	sqlite3_stmt *s = q(st, k);

	store_sq_text(s, 1, name);
	store_sq_text(s, 2, text);
	return changed(s, store_sq_run(s));
}

status
store_officer_set_pw(struct store *st, const char *name, const char *pw)
{
	return officer_set(st, D_OFF_PW, name, pw);
}

status
store_officer_set_lang(struct store *st, const char *name, const char *lang)
{
	return officer_set(st, D_OFF_LANG, name, lang);
}

status
store_officer_set_totp(struct store *st, const char *name, const char *secret)
{
	return officer_set(st, D_OFF_TOTP, name, secret);
}

status
store_officer_totp_step(struct store *st, const char *name, int64_t step)
{
	sqlite3_stmt *s = q(st, D_OFF_STEP);

	store_sq_text(s, 1, name);
	sqlite3_bind_int64(s, 2, step);
	return changed(s, store_sq_run(s));
}

/* ---- documents ---- */

status
store_desk_doc_put(struct store *st, const char *kind, const char *text, int64_t now_ms)
{
	sqlite3_stmt *s = q(st, D_DOC_PUT);

	store_sq_text(s, 1, kind);
	store_sq_text(s, 2, text);
	sqlite3_bind_int64(s, 3, now_ms);
	return store_sq_run(s);
}

struct doc_out {
	struct buf *out;
	int64_t *set_ms;
	status rc;
};

static int
doc_row(sqlite3_stmt *s, void *arg)
{
	struct doc_out *d = arg;

	d->rc = buf_add(d->out, store_sq_col(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	if (d->set_ms)
		*d->set_ms = sqlite3_column_int64(s, 1);
	return 1;
}

status
store_desk_doc_get(struct store *st, const char *kind, struct buf *out, int64_t *set_ms)
{
	sqlite3_stmt *s = q(st, D_DOC_GET);
	struct doc_out d = { out, set_ms, ST_OK };
	status rc;

	store_sq_text(s, 1, kind);
	rc = store_sq_rows(s, doc_row, &d);
	return rc ? rc : d.rc;
}

static int int_row(sqlite3_stmt *s, void *arg);

status
store_desk_doc_when(struct store *st, const char *kind, int64_t *set_ms)
{
	sqlite3_stmt *s = q(st, D_DOC_WHEN);

	store_sq_text(s, 1, kind);
	return store_sq_rows(s, int_row, set_ms);
}

/* ---- items ---- */

status
store_desk_item_add(struct store *st, const struct store_desk_item *it)
{
	sqlite3_stmt *s = q(st, D_ITEM_ADD);
	int rc;

	store_sq_text(s, 1, it->msg);
	sqlite3_bind_int(s, 2, it->out);
	sqlite3_bind_int64(s, 3, it->peer_id);
	store_sq_text(s, 4, it->link);
	store_sq_text(s, 5, it->tmpl);
	store_sq_text(s, 6, it->priority);
	store_sq_text(s, 7, it->subject);
	store_sq_text(s, 8, it->agreement);
	store_sq_text(s, 9, it->reply_to);
	sqlite3_bind_int(s, 10, it->expects_reply);
	sqlite3_bind_int(s, 11, it->human);
	sqlite3_bind_int64(s, 12, it->made_ms);
	rc = store_sq_run(s);
	return rc;
}

static int
item_row(sqlite3_stmt *s, void *arg)
{
	const struct cb_arg *a = arg;
	struct store_desk_item it;
	int c = 0;

	it.msg = store_sq_col(s, c++);
	it.out = sqlite3_column_int(s, c++);
	it.peer_id = sqlite3_column_int64(s, c++);
	it.peer = store_sq_col(s, c++);
	it.link = store_sq_col(s, c++);
	it.tmpl = store_sq_col(s, c++);
	it.priority = store_sq_col(s, c++);
	it.subject = store_sq_col(s, c++);
	it.agreement = store_sq_col(s, c++);
	it.reply_to = store_sq_col(s, c++);
	it.expects_reply = sqlite3_column_int(s, c++);
	it.human = sqlite3_column_int(s, c++);
	it.made_ms = sqlite3_column_int64(s, c++);
	it.receipt_ms = sqlite3_column_int64(s, c++);
	it.ack_due_ms = sqlite3_column_int64(s, c++);
	it.reply_due_ms = sqlite3_column_int64(s, c++);
	it.ack_ms = sqlite3_column_int64(s, c++);
	it.ack_officer = store_sq_col(s, c++);
	it.ack_role = store_sq_col(s, c++);
	it.ack_note = store_sq_col(s, c++);
	it.ack_msg = store_sq_col(s, c++);
	it.reply_ms = sqlite3_column_int64(s, c++);
	it.reply_msg = store_sq_col(s, c++);
	it.overdue_ack_ms = sqlite3_column_int64(s, c++);
	it.overdue_reply_ms = sqlite3_column_int64(s, c++);
	it.esc_level = sqlite3_column_int(s, c++);
	it.esc_next_ms = sqlite3_column_int64(s, c++);
	it.open = sqlite3_column_int(s, c++);
	it.path = sqlite3_column_int(s, c++);
	return ((store_desk_item_cb)a->cb)(a->arg, &it);
}

status
store_desk_item_get(struct store *st, const char *msg, store_desk_item_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_ITEM_GET);

	store_sq_text(s, 1, msg);
	return store_sq_rows(s, item_row, &(struct cb_arg){ (void (*)(void))cb, arg });
}

status
store_desk_item_put(struct store *st, const struct store_desk_item *it)
{
	sqlite3_stmt *s = q(st, D_ITEM_PUT);

	store_sq_text(s, 1, it->msg);
	sqlite3_bind_int64(s, 2, it->receipt_ms);
	sqlite3_bind_int64(s, 3, it->ack_due_ms);
	sqlite3_bind_int64(s, 4, it->reply_due_ms);
	sqlite3_bind_int64(s, 5, it->ack_ms);
	store_sq_text(s, 6, it->ack_officer);
	store_sq_text(s, 7, it->ack_role);
	store_sq_text(s, 8, it->ack_note);
	store_sq_text(s, 9, it->ack_msg);
	sqlite3_bind_int64(s, 10, it->reply_ms);
	store_sq_text(s, 11, it->reply_msg);
	sqlite3_bind_int64(s, 12, it->overdue_ack_ms);
	sqlite3_bind_int64(s, 13, it->overdue_reply_ms);
	sqlite3_bind_int(s, 14, it->esc_level);
	sqlite3_bind_int64(s, 15, it->esc_next_ms);
	sqlite3_bind_int(s, 16, it->open);
	sqlite3_bind_int64(s, 17, it->reply_ms > it->ack_ms ? it->reply_ms : it->ack_ms);
	sqlite3_bind_int(s, 18, it->path);
	return store_sq_run(s);
}

status
store_desk_open(struct store *st, int64_t since_ms, store_desk_item_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_ITEM_OPEN);
	status rc;

	sqlite3_bind_int64(s, 1, since_ms);
	rc = store_sq_rows(s, item_row, &(struct cb_arg){ (void (*)(void))cb, arg });
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

static int
int_row(sqlite3_stmt *s, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
	return 1;
}

status
store_desk_count(struct store *st, int64_t *n)
{
	*n = 0;
	return store_sq_rows(q(st, D_ITEM_COUNT), int_row, n);
}

status
store_desk_checks(struct store *st, int64_t since_ms, store_desk_item_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_CHECKS);
	status rc;

	sqlite3_bind_int64(s, 1, since_ms);
	rc = store_sq_rows(s, item_row, &(struct cb_arg){ (void (*)(void))cb, arg });
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_desk_last_check(struct store *st, int64_t peer_id, int human, int64_t *made_ms)
{
	sqlite3_stmt *s = q(st, D_LAST_CHECK);

	*made_ms = 0;
	sqlite3_bind_int64(s, 1, peer_id);
	sqlite3_bind_int(s, 2, human);
	return store_sq_rows(s, int_row, made_ms);
}

/* ---- points of contact ---- */

status
store_contacts_add(struct store *st, const struct store_contacts *c, int *added)
{
	sqlite3_stmt *s = q(st, D_CT_ADD);
	status rc;

	sqlite3_bind_int64(s, 1, c->peer_id);
	sqlite3_bind_int64(s, 2, c->version);
	store_sq_text(s, 3, c->doc);
	sqlite3_bind_int64(s, 4, c->issued_ms);
	store_sq_text(s, 5, c->msg);
	sqlite3_bind_int64(s, 6, c->kept_ms);
	rc = store_sq_run(s);
	if (!rc && added)
		*added = sqlite3_changes(sqlite3_db_handle(s)) > 0;
	return rc;
}

static int
contacts_row(sqlite3_stmt *s, void *arg)
{
	const struct cb_arg *a = arg;
	struct store_contacts c;

	c.peer_id = sqlite3_column_int64(s, 0);
	c.peer = store_sq_col(s, 1);
	c.version = sqlite3_column_int64(s, 2);
	c.doc = store_sq_col(s, 3);
	c.issued_ms = sqlite3_column_int64(s, 4);
	c.msg = store_sq_col(s, 5);
	c.kept_ms = sqlite3_column_int64(s, 6);
	return ((store_contacts_cb)a->cb)(a->arg, &c);
}

status
store_contacts_list(struct store *st, int64_t peer_id, store_contacts_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_CT_LIST);
	status rc;

	sqlite3_bind_int64(s, 1, peer_id);
	rc = store_sq_rows(s, contacts_row, &(struct cb_arg){ (void (*)(void))cb, arg });
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_contacts_last(struct store *st, int64_t peer_id, int64_t *version)
{
	sqlite3_stmt *s = q(st, D_CT_LAST);

	*version = 0;
	sqlite3_bind_int64(s, 1, peer_id);
	return store_sq_rows(s, int_row, version);
}

status
store_contacts_doc(struct store *st, int64_t peer_id, int64_t version, struct buf *out)
{
	sqlite3_stmt *s = q(st, D_CT_DOC);
	struct doc_out d = { out, NULL, ST_OK };
	status rc;

	sqlite3_bind_int64(s, 1, peer_id);
	sqlite3_bind_int64(s, 2, version);
	rc = store_sq_rows(s, doc_row, &d);
	return rc ? rc : d.rc;
}

status
store_contacts_sent(struct store *st, int64_t peer_id, int64_t *version)
{
	sqlite3_stmt *s = q(st, D_CT_SENT);
	status rc;

	*version = 0;
	sqlite3_bind_int64(s, 1, peer_id);
	rc = store_sq_rows(s, int_row, version);
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_contacts_sent_set(struct store *st, int64_t peer_id, int64_t version, const char *msg)
{
	sqlite3_stmt *s = q(st, D_CT_SENT_SET);

	sqlite3_bind_int64(s, 1, peer_id);
	sqlite3_bind_int64(s, 2, version);
	store_sq_text(s, 3, msg);
	return store_sq_run(s);
}

/* ---- events ---- */

status
store_desk_event_add(struct store *st, const struct store_desk_event *ev, int *added)
{
	sqlite3_stmt *s = q(st, D_EV_ADD);
	status rc;

	store_sq_text(s, 1, ev->key);
	store_sq_text(s, 2, ev->event);
	store_sq_text(s, 3, ev->json);
	store_sq_text(s, 4, ev->msg);
	store_sq_text(s, 5, ev->peer);
	store_sq_text(s, 6, ev->priority);
	store_sq_text(s, 7, ev->role);
	store_sq_text(s, 8, ev->officer);
	sqlite3_bind_int64(s, 9, ev->made_ms);
	sqlite3_bind_int64(s, 10, ev->next_ms);
	sqlite3_bind_int64(s, 11, ev->done_ms);
	store_sq_text(s, 12, ev->last_error);
	rc = store_sq_run(s);
	if (!rc && added)
		*added = sqlite3_changes(sqlite3_db_handle(s)) > 0;
	return rc;
}

static int
event_row(sqlite3_stmt *s, void *arg)
{
	const struct cb_arg *a = arg;
	struct store_desk_event e;
	int c = 0;

	e.id = sqlite3_column_int64(s, c++);
	e.key = store_sq_col(s, c++);
	e.event = store_sq_col(s, c++);
	e.json = store_sq_col(s, c++);
	e.msg = store_sq_col(s, c++);
	e.peer = store_sq_col(s, c++);
	e.priority = store_sq_col(s, c++);
	e.role = store_sq_col(s, c++);
	e.officer = store_sq_col(s, c++);
	e.made_ms = sqlite3_column_int64(s, c++);
	e.next_ms = sqlite3_column_int64(s, c++);
	e.tries = sqlite3_column_int64(s, c++);
	e.last_error = store_sq_col(s, c++);
	e.done_ms = sqlite3_column_int64(s, c++);
	return ((store_desk_event_cb)a->cb)(a->arg, &e);
}

status
store_desk_event_due(struct store *st, int64_t now_ms, int limit, store_desk_event_cb cb,
    void *arg)
{
	sqlite3_stmt *s = q(st, D_EV_DUE);
	status rc;

	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int(s, 2, limit);
	rc = store_sq_rows(s, event_row, &(struct cb_arg){ (void (*)(void))cb, arg });
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

static int
next_row(sqlite3_stmt *s, void *arg)
{
	int64_t *next = arg;

	if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		*next = -1;
	else
		*next = sqlite3_column_int64(s, 0);
	return 1;
}

status
store_desk_event_next(struct store *st, int64_t *next_ms)
{
	status rc;

	*next_ms = -1;
	rc = store_sq_rows(q(st, D_EV_NEXT), next_row, next_ms);
	if (!rc && *next_ms < 0)
		rc = ST_NOTFOUND;
	return rc;
}

status
store_desk_event_done(struct store *st, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *s = q(st, D_EV_DONE);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	return store_sq_run(s);
}

status
store_desk_event_retry(struct store *st, int64_t id, int64_t next_ms, const char *why)
{
	sqlite3_stmt *s = q(st, D_EV_RETRY);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, next_ms);
	store_sq_text(s, 3, why);
	return store_sq_run(s);
}

status
store_desk_event_skip_all(struct store *st, int64_t now_ms, const char *why)
{
	sqlite3_stmt *s = q(st, D_EV_SKIP);

	sqlite3_bind_int64(s, 1, now_ms);
	store_sq_text(s, 2, why);
	return store_sq_run(s);
}

status
store_desk_event_list(struct store *st, int limit, store_desk_event_cb cb, void *arg)
{
	sqlite3_stmt *s = q(st, D_EV_LIST);
	status rc;

	sqlite3_bind_int(s, 1, limit);
	rc = store_sq_rows(s, event_row, &(struct cb_arg){ (void (*)(void))cb, arg });
	return rc == ST_NOTFOUND ? ST_OK : rc;
}
