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
	const char *endpoint;	/* https://host:port */
	const char *links;	/* comma-separated link classes agreed */
	const char *card;	/* the card as pinned */
	int64_t added_ms;
};

typedef int (*store_peer_cb)(void *arg, const struct store_peer *p);

/* Peers. store_peer_add: ST_EXISTS when the name or key is already pinned. */
status store_peer_add(struct store *st, const struct store_peer *p, int64_t *id) WUR;
/* store_peer_list - every pinned peer, by name (ST_OK if none). */
status store_peer_list(struct store *st, store_peer_cb cb, void *arg) WUR;
/* store_peer_find - by name (key == NULL) or by key (name == NULL). */
status store_peer_find(struct store *st, const char *name,
    const uint8_t *key, store_peer_cb cb, void *arg) WUR;

#endif
