/* agree.c - the agreements service (agree.h).
 *
 * SECURITY: every document is verified with the keys this node pinned
 * (agree_key), never with keys it carries; a caller must be a pinned peer
 * that is a party, and this node must be one.  A document is kept only
 * after it verifies, and a merged one is verified again before it is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "agree/agree.h"
#include "net/http_client.h"
#include "store/store.h"
#include "util/diag.h"

#define AGREE_BODY_MAX AGREEMENT_DOC_MAX

struct agree {
	struct node *node;
	struct peers *peers;
	struct http *http;
	struct tlsctx *tls;
	int slot;
	struct push *pushes;	/* in flight */
};

/* One document sent to one party. */
struct push {
	struct agree *g;
	struct http_client *client;
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
}

/* ---- holding a document ---- */

struct held {
	struct buf *doc;
	int64_t n_signed;	/* as counted when it was kept (verified) */
	status rc;
};

static int
held_row(void *arg, const struct store_agree *a)
{
	struct held *h = arg;

	h->n_signed = a->n_signed;
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

/* keep - hold doc[0..n), which verified as a with sigs (new, or with more
 * signatures than held), after the fsync'd commit; why set on error. */
static status
keep(struct agree *g, const char *doc, size_t n, const struct agreement *a,
    const struct agreement_sigs *sigs, char why[static AGREEMENT_WHY_MAX])
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
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
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
	struct held h = { held, 0, ST_OK };
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
		rc = keep(g, doc, n, a, &sigs, why);
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
	    why)) == ST_OK && (int64_t)sigs.n_signed > h.n_signed) {
		rc = keep(g, merged.p, merged.len, m, &sigs, why);
		buf_reset(held);
		if (!rc)
			rc = buf_add(held, merged.p, merged.len);
	}
	agreement_free(m);
	buf_free(&merged);
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
	free(p);
}

static void
on_pushed(void *arg, status code, const char *body, size_t len, const char *error)
{
	struct push *p = arg;
	char why[AGREEMENT_WHY_MAX] = "";
	struct buf held;

	buf_init(&held, AGREE_BODY_MAX);
	if (code != ST_OK)
		diag_info("agreement: a party did not take it: %s %.*s", error,
		    (int)(len > 160 ? 160 : len), body ? body : "");
	else if (take(p->g, body, len, NULL, &held, why) != ST_OK)
		diag_warn("agreement: a party's answer was not kept: %s", why);
	buf_free(&held);
	push_free(p);
}

/* send_to - offer doc to party pr. */
static void
send_to(struct agree *g, struct peer *pr, const char *doc, size_t n)
{
	struct push *p = calloc(1, sizeof *p);

	if (!p || http_client_new(g->http, g->tls, pr->pk, pr->endpoint, &p->client) != ST_OK) {
		free(p);
		diag_warn("agreement: cannot reach %s", pr->name);
		return;
	}
	p->g = g;
	p->next = g->pushes;
	g->pushes = p;
	if (http_client_post(p->client, "/v1/agreement", doc, n, HTTP_CLIENT_TIMEOUT_S,
	    on_pushed, p) != ST_OK)
		push_free(p);
}

/* send_all - offer doc to every other party of a that this node pinned; a
 * party that does not take it now is offered it when next heard from. */
static void
send_all(struct agree *g, const struct agreement *a, const char *doc, size_t n)
{
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *pt = agreement_party_at(a, i);
		struct peer *pr = peers_by_name(g->peers, pt->name);

		if (pr && strcmp(pr->kid, pt->kid) == 0) {
			struct gpeer *p = pr->slot[g->slot];

			if (p)
				p->pushed_ms = 0;	/* offered again as soon as it is heard */
			send_to(g, pr, doc, n);
		}
	}
}

struct unfinished {
	struct agree *g;
	struct peer *pr;
};

static int
offer_row(void *arg, const struct store_agree *a)
{
	struct unfinished *u = arg;
	char pat[CARD_NAME_MAX + 3];
	char list[AGREEMENT_PARTIES_MAX * (CARD_NAME_MAX + 1) + 2];

	if (a->n_signed >= a->n_parties)
		return 0;
	snprintf(pat, sizeof pat, ",%s,", u->pr->name);
	snprintf(list, sizeof list, ",%s,", a->parties);
	if (strstr(list, pat))
		send_to(u->g, u->pr, a->doc, strlen(a->doc));
	return 0;
}

/* heard - a request from pr: offer it the unfinished agreements it is a
 * party to, at most every AGREE_PUSH_EVERY_MS. */
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
	if (store_agree_list(node_store(g->node), offer_row, &u) != ST_OK)
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

/* ---- the route ---- */

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

/* ---- the service ---- */

status
agree_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct agree **out)
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
	return http_route(l, HTTP_POST, "/v1/agreement", AGREE_BODY_MAX, serve_agreement, g);
}

status
agree_propose(struct agree *g, const char *payload, size_t n,
    char id[static STAMP_UUID_LEN], char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	struct buf doc, held;
	struct held h = { &held, 0, ST_OK };
	status rc;

	id[0] = '\0';
	buf_init(&doc, AGREE_BODY_MAX);
	buf_init(&held, AGREE_BODY_MAX);
	rc = agreement_sign(node_ident(g->node), payload, n, &doc, why);
	if (!rc)
		rc = agreement_verify(doc.p, doc.len, agree_key, g->node, &a, &sigs, why);
	if (!rc && store_agree_get(node_store(g->node), agreement_id(a), held_row, &h) == ST_OK) {
		rc = ST_EXISTS;
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %s is held already", agreement_id(a));
	}
	if (!rc)
		rc = keep(g, doc.p, doc.len, a, &sigs, why);
	if (!rc) {
		snprintf(id, STAMP_UUID_LEN, "%s", agreement_id(a));
		send_all(g, a, doc.p, doc.len);
	}
	agreement_free(a);
	buf_free(&doc);
	buf_free(&held);
	return rc;
}

status
agree_sign(struct agree *g, const char *id, char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	struct buf doc, held;
	struct held h = { &held, 0, ST_OK };
	status rc;

	buf_init(&doc, AGREE_BODY_MAX);
	buf_init(&held, AGREE_BODY_MAX);
	rc = store_agree_get(node_store(g->node), id, held_row, &h);
	if (rc == ST_NOTFOUND)
		snprintf(why, AGREEMENT_WHY_MAX, "no agreement %s is held (parley agreement list)",
		    id);
	if (!rc)
		rc = h.rc;
	if (!rc)
		rc = agreement_countersign(node_ident(g->node), held.p, held.len, agree_key, g->node,
		    &doc, why);
	if (!rc)
		rc = agreement_verify(doc.p, doc.len, agree_key, g->node, &a, &sigs, why);
	if (!rc)
		rc = keep(g, doc.p, doc.len, a, &sigs, why);
	if (!rc)
		send_all(g, a, doc.p, doc.len);
	agreement_free(a);
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
