/* taxii_post.c - adding objects (TAXII 2.1 section 5.4, POST) and the
 * status resource that tells what became of them (section 4.3).
 *
 * To "local", the accepted objects and the status are kept in one
 * transaction committed with fsync, and the status is complete at once.  To "to PEER", the
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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fmt/jtext.h"
#include "fmt/stix.h"
#include "fmt/taxiireq.h"
#include "taxii/taxii_int.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/stamp.h"

/* What a POST builds: one entry per object, in the order of the
 * envelope.  The entries are plain rows whose strings are kept in one
 * buffer (offsets, as the buffer moves when it grows), written out as
 * text twice: the kept status (status_text) and the answer
 * (resource_text): as jansson objects, 1,000 per POST built and dumped
 * twice, they were about 6 % of a POST's CPU (docs/BENCHMARKS.md). */
enum state { ENT_SUCCESS, ENT_FAILURE, ENT_PENDING };

#define NO_TEXT SIZE_MAX	/* an entry without that string */

struct entry {
	size_t id, version, message;	/* offsets in the strings buffer, or NO_TEXT */
	int64_t ms;
	enum state state;
	int hashed;			/* hash was set (post_peer), maybe "" */
	char hash[2 * STORE_INTEL_HASH + 1];
};

struct entries {
	struct entry *v;
	size_t n, cap;
	struct buf strs;	/* the entries' strings, each NUL-terminated */
	status rc;		/* the first failure to add one */
};

static const char *const state_names[] = { "success", "failure", "pending" };

/* ents_free - release e's storage; e is empty after. */
static void
ents_free(struct entries *e)
{
	free(e->v);
	buf_free(&e->strs);
	e->v = NULL;
	e->n = e->cap = 0;
}

/* str_at - the string at offset off ("" for NO_TEXT). */
static const char *
str_at(const struct entries *e, size_t off)
{
	return off == NO_TEXT ? "" : e->strs.p + off;
}

/* keep_str - s copied into e's strings; its offset, or NO_TEXT when s is
 * NULL or it cannot be kept (e->rc says so). */
static size_t
keep_str(struct entries *e, const char *s)
{
	size_t off = e->strs.len;

	if (!s)
		return NO_TEXT;
	if (!e->rc && (e->rc = buf_add(&e->strs, s, strlen(s) + 1)) != ST_OK)
		return NO_TEXT;
	return e->rc ? NO_TEXT : off;
}

/* ent_add - {id, version, ms, state, message?} appended to e. */
static void
ent_add(struct entries *e, const char *id, const char *version, int64_t ms,
    enum state state, const char *message)
{
	struct entry *x;

	if (e->rc)
		return;
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;

		if (!(x = realloc(e->v, cap * sizeof *x))) {
			e->rc = ST_NOMEM;
			return;
		}
		e->v = x;
		e->cap = cap;
	}
	x = &e->v[e->n];
	*x = (struct entry){ keep_str(e, id ? id : ""), keep_str(e, version ? version : ""),
		keep_str(e, message ? message : ""), ms, state, 0, "" };
	if (!e->rc)
		e->n++;
}

/* What a POST builds. */
struct post {
	struct taxii *t;
	const struct taxii_col *c;
	const struct stix_doc *d;
	struct entries *entries;
	status rc;
	const char *sid, *user;	/* the status resource's id, the poster */
	int64_t made_ms;	/* when the POST came */
};

static status keep(struct taxii *t, const char *id, const char *user, const char *col,
    int64_t peer_id, int64_t made_ms, const struct entries *ents);

/* entry - {id, version, ms, state, message?} appended to p->entries. */
static void
entry(struct post *p, const char *id, const char *version, int64_t ms, enum state state,
    const char *message)
{
	ent_add(p->entries, id, version, ms, state, message);
	if (p->entries->rc)
		p->rc = p->entries->rc;
}

/* post_local - keep d's accepted objects in c, and the status of the
 * POST, in one transaction. */
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
			entry(p, o->id, o->versioned ? o->modified : "", 0, ENT_FAILURE, o->why);
			continue;
		}
		rc = store_intel_put_stix(st, p->c->store, 0, o, now, &out);
		if (!rc)
			entry(p, o->id, o->versioned ? o->modified : "", o->modified_ms, ENT_SUCCESS,
			    NULL);
	}
	if (!rc)
		rc = p->rc;
	/* the status in the same transaction: one commit (fsync) per POST */
	if (!rc)
		rc = keep(p->t, p->sid, p->user, p->c->store, 0, p->made_ms, p->entries);
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
		entry(p, r->id, r->modified, 0, ENT_FAILURE, r->why ? r->why : "refused");
	else
		entry(p, r->id, r->modified, o->versioned ? o->modified_ms : 0, ENT_PENDING, NULL);
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
	status rc;

	rc = intel_share_doc(taxii_intel(p->t), p->c->peer, p->d, shared, p, NULL, why);
	if (rc == ST_NOTFOUND || rc == ST_BREACH || rc == ST_LINK) {
		/* nothing may go to this peer: every object fails, with the reason */
		p->entries->n = 0;
		for (size_t k = 0; k < stix_count(p->d); k++) {
			const struct stix_obj *o = stix_at(p->d, k);

			entry(p, o->id, o->versioned ? o->modified : "", 0, ENT_FAILURE,
			    why[0] ? why : status_str(rc));
		}
		return p->rc;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < p->entries->n; i++) {
		struct entry *e = &p->entries->v[i];
		struct hash_arg h = { e->ms, "" };
		const char *id = str_at(p->entries, e->id);

		if (e->state != ENT_PENDING)
			continue;
		if (store_intel_get(node_store(taxii_node(p->t)), p->c->store, id, 1, hash_row,
		    &h) != ST_OK || !h.hex[0])
			diag_warn("taxii: %s shared but not found in %s", id, p->c->store);
		memcpy(e->hash, h.hex, sizeof e->hash);
		e->hashed = 1;
	}
	return p->rc;
}

/* ---- the status resource ---- */

/* refresh - pending entries of a status to peer_id whose version has
 * reached the peer become successes; 1 when one did. */
static int
refresh(struct taxii *t, int64_t peer_id, struct entries *ents)
{
	int changed = 0;

	for (size_t i = 0; i < ents->n; i++) {
		struct entry *e = &ents->v[i];
		uint8_t hash[STORE_INTEL_HASH];
		size_t n = 0;

		if (e->state != ENT_PENDING || !e->hashed || sodium_hex2bin(hash, sizeof hash,
		    e->hash, strlen(e->hash), NULL, &n, NULL) != 0 || n != sizeof hash)
			continue;
		if (intel_delivered(taxii_intel(t), peer_id, str_at(ents, e->id), e->ms, hash)) {
			e->state = ENT_SUCCESS;
			changed = 1;
		}
	}
	return changed;
}

/* member - sep ("{" or ","), "name": and the string s, as json_dumps
 * writes them. */
static status
member(struct buf *out, const char *sep, const char *name, const char *s)
{
	status rc;

	if ((rc = buf_addf(out, "%s\"%s\":", sep, name)))
		return rc;
	return jtext_str(s, strlen(s), out);
}

/* status_text - the entries as kept in the store: what json_dumps wrote
 * of them before (a list of {id, version, ms, state, message[, hash]}),
 * so that statuses kept by either read the same. */
static status
status_text(const struct entries *ents, struct buf *out)
{
	status rc = buf_add(out, "[", 1);

	for (size_t i = 0; !rc && i < ents->n; i++) {
		const struct entry *e = &ents->v[i];

		if ((i && (rc = buf_add(out, ",", 1))) ||
		    (rc = member(out, "{", "id", str_at(ents, e->id))) ||
		    (rc = member(out, ",", "version", str_at(ents, e->version))) ||
		    (rc = buf_addf(out, ",\"ms\":%" PRId64, e->ms)) ||
		    (rc = member(out, ",", "state", state_names[e->state])) ||
		    (rc = member(out, ",", "message", str_at(ents, e->message))) ||
		    (e->hashed && (rc = member(out, ",", "hash", e->hash))))
			break;
		rc = buf_add(out, "}", 1);
	}
	return rc ? rc : buf_add(out, "]", 1);
}

/* resource_list - the entries in state as the resource lists them:
 * {id, version when it has one, message for a failure}. */
static status
resource_list(const struct entries *ents, enum state state, struct buf *out)
{
	status rc = buf_add(out, "[", 1);
	int first = 1;

	for (size_t i = 0; !rc && i < ents->n; i++) {
		const struct entry *e = &ents->v[i];

		if (e->state != state)
			continue;
		if ((!first && (rc = buf_add(out, ",", 1))) ||
		    (rc = member(out, "{", "id", str_at(ents, e->id))) ||
		    (*str_at(ents, e->version) &&
		    (rc = member(out, ",", "version", str_at(ents, e->version)))) ||
		    (state == ENT_FAILURE &&
		    (rc = member(out, ",", "message", str_at(ents, e->message)))))
			break;
		rc = buf_add(out, "}", 1);
		first = 0;
	}
	return rc ? rc : buf_add(out, "]", 1);
}

/* resource_text - the status resource of id, made at made_ms, from ents
 * (TAXII 2.1 section 4.3.1), as compact JSON. */
static status
resource_text(const char *id, int64_t made_ms, const struct entries *ents, struct buf *out)
{
	char when[STAMP_TIME_LEN];
	size_t count[3] = { 0, 0, 0 };
	status rc;

	stamp_format(made_ms, when);
	for (size_t i = 0; i < ents->n; i++)
		count[ents->v[i].state]++;
	if ((rc = member(out, "{", "id", id)) ||
	    (rc = member(out, ",", "status", count[ENT_PENDING] ? "pending" : "complete")) ||
	    (rc = member(out, ",", "request_timestamp", when)) ||
	    (rc = buf_addf(out, ",\"total_count\":%zu,\"success_count\":%zu,\"successes\":",
	    ents->n, count[ENT_SUCCESS])) || (rc = resource_list(ents, ENT_SUCCESS, out)) ||
	    (rc = buf_addf(out, ",\"failure_count\":%zu,\"failures\":", count[ENT_FAILURE])) ||
	    (rc = resource_list(ents, ENT_FAILURE, out)) ||
	    (rc = buf_addf(out, ",\"pending_count\":%zu,\"pendings\":", count[ENT_PENDING])) ||
	    (rc = resource_list(ents, ENT_PENDING, out)))
		return rc;
	return buf_add(out, "}", 1);
}

/* answer - reply to r with st and the status resource of (id, made_ms,
 * ents). */
static void
answer(struct http_req *r, status st, const char *id, int64_t made_ms,
    const struct entries *ents)
{
	struct buf out;

	buf_init(&out, SIZE_MAX);
	if (resource_text(id, made_ms, ents, &out) != ST_OK)
		http_reply_error(r, ST_NOMEM, "out of memory");
	else
		http_reply(r, st, TAXII_MEDIA, out.p, out.len);
	buf_free(&out);
}

/* keep - store the status (id, entries) of user's post to the store
 * collection col (of peer_id; 0 local). */
static status
keep(struct taxii *t, const char *id, const char *user, const char *col, int64_t peer_id,
    int64_t made_ms, const struct entries *ents)
{
	struct buf text;
	status rc;

	buf_init(&text, SIZE_MAX);
	if (!(rc = status_text(ents, &text))) {
		struct store_taxii_status s = { id, user, col, peer_id, made_ms, text.p };

		rc = store_taxii_status_put(node_store(taxii_node(t)), &s);
	}
	buf_free(&text);
	return rc;
}

void
taxii_post(struct taxii *t, struct http_req *r, const struct taxii_who *who,
    const struct taxii_col *c)
{
	char why[STIX_WHY_MAX], id[STAMP_UUID_LEN];
	struct entries ents = { NULL, 0, 0, { NULL, 0, 0, SIZE_MAX }, ST_OK };
	struct post p = { t, c, NULL, &ents, ST_OK, id, who->name, stamp_now_ms() };
	struct stix_doc *d = NULL;
	int64_t now = p.made_ms;
	const char *body;
	size_t len;
	status rc;

	if (!c->can_write)
		rc = ST_FORBIDDEN, snprintf(why, sizeof why, "this collection cannot be written to,"
		    " or your grants do not let you write to it");
	else if (taxiireq_content_type(http_req_header(r, "Content-Type")) != ST_OK)
		rc = ST_MEDIA_TYPE, snprintf(why, sizeof why, "post an envelope as " TAXII_MEDIA);
	else
		body = http_req_body(r, &len), rc = stix_read_envelope(body, len, &d, why);
	stamp_uuid7(id);
	if (!rc) {
		p.d = d;
		rc = c->peer_id ? post_peer(&p) : post_local(&p);
		snprintf(why, sizeof why, "%s", status_str(rc));
	}
	if (!rc && c->peer_id) {
		refresh(t, c->peer_id, &ents);	/* delivered already, perhaps */
		rc = keep(t, id, who->name, c->store, c->peer_id, now, &ents);
	}
	stix_free(d);
	if (rc) {
		ents_free(&ents);
		taxii_error(r, rc == ST_PARSE || rc == ST_TOOBIG ? ST_INVALID : rc,
		    rc == ST_FORBIDDEN ? "Not writable" : rc == ST_MEDIA_TYPE ?
		    "Unsupported media type" : rc == ST_PARSE || rc == ST_INVALID ||
		    rc == ST_TOOBIG ? "Bad envelope" : "Cannot keep the objects", why);
		return;
	}
	diag_info("taxii: %s posted %zu objects to %s (status %s)", who->name, ents.n,
	    c->title, id);
	answer(r, ST_ACCEPTED, id, now, &ents);
	ents_free(&ents);
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

/* ents_read - the entries of a kept status (status_text's list) into
 * ents; ST_INVALID for a list this file did not write. */
static status
ents_read(const json_t *list, struct entries *ents)
{
	const json_t *e;
	size_t i;

	if (!json_is_array(list))
		return ST_INVALID;
	json_array_foreach(list, i, e) {
		const char *state = json_string_value(json_object_get(e, "state"));
		const json_t *hash = json_object_get(e, "hash");
		int k;

		for (k = 0; k < 3 && (!state || strcmp(state, state_names[k]) != 0); k++)
			;
		if (k == 3)
			return ST_INVALID;
		ent_add(ents, json_string_value(json_object_get(e, "id")),
		    json_string_value(json_object_get(e, "version")),
		    json_integer_value(json_object_get(e, "ms")), (enum state)k,
		    json_string_value(json_object_get(e, "message")));
		if (!ents->rc && json_is_string(hash)) {
			struct entry *x = &ents->v[ents->n - 1];

			snprintf(x->hash, sizeof x->hash, "%s", json_string_value(hash));
			x->hashed = 1;
		}
	}
	return ents->rc;
}

void
taxii_on_status(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	const char *sid = http_req_param(r, "sid");
	struct entries ents = { NULL, 0, 0, { NULL, 0, 0, SIZE_MAX }, ST_OK };
	struct status_row x;
	struct taxii_who who;
	status rc;

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
	rc = ents_read(x.entries, &ents);
	json_decref(x.entries);
	if (rc) {
		ents_free(&ents);
		taxii_error(r, rc == ST_NOMEM ? rc : ST_CORRUPT, "Cannot read the status",
		    status_str(rc));
		return;
	}
	if (x.peer_id && refresh(t, x.peer_id, &ents) &&
	    keep(t, sid, x.user, x.collection, x.peer_id, x.made_ms, &ents) != ST_OK)
		diag_warn("taxii: cannot keep status %s again", sid);
	answer(r, ST_OK, sid, x.made_ms, &ents);
	ents_free(&ents);
}
