/* intel_reconcile.c - what each side holds of the other's (intel.h,
 * intel_reconcile): the versions of a collection as sorted lines, served
 * to the peer (GET /v1/intel/versions) and compared with its.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "intel/intel_int.h"
#include "net/http_client.h"

#define DIFFS_MAX 20		/* differences a reconcile names per side */

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
void
intel_versions_route(void *arg, struct http_req *r)
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

/* The objects of a peer's batches in one state, counted. */
struct inflight {
	int64_t peer_id, n;
};

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


void
intel_reconcile_cancel(struct intel *in, void *arg)
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
}
