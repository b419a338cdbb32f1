/* link.h - per-peer links: the outbox delivered in order with receipts, and
 * the inbox accepted exactly once, in order.
 *
 * Inbound (link_serve): a batch of message JWS, one per line, from a pinned
 * peer.  Each is verified, checked for sequence, committed with fsync, and
 * only then answered with a signed receipt.  A retransmission is answered
 * with the receipt already issued; nothing is applied twice.
 *
 * Outbound: queued messages go to each peer in sequence order, up to three
 * batches in flight per peer (one per connection), retried with exponential
 * backoff and jitter; an inbound request from the peer (it is back) retries
 * at once.
 */
#ifndef PARLEY_LINK_H
#define PARLEY_LINK_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "util/buf.h"
#include "node/node.h"
#include "util/stamp.h"
#include "crypto/tlsctx.h"

struct link_engine;

/* The outcome reported to a waiter. */
enum link_outcome { LINK_DELIVERED, LINK_REJECTED, LINK_TIMEOUT };
typedef void (*link_wait_fn)(void *arg, const char *id, enum link_outcome o,
    int64_t rtt_us, const char *detail);

struct link_msg {
	const char *peer, *link, *type, *priority, *subject;
	const char *body;
	size_t body_len;
};

/* link_engine_new - the engine for node n on base; n stays owned by the
 * caller and must outlive the engine. */
status link_engine_new(struct event_base *base, struct node *n, struct link_engine **out) WUR;
void link_engine_free(struct link_engine *e);
/* link_start - open the peer listener and greet every peer. */
status link_start(struct link_engine *e) WUR;
/* link_reload - re-read pinned peers from the store (after peer add). */
status link_reload(struct link_engine *e) WUR;

/* link_queue - sign m and add it to the outbox inside the caller's open
 * transaction; id receives the message id.  Nothing is acknowledged until the
 * caller commits.  ST_NOTFOUND: no such peer; ST_LINK: link not agreed. */
status link_queue(struct link_engine *e, const struct link_msg *m,
    char id[static STAMP_UUID_LEN], const char **why) WUR;
/* link_kick_all - after a commit that queued messages: start delivering. */
void link_kick_all(struct link_engine *e);
/* link_wait - call fn once the message id is delivered or rejected, or
 * after timeout_ms.  start_us is when the sender asked (for the RTT). */
status link_wait(struct link_engine *e, const char *id, int64_t start_us,
    int timeout_ms, link_wait_fn fn, void *arg) WUR;
/* link_wait_cancel - forget every waiter whose arg is arg. */
void link_wait_cancel(struct link_engine *e, void *arg);
/* link_status - a new JSON object describing each peer. */
json_t *link_status(struct link_engine *e);

/* link_witness - the engine's witness (witness.h): cosigning, evidence. */
struct witness *link_witness(struct link_engine *e);

/* link_serve - the peer_http_serve_fn of the engine (arg is the engine). */
int link_serve(void *arg, const uint8_t pk[IDENT_PK_LEN], const char *path,
    const char *body, size_t len, struct buf *resp);
/* link_pinned - the tlsctx_pin_fn of the engine (arg is the engine). */
int link_pinned(void *arg, const uint8_t pk[IDENT_PK_LEN]);

#endif
