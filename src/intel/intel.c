/* intel.c - CERT-to-CERT sharing of STIX 2.1 objects (intel.h).
 *
 * FIRST CUT: objects are checked and kept in to:PEERID; batching, the
 * rules and the peer routes follow in this file (issue 16).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/stix.h"
#include "intel/intel.h"
#include "util/stamp.h"

struct intel {
	struct event_base *base;
	struct node *n;
	struct http *h;
	struct peers *ps;
	struct link_engine *e;
};

status
intel_new(struct event_base *base, struct node *n, struct http *h, struct peers *ps,
    struct link_engine *e, struct intel **out)
{
	struct intel *in = calloc(1, sizeof *in);

	*out = NULL;
	if (!in)
		return ST_NOMEM;
	in->base = base;
	in->n = n;
	in->h = h;
	in->ps = ps;
	in->e = e;
	*out = in;
	return ST_OK;
}

void
intel_free(struct intel *in)
{
	free(in);
}

void
intel_collection(const char *kind, int64_t peer_id, char out[static INTEL_COLLECTION_MAX])
{
	snprintf(out, INTEL_COLLECTION_MAX, "%s:%lld", kind, (long long)peer_id);
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

status
intel_share_doc(struct intel *in, const char *peer, const struct stix_doc *d,
    intel_result_fn fn, void *arg, size_t *queued, char why[static INTEL_WHY_MAX])
{
	struct store *st = node_store(in->n);
	struct peer *p = peers_by_name(in->ps, peer);
	char col[INTEL_COLLECTION_MAX];
	int64_t now = stamp_now_ms();
	size_t q = 0;
	status rc;

	if (queued)
		*queued = 0;
	why[0] = '\0';
	if (!p) {
		snprintf(why, INTEL_WHY_MAX, "no peer named %s", peer);
		return ST_NOTFOUND;
	}
	intel_collection("to", p->id, col);
	if ((rc = store_begin(st)) != ST_OK)
		return rc;
	for (size_t i = 0; i < stix_count(d) && !rc; i++) {
		const struct stix_obj *o = stix_at(d, i);
		struct intel_result r = { i, o->id, o->versioned ? o->modified : "",
		    INTEL_REFUSED, STORE_INTEL_NEW, o->why };
		struct store_intel_in si;
		char *js;

		if (o->ok) {
			if (!(js = json_dumps(o->json, JSON_COMPACT | JSON_SORT_KEYS))) {
				rc = ST_NOMEM;
				break;
			}
			si = (struct store_intel_in){ col, 0, o->id, o->type, r.modified,
			    o->versioned ? o->modified_ms : 0, stix_tlp_name(o), o->revoked, js,
			    strlen(js) };
			rc = store_intel_put(st, &si, now, &r.outcome);
			free(js);
			r.verdict = INTEL_QUEUED;
			q++;
		}
		if (!rc && fn)
			fn(arg, &r);
	}
	if (rc || (rc = store_commit(st)) != ST_OK) {
		store_rollback(st);
		snprintf(why, INTEL_WHY_MAX, "store error");
		return ST_DB;
	}
	if (queued)
		*queued = q;
	return ST_OK;
}

int
intel_delivered(struct intel *in, int64_t peer_id, const char *id, int64_t version_ms,
    const uint8_t hash[static STORE_INTEL_HASH])
{
	(void)in, (void)peer_id, (void)id, (void)version_ms, (void)hash;
	return 0;
}

status
intel_render(struct intel *in, const struct store_intel_obj *o, struct buf *out)
{
	(void)in;
	return buf_add(out, o->json, o->json_len);
}
