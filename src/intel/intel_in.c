/* intel_in.c - a peer's batches taken in (intel.h, intel_int.h): its
 * stage kept (POST /v1/intel/stage), its signed message admitted only when
 * that stage is held with the root the message signs, and the objects
 * taken in, in the message's transaction; a batch of ours marked delivered
 * with its receipt.
 *
 * SECURITY: a stage is a peer's untrusted bytes; nothing of it is kept as
 * an object until its root matches a manifest the peer signed and each
 * object passes stix_read.  What a peer sent is kept as sent, so that its
 * leaf hashes, and so each object's evidence, stay true.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "intel/intel_int.h"
#include "util/stamp.h"

#define STAGE_KEEP_MS (7 * 24 * 3600 * 1000LL)	/* a stage never followed by its message */

/* stage_route - POST /v1/intel/stage: a peer's batch, kept until its
 * signed message comes. */
void
intel_stage_route(void *arg, struct http_req *r)
{
	struct intel *in = arg;
	struct peer *p = peers_by_key(in->ps, http_req_peer(r));
	struct store *st = node_store(in->n);
	struct stixbatch_manifest m;
	char why[128] = "";
	const char *body;
	size_t len;
	status rc;

	if (!p) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	peers_heard(in->ps, p);
	body = http_req_body(r, &len);
	rc = stixbatch_stage_read(body, len, &m, NULL, NULL, NULL, why);
	if (rc) {
		diag_warn_limit(&in->refusals, "stage from %s refused: %s", p->name, why);
		http_reply_error(r, ST_INVALID, why);
		return;
	}
	if ((rc = store_begin(st)) == ST_OK) {
		int64_t now = stamp_now_ms();

		rc = store_intel_stage_put(st, p->id, m.batch, body, len, now);
		if (!rc)
			rc = store_intel_stage_del(st, p->id, "", now - STAGE_KEEP_MS);
		if (!rc)
			rc = store_commit(st);
		if (rc)
			store_rollback(st);
	}
	if (rc)
		http_reply_error(r, rc == ST_FULL || rc == ST_CORRUPT ? rc : ST_DB, "store error");
	else
		http_reply(r, ST_OK, "application/json", "{}", 2);
}

/* What admit and accept read of a stage. */
struct held_stage {
	struct buf b;
	int found;
};

static void
stage_copy(void *arg, const void *stage, size_t len)
{
	struct held_stage *h = arg;

	h->found = 1;
	if (buf_add(&h->b, stage, len) != ST_OK)
		h->found = -1;
}

status
intel_on_admit(void *arg, int64_t peer_id, const struct message *m, char *why, size_t cap)
{
	struct intel *in = arg;
	struct stixbatch_manifest mf, sm;
	struct held_stage h;
	status rc;

	if (strcmp(m->type, INTEL_BATCH_TYPE) != 0)
		return ST_OK;
	if (strcmp(m->link, INTEL_LINK) != 0) {
		snprintf(why, cap, "a %s travels only on link %s", INTEL_BATCH_TYPE, INTEL_LINK);
		return ST_INVALID;
	}
	if (stixbatch_manifest_read(buf_str(&m->body), m->body.len, &mf) != ST_OK) {
		snprintf(why, cap, "the body is not a batch manifest");
		return ST_INVALID;
	}
	/* the stage's manifest line alone: its objects are read once, when
	 * the message is taken in */
	memset(&h, 0, sizeof h);
	buf_init(&h.b, STIXBATCH_MANIFEST_MAX + 1);
	rc = store_intel_stage_head(node_store(in->n), peer_id, mf.batch, stage_copy, &h);
	if (rc == ST_NOTFOUND || (!rc && h.found != 1)) {
		buf_free(&h.b);
		snprintf(why, cap, "batch %s: its objects are not staged here yet", mf.batch);
		return ST_DOWN;
	}
	if (rc || stixbatch_manifest_read(buf_str(&h.b), h.b.len, &sm) != ST_OK ||
	    sm.n != mf.n || sodium_memcmp(sm.root, mf.root, TLOG_HASH) != 0) {
		buf_free(&h.b);
		snprintf(why, cap, rc ? "store error" :
		    "batch %s: the staged objects are not the ones the message signs", mf.batch);
		return rc ? rc : ST_INVALID;
	}
	buf_free(&h.b);
	return ST_OK;
}

/* What taking a batch in does, object by object. */
struct take {
	struct intel *in;
	int64_t peer_id;
	const char *peer;
	char col[INTEL_COLLECTION_MAX];
	const char *batch;
	enum tlp ceiling;	/* the message's label */
	int64_t now;
	size_t kept, refused;
	status rc;
};

/* refuse_in - keep and log that object i (id, may be NULL) of the batch
 * was not kept, and why. */
static void
refuse_in(struct take *t, size_t i, const char *id, const char *why)
{
	char where[32];
	struct store_intel_refusal rf = { 0, t->now, t->peer_id, 1, id, why };

	if (!id) {
		snprintf(where, sizeof where, "objects[%zu]", i);
		rf.id = where;
	}
	t->refused++;
	t->rc = store_intel_refuse(node_store(t->in->n), &rf);
	diag_warn_limit(&t->in->refusals, "batch %s from %s: %s refused: %s", t->batch, t->peer,
	    rf.id, why);
}

static int
take_obj(void *arg, size_t i, const char *obj, size_t len)
{
	struct take *t = arg;
	char why[STIX_WHY_MAX];
	struct stix_doc *d = NULL;
	const struct stix_obj *o;
	struct store_intel_in si;

	if (stix_read(obj, len, &d, why) != ST_OK || stix_count(d) != 1 ||
	    !(o = stix_at(d, 0))->ok || stix_bundle_id(d)) {
		o = d && stix_count(d) ? stix_at(d, 0) : NULL;
		refuse_in(t, i, o && o->ok ? o->id : NULL, !o ? why : o->why ? o->why :
		    "a bundle, not an object");
		stix_free(d);
		return t->rc != ST_OK;
	}
	if (o->marked && o->tlp > t->ceiling) {
		snprintf(why, sizeof why, "it is %s, above the %s its batch's message carries",
		    tlp_name(o->tlp), tlp_name(t->ceiling));
		refuse_in(t, i, o->id, why);
		stix_free(d);
		return t->rc != ST_OK;
	}
	si = (struct store_intel_in){ t->col, t->peer_id, o->id, o->type,
	    o->versioned ? o->modified : "", o->versioned ? o->modified_ms : 0,
	    stix_tlp_name(o), o->revoked, obj, len, t->batch, (int64_t)i };
	t->rc = store_intel_put(node_store(t->in->n), &si, t->now, NULL);
	stix_free(d);
	if (!t->rc)
		t->kept++;
	return t->rc != ST_OK;
}

status
intel_on_accepted(void *arg, int64_t peer_id, const struct message *m, const struct receipt *r)
{
	struct intel *in = arg;
	struct store *st = node_store(in->n);
	struct stixbatch_manifest mf;
	struct store_intel_batch b;
	uint8_t (*leaves)[TLOG_HASH] = NULL;
	struct peer *p = peers_by_id(in->ps, peer_id);
	struct held_stage h;
	struct take t;
	status rc;

	(void)r;
	if (strcmp(m->type, INTEL_BATCH_TYPE) != 0 ||
	    stixbatch_manifest_read(buf_str(&m->body), m->body.len, &mf) != ST_OK)
		return ST_OK;
	memset(&t, 0, sizeof t);
	t.in = in;
	t.peer_id = peer_id;
	t.peer = p ? p->name : "?";
	t.batch = mf.batch;
	t.now = stamp_now_ms();
	if (tlp_parse(m->tlp, &t.ceiling) != ST_OK)
		t.ceiling = TLP_AMBER;
	intel_collection("from", peer_id, t.col);
	memset(&h, 0, sizeof h);
	buf_init(&h.b, STAGE_BODY_MAX);
	if ((rc = store_intel_stage_get(st, peer_id, mf.batch, stage_copy, &h)) != ST_OK ||
	    h.found != 1) {
		buf_free(&h.b);
		return rc ? rc : ST_NOMEM;	/* on_admit found it in this transaction */
	}
	rc = stixbatch_stage_read(h.b.p, h.b.len, &mf, take_obj, &t, &leaves, NULL);
	if (rc == ST_INVALID && t.rc)
		rc = t.rc;
	if (!rc) {
		b = (struct store_intel_batch){ mf.batch, peer_id, mf.n, mf.root, &leaves[0][0],
		    m->tlp, STORE_BATCH_RECEIVED, m->id, t.now };
		rc = store_intel_batch_add(st, &b);
	}
	if (!rc)
		rc = store_intel_stage_del(st, peer_id, mf.batch, 0);
	/* the definition of the extension readers find on these objects,
	 * among them (once: the same again changes nothing) */
	if (!rc && in->extdef)
		rc = store_intel_put_stix(st, t.col, 0, stix_at(in->extdef, 0), t.now, NULL);
	free(leaves);
	buf_free(&h.b);
	if (!rc)
		diag_info("batch %s from %s: %zu objects kept, %zu refused", mf.batch, t.peer,
		    t.kept, t.refused);
	return rc;
}

struct mark {
	int found;
	char id[STAMP_UUID_LEN];
	enum store_intel_batch_state state;
};

static int
mark_row(void *arg, const struct store_intel_batch *b)
{
	struct mark *k = arg;

	k->found = 1;
	k->state = b->state;
	snprintf(k->id, sizeof k->id, "%s", b->id);
	return 1;
}

status
intel_on_delivered(void *arg, int64_t peer_id, const struct receipt *r, int path)
{
	struct intel *in = arg;
	struct store *st = node_store(in->n);
	struct mark k = { 0, "", STORE_BATCH_STAGING };
	status rc;

	(void)peer_id, (void)path;
	if (strcmp(r->link, INTEL_LINK) != 0 || !in->unreceipted)
		return ST_OK;
	rc = store_intel_batch_get(st, r->msg, 1, mark_row, &k);
	if (rc == ST_NOTFOUND || (!rc && k.state != STORE_BATCH_SENT))
		return ST_OK;
	return rc ? rc : store_intel_batch_set(st, k.id, STORE_BATCH_DELIVERED, r->msg);
}

