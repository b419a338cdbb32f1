/* store_sqlite_int.h - what the files of the SQLite backend share; not for
 * callers of store.h.  store_sqlite.c holds the handle, transactions and
 * the migrations; a domain file (store_desk.c) keeps its own queries in a
 * range of the handle's extra statement slots and uses these helpers.
 */
#ifndef PARLEY_STORE_SQLITE_INT_H
#define PARLEY_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/buf.h"

#define STORE_SQ_SLOTS 192	/* extra prepared statements a handle holds */
#define STORE_SQ_DESK 0		/* store_desk.c's first slot */
#define STORE_SQ_INTEL 32	/* store_intel.c's first slot */
#define STORE_SQ_SHARE 80	/* store_intel.c's sharing queries' first slot */
#define STORE_SQ_TAXII 112	/* store_taxii.c's first slot */
#define STORE_SQ_ADVISORY 128	/* store_advisory.c's first slot */
#define STORE_SQ_CSAFPUB 160	/* store_csafpub.c's first slot */

/* store_sq_stmt - the prepared statement in slot k, 0 <= k < STORE_SQ_SLOTS
 * (a domain file's constant; it asserts so statically), sql prepared there
 * the first time (the same static text at every call), reset and unbound.
 * Panics when it cannot be prepared (the schema is ours). */
sqlite3_stmt *store_sq_stmt(struct store *st, int k, const char *sql);
/* store_sq_scratch - st's buffer for a domain file's bytes within one call
 * (an object's text before it is bound): emptied here, its storage kept
 * from call to call so that a row at a time allocates nothing.  No
 * maximum of its own: the caller checks what it writes.  Owned by st. */
struct buf *store_sq_scratch(struct store *st);
/* store_sq_run - step a statement that returns no rows. */
status store_sq_run(sqlite3_stmt *s) WUR;
/* store_sq_rows - step s, calling fn for each row until it returns
 * non-zero; ST_OK after one row or more, ST_NOTFOUND after none, else the
 * failure (recorded for store_errmsg). */
status store_sq_rows(sqlite3_stmt *s, int (*fn)(sqlite3_stmt *s, void *arg), void *arg) WUR;
/* store_sq_text - bind v (NULL: "") at i, static: v outlives the step. */
void store_sq_text(sqlite3_stmt *s, int i, const char *v);
/* store_sq_col - column i as text, "" for NULL. */
const char *store_sq_col(sqlite3_stmt *s, int i);
/* store_sq_remove_named - in one transaction: first, then last, each with
 * name bound at 1 (e.g. a user's tokens, then the user); ST_NOTFOUND, and
 * nothing removed, when last removes no row. */
status store_sq_remove_named(struct store *st, sqlite3_stmt *first, sqlite3_stmt *last,
    const char *name) WUR;
/* store_sq_hashes - step s, whose rows are (hash BLOB, owner TEXT), calling
 * cb for each hash of len bytes (others match nothing) until it returns
 * non-zero; ST_OK when there are none. */
typedef int (*store_sq_hash_cb)(void *arg, const uint8_t *hash, const char *owner);
status store_sq_hashes(sqlite3_stmt *s, size_t len, store_sq_hash_cb cb, void *arg) WUR;

/* The watch desk's schema steps (store_desk.c). */
extern const char store_desk_schema_v9[];
extern const char store_desk_schema_v10[];
extern const char store_desk_schema_v11[];
/* The STIX objects' (store_intel.c). */
extern const char store_intel_schema_v12[];
extern const char store_intel_schema_v13[];
/* The TAXII server's (store_taxii.c). */
extern const char store_taxii_schema_v14[];
/* The CSAF advisories' (store_advisory.c). */
extern const char store_advisory_schema_v15[];
/* The CSAF provider's (store_csafpub.c). */
extern const char store_csafpub_schema_v16[];

#endif
