/* store_taxii.c - the TAXII server's users, tokens and status resources
 * in SQLite (store_taxii.h).
 *
 * SECURITY: no password or token is kept, only an Argon2id string and
 * SHA-256 hashes; tokens are handed back whole for the caller to compare
 * in constant time, never looked up by the secret.
 */
#include <string.h>

#include "store/store_taxii.h"
#include "store/store_sqlite_int.h"

/* Version 14: users (name, password hash, grants), their tokens' hashes,
 * and the status resources of posted envelopes. */
const char store_taxii_schema_v14[] =
    "CREATE TABLE taxii_user(name TEXT PRIMARY KEY, pw TEXT NOT NULL,"
    " can_read TEXT NOT NULL, can_write TEXT NOT NULL, added_ms INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE taxii_token(hash BLOB PRIMARY KEY, user TEXT NOT NULL"
    " REFERENCES taxii_user(name), added_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX taxii_token_user ON taxii_token(user);"
    "CREATE TABLE taxii_status(id TEXT PRIMARY KEY, user TEXT NOT NULL,"
    " collection TEXT NOT NULL, peer_id INTEGER NOT NULL, made_ms INTEGER NOT NULL,"
    " json TEXT NOT NULL) WITHOUT ROWID;";

enum {
	X_U_ADD = STORE_SQ_TAXII, X_U_GET, X_U_LIST, X_U_DEL, X_T_DEL, X_T_ADD, X_T_LIST,
	X_S_PUT, X_S_GET, X__END
};
_Static_assert(X__END <= STORE_SQ_SLOTS, "store_taxii.c has more queries than the"
    " handle's slots (store_sqlite_int.h)");

static const char *const xsql[] = {
	[X_U_ADD - STORE_SQ_TAXII] = "INSERT INTO taxii_user(name, pw, can_read, can_write,"
	    " added_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
	[X_U_GET - STORE_SQ_TAXII] = "SELECT name, pw, can_read, can_write, added_ms"
	    " FROM taxii_user WHERE name = ?1",
	[X_U_LIST - STORE_SQ_TAXII] = "SELECT name, pw, can_read, can_write, added_ms"
	    " FROM taxii_user ORDER BY name",
	[X_U_DEL - STORE_SQ_TAXII] = "DELETE FROM taxii_user WHERE name = ?1",
	[X_T_DEL - STORE_SQ_TAXII] = "DELETE FROM taxii_token WHERE user = ?1",
	[X_T_ADD - STORE_SQ_TAXII] = "INSERT INTO taxii_token(hash, user, added_ms)"
	    " VALUES (?1, ?2, ?3)",
	[X_T_LIST - STORE_SQ_TAXII] = "SELECT hash, user FROM taxii_token",
	[X_S_PUT - STORE_SQ_TAXII] = "INSERT OR REPLACE INTO taxii_status(id, user,"
	    " collection, peer_id, made_ms, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[X_S_GET - STORE_SQ_TAXII] = "SELECT id, user, collection, peer_id, made_ms, json"
	    " FROM taxii_status WHERE id = ?1",
};

static sqlite3_stmt *
q_(struct store *st, int k)
{
	return store_sq_stmt(st, k, xsql[k - STORE_SQ_TAXII]);
}

static int
short_ok(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) <= max;
}

status
store_taxii_user_add(struct store *st, const struct store_taxii_user *u)
{
	sqlite3_stmt *s = q_(st, X_U_ADD);

	if (!short_ok(u->name, STORE_TAXII_NAME_MAX) || !u->name[0] || !short_ok(u->pw, 256) ||
	    !short_ok(u->read, STORE_TAXII_GRANTS_MAX) ||
	    !short_ok(u->write, STORE_TAXII_GRANTS_MAX))
		return ST_INVALID;
	store_sq_text(s, 1, u->name);
	store_sq_text(s, 2, u->pw);
	store_sq_text(s, 3, u->read);
	store_sq_text(s, 4, u->write);
	sqlite3_bind_int64(s, 5, u->added_ms);
	return store_sq_run(s);	/* the name taken: ST_EXISTS */
}

struct user_arg {
	store_taxii_user_cb cb;
	void *arg;
};

static int
user_row(sqlite3_stmt *s, void *arg)
{
	const struct user_arg *a = arg;
	struct store_taxii_user u = { store_sq_col(s, 0), store_sq_col(s, 1),
		store_sq_col(s, 2), store_sq_col(s, 3), sqlite3_column_int64(s, 4) };

	return a->cb(a->arg, &u);
}

status
store_taxii_user_get(struct store *st, const char *name, store_taxii_user_cb cb, void *arg)
{
	struct user_arg a = { cb, arg };
	sqlite3_stmt *s = q_(st, X_U_GET);

	store_sq_text(s, 1, name);
	return store_sq_rows(s, user_row, &a);
}

status
store_taxii_user_list(struct store *st, store_taxii_user_cb cb, void *arg)
{
	struct user_arg a = { cb, arg };
	status rc = store_sq_rows(q_(st, X_U_LIST), user_row, &a);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

status
store_taxii_user_remove(struct store *st, const char *name)
{
	return store_sq_remove_named(st, q_(st, X_T_DEL), q_(st, X_U_DEL), name);
}

status
store_taxii_token_add(struct store *st, const char *name,
    const uint8_t hash[static STORE_TAXII_HASH], int64_t now_ms)
{
	sqlite3_stmt *s = q_(st, X_T_ADD);

	sqlite3_bind_blob(s, 1, hash, STORE_TAXII_HASH, SQLITE_STATIC);
	store_sq_text(s, 2, name);
	sqlite3_bind_int64(s, 3, now_ms);
	return store_sq_run(s);
}

status
store_taxii_tokens(struct store *st, store_taxii_token_cb cb, void *arg)
{
	return store_sq_hashes(q_(st, X_T_LIST), STORE_TAXII_HASH, cb, arg);
}

status
store_taxii_status_put(struct store *st, const struct store_taxii_status *x)
{
	sqlite3_stmt *s = q_(st, X_S_PUT);

	store_sq_text(s, 1, x->id);
	store_sq_text(s, 2, x->user);
	store_sq_text(s, 3, x->collection);
	sqlite3_bind_int64(s, 4, x->peer_id);
	sqlite3_bind_int64(s, 5, x->made_ms);
	store_sq_text(s, 6, x->json);
	return store_sq_run(s);
}

struct status_arg {
	store_taxii_status_cb cb;
	void *arg;
};

static int
status_row(sqlite3_stmt *s, void *arg)
{
	const struct status_arg *a = arg;
	struct store_taxii_status x = { store_sq_col(s, 0), store_sq_col(s, 1),
		store_sq_col(s, 2), sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
		store_sq_col(s, 5) };

	return a->cb(a->arg, &x);
}

status
store_taxii_status_get(struct store *st, const char *id, store_taxii_status_cb cb, void *arg)
{
	struct status_arg a = { cb, arg };
	sqlite3_stmt *s = q_(st, X_S_GET);

	store_sq_text(s, 1, id);
	return store_sq_rows(s, status_row, &a);
}
