/* witness.c - the network side of cosigning (see witness.h, ledger.h).
 *
 * SECURITY: requests come only from pinned peers (TLS), and each is judged
 * with the key that TLS proved: a peer can submit only its own log and read
 * only proofs of entries that concern it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "util/diag.h"
#include "fmt/evidence.h"
#include "log/ledger.h"
#include "net/http.h"
#include "net/http_client.h"
#include "node/peers.h"
#include "util/backoff.h"
#include "util/stamp.h"
#include "log/witness.h"

#define REQUEST_MAX (64u << 10)	/* a tlog-witness request: a note and a proof */
#define BACKOFF_MAX_MS 30000
#define SIGN_QUIET_MS 5		/* a checkpoint once the log is this long unchanged */
#define SIGN_MAX_MS 1000	/* ... and at most this long after it grew */

/* The witness's state for one pinned peer (its registry slot). */
struct wpeer {
	struct witness *w;
	struct peer *peer;	/* the registry's record: name, key, origin */
	struct http_client *client;
	struct event *timer;
	struct buf body;
	uint64_t cosigned;	/* the largest of our sizes the peer cosigned */
	uint64_t sent;		/* size in flight */
	int64_t cosigned_ms, last_round_ms;
	int backoff_ms;
	int conflicts;		/* 409s in a row */
	char alarm[256];	/* about our log as this peer sees it */
	char fork[256];		/* about the peer's log: a fork is on record */
};

/* A proof fetch on its own connection, freed once it has answered. */
struct fetch {
	struct witness *w;
	uint8_t pk[IDENT_PK_LEN];	/* the peer asked */
	struct http_client *client;
	struct event *reap;
	witness_proof_fn fn;
	void *arg;
	struct fetch *next;
};

/* An evidence bundle being built: our half is ready, the peer's is asked. */
struct job {
	struct witness *w;
	witness_evidence_fn fn;	/* NULL once cancelled */
	void *arg;
	int sent;		/* we sent the message (else received it) */
	int64_t peer_id;	/* the pin it was exchanged under */
	char peer[CARD_NAME_MAX + 1];
	char card[CARD_MAX_BYTES];
	struct buf jws, receipt, ours;
	struct job *next;
};

struct witness {
	struct event_base *base;
	struct http *http;
	struct node *node;
	struct peers *peers;
	int slot;		/* ours in the registry */
	struct tlsctx *tls;
	struct event *sign;		/* sign a checkpoint: the log is quiet */
	struct event *sign_deadline;	/* ... or has grown for SIGN_MAX_MS */
	struct fetch *fetches;
	struct job *jobs;
	void (*watch)(void *arg);	/* told when an alarm changes (witness_watch) */
	void *watch_arg;
};

static void send_round(struct wpeer *p);

static struct wpeer *
by_key(struct witness *w, const uint8_t *pk)
{
	struct peer *p = pk ? peers_by_key(w->peers, pk) : NULL;

	return p ? p->slot[w->slot] : NULL;
}

static struct wpeer *
by_name(struct witness *w, const char *name)
{
	struct peer *p = peers_by_name(w->peers, name);

	return p ? p->slot[w->slot] : NULL;
}

/* set_alarm - an alarm of w's (about a peer: dst) becomes text ("": none);
 * a new one is logged, and any change told to w's watcher. */
static void
set_alarm(struct witness *w, char *dst, size_t cap, const char *text)
{
	if (strcmp(dst, text) != 0) {
		if (text[0])
			diag_warn("%s", text);
		if (w->watch)
			w->watch(w->watch_arg);
	}
	snprintf(dst, cap, "%s", text);
}

void
witness_watch(struct witness *w, void (*fn)(void *arg), void *arg)
{
	w->watch = fn;
	w->watch_arg = arg;
}

static void
later(struct wpeer *p, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(p->timer, &tv);
}

static void
backoff(struct wpeer *p)
{
	later(p, backoff_next(&p->backoff_ms, BACKOFF_MIN_MS, BACKOFF_MAX_MS));
}

static int
latest_size(void *arg, const struct store_ckpt *c)
{
	*(uint64_t *)arg = c->size;
	return 1;
}

/* our_size - the size of our latest signed checkpoint (0: none). */
static uint64_t
our_size(const struct witness *w)
{
	uint64_t size = 0;

	if (store_ckpt_get(node_store(w->node), UINT64_MAX, latest_size, &size) != ST_OK)
		return 0;
	return size;
}

static void
on_answer(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct wpeer *p = arg;
	uint64_t mine = our_size(p->w), size;
	char text[sizeof p->alarm];
	status rc;

	p->last_round_ms = stamp_mono_ms();
	if (code == ST_OK) {
		rc = ledger_cosigned(p->w->node, p->peer->id, p->peer->origin, p->peer->pk, p->sent, body, len);
		if (rc) {
			snprintf(text, sizeof text, "peer %s sent an invalid cosignature of our"
			    " checkpoint of size %" PRIu64 " (%s)", p->peer->name, p->sent, status_str(rc));
			set_alarm(p->w, p->alarm, sizeof p->alarm, text);
			backoff(p);
			return;
		}
		p->cosigned = p->sent;
		p->cosigned_ms = stamp_now_ms();
		p->backoff_ms = 0;
		p->conflicts = 0;
		set_alarm(p->w, p->alarm, sizeof p->alarm, "");
		send_round(p);
		return;
	}
	if (code == ST_CONFLICT && ckpt_size_parse(body, len, &size) == ST_OK) {
		if (size > mine) {
			snprintf(text, sizeof text, "cosigned our log at size %" PRIu64 "; this"
			    " store holds %" PRIu64 " entries (was this store restored from an"
			    " older copy?); this node signs nothing new until its history is"
			    " recovered", size, mine);
			if (!node_halted(p->w->node)) {
				rc = node_halt(p->w->node, p->peer->id, p->peer->name, text);
				diag_warn("HALT: peer %s %s%s", p->peer->name, text,
				    rc ? " (cannot record it)" : "");
			}
			snprintf(text, sizeof text, "STOPPED: peer %s has cosigned %" PRIu64
			    " entries of our log, but we hold %" PRIu64, p->peer->name, size, mine);
			set_alarm(p->w, p->alarm, sizeof p->alarm, text);
			p->cosigned = size;	/* resend once our log is that long */
			backoff(p);
			return;
		}
		p->cosigned = size;
		if (++p->conflicts < 3) {
			send_round(p);
			return;
		}
	}
	if (code == ST_DOWN || code == ST_TIMEOUT) {	/* the link engine reports that */
		backoff(p);
		return;
	}
	snprintf(text, sizeof text, "peer %s refused to cosign our checkpoint of size %" PRIu64
	    " (%s): %.*s", p->peer->name, p->sent, error, (int)(len > 120 ? 120 : len), body);
	for (char *c = text; *c; c++)
		if (*c == '\n')
			*c = ' ';
	set_alarm(p->w, p->alarm, sizeof p->alarm, text);
	backoff(p);
}

/* send_round - offer our latest checkpoint to p when it has not cosigned it. */
static void
send_round(struct wpeer *p)
{
	uint64_t mine = our_size(p->w);
	int64_t wait = p->last_round_ms + WITNESS_GAP_MS - stamp_mono_ms();
	status rc;

	if (http_client_busy(p->client) || evtimer_pending(p->timer, NULL) ||
	    mine <= p->cosigned || node_halted(p->w->node) || !p->peer->history_ok)
		return;	/* a halted node, or a peer that may hold more of our log */
	if (wait > 0) {
		later(p, (int)wait);
		return;
	}
	buf_reset(&p->body);
	rc = ledger_witness_request(p->w->node, p->cosigned, &p->body, &p->sent);
	if (!rc)
		rc = http_client_post(p->client, WITNESS_PREFIX "add-checkpoint", p->body.p,
		    p->body.len, HTTP_CLIENT_TIMEOUT_S, on_answer, p);
	if (rc) {
		diag_warn("log: cannot offer our checkpoint to %s: %s", p->peer->name, status_str(rc));
		backoff(p);
	}
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_round(arg);
}

/* sign_now - sign a checkpoint of the whole log in a transaction of its
 * own (on_sign then offers it to the peers).  Not in the transaction of the batch
 * that grew the log: the signature and its fsync would delay every answer,
 * message and receipt by that much (docs/BENCHMARKS.md). */
static void
sign_now(struct witness *w)
{
	struct store *st = node_store(w->node);
	status rc;

	event_del(w->sign);
	event_del(w->sign_deadline);
	if (store_log_size(st) > our_size(w) && !node_halted(w->node)) {
		rc = store_begin(st);
		if (!rc)
			rc = ledger_checkpoint(w->node, stamp_now_ms(), NULL);
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
		if (rc)
			diag_warn("log: cannot sign a checkpoint: %s", status_str(rc));
	}
}

static void
on_sign(evutil_socket_t fd, short what, void *arg)
{
	struct witness *w = arg;

	(void)fd;
	(void)what;
	sign_now(w);
	for (size_t i = 0; i < peers_count(w->peers); i++) {
		struct wpeer *p = peers_at(w->peers, i)->slot[w->slot];

		if (p)
			send_round(p);
	}
}

void
witness_kick(struct witness *w)
{
	struct timeval quiet = { 0, SIGN_QUIET_MS * 1000 };
	struct timeval most = { SIGN_MAX_MS / 1000, (SIGN_MAX_MS % 1000) * 1000 };

	evtimer_add(w->sign, &quiet);	/* pushed back while the log keeps growing */
	if (!evtimer_pending(w->sign_deadline, NULL))
		evtimer_add(w->sign_deadline, &most);
}

/* caller - the pinned peer making r, or NULL (refused here). */
static struct wpeer *
caller(struct witness *w, struct http_req *r)
{
	struct wpeer *p = by_key(w, http_req_peer(r));

	if (!p)
		http_reply(r, ST_UNKNOWN_KEY, "text/plain", "key not pinned\n", 15);
	else
		peers_heard(w->peers, p->peer);
	return p;
}

static void
reply_buf(struct http_req *r, status st, const struct buf *b)
{
	http_reply(r, st, "text/plain; charset=utf-8", b->p ? b->p : "", b->len);
}

/* POST /v1/witness/prove: body is a message id, or the hex SHA-256 of an
 * act of ours on an agreement. */
static void
serve_prove(void *arg, struct http_req *r)
{
	struct witness *w = arg;
	struct wpeer *p = caller(w, r);
	char id[ENV_HASH_HEX];
	const char *why, *body;
	struct buf resp;
	size_t len;
	status rc;

	if (!p)
		return;
	body = http_req_body(r, &len);
	while (len && (body[len - 1] == '\n' || body[len - 1] == '\r'))
		len--;
	if (len >= sizeof id) {
		http_reply(r, ST_PARSE, "text/plain", "not a message id\n", 17);
		return;
	}
	memcpy(id, body, len);
	id[len] = '\0';
	if (!stamp_is_uuid(id) && !(len == ENV_HASH_HEX - 1 &&
	    strspn(id, "0123456789abcdef") == len)) {
		http_reply(r, ST_PARSE, "text/plain", "not a message id\n", 17);
		return;
	}
	buf_init(&resp, NOTE_MAX * 4);
	rc = ledger_prove(w->node, id, p->peer->id, p->peer->name, &resp, &why);
	if (rc) {
		buf_reset(&resp);
		if (buf_addf(&resp, "%s\n", why ? why : status_str(rc)) != ST_OK)
			rc = ST_NOMEM;
	}
	reply_buf(r, rc, &resp);
	buf_free(&resp);
}

/* POST /v1/witness/add-checkpoint: a tlog-witness request. */
static void
serve_add(void *arg, struct http_req *r)
{
	struct witness *w = arg;
	struct wpeer *p = caller(w, r);
	const char *body;
	struct buf resp;
	size_t len;
	int fork = 0;
	status code;

	if (!p)
		return;
	body = http_req_body(r, &len);
	buf_init(&resp, NOTE_MAX * 2);
	code = ledger_witness(w->node, p->peer->id, p->peer->origin, p->peer->pk, body, len,
	    stamp_now_ms(), &resp, &fork);
	if (fork) {
		char text[sizeof p->fork];

		snprintf(text, sizeof text, "FORK: peer %s presented a checkpoint of its log"
		    " inconsistent with the one we cosigned; both signed checkpoints are kept",
		    p->peer->name);
		set_alarm(p->w, p->fork, sizeof p->fork, text);
	} else if (code != ST_OK && code != ST_CONFLICT)
		diag_warn("log: refused to cosign for %s (%s): %.*s", p->peer->name,
		    status_str(code), (int)(resp.len && resp.p[resp.len - 1] == '\n' ?
		    resp.len - 1 : resp.len), buf_str(&resp));
	reply_buf(r, code, &resp);
	buf_free(&resp);
}

/* POST /v1/witness/loss: the peer's signed loss statement (ledger.h). */
static void
serve_loss(void *arg, struct http_req *r)
{
	struct witness *w = arg;
	struct wpeer *p = caller(w, r);
	const char *body;
	struct buf resp;
	size_t len;
	status code;

	if (!p)
		return;
	body = http_req_body(r, &len);
	buf_init(&resp, 256);
	code = ledger_loss_accept(w->node, p->peer->id, p->peer->name, p->peer->origin,
	    p->peer->pk, body, len, stamp_now_ms(), &resp);
	reply_buf(r, code, &resp);
	buf_free(&resp);
}

status
witness_routes(struct witness *w, struct http_listener *l)
{
	status rc = http_route(l, HTTP_POST, WITNESS_PREFIX "add-checkpoint", REQUEST_MAX,
	    serve_add, w);

	if (!rc)
		rc = http_route(l, HTTP_POST, WITNESS_PREFIX "loss", NOTE_MAX, serve_loss, w);
	return rc ? rc : http_route(l, HTTP_POST, WITNESS_PREFIX "prove", 1024, serve_prove, w);
}

/* ---- loss statements ---- */

static void
on_loss(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct wpeer *p = arg;
	struct store *st = node_store(p->w->node);
	struct ckpt c;
	size_t text_len;

	(void)body;
	(void)len;
	if (code != ST_OK) {
		diag_warn("log: peer %s did not take our loss statement: %s", p->peer->name, error);
		return;	/* told again at its next hello */
	}
	if (store_loss_ack(st, p->peer->id, stamp_now_ms()) != ST_OK)
		diag_warn("log: cannot record that %s took our loss statement", p->peer->name);
	if (note_split(p->body.p, p->body.len, &text_len) == ST_OK &&
	    ckpt_parse(p->body.p, text_len, &c) == ST_OK)
		p->cosigned = c.size;	/* its witness goes on from there */
	diag_warn("log: peer %s recorded our loss statement", p->peer->name);
	p->peer->history_ok = 1;
	set_alarm(p->w, p->alarm, sizeof p->alarm, "");
	witness_kick(p->w);
}

status
witness_loss(struct witness *w, struct peer *pr, const char *note)
{
	struct wpeer *p = pr->slot[w->slot];
	status rc;

	if (!p || http_client_busy(p->client))
		return ST_CONFLICT;	/* told at its next hello */
	buf_reset(&p->body);
	rc = buf_adds(&p->body, note);
	if (!rc)
		rc = http_client_post(p->client, WITNESS_PREFIX "loss", p->body.p, p->body.len,
		    HTTP_CLIENT_TIMEOUT_S, on_loss, p);
	return rc;
}

/* ---- proof fetches ---- */

static void
fetch_free(struct fetch *f)
{
	struct fetch **pp;

	for (pp = &f->w->fetches; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	http_client_free(f->client);
	if (f->reap)
		event_free(f->reap);
	free(f);
}

static void
fetch_reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fetch_free(arg);
}

static void
on_fetched(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct fetch *f = arg;
	struct timeval now = { 0, 0 };
	witness_proof_fn fn = f->fn;

	f->fn = NULL;		/* answered: once only */
	fn(f->arg, code, body, len, error);
	evtimer_add(f->reap, &now);	/* free the client outside its own callback */
}

status
witness_fetch_proof(struct witness *w, const char *peer, const char *id,
    witness_proof_fn fn, void *arg)
{
	struct wpeer *p = by_name(w, peer);
	struct fetch *f;
	status rc;

	if (!p)
		return ST_NOTFOUND;
	f = calloc(1, sizeof *f);
	if (!f)
		return ST_NOMEM;
	f->w = w;
	memcpy(f->pk, p->peer->pk, IDENT_PK_LEN);
	f->fn = fn;
	f->arg = arg;
	f->reap = evtimer_new(w->base, fetch_reap, f);
	rc = f->reap ? http_client_new(w->http, w->tls, p->peer->pk, p->peer->name,
	    p->peer->endpoints, &f->client) : ST_NOMEM;
	if (!rc)
		rc = http_client_post(f->client, WITNESS_PREFIX "prove", id, strlen(id),
		    HTTP_CLIENT_TIMEOUT_S, on_fetched, f);
	f->next = w->fetches;
	w->fetches = f;
	if (rc)
		fetch_free(f);
	return rc;
}

/* ---- evidence ---- */

static void
job_free(struct job *j)
{
	struct job **pp;

	for (pp = &j->w->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	buf_free(&j->jws);
	buf_free(&j->receipt);
	buf_free(&j->ours);
	free(j);
}

static void
job_done(struct job *j, const char *bundle, size_t len, const char *error)
{
	if (j->fn)
		j->fn(j->arg, bundle, len, error);
	job_free(j);
}

/* on_theirs - the peer's proof arrived: assemble, verify, hand over. */
static void
on_theirs(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct job *j = arg;
	struct card cards[2];
	struct evidence_report r;
	struct buf own, bundle;
	const char *why = NULL;
	char text[256];
	status rc;

	if (!j->fn) {
		job_free(j);
		return;
	}
	if (code != ST_OK) {
		int answered = code != ST_DOWN;

		snprintf(text, sizeof text, "peer %s did not give its proof: %s%.*s", j->peer,
		    answered ? "" : error, answered ? (int)(len > 160 ? 160 : len) : 0,
		    body ? body : "");
		for (char *c = text; *c; c++)
			if (*c == '\n')
				*c = ' ';
		job_done(j, NULL, 0, text);
		return;
	}
	buf_init(&own, CARD_MAX_BYTES);
	buf_init(&bundle, EVIDENCE_MAX);
	rc = node_card(j->w->node, &own);
	if (!rc)
		rc = card_parse(own.p, own.len, &cards[0]);
	if (!rc)
		rc = card_parse(j->card, strlen(j->card), &cards[1]);
	if (!rc)
		rc = j->sent ? evidence_make(j->jws.p, j->jws.len, j->receipt.p, j->receipt.len,
		    j->ours.p, j->ours.len, body, len, &bundle) :
		    evidence_make(j->jws.p, j->jws.len, j->receipt.p, j->receipt.len,
		    body, len, j->ours.p, j->ours.len, &bundle);
	memset(&r, 0, sizeof r);
	if (!rc && (rc = evidence_verify(bundle.p, bundle.len, cards, &r, &why)) != ST_OK) {
		snprintf(text, sizeof text, "the bundle does not verify: %s", why ? why : "");
		job_done(j, NULL, 0, text);
	} else if (rc)
		job_done(j, NULL, 0, status_str(rc));
	else
		job_done(j, bundle.p, bundle.len, NULL);
	evidence_report_clear(&r);
	buf_free(&own);
	buf_free(&bundle);
}

static int
job_out(void *arg, const struct store_out *m)
{
	struct job *j = arg;

	j->sent = 1;
	j->peer_id = m->peer_id;
	snprintf(j->peer, sizeof j->peer, "%s", m->peer);
	if (buf_add(&j->jws, m->jws, m->jws_len) || buf_adds(&j->receipt, m->receipt))
		buf_reset(&j->jws);
	return 1;
}

static int
job_in(void *arg, const struct store_in *m)
{
	struct job *j = arg;

	if (m->status != 200)
		return 0;
	j->peer_id = m->peer_id;
	snprintf(j->peer, sizeof j->peer, "%s", m->peer);
	if (buf_add(&j->jws, m->jws, m->jws_len) ||
	    buf_add(&j->receipt, m->receipt, m->receipt_len))
		buf_reset(&j->jws);
	return 1;
}

static int
job_card(void *arg, const struct store_peer *p)
{
	struct job *j = arg;

	snprintf(j->card, sizeof j->card, "%s", p->card);
	return 1;
}

status
witness_evidence(struct witness *w, const char *id, witness_evidence_fn fn, void *arg,
    const char **why)
{
	struct store *st = node_store(w->node);
	struct wpeer *p;
	struct job *j;
	status rc;

	*why = NULL;
	if (!stamp_is_uuid(id)) {
		*why = "not a message id";
		return ST_INVALID;
	}
	j = calloc(1, sizeof *j);
	if (!j)
		return ST_NOMEM;
	j->w = w;
	j->fn = fn;
	j->arg = arg;
	buf_init(&j->jws, HTTP_REQUEST_MAX);
	buf_init(&j->receipt, 64u << 10);
	buf_init(&j->ours, 64u << 10);
	j->next = w->jobs;
	w->jobs = j;
	rc = store_out_get(st, id, job_out, j);
	if (rc == ST_NOTFOUND)
		rc = store_in_get(st, id, job_in, j);
	if (!rc && !j->peer[0])
		rc = ST_NOTFOUND;
	if (rc) {
		*why = rc == ST_NOTFOUND ? "no message with that id was sent or accepted here, and no agreement with that id is held" :
		    "cannot read the store";
		goto fail;
	}
	if (!j->jws.len || !j->receipt.len) {
		*why = "no receipt yet: the message is not delivered";
		rc = ST_TIMEOUT;
		goto fail;
	}
	p = by_name(w, j->peer);
	if (!p || p->peer->id != j->peer_id) {
		*why = "the message's peer is no longer pinned with the key it was exchanged"
		    " under (removed, or its key replaced): its half of the proof cannot be"
		    " fetched; our log still holds the entry (parley log verify)";
		rc = ST_UNKNOWN_KEY;
		goto fail;
	}
	rc = store_peer_get(st, j->peer_id, job_card, j);
	if (!rc)
		rc = ledger_prove(w->node, id, p->peer->id, NULL, &j->ours, why);
	if (rc == ST_TIMEOUT)
		*why = "not yet in a checkpoint the peer has cosigned; try again in a moment";
	if (!rc)
		rc = witness_fetch_proof(w, j->peer, id, on_theirs, j);
	if (rc) {
		if (!*why)
			*why = status_str(rc);
		goto fail;
	}
	return ST_OK;
fail:
	job_free(j);
	return rc;
}

void
witness_cancel(struct witness *w, void *arg)
{
	for (struct job *j = w->jobs; j; j = j->next)
		if (j->arg == arg)
			j->fn = NULL;
}

/* ---- peers ---- */

static void
wpeer_free(struct wpeer *p)
{
	if (!p)
		return;
	http_client_free(p->client);
	if (p->timer)
		event_free(p->timer);
	buf_free(&p->body);
	free(p);
}

/* added - the registry has a new peer: a client for its cosigning rounds. */
static status
added(void *arg, struct peer *pr)
{
	struct witness *w = arg;
	struct wpeer *p = calloc(1, sizeof *p);

	if (!p)
		return ST_NOMEM;
	p->w = w;
	p->peer = pr;
	buf_init(&p->body, REQUEST_MAX);
	p->timer = evtimer_new(w->base, on_timer, p);
	if (!p->timer) {
		wpeer_free(p);
		return ST_NOMEM;
	}
	if (http_client_new(w->http, w->tls, pr->pk, pr->name, pr->endpoints,
	    &p->client) != ST_OK) {
		wpeer_free(p);	/* a bad endpoint: no rounds (link reports it) */
		return ST_OK;
	}
	if (store_cosig_latest(node_store(w->node), pr->id, &p->cosigned) != ST_OK)
		p->cosigned = 0;
	pr->slot[w->slot] = p;
	return ST_OK;
}

/* removed - the peer is no longer pinned: no more rounds, and a proof
 * still being fetched from it fails now. */
static void
removed(void *arg, struct peer *pr)
{
	struct witness *w = arg;
	struct fetch *f;

	wpeer_free(pr->slot[w->slot]);
	pr->slot[w->slot] = NULL;
	for (f = w->fetches; f;) {
		if (memcmp(f->pk, pr->pk, IDENT_PK_LEN) != 0 || !f->fn) {
			f = f->next;
			continue;
		}
		witness_proof_fn fn = f->fn;
		void *farg = f->arg;

		fetch_free(f);		/* its client's callback will not come */
		fn(farg, ST_DOWN, "", 0, "the peer was removed");
		f = w->fetches;		/* the callback may have changed the list */
	}
}

/* changed - the peer's endpoints changed: rounds go to the new ones. */
static status
changed(void *arg, struct peer *pr)
{
	struct witness *w = arg;

	wpeer_free(pr->slot[w->slot]);
	pr->slot[w->slot] = NULL;
	return added(arg, pr);
}

static int
load_fork(void *arg, const struct store_fork *f)
{
	struct witness *w = arg;

	struct peer *pr = peers_by_id(w->peers, f->peer_id);
	struct wpeer *p = pr ? pr->slot[w->slot] : NULL;

	if (p && strcmp(f->kind, STORE_FORK_CHECKPOINT) == 0)
		snprintf(p->fork, sizeof p->fork, "FORK: peer %s presented a checkpoint of its"
		    " log inconsistent with the one we cosigned; both signed checkpoints are"
		    " kept", f->peer);
	return 0;
}

status
witness_reload(struct witness *w)
{
	return store_fork_list(node_store(w->node), load_fork, w);
}

status
witness_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct witness **out)
{
	struct witness *w = calloc(1, sizeof *w);
	status rc;

	*out = NULL;
	if (!w)
		return ST_NOMEM;
	w->base = http_base(h);
	w->http = h;
	w->node = n;
	w->peers = ps;
	w->tls = tls;
	w->sign = evtimer_new(w->base, on_sign, w);
	w->sign_deadline = evtimer_new(w->base, on_sign, w);
	if (!w->sign || !w->sign_deadline) {
		witness_free(w);
		return ST_NOMEM;
	}
	rc = peers_hook(ps, &(struct peers_hooks){ added, NULL, changed, removed }, w, &w->slot);
	if (!rc)
		rc = witness_reload(w);
	if (rc) {
		witness_free(w);
		return rc;
	}
	*out = w;
	return ST_OK;
}

void
witness_free(struct witness *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->peers && i < peers_count(w->peers); i++) {
		struct peer *pr = peers_at(w->peers, i);

		wpeer_free(pr->slot[w->slot]);
		pr->slot[w->slot] = NULL;
	}
	while (w->fetches)
		fetch_free(w->fetches);
	while (w->jobs)
		job_free(w->jobs);
	if (w->sign && evtimer_pending(w->sign, NULL))
		sign_now(w);	/* stopping: what the last batches logged, signed */
	if (w->sign)
		event_free(w->sign);
	if (w->sign_deadline)
		event_free(w->sign_deadline);
	free(w);
}

static int
witnessed(void *arg, const struct store_witness *sw)
{
	*(uint64_t *)arg = sw->size;
	return 1;
}

json_t *
witness_status(struct witness *w, const char *peer)
{
	struct wpeer *p = by_name(w, peer);
	uint64_t theirs = 0;
	const char *alarm;
	char at[STAMP_TIME_LEN];

	if (!p)
		return json_object();
	if (store_witness_get(node_store(w->node), p->peer->id, witnessed, &theirs) != ST_OK)
		theirs = 0;
	alarm = p->fork[0] ? p->fork : p->alarm[0] ? p->alarm : NULL;
	if (p->cosigned_ms)
		stamp_format(p->cosigned_ms, at);
	return json_pack("{s:I, s:I, s:o, s:I, s:o}",
	    "log_size", (json_int_t)store_log_size(node_store(w->node)),
	    "cosigned_size", (json_int_t)p->cosigned,
	    "cosigned_at", p->cosigned_ms ? json_string(at) : json_null(),
	    "witnessed_size", (json_int_t)theirs,
	    "log_alarm", alarm ? json_string(alarm) : json_null());
}
