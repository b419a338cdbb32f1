/* witness.h - cosigning over the peer link (c2sp.org/tlog-witness), and
 * fetching a peer's half of an evidence bundle.
 *
 * Routes (witness_routes; POST, from pinned peers only):
 *   /v1/witness/add-checkpoint  a tlog-witness request; answered by
 *                                      ledger_witness
 *   /v1/witness/prove           body: a message id; answers the
 *                                      tlog-proof of our entry for it (which
 *                                      must concern the asker), against our
 *                                      latest checkpoint the asker cosigned
 * Client: when our log has grown past what a peer cosigned, the peer gets
 * our latest checkpoint with a consistency proof; one request in flight per
 * peer, at most one round per WITNESS_GAP_MS.
 */
#ifndef PARLEY_WITNESS_H
#define PARLEY_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "crypto/tlsctx.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "util/buf.h"

#define WITNESS_PREFIX "/v1/witness/"
#define WITNESS_GAP_MS 250

struct witness;

/* witness_proof_fn - a fetch finished: st is ST_OK, the peer's refusal
 * (body says why), or ST_DOWN with no answer (error says why). */
typedef void (*witness_proof_fn)(void *arg, status st, const char *body, size_t len,
    const char *error);

/* witness_new - the witness of node n for the peers of ps (it reserves a
 * registry slot), talking over h with the pinned context tls. */
status witness_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct witness **out) WUR;
void witness_free(struct witness *w);
/* witness_watch - call fn(arg) (NULL: none) when an alarm of the witness
 * about a peer is raised, changes or ends (an invalid or refused
 * cosignature, a halt, a fork presented to us): what `parley status`
 * shows as the peer's log_alarm.  One watcher (the link engine, which
 * tells the console's peers page). */
void witness_watch(struct witness *w, void (*fn)(void *arg), void *arg);
/* witness_routes - register the witness's routes on the peer listener l. */
status witness_routes(struct witness *w, struct http_listener *l) WUR;
/* witness_reload - (re)read recorded forks from the store (peers come from
 * the registry). */
status witness_reload(struct witness *w) WUR;
/* witness_kick - our log grew (call after the commit): sign a checkpoint of
 * it, in a transaction of its own, once the log has not grown for
 * SIGN_QUIET_MS (witness.c) and at most SIGN_MAX_MS after it first grew;
 * then ask peers to cosign.  At start, it signs what a crash between a
 * batch's commit and its checkpoint left unsigned; witness_free signs what
 * is still waiting. */
void witness_kick(struct witness *w);
/* witness_fetch_proof - ask peer for the proof of its entry for message id;
 * fn is called exactly once, later (unless the witness is freed first). */
status witness_fetch_proof(struct witness *w, const char *peer, const char *id,
    witness_proof_fn fn, void *arg) WUR;
/* witness_evidence_fn - an evidence request finished: bundle (one JSON line)
 * on success, else error names the problem. */
typedef void (*witness_evidence_fn)(void *arg, const char *bundle, size_t len,
    const char *error);
/* witness_evidence - build the evidence bundle of message id (sent or
 * received): our proof from our store, the peer's fetched from it; the
 * bundle is verified against both cards before fn gets it.  fn is called
 * exactly once, later, unless cancelled; a failure known at once returns
 * non-zero with *why set and fn is not called. */
status witness_evidence(struct witness *w, const char *id, witness_evidence_fn fn,
    void *arg, const char **why) WUR;
/* witness_cancel - forget the evidence requests whose arg is arg. */
void witness_cancel(struct witness *w, void *arg);
/* witness_status - a new JSON object about the logs shared with peer:
 * {"log_size","cosigned_size","cosigned_at","witnessed_size","log_alarm"}. */
json_t *witness_status(struct witness *w, const char *peer);

/* witness_loss - tell pr our loss statement (ledger_loss); when it has
 * recorded it, the loss is acknowledged in the store, pr->history_ok set,
 * and cosigning goes on from the statement.  ST_CONFLICT when pr's client
 * is busy: the caller tries again at pr's next hello. */
status witness_loss(struct witness *w, struct peer *pr, const char *note) WUR;

#endif
