/* store_msg.h - the store's messages: per-link sequence numbers, the
 * outbox (with receipts and backlog), the inbox (the rules for rows and
 * callbacks are in store.h). */
#ifndef PARLEY_STORE_MSG_H
#define PARLEY_STORE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

struct store;
struct receipt;	/* fmt/envelope.h */

/* STORE_FAILED: given up here, not refused by the peer - its pin was
 * removed or its key replaced (store_peer_retire; the error says which). */
enum store_state {
	STORE_QUEUED = 0, STORE_DELIVERED = 1, STORE_REJECTED = 2, STORE_FAILED = 3
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
	const struct buf *pack;	/* to store_out_add: jws as jws_sign_kept packed it, or NULL */
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
	/* its fields, when the caller has them (it just sealed the receipt),
	 * so the store need not parse it again; may be NULL */
	const struct receipt *receipt_fields;
	/* to store_in_add: jws as jws_verify_pack packed it, or NULL (or
	 * empty): the store packs it itself */
	const struct buf *pack;
};

typedef int (*store_out_cb)(void *arg, const struct store_out *m);
typedef int (*store_in_cb)(void *arg, const struct store_in *m);

/* store_send_seq - reserve the next outbound sequence number on a link
 * (1, 2, ...).  Call inside the transaction that adds the message: there
 * the counter is kept in memory after its first use and written by
 * store_commit (a rollback takes the numbers back). */
status store_send_seq(struct store *st, int64_t peer_id, const char *link,
    int64_t *seq) WUR;
/* store_send_advance - seq on a link is taken (a message recovered from
 * the peer's copy): the next reserved is past it. */
status store_send_advance(struct store *st, int64_t peer_id, const char *link,
    int64_t seq) WUR;
/* store_recv_advance - seq on a link counts as received (a loss accepted:
 * the peer delivered it, this store lost it): the next expected is past it. */
status store_recv_advance(struct store *st, int64_t peer_id, const char *link,
    int64_t seq) WUR;
/* store_recv_next - the next inbound sequence number expected on a link. */
status store_recv_next(struct store *st, int64_t peer_id, const char *link,
    int64_t *seq) WUR;

/* Outbox.  store_out_add also appends the message to the log (store_log.h). */
status store_out_add(struct store *st, const struct store_out *m) WUR;
/* store_out_pending - queued messages to a peer on one link with seq > after,
 * in seq order, at most max_n of them and max_bytes of JWS (but always at
 * least one). */
status store_out_pending(struct store *st, int64_t peer_id, const char *link,
    int64_t after, size_t max_n, size_t max_bytes, store_out_cb cb, void *arg) WUR;
/* store_out_seqs - the sequence numbers of the messages store_out_pending
 * would give without its byte limit (queued to a peer on one link, seq >
 * after, in order, at most max_n), into seq[0..*n), without reading them. */
status store_out_seqs(struct store *st, int64_t peer_id, const char *link, int64_t after,
    size_t max_n, int64_t *seq, size_t *n) WUR;
/* store_out_delivered - record the receipt; the message becomes delivered.
 * fields (may be NULL) are the receipt's, when the caller opened it and
 * checked that its msg_sha256 is the hash of the message's JWS as this
 * store gave it (store_out_pending): the store then neither parses the
 * receipt again nor reads and hashes the message to keep it compactly. */
status store_out_delivered(struct store *st, const char *id, const char *receipt,
    const struct receipt *fields, int64_t delivered_ms) WUR;
/* store_out_delivered_at - store_out_delivered of message id queued to
 * peer_id at the link and seq of fields (required): found by its place in
 * the queue, the cheaper lookup; ST_NOTFOUND when id is not there. */
status store_out_delivered_at(struct store *st, int64_t peer_id, const char *id,
    const char *receipt, const struct receipt *fields, int64_t delivered_ms) WUR;
/* store_out_rejected - the peer refused the message for good. */
status store_out_rejected(struct store *st, const char *id, const char *reason) WUR;
/* store_out_failed - count a failed attempt for queued messages to a peer on
 * a link with seq in [lo, hi]. */
status store_out_failed(struct store *st, int64_t peer_id, const char *link,
    int64_t lo, int64_t hi, const char *error) WUR;
/* store_out_get - the message sent with id; ST_NOTFOUND if none. */
status store_out_get(struct store *st, const char *id, store_out_cb cb, void *arg) WUR;
/* store_out_at - the message sent to a peer at (link, seq); ST_NOTFOUND if none. */
status store_out_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_out_cb cb, void *arg) WUR;
/* store_out_list - the newest limit messages (0: all), oldest first. */
status store_out_list(struct store *st, size_t limit, store_out_cb cb, void *arg) WUR;
/* store_out_backlog - how many messages are queued to a peer on a link. */
status store_out_backlog(struct store *st, int64_t peer_id, const char *link,
    int64_t *n) WUR;

/* Inbox.  store_in_add also appends an accepted message's receipt to the
 * log (store_log.h) and advances the link's expected sequence number
 * past m->seq (whether m was accepted or refused); inside a transaction
 * that number is written by store_commit, or before store_recv_next
 * reads it. */
status store_in_add(struct store *st, const struct store_in *m) WUR;
/* store_in_at - the message received from a peer at (link, seq). */
status store_in_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_in_cb cb, void *arg) WUR;
/* store_in_get - a message received with id (an accepted one before a
 * refused one); ST_NOTFOUND if none. */
status store_in_get(struct store *st, const char *id, store_in_cb cb, void *arg) WUR;
/* store_links_of - every link with a sequence number used (sent or
 * received) with peer_id, or with any peer when peer_id is 0, by name. */
typedef int (*store_link_cb)(void *arg, const char *link);
status store_links_of(struct store *st, int64_t peer_id, store_link_cb cb, void *arg) WUR;
/* store_in_breaches - the messages refused as breaches of an agreement
 * (status 451), each kept whole as signed evidence, oldest first. */
status store_in_breaches(struct store *st, store_in_cb cb, void *arg) WUR;
/* store_in_list - the newest limit accepted messages (0: all), oldest first. */
status store_in_list(struct store *st, size_t limit, store_in_cb cb, void *arg) WUR;

/* What this node holds of one link with a peer: the last sequence number
 * it signed (sent), the last it received (accepted or refused), and the
 * last of its messages the peer has receipted (delivered); 0 for none. */
struct store_marks {
	int64_t sent, received, delivered;
};
/* store_link_marks - the marks of (peer_id, link). */
status store_link_marks(struct store *st, int64_t peer_id, const char *link,
    struct store_marks *m) WUR;

/* Halts: a peer holds history of this node that this store lacks (it was
 * restored from an older copy), so the node must sign nothing new until it
 * recovers; what says what is missing.  One active halt per peer. */
struct store_halt {
	int64_t peer_id;
	const char *peer;	/* peer name (joined) */
	const char *what;
	int64_t at_ms;
};
typedef int (*store_halt_cb)(void *arg, const struct store_halt *h);
/* store_halt_set - record peer_id's halt, or replace the text of its
 * active one (at_ms kept). */
status store_halt_set(struct store *st, int64_t peer_id, const char *what, int64_t ms) WUR;
/* store_halt_clear - peer_id's active halt ends at ms (none: no-op). */
status store_halt_clear(struct store *st, int64_t peer_id, int64_t ms) WUR;
/* store_halt_list - the active halts, oldest first (ST_OK if none). */
status store_halt_list(struct store *st, store_halt_cb cb, void *arg) WUR;

/* Losses: the operator accepted that history a peer holds is lost (parley
 * log accept-loss); note is the signed statement the peer is told (the
 * log's checkpoint with a "parley-loss" line), what the halt it ended. */
status store_loss_add(struct store *st, int64_t peer_id, const char *note, const char *what,
    int64_t ms) WUR;
/* store_loss_pending - append to note the newest loss statement peer_id has
 * not acknowledged; ST_NOTFOUND when none. */
status store_loss_pending(struct store *st, int64_t peer_id, struct buf *note) WUR;
/* store_loss_ack - peer_id acknowledged every loss statement sent to it. */
status store_loss_ack(struct store *st, int64_t peer_id, int64_t ms) WUR;

#endif
