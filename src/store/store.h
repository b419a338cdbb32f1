/* store.h - parley's durable state, behind one interface.
 *
 * store_sqlite.c implements it now (WAL, synchronous=FULL: a commit returns
 * only after fsync); store_pg.c may later.  Everything a node acknowledges -
 * a "queued" answer, a receipt - is answered only after store_commit.
 *
 * This header holds the store handle: opening, transactions, errors, the
 * schema version.  What the store keeps is declared by domain, in headers
 * this one includes so that a caller needs only store.h:
 *
 *   store_peer.h  pinned peers
 *   store_msg.h   outbox, inbox, receipts, per-link sequence numbers
 *   store_log.h   the Merkle log, checkpoints, cosignatures, witnessing, forks
 *   store_agree.h agreements, as signed documents
 *   store_desk.h  the watch desk: officers, items and their steps, events
 *   store_intel.h STIX objects, every version of each
 *   store_taxii.h the TAXII server's users, tokens, status resources
 *   store_csafpub.h   the CSAF provider's publications and users
 *
 * Rows are handed to callbacks; their pointers are valid only during the
 * callback.  A callback returns 0 to go on, non-zero to stop.
 */
#ifndef PARLEY_STORE_H
#define PARLEY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#include "store/store_agree.h"
#include "store/store_csafpub.h"
#include "store/store_desk.h"
#include "store/store_intel.h"
#include "store/store_log.h"
#include "store/store_taxii.h"
#include "store/store_msg.h"
#include "store/store_peer.h"

struct store;

/* store_open - open (create when create != 0) the store at path.  A store
 * of an older schema version is upgraded in place, in one transaction; one
 * of a newer version, or a database that is not a parley store, is refused
 * (ST_DB, with a message).  ST_NOTFOUND if it does not exist and create is 0. */
status store_open(const char *path, int create, struct store **out) WUR;
/* store_close - NULL is a no-op; rolls back an open transaction. */
void store_close(struct store *st);
/* store_errmsg - the backend's own words for the last failure, for
 * diagnostics: within a transaction the first failure's (a rollback does
 * not replace it).  Never NULL; owned by st. */
const char *store_errmsg(const struct store *st);
/* store_damaged - NULL, or the backend's words for the first corruption
 * st has met (ST_CORRUPT from any call, or store_check): sticky until the
 * store is closed.  Owned by st.  A damaged store is read, never trusted
 * with new messages (README, Faults). */
const char *store_damaged(const struct store *st);

/* store_check_fn - progress of a long store_check: ms since it began. */
typedef void (*store_check_fn)(void *arg, int64_t elapsed_ms);
/* store_check - the backend's own integrity check (SQLite: PRAGMA
 * quick_check): every page and b-tree, not the index contents.  Stops after
 * max_ms (0: no limit) with ST_TIMEOUT; calls progress (may be NULL) about
 * once a second.  ST_CORRUPT when the store is damaged (and store_damaged
 * says so from then on); msg[0..cap) gets the backend's words for what
 * it found, or why it stopped. */
status store_check(struct store *st, int max_ms, store_check_fn progress, void *arg,
    char *msg, size_t cap) WUR;
/* store_schema_version - the schema version store_open creates and
 * upgrades to (SQLite: PRAGMA user_version). */
int store_schema_version(void);

/* Transactions: one writer at a time; commit returns after fsync. */
status store_begin(struct store *st) WUR;
status store_commit(struct store *st) WUR;
void store_rollback(struct store *st);

/* A bearer token's owner found among every hash a store holds (the TAXII
 * server's and the CSAF provider's): want is the SHA-256 of the token;
 * store_token_match, as the callback of store_taxii_tokens or
 * store_csafpub_tokens, compares it with every hash in constant time and
 * sets owner ("" when none matched). */
#define STORE_TOKEN_HASH 32
#define STORE_TOKEN_OWNER_MAX 63
struct store_token_match {
	uint8_t want[STORE_TOKEN_HASH];
	char owner[STORE_TOKEN_OWNER_MAX + 1];
};
int store_token_match(void *arg, const uint8_t *hash, const char *owner);

#endif
