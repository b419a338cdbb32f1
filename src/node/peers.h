/* peers.h - the pinned peers, one registry for every service.
 *
 * Read from the store (store_peer_list) at start and after `parley peer
 * add`, `peer update` and `peer remove`; services keep their own state per
 * peer in a slot they reserve with peers_hook, and learn of new peers, of
 * changed endpoints, of removed peers and of requests from a peer through
 * the hooks they register here, so that a lower layer (the log's witness)
 * and a higher one (the link engine) share one list without calling each
 * other.  No fixed cap: a node holds as many peers as its store.
 *
 * A removed peer (or a pin whose key was replaced: a new pin, a new record)
 * leaves the list at once: its key no longer passes peers_pinned, so TLS
 * refuses it, and every lookup misses it.  Its record stays allocated until
 * peers_free, so a pointer a service still holds is never left dangling.
 */
#ifndef PARLEY_PEERS_H
#define PARLEY_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ident.h"
#include "fmt/card.h"
#include "store/store.h"

#define PEERS_SLOTS 4
#define PEERS_LINKS_MAX 256

/* struct peer - one pinned peer; fields are the registry's (read-only to
 * services), slot[i] belongs to the service that reserved i. */
struct peer {
	int64_t id;
	char name[CARD_NAME_MAX + 1];
	uint8_t pk[IDENT_PK_LEN];
	char kid[IDENT_KID_LEN];
	/* where it is dialled: its card's endpoints in order of preference,
	 * joined by single spaces, as the pin keeps them (store_peer.h) */
	char endpoints[CARD_ENDPOINTS_TEXT_MAX];
	char links[PEERS_LINKS_MAX];	/* a local agreement's links (node/policy.h), or "" */
	char origin[CARD_ORIGIN_MAX];	/* its log's origin (card_origin) */
	/* Set by the link engine when the peer's hello showed that it holds
	 * none of this node's history that the store lacks; until then the
	 * witness offers it no checkpoint (a restored store's would be a fork). */
	int history_ok;
	void *slot[PEERS_SLOTS];
};

struct peers;

/* peers_added_fn - p is new (also called at peers_hook for every peer
 * already known); return non-zero when the service cannot take it.  Also
 * the type of the changed hook: p's endpoints changed (a newer card), the
 * service reconnects. */
typedef status (*peers_added_fn)(void *arg, struct peer *p);
/* peers_heard_fn - a request from p arrived (it is reachable).  Also the
 * type of the removed hook: p is no longer pinned; the service stops
 * talking to it and frees its slot (sets it to NULL). */
typedef void (*peers_heard_fn)(void *arg, struct peer *p);

/* struct peers_hooks - what a service is told; any member may be NULL. */
struct peers_hooks {
	peers_added_fn added;
	peers_heard_fn heard;
	peers_added_fn changed;
	peers_heard_fn removed;
};

/* peers_new - the registry of st's pinned peers (st borrowed). */
status peers_new(struct store *st, struct peers **out) WUR;
/* peers_free - NULL is a no-op; services free their slots first. */
void peers_free(struct peers *ps);
/* peers_reload - read the store again: peers no longer pinned are removed
 * first (each removed hook called), then known ones updated (the changed
 * hooks called when the endpoints changed), then new ones added (each added
 * hook called). */
status peers_reload(struct peers *ps) WUR;
/* peers_hook - register a service (h is copied): *slot gets its slot
 * index; h->added is called now for every known peer and later for each
 * new one, h->heard on peers_heard, h->changed and h->removed from
 * peers_reload. */
status peers_hook(struct peers *ps, const struct peers_hooks *h, void *arg, int *slot) WUR;

size_t peers_count(const struct peers *ps);
struct peer *peers_at(struct peers *ps, size_t i);
struct peer *peers_by_key(struct peers *ps, const uint8_t pk[IDENT_PK_LEN]);
struct peer *peers_by_name(struct peers *ps, const char *name);
struct peer *peers_by_id(struct peers *ps, int64_t id);
/* peers_pinned - the tlsctx_pin_fn of the registry (arg is ps). */
int peers_pinned(void *arg, const uint8_t pk[IDENT_PK_LEN]);
/* peers_heard - tell every service that a request from p arrived. */
void peers_heard(struct peers *ps, struct peer *p);

#endif
