/* link_history.c - a peer's own history, served back to it:
 * GET /v1/history?link=L&sent_after=X&received_after=Y[&limit=N]
 *
 * A node whose store was restored from an older copy has lost statements
 * its peers still hold: the messages it sent them (with their receipts),
 * and their messages it received (with the receipts it issued).  This
 * route gives the caller, on one link, its messages we hold with seq >
 * sent_after ("sent": our inbox from it) and our messages it has answered
 * with seq > received_after ("received": delivered, with its receipt, or
 * refused by it), oldest first, and the checkpoint of its log we cosigned
 * last ("cosigned"), so that it can check what it rebuilds from them.
 *
 * Answer: {"v":1,"link":L,"sent":[…],"received":[…],"complete":B,
 *          "cosigned":{"size":N,"note":TEXT}|null}
 * sent[i]:     {"seq","id","status":200,"message":JWS,"receipt":JWS} or
 *              {"seq","id","status":CODE,"reason":TEXT} (refused: we keep
 *              no bytes of it)
 * received[i]: {"seq","id","state":"delivered","message":JWS,"receipt":JWS}
 *              or {"seq","id","state":"rejected","message":JWS,"reason":TEXT}
 * complete is false when a list stopped at limit (default 256, at most
 * 1024) or at HISTORY_BYTES of statements: ask again after the last seq.
 *
 * GET /v1/history?acts=1 gives instead the caller's acts on agreements we
 * hold (fmt/agract.h; its "sign", "decline" and "terminate", statements of
 * its log too), oldest first, at most HISTORY_ACTS:
 *   {"v":1,"acts":[JWS,...],"complete":B,"cosigned":…}
 *
 * SECURITY: a pinned peer gets only statements it signed or that were
 * addressed to it, on a link agreed with it; nothing about other peers.
 */
#include <stdlib.h>
#include <string.h>

#include "link/link_int.h"
#include "store/store_agree.h"
#include "store/store_log.h"
#include "util/diag.h"

#define HISTORY_LIMIT 256
#define HISTORY_LIMIT_MAX 1024
#define HISTORY_BYTES (8u << 20)
#define HISTORY_ACTS 4096

struct page {
	json_t *list;
	size_t bytes;
	int stop;		/* a queued message: nothing after it was answered */
	status rc;
};

static int
sent_row(void *arg, const struct store_in *m)
{
	struct page *pg = arg;
	json_t *o = m->status == 200 ?
	    json_pack("{s:I, s:s, s:i, s:s%, s:s%}", "seq", (json_int_t)m->seq, "id", m->id,
	    "status", 200, "message", m->jws, m->jws_len, "receipt", m->receipt, m->receipt_len) :
	    json_pack("{s:I, s:s, s:i, s:s}", "seq", (json_int_t)m->seq, "id", m->id,
	    "status", m->status, "reason", m->reason);

	if (!o || json_array_append_new(pg->list, o) != 0)
		pg->rc = ST_NOMEM;
	pg->bytes += m->jws_len + m->receipt_len;
	return 1;
}

static int
received_row(void *arg, const struct store_out *m)
{
	struct page *pg = arg;
	json_t *o = NULL;

	if (m->state == STORE_DELIVERED)
		o = json_pack("{s:I, s:s, s:s, s:s%, s:s}", "seq", (json_int_t)m->seq, "id", m->id,
		    "state", "delivered", "message", m->jws, m->jws_len, "receipt", m->receipt);
	else if (m->state == STORE_REJECTED)
		o = json_pack("{s:I, s:s, s:s, s:s%, s:s}", "seq", (json_int_t)m->seq, "id", m->id,
		    "state", "rejected", "message", m->jws, m->jws_len, "reason", m->last_error);
	else {
		pg->stop = 1;	/* queued: the peer has not answered it */
		return 1;
	}
	if (!o || json_array_append_new(pg->list, o) != 0)
		pg->rc = ST_NOMEM;
	pg->bytes += m->jws_len + strlen(m->receipt);
	return 1;
}

static int
cosigned_row(void *arg, const struct store_witness *w)
{
	json_t **out = arg;

	*out = json_pack("{s:I, s:s}", "size", (json_int_t)w->size, "note", w->note);
	return 1;
}

/* number - query parameter name as a count >= 0 (absent: dflt); -1 if bad. */
static int64_t
number(const struct http_req *r, const char *name, int64_t dflt)
{
	const char *v = http_req_query(r, name);
	char *end = NULL;
	long long n;

	if (!v)
		return dflt;
	n = strtoll(v, &end, 10);
	return *v && !*end && n >= 0 ? n : -1;
}

struct acts {
	const char *kid;
	json_t *list;
	status rc;
};

static int
act_row(void *arg, const struct store_agree_act *t)
{
	struct acts *a = arg;

	if (strcmp(t->by_kid, a->kid) != 0)
		return 0;
	if (json_array_size(a->list) >= HISTORY_ACTS)
		return 1;
	if (json_array_append_new(a->list, json_string(t->jws)) != 0)
		a->rc = ST_NOMEM;
	return a->rc != ST_OK;
}

/* serve_acts - the answer to ?acts=1 from pr. */
static void
serve_acts(struct link_engine *e, struct peer *pr, struct http_req *r)
{
	struct store *st = node_store(e->node);
	struct acts a = { pr->kid, json_array(), ST_OK };
	json_t *j = NULL, *cosigned = NULL;
	char *text = NULL;

	if (!a.list || store_agree_act_list(st, NULL, act_row, &a) != ST_OK || a.rc) {
		http_reply_error(r, a.rc ? a.rc : ST_DB, "store error");
		json_decref(a.list);
		return;
	}
	if (store_witness_get(st, pr->id, cosigned_row, &cosigned) != ST_OK)
		cosigned = NULL;
	j = json_pack("{s:i, s:O, s:b, s:o}", "v", 1, "acts", a.list, "complete",
	    json_array_size(a.list) < HISTORY_ACTS, "cosigned", cosigned ? cosigned : json_null());
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (text)
		http_reply(r, ST_OK, "application/json", text, strlen(text));
	else
		http_reply_error(r, ST_NOMEM, NULL);
	free(text);
	json_decref(j);
	json_decref(a.list);
}

static void
serve_history(void *arg, struct http_req *r)
{
	struct link_engine *e = arg;
	struct store *st = node_store(e->node);
	struct peer *pr = peers_by_key(e->peers, http_req_peer(r));
	const char *link = http_req_query(r, "link");
	int64_t sent_after = number(r, "sent_after", 0);
	int64_t received_after = number(r, "received_after", 0);
	int64_t limit = number(r, "limit", HISTORY_LIMIT);
	struct page sent = { json_array(), 0, 0, ST_OK }, rcvd = { json_array(), 0, 0, ST_OK };
	struct store_marks mk;
	json_t *j = NULL, *cosigned = NULL;
	int64_t seq;
	int complete;
	char *text;

	if (!pr) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		goto out;
	}
	peers_heard(e->peers, pr);
	if (!link && http_req_query(r, "acts")) {
		serve_acts(e, pr, r);
		goto out;
	}
	if (!link || !envelope_link_ok(link)) {
		http_reply_error(r, ST_LINK, "not a link name: [a-z0-9][a-z0-9._-]{0,14}");
		goto out;
	}
	if (sent_after < 0 || received_after < 0 || limit <= 0) {
		http_reply_error(r, ST_PARSE, "sent_after, received_after and limit are counts");
		goto out;
	}
	if (limit > HISTORY_LIMIT_MAX)
		limit = HISTORY_LIMIT_MAX;
	if (store_link_marks(st, pr->id, link, &mk) != ST_OK || !sent.list || !rcvd.list) {
		http_reply_error(r, ST_DB, "store error");
		goto out;
	}
	for (seq = sent_after + 1; seq <= mk.received && !sent.rc; seq++) {
		if ((int64_t)json_array_size(sent.list) >= limit || sent.bytes >= HISTORY_BYTES)
			break;
		if (store_in_at(st, pr->id, link, seq, sent_row, &sent) != ST_OK)
			break;	/* a gap cannot be: stop, and say incomplete */
	}
	complete = seq > mk.received;
	for (seq = received_after + 1; seq <= mk.sent && !rcvd.rc && !rcvd.stop; seq++) {
		if ((int64_t)json_array_size(rcvd.list) >= limit || rcvd.bytes >= HISTORY_BYTES)
			break;
		if (store_out_at(st, pr->id, link, seq, received_row, &rcvd) != ST_OK)
			break;
	}
	complete = complete && (seq > mk.sent || rcvd.stop);
	if (sent.rc || rcvd.rc) {
		http_reply_error(r, ST_NOMEM, NULL);
		goto out;
	}
	if (store_witness_get(st, pr->id, cosigned_row, &cosigned) != ST_OK)
		cosigned = NULL;
	j = json_pack("{s:i, s:s, s:O, s:O, s:b, s:o}", "v", 1, "link", link, "sent", sent.list,
	    "received", rcvd.list, "complete", complete, "cosigned",
	    cosigned ? cosigned : json_null());
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (text)
		http_reply(r, ST_OK, "application/json", text, strlen(text));
	else
		http_reply_error(r, ST_NOMEM, NULL);
	free(text);
out:
	json_decref(j);
	json_decref(sent.list);
	json_decref(rcvd.list);
}

status
link_history_route(struct link_engine *e, struct http_listener *l)
{
	return http_route(l, HTTP_GET, "/v1/history", 0, serve_history, e);
}
