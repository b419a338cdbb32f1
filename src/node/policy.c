/* policy.c - the agreements in force (policy.h).
 *
 * SECURITY: what is checked here is what the node agreed to, read from its
 * own store, never from the message: a message names an agreement, and
 * the terms are looked up by that id in this node's copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/deskmsg.h"
#include "node/policy.h"
#include "store/store_peer.h"

/* One held agreement: its row's scalars (the strings left out) and its
 * parsed payload. */
struct entry {
	char id[STAMP_UUID_LEN];
	struct store_agree row;
	struct agreement *a;
	const char *supersedes;	/* a's, or NULL */
	size_t next;		/* the held agreement, signed by all, superseding
				 * this one (policy_reload finds it), or SIZE_MAX */
};

/* One pin's local agreement. */
struct local {
	char kid[IDENT_KID_LEN];
	char links[256];
};

struct policy {
	struct store *st;
	char self[IDENT_KID_LEN];
	size_t max_body;
	struct entry *v;
	size_t n;
	struct local *loc;
	size_t n_loc;
};

const char *
policy_state(const struct store_agree *a, int64_t now_ms)
{
	if (a->declined_ms != 0)
		return "declined";
	if (a->n_signed < a->n_parties)
		return "proposed";
	if (now_ms < a->effective_ms)
		return "signed";
	if (now_ms >= a->superseded_ms)
		return "superseded";
	if (now_ms >= a->ends_ms)
		return "terminated";
	if (now_ms >= a->expires_ms)
		return "expired";
	return a->ends_ms != INT64_MAX ? "terminating" : "in force";
}

status
policy_new(struct store *st, const char *self_kid, size_t max_body, struct policy **out)
{
	struct policy *p = calloc(1, sizeof *p);
	status rc;

	*out = NULL;
	if (!p)
		return ST_NOMEM;
	p->st = st;
	snprintf(p->self, sizeof p->self, "%s", self_kid);
	p->max_body = max_body;
	rc = policy_reload(p);
	if (rc) {
		policy_free(p);
		return rc;
	}
	*out = p;
	return ST_OK;
}

static void
entries_free(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		agreement_free(v[i].a);
	free(v);
}

void
policy_free(struct policy *p)
{
	if (!p)
		return;
	entries_free(p->v, p->n);
	free(p->loc);
	free(p);
}

/* ---- loading ---- */

struct loading {
	struct entry *v;
	size_t n, cap;
	struct local *loc;
	size_t n_loc, cap_loc;
	status rc;
};

static int
agree_row(void *arg, const struct store_agree *r)
{
	struct loading *l = arg;
	char why[AGREEMENT_WHY_MAX];
	struct entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct entry *v = realloc(l->v, cap * sizeof *v);

		if (!v) {
			l->rc = ST_NOMEM;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	/* kept only after it verified: read, not verified again */
	if (agreement_read(r->doc, strlen(r->doc), &e->a, why) != ST_OK)
		return 0;	/* cannot be: the store's own; it binds nothing */
	snprintf(e->id, sizeof e->id, "%s", r->id);
	e->row = *r;
	e->row.id = e->id;
	/* the strings live only as long as the callback: none is kept */
	e->row.doc = e->row.title = e->row.parties = e->row.signed_by = NULL;
	e->row.supersedes = e->row.declined_by = NULL;
	e->supersedes = agreement_supersedes(e->a);
	l->n++;
	return 0;
}

static int
peer_row(void *arg, const struct store_peer *sp)
{
	struct loading *l = arg;

	if (!sp->links || !sp->links[0])
		return 0;
	if (l->n_loc == l->cap_loc) {
		size_t cap = l->cap_loc ? l->cap_loc * 2 : 16;
		struct local *v = realloc(l->loc, cap * sizeof *v);

		if (!v) {
			l->rc = ST_NOMEM;
			return 1;
		}
		l->loc = v;
		l->cap_loc = cap;
	}
	snprintf(l->loc[l->n_loc].kid, sizeof l->loc[0].kid, "%s", sp->kid);
	snprintf(l->loc[l->n_loc].links, sizeof l->loc[0].links, "%s", sp->links);
	l->n_loc++;
	return 0;
}

/* successors - each entry's next: the first held agreement, signed by
 * every party, that supersedes it.  Found once here, so that asking
 * whether an agreement has ended costs a walk, not a scan. */
static void
successors(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		v[i].next = SIZE_MAX;
		for (size_t j = 0; j < n && v[i].next == SIZE_MAX; j++)
			if (v[j].supersedes && strcmp(v[j].supersedes, v[i].id) == 0 &&
			    v[j].row.n_signed >= v[j].row.n_parties)
				v[i].next = j;
	}
}

status
policy_reload(struct policy *p)
{
	struct loading l;
	status rc;

	memset(&l, 0, sizeof l);
	rc = store_agree_list(p->st, agree_row, &l);
	if (!rc)
		rc = l.rc;
	if (!rc)
		rc = store_peer_list(p->st, peer_row, &l);
	if (!rc)
		rc = l.rc;
	if (rc) {
		entries_free(l.v, l.n);
		free(l.loc);
		return rc;
	}
	successors(l.v, l.n);
	entries_free(p->v, p->n);
	free(p->loc);
	p->v = l.v;
	p->n = l.n;
	p->loc = l.loc;
	p->n_loc = l.n_loc;
	return ST_OK;
}

/* ---- questions ---- */

/* in_term - every party signed, and now_ms within the term. */
static int
in_term(const struct entry *e, int64_t now_ms)
{
	const char *state = policy_state(&e->row, now_ms);

	return strcmp(state, "in force") == 0 || strcmp(state, "terminating") == 0;
}

/* binds - 1 when e names both this node and peer_kid as parties. */
static int
binds(const struct policy *p, const struct entry *e, const char *peer_kid)
{
	return agreement_party(e->a, p->self) && agreement_party(e->a, peer_kid) &&
	    strcmp(p->self, peer_kid) != 0;
}

static const struct entry *
by_id(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	return NULL;
}

/* successor - the agreement in force at now_ms that supersedes e (or one
 * that supersedes that, and so on: the last in its term), or NULL. */
static const struct entry *
successor(const struct policy *p, const struct entry *e, int64_t now_ms)
{
	const struct entry *found = NULL;

	for (int depth = 0; depth < 16 && e->next != SIZE_MAX; depth++) {
		e = &p->v[e->next];
		if (in_term(e, now_ms))
			found = e;
	}
	return found;
}

/* in_force - in its term and not superseded by one in force (policy.h):
 * once a successor is in force, the agreement it replaces has ended. */
static int
in_force(const struct policy *p, const struct entry *e, int64_t now_ms)
{
	return in_term(e, now_ms) && !successor(p, e, now_ms);
}

static const struct local *
local_of(const struct policy *p, const char *peer_kid)
{
	for (size_t i = 0; i < p->n_loc; i++)
		if (strcmp(p->loc[i].kid, peer_kid) == 0)
			return &p->loc[i];
	return NULL;
}

/* replaced_at - since when an agreement both signed has been in force
 * between this node and peer_kid at now_ms, as far as this node knows (its
 * effective time, or when its last signature was kept here, whichever is
 * later); INT64_MAX when none is: the local agreement stands. */
static int64_t
replaced_at(const struct policy *p, const char *peer_kid, int64_t now_ms)
{
	int64_t at = INT64_MAX;

	for (size_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->v[i];
		int64_t t = e->row.effective_ms > e->row.updated_ms ? e->row.effective_ms :
		    e->row.updated_ms;

		if (binds(p, e, peer_kid) && in_term(e, now_ms) && t < at)
			at = t;
	}
	return at;
}

static int
replaced(const struct policy *p, const char *peer_kid, int64_t now_ms)
{
	return replaced_at(p, peer_kid, now_ms) != INT64_MAX;
}

static int
has_link(const char *links, const char *link)
{
	size_t n = strlen(link);

	for (const char *s = links; *s;) {
		const char *e = strchr(s, ',');
		size_t k = e ? (size_t)(e - s) : strlen(s);

		if (k == n && memcmp(s, link, n) == 0)
			return 1;
		s += k + (e ? 1 : 0);
	}
	return 0;
}

void
policy_in_force(struct policy *p, const char *peer_kid, int64_t now_ms, policy_terms_fn fn,
    void *arg)
{
	for (size_t i = p->n; i-- > 0;) {
		const struct entry *e = &p->v[i];

		if (binds(p, e, peer_kid) && in_force(p, e, now_ms) && fn(arg, e->a))
			return;
	}
}

int
policy_carries(struct policy *p, const char *peer_kid, const char *link)
{
	const struct local *l = local_of(p, peer_kid);
	enum tlp t;

	if (l && has_link(l->links, link))
		return 1;
	for (size_t i = 0; i < p->n; i++)
		if (binds(p, &p->v[i], peer_kid) && agreement_tlp_max(p->v[i].a, link, &t) == ST_OK)
			return 1;
	return 0;
}

const char *
policy_local(struct policy *p, const char *peer_kid, int64_t now_ms)
{
	const struct local *l = local_of(p, peer_kid);

	return l && !replaced(p, peer_kid, now_ms) ? l->links : NULL;
}


/* local_allows - the local agreement's terms (policy.h). */
static status
local_allows(const struct policy *p, const char *links, const struct policy_msg *m,
    char why[static AGREEMENT_WHY_MAX])
{
	if (!has_link(links, m->link)) {
		snprintf(why, AGREEMENT_WHY_MAX, "the local agreement (links %s) does not name"
		    " link %s", links, m->link);
		return ST_LINK;
	}
	if (m->body_size > p->max_body) {
		snprintf(why, AGREEMENT_WHY_MAX, "the local agreement allows bodies up to"
		    " max_body, %zu bytes; the message body is %zu", p->max_body, m->body_size);
		return ST_LINK;
	}
	return ST_OK;
}

/* body_fits - a form on a link whose agreement lists its template must be
 * one (fmt/deskmsg.h), and a desk statement must be one, whatever the
 * agreement: ST_OK, or ST_INVALID with why. */
static status
body_fits(const struct agreement *a, const struct policy_msg *m,
    char why[static AGREEMENT_WHY_MAX])
{
	char w[DESKMSG_WHY_MAX];
	status rc = ST_OK;

	if (a && agreement_template_ok(a, m->link, m->type)) {
		struct deskmsg_form f;

		rc = deskmsg_form_read(m->type, m->body ? m->body : "", m->body ? m->body_size : 0,
		    &f, w);
		deskmsg_form_clear(&f);
		if (rc)
			snprintf(why, AGREEMENT_WHY_MAX, "not a form of template %s: %.*s", m->type,
			    AGREEMENT_WHY_MAX - 64, w);
	} else if (deskmsg_statement_type(m->type)) {
		struct deskmsg_stmt st;

		rc = deskmsg_stmt_read(m->type, m->body ? m->body : "", m->body ? m->body_size : 0,
		    &st, w);
		if (rc)
			snprintf(why, AGREEMENT_WHY_MAX, "not a %s statement: %.*s", m->type,
			    AGREEMENT_WHY_MAX - 64, w);
	}
	return rc ? ST_INVALID : ST_OK;
}

status
policy_send(struct policy *p, const char *peer_kid, const struct policy_msg *m,
    int64_t now_ms, char agreement[static STAMP_UUID_LEN], char tlp[static TLP_NAME_MAX],
    char why[static AGREEMENT_WHY_MAX])
{
	const struct entry *best = NULL, *named = NULL;
	const char *links;
	enum tlp t = TLP_AMBER;
	char first[AGREEMENT_WHY_MAX] = "";
	status rc = ST_NOTFOUND;

	agreement[0] = tlp[0] = why[0] = '\0';
	if (m->tlp && tlp_parse(m->tlp, &t) != ST_OK) {
		snprintf(why, AGREEMENT_WHY_MAX, "not a TLP 2.0 label: TLP:CLEAR, TLP:GREEN,"
		    " TLP:AMBER, TLP:AMBER+STRICT or TLP:RED");
		return ST_INVALID;
	}
	if (m->agreement && strcmp(m->agreement, ENV_AGREEMENT_LOCAL) != 0) {
		named = by_id(p, m->agreement);
		if (!named || !binds(p, named, peer_kid) || !in_force(p, named, now_ms)) {
			snprintf(why, AGREEMENT_WHY_MAX, "agreement %.36s is not in force between"
			    " this node and the peer (parley agreement list)", m->agreement);
			return ST_NOTFOUND;
		}
	}
	/* the newest in force that allows it; else the newest one's refusal */
	for (size_t i = p->n; i-- > 0 && !(m->agreement && !named);) {
		const struct entry *e = &p->v[i];
		enum tlp max;
		char w[AGREEMENT_WHY_MAX];

		if ((named && e != named) || !binds(p, e, peer_kid) || !in_force(p, e, now_ms) ||
		    agreement_tlp_max(e->a, m->link, &max) != ST_OK)
			continue;
		if (agreement_allows(e->a, m->link, m->type, m->priority, m->body_size,
		    m->tlp ? t : max, w) == ST_OK && (!best ||
		    agreement_effective_ms(e->a) > agreement_effective_ms(best->a))) {
			best = e;
			if (!m->tlp)
				t = max;
		} else if (!first[0] && !best) {
			snprintf(first, sizeof first, "%s", w);
			rc = ST_LINK;
		}
	}
	if (best) {
		if (body_fits(best->a, m, why) != ST_OK)
			return ST_INVALID;
		snprintf(agreement, STAMP_UUID_LEN, "%s", best->id);
		snprintf(tlp, TLP_NAME_MAX, "%s", tlp_name(t));
		return ST_OK;
	}
	if (rc == ST_LINK) {
		memcpy(why, first, sizeof first);
		return ST_LINK;
	}
	links = named ? NULL : policy_local(p, peer_kid, now_ms);
	if (links) {
		rc = local_allows(p, links, m, why);
		if (!rc)
			rc = body_fits(NULL, m, why);
		if (!rc) {
			snprintf(agreement, STAMP_UUID_LEN, "%s", ENV_AGREEMENT_LOCAL);
			snprintf(tlp, TLP_NAME_MAX, "%s", tlp_name(t));
		}
		return rc;
	}
	snprintf(why, AGREEMENT_WHY_MAX, "no agreement in force with this peer names link %s"
	    " (parley agreement list; parley agreement draft PEER)", m->link);
	return ST_NOTFOUND;
}

status
policy_receive(struct policy *p, const char *peer_kid, const struct policy_msg *m,
    int64_t now_ms, char why[static AGREEMENT_WHY_MAX])
{
	const struct entry *e, *next;
	enum tlp t = TLP_AMBER;

	why[0] = '\0';
	if (m->tlp && tlp_parse(m->tlp, &t) != ST_OK) {
		snprintf(why, AGREEMENT_WHY_MAX, "the message's TLP label is not a TLP 2.0 one");
		return ST_BREACH;
	}
	if (!m->agreement || !m->agreement[0] || strcmp(m->agreement, ENV_AGREEMENT_LOCAL) == 0) {
		const struct local *l = local_of(p, peer_kid);

		/* sent, perhaps, before its sender learned of the agreement that
		 * replaced it: honoured on its terms for a while (policy.h) */
		if (!l || now_ms - replaced_at(p, peer_kid, now_ms) >= POLICY_LOCAL_GRACE_MS) {
			snprintf(why, AGREEMENT_WHY_MAX, "the message names %s, and no local"
			    " agreement with you is in force here", m->agreement && m->agreement[0] ?
			    "the local agreement" : "no agreement");
			return ST_BREACH;
		}
		if (local_allows(p, l->links, m, why))
			return ST_BREACH;
		return body_fits(NULL, m, why);
	}
	e = by_id(p, m->agreement);
	if (!e || e->row.n_signed < e->row.n_parties || now_ms < e->row.effective_ms) {
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %.36s is not in force here yet;"
		    " try again later", m->agreement);
		return ST_DOWN;
	}
	if (!binds(p, e, peer_kid)) {
		snprintf(why, AGREEMENT_WHY_MAX, "agreement %.36s does not bind you and this node",
		    m->agreement);
		return ST_BREACH;
	}
	if (!in_force(p, e, now_ms)) {
		next = successor(p, e, now_ms);
		if (!next || !binds(p, next, peer_kid)) {
			snprintf(why, AGREEMENT_WHY_MAX, "agreement %.36s is %s here", m->agreement,
			    next ? "superseded" : policy_state(&e->row, now_ms));
			return ST_BREACH;
		}
		e = next;
	}
	if (agreement_allows(e->a, m->link, m->type, m->priority, m->body_size, t, why))
		return ST_BREACH;
	return body_fits(e->a, m, why);
}

status
policy_deadline(struct policy *p, const char *agreement, const char *link, const char *priority,
    enum agreement_deadline_kind kind, int64_t *seconds)
{
	const struct entry *e = by_id(p, agreement);

	return e ? agreement_deadline(e->a, link, priority, kind, seconds) : ST_NOTFOUND;
}

status
policy_checks(struct policy *p, const char *peer_kid, int64_t now_ms,
    struct agreement_checks *out)
{
	const struct entry *best = NULL;
	struct agreement_checks c;

	for (size_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->v[i];

		if (binds(p, e, peer_kid) && in_force(p, e, now_ms) &&
		    agreement_checks(e->a, &c) == ST_OK && (!best ||
		    agreement_effective_ms(e->a) > agreement_effective_ms(best->a)))
			best = e;
	}
	return best ? agreement_checks(best->a, out) : ST_NOTFOUND;
}
