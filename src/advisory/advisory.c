/* advisory.c - the advisory service (advisory.h): CSAF documents imported,
 * sent on the cert link, received and kept with their origin.
 *
 * Every answer that says something was kept or queued comes after the
 * fsync'd commit that holds it.  A document is read with csaf_read on
 * import, and once on arrival (admit reads it, accepted keeps what admit
 * read); the bytes kept and sent are the ones read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "advisory/advisory.h"
#include "fmt/agreement.h"
#include "fmt/csaf.h"
#include "fmt/deskmsg.h"
#include "fmt/tlog.h"
#include "node/policy.h"
#include "store/store_advisory.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/text.h"

_Static_assert(STORE_ADVISORY_DOC_MAX == CSAF_BYTES_MAX, "a document the store keeps is one"
    " csaf_read reads");

#define DEFAULT_PRIORITY "priority"

struct advisory {
	struct node *n;
	struct peers *ps;
	struct link_engine *e;
	int hooked;
	/* the document admit read, for accepted to keep without reading it
	 * again: link_in calls the two in turn for one message */
	struct csaf *admitted;
	char admitted_id[STAMP_UUID_LEN];
	size_t admitted_len;
};

/* admitted_take - the document admit read of message m, or NULL (then
 * the caller reads it); the slot is emptied either way. */
static struct csaf *
admitted_take(struct advisory *a, const struct message *m)
{
	struct csaf *c = a->admitted;

	a->admitted = NULL;
	if (c && (strcmp(a->admitted_id, m->id) != 0 || a->admitted_len != m->body.len)) {
		csaf_free(c);
		c = NULL;
	}
	return c;
}

/* ---- one version held ---- */

/* What sending a version needs: its fields, and its document (body),
 * either the caller's bytes (an import's, borrowed) or a copy out of a
 * store callback (own). */
struct held {
	int64_t row, origin;
	char tracking[STORE_ADVISORY_TEXT_MAX + 1], version[STORE_ADVISORY_TEXT_MAX + 1];
	char ns[STORE_ADVISORY_TEXT_MAX + 1], title[STORE_ADVISORY_TEXT_MAX + 1];
	char tlp[8];
	uint8_t sha256[STORE_ADVISORY_HASH];
	struct buf own;
	const char *body;
	size_t body_len;
	int found;
};

static void
held_init(struct held *h)
{
	memset(h, 0, sizeof *h);
	buf_init(&h->own, CSAF_BYTES_MAX);
}

static int
held_copy(void *arg, const struct store_advisory *a)
{
	struct held *h = arg;

	h->own.len = 0;
	if (buf_add(&h->own, a->doc, a->doc_len) != ST_OK) {
		h->found = -1;
		return 1;
	}
	h->body = buf_str(&h->own);
	h->body_len = h->own.len;
	h->row = a->row;
	h->origin = a->origin;
	snprintf(h->tracking, sizeof h->tracking, "%s", a->tracking);
	snprintf(h->version, sizeof h->version, "%s", a->version);
	snprintf(h->ns, sizeof h->ns, "%s", a->ns);
	snprintf(h->title, sizeof h->title, "%s", a->title);
	snprintf(h->tlp, sizeof h->tlp, "%s", a->tlp);
	memcpy(h->sha256, a->sha256, sizeof h->sha256);
	h->found = 1;
	return 0;	/* the last row wins: the newest kept */
}

/* ---- the agreement's terms ---- */

struct onward_seek {
	int found, with_consent;
};

static int
onward_one(void *arg, const struct agreement *a)
{
	struct onward_seek *k = arg;

	if (!agreement_link_has(a, ADVISORY_LINK, ADVISORY_TYPE))
		return 0;
	k->found = 1;
	k->with_consent = agreement_data(a)->onward_transfer == AGREEMENT_ONWARD_WITH_CONSENT;
	return 1;
}

int
advisory_onward_ok(struct advisory *a, int64_t origin, const char *tlp, char why[static 256])
{
	struct onward_seek k = { 0, 0 };
	struct peer *from;

	why[0] = '\0';
	if (origin == 0)
		return 1;
	from = peers_by_id(a->ps, origin);
	if (from && node_policy(a->n))
		policy_in_force(node_policy(a->n), from->kid, stamp_now_ms(), onward_one, &k);
	if (!k.with_consent) {
		snprintf(why, 256, "it came from %s, whose agreement's data.onward_transfer is %s",
		    from ? from->name : "a peer no longer pinned",
		    k.found ? "never" : "not in force (no agreement in force names it)");
		return 0;
	}
	if (strcmp(tlp, "WHITE") != 0 && strcmp(tlp, "GREEN") != 0) {
		snprintf(why, 256, "it came from %s and is TLP:%s: onward transfer takes only"
		    " TLP:WHITE/CLEAR or GREEN", from->name, tlp[0] ? tlp : "(none)");
		return 0;
	}
	return 1;
}

/* ---- a message carrying a version ---- */

/* subject - "TRACKING (version V): TITLE", cut at a character's start. */
static void
subject_of(const char *tracking, const char *version, const char *title,
    char out[static ENV_SUBJECT_MAX + 1])
{
	size_t n = (size_t)snprintf(out, 512, "%s (version %s): %s", tracking, version, title);

	out[text_utf8_prefix(out, n < 512 ? n : 511)] = '\0';
}

/* msg_tlp - the message's label for CSAF's: NULL (the link's) when none. */
static const char *
msg_tlp(const char *label)
{
	if (strcmp(label, "WHITE") == 0)
		return tlp_name(TLP_CLEAR);
	if (strcmp(label, "GREEN") == 0)
		return tlp_name(TLP_GREEN);
	if (strcmp(label, "AMBER") == 0)
		return tlp_name(TLP_AMBER);
	if (strcmp(label, "RED") == 0)
		return tlp_name(TLP_RED);
	return NULL;
}

/* queue_one - in the caller's transaction: sign h to peer p and keep the
 * sending.  id gets the message id. */
static status
queue_one(struct advisory *a, const struct held *h, const struct peer *p, const char *prio,
    char id[static STAMP_UUID_LEN], const char **why)
{
	char subject[ENV_SUBJECT_MAX + 1];
	struct link_msg lm;
	struct store_advisory_sent s;
	status rc;

	subject_of(h->tracking, h->version, h->title, subject);
	lm = (struct link_msg){ p->name, ADVISORY_LINK, ADVISORY_TYPE, prio, subject,
		h->body, h->body_len, msg_tlp(h->tlp), NULL };
	if ((rc = link_queue(a->e, &lm, id, why)) != ST_OK)
		return rc;
	s = (struct store_advisory_sent){ h->row, p->id, id, stamp_now_ms() };
	rc = store_advisory_sent_add(node_store(a->n), &s);
	if (rc)
		*why = "store error";
	return rc;
}

/* ---- answers ---- */

static json_t *
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* utf8_cut - end s before its first byte that does not start a whole
 * UTF-8 character (a "%.100s" may cut one in two): JSON takes only UTF-8. */
static void
utf8_cut(char *s)
{
	s[text_utf8_prefix(s, strlen(s))] = '\0';
}

static json_t *
fail(const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	utf8_cut(why);
	return json_pack("{s:b, s:s}", "ok", 0, "error", why);
}

static const char *
prio_of(const json_t *req)
{
	const char *p = json_string_value(json_object_get(req, "priority"));

	return p ? p : DEFAULT_PRIORITY;
}

/* ---- import ---- */

/* What an update does: the peers that had an earlier version and none
 * as late as this one.  The sendings are read first (peers[]), then the
 * update queued, so nothing is written under the open read. */
struct update {
	struct advisory *a;
	const struct held *h;
	const char *prio;
	json_t *sent, *refused;
	int64_t *peers;		/* peer ids, each once, in the store's order */
	unsigned char *later;	/* 1 at i: peers[i] has this version or a later one */
	size_t n, cap;
	status rc;
};

struct version_of {
	char v[STORE_ADVISORY_TEXT_MAX + 1];
};

static int
version_copy(void *arg, const struct store_advisory *x)
{
	snprintf(((struct version_of *)arg)->v, STORE_ADVISORY_TEXT_MAX + 1, "%s", x->version);
	return 1;
}

/* update_seen - one sending of an earlier or later version */
static int
update_seen(void *arg, const struct store_advisory_sent *s)
{
	struct update *u = arg;
	struct version_of had = { "" };
	size_t i;

	if (store_advisory_get(node_store(u->a->n), s->advisory, version_copy, &had) != ST_OK) {
		u->rc = ST_DB;
		return 1;
	}
	for (i = 0; i < u->n && u->peers[i] != s->peer_id; i++)
		;
	if (i == u->n) {
		if (u->n == u->cap) {
			size_t cap = u->cap ? u->cap * 2 : 16;
			int64_t *p = realloc(u->peers, cap * sizeof *p);
			unsigned char *l = p ? realloc(u->later, cap) : NULL;

			if (p)
				u->peers = p;
			if (!l) {
				u->rc = ST_NOMEM;
				return 1;
			}
			u->later = l;
			u->cap = cap;
		}
		u->peers[u->n] = s->peer_id;
		u->later[u->n++] = 0;
	}
	if (csaf_version_cmp(had.v, u->h->version) >= 0)
		u->later[i] = 1;	/* it has this version or a later one */
	return 0;
}

/* update_send - queue the update to every peer that needs it, in the
 * caller's transaction; ST_OK unless the transaction is lost. */
static status
update_send(struct update *u)
{
	char id[STAMP_UUID_LEN];

	for (size_t i = 0; i < u->n; i++) {
		struct peer *p = u->later[i] ? NULL : peers_by_id(u->a->ps, u->peers[i]);
		const char *why = NULL;
		status rc;

		if (u->later[i])
			continue;
		if (!p) {
			json_array_append_new(u->refused, json_pack("{s:I, s:s}", "peer_id",
			    (json_int_t)u->peers[i], "error", "no longer pinned"));
			continue;
		}
		rc = queue_one(u->a, u->h, p, u->prio, id, &why);
		if (rc == ST_DB || rc == ST_FULL || rc == ST_CORRUPT || rc == ST_NOMEM)
			return rc;	/* the transaction is lost */
		if (rc)	/* an agreement that no longer allows it: said, not fatal */
			json_array_append_new(u->refused, json_pack("{s:s, s:s}", "peer", p->name,
			    "error", why ? why : status_str(rc)));
		else
			json_array_append_new(u->sent, json_pack("{s:s, s:s}", "peer", p->name,
			    "msg", id));
	}
	return ST_OK;
}

static int
sha_copy(void *arg, const struct store_advisory *a)
{
	memcpy(arg, a->sha256, STORE_ADVISORY_HASH);
	return 1;
}

/* keep - keep doc[0..len) as a version of origin (0: ours; else the peer
 * it came in message msg from), in the caller's transaction: read with
 * csaf_read, unless c is given (doc read already: keep takes it).  h
 * (NULL: not wanted) gets the version, its body doc itself (borrowed);
 * *held_already 1 when that version was held, with the same bytes. */
static status
keep(struct advisory *a, const char *doc, size_t len, int64_t origin, const char *msg,
    struct csaf *c, struct held *h, int *held_already, struct csaf_report *rep,
    char why[static 256])
{
	struct store *st = node_store(a->n);
	struct store_advisory x;
	uint8_t hash[TLOG_HASH], had[STORE_ADVISORY_HASH];
	int64_t row = 0;
	status rc;

	*held_already = 0;
	why[0] = '\0';
	if (!c && (rc = csaf_read(doc, len, &c, rep)) != ST_OK) {
		snprintf(why, 256, "not a valid CSAF 2.0 document: %zu problem%s", rep->total,
		    rep->total == 1 ? "" : "s");
		return rc;
	}
	tlog_sha256(doc, len, hash);
	memset(&x, 0, sizeof x);
	x.origin = origin;
	x.ns = csaf_namespace(c);
	x.tracking = csaf_tracking_id(c);
	x.version = csaf_version(c);
	x.title = csaf_title(c);
	x.status = csaf_status(c);
	x.tlp = csaf_tlp_label(c);
	x.publisher = csaf_publisher(c);
	x.initial_ms = csaf_initial_ms(c);
	x.current_ms = csaf_current_ms(c);
	x.added_ms = stamp_now_ms();
	x.msg = msg;
	x.doc = doc;
	x.doc_len = len;
	x.sha256 = hash;
	rc = store_advisory_add(st, &x, &row);
	if (rc == ST_INVALID)
		snprintf(why, 256, "a field is over %d bytes", STORE_ADVISORY_TEXT_MAX);
	if (rc == ST_EXISTS) {
		*held_already = 1;
		rc = store_advisory_get(st, row, sha_copy, had);
		if (!rc && sodium_memcmp(had, hash, sizeof hash) != 0) {
			snprintf(why, 256, "version %.40s of %.100s is held with other content; a"
			    " change needs a new tracking version", x.version, x.tracking);
			rc = ST_CONFLICT;
		}
	}
	if (!rc && h) {
		/* what was kept, from what was read: no read back */
		h->row = row;
		h->origin = origin;
		snprintf(h->tracking, sizeof h->tracking, "%s", x.tracking);
		snprintf(h->version, sizeof h->version, "%s", x.version);
		snprintf(h->ns, sizeof h->ns, "%s", x.ns);
		snprintf(h->title, sizeof h->title, "%s", x.title);
		snprintf(h->tlp, sizeof h->tlp, "%s", x.tlp);
		memcpy(h->sha256, hash, sizeof h->sha256);
		h->body = doc;
		h->body_len = len;
		h->found = 1;
	}
	csaf_free(c);
	return rc;
}

static json_t *
import(struct advisory *a, const json_t *req)
{
	const char *path = json_string_value(json_object_get(req, "path"));
	struct store *st = node_store(a->n);
	struct csaf_report rep;
	struct update u;
	struct held h;
	struct buf doc;
	char why[256];
	int held_already = 0;
	json_t *ans;
	status rc;

	if (!path || path[0] != '/')
		return fail("advisory_import needs \"path\", an absolute path");
	buf_init(&doc, CSAF_BYTES_MAX);
	if ((rc = file_read(path, &doc)) != ST_OK) {
		buf_free(&doc);
		return fail("cannot read %s: %s", path, rc == ST_TOOBIG ?
		    "over 16 MiB, the most a CSAF document may be here" : status_str(rc));
	}
	memset(&rep, 0, sizeof rep);
	memset(&h, 0, sizeof h);
	if ((rc = store_begin(st)) != ST_OK) {
		buf_free(&doc);
		return fail("store error: %s", status_str(rc));
	}
	rc = keep(a, buf_str(&doc), doc.len, 0, "", NULL, &h, &held_already, &rep, why);
	u = (struct update){ .a = a, .h = &h, .prio = prio_of(req), .sent = json_array(),
		.refused = json_array() };
	if (!rc && !held_already && a->e)
		rc = store_advisory_recipients(st, h.ns, h.tracking, update_seen, &u);
	if (!rc)
		rc = u.rc;
	if (!rc && !held_already && a->e)
		rc = update_send(&u);
	free(u.peers);
	free(u.later);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (a->e) {
		link_queue_end(a->e, rc == ST_OK);
		if (!rc && json_array_size(u.sent))
			link_kick_all(a->e);
	}
	if (rc) {
		ans = fail("%s", why[0] ? why : status_str(rc));
		if (rep.n) {
			json_object_set_new(ans, "problems", csaf_report_json(&rep));
			json_object_set_new(ans, "problems_total", json_integer((json_int_t)rep.total));
		}
		json_decref(u.sent);
		json_decref(u.refused);
	} else {
		ans = json_pack("{s:b, s:s, s:s, s:I, s:b, s:o, s:o}", "ok", 1, "tracking_id",
		    h.tracking, "version", h.version, "row", (json_int_t)h.row, "held",
		    held_already, "updates", u.sent, "refused", u.refused);
		diag_info("advisory %s version %s %s%s", h.tracking, h.version, held_already ? "held already" : "imported",
		    json_array_size(json_object_get(ans, "updates")) ? ", sent to earlier recipients"
		    : "");
	}
	buf_free(&h.own);
	buf_free(&doc);
	return ans;
}

/* ---- send ---- */

/* pick - the version req names ("id", "version", "from"): ours first,
 * else one received; the newest when no version is named. */
static json_t *
pick(struct advisory *a, const json_t *req, struct held *h)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	const char *version = json_string_value(json_object_get(req, "version"));
	const char *from = json_string_value(json_object_get(req, "from"));
	struct store *st = node_store(a->n);
	int64_t origin = 0;
	status rc;

	held_init(h);
	if (!id || !id[0])
		return fail("an advisory's tracking id is needed (\"id\")");
	if (from) {
		struct peer *p = peers_by_name(a->ps, from);

		if (!p)
			return fail("no pinned peer is called %.100s", from);
		origin = p->id;
	}
	rc = store_advisory_find(st, id, origin, version, held_copy, h);
	if (rc == ST_NOTFOUND && !from)
		rc = store_advisory_find(st, id, -1, version, held_copy, h);
	if (rc == ST_NOTFOUND)
		return fail("no advisory %.300s%s%.100s%s%.100s is held", id,
		    version ? " version " : "", version ? version : "", from ? " from " : "",
		    from ? from : "");
	if (rc || h->found != 1)
		return fail("store error: %s", status_str(rc ? rc : ST_NOMEM));
	return NULL;
}

/* recipients - the peers named in req's "to", or, without one, every
 * pinned peer an agreement in force lets this node send advisories to. */
struct names_type {
	int yes;
};

static int
names_type(void *arg, const struct agreement *ag)
{
	struct names_type *k = arg;

	k->yes = agreement_link_has(ag, ADVISORY_LINK, ADVISORY_TYPE);
	return k->yes;
}

/* sent_before - 1 when version row went to peer_id already. */
struct sent_seek {
	int64_t peer_id;
	int found;
};

static int
sent_match(void *arg, const struct store_advisory_sent *s)
{
	struct sent_seek *k = arg;

	if (s->peer_id == k->peer_id)
		k->found = 1;
	return k->found;
}

static json_t *
send_to(struct advisory *a, const struct held *h, struct peer *p, const char *prio,
    json_t *ans)
{
	struct store *st = node_store(a->n);
	struct sent_seek k = { p->id, 0 };
	char id[STAMP_UUID_LEN], why[256];
	const char *w = NULL;
	status rc;

	if (p->id == h->origin) {
		json_array_append_new(json_object_get(ans, "refused"), json_pack("{s:s, s:s}",
		    "peer", p->name, "error", "it came from that peer"));
		return ans;
	}
	if (!advisory_onward_ok(a, h->origin, h->tlp, why)) {
		utf8_cut(why);
		json_array_append_new(json_object_get(ans, "refused"), json_pack("{s:s, s:s}",
		    "peer", p->name, "error", why));
		return ans;
	}
	if (store_advisory_sent_list(st, h->row, sent_match, &k) == ST_OK && k.found) {
		json_array_append_new(json_object_get(ans, "held"), json_string(p->name));
		return ans;	/* had this version: nothing signed */
	}
	if ((rc = store_begin(st)) != ST_OK) {
		json_array_append_new(json_object_get(ans, "refused"), json_pack("{s:s, s:s}",
		    "peer", p->name, "error", "store error"));
		return ans;
	}
	rc = queue_one(a, h, p, prio, id, &w);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	link_queue_end(a->e, rc == ST_OK);
	if (rc) {
		snprintf(why, sizeof why, "%s", w ? w : status_str(rc));
		utf8_cut(why);
		json_array_append_new(json_object_get(ans, "refused"), json_pack("{s:s, s:s}",
		    "peer", p->name, "error", why));
	} else
		json_array_append_new(json_object_get(ans, "sent"), json_pack("{s:s, s:s}",
		    "peer", p->name, "msg", id));
	return ans;
}

static json_t *
send_op(struct advisory *a, const json_t *req)
{
	const json_t *to = json_object_get(req, "to");
	struct held h;
	json_t *ans;
	size_t i;

	if (!a->e)
		return fail("this node sends nothing");
	if (to && (!json_is_array(to) || !json_array_size(to)))
		return fail("\"to\" is a list of peers' names");
	if ((ans = pick(a, req, &h)) != NULL) {
		buf_free(&h.own);
		return ans;
	}
	ans = json_pack("{s:b, s:s, s:s, s:[], s:[], s:[]}", "ok", 1, "tracking_id", h.tracking,
	    "version", h.version, "sent", "held", "refused");
	for (i = 0; to && i < json_array_size(to); i++) {
		const char *name = json_string_value(json_array_get(to, i));
		struct peer *p = name ? peers_by_name(a->ps, name) : NULL;

		if (!p)
			json_array_append_new(json_object_get(ans, "refused"), json_pack("{s:s, s:s}",
			    "peer", name ? name : "?", "error", "no pinned peer is called that"));
		else
			send_to(a, &h, p, prio_of(req), ans);
	}
	for (i = 0; !to && i < peers_count(a->ps); i++) {
		struct peer *p = peers_at(a->ps, i);
		struct names_type k = { 0 };

		if (node_policy(a->n))
			policy_in_force(node_policy(a->n), p->kid, stamp_now_ms(), names_type, &k);
		if (k.yes && p->id != h.origin)
			send_to(a, &h, p, prio_of(req), ans);
	}
	if (json_array_size(json_object_get(ans, "sent")))
		link_kick_all(a->e);
	else if (json_array_size(json_object_get(ans, "refused")))
		json_object_set_new(ans, "ok", json_false());
	else if (!json_array_size(json_object_get(ans, "held")))
		json_object_set_new(ans, "error", json_string("no peer's agreement in force names"
		    " \"" ADVISORY_TYPE "\" on the " ADVISORY_LINK " link"));
	if (json_object_get(ans, "error"))
		json_object_set_new(ans, "ok", json_false());
	buf_free(&h.own);
	return ans;
}

json_t *
advisory_api(struct advisory *a, const json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *ans = NULL;

	if (op && strcmp(op, "advisory_import") == 0)
		ans = import(a, req);
	else if (op && strcmp(op, "advisory_send") == 0)
		ans = send_op(a, req);
	else
		ans = fail("no such request: %.64s", op ? op : "(none)");
	return ans ? ans : json_pack("{s:b, s:s}", "ok", 0, "error", "out of memory");
}

/* ---- received ---- */

/* on_admit - an advisory is refused for good unless it is a valid CSAF
 * document on the cert link whose label the message carries. */
static status
on_admit(void *arg, int64_t peer_id, const struct message *m, char *why, size_t cap)
{
	struct advisory *a = arg;
	struct csaf_report rep;
	struct csaf *c = NULL;
	const char *want;

	(void)peer_id;
	if (strcmp(m->type, ADVISORY_TYPE) != 0)
		return ST_OK;
	if (strcmp(m->link, ADVISORY_LINK) != 0) {
		snprintf(why, cap, "an advisory travels only on link " ADVISORY_LINK);
		return ST_INVALID;
	}
	if (csaf_read(buf_str(&m->body), m->body.len, &c, &rep) != ST_OK) {
		if (rep.n)
			snprintf(why, cap, "not a valid CSAF 2.0 document: %s at %s: %s",
			    rep.p[0].test, rep.p[0].path, rep.p[0].what);
		else
			snprintf(why, cap, "not a valid CSAF 2.0 document");
		return ST_INVALID;
	}
	if (strlen(csaf_title(c)) > STORE_ADVISORY_TEXT_MAX ||
	    strlen(csaf_tracking_id(c)) > STORE_ADVISORY_TEXT_MAX ||
	    strlen(csaf_namespace(c)) > STORE_ADVISORY_TEXT_MAX ||
	    strlen(csaf_publisher(c)) > STORE_ADVISORY_TEXT_MAX ||
	    strlen(csaf_version(c)) > STORE_ADVISORY_TEXT_MAX) {
		snprintf(why, cap, "a title, tracking id, version or publisher over %d bytes",
		    STORE_ADVISORY_TEXT_MAX);
		csaf_free(c);
		return ST_INVALID;
	}
	want = msg_tlp(csaf_tlp_label(c));
	if (want && strcmp(want, m->tlp) != 0) {
		snprintf(why, cap, "the document is %s, the message %s", want, m->tlp);
		csaf_free(c);
		return ST_INVALID;
	}
	csaf_free(admitted_take(a, m));	/* one left by a message not accepted */
	a->admitted = c;
	snprintf(a->admitted_id, sizeof a->admitted_id, "%s", m->id);
	a->admitted_len = m->body.len;
	return ST_OK;
}

static status
on_accepted(void *arg, int64_t peer_id, const struct message *m, const struct receipt *r)
{
	struct advisory *a = arg;
	struct csaf_report rep;
	char why[256];
	int held_already = 0;
	status rc;

	(void)r;
	if (strcmp(m->type, ADVISORY_TYPE) != 0)
		return ST_OK;
	rc = keep(a, buf_str(&m->body), m->body.len, peer_id, m->id, admitted_take(a, m), NULL,
	    &held_already, &rep, why);
	if (rc == ST_CONFLICT) {
		/* the peer sent one version twice with other content: the first
		 * is kept, this message is in the log as received */
		diag_warn("advisory from peer %lld in %s: %s", (long long)peer_id, m->id, why);
		rc = ST_OK;
	} else if (rc)
		diag_warn("advisory from peer %lld in %s not kept: %s", (long long)peer_id, m->id,
		    why[0] ? why : status_str(rc));
	return rc;
}

status
advisory_new(struct node *n, struct peers *ps, struct link_engine *e, struct advisory **out)
{
	const struct node_msg_hooks hooks = { NULL, on_accepted, NULL, on_admit };
	struct advisory *a = calloc(1, sizeof *a);
	status rc;

	*out = NULL;
	if (!a)
		return ST_NOMEM;
	a->n = n;
	a->ps = ps;
	a->e = e;
	if ((rc = node_msg_hooks_add(n, &hooks, a)) != ST_OK) {
		free(a);
		return rc;
	}
	a->hooked = 1;
	*out = a;
	return ST_OK;
}

void
advisory_free(struct advisory *a)
{
	if (!a)
		return;
	if (a->hooked)
		node_msg_hooks_remove(a->n, a);
	csaf_free(a->admitted);
	free(a);
}
