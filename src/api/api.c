/* api.c - the daemon's local API on a unix socket.
 *
 * SECURITY: the socket is created 0600 inside the node's 0700 directory, so
 * only the node's owner can reach it.  Request lines are bounded; JSON is
 * parsed by jansson, or, for a flat object of plain strings and integers
 * (what parley send writes), by the template reader (tmpl.h), which
 * leaves anything else to jansson.  A "queued" answer leaves only after the commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "api/api.h"
#include "advisory/advisory.h"
#include "csafpub/csafpub.h"
#include "util/file.h"
#include "fmt/stix.h"
#include "util/diag.h"
#include "log/ledger.h"
#include "util/stamp.h"
#include "log/witness.h"
#include "net/http.h"
#include "fmt/tmpl.h"
#include "fmt/deskmsg.h"

#define MAX_BATCH 4096
/* libevent 2.1 reads at most 4 KiB per read callback (evbuffer_read), about
 * six send requests: on_read takes what else the socket holds, up to
 * DRAIN_MAX, so that requests sent together are committed together (one
 * fsync, one checkpoint) and not six at a time.  The bound keeps one
 * callback's work (a signature per request) to some tens of milliseconds. */
#define DRAIN_MAX (256u << 10)
#define DRAIN_STEP 65536

struct api {
	struct event_base *base;
	struct link_engine *e;
	struct agree *g;
	struct desk *d;
	struct intel *in;
	struct advisory *adv;
	struct csafpub *pub;
	struct node *node;
	struct evconnlistener *lis;
	char path[sizeof ((struct sockaddr_un *)0)->sun_path];
	size_t line_max;
	struct client *clients;
};

struct client {
	struct api *a;
	struct bufferevent *bev;
	struct api_request *batch;	/* send requests read together */
	size_t batch_cap;
	struct client *next;
};

/* A request as the template reader takes it: a flat object of at most
 * FLAT_MAX members, each a string (strings in f->text, NUL-terminated in
 * place) or an integer.  parley send writes one (apiclient: jansson's
 * compact form), and so do the bench and the tests (Python's json.dumps:
 * a space after each ':' and ','); the steps are tmpl.h's, so a string
 * with an escape, a control character or malformed UTF-8, a number that
 * is not [1-9][0-9]{0,17} or 0, any other value, more members, a repeated
 * name, any other whitespace or text after the object: all go to jansson,
 * which decides.  fuzz_api_tmpl holds both readers to the same answer. */
#define FLAT_MAX 10

struct flat {
	size_t n;
	struct {
		const char *k, *s;	/* s: NULL for an integer */
		size_t kn, sn;
		int64_t i;
	} m[FLAT_MAX];
};

/* flat_read - read line[0..n) into f, its strings in *text (malloc'd, the
 * caller's); 0 when the template does not apply. */
static int
flat_read(const char *line, size_t n, struct flat *f, char **text)
{
	struct tmpl t;
	char *c = malloc(n + 1);

	*text = NULL;
	f->n = 0;
	if (!c)
		return 0;
	memcpy(c, line, n);
	c[n] = '\0';
	t.at = c;
	t.end = c + n;
	if (!tmpl_lit(&t, "{"))
		goto no;
	do {
		size_t k = f->n;

		if (k == FLAT_MAX)
			goto no;
		if (k)
			(void)tmpl_lit(&t, " ");	/* json.dumps: ", " */
		if (!tmpl_str(&t, &f->m[k].k, &f->m[k].kn) || !tmpl_lit(&t, ":"))
			goto no;
		(void)tmpl_lit(&t, " ");
		f->m[k].s = NULL;
		f->m[k].i = 0;
		if (!tmpl_str(&t, &f->m[k].s, &f->m[k].sn) && !tmpl_int(&t, &f->m[k].i) &&
		    !tmpl_lit(&t, "0"))
			goto no;
		for (size_t j = 0; j < k; j++)
			if (f->m[j].kn == f->m[k].kn && memcmp(f->m[j].k, f->m[k].k, f->m[k].kn) == 0)
				goto no;	/* a repeated name: jansson refuses it */
		f->n++;
	} while (tmpl_lit(&t, ","));
	if (!tmpl_lit(&t, "}") || !tmpl_done(&t))
		goto no;
	/* each string ends at its closing quote: end it there */
	for (size_t j = 0; j < f->n; j++) {
		c[f->m[j].k - c + f->m[j].kn] = '\0';
		if (f->m[j].s)
			c[f->m[j].s - c + f->m[j].sn] = '\0';
	}
	*text = c;
	return 1;
no:
	free(c);
	f->n = 0;
	return 0;
}

/* The request's members, from either reader. */
struct members {
	const json_t *j;	/* jansson's object, or NULL: */
	const struct flat *f;	/* the template reader's */
};

enum { M_NONE, M_STR, M_INT, M_OTHER };

/* member - the kind of member k; a string's bytes in *s and *sn, an
 * integer's value in *i. */
static int
member(const struct members *ms, const char *k, const char **s, size_t *sn, int64_t *i)
{
	*s = NULL;
	*sn = 0;
	*i = 0;
	if (ms->j) {
		const json_t *v = json_object_get(ms->j, k);

		if (!v)
			return M_NONE;
		if (json_is_string(v)) {
			*s = json_string_value(v);
			*sn = json_string_length(v);	/* jansson refuses \u0000 */
			return M_STR;
		}
		if (json_is_integer(v)) {
			*i = json_integer_value(v);
			return M_INT;
		}
		return M_OTHER;
	}
	for (size_t j = 0; j < ms->f->n; j++)
		if (strcmp(ms->f->m[j].k, k) == 0) {
			*s = ms->f->m[j].s;
			*sn = ms->f->m[j].sn;
			*i = ms->f->m[j].i;
			return *s ? M_STR : M_INT;
		}
	return M_NONE;
}

static const char *
str(const struct members *ms, const char *k)
{
	const char *s;
	size_t n;
	int64_t i;

	return member(ms, k, &s, &n, &i) == M_STR ? s : NULL;
}

status
api_request_read(const char *line, size_t n, enum tmpl_how how, struct api_request *req,
    const char **why)
{
	struct flat f;
	struct members ms = { NULL, &f };
	const char *op;
	size_t bn;
	int64_t w;
	int kind;

	memset(req, 0, sizeof *req);
	*why = NULL;
	if (how == TMPL_JSON || !flat_read(line, n, &f, &req->text)) {
		json_t *j;

		if (how == TMPL_FIXED)
			return ST_PARSE;
		j = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(j)) {
			json_decref(j);
			*why = "request is not a JSON object (strings may not contain NUL)";
			return ST_PARSE;
		}
		req->json = j;
		ms.j = j;
	}
	op = str(&ms, "op");
	if (!op) {
		*why = "request has no \"op\"";
		return ST_INVALID;
	}
	if (strcmp(op, "status") == 0) {
		req->op = API_STATUS;
		return ST_OK;
	}
	if (strncmp(op, "advisory_", 9) == 0 || strncmp(op, "csaf_", 5) == 0) {
		/* the service reads the request itself: keep it whole */
		req->op = API_SERVICE;
		if (!req->json) {
			req->json = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
			if (!json_is_object(req->json)) {
				*why = "request is not a JSON object";
				return ST_PARSE;
			}
		}
		return ST_OK;
	}
	if (strcmp(op, "reload") == 0) {
		req->op = API_RELOAD;
		return ST_OK;
	}
	if (strcmp(op, "accept_loss") == 0) {
		req->op = API_ACCEPT_LOSS;
		return ST_OK;
	}
	if (strcmp(op, "agreement_propose") == 0) {
		req->op = API_AGREE_PROPOSE;
		req->payload = str(&ms, "payload");
		if (!req->payload) {
			*why = "agreement_propose needs a \"payload\" string";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "agreement_sign") == 0) {
		req->op = API_AGREE_SIGN;
		req->id = str(&ms, "id");
		if (!req->id) {
			*why = "agreement_sign needs an \"id\" string";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "agreement_decline") == 0 || strcmp(op, "agreement_terminate") == 0) {
		req->op = strcmp(op, "agreement_decline") == 0 ? API_AGREE_DECLINE :
		    API_AGREE_TERMINATE;
		req->id = str(&ms, "id");
		req->reason = str(&ms, "reason");
		if (!req->id || !req->reason) {
			*why = req->op == API_AGREE_DECLINE ?
			    "agreement_decline needs \"id\" and \"reason\" strings" :
			    "agreement_terminate needs \"id\" and \"reason\" strings";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "desk_ack") == 0) {
		req->op = API_DESK_ACK;
		req->id = str(&ms, "id");
		req->officer = str(&ms, "officer");
		req->note = str(&ms, "note");
		if (!req->id || !req->officer || (member(&ms, "note", &(const char *){ NULL }, &bn,
		    &w) != M_NONE && !req->note)) {
			*why = "desk_ack needs \"id\" and \"officer\" strings (\"note\" a string)";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "intel_share") == 0 || strcmp(op, "intel_reconcile") == 0 ||
	    strcmp(op, "intel_evidence") == 0) {
		req->op = strcmp(op, "intel_share") == 0 ? API_INTEL_SHARE :
		    strcmp(op, "intel_reconcile") == 0 ? API_INTEL_RECONCILE : API_INTEL_EVIDENCE;
		req->peer = str(&ms, "peer");
		req->file = str(&ms, "path");
		req->id = str(&ms, "id");
		if (!req->peer || (req->op == API_INTEL_SHARE && (!req->file || req->file[0] != '/')) ||
		    (req->op == API_INTEL_EVIDENCE && !req->id)) {
			*why = req->op == API_INTEL_SHARE ?
			    "intel_share needs \"peer\" and \"path\" (absolute) strings" :
			    req->op == API_INTEL_EVIDENCE ?
			    "intel_evidence needs \"peer\" and \"id\" strings" :
			    "intel_reconcile needs a \"peer\" string";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "evidence") == 0) {
		req->op = API_EVIDENCE;
		req->id = str(&ms, "id");
		if (!req->id) {
			*why = "evidence needs an \"id\" string";
			return ST_INVALID;
		}
		return ST_OK;
	}
	if (strcmp(op, "send") != 0) {
		*why = "unknown op";
		return ST_INVALID;
	}
	req->op = API_SEND;
	req->msg.peer = str(&ms, "peer");
	req->msg.link = str(&ms, "link");
	req->msg.type = str(&ms, "type");
	req->msg.priority = str(&ms, "priority");
	req->msg.subject = str(&ms, "subject");
	if (!req->msg.peer || !req->msg.link || !req->msg.type || !req->msg.priority ||
	    !req->msg.subject) {
		*why = "send needs peer, link, type, priority and subject strings";
		return ST_INVALID;
	}
	if (deskmsg_statement_type(req->msg.type)) {
		*why = "a desk statement is made by its verb (parley ack), not sent as a message";
		return ST_INVALID;
	}
	kind = member(&ms, "body", &req->msg.body, &bn, &w);
	if (kind != M_NONE && kind != M_STR) {
		*why = "body must be a string";
		return ST_INVALID;
	}
	req->msg.body = kind == M_STR ? req->msg.body : "";
	req->msg.body_len = bn;
	req->msg.tlp = str(&ms, "tlp");
	req->msg.agreement = str(&ms, "agreement");
	if ((member(&ms, "tlp", &(const char *){ NULL }, &bn, &w) != M_NONE && !req->msg.tlp) ||
	    (member(&ms, "agreement", &(const char *){ NULL }, &bn, &w) != M_NONE &&
	    !req->msg.agreement)) {
		*why = "tlp and agreement must be strings";
		return ST_INVALID;
	}
	req->path = -1;
	kind = member(&ms, "path", &(const char *){ NULL }, &bn, &w);
	if (kind != M_NONE) {
		if (kind != M_INT || w < 0 || w >= CARD_MAX_ENDPOINTS) {
			*why = "path must be an integer from 0 to 3";
			return ST_INVALID;
		}
		req->path = (int)w;
	}
	kind = member(&ms, "wait_ms", &(const char *){ NULL }, &bn, &w);
	if (kind != M_NONE) {
		if (kind != M_INT || w < 0 || w > API_WAIT_MAX_MS) {
			*why = "wait_ms must be an integer from 0 to 3600000";
			return ST_INVALID;
		}
		req->wait_ms = (int)w;
	}
	return ST_OK;
}

status
api_request_parse(const char *line, size_t n, struct api_request *req, const char **why)
{
	return api_request_read(line, n, TMPL_ANY, req, why);
}

void
api_request_clear(struct api_request *req)
{
	json_decref(req->json);
	free(req->text);
	memset(req, 0, sizeof *req);
}

static void
client_free(struct client *c)
{
	struct client **pp;

	link_wait_cancel(c->a->e, c);
	witness_cancel(link_witness(c->a->e), c);
	agree_cancel(c->a->g, c);
	if (c->a->in)
		intel_cancel(c->a->in, c);
	for (pp = &c->a->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	bufferevent_free(c->bev);
	free(c->batch);
	free(c);
}

/* say - write one JSON line to the client; takes ownership of j. */
static void
say(struct client *c, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!text) {
		bufferevent_write(c->bev, "{\"ok\":false,\"error\":\"out of memory\"}\n", 36);
		return;
	}
	bufferevent_write(c->bev, text, strlen(text));
	bufferevent_write(c->bev, "\n", 1);
	free(text);
}

/* say_queued - the answer to a send once committed: the hot path, so a
 * template (the id is a UUID this daemon made: nothing to escape). */
static void
say_queued(struct client *c, const char id[static STAMP_UUID_LEN])
{
	char line[96];
	int n = snprintf(line, sizeof line, "{\"ok\":true,\"id\":\"%s\",\"state\":\"queued\"}\n",
	    id);

	if (n > 0 && (size_t)n < sizeof line)
		bufferevent_write(c->bev, line, (size_t)n);
}

static void
waited(void *arg, const char *id, enum link_outcome o, int64_t rtt_us, const char *detail)
{
	struct client *c = arg;

	if (o == LINK_DELIVERED)
		say(c, json_pack("{s:b, s:s, s:s, s:f}", "ok", 1, "id", id, "state", "delivered",
		    "rtt_ms", (double)rtt_us / 1000.0));
	else
		say(c, json_pack("{s:b, s:s, s:s, s:s}", "ok", 0, "id", id, "state",
		    o == LINK_REJECTED ? "rejected" : "timeout", "error", detail));
}

/* not_queued - why a run of sends was not queued (rc: the store's
 * failure), in words an operator can act on; written to out. */
static const char *
not_queued(struct client *c, status rc, char *out, size_t cap)
{
	struct store *st = node_store(c->a->node);
	const char *dir = node_dir(c->a->node);
	struct statvfs v;

	if (rc == ST_FULL) {
		unsigned long long kib = statvfs(dir, &v) == 0 ?
		    (unsigned long long)v.f_bavail * v.f_frsize / 1024 : 0;

		snprintf(out, cap, "disk full: message not queued (%llu KiB free in %s;"
		    " a node needs about 2 MiB free: README, Faults)", kib, dir);
	} else if (rc == ST_CORRUPT)
		snprintf(out, cap, "store damaged: message not queued (SQLite: %s); see"
		    " parley status", store_damaged(st) ? store_damaged(st) : store_errmsg(st));
	else
		snprintf(out, cap, "store error: message not queued (%s)", store_errmsg(st));
	return out;
}

/* store_failed - rc is the store's failure, not a refusal of one message:
 * the transaction may be gone (SQLite rolls back on a full disk), so none
 * of the run is queued. */
static int
store_failed(status rc)
{
	return rc == ST_FULL || rc == ST_CORRUPT || rc == ST_IO || rc == ST_DB;
}

struct pending {
	char id[STAMP_UUID_LEN];
	int64_t start_us;
	int wait_ms;
	status rc;
	const char *why;
	char *why_kept;	/* why, copied: link_queue's text lives only until its next call */
};

/* sends - queue a run of send requests in one transaction, then answer. */
static void
sends(struct client *c, struct api_request *reqs, size_t n)
{
	struct store *st = node_store(c->a->node);
	struct pending *p = calloc(n, sizeof *p);
	char why[600];
	status rc;
	int any = 0;

	if (!p) {
		say(c, json_pack("{s:b, s:s}", "ok", 0, "error", "out of memory"));
		return;
	}
	/* a damaged store is trusted with nothing new (README, Faults) */
	rc = store_damaged(st) ? ST_CORRUPT : store_begin(st);
	for (size_t i = 0; i < n && !rc; i++) {
		p[i].start_us = stamp_mono_us();
		p[i].wait_ms = reqs[i].wait_ms;
		p[i].rc = reqs[i].path < 0 ? ST_OK :
		    link_use_path(c->a->e, reqs[i].msg.peer, (size_t)reqs[i].path);
		if (p[i].rc)
			p[i].why = p[i].rc == ST_INVALID ? "the peer has no such path (parley status)" :
			    "no such peer, or not yet dialled";
		else
			p[i].rc = link_queue(c->a->e, &reqs[i].msg, p[i].id, &p[i].why);
		if (p[i].rc && p[i].why)	/* NULL when out of memory: status_str below */
			p[i].why = p[i].why_kept = strdup(p[i].why);
		any |= p[i].rc == ST_OK;
		if (store_failed(p[i].rc)) {
			rc = p[i].rc;
			diag_warn("store: cannot queue messages: %s", store_errmsg(st));
			store_rollback(st);
		}
	}
	if (!rc && (rc = store_commit(st)) != ST_OK)
		diag_warn("store: cannot commit queued messages: %s", store_errmsg(st));
	link_queue_end(c->a->e, rc == ST_OK);
	if (rc)
		not_queued(c, rc, why, sizeof why);
	for (size_t i = 0; i < n; i++) {
		if (rc) {
			say(c, json_pack("{s:b, s:s}", "ok", 0, "error", why));
			continue;
		}
		if (p[i].rc) {
			say(c, json_pack("{s:b, s:s}", "ok", 0, "error",
			    p[i].why ? p[i].why : status_str(p[i].rc)));
			continue;
		}
		say_queued(c, p[i].id);
		if (p[i].wait_ms && link_wait(c->a->e, p[i].id, p[i].start_us, p[i].wait_ms,
		    waited, c) != ST_OK)
			say(c, json_pack("{s:b, s:s, s:s}", "ok", 0, "id", p[i].id, "error",
			    "cannot wait"));
	}
	/* on to the peers; the log grew, so a checkpoint follows (witness.h) */
	if (!rc && any)
		link_kick_all(c->a->e);
	for (size_t i = 0; i < n; i++)
		free(p[i].why_kept);
	free(p);
}

/* ---- requests a service answers whole ---- */

static json_t *
service_op(struct api *a, const json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (strncmp(op, "advisory_", 9) == 0)
		return a->adv ? advisory_api(a->adv, req) :
		    json_pack("{s:b, s:s}", "ok", 0, "error", "advisories are not served here");
	if (strncmp(op, "csaf_", 5) == 0)
		return csafpub_api(a->pub, req);
	return json_pack("{s:b, s:s}", "ok", 0, "error", "no such request");
}

/* ---- sharing STIX (intel/intel.h) ---- */

struct shared {
	json_t *results;
	size_t refused;
};

static void
shared_one(void *arg, const struct intel_result *r)
{
	struct shared *s = arg;

	if (r->verdict == INTEL_REFUSED)
		s->refused++;
	json_array_append_new(s->results, r->verdict == INTEL_QUEUED ?
	    json_pack("{s:I, s:s, s:s?, s:s, s:s}", "index", (json_int_t)r->index, "id", r->id,
	    "modified", r->modified && r->modified[0] ? r->modified : NULL, "verdict", "queued",
	    "outcome", store_intel_outcome_name(r->outcome)) :
	    json_pack("{s:I, s:s?, s:s, s:s}", "index", (json_int_t)r->index, "id", r->id,
	    "verdict", "refused", "why", r->why ? r->why : "refused"));
}

static void
reconciled(void *arg, const json_t *report, const char *error)
{
	struct client *c = arg;

	say(c, report ? json_pack("{s:b, s:O}", "ok", 1, "report", report) :
	    json_pack("{s:b, s:s}", "ok", 0, "error", error));
}

static void
intel_evidence_done(void *arg, const char *text, size_t len, const char *error)
{
	struct client *c = arg;

	say(c, text ? json_pack("{s:b, s:s%}", "ok", 1, "evidence", text, len) :
	    json_pack("{s:b, s:s}", "ok", 0, "error", error));
}

/* intel_op - a request of the sharing service; answered now or later. */
static void
intel_op(struct client *c, const struct api_request *req)
{
	char why[INTEL_WHY_MAX] = "";
	struct shared s = { NULL, 0 };
	size_t queued = 0;
	struct buf doc;
	status r;

	if (!c->a->in) {
		say(c, json_pack("{s:b, s:s}", "ok", 0, "error", "sharing is not running"));
		return;
	}
	if (req->op == API_INTEL_RECONCILE)
		r = intel_reconcile(c->a->in, req->peer, reconciled, c, why);
	else if (req->op == API_INTEL_EVIDENCE)
		r = intel_evidence(c->a->in, req->peer, req->id, intel_evidence_done, c, why);
	else {
		buf_init(&doc, STIX_BYTES_MAX + 1);
		r = file_read(req->file, &doc);
		if (r == ST_TOOBIG)
			snprintf(why, sizeof why, "over the %u bytes a STIX document may have",
			    STIX_BYTES_MAX);
		else if (r)
			snprintf(why, sizeof why, "cannot read %s: %s", req->file, status_str(r));
		else {
			s.results = json_array();
			r = intel_share(c->a->in, req->peer, doc.p ? doc.p : "", doc.len, shared_one,
			    &s, &queued, why);
		}
		buf_free(&doc);
		if (!r) {
			say(c, json_pack("{s:b, s:I, s:I, s:o}", "ok", 1, "queued", (json_int_t)queued,
			    "refused", (json_int_t)s.refused, "results", s.results));
			return;
		}
		json_decref(s.results);
	}
	if (r)
		say(c, json_pack("{s:b, s:s}", "ok", 0, "error", why[0] ? why : status_str(r)));
}

static void
evidence_done(void *arg, const char *bundle, size_t len, const char *error)
{
	struct client *c = arg;

	say(c, bundle ? json_pack("{s:b, s:s%}", "ok", 1, "bundle", bundle, len) :
	    json_pack("{s:b, s:s}", "ok", 0, "error", error));
}

/* drain - move what the socket holds into in, up to DRAIN_MAX buffered.
 * Errors and end of file are left for the bufferevent to see next.  A
 * bufferevent keeps the end of its input frozen; it is thawed here just as
 * libevent thaws it for its own reads. */
static void
drain(struct bufferevent *bev, struct evbuffer *in)
{
	evutil_socket_t fd = bufferevent_getfd(bev);

	if (fd < 0 || evbuffer_unfreeze(in, 0) != 0)
		return;
	while (evbuffer_get_length(in) < DRAIN_MAX) {
		struct evbuffer_iovec v;
		ssize_t n;

		if (evbuffer_reserve_space(in, DRAIN_STEP, &v, 1) < 1)
			break;
		n = recv(fd, v.iov_base, v.iov_len, MSG_DONTWAIT);
		if (n <= 0)
			break;		/* the space reserved is simply not committed */
		v.iov_len = (size_t)n;
		if (evbuffer_commit_space(in, &v, 1) != 0 || (size_t)n < DRAIN_STEP)
			break;
	}
	evbuffer_freeze(in, 0);
}

/* batch_add - keep a send request for the next group commit; 0 when full. */
static int
batch_add(struct client *c, size_t nb, const struct api_request *req)
{
	if (nb == c->batch_cap) {
		size_t cap = c->batch_cap ? c->batch_cap * 2 : 64;
		struct api_request *b;

		if (cap > MAX_BATCH || !(b = realloc(c->batch, cap * sizeof *b)))
			return 0;
		c->batch = b;
		c->batch_cap = cap;
	}
	c->batch[nb] = *req;
	return 1;
}

/* flush - queue and answer the send requests held, then forget them. */
static void
flush(struct client *c, size_t *nb)
{
	sends(c, c->batch, *nb);
	for (size_t i = 0; i < *nb; i++)
		api_request_clear(&c->batch[i]);
	*nb = 0;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t nb = 0, len;
	char *line;
	int full = 0;

	drain(bev, in);
	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF))) {
		struct api_request req;
		const char *why;
		status rc = api_request_parse(line, len, &req, &why);

		free(line);
		if (rc) {
			flush(c, &nb);	/* keep answers in request order */
			say(c, json_pack("{s:b, s:s}", "ok", 0, "error", why));
			api_request_clear(&req);
			continue;
		}
		if (req.op == API_SEND) {
			if (!batch_add(c, nb, &req)) {
				flush(c, &nb);
				if (!batch_add(c, nb, &req)) {
					say(c, json_pack("{s:b, s:s}", "ok", 0, "error", "out of memory"));
					api_request_clear(&req);
					continue;
				}
			}
			if (++nb == MAX_BATCH) {
				full = 1;	/* more lines may wait than one batch holds */
				break;
			}
			continue;
		}
		flush(c, &nb);
		if (req.op == API_STATUS)
			say(c, json_pack("{s:b, s:o}", "ok", 1, "status", link_status(c->a->e)));
		else if (req.op == API_EVIDENCE) {
			const char *err;

			/* an agreement's id, or a message's */
			status r = agree_evidence(c->a->g, req.id, evidence_done, c, &err);

			if (r == ST_NOTFOUND)
				r = witness_evidence(link_witness(c->a->e), req.id, evidence_done, c,
				    &err);
			if (r != ST_OK)
				say(c, json_pack("{s:b, s:s}", "ok", 0, "error", err));
		} else if (req.op == API_AGREE_PROPOSE || req.op == API_AGREE_SIGN) {
			char said[AGREEMENT_WHY_MAX] = "", id[STAMP_UUID_LEN] = "";
			status r = req.op == API_AGREE_SIGN ? agree_sign(c->a->g, req.id, said) :
			    agree_propose(c->a->g, req.payload, strlen(req.payload), id, said);

			say(c, r ? json_pack("{s:b, s:s}", "ok", 0, "error", said[0] ? said :
			    status_str(r)) : json_pack("{s:b, s:s}", "ok", 1, "id",
			    req.op == API_AGREE_SIGN ? req.id : id));
		} else if (req.op == API_AGREE_DECLINE || req.op == API_AGREE_TERMINATE) {
			char said[AGREEMENT_WHY_MAX] = "";
			status r = req.op == API_AGREE_DECLINE ?
			    agree_decline(c->a->g, req.id, req.reason, said) :
			    agree_terminate(c->a->g, req.id, req.reason, said);

			say(c, r ? json_pack("{s:b, s:s}", "ok", 0, "error", said[0] ? said :
			    status_str(r)) : json_pack("{s:b, s:s}", "ok", 1, "id", req.id));
		} else if (req.op == API_INTEL_SHARE || req.op == API_INTEL_RECONCILE ||
		    req.op == API_INTEL_EVIDENCE) {
			intel_op(c, &req);
		} else if (req.op == API_SERVICE) {
			say(c, service_op(c->a, req.json));
		} else if (req.op == API_DESK_ACK) {
			char id[STAMP_UUID_LEN];
			const char *err = NULL;
			status r = c->a->d ? desk_ack(c->a->d, req.id, req.officer, req.note, id, &err) :
			    ST_DOWN;

			say(c, r ? json_pack("{s:b, s:s}", "ok", 0, "error", err ? err :
			    status_str(r)) : json_pack("{s:b, s:s}", "ok", 1, "id", id));
		} else if (req.op == API_ACCEPT_LOSS) {
			const char *err = NULL;
			status r = link_accept_loss(c->a->e, &err);

			say(c, r ? json_pack("{s:b, s:s}", "ok", 0, "error", err ? err :
			    status_str(r)) : json_pack("{s:b}", "ok", 1));
		} else if (req.op == API_RELOAD) {
			/* the settings that apply at once first: link_reload uses them */
			status rc_cfg = node_config_reload(c->a->node);
			status r = link_reload(c->a->e);

			if (!r)
				r = node_policy_reload(c->a->node);	/* pins and agreements */
			if (!r && c->a->d)
				desk_poke(c->a->d);	/* contacts, roster, plan */

			say(c, r ? json_pack("{s:b, s:s}", "ok", 0, "error", status_str(r)) :
			    rc_cfg ? json_pack("{s:b, s:s}", "ok", 0, "error", "pins and agreements"
			    " read again, but parley.json cannot be (parleyd's log says why): its"
			    " settings are unchanged") :
			    json_pack("{s:b}", "ok", 1));
		}
		api_request_clear(&req);
	}
	flush(c, &nb);
	if (full)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS |
		    BEV_TRIG_DEFER_CALLBACKS);
	else if (evbuffer_get_length(in) > c->a->line_max) {
		/* no newline left in the buffer: one line is that long */
		say(c, json_pack("{s:b, s:s}", "ok", 0, "error", "request line too long"));
		bufferevent_disable(bev, EV_READ);
		evbuffer_drain(in, evbuffer_get_length(in));
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *arg)
{
	struct api *a = arg;
	struct client *c = calloc(1, sizeof *c);

	(void)lis;
	(void)sa;
	(void)salen;
	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	c->a = a;
	c->bev = bufferevent_socket_new(a->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = a->clients;
	a->clients = c;
}

status
api_listen(struct event_base *base, const struct api_services *sv, struct node *n,
    const char *path, struct api **out)
{
	struct sockaddr_un sun;
	struct api *a;
	mode_t old;
	int probe;

	*out = NULL;
	if (strlen(path) >= sizeof sun.sun_path) {
		diag_warn("socket path too long: %s (use a shorter --dir)", path);
		return ST_TOOBIG;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* A socket nobody answers on is a leftover from a crash. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(probe);
			diag_warn("%s: another parleyd is running", path);
			return ST_EXISTS;
		}
		close(probe);
	}
	unlink(path);
	a = calloc(1, sizeof *a);
	if (!a)
		return ST_NOMEM;
	a->base = base;
	a->d = sv->d;
	a->in = sv->in;
	a->e = sv->e;
	a->g = sv->g;
	a->adv = sv->adv;
	a->pub = sv->pub;
	a->node = n;
	a->line_max = node_config(n)->max_body * 6 + 65536;
	memcpy(a->path, path, strlen(path) + 1);
	old = umask(0077);
	a->lis = evconnlistener_new_bind(base, on_accept, a,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 64, (struct sockaddr *)&sun,
	    sizeof sun);
	umask(old);
	if (!a->lis) {
		diag_warn("cannot listen on %s: %s", path, strerror(errno));
		free(a);
		return ST_IO;
	}
	chmod(path, 0600);
	if (http_guard(base, a->lis, "local API") != ST_OK) {
		evconnlistener_free(a->lis);
		free(a);
		return ST_NOMEM;
	}
	*out = a;
	return ST_OK;
}

void
api_free(struct api *a)
{
	if (!a)
		return;
	while (a->clients)
		client_free(a->clients);
	http_unguard(a->lis);
	evconnlistener_free(a->lis);
	unlink(a->path);
	free(a);
}
