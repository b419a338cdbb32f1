/* link.h - per-peer links: the outbox delivered in order with receipts, and
 * the inbox accepted exactly once, in order.
 *
 * Inbound (POST /v1/messages, link_in_batch): a batch of message JWS, one per line, from a pinned
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

#include "crypto/tlsctx.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "util/buf.h"
#include "util/stamp.h"

struct link_engine;

/* The outcome reported to a waiter. */
enum link_outcome { LINK_DELIVERED, LINK_REJECTED, LINK_TIMEOUT };
typedef void (*link_wait_fn)(void *arg, const char *id, enum link_outcome o,
    int64_t rtt_us, const char *detail);

struct link_msg {
	const char *peer, *link, *type, *priority, *subject;
	const char *body;
	size_t body_len;
	const char *tlp;	/* NULL: the link's tlp_max (node/policy.h) */
	const char *agreement;	/* NULL: the policy picks */
};

/* link_engine_new - the engine for node n, the peers of ps, over h with the
 * pinned TLS context tls; all borrowed, and must outlive the engine.  It
 * makes the witness (log/witness.h). */
status link_engine_new(struct http *h, struct node *n, struct peers *ps,
    struct tlsctx *tls, struct link_engine **out) WUR;
void link_engine_free(struct link_engine *e);
/* link_start - register the link's and the witness's routes on the peer
 * listener l (a pinned listener) and greet every peer. */
status link_start(struct link_engine *e, struct http_listener *l) WUR;
/* link_reload - re-read pinned peers and forks from the store (after peer
 * add); new peers are greeted. */
status link_reload(struct link_engine *e) WUR;

/* link_queue - sign m and add it to the outbox inside the caller's open
 * transaction; id receives the message id.  Nothing is acknowledged until the
 * caller commits.  The message carries the agreement it is sent under and
 * its TLP label (policy_send); *why says what refuses it: ST_NOTFOUND (no
 * such peer, or no agreement in force with it names the link), ST_LINK
 * (the agreement's terms: why names the clause), ST_INVALID (a field). */
status link_queue(struct link_engine *e, const struct link_msg *m,
    char id[static STAMP_UUID_LEN], const char **why) WUR;
/* link_queue_end - after the commit (committed: 1) or rollback (0) of
 * the transaction that held link_queue's messages: they are kept to be
 * sent from memory, or forgotten.  Call it after every run of link_queue. */
void link_queue_end(struct link_engine *e, int committed);
/* link_use_path - the messages to peer go on its path n (its card's
 * endpoints, from 0) from the next request (http_client_use_path): a
 * check of that path.  ST_NOTFOUND (no such peer, or not yet dialled),
 * ST_INVALID (no path n). */
status link_use_path(struct link_engine *e, const char *peer, size_t n) WUR;
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
/* link_watch - call fn(arg) (NULL: none) on a turn of the loop after what
 * link_status shows of a peer may have changed for a person to see: it
 * became reachable or unreachable, its last error or alarm changed, a
 * path went up or down or the path in use moved (the net layer's
 * http_client_watch), a peer was pinned or its pin ended.  Not for a
 * message queued or delivered (the node's message hooks say that), nor
 * for "last heard" moving on: a busy link would call it for every batch.
 * Changes within one turn of the loop are told once.  One watcher (the
 * console). */
void link_watch(struct link_engine *e, void (*fn)(void *arg), void *arg);
/* link_accept_loss - the operator accepts that the history peers hold and
 * the store lacks is lost (parley log accept-loss): sequence numbers skip
 * past every peer's marks, a loss statement is signed (ledger_loss) and
 * kept for every peer, the halts end, and each peer is told at its next
 * hello.  Needs every peer's marks since start; *why says what stops it. */
status link_accept_loss(struct link_engine *e, const char **why) WUR;

/* link_witness - the engine's witness (witness.h): cosigning, evidence. */
struct witness *link_witness(struct link_engine *e);

/* link_in_batch - accept a batch of message JWS (one per line) from pinned
 * peer p, in one transaction committed with fsync before it returns; the
 * answer {"results":[...]} (one per message up to the first that stops the
 * batch) is appended to resp.  Returns ST_OK when every message was
 * accepted, else the first refusal's status (ST_ORDER, ST_REPLAY, ...), or
 * ST_DB/ST_NOMEM with resp unchanged when nothing can be answered:
 * ST_FULL (HTTP 507) when the store is out of space, ST_CORRUPT (503) when
 * it is damaged, now or before (store_damaged).  No sockets: the unit
 * tests call it directly. */
status link_in_batch(struct node *node, const struct peer *p, const char *body,
    size_t len, struct buf *resp) WUR;

/* link_receipt_again - a receipt rjws from pinned peer p, already verified
 * against our message id, when that message is no longer queued (a batch
 * answered twice): the very receipt stored is nothing; another is kept
 * with it as a fork of kind "receipt" (two receipts signed by p for one
 * message), in the caller's transaction.  1 when a fork was recorded now.
 * No sockets: the unit tests call it directly. */
int link_receipt_again(struct node *n, const struct peer *p, const char *id,
    const char *rjws);

#endif
