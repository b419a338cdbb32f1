/* store_log.h - the store's Merkle log and what is signed over it: this
 * node's checkpoints and the cosignatures on them, the peers' checkpoints
 * this node witnessed, forks (the rules for rows and callbacks are in
 * store.h). */
#ifndef PARLEY_STORE_LOG_H
#define PARLEY_STORE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/tlog.h"
#include "util/status.h"

struct store;

/* The node's Merkle log (tlog.h): one leaf per statement the node signed,
 * appended by store_out_add (the message), store_in_add (the receipt of
 * an accepted message) and store_stmt_add (an act on an agreement) in the
 * caller's transaction.  Leaf data is the statement's exact JWS; node
 * hashes are stored, so proofs read O(log n). */
enum store_entry_kind {
	STORE_ENTRY_MESSAGE = 1, STORE_ENTRY_RECEIPT = 2, STORE_ENTRY_ACT = 3
};

struct store_entry {
	uint64_t index;
	int kind;		/* enum store_entry_kind */
	const char *msg_id;	/* the message the statement is, or acknowledges; for
				 * an act, the agreement it is on */
	const char *peer;	/* the other party's name ("" for an act) */
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
/* store_stmt_add - keep jws[0..n), an act of kind ("sign", "decline",
 * "terminate") this node signed at at_ms on agreement subject, and append
 * it to the log, in the caller's transaction; store_log_find finds it by
 * the hex SHA-256 of jws (its id as evidence names it).  ST_EXISTS when
 * that very statement is kept already (nothing appended). */
status store_stmt_add(struct store *st, const char *kind, const char *subject,
    const char *jws, size_t n, int64_t at_ms) WUR;
/* store_log_size - the number of leaves (in this transaction, if open). */
uint64_t store_log_size(const struct store *st);
/* store_log_node - a tlog_get_fn over the store (arg is the store). */
status store_log_node(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH]) WUR;
/* store_log_entries - entries with index >= from, in index order. */
status store_log_entries(struct store *st, uint64_t from, store_entry_cb cb, void *arg) WUR;
/* store_log_find - the entry for message id: the message itself when this
 * node sent it, the receipt when it received it; or, id the hex SHA-256 of
 * an act of this node's (store_stmt_add), that act.  ST_NOTFOUND if none. */
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

/* store_ckpt_add - a checkpoint this node signed; ST_EXISTS when one of
 * that size is stored. */
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
/* store_witness_put - record the note we cosigned for peer_id, replacing
 * the one before. */
status store_witness_put(struct store *st, int64_t peer_id, uint64_t size, const char *note,
    int64_t ms) WUR;

/* Forks: two statements signed by one peer that cannot both be true.
 *   kind "checkpoint": two checkpoints of its log, inconsistent (held: the
 *     one we cosigned; presented: the other);
 *   kind "message": two different messages for one (link, seq) (held: the
 *     one we accepted first; presented: the other);
 *   kind "receipt": two different receipts for one message of ours (held:
 *     the one we stored; presented: the other).
 * subject names what the two statements are about ("LINK SEQ" for a
 * message, the message id for a receipt, "" for a checkpoint); a peer has
 * at most one fork of a kind per non-empty subject. */
#define STORE_FORK_CHECKPOINT "checkpoint"
#define STORE_FORK_MESSAGE "message"
#define STORE_FORK_RECEIPT "receipt"
/* kind "loss": not an equivocation found but one declared: the peer's
 * operator accepted that its history beyond a point is lost (held: its
 * checkpoint we cosigned last; presented: its signed loss statement). */
#define STORE_FORK_LOSS "loss"
struct store_fork {
	int64_t id;		/* set by the store (ignored by store_fork_add) */
	int64_t peer_id;
	const char *peer;	/* peer name (joined; ignored by store_fork_add) */
	const char *kind;	/* STORE_FORK_* */
	const char *subject;
	const char *held;
	const char *presented;
	const char *reason;
	int64_t at_ms;
};
typedef int (*store_fork_cb)(void *arg, const struct store_fork *f);

/* store_fork_add - record a fork.  ST_EXISTS when the peer already has a
 * fork of that kind on that (non-empty) subject: nothing is added. */
status store_fork_add(struct store *st, const struct store_fork *f) WUR;
/* store_fork_list - every fork recorded, oldest first (ST_OK if none). */
status store_fork_list(struct store *st, store_fork_cb cb, void *arg) WUR;
/* store_fork_get - the fork numbered id (as listed); ST_NOTFOUND if none. */
status store_fork_get(struct store *st, int64_t id, store_fork_cb cb, void *arg) WUR;

#endif
