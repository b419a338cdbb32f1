/* taxii_post.c - adding objects (TAXII 2.1 section 5.4, POST) and the
 * status resource that tells what became of them (section 4.3).
 *
 * To "local", the accepted objects are kept in one transaction committed
 * with fsync, and the status is complete at once.  To "to PEER", the
 * envelope goes to the sharing service (intel_share_doc), which keeps what
 * the agreement allows, queued, and refuses the rest with its reason; an
 * object queued is pending until intel_delivered says the version kept in
 * to:PEERID has reached the peer.  A status is kept in the store (entries
 * as JSON: id, version, its ms and hash, state, message), so it is read
 * after a restart; only its poster, or a user granted everything, reads
 * it.
 *
 * SECURITY: the body is read by fmt/stix.h's strict reader, within
 * taxii_max_body (the route's limit); nothing is answered 202 before the
 * objects and their status are committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fmt/stix.h"
#include "fmt/taxiireq.h"
#include "taxii/taxii_int.h"
#include "util/diag.h"
#include "util/stamp.h"

/* What a POST builds: one entry per object. */
struct post {
	struct taxii *t;
	const struct taxii_col *c;
	const struct stix_doc *d;
	json_t *entries;
	status rc;
};

/* entry - {id, version, ms, state, message?} appended to p->entries. */
static void
entry(struct post *p, const char *id, const char *version, int64_t ms, const char *state,
    const char *message)
{
	json_t *e = json_pack("{s:s, s:s, s:I, s:s, s:s}", "id", id ? id : "", "version",
	    version ? version : "", "ms", (json_int_t)ms, "state", state, "message",
	    message ? message : "");

	if (!e || json_array_append_new(p->entries, e) != 0)
		p->rc = ST_NOMEM;
}

/* post_local - keep d's accepted objects in c, in one transaction. */
static status
post_local(struct post *p)
{
	struct store *st = node_store(taxii_node(p->t));
	int64_t now = stamp_now_ms();
	status rc = store_begin(st);

	for (size_t i = 0; !rc && i < stix_count(p->d); i++) {
		const struct stix_obj *o = stix_at(p->d, i);
		enum store_intel_outcome out;

		if (!o->ok) {
			entry(p, o->id, o->versioned ? o->modified : "", 0, "failure", o->why);
			continue;
		}
		rc = store_intel_put_stix(st, p->c->store, 0, o, now, &out);
		if (!rc)
			entry(p, o->id, o->versioned ? o->modified : "", o->modified_ms, "success",
			    NULL);
	}
	if (!rc)
		rc = p->rc;
	if (rc || (rc = store_commit(st)) != ST_OK)
		store_rollback(st);
	return rc;
}

static void
shared(void *arg, const struct intel_result *r)
{
	struct post *p = arg;
	const struct stix_obj *o = stix_at(p->d, r->index);

	if (r->verdict == INTEL_REFUSED)
		entry(p, r->id, r->modified, 0, "failure", r->why ? r->why : "refused");
	else
		entry(p, r->id, r->modified, o->versioned ? o->modified_ms : 0, "pending", NULL);
}

/* hash_of - the hash of the version (id, ms) kept in collection: the
 * newest row of it (a conflict keeps two). */
struct hash_arg {
	int64_t ms;
	char hex[2 * STORE_INTEL_HASH + 1];
};

static int
hash_row(void *arg, const struct store_intel_obj *o)
{
	struct hash_arg *h = arg;

	if (o->version_ms == h->ms)
		sodium_bin2hex(h->hex, sizeof h->hex, o->hash, STORE_INTEL_HASH);
	return 0;
}

/* post_peer - share d with c's peer; each pending entry gets its hash. */
static status
post_peer(struct post *p)
{
	char why[INTEL_WHY_MAX];
	size_t i;
	json_t *e;
	status rc;

	rc = intel_share_doc(taxii_intel(p->t), p->c->peer, p->d, shared, p, NULL, why);
	if (rc == ST_NOTFOUND || rc == ST_BREACH || rc == ST_LINK) {
		/* nothing may go to this peer: every object fails, with the reason */
		json_array_clear(p->entries);
		for (size_t k = 0; k < stix_count(p->d); k++) {
			const struct stix_obj *o = stix_at(p->d, k);

			entry(p, o->id, o->versioned ? o->modified : "", 0, "failure",
			    why[0] ? why : status_str(rc));
		}
		return p->rc;
	}
	if (rc)
		return rc;
	json_array_foreach(p->entries, i, e) {
		struct hash_arg h = { 0, "" };
		const char *id = json_string_value(json_object_get(e, "id"));

		if (strcmp(json_string_value(json_object_get(e, "state")), "pending") != 0)
			continue;
		h.ms = json_integer_value(json_object_get(e, "ms"));
		if (store_intel_get(node_store(taxii_node(p->t)), p->c->store, id, 1, hash_row,
		    &h) != ST_OK || !h.hex[0])
			diag_warn("taxii: %s shared but not found in %s", id, p->c->store);
		json_object_set_new(e, "hash", json_string(h.hex));
	}
	return p->rc;
}

/* ---- the status resource ---- */

/* refresh - pending entries of a status to peer_id whose version has
 * reached the peer become successes; 1 when one did. */
static int
refresh(struct taxii *t, int64_t peer_id, json_t *entries)
{
	size_t i;
	json_t *e;
	int changed = 0;

	json_array_foreach(entries, i, e) {
		uint8_t hash[STORE_INTEL_HASH];
		const char *hex = json_string_value(json_object_get(e, "hash"));
		size_t n = 0;

		if (strcmp(json_string_value(json_object_get(e, "state")), "pending") != 0 ||
		    !hex || sodium_hex2bin(hash, sizeof hash, hex, strlen(hex), NULL, &n,
		    NULL) != 0 || n != sizeof hash)
			continue;
		if (intel_delivered(taxii_intel(t), peer_id, json_string_value(json_object_get(e,
		    "id")), json_integer_value(json_object_get(e, "ms")), hash)) {
			json_object_set_new(e, "state", json_string("success"));
			changed = 1;
		}
	}
	return changed;
}

/* resource - the status resource of id, made at made_ms, from entries. */
static json_t *
resource(const char *id, int64_t made_ms, const json_t *entries)
{
	json_t *ok = json_array(), *bad = json_array(), *wait = json_array(), *e;
	char when[STAMP_TIME_LEN];
	size_t i;

	stamp_format(made_ms, when);
	json_array_foreach(entries, i, e) {
		const char *state = json_string_value(json_object_get(e, "state"));
		json_t *d = json_pack("{s:O}", "id", json_object_get(e, "id"));
		const char *v = json_string_value(json_object_get(e, "version"));

		if (d && v && v[0])
			json_object_set_new(d, "version", json_string(v));
		if (d && strcmp(state, "failure") == 0) {
			json_object_set(d, "message", json_object_get(e, "message"));
			json_array_append_new(bad, d);
		} else {
			json_array_append_new(strcmp(state, "success") == 0 ? ok : wait, d);
		}
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:o, s:I, s:o}", "id", id,
	    "status", json_array_size(wait) ? "pending" : "complete", "request_timestamp", when,
	    "total_count", (json_int_t)json_array_size(entries), "success_count",
	    (json_int_t)json_array_size(ok), "successes", ok, "failure_count",
	    (json_int_t)json_array_size(bad), "failures", bad, "pending_count",
	    (json_int_t)json_array_size(wait), "pendings", wait);
}

/* keep - store the status (id, entries) of user's post to the store
 * collection col (of peer_id; 0 local). */
static status
keep(struct taxii *t, const char *id, const char *user, const char *col, int64_t peer_id,
    int64_t made_ms, const json_t *entries)
{
	char *text = json_dumps(entries, JSON_COMPACT);
	struct store_taxii_status s = { id, user, col, peer_id, made_ms, text };
	status rc;

	if (!text)
		return ST_NOMEM;
	rc = store_taxii_status_put(node_store(taxii_node(t)), &s);
	free(text);
	return rc;
}

void
taxii_post(struct taxii *t, struct http_req *r, const struct taxii_who *who,
    const struct taxii_col *c)
{
	char why[STIX_WHY_MAX], id[STAMP_UUID_LEN];
	struct post p = { t, c, NULL, json_array(), ST_OK };
	struct stix_doc *d = NULL;
	int64_t now = stamp_now_ms();
	const char *body;
	size_t len;
	status rc;

	if (!p.entries) {
		taxii_error(r, ST_NOMEM, "Out of memory", NULL);
		return;
	}
	if (!c->can_write)
		rc = ST_FORBIDDEN, snprintf(why, sizeof why, "this collection cannot be written to,"
		    " or your grants do not let you write to it");
	else if (taxiireq_content_type(http_req_header(r, "Content-Type")) != ST_OK)
		rc = ST_MEDIA_TYPE, snprintf(why, sizeof why, "post an envelope as " TAXII_MEDIA);
	else
		body = http_req_body(r, &len), rc = stix_read_envelope(body, len, &d, why);
	if (!rc) {
		p.d = d;
		rc = c->peer_id ? post_peer(&p) : post_local(&p);
		snprintf(why, sizeof why, "%s", status_str(rc));
	}
	if (!rc && c->peer_id)
		refresh(t, c->peer_id, p.entries);	/* delivered already, perhaps */
	stamp_uuid7(id);
	if (!rc)
		rc = keep(t, id, who->name, c->store, c->peer_id, now, p.entries);
	stix_free(d);
	if (rc) {
		json_decref(p.entries);
		taxii_error(r, rc == ST_PARSE || rc == ST_TOOBIG ? ST_INVALID : rc,
		    rc == ST_FORBIDDEN ? "Not writable" : rc == ST_MEDIA_TYPE ?
		    "Unsupported media type" : rc == ST_PARSE || rc == ST_INVALID ||
		    rc == ST_TOOBIG ? "Bad envelope" : "Cannot keep the objects", why);
		return;
	}
	diag_info("taxii: %s posted %zu objects to %s (status %s)", who->name,
	    json_array_size(p.entries), c->title, id);
	taxii_json(r, ST_ACCEPTED, resource(id, now, p.entries));
	json_decref(p.entries);
}

struct status_row {
	int found;
	char user[STORE_TAXII_NAME_MAX + 1];
	int64_t peer_id, made_ms;
	json_t *entries;
	char collection[INTEL_COLLECTION_MAX];
};

static int
status_row(void *arg, const struct store_taxii_status *s)
{
	struct status_row *x = arg;

	x->found = 1;
	snprintf(x->user, sizeof x->user, "%s", s->user);
	snprintf(x->collection, sizeof x->collection, "%s", s->collection);
	x->peer_id = s->peer_id;
	x->made_ms = s->made_ms;
	x->entries = json_loads(s->json, 0, NULL);
	return 1;
}

void
taxii_on_status(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	const char *sid = http_req_param(r, "sid");
	struct status_row x;
	struct taxii_who who;

	if (taxii_enter(t, r, &who))
		return;
	memset(&x, 0, sizeof x);
	if (!sid || !stamp_is_uuid(sid) ||
	    store_taxii_status_get(node_store(taxii_node(t)), sid, status_row,
	    &x) != ST_OK || !x.entries || (strcmp(x.user, who.name) != 0 && !taxii_admin(&who))) {
		json_decref(x.entries);
		taxii_error(r, ST_NOTFOUND, "No such status", "no status with this id was made"
		    " for you");
		return;
	}
	if (x.peer_id && refresh(t, x.peer_id, x.entries) &&
	    keep(t, sid, x.user, x.collection, x.peer_id, x.made_ms, x.entries) != ST_OK)
		diag_warn("taxii: cannot keep status %s again", sid);
	taxii_json(r, ST_OK, resource(sid, x.made_ms, x.entries));
	json_decref(x.entries);
}
