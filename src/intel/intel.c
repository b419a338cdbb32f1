/* intel.c - CERT-to-CERT sharing of STIX 2.1 objects (intel.h).
 *
 * Rules this file keeps:
 * - a share is answered only after the commit (fsync) that holds its
 *   objects in to:PEER together with the batches they are in (each row
 *   names its batch and leaf from its put), and a batch's message is
 *   queued in one transaction with the batch's new state: after a crash
 *   at any point a batch is either staging (its stage posted again until
 *   the peer keeps it) or has its one message, never two;
 * - the peer keeps a stage durably before it answers, and takes the
 *   objects in only with the signed message that names the stage's root,
 *   in that message's transaction: exactly once, as messages are;
 * - nothing leaves without the rules of the agreement in force for the
 *   peer (fmt/stixrule.h); every refusal is logged with the object's id
 *   and the clause.
 *
 * SECURITY: a stage is a peer's untrusted bytes; nothing of it is kept
 * as an object until its root matches a manifest the peer signed and each
 * object passes stix_read.  What a peer sent is kept as sent, so that its
 * leaf hashes, and so each object's evidence, stay true.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>
#include <sys/stat.h>

#include "fmt/stix.h"
#include "fmt/stixbatch.h"
#include "fmt/stixrule.h"
#include "intel/intel.h"
#include "log/witness.h"
#include "net/http_client.h"
#include "node/policy.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/stamp.h"

#define STAGE_PATH "/v1/intel/stage"
#define VERSIONS_PATH "/v1/intel/versions"
#define STAGE_BODY_MAX (STIXBATCH_BYTES + (4u << 20))
#define RETRY_MIN_MS 500
#define RETRY_MAX_MS 30000
#define STAGE_KEEP_MS (7 * 24 * 3600 * 1000LL)	/* a stage never followed by its message */
#define DIFFS_MAX 20		/* differences a reconcile names per side */
#define KEY_FILE "intel.key"

/* The service's state for one pinned peer (its registry slot). */
struct staging;

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

struct reconcile;
struct evreq;

struct intel {
	struct reconcile *reconciles;	/* in flight */
	struct evreq *evreqs;		/* evidence requests in flight */
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
};

static void pump(struct ipeer *ip);
static void versions_route(void *arg, struct http_req *r);

void
intel_collection(const char *kind, int64_t peer_id, char out[static INTEL_COLLECTION_MAX])
{
	snprintf(out, INTEL_COLLECTION_MAX, "%s:%lld", kind, (long long)peer_id);
}

/* ---- the pseudonyms' key ---- */

/* load_key - DIR/intel.key, made (0600, random) on first use. */
static status
load_key(struct intel *in)
{
	char path[NODE_PATH_MAX];
	struct buf b;
	status rc;

	if ((rc = node_path(node_dir(in->n), KEY_FILE, path)) != ST_OK)
		return rc;
	buf_init(&b, STIXRULE_KEY_LEN + 1);
	rc = file_read(path, &b);
	if (rc == ST_NOTFOUND) {
		randombytes_buf(in->key, sizeof in->key);
		buf_free(&b);
		return file_write_new(path, in->key, sizeof in->key, S_IRUSR | S_IWUSR);
	}
	if (!rc && b.len != STIXRULE_KEY_LEN)
		rc = ST_INVALID;
	if (!rc)
		memcpy(in->key, b.p, sizeof in->key);
	sodium_memzero(b.p, b.len);
	buf_free(&b);
	return rc;
}

/* ---- the agreement's terms for a peer ---- */

struct terms_seek {
	struct stixrule_terms *t;
	int found;
	enum agreement_onward onward;
};

static int
terms_one(void *arg, const struct agreement *a)
{
	struct terms_seek *k = arg;
	const struct agreement_data *d = agreement_data(a);
	enum tlp max;

	if (agreement_tlp_max(a, INTEL_LINK, &max) != ST_OK)
		return 0;
	k->t->ceiling = max;
	k->t->ci_allowed = d->critical_infrastructure;
	k->t->personal = d->personal_data;
	k->onward = d->onward_transfer;
	k->found = 1;
	return 1;
}

/* terms_for - the terms of the newest agreement in force with p naming
 * the cert link; ST_NOTFOUND when none. */
static status
terms_for(struct intel *in, const struct peer *p, struct stixrule_terms *t,
    enum agreement_onward *onward)
{
	struct terms_seek k = { t, 0, AGREEMENT_ONWARD_NEVER };
	struct policy *pol = node_policy(in->n);

	const struct config *cfg = node_config(in->n);
	char *save = NULL, *tok;

	memset(t, 0, sizeof *t);
	t->unmarked = cfg->stix_tlp_default;
	t->key = in->key;
	/* the operator's personal properties, as set now (parley config) */
	snprintf(in->props_text, sizeof in->props_text, "%s", cfg->stix_personal);
	in->n_props = 0;
	for (tok = strtok_r(in->props_text, ",", &save); tok &&
	    in->n_props < sizeof in->props / sizeof in->props[0];
	    tok = strtok_r(NULL, ",", &save))
		in->props[in->n_props++] = tok;
	t->pd_props = in->props;
	t->n_pd_props = in->n_props;
	if (pol)
		policy_in_force(pol, p->kid, stamp_now_ms(), terms_one, &k);
	if (onward)
		*onward = k.onward;
	return k.found ? ST_OK : ST_NOTFOUND;
}

/* ---- sharing ---- */

/* origin_of - the peer another copy of id came from (0: none held). */
struct origin_seek {
	int64_t origin;
};

static int
origin_row(void *arg, const struct store_intel_obj *o)
{
	struct origin_seek *s = arg;

	if (o->origin > 0) {
		s->origin = o->origin;
		return 1;
	}
	return 0;
}

/* foreign - set t's onward fields for object o shared with p: whether it
 * came from another party (held in from:X, X not p, or carrying parley's
 * origin extension) and whether that party's agreement lets it move on. */
static void
foreign(struct intel *in, const struct peer *p, const struct stix_obj *o,
    struct stixrule_terms *t, char origin[static 64])
{
	struct store *st = node_store(in->n);
	struct origin_seek s = { 0 };
	char kid[64], col[INTEL_COLLECTION_MAX];
	struct peer *from = NULL;

	t->foreign = 0;
	t->onward_ok = 0;
	t->origin = origin;
	origin[0] = '\0';
	for (size_t i = 0; i < peers_count(in->ps) && !s.origin; i++) {
		struct peer *x = peers_at(in->ps, i);

		intel_collection("from", x->id, col);
		if (x != p && store_intel_get(st, col, o->id, 1, origin_row, &s) == ST_OK &&
		    s.origin)
			from = x;
	}
	if (from)
		snprintf(origin, 64, "%s", from->name);
	else if (stixrule_origin(o->json, origin, kid) == ST_OK) {
		from = peers_by_name(in->ps, origin);
		if (from == p)
			return;	/* back to where it came from: not onward */
	} else
		return;
	t->foreign = 1;
	if (from) {
		struct stixrule_terms ft = { 0 };
		enum agreement_onward ow;

		t->onward_ok = terms_for(in, from, &ft, &ow) == ST_OK &&
		    ow == AGREEMENT_ONWARD_WITH_CONSENT;
	}
}

/* The batch a share fills: its rows carry its id and their leaf from the
 * start, and it is kept (staging) once full or at the end of the share. */
struct filling {
	char id[STAMP_UUID_LEN];
	uint8_t leaves[STIXBATCH_MAX][TLOG_HASH];
	size_t n, bytes;
	enum tlp tlp;
};

struct share {
	struct intel *in;
	struct peer *p;
	struct stixrule_terms t;
	char col[INTEL_COLLECTION_MAX];
	intel_result_fn fn;
	void *arg;
	size_t queued;
	int64_t now;
	status rc;
	struct filling *b;
	int foreign_any;	/* some other peer's from: collection holds objects */
};

/* batch_close - keep the batch s fills, if it holds any, as staging. */
static status
batch_close(struct share *s)
{
	struct filling *f = s->b;
	uint8_t root[TLOG_HASH];
	struct store_intel_batch b;
	status rc;

	if (f->n == 0)
		return ST_OK;
	if ((rc = stixbatch_root((const uint8_t (*)[TLOG_HASH])f->leaves, f->n, root)) != ST_OK)
		return rc;
	b = (struct store_intel_batch){ f->id, s->p->id, (int64_t)f->n, root, &f->leaves[0][0],
	    tlp_name(f->tlp), STORE_BATCH_STAGING, "", s->now };
	rc = store_intel_batch_add(node_store(s->in->n), &b);
	f->n = f->bytes = 0;
	f->tlp = TLP_CLEAR;
	f->id[0] = '\0';
	return rc;
}

/* batch_room - the batch to put an object of len bytes in: the one s
 * fills, or a new one when that is full. */
static status
batch_room(struct share *s, size_t len)
{
	struct filling *f = s->b;
	status rc;

	if (f->n && (f->n == STIXBATCH_MAX || f->bytes + len > STIXBATCH_BYTES) &&
	    (rc = batch_close(s)) != ST_OK)
		return rc;
	if (f->n == 0)
		stamp_uuid7(f->id);
	return ST_OK;
}

/* share_one - one object of a document: the rules, then kept and queued. */
static void
share_one(struct share *s, const struct stix_obj *o)
{
	struct store *st = node_store(s->in->n);
	struct intel_result r = { o->index, o->id, o->ok && o->versioned ? o->modified : "",
	    INTEL_REFUSED, STORE_INTEL_NEW, o->why };
	char why[STIXRULE_WHY_MAX], origin[64];
	struct store_intel_in si;
	struct buf out;
	enum tlp label;
	int64_t seq = 0;

	if (o->ok) {
		if (s->foreign_any || stixrule_origin(o->json, origin, why) != ST_NOTFOUND)
			foreign(s->in, s->p, o, &s->t, origin);
		else
			s->t.foreign = s->t.onward_ok = 0;
		buf_init(&out, STORE_INTEL_JSON_MAX);
		s->rc = stixrule_apply(&s->t, o, &out, &label, why);
		if (s->rc == ST_BREACH || s->rc == ST_INVALID) {
			r.why = why;
			s->rc = ST_OK;
		} else if (!s->rc) {
			/* a pseudonymised address has a pseudonymised id: the row is
			 * keyed by the id that leaves */
			json_t *sent = s->t.personal == AGREEMENT_PD_PSEUDONYMISE ?
			    json_loadb(out.p, out.len, 0, NULL) : NULL;
			const char *sid = json_string_value(json_object_get(sent, "id"));

			struct filling *f = s->b;

			s->rc = batch_room(s, out.len);
			si = (struct store_intel_in){ s->col, 0, sid ? sid : o->id, o->type,
			    r.modified, o->versioned ? o->modified_ms : 0, tlp_name(label),
			    o->revoked, out.p, out.len, f->id, (int64_t)f->n };
			if (!s->rc)
				s->rc = store_intel_put_seq(st, &si, s->now, &r.outcome, &seq);
			json_decref(sent);
			if (!s->rc && seq) {
				/* kept: a leaf of the batch (the same version again is
				 * not sent again) */
				tlog_leaf_hash(out.p, out.len, f->leaves[f->n++]);
				f->bytes += out.len;
				if (label > f->tlp)
					f->tlp = label;
			}
			r.verdict = INTEL_QUEUED;
			r.why = NULL;
			s->queued++;
		}
		buf_free(&out);
		if (s->rc)
			return;
	}
	if (r.verdict == INTEL_REFUSED) {
		char where[32];
		struct store_intel_refusal rf = { 0, s->now, s->p->id, 0, o->id, r.why ? r.why :
		    "refused" };

		if (!o->id) {
			snprintf(where, sizeof where, "objects[%zu]", o->index);
			rf.id = where;
		}
		if ((s->rc = store_intel_refuse(st, &rf)) != ST_OK)
			return;
		diag_warn_limit(&s->in->refusals, "sharing with %s: refused %s", s->p->name,
		    rf.why);
	}
	if (s->fn)
		s->fn(s->arg, &r);
}

status
intel_share_doc(struct intel *in, const char *peer, const struct stix_doc *d,
    intel_result_fn fn, void *arg, size_t *queued, char why[static INTEL_WHY_MAX])
{
	struct store *st = node_store(in->n);
	struct share s;
	status rc;

	if (queued)
		*queued = 0;
	why[0] = '\0';
	memset(&s, 0, sizeof s);
	s.in = in;
	s.fn = fn;
	s.arg = arg;
	s.now = stamp_now_ms();
	if (!(s.p = peers_by_name(in->ps, peer))) {
		snprintf(why, INTEL_WHY_MAX, "no peer named %s (parley peer list)", peer);
		return ST_NOTFOUND;
	}
	if (terms_for(in, s.p, &s.t, NULL) != ST_OK) {
		snprintf(why, INTEL_WHY_MAX, "no agreement in force with %s names link %s"
		    " (parley agreement list)", peer, INTEL_LINK);
		return ST_NOTFOUND;
	}
	intel_collection("to", s.p->id, s.col);
	if (!(s.b = calloc(1, sizeof *s.b)))
		return ST_NOMEM;
	/* whether any object here may be foreign: only then is each looked
	 * up in the other peers' from: collections */
	for (size_t i = 0; i < peers_count(in->ps) && !s.foreign_any; i++) {
		struct peer *x = peers_at(in->ps, i);
		char col[INTEL_COLLECTION_MAX];
		int64_t held = 0;

		intel_collection("from", x->id, col);
		s.foreign_any = x != s.p && (store_intel_count(st, col, 0, &held) != ST_OK || held);
	}
	if ((rc = store_begin(st)) != ST_OK) {
		free(s.b);
		snprintf(why, INTEL_WHY_MAX, "store error: %s", status_str(rc));
		return rc;
	}
	for (size_t i = 0; i < stix_count(d) && !s.rc; i++)
		share_one(&s, stix_at(d, i));
	if (!s.rc)
		s.rc = batch_close(&s);
	free(s.b);
	if (s.rc || (s.rc = store_commit(st)) != ST_OK) {
		store_rollback(st);
		snprintf(why, INTEL_WHY_MAX, "store error: %s", status_str(s.rc));
		return s.rc == ST_FULL || s.rc == ST_CORRUPT ? s.rc : ST_DB;
	}
	if (queued)
		*queued = s.queued;
	if (s.queued)
		pump(s.p->slot[in->slot]);
	return ST_OK;
}

status
intel_share(struct intel *in, const char *peer, const char *text, size_t n,
    intel_result_fn fn, void *arg, size_t *queued, char why[static INTEL_WHY_MAX])
{
	char swhy[STIX_WHY_MAX];
	struct stix_doc *d;
	status rc;

	if (queued)
		*queued = 0;
	if ((rc = stix_read(text, n, &d, swhy)) != ST_OK) {
		snprintf(why, INTEL_WHY_MAX, "%s", swhy);
		return rc;
	}
	rc = intel_share_doc(in, peer, d, fn, arg, queued, why);
	stix_free(d);
	return rc;
}

/* ---- batches, out ---- */

/* The stage in flight to a peer, and what follows it. */
struct staging {
	struct ipeer *ip;
	char batch[STAMP_UUID_LEN];
	char tlp[TLP_NAME_MAX];
	struct buf manifest;
};

static void
retry_later(struct ipeer *ip, const char *why)
{
	struct timeval tv;

	snprintf(ip->last_error, sizeof ip->last_error, "%s", why);
	ip->backoff_ms = ip->backoff_ms ? ip->backoff_ms * 2 : RETRY_MIN_MS;
	if (ip->backoff_ms > RETRY_MAX_MS)
		ip->backoff_ms = RETRY_MAX_MS;
	tv.tv_sec = ip->backoff_ms / 1000;
	tv.tv_usec = (ip->backoff_ms % 1000) * 1000;
	evtimer_add(ip->timer, &tv);
}

/* queue_message - the stage is kept at the peer: queue the batch's signed
 * manifest on the cert link, with the batch's new state, in one
 * transaction. */
static status
queue_message(struct staging *sg, const char **why)
{
	struct intel *in = sg->ip->in;
	struct store *st = node_store(in->n);
	char subject[64], id[STAMP_UUID_LEN];
	struct link_msg lm;
	status rc;

	snprintf(subject, sizeof subject, "STIX batch %s", sg->batch);
	lm = (struct link_msg){ sg->ip->peer->name, INTEL_LINK, INTEL_BATCH_TYPE, "routine",
	    subject, sg->manifest.p, sg->manifest.len, sg->tlp, NULL };
	*why = NULL;
	if ((rc = store_begin(st)) != ST_OK)
		return rc;
	rc = link_queue(in->e, &lm, id, why);
	if (!rc)
		rc = store_intel_batch_set(st, sg->batch, STORE_BATCH_SENT, id);
	if (!rc)
		rc = store_commit(st);
	if (rc)
		store_rollback(st);
	link_queue_end(in->e, rc == ST_OK);
	if (!rc)
		link_kick_all(in->e);
	return rc;
}

static void
staged(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct staging *sg = arg;
	struct ipeer *ip = sg->ip;
	const char *why = NULL;
	char line[200];
	status rc;

	(void)body, (void)len;
	ip->busy = 0;
	ip->sg = NULL;
	if (code != ST_OK) {
		snprintf(line, sizeof line, "staging batch %s: %s", sg->batch,
		    error ? error : status_str(code));
		retry_later(ip, line);
	} else if ((rc = queue_message(sg, &why)) != ST_OK) {
		snprintf(line, sizeof line, "batch %s staged, its message not queued: %s",
		    sg->batch, why ? why : status_str(rc));
		diag_warn_limit(&ip->in->refusals, "sharing with %s: %s", ip->peer->name, line);
		retry_later(ip, line);
	} else {
		ip->backoff_ms = 0;
		ip->last_error[0] = '\0';
		event_active(ip->timer, EV_TIMEOUT, 0);	/* the next batch, on the next turn */
	}
	buf_free(&sg->manifest);
	free(sg);
}

/* post_stage - post the stage (manifest, then objs) of batch b to ip. */
static void
post_stage(struct ipeer *ip, const struct store_intel_batch *b, const struct buf *objs)
{
	struct stixbatch_manifest m;
	struct staging *sg = calloc(1, sizeof *sg);
	struct buf body;
	status rc;

	if (!sg)
		return retry_later(ip, "out of memory");
	sg->ip = ip;
	snprintf(sg->batch, sizeof sg->batch, "%s", b->id);
	snprintf(sg->tlp, sizeof sg->tlp, "%s", b->tlp);
	memset(&m, 0, sizeof m);
	snprintf(m.batch, sizeof m.batch, "%s", b->id);
	m.n = b->n;
	memcpy(m.root, b->root, TLOG_HASH);
	buf_init(&sg->manifest, STIXBATCH_MANIFEST_MAX);
	buf_init(&body, STAGE_BODY_MAX);
	rc = stixbatch_manifest(&m, &sg->manifest);
	if (!rc)
		rc = buf_add(&body, sg->manifest.p, sg->manifest.len);
	if (!rc)
		rc = buf_add(&body, "\n", 1);
	if (!rc)
		rc = buf_add(&body, objs->p, objs->len);
	if (!rc && !ip->client)
		rc = http_client_new(ip->in->h, ip->in->tls, ip->peer->pk, ip->peer->name,
		    ip->peer->endpoints, &ip->client);
	if (!rc)
		rc = http_client_post(ip->client, STAGE_PATH, body.p, body.len,
		    HTTP_CLIENT_TIMEOUT_S, staged, sg);
	buf_free(&body);
	if (rc) {
		buf_free(&sg->manifest);
		free(sg);
		return retry_later(ip, status_str(rc));
	}
	ip->busy = 1;
	ip->sg = sg;
}

struct restage {
	struct ipeer *ip;
	int found;
	status rc;
	struct buf *objs;
};

static int
restage_obj(void *arg, const struct store_intel_obj *o)
{
	struct restage *r = arg;

	if ((r->rc = buf_add(r->objs, o->json, o->json_len)) == ST_OK)
		r->rc = buf_add(r->objs, "\n", 1);
	return r->rc != ST_OK;
}

/* restage_one - the oldest batch of ip's made but not yet staged: post
 * its stage (again, after a restart or a failed post). */
static int
restage_one(void *arg, const struct store_intel_batch *b)
{
	struct restage *r = arg;
	char col[INTEL_COLLECTION_MAX];
	struct buf objs;

	if (b->peer_id != r->ip->peer->id)
		return 0;
	r->found = 1;
	intel_collection("to", b->peer_id, col);
	buf_init(&objs, STAGE_BODY_MAX);
	r->objs = &objs;
	r->rc = store_intel_batch_objs(node_store(r->ip->in->n), col, b->id, restage_obj, r);
	if (!r->rc)
		post_stage(r->ip, b, &objs);
	buf_free(&objs);
	return 1;
}

/* pump - move ip's sharing on: stage its oldest batch not yet staged.
 * One stage in flight per peer. */
static void
pump(struct ipeer *ip)
{
	struct restage r = { ip, 0, ST_OK, NULL };
	status rc;

	if (!ip || ip->busy || node_halted(ip->in->n))
		return;
	rc = store_intel_batches(node_store(ip->in->n), STORE_BATCH_STAGING, restage_one, &r);
	if (rc || (r.found && r.rc && r.rc != ST_NOTFOUND))
		retry_later(ip, "store error");
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	pump(arg);
}

/* on_kick - at start: every peer with work. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
	struct intel *in = arg;

	(void)fd, (void)what;
	for (size_t i = 0; i < peers_count(in->ps); i++)
		pump(peers_at(in->ps, i)->slot[in->slot]);
}

/* ---- batches, in ---- */

/* stage_route - POST /v1/intel/stage: a peer's batch, kept until its
 * signed message comes. */
static void
stage_route(void *arg, struct http_req *r)
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

static status
on_admit(void *arg, int64_t peer_id, const struct message *m, char *why, size_t cap)
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

static status
on_accepted(void *arg, int64_t peer_id, const struct message *m, const struct receipt *r)
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

static status
on_delivered(void *arg, int64_t peer_id, const struct receipt *r, int path)
{
	struct intel *in = arg;
	struct store *st = node_store(in->n);
	struct mark k = { 0, "", STORE_BATCH_STAGING };
	status rc;

	(void)peer_id, (void)path;
	if (strcmp(r->link, INTEL_LINK) != 0)
		return ST_OK;
	rc = store_intel_batch_get(st, r->msg, 1, mark_row, &k);
	if (rc == ST_NOTFOUND || (!rc && k.state != STORE_BATCH_SENT))
		return ST_OK;
	return rc ? rc : store_intel_batch_set(st, k.id, STORE_BATCH_DELIVERED, r->msg);
}

/* ---- what a reader is given ---- */

int
intel_delivered(struct intel *in, int64_t peer_id, const char *id, int64_t version_ms,
    const uint8_t hash[static STORE_INTEL_HASH])
{
	char col[INTEL_COLLECTION_MAX];
	int state;

	intel_collection("to", peer_id, col);
	return store_intel_state(node_store(in->n), col, id, version_ms, hash, &state) == ST_OK &&
	    state == STORE_BATCH_DELIVERED;
}

status
intel_render(struct intel *in, const struct store_intel_obj *o, struct buf *out)
{
	char at[STAMP_TIME_LEN], name[32];
	struct peer *p;

	if (o->origin <= 0)
		return buf_add(out, o->json, o->json_len);
	p = peers_by_id(in->ps, o->origin);
	snprintf(name, sizeof name, "peer #%lld", (long long)o->origin);
	stamp_format(o->added_ms, at);
	return stixrule_with_origin((const char *)o->json, o->json_len, p ? p->name : name,
	    p ? p->kid : "", at, out);
}

/* ---- the registry's hooks ---- */

static status
added(void *arg, struct peer *p)
{
	struct intel *in = arg;
	struct ipeer *ip = calloc(1, sizeof *ip);

	if (!ip || !(ip->timer = evtimer_new(in->base, on_timer, ip))) {
		free(ip);
		return ST_NOMEM;
	}
	ip->in = in;
	ip->peer = p;
	p->slot[in->slot] = ip;
	return ST_OK;
}

static void
ipeer_free(struct ipeer *ip)
{
	if (!ip)
		return;
	http_client_free(ip->client);	/* a request in flight is dropped */
	if (ip->sg) {
		buf_free(&ip->sg->manifest);
		free(ip->sg);
	}
	event_free(ip->timer);
	free(ip);
}

static void
removed(void *arg, struct peer *p)
{
	struct intel *in = arg;

	ipeer_free(p->slot[in->slot]);
	p->slot[in->slot] = NULL;
}

static status
changed(void *arg, struct peer *p)
{
	struct intel *in = arg;
	struct ipeer *ip = p->slot[in->slot];

	if (ip && !ip->busy) {
		http_client_free(ip->client);
		ip->client = NULL;
	}
	return ST_OK;
}

static void
heard(void *arg, struct peer *p)
{
	struct intel *in = arg;
	struct ipeer *ip = p->slot[in->slot];

	if (ip && ip->last_error[0] && !ip->busy && evtimer_pending(ip->timer, NULL)) {
		evtimer_del(ip->timer);
		ip->backoff_ms = 0;
		pump(ip);
	}
}

status
intel_new(struct event_base *base, struct node *n, struct http *h, struct peers *ps,
    struct link_engine *e, struct tlsctx *tls, struct intel **out)
{
	static const struct peers_hooks hooks = { added, heard, changed, removed };
	static const struct node_msg_hooks mh = { NULL, on_accepted, on_delivered, on_admit };
	struct intel *in = calloc(1, sizeof *in);
	status rc;

	*out = NULL;
	if (!in)
		return ST_NOMEM;
	in->base = base;
	in->n = n;
	in->h = h;
	in->ps = ps;
	in->e = e;
	in->tls = tls;
	in->slot = -1;
	if ((rc = load_key(in)) != ST_OK ||
	    (rc = node_msg_hooks_add(n, &mh, in)) != ST_OK) {
		free(in);
		return rc;
	}
	if (ps && (rc = peers_hook(ps, &hooks, in, &in->slot)) != ST_OK) {
		intel_free(in);
		return rc;
	}
	{
		char why[STIX_WHY_MAX];
		struct buf b;

		buf_init(&b, 1u << 16);
		if (stixrule_extension_definition(&b) != ST_OK ||
		    stix_read(b.p, b.len, &in->extdef, why) != ST_OK || stix_count(in->extdef) != 1 ||
		    !stix_at(in->extdef, 0)->ok)
			diag_panic("intel: parley's extension definition does not read");
		buf_free(&b);
	}
	if (base && (in->kick = evtimer_new(base, on_kick, in)))
		event_active(in->kick, EV_TIMEOUT, 0);
	*out = in;
	return ST_OK;
}

void
intel_free(struct intel *in)
{
	if (!in)
		return;
	node_msg_hooks_remove(in->n, in);
	for (size_t i = 0; in->slot >= 0 && i < peers_count(in->ps); i++) {
		struct peer *p = peers_at(in->ps, i);

		ipeer_free(p->slot[in->slot]);
		p->slot[in->slot] = NULL;
	}
	intel_cancel(in, NULL);
	if (in->kick)
		event_free(in->kick);
	sodium_memzero(in->key, sizeof in->key);
	stix_free(in->extdef);
	free(in);
}

status
intel_routes(struct intel *in, struct http_listener *l)
{
	status rc = http_route(l, HTTP_POST, STAGE_PATH, STAGE_BODY_MAX, stage_route, in);

	return rc ? rc : http_route(l, HTTP_GET, VERSIONS_PATH, 0, versions_route, in);
}

/* ---- reconcile: what each side holds of the other's ---- */

/* versions_text - append the versions of collection (delivered ones only
 * when delivered_only) as lines "ID VERSION_MS HASHHEX\n", sorted. */
struct vtext {
	struct buf *out;
	status rc;
};

static int
vline(void *arg, const char *id, int64_t version_ms, const uint8_t *hash)
{
	struct vtext *v = arg;
	char hex[2 * STORE_INTEL_HASH + 1];

	if (strcmp(id, STIXRULE_ORIGIN_EXT) == 0)
		return 0;	/* the receiver's own addition to from:PEER */
	sodium_bin2hex(hex, sizeof hex, hash, STORE_INTEL_HASH);
	v->rc = buf_addf(v->out, "%s %lld %s\n", id, (long long)version_ms, hex);
	return v->rc != ST_OK;
}

static status
versions_text(struct intel *in, const char *kind, int64_t peer_id, struct buf *out)
{
	char col[INTEL_COLLECTION_MAX];
	struct vtext v = { out, ST_OK };
	status rc;

	intel_collection(kind, peer_id, col);
	rc = store_intel_versions(node_store(in->n), col, strcmp(kind, "to") == 0, vline, &v);
	return rc ? rc : v.rc;
}

/* versions_route - GET /v1/intel/versions?side=from|to: what this node
 * holds from the caller (side=from), or has shared with it and had
 * receipted (side=to). */
static void
versions_route(void *arg, struct http_req *r)
{
	struct intel *in = arg;
	struct peer *p = peers_by_key(in->ps, http_req_peer(r));
	const char *side = http_req_query(r, "side");
	struct buf out;
	status rc;

	if (!p) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	if (!side || (strcmp(side, "from") != 0 && strcmp(side, "to") != 0)) {
		http_reply_error(r, ST_INVALID, "side must be from or to");
		return;
	}
	buf_init(&out, HTTP_REQUEST_MAX);
	rc = versions_text(in, side, p->id, &out);
	if (rc)
		http_reply_error(r, rc == ST_TOOBIG ? ST_TOOBIG : ST_DB, status_str(rc));
	else
		http_reply(r, ST_OK, "text/plain", out.len ? out.p : "", out.len);
	buf_free(&out);
}

/* One side's comparison: lines held here against lines held there. */
static json_t *
compare(const struct buf *here, const char *there, size_t tn)
{
	const char *a = here->len ? here->p : "", *b = there;
	size_t an = here->len, bn = tn, nh = 0, nt = 0;
	uint8_t dh[crypto_hash_sha256_BYTES], dt[crypto_hash_sha256_BYTES];
	char hh[2 * sizeof dh + 1], ht[2 * sizeof dt + 1];
	json_t *missing = json_array(), *extra = json_array();

	crypto_hash_sha256(dh, (const uint8_t *)a, an);
	crypto_hash_sha256(dt, (const uint8_t *)b, bn);
	sodium_bin2hex(hh, sizeof hh, dh, sizeof dh);
	sodium_bin2hex(ht, sizeof ht, dt, sizeof dt);
	/* a merge of the two sorted lists of lines */
	while (an || bn) {
		const char *ae = an ? memchr(a, '\n', an) : NULL, *be = bn ? memchr(b, '\n', bn) : NULL;
		size_t al = ae ? (size_t)(ae - a) : an, bl = be ? (size_t)(be - b) : bn;
		int c = !an ? 1 : !bn ? -1 : memcmp(a, b, al < bl ? al : bl);

		if (c == 0 && al != bl)
			c = al < bl ? -1 : 1;
		if (c <= 0 && an) {
			nh++;
			if (c < 0 && json_array_size(missing) < DIFFS_MAX)
				json_array_append_new(missing, json_stringn(a, strcspn(a, " ")));
		}
		if (c >= 0 && bn) {
			nt++;
			if (c > 0 && json_array_size(extra) < DIFFS_MAX)
				json_array_append_new(extra, json_stringn(b, strcspn(b, " ")));
		}
		if (c <= 0 && an) {
			a += al + (ae != NULL);
			an -= al + (ae != NULL);
		}
		if (c >= 0 && bn) {
			b += bl + (be != NULL);
			bn -= bl + (be != NULL);
		}
	}
	return json_pack("{s:I, s:I, s:s, s:s, s:b, s:o, s:o}", "here", (json_int_t)nh,
	    "there", (json_int_t)nt, "digest_here", hh, "digest_there", ht,
	    "same", strcmp(hh, ht) == 0, "missing_there", missing, "only_there", extra);
}

struct reconcile {
	struct intel *in;
	struct peer *p;
	struct http_client *client;
	intel_reconcile_fn fn;
	void *arg;
	int step;		/* 0: asking side=from; 1: side=to */
	json_t *report;
	struct reconcile *next;
};

static void reconcile_done(void *arg, status code, const char *body, size_t len,
    const char *error);

/* reconcile_unlink - take rc off the list in flight. */
static void
reconcile_unlink(struct reconcile *rc)
{
	for (struct reconcile **pp = &rc->in->reconciles; *pp; pp = &(*pp)->next)
		if (*pp == rc) {
			*pp = rc->next;
			break;
		}
}

static void
reconcile_free(struct reconcile *rc)
{
	json_decref(rc->report);
	http_client_free(rc->client);
	free(rc);
}

static void
reconcile_end(struct reconcile *rc, const char *error)
{
	reconcile_unlink(rc);
	rc->fn(rc->arg, error ? NULL : rc->report, error);
	reconcile_free(rc);
}

static void
reconcile_done(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct reconcile *rc = arg;
	struct buf here;
	char line[256];
	status r;

	if (code != ST_OK) {
		snprintf(line, sizeof line, "%s did not answer: %s", rc->p->name,
		    error ? error : status_str(code));
		reconcile_end(rc, line);
		return;
	}
	buf_init(&here, HTTP_REQUEST_MAX);
	/* step 0: what the peer holds from us, against what we shared and
	 * had receipted; step 1: what it shared with us, against ours */
	r = versions_text(rc->in, rc->step == 0 ? "to" : "from", rc->p->id, &here);
	if (r) {
		buf_free(&here);
		reconcile_end(rc, "store error");
		return;
	}
	json_object_set_new(rc->report, rc->step == 0 ? "shared" : "received",
	    compare(&here, body ? body : "", body ? len : 0));
	buf_free(&here);
	if (rc->step++ == 0 && http_client_get(rc->client, VERSIONS_PATH "?side=to",
	    HTTP_CLIENT_TIMEOUT_S, reconcile_done, rc) == ST_OK)
		return;
	if (rc->step == 1) {
		reconcile_end(rc, "cannot ask the peer");
		return;
	}
	reconcile_end(rc, NULL);
}

struct inflight {
	int64_t peer_id, n;
};

/* The objects of a peer's batches in one state. */

static int
inflight_row(void *arg, const struct store_intel_batch *b)
{
	struct inflight *f = arg;

	f->n += b->peer_id == f->peer_id ? b->n : 0;
	return 0;
}

status
intel_reconcile(struct intel *in, const char *peer, intel_reconcile_fn fn, void *arg,
    char why[static INTEL_WHY_MAX])
{
	struct peer *p = peers_by_name(in->ps, peer);
	struct reconcile *rc;
	struct inflight f = { 0, 0 }, q = { 0, 0 };
	status r;

	if (!p) {
		snprintf(why, INTEL_WHY_MAX, "no peer named %s (parley peer list)", peer);
		return ST_NOTFOUND;
	}
	f.peer_id = q.peer_id = p->id;
	if (store_intel_batches(node_store(in->n), STORE_BATCH_STAGING, inflight_row, &q) ||
	    store_intel_batches(node_store(in->n), STORE_BATCH_SENT, inflight_row, &f)) {
		snprintf(why, INTEL_WHY_MAX, "store error");
		return ST_DB;
	}
	if (!(rc = calloc(1, sizeof *rc)))
		return ST_NOMEM;
	rc->in = in;
	rc->p = p;
	rc->fn = fn;
	rc->arg = arg;
	rc->report = json_pack("{s:s, s:I, s:I}", "peer", p->name, "on_the_way", (json_int_t)f.n,
	    "queued", (json_int_t)q.n);
	r = http_client_new(in->h, in->tls, p->pk, p->name, p->endpoints, &rc->client);
	if (!r)
		r = http_client_get(rc->client, VERSIONS_PATH "?side=from", HTTP_CLIENT_TIMEOUT_S,
		    reconcile_done, rc);
	if (r) {
		reconcile_free(rc);
		snprintf(why, INTEL_WHY_MAX, "cannot ask %s: %s", p->name, status_str(r));
		return r;
	}
	rc->next = in->reconciles;
	in->reconciles = rc;
	return ST_OK;
}

/* ---- one object's evidence ---- */

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
intel_cancel(struct intel *in, void *arg)
{
	for (struct reconcile **pp = &in->reconciles; *pp;) {
		struct reconcile *rc = *pp;

		if (arg && rc->arg != arg) {
			pp = &rc->next;
			continue;
		}
		*pp = rc->next;
		reconcile_free(rc);
	}
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
