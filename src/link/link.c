/* link.c - the link engine: inbound acceptance and outbound delivery.
 *
 * Rules this file keeps:
 * - a receipt leaves only after the commit that holds the message (fsync);
 * - a message is delivered at least once and applied exactly once: the
 *   receiver keys every message by (peer, link, seq) and answers a
 *   retransmission of the same bytes with the receipt it already issued;
 * - per link, the receiver accepts only the next sequence number; a
 *   verified message it refuses for good (unknown link, body too large)
 *   still consumes its number, so one refusal never blocks the link;
 * - the sender marks a message delivered only on a receipt that verifies
 *   with the peer's pinned key and names that message's exact bytes.
 *
 * SECURITY: every inbound statement is verified with the key TLS proved, so
 * a peer can speak only for itself.  Outbound connections go only to pinned
 * peers' endpoints.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "util/diag.h"
#include "fmt/envelope.h"
#include "log/ledger.h"
#include "link/link.h"
#include "net/peer_http.h"
#include "log/witness.h"

#define MAX_PEERS 64
#define BATCH_MAX 256
#define BATCH_BYTES (1u << 20)
#define REQUEST_MAX (64u << 20)
#define LINES_MAX 1024
#define HELLO_EVERY_MS 15000
#define BACKOFF_MIN_MS 50
#define POST_TIMEOUT_S 30
/* Batches in flight per peer, so sender and receiver work at once
 * (decision 0005); a third keeps the sender busy while two are with the
 * peer (measured: about +10 % sustained throughput over two). */
#define LANES 3

/* Links in the order their backlog is served: the urgent one first. */
static const char *const link_order[] = { "urgent", "leaders", "wg", "cert" };

struct item {
	char id[STAMP_UUID_LEN];
	int64_t seq;
	char hash[ENV_HASH_HEX];
};

/* A lane is one connection to the peer with at most one batch in flight. */
struct lane {
	struct lpeer *p;
	struct peer_http_client *client;
	char blink[ENV_LINK_MAX + 1];	/* link of the batch in flight */
	struct item items[BATCH_MAX];
	size_t n_items;
	int hello;		/* the request in flight is a hello */
	struct buf body;
};

struct lpeer {
	struct link_engine *e;
	int64_t id;
	char name[CARD_NAME_MAX + 1];
	uint8_t pk[IDENT_PK_LEN];
	char kid[IDENT_KID_LEN];
	char endpoint[CARD_ENDPOINT_MAX + 1];
	char links[64];
	struct lane lanes[LANES];
	struct event *timer;
	int retrying;		/* timer armed for a retry after failure */
	int backoff_ms;
	int need_hello;
	int reachable;
	int64_t last_heard_ms;
	char last_error[256];
	char alarm[256];
};

struct waiter {
	struct link_engine *e;
	char id[STAMP_UUID_LEN];
	int64_t start_us;
	link_wait_fn fn;
	void *arg;
	struct event *timer;
	struct waiter *next;
};

struct link_engine {
	struct event_base *base;
	struct node *node;
	struct tlsctx *tls;
	struct peer_http *server;
	struct witness *witness;	/* cosigning our log and peers' logs */
	struct lpeer *peers[MAX_PEERS];
	size_t n_peers;
	struct waiter *waiters;
};

struct outcome {
	char id[STAMP_UUID_LEN];
	enum link_outcome o;
	char detail[200];
};

static void kick(struct lpeer *p, int force);

static struct lpeer *
peer_by_key(struct link_engine *e, const uint8_t pk[IDENT_PK_LEN])
{
	for (size_t i = 0; i < e->n_peers; i++)
		if (memcmp(e->peers[i]->pk, pk, IDENT_PK_LEN) == 0)
			return e->peers[i];
	return NULL;
}

static struct lpeer *
peer_by_name(struct link_engine *e, const char *name)
{
	for (size_t i = 0; i < e->n_peers; i++)
		if (strcmp(e->peers[i]->name, name) == 0)
			return e->peers[i];
	return NULL;
}

static int
agreed(const struct lpeer *p, const char *link)
{
	size_t n = strlen(link);

	for (const char *s = p->links; *s;) {
		const char *c = strchr(s, ',');
		size_t k = c ? (size_t)(c - s) : strlen(s);

		if (k == n && memcmp(s, link, n) == 0)
			return 1;
		if (!c)
			break;
		s = c + 1;
	}
	return 0;
}

int
link_pinned(void *arg, const uint8_t pk[IDENT_PK_LEN])
{
	struct link_engine *e = arg;
	char kid[IDENT_KID_LEN];

	if (peer_by_key(e, pk))
		return 1;
	ident_thumbprint(pk, kid);
	diag_warn("refused TLS connection: key %s is not pinned", kid);
	return 0;
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

static void
notify(struct link_engine *e, const struct outcome *oc, size_t n)
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

/* ---- outbound ---- */

static void
schedule(struct lpeer *p, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(p->timer, &tv);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct lpeer *p = arg;

	(void)fd;
	(void)what;
	if (!p->retrying)
		p->need_hello = 1;	/* idle: a communication check */
	kick(p, 1);
}

static int
busy_lanes(const struct lpeer *p)
{
	int n = 0;

	for (int i = 0; i < LANES; i++)
		n += peer_http_busy(p->lanes[i].client);
	return n;
}

/* failed - count the lane's attempt and retry later with backoff and jitter. */
static void
failed(struct lane *l, const char *why)
{
	struct lpeer *p = l->p;
	struct store *st = node_store(p->e->node);
	int max = node_config(p->e->node)->retry_max_ms, delay;

	if (!p->last_error[0] || strcmp(p->last_error, why) != 0)
		diag_warn("peer %s: %s; retrying", p->name, why);
	snprintf(p->last_error, sizeof p->last_error, "%s", why);
	p->reachable = 0;
	if (l->n_items && store_begin(st) == ST_OK) {
		if (store_out_failed(st, p->id, l->blink, l->items[0].seq,
		    l->items[l->n_items - 1].seq, why) != ST_OK || store_commit(st) != ST_OK)
			store_rollback(st);
	}
	l->n_items = 0;
	if (p->retrying)
		return;		/* another lane already scheduled the retry */
	p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (p->backoff_ms > max)
		p->backoff_ms = max;
	delay = p->backoff_ms / 2 + (int)randombytes_uniform((uint32_t)p->backoff_ms / 2 + 1);
	p->retrying = 1;
	schedule(p, delay);
}

static void
alarm_set(struct lpeer *p, const char *fmt, const char *a, int64_t n)
{
	char text[sizeof p->alarm];

	snprintf(text, sizeof text, fmt, a, (long long)n);
	if (strcmp(text, p->alarm) != 0)
		diag_warn("ALARM peer %s: %s", p->name, text);
	memcpy(p->alarm, text, sizeof text);
}

/* settle - apply one result of a batch; 1 to go on, 0 to stop there.
 * *ahead is set when the peer wants an earlier sequence number first. */
static int
settle(struct lane *l, const struct item *it, const json_t *res, struct outcome *oc,
    int *ahead)
{
	struct lpeer *p = l->p;
	struct store *st = node_store(p->e->node);
	json_int_t code = json_integer_value(json_object_get(res, "status"));
	const char *reason = json_string_value(json_object_get(res, "reason"));
	const char *rjws = json_string_value(json_object_get(res, "receipt"));
	struct receipt r;
	status rc;

	snprintf(oc->id, sizeof oc->id, "%s", it->id);
	if (code == 425) {
		*ahead = 1;
		return 0;
	}
	if (json_integer_value(json_object_get(res, "seq")) != it->seq)
		return 0;
	if (code == 200) {
		if (!rjws)
			return 0;
		rc = envelope_receipt_open(rjws, strlen(rjws), p->pk,
		    ident_kid(node_ident(p->e->node)), &r);
		if (rc || strcmp(r.msg, it->id) != 0 || strcmp(r.msg_sha256, it->hash) != 0 ||
		    r.seq != it->seq || strcmp(r.link, l->blink) != 0) {
			alarm_set(p, "invalid receipt for message %s (seq %lld); not marked delivered",
			    it->id, it->seq);
			return 0;
		}
		if (store_out_delivered(st, it->id, rjws, stamp_now_ms()) != ST_OK)
			return 0;
		oc->o = LINK_DELIVERED;
		oc->detail[0] = '\0';
		return 1;
	}
	if (code == 400 || code == 403 || code == 404 || code == 409 || code == 413 ||
	    code == 421 || code == 422) {
		snprintf(oc->detail, sizeof oc->detail, "refused by %s: %d %s", p->name,
		    (int)code, reason ? reason : "");
		if (store_out_rejected(st, it->id, oc->detail) != ST_OK)
			return 0;
		diag_warn("message %s (link %s seq %lld) %s", it->id, l->blink,
		    (long long)it->seq, oc->detail);
		if (code == 409)
			alarm_set(p, "peer holds a different message at our sequence number (%s, seq %lld): was this store restored from an old copy?",
			    l->blink, it->seq);
		oc->o = LINK_REJECTED;
		return 1;
	}
	return 0;
}

/* lower_in_flight - 1 while another lane has a batch in flight on l's link
 * with lower sequence numbers than l's. */
static int
lower_in_flight(const struct lpeer *p, const struct lane *l)
{
	for (int i = 0; i < LANES; i++) {
		const struct lane *o = &p->lanes[i];

		if (o != l && peer_http_busy(o->client) && o->n_items && l->n_items &&
		    strcmp(o->blink, l->blink) == 0 && o->items[0].seq < l->items[0].seq)
			return 1;
	}
	return 0;
}

static void
on_batch(void *arg, int code, const char *body, size_t len, const char *error)
{
	struct lane *l = arg;
	struct lpeer *p = l->p;
	struct link_engine *e = p->e;
	struct store *st = node_store(e->node);
	struct outcome *oc = NULL;
	size_t n = 0;
	json_t *j = NULL, *results;
	int ahead = 0;
	char why[256];
	status rc;

	if (code == 0 || code >= 500 || (l->hello && code != 200)) {
		if (code)
			snprintf(why, sizeof why, "peer answered HTTP %d", code);
		else
			snprintf(why, sizeof why, "%s", error);
		l->hello = 0;
		failed(l, why);
		return;
	}
	p->reachable = 1;
	p->last_heard_ms = stamp_now_ms();
	p->backoff_ms = 0;
	p->last_error[0] = '\0';
	if (l->hello) {
		l->hello = 0;
		p->need_hello = 0;
		kick(p, 0);
		return;
	}
	j = json_loadb(body, len, 0, NULL);
	results = json_object_get(j, "results");
	if (!json_is_array(results)) {
		json_decref(j);
		failed(l, "peer sent a malformed answer");
		return;
	}
	oc = calloc(l->n_items ? l->n_items : 1, sizeof *oc);
	if (oc && store_begin(st) == ST_OK) {
		for (; n < l->n_items && n < json_array_size(results); n++)
			if (!settle(l, &l->items[n], json_array_get(results, n), &oc[n], &ahead))
				break;
		if (store_commit(st) != ST_OK) {
			diag_warn("store: cannot commit receipts: %s", store_errmsg(st));
			n = 0;
		}
	}
	json_decref(j);
	if (n == 0 && ahead && lower_in_flight(p, l)) {
		/* This batch overtook a lane with lower sequence numbers: send
		 * the same batch again at once; the peer takes it after that
		 * lane's.  Refilled instead (from after the highest sequence
		 * number in flight), its messages would fall behind every later
		 * batch until the link stalled. */
		free(oc);
		if ((rc = peer_http_post(l->client, "/v1/messages", l->body.p, l->body.len,
		    POST_TIMEOUT_S, on_batch, l)) != ST_OK)
			failed(l, status_str(rc));
		return;
	}
	if (n > 0 || (ahead && busy_lanes(p))) {
		/* Progress, or this batch overtook the other lane's: go on. */
		l->n_items = 0;
		if (n > 0 && strncmp(p->alarm, "peer expects", 12) == 0)
			p->alarm[0] = '\0';
		notify(e, oc, n);
		free(oc);
		kick(p, 0);
		return;
	}
	free(oc);
	if (ahead)
		alarm_set(p, "peer expects another sequence number on link %s (we sent %lld)",
		    l->blink, l->items[0].seq);
	failed(l, code == 200 ? "no progress on the batch" : "peer refused the batch");
}

struct collect {
	struct lane *l;
	status rc;
};

static int
collect_one(void *arg, const struct store_out *m)
{
	struct collect *c = arg;
	struct lane *l = c->l;
	struct item *it = &l->items[l->n_items];

	if ((c->rc = buf_add(&l->body, m->jws, m->jws_len)) != ST_OK ||
	    (c->rc = buf_add(&l->body, "\n", 1)) != ST_OK)
		return 1;
	snprintf(it->id, sizeof it->id, "%s", m->id);
	it->seq = m->seq;
	envelope_hash(m->jws, m->jws_len, it->hash);
	l->n_items++;
	return 0;
}

/* in_flight_max - the highest seq on link already in flight in another lane. */
static int64_t
in_flight_max(const struct lpeer *p, const char *link)
{
	int64_t max = 0;

	for (int i = 0; i < LANES; i++) {
		const struct lane *o = &p->lanes[i];

		if (o->n_items && strcmp(o->blink, link) == 0 &&
		    o->items[o->n_items - 1].seq > max)
			max = o->items[o->n_items - 1].seq;
	}
	return max;
}

/* fill - load the next batch into a free lane; 1 when it holds messages. */
static int
fill(struct lpeer *p, struct lane *l)
{
	struct collect c = { l, ST_OK };
	status rc;

	buf_reset(&l->body);
	l->n_items = 0;
	for (size_t i = 0; i < sizeof link_order / sizeof link_order[0]; i++) {
		if (!agreed(p, link_order[i]))
			continue;
		rc = store_out_pending(node_store(p->e->node), p->id, link_order[i],
		    in_flight_max(p, link_order[i]), BATCH_MAX, BATCH_BYTES, collect_one, &c);
		if (rc || c.rc) {
			diag_warn("peer %s: cannot read outbox: %s", p->name,
			    status_str(rc ? rc : c.rc));
			l->n_items = 0;
			return 0;
		}
		if (l->n_items) {
			snprintf(l->blink, sizeof l->blink, "%s", link_order[i]);
			return 1;
		}
	}
	return 0;
}

static void
kick(struct lpeer *p, int force)
{
	int sent = 0;
	status rc;

	if (p->retrying && !force)
		return;
	p->retrying = 0;
	evtimer_del(p->timer);
	for (int i = 0; i < LANES; i++) {
		struct lane *l = &p->lanes[i];

		if (peer_http_busy(l->client))
			continue;
		if (!fill(p, l))
			break;
		rc = peer_http_post(l->client, "/v1/messages", l->body.p, l->body.len,
		    POST_TIMEOUT_S, on_batch, l);
		if (rc) {
			failed(l, status_str(rc));
			return;
		}
		sent = 1;
	}
	if (sent || busy_lanes(p))
		return;
	if (p->need_hello) {
		struct lane *l = &p->lanes[0];

		l->hello = 1;
		rc = peer_http_post(l->client, "/v1/hello", "{}", 2, POST_TIMEOUT_S, on_batch, l);
		if (rc) {
			l->hello = 0;
			failed(l, status_str(rc));
		}
		return;
	}
	schedule(p, HELLO_EVERY_MS);
}

void
link_kick_all(struct link_engine *e)
{
	for (size_t i = 0; i < e->n_peers; i++)
		kick(e->peers[i], 0);
	witness_kick(e->witness);
}

status
link_queue(struct link_engine *e, const struct link_msg *lm, char id[static STAMP_UUID_LEN],
    const char **why)
{
	struct store *st = node_store(e->node);
	const struct config *cfg = node_config(e->node);
	struct lpeer *p = peer_by_name(e, lm->peer);
	struct message m;
	struct store_out row;
	struct buf jws;
	status rc;

	*why = NULL;
	if (!p) {
		*why = "no such peer (see: parley peer list)";
		return ST_NOTFOUND;
	}
	if (!envelope_link_ok(lm->link) || !agreed(p, lm->link)) {
		*why = "link not agreed with this peer";
		return ST_LINK;
	}
	if (!envelope_type_ok(lm->type)) {
		*why = "type must match [a-z0-9][a-z0-9._-]{0,62}";
		return ST_INVALID;
	}
	if (!envelope_priority_ok(lm->priority)) {
		*why = "priority must be flash, immediate, priority or routine";
		return ST_INVALID;
	}
	if (!lm->subject[0] || strlen(lm->subject) > ENV_SUBJECT_MAX) {
		*why = "subject must be 1 to 1024 bytes";
		return ST_INVALID;
	}
	if (lm->body_len > cfg->max_body) {
		*why = "body exceeds max_body";
		return ST_TOOBIG;
	}
	envelope_message_init(&m, cfg->max_body);
	stamp_uuid7(m.id);
	memcpy(m.to, p->kid, sizeof m.to);
	snprintf(m.link, sizeof m.link, "%s", lm->link);
	snprintf(m.type, sizeof m.type, "%s", lm->type);
	snprintf(m.priority, sizeof m.priority, "%s", lm->priority);
	snprintf(m.subject, sizeof m.subject, "%s", lm->subject);
	stamp_format(stamp_now_ms(), m.created_at);
	buf_init(&jws, REQUEST_MAX);
	rc = buf_add(&m.body, lm->body, lm->body_len);
	if (!rc)
		rc = store_send_seq(st, p->id, m.link, &m.seq);
	if (!rc)
		rc = envelope_message_seal(node_ident(e->node), &m, &jws);
	if (!rc) {
		memset(&row, 0, sizeof row);
		row.id = m.id;
		row.peer_id = p->id;
		row.link = m.link;
		row.seq = m.seq;
		row.type = m.type;
		row.priority = m.priority;
		row.subject = m.subject;
		row.jws = jws.p;
		row.jws_len = jws.len;
		row.created_ms = stamp_now_ms();
		rc = store_out_add(st, &row);
	}
	if (!rc)
		memcpy(id, m.id, STAMP_UUID_LEN);
	else if (rc == ST_INVALID)
		*why = "body is not valid text";
	envelope_message_clear(&m);
	buf_free(&jws);
	return rc;
}

/* ---- inbound ---- */

/* The answer to one message of a batch, beside its HTTP status. */
struct verdict {
	int64_t seq;		/* 0: the message did not open */
	char id[STAMP_UUID_LEN];
	int64_t expected;	/* 425: the sequence number the link waits for */
	struct buf receipt;	/* 200: the receipt, issued now or before */
	char reason[200];	/* a refusal's reason, given now or before */
	/* The next sequence number of link, as this batch's transaction
	 * holds it: read from the store once per batch and link, then
	 * advanced here as store_in_add advances it. */
	char link[ENV_LINK_MAX + 1];
	int64_t next;
};

struct prior {
	const char *hash;
	struct verdict *v;
	int same, code;
	status rc;
};

static int
prior_row(void *arg, const struct store_in *m)
{
	struct prior *pr = arg;

	pr->same = strcmp(m->hash, pr->hash) == 0;
	pr->code = m->status;
	if (pr->same && m->status == 200)
		pr->rc = buf_add(&pr->v->receipt, m->receipt, m->receipt_len);
	else if (pr->same)
		snprintf(pr->v->reason, sizeof pr->v->reason, "%s", m->reason);
	return 1;
}

/* accept_one - one message of a batch; returns its HTTP status and whether
 * to stop the batch there.  The rest of the answer goes to v. */
static int
accept_one(struct lpeer *p, const char *jws, size_t n, struct verdict *v, int *stop)
{
	struct link_engine *e = p->e;
	struct store *st = node_store(e->node);
	const struct ident *self = node_ident(e->node);
	char hash[ENV_HASH_HEX], reason[200] = "";
	struct store_in row;
	struct message m;
	struct receipt r;
	struct buf *rj = &v->receipt;
	int64_t next;
	int code = 200;
	status rc;

	*stop = 0;
	v->seq = 0;
	v->id[0] = '\0';
	v->expected = 0;
	v->reason[0] = '\0';
	buf_reset(rj);
	envelope_hash(jws, n, hash);
	envelope_message_init(&m, node_config(e->node)->max_body);
	rc = envelope_message_open(jws, n, p->pk, ident_kid(self), &m);
	switch (rc) {
	case ST_OK:
	case ST_TOOBIG:
		break;
	case ST_BADSIG:
		code = 403, *stop = 1;
		snprintf(reason, sizeof reason, "signature does not verify with the pinned key");
		goto done;
	case ST_UNKNOWN_KEY:
		code = 403, *stop = 1;
		snprintf(reason, sizeof reason, "signed by a key other than the sender's pinned key");
		goto done;
	case ST_RECIPIENT:
		code = 421, *stop = 1;
		snprintf(reason, sizeof reason, "addressed to another node");
		goto done;
	default:
		code = 400, *stop = 1;
		snprintf(reason, sizeof reason, "malformed message: %s", status_str(rc));
		goto done;
	}
	v->seq = m.seq;
	memcpy(v->id, m.id, sizeof v->id);
	if (strcmp(v->link, m.link) != 0) {
		if (store_recv_next(st, p->id, m.link, &v->next) != ST_OK) {
			v->link[0] = '\0';
			code = 503, *stop = 1;
			snprintf(reason, sizeof reason, "store error");
			goto done;
		}
		memcpy(v->link, m.link, sizeof v->link);
	}
	next = v->next;
	if (m.seq < next) {
		struct prior pr = { hash, v, 0, 0, ST_OK };

		if (store_in_at(st, p->id, m.link, m.seq, prior_row, &pr) == ST_OK && pr.same) {
			code = pr.code;	/* a retransmission: the same answer again */
			if (pr.rc) {
				buf_reset(rj);
				code = 503, *stop = 1;
				snprintf(reason, sizeof reason, "%s", status_str(pr.rc));
			}
			goto done;
		}
		code = 409, *stop = 1;
		snprintf(reason, sizeof reason, "sequence %lld on link %s already holds another message",
		    (long long)m.seq, m.link);
		goto done;
	}
	if (m.seq > next) {
		code = 425, *stop = 1;
		v->expected = next;
		snprintf(reason, sizeof reason, "out of order: expected sequence %lld on link %s",
		    (long long)next, m.link);
		goto done;
	}
	memset(&row, 0, sizeof row);
	if (!agreed(p, m.link)) {
		code = 404;
		snprintf(reason, sizeof reason, "link %s is not agreed with %s", m.link, p->name);
	} else if (rc == ST_TOOBIG) {
		code = 413;
		snprintf(reason, sizeof reason, "body exceeds the limit of %zu bytes",
		    node_config(e->node)->max_body);
	} else {
		memset(&r, 0, sizeof r);
		stamp_uuid7(r.id);
		memcpy(r.msg, m.id, sizeof r.msg);
		memcpy(r.msg_sha256, hash, sizeof r.msg_sha256);
		memcpy(r.to, m.from, sizeof r.to);
		memcpy(r.link, m.link, sizeof r.link);
		r.seq = m.seq;
		stamp_format(stamp_now_ms(), r.received_at);
		if (envelope_receipt_seal(self, &r, rj) != ST_OK) {
			code = 503, *stop = 1;
			snprintf(reason, sizeof reason, "cannot sign receipt");
			goto done;
		}
		row.jws = jws;
		row.jws_len = n;
		row.receipt = rj->p;
		row.receipt_len = rj->len;
	}
	row.id = m.id;
	row.peer_id = p->id;
	row.link = m.link;
	row.seq = m.seq;
	row.type = m.type;
	row.priority = m.priority;
	row.subject = m.subject;
	row.hash = hash;
	row.status = code;
	row.reason = reason;
	row.received_ms = stamp_now_ms();
	rc = store_in_add(st, &row);
	if (rc == ST_EXISTS) {
		code = 409, *stop = 1;
		snprintf(reason, sizeof reason, "message id %s was already used", m.id);
	} else if (rc) {
		code = 503, *stop = 1;
		snprintf(reason, sizeof reason, "store error");
	}
	if (rc)
		buf_reset(rj);	/* no receipt for what is not stored */
	else
		v->next = m.seq + 1;	/* as store_in_add advanced it */
done:
	if (reason[0]) {
		memcpy(v->reason, reason, sizeof v->reason);
		diag_warn("refused message from %s (link %s seq %lld): %d %s", p->name,
		    m.link[0] ? m.link : "?", (long long)m.seq, code, reason);
	}
	envelope_message_clear(&m);
	return code;
}

/* verdict_add - append one result of a batch to out as a JSON object:
 * {"seq","id","expected","receipt","status","reason"}, each when it applies.
 * A template, not a JSON tree: every member but the reason is made or
 * checked here, and the receipt is base64url; strings are still escaped. */
static status
verdict_add(struct buf *out, const struct verdict *v, int code)
{
	status rc = buf_adds(out, "{");

	if (!rc && v->seq > 0)
		rc = buf_addf(out, "\"seq\":%lld,\"id\":\"%s\",", (long long)v->seq, v->id);
	if (!rc && v->expected > 0)
		rc = buf_addf(out, "\"expected\":%lld,", (long long)v->expected);
	if (!rc && v->receipt.len) {
		rc = buf_adds(out, "\"receipt\":");
		if (!rc)
			rc = envelope_json_str(out, v->receipt.p, v->receipt.len);
		if (!rc)
			rc = buf_adds(out, ",");
	}
	if (!rc)
		rc = buf_addf(out, "\"status\":%d", code);
	if (!rc && v->reason[0]) {
		size_t at = out->len;

		rc = buf_adds(out, ",\"reason\":");
		if (!rc)
			rc = envelope_json_str(out, v->reason, strlen(v->reason));
		if (rc == ST_INVALID) {
			buf_truncate(out, at);	/* not text: left out, as jansson did */
			rc = ST_OK;
		}
	}
	if (!rc)
		rc = buf_adds(out, "}");
	return rc;
}

static int
answer(struct buf *resp, json_t *j, int code)
{
	char *text = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (!text || buf_adds(resp, text) != ST_OK)
		code = 503;
	free(text);
	return code;
}

/* receive - a batch: {"results":[...]} in resp, one result per message up
 * to the first that stops the batch, sent only after the commit. */
static int
receive(struct lpeer *p, const char *body, size_t len, struct buf *resp)
{
	struct store *st = node_store(p->e->node);
	struct verdict v;
	size_t lines = 0, off = 0, start = resp->len;
	int http = 200, stop = 0;
	status wrc;

	if (store_begin(st) != ST_OK)
		return answer(resp, json_pack("{s:s}", "error", "store busy"), 503);
	memset(&v, 0, sizeof v);
	buf_init(&v.receipt, 8192);
	wrc = buf_adds(resp, "{\"results\":[");
	while (off < len && !stop) {
		const char *nl = memchr(body + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (body + off)) : len - off;
		int code;

		if (++lines > LINES_MAX)
			break;
		code = accept_one(p, body + off, n, &v, &stop);
		if (!wrc && lines > 1)
			wrc = buf_adds(resp, ",");
		if (!wrc)
			wrc = verdict_add(resp, &v, code);
		if (code != 200 && http == 200)
			http = code;
		off += n + 1;
	}
	buf_free(&v.receipt);
	if (!wrc)
		wrc = buf_adds(resp, "]}");
	if (store_commit(st) != ST_OK) {
		diag_warn("store: cannot commit received messages: %s", store_errmsg(st));
		buf_truncate(resp, start);
		return answer(resp, json_pack("{s:s}", "error", "store commit failed"), 503);
	}
	witness_kick(p->e->witness);
	if (wrc) {
		/* committed, but the answer did not fit: the sender resends and
		 * gets the same receipts */
		buf_truncate(resp, start);
		return answer(resp, json_pack("{s:s}", "error", status_str(wrc)), 503);
	}
	if (lines == 0)
		http = 400;
	return http;
}

int
link_serve(void *arg, const uint8_t pk[IDENT_PK_LEN], const char *path, const char *body,
    size_t len, struct buf *resp)
{
	struct link_engine *e = arg;
	struct lpeer *p = peer_by_key(e, pk);
	int code;

	if (!p)
		return answer(resp, json_pack("{s:s}", "error", "key not pinned"), 403);
	p->last_heard_ms = stamp_now_ms();
	if (strcmp(path, "/v1/hello") == 0)
		code = answer(resp, json_pack("{s:s}", "name", node_config(e->node)->name), 200);
	else if (strcmp(path, "/v1/messages") == 0)
		code = receive(p, body, len, resp);
	else if (strncmp(path, WITNESS_PREFIX, sizeof WITNESS_PREFIX - 1) == 0)
		code = witness_serve(e->witness, pk, path, body, len, resp);
	else
		code = answer(resp, json_pack("{s:s}", "error", "no such resource"), 404);
	if (p->retrying)
		kick(p, 1);	/* the peer is back: deliver at once */
	return code;
}

/* ---- engine ---- */

static void
peer_free(struct lpeer *p)
{
	if (!p)
		return;
	for (int i = 0; i < LANES; i++) {
		peer_http_client_free(p->lanes[i].client);
		buf_free(&p->lanes[i].body);
	}
	if (p->timer)
		event_free(p->timer);
	free(p);
}

static int
load_peer(void *arg, const struct store_peer *sp)
{
	struct link_engine *e = arg;
	struct lpeer *p = peer_by_key(e, sp->pk);

	if (!p) {
		if (e->n_peers == MAX_PEERS)
			return 1;
		p = calloc(1, sizeof *p);
		if (!p)
			return 1;
		p->e = e;
		p->need_hello = 1;
		p->timer = evtimer_new(e->base, on_timer, p);
		for (int i = 0; i < LANES; i++) {
			p->lanes[i].p = p;
			buf_init(&p->lanes[i].body, REQUEST_MAX);
			if (peer_http_client_new(e->base, e->tls, sp->pk, sp->endpoint,
			    &p->lanes[i].client) != ST_OK) {
				diag_warn("peer %s: bad endpoint %s", sp->name, sp->endpoint);
				peer_free(p);
				return 0;
			}
		}
		if (!p->timer) {
			peer_free(p);
			return 0;
		}
		e->peers[e->n_peers++] = p;
	}
	p->id = sp->id;
	memcpy(p->pk, sp->pk, IDENT_PK_LEN);
	snprintf(p->name, sizeof p->name, "%s", sp->name);
	snprintf(p->kid, sizeof p->kid, "%s", sp->kid);
	snprintf(p->endpoint, sizeof p->endpoint, "%s", sp->endpoint);
	snprintf(p->links, sizeof p->links, "%s", sp->links);
	return 0;
}

status
link_reload(struct link_engine *e)
{
	size_t before = e->n_peers;
	status rc = store_peer_list(node_store(e->node), load_peer, e);

	if (!rc)
		rc = witness_reload(e->witness);
	for (size_t i = before; i < e->n_peers; i++)
		kick(e->peers[i], 1);
	return rc;
}

status
link_engine_new(struct event_base *base, struct node *n, struct link_engine **out)
{
	char key[NODE_PATH_MAX], crt[NODE_PATH_MAX];
	struct link_engine *e;
	status rc;

	*out = NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return ST_NOMEM;
	e->base = base;
	e->node = n;
	rc = node_path(node_dir(n), "identity.key", key);
	if (!rc)
		rc = node_path(node_dir(n), "identity.crt", crt);
	if (!rc)
		rc = tlsctx_new(key, crt, link_pinned, e, &e->tls);
	if (!rc)
		rc = store_peer_list(node_store(n), load_peer, e);
	if (!rc)
		rc = witness_new(base, n, e->tls, &e->witness);
	if (rc) {
		link_engine_free(e);
		return rc;
	}
	*out = e;
	return ST_OK;
}

status
link_start(struct link_engine *e)
{
	const struct config *c = node_config(e->node);
	status rc;

	rc = peer_http_listen(e->base, e->tls, c->listen_host, c->listen_port, REQUEST_MAX,
	    link_serve, e, &e->server);
	if (rc)
		return rc;
	for (size_t i = 0; i < e->n_peers; i++)
		kick(e->peers[i], 1);
	witness_kick(e->witness);
	return ST_OK;
}

void
link_engine_free(struct link_engine *e)
{
	if (!e)
		return;
	while (e->waiters)
		waiter_free(e, e->waiters);
	peer_http_free(e->server);
	for (size_t i = 0; i < e->n_peers; i++)
		peer_free(e->peers[i]);
	witness_free(e->witness);
	tlsctx_free(e->tls);
	free(e);
}

struct witness *
link_witness(struct link_engine *e)
{
	return e->witness;
}

json_t *
link_status(struct link_engine *e)
{
	const struct config *c = node_config(e->node);
	json_t *peers = json_array(), *j;

	for (size_t i = 0; i < e->n_peers; i++) {
		struct lpeer *p = e->peers[i];
		json_t *backlog = json_object(), *pj, *wj;
		char heard[STAMP_TIME_LEN];

		for (size_t k = 0; k < sizeof link_order / sizeof link_order[0]; k++) {
			int64_t n = 0;

			if (agreed(p, link_order[k]) &&
			    store_out_backlog(node_store(e->node), p->id, link_order[k], &n) == ST_OK)
				json_object_set_new(backlog, link_order[k], json_integer(n));
		}
		if (p->last_heard_ms)
			stamp_format(p->last_heard_ms, heard);
		pj = json_pack("{s:s, s:s, s:b, s:o, s:o, s:o, s:o}",
		    "name", p->name, "endpoint", p->endpoint, "reachable", p->reachable,
		    "last_heard", p->last_heard_ms ? json_string(heard) : json_null(),
		    "last_error", p->last_error[0] ? json_string(p->last_error) : json_null(),
		    "backlog", backlog,
		    "alarm", p->alarm[0] ? json_string(p->alarm) : json_null());
		/* The log's view; a log alarm shows as the alarm when the link has none. */
		json_object_update(pj, wj = witness_status(e->witness, p->name));
		if (!p->alarm[0] && json_string_value(json_object_get(wj, "log_alarm")))
			json_object_set(pj, "alarm", json_object_get(wj, "log_alarm"));
		json_decref(wj);
		json_array_append_new(peers, pj);
	}
	j = json_pack("{s:s, s:s, s:o}", "node", c->name, "kid", ident_kid(node_ident(e->node)),
	    "peers", peers);
	return j;
}
