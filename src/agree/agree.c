/* agree.c - the agreements service (agree.h).
 *
 * SECURITY: every document is verified with the keys this node pinned
 * (agree_key), never with keys it carries; a caller must be a pinned peer
 * that is a party, and this node must be one.  A document is kept only
 * after it verifies, and a merged one is verified again before it is kept.
 * An act is verified with the pinned key of the peer that posts it, and
 * must be that peer's own; it is kept, with its effect, only when it names
 * the very payload held here and the rule allows it.
 */
#include <stdlib.h>
#include <string.h>

#include "agree/agree.h"
#include "agree/agree_int.h"
#include "log/witness.h"
#include "net/http_client.h"
#include "node/policy.h"
#include "store/store.h"
#include "util/diag.h"


/* One document, or one of our acts, sent to one party. */
struct push {
	struct agree *g;
	struct http_client *client;
	char *act;		/* the act's JWS (ours); NULL: a document */
	char agreement[STAMP_UUID_LEN];	/* the act's agreement */
	char party[CARD_NAME_MAX + 1];	/* to whom */
	struct push *next;
};

/* The service's state for one peer (its registry slot). */
struct gpeer {
	int64_t pushed_ms;	/* last offer of unfinished agreements */
};

/* ---- keys, summaries ---- */

struct key_of {
	const char *kid;
	uint8_t *pk;
	int found;
};

static int
key_row(void *arg, const struct store_peer *sp)
{
	struct key_of *k = arg;

	if (strcmp(sp->kid, k->kid) == 0) {
		memcpy(k->pk, sp->pk, IDENT_PK_LEN);
		k->found = 1;
	}
	return 1;
}

status
agree_key(void *node, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	struct node *n = node;
	struct key_of k = { kid, pk, 0 };

	if (strcmp(kid, ident_kid(node_ident(n))) == 0) {
		memcpy(pk, ident_pk(node_ident(n)), IDENT_PK_LEN);
		return ST_OK;
	}
	if (store_peer_find(node_store(n), name, NULL, key_row, &k) != ST_OK || !k.found)
		return ST_NOTFOUND;
	return ST_OK;
}

void
agree_summary(const struct agreement *a, const struct agreement_sigs *sigs, const char *doc,
    struct store_agree *row, char *parties, char *signed_by)
{
	size_t np = 0, ns = 0;

	memset(row, 0, sizeof *row);
	parties[0] = signed_by[0] = '\0';
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const char *name = agreement_party_at(a, i)->name;
		size_t len = strlen(name);

		memcpy(parties + np, i ? "," : "", i ? 1 : 0);
		np += i ? 1 : 0;
		memcpy(parties + np, name, len + 1);
		np += len;
		if (sigs->signed_by[i]) {
			memcpy(signed_by + ns, ns ? "," : "", ns ? 1 : 0);
			ns += ns ? 1 : 0;
			memcpy(signed_by + ns, name, len + 1);
			ns += len;
		}
	}
	row->id = agreement_id(a);
	row->doc = doc;
	row->title = agreement_title(a);
	row->parties = parties;
	row->signed_by = signed_by;
	row->n_parties = (int64_t)sigs->n_parties;
	row->n_signed = (int64_t)sigs->n_signed;
	row->effective_ms = agreement_effective_ms(a);
	row->expires_ms = agreement_expires_ms(a);
	row->supersedes = agreement_supersedes(a);
	row->declined_by = "";
	row->ends_ms = row->superseded_ms = INT64_MAX;
}

/* ---- holding a document ---- */

/* An agreement's row as held: the document into *doc, the numbers and
 * times in row (its other strings not kept, but declined_by). */
struct held {
	struct buf *doc;
	struct store_agree row;	/* n_signed as counted when it was kept (verified) */
	char declined_by[CARD_NAME_MAX + 1];
	status rc;
};

static int
held_row(void *arg, const struct store_agree *a)
{
	struct held *h = arg;

	h->row = *a;
	snprintf(h->declined_by, sizeof h->declined_by, "%s", a->declined_by);
	h->row.id = h->row.doc = h->row.title = h->row.parties = h->row.signed_by = NULL;
	h->row.supersedes = NULL;
	h->row.declined_by = h->declined_by;
	h->rc = buf_adds(h->doc, a->doc);
	return 1;
}

/* merge - into out, the document a with the signatures of b that a lacks,
 * when both carry the very same payload bytes (ST_CONFLICT otherwise). */
static status
merge(const char *a, size_t alen, const char *b, size_t blen, struct buf *out)
{
	json_t *ja = json_loadb(a, alen, JSON_REJECT_DUPLICATES, NULL);
	json_t *jb = json_loadb(b, blen, JSON_REJECT_DUPLICATES, NULL);
	json_t *sa = json_object_get(ja, "signatures"), *s;
	const char *pa = json_string_value(json_object_get(ja, "payload"));
	const char *pb = json_string_value(json_object_get(jb, "payload"));
	status rc = ST_OK;
	char *text = NULL;
	size_t i;

	if (!pa || !pb || !json_is_array(sa))
		rc = ST_PARSE;
	else if (strcmp(pa, pb) != 0)
		rc = ST_CONFLICT;
	json_array_foreach(json_object_get(jb, "signatures"), i, s) {
		const char *prot = json_string_value(json_object_get(s, "protected"));
		json_t *x;
		size_t k;
		int have = 0;

		if (rc || !prot)
			break;
		json_array_foreach(sa, k, x)
			have |= strcmp(json_string_value(json_object_get(x, "protected")) ?
			    json_string_value(json_object_get(x, "protected")) : "", prot) == 0;
		if (!have && json_array_append(sa, s) != 0)
			rc = ST_NOMEM;
	}
	if (!rc && !(text = json_dumps(ja, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		rc = ST_NOMEM;
	if (!rc)
		rc = buf_adds(out, text);
	if (!rc)
		rc = buf_adds(out, "\n");
	free(text);
	json_decref(ja);
	json_decref(jb);
	return rc;
}

/* grown - after the commit (rc) of a transaction that may have added acts
 * of ours to our log: the witness signs a checkpoint of it. */
static void
grown(struct agree *g, status rc)
{
	if (!rc && g->grew && g->witness)
		witness_kick(g->witness);
	g->grew = 0;
}

/* act_rows - in the caller's transaction, keep act (its JWS jws) on
 * agreement id; *added is 0 when it was kept already.  An act of this
 * node's own is also a statement of its cosigned log (store_stmt_add). */
static status
act_rows(struct agree *g, const char *id, const struct agract *act, const char *jws,
    int *added)
{
	struct store *st = node_store(g->node);
	struct store_agree_act row = {
		.agreement = id, .kind = agract_kind_name(agract_kind(act)),
		.by_kid = agract_by(act), .jws = jws, .at_ms = agract_at_ms(act),
	};
	status rc = store_agree_act_add(st, &row, stamp_now_ms(), added);

	if (!rc && *added && strcmp(row.by_kid, ident_kid(node_ident(g->node))) == 0) {
		rc = store_stmt_add(st, row.kind, id, jws, strlen(jws), row.at_ms);
		g->grew |= !rc;
	}
	return rc;
}

/* keep - hold doc[0..n), which verified as a with sigs (new, or with more
 * signatures than held), after the fsync'd commit; why set on error. */
static status
keep(struct agree *g, const char *doc, size_t n, const struct agreement *a,
    const struct agreement_sigs *sigs, const char *act_jws, const struct agract *act,
    char why[static AGREEMENT_WHY_MAX])
{
	struct store *st = node_store(g->node);
	char parties[AGREEMENT_PARTIES_MAX * (CARD_NAME_MAX + 1)];
	char names[AGREEMENT_PARTIES_MAX * (CARD_NAME_MAX + 1)];
	struct store_agree row;
	struct buf text;
	status rc;

	if (!agreement_party(a, ident_kid(node_ident(g->node)))) {
		snprintf(why, AGREEMENT_WHY_MAX, "this node is not a party to it");
		return ST_UNKNOWN_KEY;
	}
	buf_init(&text, AGREE_BODY_MAX);
	rc = buf_add(&text, doc, n);
	agree_summary(a, sigs, buf_str(&text), &row, parties, names);
	if (!rc)
		rc = store_begin(st);
	if (!rc) {
		rc = store_agree_put(st, &row, stamp_now_ms());
		/* every party has signed: the one it supersedes ends when it
		 * takes effect (an id not held changes nothing) */
		if (!rc && agreement_sigs_complete(sigs) && agreement_supersedes(a))
			rc = store_agree_supersede(st, agreement_supersedes(a),
			    agreement_effective_ms(a));
		if (!rc && act)
			rc = act_rows(g, agreement_id(a), act, act_jws, &(int){ 0 });
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
		grown(g, rc);
	}
	buf_free(&text);
	if (rc)
		snprintf(why, AGREEMENT_WHY_MAX, "the store could not keep it: %s", status_str(rc));
	else if (node_policy_reload(g->node) != ST_OK)
		diag_warn("agreement %s: kept, but the agreements in force could not be read"
		    " again; restart parleyd", agreement_id(a));
	return rc;
}

/* take - a document from a party (caller: its key id, or NULL for the
 * answer to our own offer), verified once, merged with the one held under
 * its id, and kept when it adds signatures; held gets the document now
 * held.  ST_UNKNOWN_KEY when the caller is not a party. */
static status
take(struct agree *g, const char *doc, size_t n, const char *caller, struct buf *held,
    char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs sigs;
	struct agreement *a = NULL, *m = NULL;
	struct held h = { .doc = held };
	struct buf merged;
	status rc;

	rc = agreement_verify(doc, n, agree_key, g->node, &a, &sigs, why);
	if (!rc && caller && !agreement_party(a, caller)) {
		rc = ST_UNKNOWN_KEY;
		snprintf(why, AGREEMENT_WHY_MAX, "you are not a party to it");
	}
	buf_reset(held);
	if (!rc)
		rc = store_agree_get(node_store(g->node), agreement_id(a), held_row, &h);
	if (rc == ST_NOTFOUND) {	/* new here: kept as it came */
		rc = keep(g, doc, n, a, &sigs, NULL, NULL, why);
		buf_reset(held);
		agreement_free(a);
		return rc ? rc : buf_add(held, doc, n);
	}
	agreement_free(a);
	if (rc || (rc = h.rc) != ST_OK)
		return rc;
	buf_init(&merged, AGREE_BODY_MAX);
	rc = merge(held->p, held->len, doc, n, &merged);
	if (rc == ST_CONFLICT)
		snprintf(why, AGREEMENT_WHY_MAX, "another payload is held under this agreement's id");
	if (!rc && (rc = agreement_verify(merged.p, merged.len, agree_key, g->node, &m, &sigs,
	    why)) == ST_OK && (int64_t)sigs.n_signed > h.row.n_signed && h.row.declined_ms) {
		/* a decline ends the signing: a signature made before it was
		 * known is not taken (and the decline reaches its signer) */
		rc = ST_CONFLICT;
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s was declined by %s: no more "
		    "signatures are taken", agreement_id(m), h.declined_by);
	} else if (!rc && (int64_t)sigs.n_signed > h.row.n_signed) {
		rc = keep(g, merged.p, merged.len, m, &sigs, NULL, NULL, why);
		buf_reset(held);
		if (!rc)
			rc = buf_add(held, merged.p, merged.len);
	}
	agreement_free(m);
	buf_free(&merged);
	return rc;
}

/* ---- acts: the rule, and keeping one ---- */

/* An agreement as held, for an act on it: the document verified again
 * (content and who signed), its row, and the hash an act must name. */
struct target {
	struct buf doc;
	struct held h;
	struct agreement *a;
	struct agreement_sigs sigs;
	char sha[AGRACT_SHA_HEX];
};

static void
target_free(struct target *t)
{
	agreement_free(t->a);
	buf_free(&t->doc);
}

/* target - agreement id as held into *t (target_free it, whatever the
 * answer).  ST_NOTFOUND when none is held, naming the id in why. */
static status
target(struct agree *g, const char *id, struct target *t, char why[static AGREEMENT_WHY_MAX])
{
	status rc;

	memset(t, 0, sizeof *t);
	buf_init(&t->doc, AGREE_BODY_MAX);
	t->h.doc = &t->doc;
	rc = store_agree_get(node_store(g->node), id, held_row, &t->h);
	if (rc == ST_NOTFOUND)
		snprintf(why, AGREEMENT_WHY_MAX, "no agreement %s is held here", id);
	else if (rc)
		snprintf(why, AGREEMENT_WHY_MAX, "the store cannot be read: %s", status_str(rc));
	if (!rc && (rc = t->h.rc) != ST_OK)
		snprintf(why, AGREEMENT_WHY_MAX, "%s", status_str(rc));
	if (!rc)
		rc = agreement_verify(t->doc.p, t->doc.len, agree_key, g->node, &t->a, &t->sigs, why);
	if (!rc && (rc = agract_doc_sha256(t->doc.p, t->doc.len, t->sha)) != ST_OK)
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s as held has no payload", id);
	return rc;
}

struct act_seek {
	const char *jws;	/* held already? */
	const char *kid;	/* a notice by this key held? */
	int same, notice_by;
};

static int
act_seek_row(void *arg, const struct store_agree_act *t)
{
	struct act_seek *k = arg;

	k->same |= k->jws && strcmp(t->jws, k->jws) == 0;
	k->notice_by |= k->kid && strcmp(t->by_kid, k->kid) == 0 &&
	    strcmp(t->kind, agract_kind_name(AGRACT_TERMINATE)) == 0;
	return 0;
}

/* rule - may party by_kid do kind to t at at_ms, as seen at now_ms?  ours:
 * this node acts (a refusal then also covers what changes nothing: a
 * second decline, a second notice, a notice on an agreement that ended).
 * ST_OK, or the refusal with why. */
static status
rule(struct agree *g, const struct target *t, enum agract_kind kind, const char *by_kid,
    int64_t at_ms, int64_t now_ms, int ours, char why[static AGREEMENT_WHY_MAX])
{
	const struct agreement_party *pt = agreement_party(t->a, by_kid);
	const char *id = agreement_id(t->a), *state = policy_state(&t->h.row, now_ms);
	int j;

	if (!pt) {
		snprintf(why, AGREEMENT_WHY_MAX, "%s is not a party to agreement %s",
		    ours ? "this node" : by_kid, id);
		return ST_UNKNOWN_KEY;
	}
	j = (int)(pt - agreement_party_at(t->a, 0));
	if (at_ms > now_ms + AGREE_ACT_AHEAD_MS) {
		snprintf(why, AGREEMENT_WHY_MAX, "at: %lld s ahead of this node's clock (at most "
		    "%d s)", (long long)((at_ms - now_ms) / 1000), AGREE_ACT_AHEAD_MS / 1000);
		return ST_INVALID;
	}
	if (kind == AGRACT_SIGN)
		return ST_OK;	/* a record, with its time, of a signature: it changes nothing */
	if (kind == AGRACT_DECLINE) {
		if (t->sigs.signed_by[j]) {
			snprintf(why, AGREEMENT_WHY_MAX, "%s has signed agreement %s already; "
			    "once every party has, terminate it instead", pt->name, id);
			return ST_CONFLICT;
		}
		if (ours && t->h.row.declined_ms) {
			snprintf(why, AGREEMENT_WHY_MAX, "agreement %s is declined already, by %s",
			    id, t->h.declined_by);
			return ST_EXISTS;
		}
		return ST_OK;
	}
	if (t->h.row.declined_ms || !agreement_sigs_complete(&t->sigs)) {
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s is not signed by every party (%s): "
		    "nothing to terminate%s", id, state, t->h.row.declined_ms ? "" :
		    "; a party yet to sign may decline it");
		return ST_CONFLICT;
	}
	if (at_ms >= agreement_expires_ms(t->a)) {
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s expired before the notice", id);
		return ST_CONFLICT;
	}
	if (ours && (strcmp(state, "superseded") == 0 || strcmp(state, "terminated") == 0 ||
	    strcmp(state, "expired") == 0)) {
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s has ended (%s)", id, state);
		return ST_CONFLICT;
	}
	if (ours) {
		struct act_seek k = { NULL, by_kid, 0, 0 };

		if (store_agree_act_list(node_store(g->node), id, act_seek_row, &k) != ST_OK) {
			snprintf(why, AGREEMENT_WHY_MAX, "the store cannot be read");
			return ST_DB;
		}
		if (k.notice_by) {
			snprintf(why, AGREEMENT_WHY_MAX, "this node gave notice on agreement %s "
			    "already", id);
			return ST_EXISTS;
		}
	}
	return ST_OK;
}

/* apply - keep the act jws (opened as act, by the party by_name of t) with
 * its effect on t's row, in one transaction committed with fsync.  The
 * same act kept already changes nothing. */
static status
apply(struct agree *g, const struct target *t, const struct agract *act, const char *jws,
    const char *by_name, char why[static AGREEMENT_WHY_MAX])
{
	struct store *st = node_store(g->node);
	const char *id = agreement_id(t->a);
	int added = 0;
	status rc;

	rc = store_begin(st);
	if (rc) {
		snprintf(why, AGREEMENT_WHY_MAX, "the store could not keep it: %s", status_str(rc));
		return rc;
	}
	rc = act_rows(g, id, act, jws, &added);
	if (!rc && added && agract_kind(act) == AGRACT_DECLINE)
		rc = store_agree_decline(st, id, agract_at_ms(act), by_name);
	if (!rc && added && agract_kind(act) == AGRACT_TERMINATE)
		rc = store_agree_end(st, id, agract_at_ms(act) + agreement_notice_s(t->a) * 1000);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	grown(g, rc);
	if (rc)
		snprintf(why, AGREEMENT_WHY_MAX, "the store could not keep it: %s", status_str(rc));
	else if (added && node_policy_reload(g->node) != ST_OK)
		diag_warn("agreement %s: act kept, but the agreements in force could not be read"
		    " again; restart parleyd", id);
	return rc;
}

/* ---- sending ---- */

static void
push_free(struct push *p)
{
	struct push **pp;

	for (pp = &p->g->pushes; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	http_client_free(p->client);
	free(p->act);
	free(p);
}

static void send_to(struct agree *g, struct peer *pr, const char *doc, size_t n);

/* acked - the party of push p took our act: so noted, not offered again. */
static void
acked(struct push *p)
{
	struct store *st = node_store(p->g->node);
	status rc = store_begin(st);

	if (!rc) {
		rc = store_agree_act_acked(st, p->act, p->party);
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	if (rc)
		diag_warn("agreement %s: cannot note that %s took our act: %s", p->agreement,
		    p->party, status_str(rc));
}

/* offer_doc - the party of push p holds no agreement for our act: offer it
 * the document, so that the act, offered again, finds it. */
static void
offer_doc(struct push *p)
{
	struct peer *pr = peers_by_name(p->g->peers, p->party);
	struct buf doc;
	struct held h = { .doc = &doc };

	buf_init(&doc, AGREE_BODY_MAX);
	if (pr && store_agree_get(node_store(p->g->node), p->agreement, held_row, &h) == ST_OK &&
	    h.rc == ST_OK)
		send_to(p->g, pr, doc.p, doc.len);
	buf_free(&doc);
}

static void
on_pushed(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct push *p = arg;
	char why[AGREEMENT_WHY_MAX] = "";
	struct buf held;

	buf_init(&held, AGREE_BODY_MAX);
	if (code != ST_OK)
		diag_info("agreement: %s did not take %s: %s %.*s", p->party, p->act ? "our act" :
		    "it", error, (int)(len > 160 ? 160 : len), body ? body : "");
	if (p->act && code == ST_OK)
		acked(p);
	else if (p->act && code == ST_NOTFOUND)
		offer_doc(p);
	else if (!p->act && code == ST_OK && take(p->g, body, len, NULL, &held, why) != ST_OK)
		diag_warn("agreement: a party's answer was not kept: %s", why);
	buf_free(&held);
	push_free(p);
}

/* post_to - post body to path at party pr: a document, or (act non-NULL,
 * the agreement's id) our act, body itself. */
static void
post_to(struct agree *g, struct peer *pr, const char *path, const char *body, size_t n,
    const char *act)
{
	struct push *p = calloc(1, sizeof *p);

	if (!p || (act && !(p->act = strndup(body, n))) ||
	    http_client_new(g->http, g->tls, pr->pk, pr->name, pr->endpoints,
	    &p->client) != ST_OK) {
		if (p)
			free(p->act);
		free(p);
		diag_warn("agreement: cannot reach %s", pr->name);
		return;
	}
	p->g = g;
	snprintf(p->party, sizeof p->party, "%s", pr->name);
	if (act)
		snprintf(p->agreement, sizeof p->agreement, "%s", act);
	p->next = g->pushes;
	g->pushes = p;
	if (http_client_post(p->client, path, body, n, HTTP_CLIENT_TIMEOUT_S, on_pushed, p) !=
	    ST_OK)
		push_free(p);
}

/* send_to - offer doc to party pr. */
static void
send_to(struct agree *g, struct peer *pr, const char *doc, size_t n)
{
	post_to(g, pr, "/v1/agreement", doc, n, NULL);
}

/* send_all - offer doc (or, act non-NULL, our act jws on agreement act)
 * to every other party of a that this node pinned; a party that does not
 * take it now is offered it when next heard from. */
static void
send_all(struct agree *g, const struct agreement *a, const char *doc, size_t n,
    const char *act)
{
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *pt = agreement_party_at(a, i);
		struct peer *pr = peers_by_name(g->peers, pt->name);

		if (pr && strcmp(pr->kid, pt->kid) == 0) {
			struct gpeer *p = pr->slot[g->slot];

			if (p)
				p->pushed_ms = 0;	/* offered again as soon as it is heard */
			post_to(g, pr, act ? "/v1/agreement/act" : "/v1/agreement", doc, n, act);
		}
	}
}

struct unfinished {
	struct agree *g;
	struct peer *pr;
};

/* party_in - 1 when name is among the comma-separated names of list. */
static int
party_in(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *s = list; *s; s += strcspn(s, ","), s += *s == ',') {
		if (strncmp(s, name, n) == 0 && (s[n] == ',' || s[n] == '\0'))
			return 1;
	}
	return 0;
}

static int
offer_row(void *arg, const struct store_agree *a)
{
	struct unfinished *u = arg;

	/* finished, or declined: no signature is taken any more */
	if (a->n_signed >= a->n_parties || a->declined_ms)
		return 0;
	if (party_in(u->pr->name, a->parties))
		send_to(u->g, u->pr, a->doc, strlen(a->doc));
	return 0;
}

/* offer_act - our act, to a party of its agreement that has not taken it. */
static int
offer_act(void *arg, const struct store_agree_act *t)
{
	struct unfinished *u = arg;

	if (strcmp(t->by_kid, ident_kid(node_ident(u->g->node))) == 0 &&
	    party_in(u->pr->name, t->parties) && !party_in(u->pr->name, t->acked))
		post_to(u->g, u->pr, "/v1/agreement/act", t->jws, strlen(t->jws), t->agreement);
	return 0;
}

/* heard - a request from pr: offer it the unfinished agreements it is a
 * party to, and our acts it has not taken, at most every
 * AGREE_PUSH_EVERY_MS. */
static void
heard(void *arg, struct peer *pr)
{
	struct agree *g = arg;
	struct gpeer *p = pr->slot[g->slot];
	struct unfinished u = { g, pr };
	int64_t now = stamp_mono_ms();

	if (!p || (p->pushed_ms && now - p->pushed_ms < AGREE_PUSH_EVERY_MS))
		return;
	p->pushed_ms = now;
	if (store_agree_list(node_store(g->node), offer_row, &u) != ST_OK ||
	    store_agree_act_list(node_store(g->node), NULL, offer_act, &u) != ST_OK)
		diag_warn("agreement: cannot read the agreements held");
}

static status
added(void *arg, struct peer *pr)
{
	struct agree *g = arg;

	pr->slot[g->slot] = calloc(1, sizeof(struct gpeer));
	return pr->slot[g->slot] ? ST_OK : ST_NOMEM;
}

static void
removed(void *arg, struct peer *pr)
{
	struct agree *g = arg;

	free(pr->slot[g->slot]);
	pr->slot[g->slot] = NULL;
}

/* ---- the routes ---- */

static void
serve_agreement(void *arg, struct http_req *r)
{
	struct agree *g = arg;
	struct peer *pr = peers_by_key(g->peers, http_req_peer(r));
	char why[AGREEMENT_WHY_MAX] = "";
	struct buf held;
	const char *body;
	size_t len;
	status rc;

	if (!pr) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	body = http_req_body(r, &len);
	buf_init(&held, AGREE_BODY_MAX);
	rc = take(g, body, len, pr->kid, &held, why);
	if (rc) {
		diag_warn("agreement from %s refused: %s", pr->name, why);
		http_reply_error(r, rc, why[0] ? why : status_str(rc));
	} else
		http_reply(r, ST_OK, "application/json", held.p, held.len);
	buf_free(&held);
	peers_heard(g->peers, pr);
}

/* take_act - an act body[0..len) posted by pr: its own, verified with its
 * pinned key, on the text held here, as the rule allows; kept with its
 * effect before the answer. */
static status
take_act(struct agree *g, struct peer *pr, const char *body, size_t len,
    char why[static AGREEMENT_WHY_MAX])
{
	struct agract *act = NULL;
	struct target t;
	struct act_seek k = { NULL, NULL, 0, 0 };
	char *jws = NULL;
	status rc;

	rc = agract_open(body, len, pr->pk, &act, why);
	if (rc) {
		agract_free(act);
		return rc;
	}
	rc = target(g, agract_agreement(act), &t, why);
	if (!rc && strcmp(t.sha, agract_payload_sha256(act)) != 0) {
		rc = ST_CONFLICT;
		snprintf(why, AGREEMENT_WHY_MAX, "payload_sha256: agreement %s is held here "
		    "with another text", agreement_id(t.a));
	}
	if (!rc && !(jws = strndup(body, len)))
		rc = ST_NOMEM;
	/* the same act again is answered as it was the first time */
	k.jws = jws;
	if (!rc && (rc = store_agree_act_list(node_store(g->node), agract_agreement(act),
	    act_seek_row, &k)) != ST_OK)
		snprintf(why, AGREEMENT_WHY_MAX, "the store cannot be read: %s", status_str(rc));
	if (!rc && !k.same) {
		rc = rule(g, &t, agract_kind(act), agract_by(act), agract_at_ms(act),
		    stamp_now_ms(), 0, why);
		if (rc == ST_UNKNOWN_KEY)
			snprintf(why, AGREEMENT_WHY_MAX, "%s is not a party to agreement %s",
			    pr->name, agreement_id(t.a));
		if (!rc)
			rc = apply(g, &t, act, jws, pr->name, why);
		if (!rc)
			diag_info("agreement %s: %s by %s", agreement_id(t.a),
			    agract_kind_words(agract_kind(act)), pr->name);
	}
	free(jws);
	target_free(&t);
	agract_free(act);
	return rc;
}

static void
serve_act(void *arg, struct http_req *r)
{
	struct agree *g = arg;
	struct peer *pr = peers_by_key(g->peers, http_req_peer(r));
	char why[AGREEMENT_WHY_MAX] = "";
	const char *body;
	size_t len;
	status rc;

	if (!pr) {
		http_reply_error(r, ST_UNKNOWN_KEY, "key not pinned");
		return;
	}
	body = http_req_body(r, &len);
	rc = take_act(g, pr, body, len, why);
	if (rc) {
		diag_warn("agreement act from %s refused: %s", pr->name, why);
		http_reply_error(r, rc, why[0] ? why : status_str(rc));
	} else
		http_reply(r, ST_OK, "application/jose", body, len);
	peers_heard(g->peers, pr);
}

/* ---- the service ---- */

status
agree_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct witness *w, struct agree **out)
{
	static const struct peers_hooks hooks = { added, heard, NULL, removed };
	struct agree *g = calloc(1, sizeof *g);
	status rc;

	*out = NULL;
	if (!g)
		return ST_NOMEM;
	g->node = n;
	g->peers = ps;
	g->http = h;
	g->tls = tls;
	g->witness = w;
	rc = peers_hook(ps, &hooks, g, &g->slot);
	if (rc) {
		free(g);
		return rc;
	}
	*out = g;
	return ST_OK;
}

void
agree_free(struct agree *g)
{
	if (!g)
		return;
	while (g->pushes)
		push_free(g->pushes);
	agree_jobs_free(g);
	for (size_t i = 0; i < peers_count(g->peers); i++) {
		struct peer *pr = peers_at(g->peers, i);

		free(pr->slot[g->slot]);
		pr->slot[g->slot] = NULL;
	}
	free(g);
}

status
agree_routes(struct agree *g, struct http_listener *l)
{
	status rc = http_route(l, HTTP_POST, "/v1/agreement", AGREE_BODY_MAX, serve_agreement, g);

	return rc ? rc : http_route(l, HTTP_POST, "/v1/agreement/act", AGRACT_MAX, serve_act, g);
}

/* supersedable - a proposal of a, which supersedes another: that one must
 * be held here (and so have this node, the proposer, as a party: only
 * agreements this node is a party to are held) and must not have ended. */
static status
supersedable(struct agree *g, const struct agreement *a, char why[static AGREEMENT_WHY_MAX])
{
	const char *old = agreement_supersedes(a), *state;
	struct buf doc;
	struct held h = { .doc = &doc };
	status rc;

	if (!old)
		return ST_OK;
	buf_init(&doc, AGREE_BODY_MAX);
	rc = store_agree_get(node_store(g->node), old, held_row, &h);
	buf_free(&doc);
	if (rc == ST_NOTFOUND) {
		snprintf(why, AGREEMENT_WHY_MAX, "supersedes: agreement %s is not held here", old);
		return rc;
	}
	if (rc) {
		snprintf(why, AGREEMENT_WHY_MAX, "the store cannot be read: %s", status_str(rc));
		return rc;
	}
	state = policy_state(&h.row, stamp_now_ms());
	if (strcmp(state, "declined") == 0 || strcmp(state, "superseded") == 0 ||
	    strcmp(state, "terminated") == 0 || strcmp(state, "expired") == 0) {
		snprintf(why, AGREEMENT_WHY_MAX, "supersedes: agreement %s has ended (%s)", old,
		    state);
		return ST_CONFLICT;
	}
	return ST_OK;
}

/* sign_act - this node's "sign" act on agreement id, whose signed document
 * (with this node's signature) is doc[0..n), made now: its JWS in jws, and
 * as read back in *opened (the caller frees both). */
static status
sign_act(struct agree *g, const char *doc, size_t n, const char *id, struct buf *jws,
    struct agract **opened, char why[static AGREEMENT_WHY_MAX])
{
	const struct ident *me = node_ident(g->node);
	char sha[AGRACT_SHA_HEX];
	status rc = agract_doc_sha256(doc, n, sha);

	if (rc)
		snprintf(why, AGREEMENT_WHY_MAX, "the document has no payload");
	if (!rc)
		rc = agract_make(me, AGRACT_SIGN, id, sha, "signed", stamp_now_ms(), jws, why);
	if (!rc)
		rc = agract_open(jws->p, jws->len, ident_pk(me), opened, why);
	return rc;
}

status
agree_propose(struct agree *g, const char *payload, size_t n,
    char id[static STAMP_UUID_LEN], char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	struct agract *opened = NULL;
	struct buf doc, held, act;
	struct held h = { .doc = &held };
	status rc;

	id[0] = '\0';
	buf_init(&doc, AGREE_BODY_MAX);
	buf_init(&held, AGREE_BODY_MAX);
	buf_init(&act, AGRACT_MAX);
	rc = agreement_sign(node_ident(g->node), payload, n, &doc, why);
	if (!rc)
		rc = agreement_verify(doc.p, doc.len, agree_key, g->node, &a, &sigs, why);
	if (!rc && store_agree_get(node_store(g->node), agreement_id(a), held_row, &h) == ST_OK) {
		rc = ST_EXISTS;
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s is held already", agreement_id(a));
	}
	if (!rc)
		rc = supersedable(g, a, why);
	if (!rc)
		rc = sign_act(g, doc.p, doc.len, agreement_id(a), &act, &opened, why);
	if (!rc)
		rc = keep(g, doc.p, doc.len, a, &sigs, act.p, opened, why);
	if (!rc) {
		snprintf(id, STAMP_UUID_LEN, "%s", agreement_id(a));
		send_all(g, a, doc.p, doc.len, NULL);
		send_all(g, a, act.p, act.len, id);
	}
	agract_free(opened);
	agreement_free(a);
	buf_free(&act);
	buf_free(&doc);
	buf_free(&held);
	return rc;
}

status
agree_sign(struct agree *g, const char *id, char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	struct agract *opened = NULL;
	struct buf doc, held, act;
	struct held h = { .doc = &held };
	status rc;

	buf_init(&doc, AGREE_BODY_MAX);
	buf_init(&held, AGREE_BODY_MAX);
	buf_init(&act, AGRACT_MAX);
	rc = store_agree_get(node_store(g->node), id, held_row, &h);
	if (rc == ST_NOTFOUND)
		snprintf(why, AGREEMENT_WHY_MAX, "no agreement %s is held (parley agreement list)",
		    id);
	if (!rc)
		rc = h.rc;
	if (!rc && h.row.declined_ms) {
		rc = ST_CONFLICT;
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s was declined by %s; it can no "
		    "longer be signed", id, h.declined_by);
	}
	if (!rc)
		rc = agreement_countersign(node_ident(g->node), held.p, held.len, agree_key, g->node,
		    &doc, why);
	if (!rc)
		rc = agreement_verify(doc.p, doc.len, agree_key, g->node, &a, &sigs, why);
	if (!rc)
		rc = sign_act(g, doc.p, doc.len, id, &act, &opened, why);
	if (!rc)
		rc = keep(g, doc.p, doc.len, a, &sigs, act.p, opened, why);
	if (!rc) {
		send_all(g, a, doc.p, doc.len, NULL);
		send_all(g, a, act.p, act.len, id);
	}
	agract_free(opened);
	agreement_free(a);
	buf_free(&act);
	buf_free(&doc);
	buf_free(&held);
	return rc;
}

status
agree_import(struct node *n, const char *doc, size_t len, char id[static STAMP_UUID_LEN],
    char why[static AGREEMENT_WHY_MAX])
{
	struct agree g;
	struct agreement *a = NULL;
	struct buf held;
	status rc;

	memset(&g, 0, sizeof g);
	g.node = n;
	id[0] = '\0';
	buf_init(&held, AGREE_BODY_MAX);
	rc = take(&g, doc, len, NULL, &held, why);
	if (!rc && agreement_read(held.p, held.len, &a, why) == ST_OK)
		snprintf(id, STAMP_UUID_LEN, "%s", agreement_id(a));
	agreement_free(a);
	buf_free(&held);
	return rc;
}

/* our_act - this node's act of kind on agreement id for reason: checked
 * by the rule, signed, kept with its effect, then sent to the other
 * parties. */
static status
our_act(struct agree *g, enum agract_kind kind, const char *id, const char *reason,
    char why[static AGREEMENT_WHY_MAX])
{
	const struct ident *me = node_ident(g->node);
	int64_t now = stamp_now_ms();
	struct agract *opened = NULL;
	struct target t;
	struct buf jws;
	status rc;

	buf_init(&jws, AGRACT_MAX);
	rc = target(g, id, &t, why);
	if (rc == ST_NOTFOUND)
		snprintf(why, AGREEMENT_WHY_MAX, "no agreement %s is held (parley agreement list)",
		    id);
	if (!rc)
		rc = rule(g, &t, kind, ident_kid(me), now, now, 1, why);
	if (!rc)
		rc = agract_make(me, kind, id, t.sha, reason, now, &jws, why);
	/* read back as a party will read it: what is kept is what is sent */
	if (!rc)
		rc = agract_open(jws.p, jws.len, ident_pk(me), &opened, why);
	if (!rc)
		rc = apply(g, &t, opened, buf_str(&jws), agreement_party(t.a, ident_kid(me))->name,
		    why);
	if (!rc)
		send_all(g, t.a, jws.p, jws.len, id);
	agract_free(opened);
	target_free(&t);
	buf_free(&jws);
	return rc;
}

status
agree_decline(struct agree *g, const char *id, const char *reason,
    char why[static AGREEMENT_WHY_MAX])
{
	return our_act(g, AGRACT_DECLINE, id, reason, why);
}

status
agree_terminate(struct agree *g, const char *id, const char *reason,
    char why[static AGREEMENT_WHY_MAX])
{
	return our_act(g, AGRACT_TERMINATE, id, reason, why);
}
