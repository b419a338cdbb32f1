/* intel_evidence.c - one shared object's evidence (intel.h,
 * intel_evidence): the batch message's bundle from the witness, with the
 * object's Merkle path in the batch (fmt/stixbatch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "intel/intel_int.h"
#include "log/witness.h"

struct evreq {
	struct intel *in;
	intel_evidence_fn fn;
	void *arg;
	struct buf obj;
	uint8_t (*leaves)[TLOG_HASH];
	int64_t n, leaf;
	char msg[STAMP_UUID_LEN];
	struct evreq *next;
};

static void
evreq_free(struct evreq *er)
{
	buf_free(&er->obj);
	free(er->leaves);
	free(er);
}

static void
evreq_unlink(struct evreq *er)
{
	for (struct evreq **pp = &er->in->evreqs; *pp; pp = &(*pp)->next)
		if (*pp == er) {
			*pp = er->next;
			break;
		}
}

static void
ev_done(void *arg, const char *bundle, size_t len, const char *error)
{
	struct evreq *er = arg;
	struct buf out;

	evreq_unlink(er);
	buf_init(&out, EVIDENCE_MAX + STORE_INTEL_JSON_MAX);
	if (!bundle)
		er->fn(er->arg, NULL, 0, error);
	else if (stixbatch_evidence(er->obj.p, er->obj.len,
	    (const uint8_t (*)[TLOG_HASH])er->leaves, (size_t)er->n, (size_t)er->leaf, bundle, len,
	    &out) != ST_OK)
		er->fn(er->arg, NULL, 0, "cannot make the object's evidence");
	else
		er->fn(er->arg, out.p, out.len, NULL);
	buf_free(&out);
	evreq_free(er);
}

struct found {
	struct evreq *er;
	char batch[STAMP_UUID_LEN];
	int state;
	status rc;
};

static int
found_obj(void *arg, const struct store_intel_obj *o)
{
	struct found *f = arg;

	snprintf(f->batch, sizeof f->batch, "%s", o->batch);
	f->er->leaf = o->leaf;
	f->rc = buf_add(&f->er->obj, o->json, o->json_len);
	return 1;
}

static int
found_batch(void *arg, const struct store_intel_batch *b)
{
	struct found *f = arg;

	f->state = b->state;
	f->er->n = b->n;
	snprintf(f->er->msg, sizeof f->er->msg, "%s", b->msg);
	if (!(f->er->leaves = malloc((size_t)b->n * TLOG_HASH)))
		f->rc = ST_NOMEM;
	else
		memcpy(f->er->leaves, b->leaves, (size_t)b->n * TLOG_HASH);
	return 1;
}

status
intel_evidence(struct intel *in, const char *peer, const char *id, intel_evidence_fn fn,
    void *arg, char why[static INTEL_WHY_MAX])
{
	struct store *st = node_store(in->n);
	struct peer *p = peers_by_name(in->ps, peer);
	char col[INTEL_COLLECTION_MAX];
	struct evreq *er;
	struct found f;
	const char *err = NULL;
	status rc = ST_NOTFOUND;

	if (!p) {
		snprintf(why, INTEL_WHY_MAX, "no peer named %s (parley peer list)", peer);
		return ST_NOTFOUND;
	}
	if (!(er = calloc(1, sizeof *er)))
		return ST_NOMEM;
	er->in = in;
	er->fn = fn;
	er->arg = arg;
	buf_init(&er->obj, STORE_INTEL_JSON_MAX);
	memset(&f, 0, sizeof f);
	f.er = er;
	/* what was shared with the peer, else what it shared */
	for (int k = 0; k < 2 && rc == ST_NOTFOUND; k++) {
		intel_collection(k == 0 ? "to" : "from", p->id, col);
		rc = store_intel_get(st, col, id, 0, found_obj, &f);
	}
	if (!rc && f.rc)
		rc = f.rc;
	if (rc == ST_NOTFOUND)
		snprintf(why, INTEL_WHY_MAX, "%s has not been shared with or by %s", id, peer);
	else if (!rc && !f.batch[0]) {
		snprintf(why, INTEL_WHY_MAX, "%s is queued for %s, in no batch yet", id, peer);
		rc = ST_NOTFOUND;
	} else if (!rc && (rc = store_intel_batch_get(st, f.batch, 0, found_batch, &f)) == ST_OK &&
	    !(rc = f.rc) && (f.state == STORE_BATCH_STAGING || !f.er->msg[0])) {
		snprintf(why, INTEL_WHY_MAX, "%s is in batch %s, not yet sent to %s", id,
		    f.batch, peer);
		rc = ST_NOTFOUND;
	} else if (!rc && (rc = witness_evidence(link_witness(in->e), er->msg, ev_done, er,
	    &err)) != ST_OK)
		snprintf(why, INTEL_WHY_MAX, "%s", err ? err : status_str(rc));
	else if (rc)
		snprintf(why, INTEL_WHY_MAX, "store error: %s", status_str(rc));
	if (rc) {
		evreq_free(er);
		return rc;
	}
	er->next = in->evreqs;
	in->evreqs = er;
	return ST_OK;
}

void
intel_evidence_cancel(struct intel *in, void *arg)
{
	for (struct evreq **pp = &in->evreqs; *pp;) {
		struct evreq *er = *pp;

		if (arg && er->arg != arg) {
			pp = &er->next;
			continue;
		}
		*pp = er->next;
		witness_cancel(link_witness(in->e), er);
		evreq_free(er);
	}
}
