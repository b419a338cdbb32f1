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
 * SECURITY: what a peer sends is taken in by intel_in.c, which says how.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>
#include <sys/stat.h>

#include "intel/intel_int.h"
#include "net/http_client.h"
#include "node/policy.h"
#include "util/file.h"
#include "util/stamp.h"

#define RETRY_MIN_MS 500
#define RETRY_MAX_MS 30000
#define KEY_FILE "intel.key"

static void pump(struct ipeer *ip);

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
	if (!rc) {
		if (in->unreceipted != SIZE_MAX)
			in->unreceipted++;
		rc = store_intel_batch_set(st, sg->batch, STORE_BATCH_SENT, id);
	}
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

/* count_batch - one more batch in *arg (a size_t). */
static int
count_batch(void *arg, const struct store_intel_batch *b)
{
	(void)b;
	++*(size_t *)arg;
	return 0;
}

status
intel_new(struct event_base *base, struct node *n, struct http *h, struct peers *ps,
    struct link_engine *e, struct tlsctx *tls, struct intel **out)
{
	static const struct peers_hooks hooks = { added, heard, changed, removed };
	static const struct node_msg_hooks mh = { NULL, intel_on_accepted, intel_on_delivered, intel_on_admit };
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
	if (store_intel_batches(node_store(n), STORE_BATCH_SENT, count_batch,
	    &in->unreceipted) != ST_OK)
		in->unreceipted = SIZE_MAX;	/* unknown: every receipt is looked up */
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
	status rc = http_route(l, HTTP_POST, STAGE_PATH, STAGE_BODY_MAX, intel_stage_route, in);

	return rc ? rc : http_route(l, HTTP_GET, VERSIONS_PATH, 0, intel_versions_route, in);
}


void
intel_cancel(struct intel *in, void *arg)
{
	intel_reconcile_cancel(in, arg);
	intel_evidence_cancel(in, arg);
}
