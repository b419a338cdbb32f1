/* store.h - parley's durable state, behind one interface.
 *
 * store_sqlite.c implements it now (WAL, synchronous=FULL: a commit returns
 * only after fsync); store_pg.c may later.  Everything a node acknowledges -
 * a "queued" answer, a receipt - is answered only after store_commit.
 *
 * Rows are handed to callbacks; their pointers are valid only during the
 * callback.  A callback returns 0 to go on, non-zero to stop.
 */
#ifndef PARLEY_STORE_H
#define PARLEY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ident.h"
#include "util/status.h"
#include "fmt/tlog.h"

struct store;

enum store_state { STORE_QUEUED = 0, STORE_DELIVERED = 1, STORE_REJECTED = 2 };

struct store_peer {
	int64_t id;
	const char *name;
	uint8_t pk[IDENT_PK_LEN];
	const char *kid;
	const char *endpoint;	/* https://host:port */
	const char *links;	/* comma-separated link classes agreed */
	const char *card;	/* the card as pinned */
	int64_t added_ms;
};

struct store_out {
	const char *id;
	int64_t peer_id;
	const char *peer;	/* peer name (joined) */
	const char *link;
	int64_t seq;
	const char *type, *priority, *subject;
	const char *jws;
	size_t jws_len;
	int state;		/* enum store_state */
	int64_t created_ms, delivered_ms;	/* delivered_ms 0 until delivered */
	int64_t attempts;
	const char *last_error;	/* "" when none */
	const char *receipt;	/* receipt JWS, "" until delivered */
};

struct store_in {
	const char *id;
	int64_t peer_id;
	const char *peer;	/* peer name (joined) */
	const char *link;
	int64_t seq;
	const char *type, *priority, *subject;
	const char *jws;	/* "" for a refused message */
	size_t jws_len;
	const char *hash;	/* hex SHA-256 of the message JWS */
	int status;		/* 200 accepted; else the HTTP status it was refused with */
	const char *reason;	/* "" when accepted */
	int64_t received_ms;
	const char *receipt;	/* receipt JWS; "" for a refused message */
	size_t receipt_len;
};

typedef int (*store_peer_cb)(void *arg, const struct store_peer *p);
typedef int (*store_out_cb)(void *arg, const struct store_out *m);
typedef int (*store_in_cb)(void *arg, const struct store_in *m);

/* store_open - open (create when create != 0) the store at path.
 * ST_NOTFOUND if it does not exist and create is 0. */
status store_open(const char *path, int create, struct store **out) WUR;
/* store_close - NULL is a no-op; rolls back an open transaction. */
void store_close(struct store *st);
/* store_errmsg - the backend's last error text, for diagnostics. */
const char *store_errmsg(const struct store *st);

/* Transactions: one writer at a time; commit returns after fsync. */
status store_begin(struct store *st) WUR;
status store_commit(struct store *st) WUR;
void store_rollback(struct store *st);

/* Peers. store_peer_add: ST_EXISTS when the name or key is already pinned. */
status store_peer_add(struct store *st, const struct store_peer *p, int64_t *id) WUR;
status store_peer_list(struct store *st, store_peer_cb cb, void *arg) WUR;
/* store_peer_find - by name (key == NULL) or by key (name == NULL). */
status store_peer_find(struct store *st, const char *name,
    const uint8_t *key, store_peer_cb cb, void *arg) WUR;

/* store_send_seq - reserve the next outbound sequence number on a link
 * (1, 2, ...).  Call inside the transaction that adds the message. */
status store_send_seq(struct store *st, int64_t peer_id, const char *link,
    int64_t *seq) WUR;
/* store_recv_next - the next inbound sequence number expected on a link. */
status store_recv_next(struct store *st, int64_t peer_id, const char *link,
    int64_t *seq) WUR;

/* Outbox.  store_out_add also appends the message to the log (see below). */
status store_out_add(struct store *st, const struct store_out *m) WUR;
/* store_out_pending - queued messages to a peer on one link with seq > after,
 * in seq order, at most max_n of them and max_bytes of JWS (but always at
 * least one). */
status store_out_pending(struct store *st, int64_t peer_id, const char *link,
    int64_t after, size_t max_n, size_t max_bytes, store_out_cb cb, void *arg) WUR;
/* store_out_delivered - record the receipt; the message becomes delivered. */
status store_out_delivered(struct store *st, const char *id, const char *receipt,
    int64_t delivered_ms) WUR;
/* store_out_rejected - the peer refused the message for good. */
status store_out_rejected(struct store *st, const char *id, const char *reason) WUR;
/* store_out_failed - count a failed attempt for queued messages to a peer on
 * a link with seq in [lo, hi]. */
status store_out_failed(struct store *st, int64_t peer_id, const char *link,
    int64_t lo, int64_t hi, const char *error) WUR;
status store_out_get(struct store *st, const char *id, store_out_cb cb, void *arg) WUR;
/* store_out_list - the newest limit messages (0: all), oldest first. */
status store_out_list(struct store *st, size_t limit, store_out_cb cb, void *arg) WUR;
/* store_out_backlog - how many messages are queued to a peer on a link. */
status store_out_backlog(struct store *st, int64_t peer_id, const char *link,
    int64_t *n) WUR;

/* Inbox.  store_in_add also appends an accepted message's receipt to the
 * log (see below) and advances the link's expected sequence number
 * past m->seq (whether m was accepted or refused). */
status store_in_add(struct store *st, const struct store_in *m) WUR;
/* store_in_at - the message received from a peer at (link, seq). */
status store_in_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_in_cb cb, void *arg) WUR;
status store_in_get(struct store *st, const char *id, store_in_cb cb, void *arg) WUR;
/* store_in_list - the newest limit accepted messages (0: all), oldest first. */
status store_in_list(struct store *st, size_t limit, store_in_cb cb, void *arg) WUR;

/* The node's Merkle log (tlog.h): one leaf per statement the node signed,
 * appended by store_out_add (the message) and store_in_add (the receipt of
 * an accepted message) in the caller's transaction.  Leaf data is the
 * statement's exact JWS; node hashes are stored, so proofs read O(log n). */
enum store_entry_kind { STORE_ENTRY_MESSAGE = 1, STORE_ENTRY_RECEIPT = 2 };

struct store_entry {
	uint64_t index;
	int kind;		/* enum store_entry_kind */
	const char *msg_id;	/* the message the statement is, or acknowledges */
	const char *peer;	/* the other party's name */
	const char *jws;	/* the statement: leaf data */
	size_t jws_len;
	const char *msg_jws;	/* receipts: the message acknowledged, as stored */
	size_t msg_jws_len;
	const char *msg_hash;	/* receipts: the hex SHA-256 stored with it */
};
typedef int (*store_entry_cb)(void *arg, const struct store_entry *e);

/* store_log_append - append data (a statement's exact bytes) as the log's
 * next leaf, entry (kind, rid), in the caller's transaction; the row rid
 * stands for must be stored in the same transaction.  store_out_add and
 * store_in_add call it; the log benchmark calls it alone, to measure what
 * the log itself costs. */
status store_log_append(struct store *st, int kind, int64_t rid, const char *data,
    size_t n) WUR;
/* store_log_size - the number of leaves (in this transaction, if open). */
uint64_t store_log_size(const struct store *st);
/* store_log_node - a tlog_get_fn over the store (arg is the store). */
status store_log_node(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH]) WUR;
/* store_log_entries - entries with index >= from, in index order. */
status store_log_entries(struct store *st, uint64_t from, store_entry_cb cb, void *arg) WUR;
/* store_log_find - the entry for message id: the message itself when this
 * node sent it, the receipt when it received it.  ST_NOTFOUND if neither. */
status store_log_find(struct store *st, const char *id, store_entry_cb cb, void *arg) WUR;

/* Checkpoints this node signed (note: the signed note, one signature). */
struct store_ckpt {
	uint64_t size;
	const char *note;
	int64_t signed_ms;
};
typedef int (*store_ckpt_cb)(void *arg, const struct store_ckpt *c);
/* A peer's cosignature on our checkpoint of size (line ends in "\n"). */
struct store_cosig {
	uint64_t size;
	int64_t peer_id;
	const char *line;
};
typedef int (*store_cosig_cb)(void *arg, const struct store_cosig *c);

status store_ckpt_add(struct store *st, uint64_t size, const char *note, int64_t ms) WUR;
/* store_ckpt_get - the checkpoint of a size; size UINT64_MAX: the latest.
 * ST_NOTFOUND when there is none. */
status store_ckpt_get(struct store *st, uint64_t size, store_ckpt_cb cb, void *arg) WUR;
/* store_ckpt_each - every checkpoint, smallest size first (ST_OK if none). */
status store_ckpt_each(struct store *st, store_ckpt_cb cb, void *arg) WUR;
/* store_cosig_add - a peer's cosignature line (with "\n") on our checkpoint
 * of size; replaces that peer's earlier line for the same size. */
status store_cosig_add(struct store *st, uint64_t size, int64_t peer_id, const char *line,
    uint64_t t) WUR;
/* store_cosig_lines - every cosignature on our checkpoint of size, by
 * peer id (ST_OK if none). */
status store_cosig_lines(struct store *st, uint64_t size, store_cosig_cb cb, void *arg) WUR;
/* store_cosig_latest - the largest of our sizes peer_id cosigned (0: none). */
status store_cosig_latest(struct store *st, int64_t peer_id, uint64_t *size) WUR;

/* Witnessing: the latest checkpoint of a peer's log this node cosigned (the
 * peer's note with our cosignature appended). */
struct store_witness {
	int64_t peer_id;
	uint64_t size;
	const char *note;
	int64_t at_ms;
};
typedef int (*store_witness_cb)(void *arg, const struct store_witness *w);

/* store_witness_get - ST_NOTFOUND when we never cosigned for that peer. */
status store_witness_get(struct store *st, int64_t peer_id, store_witness_cb cb, void *arg) WUR;
status store_witness_put(struct store *st, int64_t peer_id, uint64_t size, const char *note,
    int64_t ms) WUR;

/* Forks: two signed checkpoints of a peer's log that cannot both be true. */
struct store_fork {
	int64_t peer_id;
	const char *peer;
	const char *cosigned;	/* the note we cosigned */
	const char *presented;	/* the inconsistent note the peer presented */
	const char *reason;
	int64_t at_ms;
};
typedef int (*store_fork_cb)(void *arg, const struct store_fork *f);

status store_fork_add(struct store *st, const struct store_fork *f) WUR;
status store_fork_list(struct store *st, store_fork_cb cb, void *arg) WUR;

#endif
