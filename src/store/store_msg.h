/* store_msg.h - the store's messages: per-link sequence numbers, the
 * outbox (with receipts and backlog), the inbox (the rules for rows and
 * callbacks are in store.h). */
#ifndef PARLEY_STORE_MSG_H
#define PARLEY_STORE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct receipt;	/* fmt/envelope.h */

enum store_state { STORE_QUEUED = 0, STORE_DELIVERED = 1, STORE_REJECTED = 2 };

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
	/* its fields, when the caller has them (it just sealed the receipt),
	 * so the store need not parse it again; may be NULL */
	const struct receipt *receipt_fields;
};

typedef int (*store_out_cb)(void *arg, const struct store_out *m);
typedef int (*store_in_cb)(void *arg, const struct store_in *m);

/* store_send_seq - reserve the next outbound sequence number on a link
 * (1, 2, ...).  Call inside the transaction that adds the message: there
 * the counter is kept in memory after its first use and written by
 * store_commit (a rollback takes the numbers back). */
status store_send_seq(struct store *st, int64_t peer_id, const char *link,
    int64_t *seq) WUR;
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
/* store_out_delivered - record the receipt; the message becomes delivered.
 * fields (may be NULL) are the receipt's, when the caller opened it and
 * checked that its msg_sha256 is the hash of the message's JWS as this
 * store gave it (store_out_pending): the store then neither parses the
 * receipt again nor reads and hashes the message to keep it compactly. */
status store_out_delivered(struct store *st, const char *id, const char *receipt,
    const struct receipt *fields, int64_t delivered_ms) WUR;
/* store_out_rejected - the peer refused the message for good. */
status store_out_rejected(struct store *st, const char *id, const char *reason) WUR;
/* store_out_failed - count a failed attempt for queued messages to a peer on
 * a link with seq in [lo, hi]. */
status store_out_failed(struct store *st, int64_t peer_id, const char *link,
    int64_t lo, int64_t hi, const char *error) WUR;
/* store_out_get - the message sent with id; ST_NOTFOUND if none. */
status store_out_get(struct store *st, const char *id, store_out_cb cb, void *arg) WUR;
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
/* store_in_list - the newest limit accepted messages (0: all), oldest first. */
status store_in_list(struct store *st, size_t limit, store_in_cb cb, void *arg) WUR;

#endif
