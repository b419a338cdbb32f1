/* intel.h - CERT-to-CERT sharing of STIX 2.1 objects (issue 16;
 * docs/STIX.md, "Sharing with a peer").
 *
 * Where objects are kept (store_intel.h collections):
 *   "local"          the CERT's own objects, shared with no one;
 *   "to:PEERID"      what this node shares with the peer whose store id is
 *                    PEERID, as it left (after the rules: pseudonymised
 *                    where the agreement says so);
 *   "from:PEERID"    what that peer shared with this node, as it arrived.
 * intel_collection makes these names.
 *
 * Sharing: intel_share checks every object of a document (fmt/stix.h),
 * applies the agreement's rules for the peer (fmt/stixrule.h: TLP ceiling
 * and default, critical infrastructure, personal data, onward transfer),
 * and keeps what may leave in "to:PEERID", in batches of up to 1,000, in one
 * transaction committed with fsync: a "queued" answer is never lost.  The
 * service then sends the batches in order: the batch's objects are
 * staged at the peer (POST /v1/intel/stage on the pinned link, kept there
 * durably), and a signed message on the cert link (type "stix-batch")
 * carries the batch's Merkle root; the peer takes the staged objects in
 * when it accepts that message, in the message's transaction, exactly
 * once.  So one signature and one receipt cover a batch, and each object
 * is provable alone: the message's evidence plus its Merkle path
 * (intel_evidence).
 */
#ifndef PARLEY_INTEL_H
#define PARLEY_INTEL_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "link/link.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "store/store_intel.h"
#include "util/buf.h"

#define INTEL_LOCAL "local"
#define INTEL_COLLECTION_MAX 32	/* "from:" + an int64 + NUL */
#define INTEL_WHY_MAX 512
#define INTEL_BATCH_TYPE "stix-batch"	/* the message type of a batch */
#define INTEL_LINK "cert"		/* the link batches travel on */

struct intel;

/* intel_new - the sharing service of node n, staging batches at peers
 * over h with the pinned context tls, queueing their messages through e;
 * registers the node's message hooks and the registry's (ps).  Batches
 * made or queued before a restart are sent again.  The pseudonyms' key is
 * DIR/intel.key (0600), made on first use. */
status intel_new(struct event_base *base, struct node *n, struct http *h,
    struct peers *ps, struct link_engine *e, struct tlsctx *tls, struct intel **out) WUR;
/* intel_routes - serve the peers' requests on the pinned listener l:
 * POST /v1/intel/stage (a batch's objects), GET /v1/intel/versions (what
 * is held of the caller's, for reconcile). */
status intel_routes(struct intel *in, struct http_listener *l) WUR;
/* intel_free - NULL is a no-op. */
void intel_free(struct intel *in);

/* intel_collection - the collection name of kind ("to" or "from") for
 * the peer whose store id is peer_id, into out. */
void intel_collection(const char *kind, int64_t peer_id, char out[static INTEL_COLLECTION_MAX]);

/* What became of one object of a document shared (intel_share). */
enum intel_verdict {
	INTEL_QUEUED,		/* kept in to:PEER and queued (or held already) */
	INTEL_REFUSED,		/* refused: why names the clause or the problem */
};
struct intel_result {
	size_t index;		/* its place in the document */
	const char *id;		/* NULL when the object has none */
	const char *modified;	/* "" when not versioned */
	enum intel_verdict verdict;
	enum store_intel_outcome outcome;	/* QUEUED: what the store did */
	const char *why;	/* REFUSED: the reason, printable ASCII */
};
typedef void (*intel_result_fn)(void *arg, const struct intel_result *r);

/* intel_share - share the STIX document text[0..n) (a bundle or one
 * object) with the peer named peer: fn is called for every object, then
 * the accepted ones are committed (fsync) and queued.  Objects refused
 * leave nothing behind and are logged with their id and clause.  ST_OK
 * even when some are refused; else why says what stops the whole
 * document: ST_NOTFOUND (no such peer, or no agreement in force with it
 * names the cert link), ST_PARSE/ST_INVALID/ST_TOOBIG (not a STIX
 * document), ST_DB.  *queued (may be NULL) gets how many were queued. */
status intel_share(struct intel *in, const char *peer, const char *text, size_t n,
    intel_result_fn fn, void *arg, size_t *queued, char why[static INTEL_WHY_MAX]) WUR;

/* intel_share_doc - as intel_share for the document d already read
 * (fmt/stix.h: a bundle, one object, or a TAXII envelope's objects); its
 * refused objects are reported refused with their reason. */
struct stix_doc;
status intel_share_doc(struct intel *in, const char *peer, const struct stix_doc *d,
    intel_result_fn fn, void *arg, size_t *queued, char why[static INTEL_WHY_MAX]) WUR;

/* intel_delivered - 1 when the version (id, version_ms, hash) kept in
 * to:PEERID has reached the peer (the batch's receipt is kept), 0 while
 * it is queued or on its way. */
int intel_delivered(struct intel *in, int64_t peer_id, const char *id, int64_t version_ms,
    const uint8_t hash[static STORE_INTEL_HASH]);

/* intel_render - append o as a reader is given it: as kept, and, for an
 * object received from a peer, with parley's origin extension added
 * (fmt/stixrule.h) naming that peer. */
status intel_render(struct intel *in, const struct store_intel_obj *o, struct buf *out) WUR;

/* intel_reconcile_fn - a reconcile finished: report (borrowed for the
 * call) on success, else error says why. */
typedef void (*intel_reconcile_fn)(void *arg, const json_t *report, const char *error);
/* intel_reconcile - compare what each side holds of the other's with the
 * peer named peer: its from:US against our to:PEER (the versions whose
 * batch is receipted), its to:US (receipted there) against our
 * from:PEER.  The report:
 *   {"peer","queued","on_the_way",
 *    "shared":{"here","there","digest_here","digest_there","same",
 *              "missing_there":[ID...],"only_there":[ID...]},
 *    "received":{... the same, the other way}}
 * each digest the SHA-256 over the sorted lines "ID VERSION_MS SHA256";
 * at most 20 ids named per list.  fn is called once, later, unless
 * cancelled (intel_cancel); a failure known at once returns non-zero,
 * why set, and fn is not called. */
status intel_reconcile(struct intel *in, const char *peer, intel_reconcile_fn fn, void *arg,
    char why[static INTEL_WHY_MAX]) WUR;

/* intel_evidence_fn - evidence made: text (one JSON line) on success,
 * else error says why. */
typedef void (*intel_evidence_fn)(void *arg, const char *text, size_t len, const char *error);
/* intel_evidence - the evidence of object id as shared with the peer named
 * peer (its current version in to:PEER), or as received from it
 * (from:PEER): fmt/stixbatch.h's object evidence, built on the batch
 * message's bundle (log/witness.h).  As intel_reconcile for fn and why. */
status intel_evidence(struct intel *in, const char *peer, const char *id,
    intel_evidence_fn fn, void *arg, char why[static INTEL_WHY_MAX]) WUR;

/* intel_cancel - forget the reconciles and evidence requests whose arg
 * is arg (NULL: all) without calling them. */
void intel_cancel(struct intel *in, void *arg);

#endif
