/* link_in.c - inbound acceptance: a batch of messages from a pinned peer.
 *
 * Rules this file keeps:
 * - a receipt leaves only after the commit that holds the message (fsync);
 * - the receiver keys every message by (peer, link, seq) and answers a
 *   retransmission of the same bytes with the receipt it already issued;
 *   nothing is applied twice;
 * - per link, only the next sequence number is accepted; a verified message
 *   refused for good (unknown link, body too large) still consumes its
 *   number, so one refusal never blocks the link.
 *
 * SECURITY: every statement is verified with the key TLS proved (the
 * peer's pinned key), so a peer can speak only for itself.  No sockets
 * here: link.c hands over the body, which keeps this testable alone.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt/envelope.h"
#include "link/link_int.h"
#include "log/ledger.h"
#include "node/policy.h"
#include "util/diag.h"


/* The answer to one message of a batch, beside its HTTP status. */
struct verdict {
	int64_t seq;		/* 0: the message did not open */
	char id[STAMP_UUID_LEN];
	int64_t expected;	/* 425: the sequence number the link waits for */
	struct buf receipt;	/* 200: the receipt, issued now or before */
	struct buf pack;	/* the message as verified, packed for the store */
	char reason[300];	/* a refusal's reason, given now or before */
	/* The next sequence number of link, as this batch's transaction
	 * holds it: read from the store once per batch and link, then
	 * advanced here as store_in_add advances it. */
	char link[ENV_LINK_MAX + 1];
	int64_t next;
};

struct prior {
	const char *hash;
	struct verdict *v;
	int same;
	status code, rc;
	struct buf held;	/* another accepted message's JWS; the caller frees */
};

/* prior_row - what we hold at a sequence number seen again: for the same
 * bytes, the answer given then; for other bytes of an accepted message,
 * that message's JWS (in pr->held), to keep as proof of a fork.  held is
 * bounded by the row's own length, not by v->receipt's 8 KB: a message is
 * as large as max_body allows, and a fork of large messages is a fork. */
static int
prior_row(void *arg, const struct store_in *m)
{
	struct prior *pr = arg;

	pr->same = strcmp(m->hash, pr->hash) == 0;
	pr->code = http_status(m->status);
	if (pr->same && m->status == 200)
		pr->rc = buf_add(&pr->v->receipt, m->receipt, m->receipt_len);
	else if (pr->same)
		snprintf(pr->v->reason, sizeof pr->v->reason, "%s", m->reason);
	else if (m->status == 200 && m->jws_len) {
		buf_init(&pr->held, m->jws_len);
		pr->rc = buf_add(&pr->held, m->jws, m->jws_len);
	}
	return 1;
}

/* fork_message - keep a peer's two messages for one (link, seq) as proof of
 * equivocation (held: the one accepted first, in held; presented: jws[0..n),
 * which verified with the same pinned key), in the batch's transaction.
 * reason gets the refusal.  Recorded once per (link, seq). */
static void
fork_message(struct node *node, const struct peer *p, const struct message *m,
    struct buf *held, const char *jws, size_t n, char *reason, size_t cap)
{
	char subject[ENV_LINK_MAX + 24], why[160];
	char *presented = strndup(jws, n);
	struct store_fork f = {
		.peer_id = p->id, .kind = STORE_FORK_MESSAGE, .subject = subject,
		.held = buf_str(held), .presented = presented, .reason = why,
		.at_ms = stamp_now_ms(),
	};
	status rc = presented && f.held ? ST_OK : ST_NOMEM;

	snprintf(subject, sizeof subject, "%s %lld", m->link, (long long)m->seq);
	snprintf(why, sizeof why, "two different messages signed for link %s seq %lld",
	    m->link, (long long)m->seq);
	if (!rc)
		rc = store_fork_add(node_store(node), &f);
	free(presented);
	if (!rc)
		diag_warn("FORK: peer %s signed two different messages for link %s seq %lld;"
		    " both kept (parley log forks)", p->name, m->link, (long long)m->seq);
	else if (rc != ST_EXISTS)
		diag_warn("FORK: peer %s signed two different messages for link %s seq %lld;"
		    " cannot keep them: %s", p->name, m->link, (long long)m->seq, status_str(rc));
	snprintf(reason, cap, "fork: sequence %lld on link %s already holds another message"
	    " signed by you; both are kept as proof", (long long)m->seq, m->link);
}

/* accept_one - one message of a batch; returns its HTTP status and whether
 * to stop the batch there.  The rest of the answer goes to v. */
static status
accept_one(struct node *node, const struct peer *p, const char *jws, size_t n,
    struct verdict *v, int *stop)
{
	struct store *st = node_store(node);
	const struct ident *self = node_ident(node);
	char hash[ENV_HASH_HEX], reason[300] = "";
	struct store_in row;
	struct message m;
	struct receipt r;
	struct buf *rj = &v->receipt;
	struct policy *policy = node_policy(node);
	struct policy_msg pm;
	char clause[AGREEMENT_WHY_MAX];
	int64_t next;
	status code = ST_OK;
	status rc, prc;

	*stop = 0;
	v->seq = 0;
	v->id[0] = '\0';
	v->expected = 0;
	v->reason[0] = '\0';
	buf_reset(rj);
	envelope_hash(jws, n, hash);
	envelope_message_init(&m, node_config(node)->max_body);
	rc = envelope_message_open_pack(jws, n, p->pk, ident_kid(self), &m, &v->pack);
	switch (rc) {
	case ST_OK:
	case ST_TOOBIG:
		break;
	case ST_BADSIG:
		code = ST_BADSIG, *stop = 1;
		snprintf(reason, sizeof reason, "signature does not verify with the pinned key");
		goto done;
	case ST_UNKNOWN_KEY:
		code = ST_UNKNOWN_KEY, *stop = 1;
		snprintf(reason, sizeof reason, "signed by a key other than the sender's pinned key");
		goto done;
	case ST_RECIPIENT:
		code = ST_RECIPIENT, *stop = 1;
		snprintf(reason, sizeof reason, "addressed to another node");
		goto done;
	default:
		code = ST_PARSE, *stop = 1;
		snprintf(reason, sizeof reason, "malformed message: %s", status_str(rc));
		goto done;
	}
	v->seq = m.seq;
	memcpy(v->id, m.id, sizeof v->id);
	if (strcmp(v->link, m.link) != 0) {
		if (store_recv_next(st, p->id, m.link, &v->next) != ST_OK) {
			v->link[0] = '\0';
			code = ST_DB, *stop = 1;
			snprintf(reason, sizeof reason, "store error");
			goto done;
		}
		memcpy(v->link, m.link, sizeof v->link);
	}
	next = v->next;
	if (m.seq < next) {
		struct prior pr = { hash, v, 0, ST_OK, ST_OK, { NULL, 0, 0, 0 } };

		if (store_in_at(st, p->id, m.link, m.seq, prior_row, &pr) == ST_OK && pr.same) {
			code = pr.code;	/* a retransmission: the same answer again */
			if (pr.rc) {
				buf_reset(rj);
				code = ST_DB, *stop = 1;
				snprintf(reason, sizeof reason, "%s", status_str(pr.rc));
			}
			goto done;
		}
		code = ST_REPLAY, *stop = 1;
		if (!pr.same && pr.held.len && !pr.rc)
			fork_message(node, p, &m, &pr.held, jws, n, reason, sizeof reason);
		else
			snprintf(reason, sizeof reason, "sequence %lld on link %s already holds"
			    " another message", (long long)m.seq, m.link);
		buf_free(&pr.held);
		goto done;
	}
	if (m.seq > next) {
		code = ST_ORDER, *stop = 1;
		v->expected = next;
		snprintf(reason, sizeof reason, "out of order: expected sequence %lld on link %s",
		    (long long)next, m.link);
		goto done;
	}
	memset(&row, 0, sizeof row);
	pm.link = m.link;
	pm.type = m.type;
	pm.priority = m.priority;
	pm.body_size = m.body.len;
	pm.body = rc == ST_TOOBIG ? NULL : m.body.p;
	pm.tlp = m.v == 2 ? m.tlp : NULL;
	pm.agreement = m.v == 2 ? m.agreement : NULL;
	/* the node's own limit first: a body it will not hold is 413 whatever
	 * was agreed */
	prc = rc == ST_TOOBIG ? ST_OK : policy ?
	    policy_receive(policy, p->kid, &pm, stamp_now_ms(), clause) : ST_DB;
	if (prc == ST_OK && rc != ST_TOOBIG) {
		/* the services' say: a batch whose objects are not yet staged
		 * waits; one that cannot be taken in is refused for good */
		status arc = node_msg_admit(node, p->id, &m, clause, sizeof clause);

		if (arc == ST_DOWN || arc == ST_INVALID)
			prc = arc;
		else if (arc)
			prc = ST_DB;
	}
	if (prc == ST_DOWN || prc == ST_DB) {
		/* not yet in force here: not refused for good, the number not used */
		code = ST_DOWN, *stop = 1;
		snprintf(reason, sizeof reason, "%s", prc == ST_DB ?
		    "cannot read the agreements held" : clause);
		goto done;
	}
	if (rc == ST_TOOBIG) {
		code = ST_TOOBIG;
		snprintf(reason, sizeof reason, "body exceeds the limit of %zu bytes",
		    node_config(node)->max_body);
	} else if (prc == ST_INVALID) {
		/* a form that does not fit its template: refused for good, kept */
		code = ST_INVALID;
		snprintf(reason, sizeof reason, "%s", clause);
		row.jws = jws;
		row.jws_len = n;
	} else if (prc == ST_BREACH) {
		/* refused for good, and kept whole: signed evidence of the breach */
		code = ST_BREACH;
		snprintf(reason, sizeof reason, "breach of agreement: %s", clause);
		row.jws = jws;
		row.jws_len = n;
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
			code = ST_DB, *stop = 1;
			snprintf(reason, sizeof reason, "cannot sign receipt");
			goto done;
		}
		row.jws = jws;
		row.jws_len = n;
		row.pack = &v->pack;
		row.receipt = rj->p;
		row.receipt_len = rj->len;
		row.receipt_fields = &r;
	}
	row.id = m.id;
	row.peer_id = p->id;
	row.link = m.link;
	row.seq = m.seq;
	row.type = m.type;
	row.priority = m.priority;
	row.subject = m.subject;
	row.hash = hash;
	row.status = http_code(code);	/* stored as the wire gives it */
	row.reason = reason;
	row.received_ms = stamp_now_ms();
	rc = store_in_add(st, &row);
	if (rc == ST_EXISTS) {
		code = ST_REPLAY, *stop = 1;
		snprintf(reason, sizeof reason, "message id %s was already used", m.id);
	} else if (rc) {
		/* out of storage or damaged: the sender retries later */
		code = rc == ST_FULL || rc == ST_CORRUPT ? rc : ST_DB, *stop = 1;
		snprintf(reason, sizeof reason, "%s", code == ST_DB ? "store error" :
		    status_str(code));
	}
	if (!rc && row.receipt && (rc = node_msg_accepted(node, p->id, &m, &r)) != ST_OK) {
		code = rc == ST_FULL || rc == ST_CORRUPT ? rc : ST_DB, *stop = 1;
		snprintf(reason, sizeof reason, "%s", code == ST_DB ? "store error" :
		    status_str(code));
	}
	if (rc)
		buf_reset(rj);	/* no receipt for what is not stored */
	else
		v->next = m.seq + 1;	/* as store_in_add advanced it */
done:
	if (reason[0] && code == ST_ORDER) {
		/* a batch that overtook another, or a resend after a crash: the
		 * ordinary course of recovery, not a warning */
		memcpy(v->reason, reason, sizeof v->reason);
		diag_info("message from %s (link %s seq %lld) waits: %s", p->name, m.link,
		    (long long)m.seq, reason);
	} else if (reason[0]) {
		memcpy(v->reason, reason, sizeof v->reason);
		diag_warn("refused message from %s (link %s seq %lld): %s", p->name,
		    m.link[0] ? m.link : "?", (long long)m.seq, reason);
	}
	envelope_message_clear(&m);
	return code;
}

/* verdict_add - append one result of a batch to out as a JSON object:
 * {"seq","id","expected","receipt","status","reason"}, each when it applies.
 * A template, not a JSON tree: every member but the reason is made or
 * checked here, and the receipt is base64url; strings are still escaped. */
static status
verdict_add(struct buf *out, const struct verdict *v, status code)
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
		rc = buf_addf(out, "\"status\":%d", http_code(code));
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

/* link_in_batch - see link.h. */
status
link_in_batch(struct node *node, const struct peer *p, const char *body, size_t len,
    struct buf *resp)
{
	struct store *st = node_store(node);
	struct verdict v;
	size_t lines = 0, off = 0, start = resp->len;
	status first = ST_OK, wrc, rc;
	int stop = 0;

	/* A damaged store signs no receipt (README, Faults): 503, the sender
	 * retries later; what the store holds stays readable. */
	if (store_damaged(st))
		return ST_CORRUPT;
	if ((rc = store_begin(st)) != ST_OK)
		return rc == ST_FULL || rc == ST_CORRUPT ? rc : ST_DB;
	memset(&v, 0, sizeof v);
	buf_init(&v.receipt, 8192);
	buf_init(&v.pack, HTTP_REQUEST_MAX);
	wrc = buf_adds(resp, "{\"results\":[");
	while (off < len && !stop) {
		const char *nl = memchr(body + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (body + off)) : len - off;
		status code;

		if (++lines > LINES_MAX)
			break;
		code = accept_one(node, p, body + off, n, &v, &stop);
		if (!wrc && lines > 1)
			wrc = buf_adds(resp, ",");
		if (!wrc)
			wrc = verdict_add(resp, &v, code);
		if (code != ST_OK && first == ST_OK)
			first = code;
		off += n + 1;
	}
	buf_free(&v.receipt);
	buf_free(&v.pack);
	if (!wrc)
		wrc = buf_adds(resp, "]}");
	if (first == ST_FULL || first == ST_CORRUPT || first == ST_DB) {
		/* The store failed mid-batch, perhaps halfway through a row (or
		 * SQLite rolled back already: a full disk): none of the batch is
		 * kept and no receipt leaves; the sender sends it all again. */
		diag_warn("store: cannot store received messages: %s", store_errmsg(st));
		store_rollback(st);
		buf_truncate(resp, start);
		return first;
	}
	if ((rc = store_commit(st)) != ST_OK) {
		diag_warn("store: cannot commit received messages: %s", store_errmsg(st));
		buf_truncate(resp, start);
		return rc == ST_FULL || rc == ST_CORRUPT ? rc : ST_DB;
	}
	if (wrc) {
		/* committed, but the answer did not fit: the sender resends and
		 * gets the same receipts */
		buf_truncate(resp, start);
		return ST_NOMEM;
	}
	return lines == 0 ? ST_PARSE : first;
}
