/* link.c - the link engine: per-peer state, waiters, status, and the
 * routes of the peer listener that belong to links.
 *
 * Delivery is in link_out.c, acceptance in link_in.c.  The engine keeps its
 * state for each pinned peer in the peer registry's slot (node/peers.h):
 * the registry tells it of new peers and of every request a peer makes.
 *
 * SECURITY: routes are registered on a pinned listener only, so every
 * request carries the TLS-verified key of a pinned peer.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "link/link_int.h"
#include "node/policy.h"
#include "log/ledger.h"
#include "log/witness.h"
#include "util/diag.h"

struct waiter {
	struct link_engine *e;
	char id[STAMP_UUID_LEN];
	int64_t start_us;
	link_wait_fn fn;
	void *arg;
	struct event *timer;
	struct waiter *next;
};

struct lpeer *
link_peer(struct link_engine *e, struct peer *p)
{
	return p->slot[e->slot];
}

/* ---- what the watcher is told ---- */

void
link_changed(struct link_engine *e)
{
	if (e->watch && e->changed)
		event_active(e->changed, EV_TIMEOUT, 0);	/* once per turn, however many */
}

static void
on_changed(evutil_socket_t fd, short what, void *arg)
{
	struct link_engine *e = arg;

	(void)fd;
	(void)what;
	if (e->watch)
		e->watch(e->watch_arg);
}

/* told_changed - the net layer's watcher (http_client_watch) and the
 * witness's (witness_watch): called in the middle of their work, so it
 * only marks the change. */
static void
told_changed(void *arg)
{
	link_changed(arg);
}

void
link_watch(struct link_engine *e, void (*fn)(void *arg), void *arg)
{
	e->watch = fn;
	e->watch_arg = arg;
}

/* ---- waiters ---- */

static void
waiter_free(struct link_engine *e, struct waiter *w)
{
	struct waiter **pp;

	for (pp = &e->waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	event_free(w->timer);
	free(w);
}

static void
waiter_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct waiter *w = arg;
	link_wait_fn fn = w->fn;
	void *warg = w->arg;
	char id[STAMP_UUID_LEN];

	(void)fd;
	(void)what;
	memcpy(id, w->id, sizeof id);
	waiter_free(w->e, w);
	fn(warg, id, LINK_TIMEOUT, 0, "no receipt before the deadline");
}

status
link_wait(struct link_engine *e, const char *id, int64_t start_us, int timeout_ms,
    link_wait_fn fn, void *arg)
{
	struct waiter *w = calloc(1, sizeof *w);
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	if (!w)
		return ST_NOMEM;
	w->e = e;
	snprintf(w->id, sizeof w->id, "%s", id);
	w->start_us = start_us;
	w->fn = fn;
	w->arg = arg;
	w->timer = evtimer_new(e->base, waiter_timeout, w);
	if (!w->timer || evtimer_add(w->timer, &tv) != 0) {
		event_free(w->timer);
		free(w);
		return ST_NOMEM;
	}
	w->next = e->waiters;
	e->waiters = w;
	return ST_OK;
}

void
link_wait_cancel(struct link_engine *e, void *arg)
{
	struct waiter *w = e->waiters, *next;

	for (; w; w = next) {
		next = w->next;
		if (w->arg == arg)
			waiter_free(e, w);
	}
}

void
link_notify(struct link_engine *e, const struct outcome *oc, size_t n)
{
	int64_t now = stamp_mono_us();

	for (size_t i = 0; i < n; i++) {
		struct waiter *w = e->waiters, *next;

		for (; w; w = next) {
			next = w->next;
			if (strcmp(w->id, oc[i].id) == 0) {
				link_wait_fn fn = w->fn;
				void *warg = w->arg;
				int64_t rtt = now - w->start_us;

				waiter_free(e, w);
				fn(warg, oc[i].id, oc[i].o, rtt, oc[i].detail);
				next = e->waiters;	/* the list may have changed */
			}
		}
	}
}

/* ---- peers ---- */

static int usable(const struct lpeer *p);

static void
lpeer_free(struct lpeer *p)
{
	if (!p)
		return;
	json_decref(p->marks);
	link_out_forget(p);
	for (int i = 0; i < LANES; i++) {
		http_client_free(p->lanes[i].client);
		buf_free(&p->lanes[i].body);
	}
	if (p->timer)
		event_free(p->timer);
	free(p);
}

/* added - the registry has a new peer: make its lanes.  A peer whose
 * endpoints do not parse gets no lanes and is reported.  Its paths (one
 * record for every client of its key) are the net layer's: each lane's
 * requests fail over from path to path there (net/http_client.h). */
static status
added(void *arg, struct peer *pr)
{
	struct link_engine *e = arg;
	struct lpeer *p = calloc(1, sizeof *p);

	if (!p)
		return ST_NOMEM;
	p->e = e;
	p->peer = pr;
	p->need_hello = 1;
	p->timer = evtimer_new(e->base, link_out_timer, p);
	if (!p->timer) {
		lpeer_free(p);
		return ST_NOMEM;
	}
	for (int i = 0; i < LANES; i++) {
		p->lanes[i].p = p;
		buf_init(&p->lanes[i].body, HTTP_REQUEST_MAX);
		if (http_client_new(e->http, e->tls, pr->pk, pr->name, pr->endpoints,
		    &p->lanes[i].client) != ST_OK) {
			diag_warn("peer %s: bad endpoint %s", pr->name, pr->endpoints);
			snprintf(p->alarm, sizeof p->alarm, "bad endpoint: not delivering");
			break;
		}
	}
	pr->slot[e->slot] = p;
	link_changed(e);
	if (e->started && usable(p))	/* greet the newcomer */
		link_out_kick(p, 1);
	return ST_OK;
}

/* usable - the peer's lanes are all made (its endpoints parsed). */
static int
usable(const struct lpeer *p)
{
	return p && p->lanes[LANES - 1].client;
}

/* removed - the peer is no longer pinned: its lanes go, with any batch in
 * flight (its messages are queued still, or failed by store_peer_retire). */
static void
removed(void *arg, struct peer *pr)
{
	struct link_engine *e = arg;

	lpeer_free(link_peer(e, pr));
	pr->slot[e->slot] = NULL;
	link_changed(e);
}

/* changed - the peer's endpoints changed (a newer card): lanes to the new
 * ones, greeted at once.  A batch in flight to the old endpoint is dropped
 * and sent again; the peer answers a retransmission with its receipt. */
static status
changed(void *arg, struct peer *pr)
{
	removed(arg, pr);
	return added(arg, pr);
}

/* heard - any request from the peer: it is back, deliver at once. */
static void
heard(void *arg, struct peer *pr)
{
	struct lpeer *p = link_peer(arg, pr);

	if (!usable(p))
		return;
	p->last_heard_ms = stamp_now_ms();
	if (p->retrying)
		link_out_kick(p, 1);
}

void
link_kick_all(struct link_engine *e)
{
	for (size_t i = 0; i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (usable(p))
			link_out_kick(p, 0);
	}
	witness_kick(e->witness);
}

/* ---- routes ---- */

static int
witnessed(void *arg, const struct store_witness *w)
{
	*(uint64_t *)arg = w->size;
	return 1;
}

int
link_index(struct link_engine *e, const char *name)
{
	for (size_t i = 0; i < e->n_links; i++)
		if (strcmp(e->links[i], name) == 0)
			return (int)i;
	if (e->n_links == LINKS_MAX || strlen(name) > ENV_LINK_MAX)
		return -1;
	snprintf(e->links[e->n_links], sizeof e->links[0], "%s", name);
	return (int)e->n_links++;
}

static int
known_link(void *arg, const char *link)
{
	struct link_names *ln = arg;

	link_names_add(ln, link);
	return 0;
}

void
link_names_add(struct link_names *ln, const char *link)
{
	for (size_t i = 0; i < ln->n; i++)
		if (strcmp(ln->v[i], link) == 0)
			return;
	if (ln->n < LINKS_MAX && envelope_link_ok(link))
		snprintf(ln->v[ln->n++], sizeof ln->v[0], "%s", link);
}

status
link_names_of(struct link_engine *e, const struct peer *pr, struct link_names *ln)
{
	ln->n = 0;
	for (size_t k = 0; k < ENV_LINKS; k++)
		link_names_add(ln, envelope_links[k]);
	return store_links_of(node_store(e->node), pr ? pr->id : 0, known_link, ln);
}

/* hello_marks - what we hold of the caller's history, for it to check its
 * store against (link_hello_answer): per link agreed, the last sequence
 * number we received from it and the last of ours it receipted, and the
 * size of its log we cosigned. */
static json_t *
hello_marks(struct link_engine *e, const struct peer *pr)
{
	struct store *st = node_store(e->node);
	json_t *links = json_object();
	struct link_names ln;
	uint64_t cosigned = 0;

	if (link_names_of(e, pr, &ln) != ST_OK)
		ln.n = ENV_LINKS;	/* the standard ones, added first */
	for (size_t k = 0; links && k < ln.n; k++) {
		struct store_marks m;

		if (store_link_marks(st, pr->id, ln.v[k], &m) != ST_OK)
			continue;
		json_object_set_new(links, ln.v[k], json_pack("{s:I, s:I}",
		    "received", (json_int_t)m.received, "delivered", (json_int_t)m.delivered));
	}
	if (store_witness_get(st, pr->id, witnessed, &cosigned) != ST_OK)
		cosigned = 0;
	return json_pack("{s:s, s:i, s:o, s:I}", "name", node_config(e->node)->name, "v", 1,
	    "links", links, "cosigned", (json_int_t)cosigned);
}

static void
serve_hello(void *arg, struct http_req *r)
{
	struct link_engine *e = arg;
	struct peer *pr = peers_by_key(e->peers, http_req_peer(r));
	json_t *j;
	char *text;

	if (!pr) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	j = hello_marks(e, pr);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text)
		http_reply(r, ST_OK, "application/json", text, strlen(text));
	else
		http_reply_error(r, ST_NOMEM, NULL);
	free(text);
	peers_heard(e->peers, pr);
}

void
link_halt(struct lpeer *p, const char *what)
{
	struct link_engine *e = p->e;
	char text[400];
	status rc;

	snprintf(text, sizeof text, "%s (was this store restored from an older copy?); this"
	    " node signs nothing new until its history is recovered", what);
	snprintf(p->alarm, sizeof p->alarm, "STOPPED: peer %.63s %.170s", p->peer->name, what);
	link_changed(e);
	if (node_halted(e->node) && strstr(node_halted(e->node), text))
		return;	/* known: said when it was found */
	rc = node_halt(e->node, p->peer->id, p->peer->name, text);
	diag_warn("HALT: peer %s %s%s", p->peer->name, text, rc ? " (cannot record it)" : "");
}

status
link_accept_loss(struct link_engine *e, const char **why)
{
	struct node *n = e->node;
	struct store *st = node_store(n);
	struct buf note;
	status rc;
	size_t i;

	*why = NULL;
	if (!node_halted(n)) {
		*why = "nothing to accept: this node has not halted";
		return ST_NOTFOUND;
	}
	if (e->recovery) {
		*why = "a recovery is in progress: wait for it (parley status)";
		return ST_CONFLICT;
	}
	for (i = 0; i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (p && !p->marks) {
			static char text[240];	/* one thread: lives until the next call */

			snprintf(text, sizeof text, "peer %s has not answered since parleyd started;"
			    " its marks are needed so that no sequence number is used twice",
			    p->peer->name);
			*why = text;
			return ST_DOWN;
		}
	}
	buf_init(&note, 65536);
	rc = store_begin(st);
	for (i = 0; !rc && i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));
		const char *k;
		json_t *v;

		if (!p)
			continue;
		json_object_foreach(p->marks, k, v) {
			if (rc || !envelope_link_ok(k))
				continue;
			rc = store_send_advance(st, p->peer->id, k,
			    json_integer_value(json_object_get(v, "received")));
			if (!rc)
				rc = store_recv_advance(st, p->peer->id, k,
				    json_integer_value(json_object_get(v, "delivered")));
		}
	}
	if (!rc)
		rc = ledger_loss(n, stamp_now_ms(), &note);
	for (i = 0; !rc && i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (p)
			rc = store_loss_add(st, p->peer->id, buf_str(&note), node_halted(n),
			    stamp_now_ms());
	}
	for (i = 0; !rc && i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (p)
			rc = node_unhalt(n, p->peer->id);
	}
	if (!rc)
		rc = store_commit(st);
	if (rc) {
		store_rollback(st);
		buf_free(&note);
		*why = "the store could not record it";
		return rc;
	}
	diag_warn("LOSS ACCEPTED: sequence numbers skip past what peers hold; the log goes on"
	    " from size %llu; every peer is told", (unsigned long long)store_log_size(st));
	buf_free(&note);
	e->recovery_failed = 0;
	for (i = 0; i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (!p)
			continue;
		p->peer->history_ok = 0;	/* until it has taken the statement */
		if (strncmp(p->alarm, "STOPPED", 7) == 0)
			p->alarm[0] = '\0';
		p->need_hello = 1;
	}
	link_changed(e);	/* the alarms ended */
	link_kick_all(e);
	return ST_OK;
}

void
link_hello_answer(struct lpeer *p, const char *body, size_t len)
{
	struct link_engine *e = p->e;
	struct store *st = node_store(e->node);
	json_t *j = json_loadb(body, len, 0, NULL), *v;
	uint64_t cosigned = (uint64_t)json_integer_value(json_object_get(j, "cosigned"));
	uint64_t size = store_log_size(st);
	char what[300] = "";
	struct buf loss;
	const char *k;
	int told;

	json_decref(p->marks);
	p->marks = json_incref(json_object_get(j, "links"));
	json_object_foreach(json_object_get(j, "links"), k, v) {
		int64_t got = json_integer_value(json_object_get(v, "received"));
		int64_t done = json_integer_value(json_object_get(v, "delivered"));
		struct store_marks m;

		if (what[0] || !envelope_link_ok(k) ||
		    store_link_marks(st, p->peer->id, k, &m) != ST_OK)
			continue;
		if (got > m.sent)
			snprintf(what, sizeof what, "holds our messages on link %s up to seq %lld;"
			    " this store signed only up to seq %lld", k, (long long)got,
			    (long long)m.sent);
		else if (done > m.received)
			snprintf(what, sizeof what, "holds our receipts for its messages on link %s"
			    " up to seq %lld; this store received only up to seq %lld", k,
			    (long long)done, (long long)m.received);
	}
	/* A loss statement it has not taken yet: it still holds the log we
	 * lost, so its cosigned size says nothing new; tell it first. */
	buf_init(&loss, 65536);
	told = !what[0] && store_loss_pending(st, p->peer->id, &loss) == ST_OK;
	if (told && witness_loss(e->witness, p->peer, buf_str(&loss)) != ST_OK)
		diag_info("peer %s: our loss statement waits for its next hello", p->peer->name);
	buf_free(&loss);
	if (!what[0] && !told && cosigned > size)
		snprintf(what, sizeof what, "cosigned our log at size %llu; this store holds %llu"
		    " entries", (unsigned long long)cosigned, (unsigned long long)size);
	json_decref(j);
	if (what[0]) {
		link_halt(p, what);
		link_recover(e);
		return;
	}
	if (!told && !p->peer->history_ok) {
		p->peer->history_ok = 1;
		witness_kick(e->witness);	/* its rounds waited for this */
	}
}

static void
serve_messages(void *arg, struct http_req *r)
{
	struct link_engine *e = arg;
	struct peer *pr = peers_by_key(e->peers, http_req_peer(r));
	struct buf resp;
	const char *body;
	size_t len;
	status st;

	if (!pr) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	if (node_halted(e->node)) {
		/* a halted node signs no receipt: the sender retries later */
		http_reply_error(r, ST_DOWN, "recovering its history; retry later");
		peers_heard(e->peers, pr);
		return;
	}
	body = http_req_body(r, &len);
	buf_init(&resp, HTTP_REQUEST_MAX);
	st = link_in_batch(e->node, pr, body, len, &resp);
	if (resp.len)
		http_reply(r, st, "application/json", resp.p, resp.len);
	else
		http_reply_error(r, st, st == ST_PARSE ? "no message in the request" :
		    st == ST_CORRUPT ? "store damaged; retry later" : status_str(st));
	buf_free(&resp);
	witness_kick(e->witness);
	peers_heard(e->peers, pr);
}

/* ---- engine ---- */

static int
engine_link(void *arg, const char *link)
{
	if (envelope_link_ok(link) && link_index(arg, link) < 0)
		diag_warn("store: more than %d links in use; %s is not served", LINKS_MAX, link);
	return 0;
}

status
link_engine_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct link_engine **out)
{
	struct link_engine *e;
	status rc;

	*out = NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return ST_NOMEM;
	e->base = http_base(h);
	e->http = h;
	e->node = n;
	e->peers = ps;
	e->tls = tls;
	buf_init(&e->pack, HTTP_REQUEST_MAX);
	if (!(e->changed = event_new(e->base, -1, 0, on_changed, e))) {
		free(e);
		return ST_NOMEM;
	}
	http_client_watch(h, told_changed, e);
	/* the standard links, then every other one the store has used */
	for (size_t k = 0; k < ENV_LINKS; k++)
		(void)link_index(e, envelope_links[k]);
	rc = store_links_of(node_store(n), 0, engine_link, e);
	if (!rc)
		rc = peers_hook(ps, &(struct peers_hooks){ added, heard, changed, removed }, e,
		    &e->slot);
	if (!rc)
		rc = witness_new(h, n, ps, tls, &e->witness);
	if (!rc)
		witness_watch(e->witness, told_changed, e);	/* a log alarm: the peers page */
	if (rc) {
		link_engine_free(e);
		return rc;
	}
	*out = e;
	return ST_OK;
}

status
link_start(struct link_engine *e, struct http_listener *l)
{
	status rc = http_route(l, HTTP_POST, "/v1/hello", 4096, serve_hello, e);

	if (!rc)
		rc = http_route(l, HTTP_POST, "/v1/messages", HTTP_REQUEST_MAX, serve_messages, e);
	if (!rc)
		rc = link_history_route(e, l);
	if (!rc)
		rc = witness_routes(e->witness, l);
	if (rc)
		return rc;
	e->started = 1;
	http_client_probe_every(e->http, node_config(e->node)->path_probe_ms);
	for (size_t i = 0; i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		if (usable(p))
			link_out_kick(p, 1);
	}
	witness_kick(e->witness);
	return ST_OK;
}

status
link_reload(struct link_engine *e)
{
	status rc = peers_reload(e->peers);

	/* the settings that apply at once, as node_config_reload left them */
	http_client_probe_every(e->http, node_config(e->node)->path_probe_ms);

	return rc ? rc : witness_reload(e->witness);
}

void
link_engine_free(struct link_engine *e)
{
	if (!e)
		return;
	http_client_watch(e->http, NULL, NULL);
	if (e->witness)
		witness_watch(e->witness, NULL, NULL);
	e->watch = NULL;
	while (e->waiters)
		waiter_free(e, e->waiters);
	link_recover_free(e);
	for (size_t i = 0; i < peers_count(e->peers); i++) {
		struct peer *pr = peers_at(e->peers, i);

		lpeer_free(pr->slot[e->slot]);
		pr->slot[e->slot] = NULL;
	}
	witness_free(e->witness);
	if (e->changed)
		event_free(e->changed);
	buf_free(&e->pack);
	free(e);
}

struct witness *
link_witness(struct link_engine *e)
{
	return e->witness;
}

/* status_of - the status object of the peer named name in the array
 * peers, or NULL. */
static json_t *
status_of(json_t *peers, const char *name)
{
	json_t *pj;
	size_t i;

	json_array_foreach(peers, i, pj)
		if (strcmp(json_string_value(json_object_get(pj, "name")), name) == 0)
			return pj;
	return NULL;
}

/* fork_alarm - on the status of f's peer (in the array peers), count the
 * fork and make the first one the peer's alarm: nothing outranks proof that
 * a peer signed two statements that cannot both be true. */
static int
fork_alarm(void *arg, const struct store_fork *f)
{
	json_t *pj = status_of(arg, f->peer);
	int64_t n = json_integer_value(json_object_get(pj, "forks"));
	char text[300];

	if (!pj)
		return 0;
	if (n == 0 && strcmp(f->kind, STORE_FORK_LOSS) == 0) {
		snprintf(text, sizeof text, "LOSS: %s; see parley log forks", f->reason);
		json_object_set_new(pj, "alarm", json_string(text));
	} else if (n == 0) {
		snprintf(text, sizeof text, "FORK: %s signed two statements that cannot both be"
		    " true (%s: %s); see parley log forks", f->peer, f->kind, f->reason);
		json_object_set_new(pj, "alarm", json_string(text));
	}
	json_object_set_new(pj, "forks", json_integer(n + 1));
	return 0;
}

/* breach_alarm - on the status of m's peer, count the breach; the first
 * is the alarm when the peer has none (a fork outranks it). */
static int
breach_alarm(void *arg, const struct store_in *m)
{
	json_t *pj = status_of(arg, m->peer);
	int64_t n = json_integer_value(json_object_get(pj, "breaches"));
	char text[400];

	if (!pj)
		return 0;
	if (n == 0 && json_is_null(json_object_get(pj, "alarm"))) {
		snprintf(text, sizeof text, "BREACH: %s sent a message the agreement does not"
		    " allow (%s); see parley agreement breaches", m->peer, m->reason);
		json_object_set_new(pj, "alarm", json_string(text));
	}
	json_object_set_new(pj, "breaches", json_integer(n + 1));
	return 0;
}

/* paths_status - the paths of p's peer, as parley status shows them:
 * [{"n","url","state","active","last_ok","last_error":{"at","reason"}}]. */
static json_t *
paths_status(const struct lpeer *p)
{
	struct http_path_info v[CARD_MAX_ENDPOINTS];
	json_t *a = json_array();
	size_t n = p && p->lanes[0].client ? http_client_paths(p->lanes[0].client, v) : 0;

	for (size_t i = 0; a && i < n; i++) {
		char ok[STAMP_TIME_LEN], bad[STAMP_TIME_LEN];

		if (v[i].last_ok_ms)
			stamp_format(v[i].last_ok_ms, ok);
		if (v[i].last_error_ms)
			stamp_format(v[i].last_error_ms, bad);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}",
		    "n", (json_int_t)i, "url", v[i].url, "state", http_path_state_name(v[i].state),
		    "active", v[i].active,
		    "last_ok", v[i].last_ok_ms ? json_string(ok) : json_null(),
		    "last_error", v[i].last_error_ms ? json_pack("{s:s, s:s}", "at", bad,
		    "reason", v[i].last_error) : json_null()));
	}
	return a ? a : json_array();
}

/* in_use - the URL of the path p's peer is dialled on. */
static const char *
in_use(const struct lpeer *p, const struct peer *pr, char out[static CARD_ENDPOINT_MAX + 1])
{
	struct http_path_info v[CARD_MAX_ENDPOINTS];
	size_t n = p && p->lanes[0].client ? http_client_paths(p->lanes[0].client, v) : 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].active) {
			memcpy(out, v[i].url, CARD_ENDPOINT_MAX + 1);
			return out;
		}
	return pr->endpoints;
}

json_t *
link_status(struct link_engine *e)
{
	const struct config *c = node_config(e->node);
	json_t *peers = json_array(), *j;

	for (size_t i = 0; i < peers_count(e->peers); i++) {
		struct peer *pr = peers_at(e->peers, i);
		struct lpeer *p = link_peer(e, pr);
		json_t *backlog = json_object(), *pj, *wj;
		char heard[STAMP_TIME_LEN], url[CARD_ENDPOINT_MAX + 1];
		const char *local;
		struct link_names ln;

		if (link_names_of(e, pr, &ln) != ST_OK)
			ln.n = ENV_LINKS;
		for (size_t k = 0; k < ln.n; k++) {
			int64_t n = 0;

			if (store_out_backlog(node_store(e->node), pr->id, ln.v[k], &n) == ST_OK)
				json_object_set_new(backlog, ln.v[k], json_integer(n));
		}
		if (p->last_heard_ms)
			stamp_format(p->last_heard_ms, heard);
		pj = json_pack("{s:s, s:s, s:o, s:b, s:o, s:o, s:o, s:o}",
		    "name", pr->name, "endpoint", in_use(p, pr, url), "paths", paths_status(p),
		    "reachable", p->reachable,
		    "last_heard", p->last_heard_ms ? json_string(heard) : json_null(),
		    "last_error", p->last_error[0] ? json_string(p->last_error) : json_null(),
		    "backlog", backlog,
		    "alarm", p->alarm[0] ? json_string(p->alarm) : json_null());
		json_object_set_new(pj, "forks", json_integer(0));
		json_object_set_new(pj, "breaches", json_integer(0));
		local = node_policy(e->node) ? policy_local(node_policy(e->node), pr->kid,
		    stamp_now_ms()) : NULL;
		json_object_set_new(pj, "local_agreement", local ? json_string(local) : json_null());
		/* The log's view; a log alarm shows as the alarm when the link has none. */
		json_object_update(pj, wj = witness_status(e->witness, pr->name));
		if (!p->alarm[0] && json_string_value(json_object_get(wj, "log_alarm")))
			json_object_set(pj, "alarm", json_object_get(wj, "log_alarm"));
		json_decref(wj);
		json_array_append_new(peers, pj);
	}
	if (store_fork_list(node_store(e->node), fork_alarm, peers) != ST_OK)
		diag_warn("store: cannot read forks for the status: %s",
		    store_errmsg(node_store(e->node)));
	if (store_in_breaches(node_store(e->node), breach_alarm, peers) != ST_OK)
		diag_warn("store: cannot read breaches for the status: %s",
		    store_errmsg(node_store(e->node)));
	j = json_pack("{s:s, s:s, s:s, s:o, s:o}", "node", c->name, "kid",
	    ident_kid(node_ident(e->node)), "desk_tz", c->desk_tz, "halted",
	    node_halted(e->node) ? json_string(node_halted(e->node)) : json_null(),
	    "peers", peers);
	/* SQLite's words for a damaged store, from the first call that met it */
	json_object_set_new(j, "store_damaged", store_damaged(node_store(e->node)) ?
	    json_string(store_damaged(node_store(e->node))) : json_null());
	return j;
}

status
link_use_path(struct link_engine *e, const char *peer, size_t n)
{
	struct peer *pr = peers_by_name(e->peers, peer);
	struct lpeer *p = pr ? link_peer(e, pr) : NULL;

	if (!p || !p->lanes[0].client)
		return ST_NOTFOUND;
	return http_client_use_path(p->lanes[0].client, n);
}
