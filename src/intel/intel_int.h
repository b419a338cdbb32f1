/* intel_int.h - what the sharing service's files share; not for other
 * modules.  intel.c: the service, sharing and batches out, the registry's
 * hooks; intel_in.c: stages and batches in (the node's message hooks);
 * intel_reconcile.c: what each side holds of the other's; intel_evidence.c:
 * one object's evidence.
 */
#ifndef PARLEY_INTEL_INT_H
#define PARLEY_INTEL_INT_H

#include <event2/event.h>

#include "fmt/stix.h"
#include "fmt/stixbatch.h"
#include "fmt/stixrule.h"
#include "intel/intel.h"
#include "node/config.h"
#include "util/diag.h"

#define STAGE_PATH "/v1/intel/stage"
#define VERSIONS_PATH "/v1/intel/versions"
#define STAGE_BODY_MAX (STIXBATCH_BYTES + (4u << 20))

struct staging;
struct reconcile;
struct evreq;

/* The service's state for one pinned peer (its registry slot). */
struct ipeer {
	struct intel *in;
	struct peer *peer;
	struct http_client *client;
	int busy;		/* a stage in flight */
	struct staging *sg;	/* that stage's state, freed with the peer */
	struct event *timer;
	int backoff_ms;
	char last_error[200];
};

struct intel {
	struct reconcile *reconciles;	/* in flight (intel_reconcile.c) */
	struct evreq *evreqs;		/* evidence requests in flight (intel_evidence.c) */
	struct event_base *base;
	struct node *n;
	struct http *h;
	struct peers *ps;
	struct link_engine *e;
	struct tlsctx *tls;
	int slot;
	struct event *kick;
	uint8_t key[STIXRULE_KEY_LEN];	/* the pseudonyms' key (DIR/intel.key) */
	/* stix_personal, split (terms_for reads it again each time) */
	char props_text[CONFIG_PROPS_MAX];
	const char *props[CONFIG_PROPS_MAX / 4];
	size_t n_props;
	struct diag_limit refusals;
	struct stix_doc *extdef;	/* parley's origin extension's definition */
	/* batches whose message may still await its receipt: those the store
	 * held sent at start, and one more per batch sent since.  Never below
	 * the truth (an aborted send still counts; a receipt takes nothing off,
	 * as its transaction may yet roll back), so at 0 no receipt can be a
	 * batch's and the delivered hook reads nothing. */
	size_t unreceipted;
};

/* intel_in.c: the pinned peer's POST /v1/intel/stage, and the node's
 * message hooks for a batch's message (node/node.h) */
void intel_stage_route(void *arg, struct http_req *r);
status intel_on_admit(void *arg, int64_t peer_id, const struct message *m, char *why,
    size_t cap);
status intel_on_accepted(void *arg, int64_t peer_id, const struct message *m,
    const struct receipt *r);
status intel_on_delivered(void *arg, int64_t peer_id, const struct receipt *r, int path);

/* intel_reconcile.c: GET /v1/intel/versions; forget the reconciles in
 * flight whose arg is arg (NULL: all) */
void intel_versions_route(void *arg, struct http_req *r);
void intel_reconcile_cancel(struct intel *in, void *arg);

/* intel_evidence.c: forget the evidence requests whose arg is arg (NULL:
 * all) */
void intel_evidence_cancel(struct intel *in, void *arg);

#endif
