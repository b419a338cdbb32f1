/* link_out.c - outbound delivery: the outbox sent to each peer in
 * sequence order, with receipts.
 *
 * Rules this file keeps:
 * - a message is marked delivered only on a receipt that verifies with the
 *   peer's pinned key and names that message's exact bytes;
 * - up to LANES batches in flight per peer; a batch that overtook a lane
 *   with lower sequence numbers is sent again as it was;
 * - retries back off exponentially with jitter; a request from the peer
 *   (link.c's heard hook) retries at once.
 *
 * SECURITY: connections go only to pinned peers' endpoints (http_client).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "fmt/answer.h"
#include "fmt/envelope.h"
#include "link/link_int.h"
#include "node/policy.h"
#include "log/ledger.h"
#include "log/witness.h"
#include "util/backoff.h"
#include "util/diag.h"

static void failed(struct lane *l, const char *why);
static void kept_settled(struct lpeer *p, const char *link, int64_t seq);


static void
schedule(struct lpeer *p, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(p->timer, &tv);
}

void
link_out_timer(evutil_socket_t fd, short what, void *arg)
{
	struct lpeer *p = arg;

	(void)fd;
	(void)what;
	if (!p->retrying)
		p->need_hello = 1;	/* idle: a communication check */
	link_out_kick(p, 1);
}

static int
busy_lanes(const struct lpeer *p)
{
	int n = 0;

	for (int i = 0; i < LANES; i++)
		n += http_client_busy(p->lanes[i].client);
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
		diag_warn("peer %s: %s; retrying", p->peer->name, why);
	if (p->reachable || strcmp(p->last_error, why) != 0)
		link_changed(p->e);
	snprintf(p->last_error, sizeof p->last_error, "%s", why);
	p->reachable = 0;
	if (l->n_items && store_begin(st) == ST_OK) {
		if (store_out_failed(st, p->peer->id, l->blink, l->items[0].seq,
		    l->items[l->n_items - 1].seq, why) != ST_OK || store_commit(st) != ST_OK)
			store_rollback(st);
	}
	l->n_items = 0;
	if (p->retrying)
		return;		/* another lane already scheduled the retry */
	delay = backoff_next(&p->backoff_ms, BACKOFF_MIN_MS, max);
	p->retrying = 1;
	schedule(p, delay);
}

void
link_out_alarm(struct lpeer *p, const char *fmt, const char *a, int64_t n)
{
	char text[sizeof p->alarm];

	snprintf(text, sizeof text, fmt, a, (long long)n);
	if (strcmp(text, p->alarm) != 0) {
		diag_warn("ALARM peer %s: %s", p->peer->name, text);
		link_changed(p->e);
	}
	memcpy(p->alarm, text, sizeof text);
}

struct held {
	struct buf *b;
	status rc;
};

static int
held_receipt(void *arg, const struct store_out *m)
{
	struct held *h = arg;

	if (m->state == STORE_DELIVERED && m->receipt[0])
		h->rc = buf_adds(h->b, m->receipt);
	return 1;
}

/* link_receipt_again - see link.h. */
int
link_receipt_again(struct node *n, const struct peer *p, const char *id, const char *rjws)
{
	struct store *st = node_store(n);
	struct buf held;
	struct held h = { &held, ST_OK };
	char why[120];
	struct store_fork f = {
		.peer_id = p->id, .kind = STORE_FORK_RECEIPT, .subject = id,
		.presented = rjws, .reason = why, .at_ms = stamp_now_ms(),
	};
	status rc;

	buf_init(&held, 1u << 16);
	if (store_out_get(st, id, held_receipt, &h) != ST_OK || h.rc || !held.len ||
	    strcmp(buf_str(&held), rjws) == 0) {
		buf_free(&held);
		return 0;
	}
	snprintf(why, sizeof why, "two different receipts signed for message %s", id);
	f.held = buf_str(&held);
	rc = store_fork_add(st, &f);
	if (rc != ST_EXISTS)
		diag_warn("FORK: peer %s signed two different receipts for message %s; %s",
		    p->name, id, rc ? status_str(rc) : "both kept (parley log forks)");
	buf_free(&held);
	return rc == ST_OK;
}

/* settle - apply one result of a batch; 1 to go on, 0 to stop there.
 * *ahead is set when the peer wants an earlier sequence number first. */
static int
settle(struct lane *l, const struct item *it, const struct answer_result *res,
    struct outcome *oc, int *ahead)
{
	struct lpeer *p = l->p;
	struct store *st = node_store(p->e->node);
	status code = http_status((int)res->status);
	const char *reason = res->reason;
	const char *rjws = res->receipt;
	struct receipt r;
	status rc;

	snprintf(oc->id, sizeof oc->id, "%s", it->id);
	if (code == ST_ORDER) {
		*ahead = 1;
		return 0;
	}
	if (res->seq != it->seq)
		return 0;
	if (code == ST_OK) {
		if (!rjws)
			return 0;
		rc = envelope_receipt_open(rjws, res->receipt_len, p->peer->pk,
		    ident_kid(node_ident(p->e->node)), &r);
		if (rc || strcmp(r.msg, it->id) != 0 || strcmp(r.msg_sha256, it->hash) != 0 ||
		    r.seq != it->seq || strcmp(r.link, l->blink) != 0) {
			link_out_alarm(p, "invalid receipt for message %s (seq %lld); not marked delivered",
			    it->id, it->seq);
			return 0;
		}
		rc = store_out_delivered_at(st, p->peer->id, it->id, rjws, &r, stamp_now_ms());
		if (rc == ST_NOTFOUND)
			(void)link_receipt_again(p->e->node, p->peer, it->id, rjws);
		if (rc != ST_OK)
			return 0;
		if ((rc = node_msg_delivered(p->e->node, p->peer->id, &r,
		    http_client_answered_on(l->client))) != ST_OK)
			diag_warn("message %s delivered; its desk item not updated: %s", it->id,
			    status_str(rc));
		oc->o = LINK_DELIVERED;
		oc->detail[0] = '\0';
		return 1;
	}
	if (code == ST_PARSE || code == ST_INVALID || code == ST_BADSIG ||
	    code == ST_UNKNOWN_KEY || code == ST_NOTFOUND || code == ST_CONFLICT ||
	    code == ST_TOOBIG || code == ST_RECIPIENT || code == ST_FORK || code == ST_BREACH) {
		snprintf(oc->detail, sizeof oc->detail, "refused by %s: %d %s", p->peer->name,
		    http_code(code), reason ? reason : "");
		if (store_out_rejected(st, it->id, oc->detail) != ST_OK)
			return 0;
		diag_warn("message %s (link %s seq %lld) %s", it->id, l->blink,
		    (long long)it->seq, oc->detail);
		if (code == ST_CONFLICT) {
			char what[160];

			snprintf(what, sizeof what, "holds a different message of ours at link %s"
			    " seq %lld", l->blink, (long long)it->seq);
			link_halt(p, what);
		}
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

		if (o != l && http_client_busy(o->client) && o->n_items && l->n_items &&
		    strcmp(o->blink, l->blink) == 0 && o->items[0].seq < l->items[0].seq)
			return 1;
	}
	return 0;
}

static int
seq_cb(void *arg, const struct store_out *m)
{
	*(int64_t *)arg = m->seq;
	return 1;
}

/* queued_at - 1 when the message at seq on link is still queued for p: a
 * peer that waits for it lost a batch before the one it refused (it
 * restarted, a lane failed), and the next fill sends it - ordinary
 * recovery, not a reason for alarm.  A peer waiting for a message we hold
 * a receipt for, or never signed, is. */
static int
queued_at(struct lpeer *p, const char *link, int64_t seq)
{
	int64_t first = 0;

	return seq > 0 && store_out_pending(node_store(p->e->node), p->peer->id, link, seq - 1,
	    1, BATCH_BYTES, seq_cb, &first) == ST_OK && first == seq;
}

static void
on_batch(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct lane *l = arg;
	struct lpeer *p = l->p;
	struct link_engine *e = p->e;
	struct store *st = node_store(e->node);
	struct outcome *oc = NULL;
	size_t n = 0;
	struct answer *ans = NULL;
	int ahead = 0;
	int64_t expected = 0;
	char why[256], full[128];
	status rc;

	if (code == ST_DOWN || code == ST_TIMEOUT || code == ST_CRYPTO ||
	    (l->hello && code != ST_OK)) {
		json_t *ej = body && len ? json_loadb(body, len, 0, NULL) : NULL;
		const char *said = json_string_value(json_object_get(ej, "error"));

		/* the peer's own words, bounded (views and the log escape them) */
		if (said)
			snprintf(why, sizeof why, "%s: %.120s", error, said);
		else
			snprintf(why, sizeof why, "%s", error);
		json_decref(ej);
		l->hello = 0;
		failed(l, why);
		return;
	}
	if (!p->reachable || (code != ST_FULL && p->last_error[0]))
		link_changed(e);	/* back: not for every answer of a busy link */
	p->reachable = 1;
	p->last_heard_ms = stamp_now_ms();
	/* A peer out of storage (507) answers at once, and is backed off from
	 * all the same; any other answer ends the backoff. */
	snprintf(full, sizeof full, "peer %s is out of storage", p->peer->name);
	if (code != ST_FULL) {
		p->backoff_ms = 0;
		p->last_error[0] = '\0';
	}
	if (l->hello) {
		l->hello = 0;
		p->need_hello = 0;
		link_hello_answer(p, body, len);
		link_out_kick(p, 0);
		return;
	}
	if (answer_read(body, len, TMPL_ANY, &ans) != ST_OK) {
		failed(l, code == ST_FULL ? full : "peer sent a malformed answer");
		return;
	}
	oc = calloc(l->n_items ? l->n_items : 1, sizeof *oc);
	if (oc && store_begin(st) == ST_OK) {
		for (; n < l->n_items && n < answer_count(ans); n++)
			if (!settle(l, &l->items[n], answer_at(ans, n), &oc[n], &ahead))
				break;
		if (store_commit(st) != ST_OK) {
			diag_warn("store: cannot commit receipts: %s", store_errmsg(st));
			n = 0;
		}
	}
	if (n > 0)
		kept_settled(p, l->blink, l->items[n - 1].seq);
	if (ahead && n < answer_count(ans))
		expected = answer_at(ans, n)->expected;
	answer_free(ans);
	if (n == 0 && ahead && lower_in_flight(p, l)) {
		/* This batch overtook a lane with lower sequence numbers: send
		 * the same batch again at once; the peer takes it after that
		 * lane's.  Refilled instead (from after the highest sequence
		 * number in flight), its messages would fall behind every later
		 * batch until the link stalled. */
		free(oc);
		if ((rc = http_client_post(l->client, "/v1/messages", l->body.p, l->body.len,
		    HTTP_CLIENT_TIMEOUT_S, on_batch, l)) != ST_OK)
			failed(l, status_str(rc));
		return;
	}
	if (n > 0 || (ahead && busy_lanes(p))) {
		/* Progress, or this batch overtook the other lane's: go on. */
		l->n_items = 0;
		if (n > 0 && strncmp(p->alarm, "peer expects", 12) == 0) {
			p->alarm[0] = '\0';
			link_changed(e);
		}
		link_notify(e, oc, n);
		free(oc);
		link_out_kick(p, 0);
		return;
	}
	free(oc);
	if (ahead && queued_at(p, l->blink, expected)) {
		diag_info("peer %s waits for seq %lld on link %s (a batch before was lost);"
		    " sending from there", p->peer->name, (long long)expected, l->blink);
		l->n_items = 0;
		if (!p->retrying) {
			p->retrying = 1;
			schedule(p, backoff_next(&p->backoff_ms, BACKOFF_MIN_MS,
			    node_config(e->node)->retry_max_ms));
		}
		return;
	}
	if (ahead)
		link_out_alarm(p, "peer expects another sequence number on link %s (we sent %lld)",
		    l->blink, l->items[0].seq);
	failed(l, code == ST_FULL ? full : code == ST_OK ? "no progress on the batch" :
	    "peer refused the batch");
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

/* kept_drop - forget q's messages from v[from] on. */
static void
kept_drop(struct keptq *q, size_t from)
{
	for (size_t k = from; k < q->n; k++)
		free(q->v[k].jws);
	q->staged = q->staged > q->n - from ? q->staged - (q->n - from) : 0;
	q->n = from;
	if (q->head == q->n)
		q->head = q->n = 0;
}

void
link_out_forget(struct lpeer *p)
{
	for (size_t i = 0; i < LINKS_MAX; i++) {
		kept_drop(&p->kept[i], p->kept[i].head);
		free(p->kept[i].v);
		memset(&p->kept[i], 0, sizeof p->kept[i]);
	}
}

/* kept_add - keep the message just queued (uncommitted: staged) */
static void
kept_add(struct lpeer *p, size_t li, const char *id, int64_t seq, const char *jws, size_t n)
{
	struct keptq *q;
	struct kept *k;

	if (!p)
		return;
	q = &p->kept[li];
	if (q->n > q->head && q->v[q->n - 1].seq >= seq)
		kept_drop(q, q->head);	/* not in order (never expected): start again */
	if (q->n - q->head >= KEPT_MAX)
		return;			/* read back from the store instead */
	if (q->n == q->cap) {
		if (q->head) {		/* room at the front: move down */
			memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof *q->v);
			q->n -= q->head;
			q->head = 0;
		} else {
			size_t cap = q->cap ? q->cap * 2 : 256;
			struct kept *v = realloc(q->v, cap * sizeof *v);

			if (!v)
				return;
			q->v = v;
			q->cap = cap;
		}
	}
	k = &q->v[q->n];
	if (!(k->jws = malloc(n + 1)))
		return;
	memcpy(k->jws, jws, n);
	k->jws[n] = '\0';
	k->jws_len = n;
	k->seq = seq;
	memcpy(k->id, id, sizeof k->id);
	envelope_hash(jws, n, k->hash);
	q->n++;
	q->staged++;
}

void
link_queue_end(struct link_engine *e, int committed)
{
	for (size_t i = 0; i < peers_count(e->peers); i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));

		for (size_t li = 0; p && li < e->n_links; li++) {
			struct keptq *q = &p->kept[li];

			if (!committed)
				kept_drop(q, q->n - q->staged);
			q->staged = 0;
		}
	}
}

/* kept_settled - the messages up to seq on link li are settled: no
 * longer kept (should one be sent again, it is read back). */
static void
kept_settled(struct lpeer *p, const char *link, int64_t seq)
{
	for (size_t li = 0; li < p->e->n_links; li++) {
		struct keptq *q = &p->kept[li];
		size_t k = q->head;

		if (strcmp(p->e->links[li], link) != 0)
			continue;
		while (k < q->n - q->staged && q->v[k].seq <= seq)
			free(q->v[k++].jws);
		q->head = k;
		if (q->head == q->n)
			q->head = q->n = 0;
	}
}

/* kept_find - the committed message kept at seq in q, or NULL. */
static const struct kept *
kept_find(const struct keptq *q, int64_t seq)
{
	size_t lo = q->head, hi = q->n - q->staged;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < q->n - q->staged && q->v[lo].seq == seq ? &q->v[lo] : NULL;
}

/* fill_kept - fill l with the messages the store says are queued on link
 * li after after, from memory; 0 when the first is not kept (then the
 * store is read).  It stops at the first one not kept. */
static int
fill_kept(struct lpeer *p, struct lane *l, size_t li, int64_t after)
{
	struct keptq *q = &p->kept[li];
	int64_t seq[BATCH_MAX];
	size_t n = 0, bytes = 0;

	if (q->n - q->staged == q->head ||
	    store_out_seqs(node_store(p->e->node), p->peer->id, p->e->links[li], after,
	    BATCH_MAX, seq, &n) != ST_OK || n == 0)
		return 0;
	if (after == 0) {
		/* nothing in flight: what comes before the first queued is done */
		size_t k = q->head;

		while (k < q->n - q->staged && q->v[k].seq < seq[0])
			free(q->v[k++].jws);
		q->head = k;
		if (q->head == q->n)
			q->head = q->n = 0;
	}
	for (size_t k = 0; k < n; k++) {
		const struct kept *m = kept_find(q, seq[k]);
		struct item *it = &l->items[l->n_items];

		if (!m || (l->n_items && bytes + m->jws_len > BATCH_BYTES))
			break;
		if (buf_add(&l->body, m->jws, m->jws_len) != ST_OK ||
		    buf_add(&l->body, "\n", 1) != ST_OK) {
			buf_reset(&l->body);
			l->n_items = 0;
			return 0;
		}
		bytes += m->jws_len;
		memcpy(it->id, m->id, sizeof it->id);
		it->seq = m->seq;
		memcpy(it->hash, m->hash, sizeof it->hash);
		l->n_items++;
	}
	return l->n_items > 0;
}

/* fill - load the next batch into a free lane; 1 when it holds messages.
 * Messages kept in memory go from there, the rest are read back. */
static int
fill(struct lpeer *p, struct lane *l)
{
	struct collect c = { l, ST_OK };
	struct policy *policy = node_policy(p->e->node);
	status rc;

	buf_reset(&l->body);
	l->n_items = 0;
	for (size_t i = 0; i < p->e->n_links; i++) {
		const char *link = p->e->links[i];

		/* only what an agreement with the peer names: no read for the rest */
		if (policy && !policy_carries(policy, p->peer->kid, link))
			continue;
		if (fill_kept(p, l, i, in_flight_max(p, link))) {
			snprintf(l->blink, sizeof l->blink, "%s", link);
			return 1;
		}
		rc = store_out_pending(node_store(p->e->node), p->peer->id, link,
		    in_flight_max(p, link), BATCH_MAX, BATCH_BYTES, collect_one, &c);
		if (rc || c.rc) {
			diag_warn("peer %s: cannot read outbox: %s", p->peer->name,
			    status_str(rc ? rc : c.rc));
			l->n_items = 0;
			return 0;
		}
		if (l->n_items) {
			snprintf(l->blink, sizeof l->blink, "%s", link);
			return 1;
		}
	}
	return 0;
}

void
link_out_kick(struct lpeer *p, int force)
{
	int sent = 0;
	status rc;

	if (p->retrying && !force)
		return;
	p->retrying = 0;
	evtimer_del(p->timer);
	for (int i = 0; i < LANES; i++) {
		struct lane *l = &p->lanes[i];

		if (http_client_busy(l->client))
			continue;
		if (node_halted(p->e->node) || !fill(p, l))
			break;	/* a halted node delivers nothing it signed since */
		rc = http_client_post(l->client, "/v1/messages", l->body.p, l->body.len,
		    HTTP_CLIENT_TIMEOUT_S, on_batch, l);
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
		rc = http_client_post(l->client, "/v1/hello", "{}", 2, HTTP_CLIENT_TIMEOUT_S, on_batch, l);
		if (rc) {
			l->hello = 0;
			failed(l, status_str(rc));
		}
		return;
	}
	schedule(p, HELLO_EVERY_MS);
}

status
link_queue(struct link_engine *e, const struct link_msg *lm, char id[static STAMP_UUID_LEN],
    const char **why)
{
	struct store *st = node_store(e->node);
	const struct config *cfg = node_config(e->node);
	struct peer *p = peers_by_name(e->peers, lm->peer);
	struct policy *policy = node_policy(e->node);
	struct policy_msg pm = { lm->link, lm->type, lm->priority, lm->body_len, lm->tlp,
	    lm->agreement, lm->body };
	static char clause[AGREEMENT_WHY_MAX];	/* one thread: lives until the next call */
	int li;
	struct message m;
	struct store_out row;
	struct buf jws;
	status rc;

	*why = NULL;
	if (node_halted(e->node)) {
		static char halted[2200];	/* one thread: lives until the next call */

		snprintf(halted, sizeof halted, "this node has stopped signing: peer %s; see"
		    " parley status", node_halted(e->node));
		*why = halted;
		return ST_CONFLICT;
	}
	if (!p) {
		*why = "no such peer (see: parley peer list)";
		return ST_NOTFOUND;
	}
	if (!envelope_link_ok(lm->link)) {
		*why = "a link is urgent, cert, leaders, wg, or another name an agreement gives:"
		    " [a-z0-9][a-z0-9._-]{0,14}";
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
		/* the daemon is one thread: the text lives until the next call */
		static char limit[96];

		snprintf(limit, sizeof limit, "body of %zu bytes exceeds max_body (%zu bytes)",
		    lm->body_len, cfg->max_body);
		*why = limit;
		return ST_TOOBIG;
	}
	envelope_message_init(&m, cfg->max_body);
	if (!policy) {
		*why = "cannot read the agreements held (see the log)";
		return ST_DB;
	}
	rc = policy_send(policy, p->kid, &pm, stamp_now_ms(), m.agreement, m.tlp, clause);
	if (rc) {
		*why = clause;
		return rc;
	}
	if ((li = link_index(e, lm->link)) < 0) {
		*why = "too many links in use: a node serves at most 32";
		return ST_TOOBIG;
	}
	stamp_uuid7(m.id);
	memcpy(m.to, p->kid, sizeof m.to);
	snprintf(m.link, sizeof m.link, "%s", lm->link);
	snprintf(m.type, sizeof m.type, "%s", lm->type);
	snprintf(m.priority, sizeof m.priority, "%s", lm->priority);
	snprintf(m.subject, sizeof m.subject, "%s", lm->subject);
	stamp_format(stamp_now_ms(), m.created_at);
	buf_init(&jws, HTTP_REQUEST_MAX);
	rc = buf_add(&m.body, lm->body, lm->body_len);
	if (!rc)
		rc = store_send_seq(st, p->id, m.link, &m.seq);
	if (!rc)
		rc = envelope_message_seal_pack(node_ident(e->node), &m, &jws, &e->pack);
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
		row.pack = &e->pack;
		row.created_ms = stamp_now_ms();
		rc = store_out_add(st, &row);
	}
	if (!rc)
		rc = node_msg_queued(e->node, p->id, &m);
	if (!rc) {
		memcpy(id, m.id, STAMP_UUID_LEN);
		kept_add(link_peer(e, p), (size_t)li, m.id, m.seq, jws.p, jws.len);
	}
	else if (rc == ST_INVALID)
		*why = "body is not valid text";
	envelope_message_clear(&m);
	buf_free(&jws);
	return rc;
}

