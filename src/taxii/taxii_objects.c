/* taxii_objects.c - a collection's objects, manifest, one object, its
 * versions (TAXII 2.1 sections 5.3 to 5.8): GET pages through the store's
 * (added_ms, seq) order, and DELETE.
 *
 * A page is the rows after the cursor (added_after, or the next token)
 * that the filters match, at most limit of them; more is set and a next
 * token given when a row remains.  The token is the store's cursor of the
 * last row given, so paging neither skips nor repeats a row however many
 * share a millisecond, and a token stays good across restarts.  Objects
 * are given as the sharing service renders them (intel_render).
 *
 * SECURITY: read access is the collection's nature and the user's grants
 * (taxii_col_of); a page holds at most PAGE_BYTES of objects, so one
 * request cannot make the daemon build an answer of any size.
 */
#include <stdio.h>
#include <string.h>

#include "fmt/taxiireq.h"
#include "taxii/taxii_int.h"
#include "util/buf.h"
#include "util/stamp.h"

#define PAGE_BYTES (32u << 20)	/* objects' bytes in one page; past it, more */
#define STIX_MEDIA "application/stix+json;version=2.1"

enum kind { K_OBJECTS, K_MANIFEST, K_VERSIONS };

struct page {
	struct taxii *t;
	enum kind kind;
	int64_t limit, n;
	int more;
	int64_t first_ms, last_ms, last_seq;
	struct buf b;
	status rc;
};

/* version_of - the version TAXII names o by: its modified, else the time
 * it was added (an object that is not versioned). */
static const char *
version_of(const struct store_intel_obj *o, char t[static STAMP_TIME_LEN])
{
	if (o->modified[0])
		return o->modified;
	stamp_format(o->added_ms, t);
	return t;
}

static status
add_row(struct page *p, const struct store_intel_obj *o)
{
	char added[STAMP_TIME_LEN], ver[STAMP_TIME_LEN];
	status rc = p->n ? buf_adds(&p->b, ",") : ST_OK;
	json_t *j = NULL;
	char *text;

	if (rc)
		return rc;
	switch (p->kind) {
	case K_OBJECTS:
		return intel_render(taxii_intel(p->t), o, &p->b);
	case K_MANIFEST:
		stamp_format(o->added_ms, added);
		j = json_pack("{s:s, s:s, s:s, s:s}", "id", o->id, "date_added", added, "version",
		    version_of(o, ver), "media_type", STIX_MEDIA);
		break;
	case K_VERSIONS:
		j = json_string(version_of(o, ver));
		break;
	}
	text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(&p->b, text);
	free(text);
	return rc;
}

static int
page_row(void *arg, const struct store_intel_obj *o)
{
	struct page *p = arg;

	if (p->n == p->limit || (p->n && p->b.len + o->json_len > PAGE_BYTES)) {
		p->more = 1;	/* a row remains: the page ends before it */
		return 1;
	}
	if ((p->rc = add_row(p, o)) != ST_OK)
		return 1;
	if (!p->n)
		p->first_ms = o->added_ms;
	p->last_ms = o->added_ms;
	p->last_seq = o->seq;
	p->n++;
	return 0;
}

/* answer - the page p as an envelope (objects, manifest) or versions. */
static void
answer(struct http_req *r, struct page *p, const struct taxii_filter *f)
{
	char next[TAXII_NEXT_MAX], when[STAMP_TIME_LEN];
	struct buf out;
	status rc;

	buf_init(&out, p->b.len + 4096);	/* the page and its envelope */
	rc = buf_addf(&out, "{\"more\":%s", p->more ? "true" : "false");
	if (!rc && p->more) {
		taxiireq_next(f, p->last_ms, p->last_seq, next);
		rc = buf_addf(&out, ",\"next\":\"%s\"", next);
	}
	if (!rc && p->n)
		rc = buf_addf(&out, ",\"%s\":[", p->kind == K_VERSIONS ? "versions" : "objects");
	if (!rc && p->n)
		rc = buf_add(&out, p->b.p, p->b.len);
	if (!rc)
		rc = buf_adds(&out, p->n ? "]}" : "}");
	if (!rc && p->n) {
		stamp_format(p->first_ms, when);
		rc = http_header(r, "X-TAXII-Date-Added-First", when);
		stamp_format(p->last_ms, when);
		if (!rc)
			rc = http_header(r, "X-TAXII-Date-Added-Last", when);
	}
	if (rc)
		taxii_error(r, rc, "Cannot answer", status_str(rc));
	else
		http_reply(r, ST_OK, TAXII_MEDIA, out.p, out.len);
	buf_free(&out);
}

/* held - 1 when collection holds a version of id. */
static int
any_row(void *arg, const struct store_intel_obj *o)
{
	(void)o;
	*(int *)arg = 1;
	return 1;
}

static int
held(struct taxii *t, const char *collection, const char *id)
{
	int found = 0;

	return store_intel_get(node_store(taxii_node(t)), collection, id, 1, any_row,
	    &found) == ST_OK && found;
}

/* The query's lists: match[...] given several times is the union of its
 * values, as one comma-separated list is (section 3.5); the others once.
 * On return, lists[] are initialised whatever the status (lists_free). */
#define QUERY_LISTS 4
#define QUERY_LIST_MAX (1u << 20)

/* lists_free - release query_read's lists. */
static void
lists_free(struct buf lists[static QUERY_LISTS])
{
	for (size_t i = 0; i < QUERY_LISTS; i++)
		buf_free(&lists[i]);
}

/* query_read - r's filtering and paging parameters into *q; repeated
 * match[...] values are joined in lists[] (the caller frees them).
 * ST_INVALID, why naming the parameter, for another one given twice. */
static status
query_read(struct http_req *r, struct taxii_query *q, struct buf lists[static QUERY_LISTS],
    char why[static TAXII_WHY_MAX])
{
	static const char *const once[] = { "added_after", "limit", "next" };
	static const char *const many[QUERY_LISTS] = { "match[id]", "match[type]",
		"match[version]", "match[spec_version]" };
	const char **at[QUERY_LISTS] = { &q->match_id, &q->match_type, &q->match_version,
		&q->match_spec_version };
	const char *v;
	status rc = ST_OK;

	for (size_t i = 0; i < QUERY_LISTS; i++)
		buf_init(&lists[i], QUERY_LIST_MAX);
	for (size_t i = 0; i < sizeof once / sizeof once[0]; i++)
		if (http_req_query_nth(r, once[i], 1)) {
			snprintf(why, TAXII_WHY_MAX, "%s is given more than once", once[i]);
			return ST_INVALID;
		}
	*q = (struct taxii_query){ http_req_query(r, "added_after"), http_req_query(r, "limit"),
		http_req_query(r, "next"), NULL, NULL, NULL, NULL };
	for (size_t i = 0; i < QUERY_LISTS; i++) {
		*at[i] = http_req_query(r, many[i]);
		if (!*at[i] || !http_req_query_nth(r, many[i], 1))
			continue;
		for (size_t k = 0; !rc && (v = http_req_query_nth(r, many[i], k)); k++)
			if (!(rc = k ? buf_add(&lists[i], ",", 1) : ST_OK))
				rc = buf_adds(&lists[i], v);
		*at[i] = buf_str(&lists[i]);
	}
	if (rc)
		snprintf(why, TAXII_WHY_MAX, "the match[...] parameters are too long");
	return rc ? ST_INVALID : ST_OK;
}

/* serve - GET a page of kind from c (of object oid, when not NULL). */
static void
serve(struct taxii *t, struct http_req *r, const struct taxii_col *c, enum kind kind,
    const char *oid)
{
	static const char *const names[] = { "objects", "manifest", "versions" };
	struct taxii_query q;
	struct buf lists[QUERY_LISTS];
	char why[TAXII_WHY_MAX], scope[512];
	struct store_intel_query sq;
	struct taxii_filter f;
	struct page p;

	if (!c->can_read) {
		taxii_error(r, ST_FORBIDDEN, "Not readable", "this collection cannot be read,"
		    " or your grants do not let you read it");
		return;
	}
	if (query_read(r, &q, lists, why) != ST_OK) {
		lists_free(lists);
		taxii_error(r, ST_INVALID, "Bad request", why);
		return;
	}
	if (oid) {	/* one object: its id is the filter; no type filter there */
		q.match_id = oid;
		q.match_type = NULL;
	}
	if (kind == K_VERSIONS)
		q.match_version = NULL;
	snprintf(scope, sizeof scope, "%s %s %s", names[kind], c->id, oid ? oid : "");
	if (taxiireq_filter(&q, scope, kind == K_VERSIONS ? TAXII_V_ALL : TAXII_V_LAST, &f,
	    why) != ST_OK) {
		lists_free(lists);
		taxii_error(r, ST_INVALID, "Bad request", why);
		return;
	}
	lists_free(lists);	/* the filter holds what it needs */
	memset(&p, 0, sizeof p);
	p.t = t;
	p.kind = kind;
	p.limit = f.limit;
	buf_init(&p.b, PAGE_BYTES + STORE_INTEL_JSON_MAX + (1u << 20));
	sq = (struct store_intel_query){ c->store, f.after_ms, f.after_seq, f.ids, f.types,
		f.versions, f.version_ms, f.limit + 1 };
	if (!f.none)
		p.rc = store_intel_query(node_store(taxii_node(t)), &sq, page_row, &p);
	if (p.rc)
		taxii_error(r, p.rc, "Cannot read the collection", status_str(p.rc));
	else if (oid && !p.n && !held(t, c->store, oid))
		taxii_error(r, ST_NOTFOUND, "No such object", "the collection holds no object"
		    " with this id");
	else
		answer(r, &p, &f);
	buf_free(&p.b);
	taxiireq_filter_free(&f);
}

void
taxii_on_objects(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;

	if (taxii_enter(t, r, &who) || taxii_col_of(t, r, &who, &c))
		return;
	if (http_req_method(r) == HTTP_POST)
		taxii_post(t, r, &who, &c);
	else
		serve(t, r, &c, K_OBJECTS, NULL);
}

void
taxii_on_manifest(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;

	if (taxii_enter(t, r, &who) || taxii_col_of(t, r, &who, &c))
		return;
	serve(t, r, &c, K_MANIFEST, NULL);
}

void
taxii_on_versions(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;

	if (taxii_enter(t, r, &who) || taxii_col_of(t, r, &who, &c))
		return;
	serve(t, r, &c, K_VERSIONS, http_req_param(r, "oid"));
}

/* delete - DELETE oid from c: every version, from the local collection
 * only (what was shared with a peer, or came from one, stays as it is:
 * it is evidence; deletions are never sent to peers). */
static void
delete(struct taxii *t, struct http_req *r, const struct taxii_col *c, const char *oid)
{
	int64_t n = 0;
	status rc;

	if (!c->can_write || c->peer_id) {
		taxii_error(r, ST_FORBIDDEN, "Not writable", c->peer_id ? "objects shared with"
		    " or by a peer are kept as they were exchanged" : "your grants do not let you"
		    " write to this collection");
		return;
	}
	rc = store_intel_delete(node_store(taxii_node(t)), c->store, oid, &n);
	if (rc == ST_NOTFOUND)
		taxii_error(r, ST_NOTFOUND, "No such object", "the collection holds no object"
		    " with this id");
	else if (rc)
		taxii_error(r, rc, "Cannot delete", status_str(rc));
	else
		http_reply(r, ST_OK, TAXII_MEDIA, "", 0);
}

void
taxii_on_object(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;

	if (taxii_enter(t, r, &who) || taxii_col_of(t, r, &who, &c))
		return;
	if (http_req_method(r) == HTTP_DELETE)
		delete(t, r, &c, http_req_param(r, "oid"));
	else
		serve(t, r, &c, K_OBJECTS, http_req_param(r, "oid"));
}
