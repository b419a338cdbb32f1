/* link_recover.c - a halted node recovers the history a peer holds of it.
 *
 * The node halted (link_halt) because a peer holds statements of ours the
 * store lacks: its store was restored from an older copy.  Each peer keeps
 * every message we sent it, with its receipt, and every message it sent us
 * that we answered, with our receipt; it serves them back on
 * GET /v1/history (link_history.c), link by link, after the marks our store
 * still has, with the checkpoint of our log it cosigned last.  Our log
 * holds statements for every peer, so every peer is asked, all at once,
 * and the rebuild waits for all of them.
 *
 * Rules this file keeps:
 * - every statement is verified before it is used: our messages and
 *   receipts with our own key, the peer's with its pinned key, each
 *   receipt against its message (id, SHA-256, link, seq), sequence numbers
 *   contiguous from our marks;
 * - the rebuild is one transaction: the statements go back into the store
 *   and the log in the order they were signed (the time each carries; on a
 *   tie, messages before receipts, then link and seq), and it commits only
 *   when the rebuilt log's root at each cosigned size is that cosigned
 *   checkpoint's root, signed by our key; only then are the halts cleared;
 *   and every peer's cosigned checkpoint matches;
 * - anything else (a peer that does not answer, a statement a peer refused
 *   and so does not hold, a log that does not match, statements signed
 *   after the restore) leaves the node halted, and the halt says why.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt/agract.h"
#include "fmt/ckpt.h"
#include "fmt/note.h"
#include "fmt/tlog.h"
#include "link/link_int.h"
#include "log/witness.h"
#include "store/store_log.h"
#include "util/diag.h"

#define RECOVER_TIMEOUT_S 60
#define RECOVER_MAX 1000000	/* statements in one recovery */

/* One statement to put back: a message of ours with the peer's receipt,
 * the peer's message with our receipt, or an act of ours on an agreement
 * (fmt/agract.h) that a party holds. */
struct stmt {
	struct lpeer *p;	/* the peer it was exchanged with, or had it */
	int ours;		/* 1: our message (outbox); 0: the peer's (inbox) */
	int act;		/* 1: our act (jws; receipt NULL) */
	int64_t at_ms;		/* when it was signed: ours created, our receipt issued */
	char link[ENV_LINK_MAX + 1];
	int64_t seq;
	char *jws, *receipt;
	char kind[16], subject[STAMP_UUID_LEN];	/* an act's */
};

/* One peer's part: fetched link by link, page by page. */
struct part {
	struct recovery *rc;
	struct lpeer *p;
	struct http_client *client;
	struct link_names links;	/* asked, in this order; then our acts */
	size_t link;		/* index into links */
	int64_t sent_after, received_after;	/* -1: the link starts from our marks */
	int done;
	char *cosigned;		/* the note the peer cosigned last, or NULL */
};

struct recovery {
	struct link_engine *e;
	struct part *parts;
	size_t n_parts, pending;
	struct stmt *v;
	size_t n, cap;
};

static void next_page(struct part *pt);

static void
recovery_free(struct recovery *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->n; i++) {
		free(rc->v[i].jws);
		free(rc->v[i].receipt);
	}
	for (size_t i = 0; i < rc->n_parts; i++) {
		free(rc->parts[i].cosigned);
		http_client_free(rc->parts[i].client);
	}
	free(rc->parts);
	free(rc->v);
	free(rc);
}

/* give_up - recovery stops; the node stays halted, saying why (the halt is
 * put on p, the peer whose part failed).  A fetch that failed is tried
 * again at the next hello; anything else is not tried again until the
 * daemon restarts. */
static void
give_up(struct recovery *rc, struct lpeer *p, const char *why, int transient)
{
	char what[300];

	rc->e->recovery_failed = !transient;
	rc->e->recovery = NULL;
	snprintf(what, sizeof what, "holds history of ours that could not be recovered: %s",
	    why);
	diag_warn("recovery of our history failed at peer %s: %s", p->peer->name, why);
	link_halt(p, what);
	recovery_free(rc);
}

static status
add(struct recovery *rc, const struct stmt *s)
{
	if (rc->n == rc->cap) {
		size_t cap = rc->cap ? rc->cap * 2 : 64;
		struct stmt *v = cap <= RECOVER_MAX ? realloc(rc->v, cap * sizeof *v) : NULL;

		if (!v)
			return ST_NOMEM;
		rc->v = v;
		rc->cap = cap;
	}
	rc->v[rc->n++] = *s;
	return ST_OK;
}

/* check_pair - jws and receipt verify as a message from `from` to `to` and
 * the receipt `to` issued for it, at (link, seq); fills s (ms, link, seq). */
static const char *
check_pair(const char *jws, const char *rcpt, const uint8_t *from_pk, const char *from_kid,
    const uint8_t *to_pk, const char *to_kid, const char *link, int64_t seq, int ours,
    struct stmt *s)
{
	struct message m;
	struct receipt r;
	char hash[ENV_HASH_HEX];
	const char *why = NULL;
	int64_t ms = 0;

	envelope_message_init(&m, HTTP_REQUEST_MAX);
	if (!jws || !rcpt)
		why = "a statement is missing from the peer's answer";
	else if (envelope_message_open(jws, strlen(jws), from_pk, to_kid, &m) != ST_OK)
		why = "a message does not verify";
	else if (strcmp(m.link, link) != 0 || m.seq != seq)
		why = "a message is not at the link and sequence number given";
	else if (envelope_receipt_open(rcpt, strlen(rcpt), to_pk, from_kid, &r) != ST_OK)
		why = "a receipt does not verify";
	else {
		envelope_hash(jws, strlen(jws), hash);
		if (strcmp(r.msg, m.id) != 0 || strcmp(r.msg_sha256, hash) != 0 ||
		    strcmp(r.link, link) != 0 || r.seq != seq)
			why = "a receipt is not for its message";
		else if (stamp_parse(ours ? m.created_at : r.received_at, &ms) != ST_OK)
			why = "a statement's time does not parse";
	}
	envelope_message_clear(&m);
	if (why)
		return why;
	memset(s, 0, sizeof *s);
	s->ours = ours;
	s->at_ms = ms;
	snprintf(s->link, sizeof s->link, "%s", link);
	s->seq = seq;
	if (!(s->jws = strdup(jws)) || !(s->receipt = strdup(rcpt))) {
		free(s->jws);
		return "out of memory";
	}
	return NULL;
}

/* keep - a statement check_pair filled (why NULL), exchanged with p, kept
 * for the rebuild; else why (s then holds nothing). */
static const char *
keep(struct recovery *rc, struct lpeer *p, const char *why, struct stmt *s)
{
	if (why)
		return why;
	s->p = p;
	if (add(rc, s) != ST_OK) {
		free(s->jws);
		free(s->receipt);
		return "too many statements";
	}
	return NULL;
}

/* take_page - verify and keep one page of the peer's answer for the
 * current link; NULL, or why it cannot be used. */
static const char *
take_page(struct part *pt, json_t *j, int *complete)
{
	struct recovery *rc = pt->rc;
	struct lpeer *p = pt->p;
	const struct ident *self = node_ident(p->e->node);
	const char *link = pt->links.v[pt->link];
	json_t *o, *cos = json_object_get(j, "cosigned");
	size_t i;

	if (!json_is_array(json_object_get(j, "sent")) ||
	    !json_is_array(json_object_get(j, "received")))
		return "the peer's history answer is malformed";
	json_array_foreach(json_object_get(j, "sent"), i, o) {
		int64_t seq = json_integer_value(json_object_get(o, "seq"));
		struct stmt s;
		const char *why;

		if (seq != pt->sent_after + 1)
			return "our messages held by the peer are not contiguous";
		if (json_integer_value(json_object_get(o, "status")) != 200)
			return "the peer refused one of our messages and so holds none of its bytes";
		why = keep(rc, p, check_pair(json_string_value(json_object_get(o, "message")),
		    json_string_value(json_object_get(o, "receipt")), ident_pk(self),
		    ident_kid(self), p->peer->pk, p->peer->kid, link, seq, 1, &s), &s);
		if (why)
			return why;
		pt->sent_after = seq;
	}
	json_array_foreach(json_object_get(j, "received"), i, o) {
		int64_t seq = json_integer_value(json_object_get(o, "seq"));
		const char *state = json_string_value(json_object_get(o, "state"));
		struct stmt s;
		const char *why;

		if (seq != pt->received_after + 1)
			return "the peer's messages to us are not contiguous";
		if (!state || strcmp(state, "delivered") != 0)
			return "we had refused one of the peer's messages; refusals are not recovered yet";
		why = keep(rc, p, check_pair(json_string_value(json_object_get(o, "message")),
		    json_string_value(json_object_get(o, "receipt")), p->peer->pk, p->peer->kid,
		    ident_pk(self), ident_kid(self), link, seq, 0, &s), &s);
		if (why)
			return why;
		pt->received_after = seq;
	}
	if (json_is_object(cos) && json_string_value(json_object_get(cos, "note")) &&
	    !pt->cosigned && !(pt->cosigned = strdup(json_string_value(json_object_get(cos,
	    "note")))))
		return "out of memory";
	*complete = json_is_true(json_object_get(j, "complete"));
	return NULL;
}

/* take_acts - verify and keep the acts of ours the peer holds (the answer
 * to ?acts=1); NULL, or why they cannot be used.  An act several parties
 * hold is kept once. */
static const char *
take_acts(struct part *pt, json_t *j)
{
	struct recovery *rc = pt->rc;
	const struct ident *self = node_ident(pt->p->e->node);
	char why[AGRACT_WHY_MAX];
	json_t *o;
	size_t i, k;

	if (!json_is_array(json_object_get(j, "acts")))
		return "the peer's answer of our acts is malformed";
	json_array_foreach(json_object_get(j, "acts"), i, o) {
		const char *jws = json_string_value(o);
		struct agract *a = NULL;
		struct stmt s;
		int dup = 0;

		if (!jws || agract_open(jws, strlen(jws), ident_pk(self), &a, why) != ST_OK) {
			agract_free(a);
			return "an act of ours the peer holds does not verify";
		}
		for (k = 0; k < rc->n && !dup; k++)
			dup = rc->v[k].act && strcmp(rc->v[k].jws, jws) == 0;
		memset(&s, 0, sizeof s);
		s.p = pt->p;
		s.act = 1;
		s.at_ms = agract_at_ms(a);
		snprintf(s.kind, sizeof s.kind, "%s", agract_kind_name(agract_kind(a)));
		snprintf(s.subject, sizeof s.subject, "%s", agract_agreement(a));
		agract_free(a);
		if (dup)
			continue;
		if (!(s.jws = strdup(jws)) || add(rc, &s) != ST_OK) {
			free(s.jws);
			return "too many statements";
		}
	}
	if (!json_is_true(json_object_get(j, "complete")))
		return "the peer holds more acts of ours than one answer gives";
	return NULL;
}

static int
by_time(const void *a, const void *b)
{
	const struct stmt *x = a, *y = b;
	int c;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	if (x->act != y->act)
		return x->act ? 1 : -1;	/* in one millisecond: after the messages */
	if (x->act)
		return strcmp(x->jws, y->jws);
	if (x->ours != y->ours)
		return x->ours ? -1 : 1;
	if ((c = strcmp(x->link, y->link)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* put_back - store one verified statement (and its log entry). */
static status
put_back(const struct stmt *s)
{
	struct store *st = node_store(s->p->e->node);
	struct message m;
	struct receipt r;
	char hash[ENV_HASH_HEX];
	status e;

	if (s->act) {
		/* one the restored store kept already is where it was */
		e = store_stmt_add(st, s->kind, s->subject, s->jws, strlen(s->jws), s->at_ms);
		return e == ST_EXISTS ? ST_OK : e;
	}
	envelope_message_init(&m, HTTP_REQUEST_MAX);
	e = envelope_message_fields(s->jws, strlen(s->jws), &m);
	if (!e)
		e = envelope_receipt_fields(s->receipt, strlen(s->receipt), &r,
		    (uint8_t[IDENT_SIG_LEN]){ 0 }) == ST_OK ? ST_OK : ST_PARSE;
	if (!e && s->ours) {
		struct store_out o;

		memset(&o, 0, sizeof o);
		o.id = m.id;
		o.peer_id = s->p->peer->id;
		o.link = m.link;
		o.seq = m.seq;
		o.type = m.type;
		o.priority = m.priority;
		o.subject = m.subject;
		o.jws = s->jws;
		o.jws_len = strlen(s->jws);
		o.created_ms = s->at_ms;
		e = store_out_add(st, &o);
		if (!e)
			e = store_send_advance(st, o.peer_id, o.link, o.seq);
		if (!e) {
			int64_t ms = 0;

			e = stamp_parse(r.received_at, &ms);
			if (!e)
				e = store_out_delivered(st, m.id, s->receipt, &r, ms);
		}
	} else if (!e) {
		struct store_in i;

		envelope_hash(s->jws, strlen(s->jws), hash);
		memset(&i, 0, sizeof i);
		i.id = m.id;
		i.peer_id = s->p->peer->id;
		i.link = m.link;
		i.seq = m.seq;
		i.type = m.type;
		i.priority = m.priority;
		i.subject = m.subject;
		i.jws = s->jws;
		i.jws_len = strlen(s->jws);
		i.hash = hash;
		i.status = 200;
		i.reason = "";
		i.received_ms = s->at_ms;
		i.receipt = s->receipt;
		i.receipt_len = strlen(s->receipt);
		i.receipt_fields = &r;
		e = store_in_add(st, &i);
	}
	envelope_message_clear(&m);
	return e;
}

/* log_matches - the log's root at the size of note (a checkpoint of our
 * log, signed by our key) is the note's root; NULL, or why not. */
static const char *
log_matches(struct node *n, const char *note)
{
	struct note_key k;
	struct note_check chk;
	struct ckpt c;
	uint8_t root[TLOG_HASH];
	struct store *st = node_store(n);

	if (!note)
		return NULL;	/* the peer never cosigned our log: nothing to match */
	if (note_key_init(&k, node_origin(n), NOTE_ED25519, ident_pk(node_ident(n))) != ST_OK ||
	    note_verify(note, strlen(note), &k, 1, &chk) != ST_OK ||
	    ckpt_parse(note, chk.text_len, &c) != ST_OK || strcmp(c.origin, node_origin(n)) != 0)
		return "the checkpoint the peer cosigned is not one of ours";
	if (store_log_size(st) < c.size)
		return "the rebuilt log is shorter than the checkpoint the peer cosigned"
		    " (entries for other peers, or refusals, are missing)";
	if (tlog_tree_hash(c.size, store_log_node, st, root) != ST_OK)
		return "cannot compute the rebuilt log's root";
	if (memcmp(root, c.root, sizeof root) != 0)
		return "the rebuilt log does not match the checkpoint the peer cosigned";
	return NULL;
}

/* rebuild - every part done: put the statements back in the order they
 * were signed, check the log against every cosigned checkpoint, and clear
 * the halts, in one transaction. */
static void
rebuild(struct recovery *rc)
{
	struct link_engine *e = rc->e;
	struct node *n = e->node;
	struct store *st = node_store(n);
	struct lpeer *blame = rc->parts[0].p;
	const char *why = NULL;
	status err;
	size_t i;

	qsort(rc->v, rc->n, sizeof *rc->v, by_time);
	if (store_begin(st) != ST_OK) {
		give_up(rc, blame, "cannot begin a transaction", 0);
		return;
	}
	for (i = 0, err = ST_OK; i < rc->n && !err; i++)
		if ((err = put_back(&rc->v[i])) != ST_OK)
			blame = rc->v[i].p;
	if (err)
		why = err == ST_EXISTS ? "the store already holds other statements at those"
		    " sequence numbers (signed after the restore)" : status_str(err);
	for (i = 0; !why && i < rc->n_parts; i++)
		if ((why = log_matches(n, rc->parts[i].cosigned)) != NULL)
			blame = rc->parts[i].p;
	for (i = 0; !why && i < rc->n_parts; i++)
		if (node_unhalt(n, rc->parts[i].p->peer->id) != ST_OK)
			why = "cannot clear the halt";
	if (why || store_commit(st) != ST_OK) {
		store_rollback(st);
		give_up(rc, blame, why ? why : "cannot commit", 0);
		return;
	}
	diag_warn("RECOVERED: %zu peer(s) gave back %zu statements of ours; the rebuilt log"
	    " matches every checkpoint they cosigned; signing again", rc->n_parts, rc->n);
	for (i = 0; i < rc->n_parts; i++) {
		struct lpeer *p = rc->parts[i].p;

		if (strncmp(p->alarm, "STOPPED", 7) == 0)
			p->alarm[0] = '\0';
		p->need_hello = 1;	/* check the marks again, then deliver */
	}
	link_changed(e);	/* the alarms ended */
	e->recovery = NULL;
	recovery_free(rc);
	link_kick_all(e);
}

static void
on_page(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct part *pt = arg;
	json_t *j;
	const char *why;
	int complete = 0;

	if (code != ST_OK) {
		char text[200];

		snprintf(text, sizeof text, "its history could not be fetched (%s)", error);
		give_up(pt->rc, pt->p, text, 1);
		return;
	}
	j = json_loadb(body, len, 0, NULL);
	if (pt->link == pt->links.n) {
		why = j ? take_acts(pt, j) : "its answer of our acts is not JSON";
		complete = 1;
	} else
		why = j ? take_page(pt, j, &complete) : "its history answer is not JSON";
	json_decref(j);
	if (why) {
		give_up(pt->rc, pt->p, why, 0);
		return;
	}
	if (complete) {
		pt->link++;
		pt->sent_after = -1;	/* the next link starts from our marks */
	}
	next_page(pt);
}

/* next_page - ask pt's peer for the next page of the current link, moving
 * to the next agreed link when one is complete; rebuild after the last
 * page of the last part. */
static void
next_page(struct part *pt)
{
	struct lpeer *p = pt->p;
	struct store_marks mk;
	char path[160];
	status err;

	for (; pt->link < pt->links.n; pt->link++) {
		if (pt->sent_after < 0) {
			if (store_link_marks(node_store(p->e->node), p->peer->id,
			    pt->links.v[pt->link], &mk) != ST_OK) {
				give_up(pt->rc, p, "cannot read the store's marks", 0);
				return;
			}
			pt->sent_after = mk.sent;
			pt->received_after = mk.received;
		}
		snprintf(path, sizeof path, "/v1/history?link=%s&sent_after=%lld&received_after=%lld",
		    pt->links.v[pt->link], (long long)pt->sent_after,
		    (long long)pt->received_after);
		if ((err = http_client_get(pt->client, path, RECOVER_TIMEOUT_S, on_page, pt)) != ST_OK)
			give_up(pt->rc, p, status_str(err), 1);
		return;
	}
	if (pt->link == pt->links.n) {	/* every link done: then our acts it holds */
		if ((err = http_client_get(pt->client, "/v1/history?acts=1", RECOVER_TIMEOUT_S,
		    on_page, pt)) != ST_OK)
			give_up(pt->rc, p, status_str(err), 1);
		return;
	}
	pt->done = 1;
	if (--pt->rc->pending == 0)
		rebuild(pt->rc);
}

void
link_recover(struct link_engine *e)
{
	struct recovery *rc;
	size_t i, n = peers_count(e->peers);

	if (e->recovery || e->recovery_failed)
		return;
	rc = calloc(1, sizeof *rc);
	if (rc)
		rc->parts = calloc(n ? n : 1, sizeof *rc->parts);
	if (!rc || !rc->parts) {
		recovery_free(rc);
		diag_warn("recovery of our history: out of memory");
		return;
	}
	rc->e = e;
	for (i = 0; i < n; i++) {
		struct lpeer *p = link_peer(e, peers_at(e->peers, i));
		struct part *pt = &rc->parts[rc->n_parts];

		if (!p)
			continue;
		pt->rc = rc;
		pt->p = p;
		pt->sent_after = -1;
		rc->n_parts++;
		/* the links our store knows with it, and those its marks name (what
		 * our store lost may be on a link it no longer knows) */
		if (link_names_of(e, p->peer, &pt->links) != ST_OK) {
			give_up(rc, p, "cannot read the store's links", 0);
			return;
		}
		{
			const char *k;
			json_t *v;

			json_object_foreach(p->marks, k, v) {
				link_names_add(&pt->links, k);
			}
		}
		if (http_client_new(e->http, e->tls, p->peer->pk, p->peer->name,
		    p->peer->endpoints, &pt->client) != ST_OK) {
			give_up(rc, p, "its endpoint does not parse", 0);
			return;
		}
	}
	if (rc->n_parts == 0) {
		recovery_free(rc);
		return;
	}
	e->recovery = rc;
	rc->pending = rc->n_parts;
	diag_info("recovering our history from %zu peer(s)", rc->n_parts);
	for (i = 0; i < rc->n_parts && e->recovery == rc; i++)
		next_page(&rc->parts[i]);
}

void
link_recover_free(struct link_engine *e)
{
	recovery_free(e->recovery);
	e->recovery = NULL;
}
