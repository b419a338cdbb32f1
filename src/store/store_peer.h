/* store_peer.h - the store's pinned peers (the rules for rows and
 * callbacks are in store.h). */
#ifndef PARLEY_STORE_PEER_H
#define PARLEY_STORE_PEER_H

#include <stdint.h>

#include "crypto/ident.h"
#include "util/status.h"

struct store;

struct store_peer {
	int64_t id;
	const char *name;
	uint8_t pk[IDENT_PK_LEN];
	const char *kid;
	/* Where the peer is dialled: its card's endpoints (https://host:port)
	 * in order of preference, joined by single spaces (a URL holds none:
	 * card_endpoints_join, card_endpoints_split).  A pin made before a card
	 * could list several holds one URL, which reads as a list of one. */
	const char *endpoint;
	const char *links;	/* comma-separated link classes agreed */
	const char *card;	/* the card as pinned (or as last updated) */
	int64_t added_ms;
	int64_t removed_ms;	/* 0 while the pin is in force */
	const char *removed_why;	/* "" while in force */
};

typedef int (*store_peer_cb)(void *arg, const struct store_peer *p);

/* A pin ends (store_peer_retire) but its row stays: the messages, receipts,
 * cosignatures and forks that name it must still verify with its key and
 * card.  "Pinned" below means in force. */

/* store_peer_add - pin p; *id (may be NULL) gets its row.  A key pinned
 * before and removed, pinned again under the same name, is its old row
 * (its sequence numbers go on).  ST_EXISTS when the name is pinned, or the
 * key is pinned or was pinned under another name. */
status store_peer_add(struct store *st, const struct store_peer *p, int64_t *id) WUR;
/* store_peer_list - every pinned peer, by name (ST_OK if none). */
status store_peer_list(struct store *st, store_peer_cb cb, void *arg) WUR;
/* store_peer_history - every pin ever made, removed ones too, by id (ST_OK
 * if none): what verifies the history. */
status store_peer_history(struct store *st, store_peer_cb cb, void *arg) WUR;
/* store_peer_find - a pinned peer by name (key == NULL) or by key (name ==
 * NULL); ST_NOTFOUND if none. */
status store_peer_find(struct store *st, const char *name,
    const uint8_t *key, store_peer_cb cb, void *arg) WUR;
/* store_peer_get - the pin with row id, in force or not; ST_NOTFOUND. */
status store_peer_get(struct store *st, int64_t id, store_peer_cb cb, void *arg) WUR;
/* store_peer_queued - how many messages to peer_id wait in the outbox. */
status store_peer_queued(struct store *st, int64_t peer_id, int64_t *n) WUR;
/* store_peer_retire - in the caller's transaction: the pin peer_id ends
 * (removed, or its key replaced: why says which, at at_ms).  Its queued
 * messages become STORE_FAILED with why as their error, and stay in the
 * outbox and the log; *failed (may be NULL) gets how many.  Nothing else
 * changes.  ST_NOTFOUND when peer_id is not pinned. */
status store_peer_retire(struct store *st, int64_t peer_id, const char *why, int64_t at_ms,
    int64_t *failed) WUR;
/* store_peer_update - a pinned peer's endpoints (as in struct store_peer)
 * and card (a newer card for the same key: the caller checked it).
 * ST_NOTFOUND when not pinned. */
status store_peer_update(struct store *st, int64_t peer_id, const char *endpoint,
    const char *card) WUR;

#endif
