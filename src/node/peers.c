/* peers.c - the registry of pinned peers.
 *
 * An array of pointers in the order the store lists them (the order they
 * were pinned); a peer, once added, keeps its address until peers_free, so
 * services may hold pointers.  Lookups scan: at 1,000 peers a scan is a
 * few microseconds, well under one signature check.
 *
 * SECURITY: peers_pinned decides which TLS client keys get in; it compares
 * public keys only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/peers.h"

#define HOOKS_MAX PEERS_SLOTS

struct hook {
	struct peers_hooks h;
	void *arg;
};

struct peers {
	struct store *st;
	struct peer **v;
	size_t n, cap;
	struct peer **gone;	/* removed: kept until peers_free */
	size_t n_gone, cap_gone;
	struct hook hooks[HOOKS_MAX];
	int n_hooks;
};

/* grow - room for one more in *v (of *cap); 0 when out of memory. */
static int
grow(struct peer ***v, size_t n, size_t *cap)
{
	size_t c = *cap ? *cap * 2 : 16;
	struct peer **nv;

	if (n < *cap)
		return 1;
	if (!(nv = realloc(*v, c * sizeof *nv)))
		return 0;
	*v = nv;
	*cap = c;
	return 1;
}

status
peers_new(struct store *st, struct peers **out)
{
	struct peers *ps = calloc(1, sizeof *ps);
	status rc;

	*out = NULL;
	if (!ps)
		return ST_NOMEM;
	ps->st = st;
	rc = peers_reload(ps);
	if (rc) {
		peers_free(ps);
		return rc;
	}
	*out = ps;
	return ST_OK;
}

void
peers_free(struct peers *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i]);
	for (size_t i = 0; i < ps->n_gone; i++)
		free(ps->gone[i]);
	free(ps->v);
	free(ps->gone);
	free(ps);
}

/* What the store lists now, read before anything changes. */
struct load {
	struct peer *v;
	size_t n, cap;
	status rc;
};

static void
fill(struct peer *p, const struct store_peer *sp)
{
	p->id = sp->id;
	memcpy(p->pk, sp->pk, IDENT_PK_LEN);
	snprintf(p->name, sizeof p->name, "%s", sp->name);
	snprintf(p->kid, sizeof p->kid, "%s", sp->kid);
	snprintf(p->endpoints, sizeof p->endpoints, "%s", sp->endpoint);
	snprintf(p->links, sizeof p->links, "%s", sp->links);
	card_origin(sp->name, sp->kid, p->origin);
}

static int
load_one(void *arg, const struct store_peer *sp)
{
	struct load *ld = arg;

	if (ld->n == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 16;
		struct peer *v = realloc(ld->v, cap * sizeof *v);

		if (!v) {
			ld->rc = ST_NOMEM;
			return 1;
		}
		ld->v = v;
		ld->cap = cap;
	}
	memset(&ld->v[ld->n], 0, sizeof ld->v[ld->n]);
	fill(&ld->v[ld->n++], sp);
	return 0;
}

/* listed - the entry of ld with p's key and row, or NULL. */
static const struct peer *
listed(const struct load *ld, const struct peer *p)
{
	for (size_t i = 0; i < ld->n; i++)
		if (ld->v[i].id == p->id && memcmp(ld->v[i].pk, p->pk, IDENT_PK_LEN) == 0)
			return &ld->v[i];
	return NULL;
}

/* drop - p is no longer pinned: services let go, then it leaves the list. */
static status
drop(struct peers *ps, size_t i)
{
	struct peer *p = ps->v[i];

	if (!grow(&ps->gone, ps->n_gone, &ps->cap_gone))
		return ST_NOMEM;
	for (int k = 0; k < ps->n_hooks; k++)
		if (ps->hooks[k].h.removed)
			ps->hooks[k].h.removed(ps->hooks[k].arg, p);
	memmove(&ps->v[i], &ps->v[i + 1], (ps->n - i - 1) * sizeof *ps->v);
	ps->n--;
	ps->gone[ps->n_gone++] = p;
	return ST_OK;
}

status
peers_reload(struct peers *ps)
{
	struct load ld = { NULL, 0, 0, ST_OK };
	status rc = store_peer_list(ps->st, load_one, &ld);

	if (!rc)
		rc = ld.rc;
	/* removals first: a pin whose key was replaced goes before its
	 * successor of the same name arrives */
	for (size_t i = ps->n; !rc && i-- > 0;)
		if (!listed(&ld, ps->v[i]))
			rc = drop(ps, i);
	for (size_t j = 0; !rc && j < ld.n; j++) {
		struct peer *p = peers_by_key(ps, ld.v[j].pk);
		int moved;

		if (p) {
			moved = strcmp(p->endpoints, ld.v[j].endpoints) != 0;
			memcpy(p->name, ld.v[j].name, sizeof p->name);
			memcpy(p->endpoints, ld.v[j].endpoints, sizeof p->endpoints);
			memcpy(p->links, ld.v[j].links, sizeof p->links);
			memcpy(p->origin, ld.v[j].origin, sizeof p->origin);
			for (int k = 0; moved && !rc && k < ps->n_hooks; k++)
				if (ps->hooks[k].h.changed)
					rc = ps->hooks[k].h.changed(ps->hooks[k].arg, p);
			continue;
		}
		if (!grow(&ps->v, ps->n, &ps->cap) || !(p = malloc(sizeof *p))) {
			rc = ST_NOMEM;
			break;
		}
		*p = ld.v[j];
		ps->v[ps->n++] = p;
		for (int k = 0; !rc && k < ps->n_hooks; k++)
			if (ps->hooks[k].h.added)
				rc = ps->hooks[k].h.added(ps->hooks[k].arg, p);
	}
	free(ld.v);
	return rc;
}

status
peers_hook(struct peers *ps, const struct peers_hooks *h, void *arg, int *slot)
{
	status rc;

	if (ps->n_hooks == HOOKS_MAX)
		return ST_TOOBIG;
	*slot = ps->n_hooks;
	ps->hooks[ps->n_hooks++] = (struct hook){ *h, arg };
	for (size_t i = 0; h->added && i < ps->n; i++)
		if ((rc = h->added(arg, ps->v[i])) != ST_OK)
			return rc;
	return ST_OK;
}

size_t
peers_count(const struct peers *ps)
{
	return ps->n;
}

struct peer *
peers_at(struct peers *ps, size_t i)
{
	return i < ps->n ? ps->v[i] : NULL;
}

struct peer *
peers_by_key(struct peers *ps, const uint8_t pk[IDENT_PK_LEN])
{
	for (size_t i = 0; i < ps->n; i++)
		if (memcmp(ps->v[i]->pk, pk, IDENT_PK_LEN) == 0)
			return ps->v[i];
	return NULL;
}

struct peer *
peers_by_name(struct peers *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i]->name, name) == 0)
			return ps->v[i];
	return NULL;
}

struct peer *
peers_by_id(struct peers *ps, int64_t id)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i]->id == id)
			return ps->v[i];
	return NULL;
}

int
peers_pinned(void *arg, const uint8_t pk[IDENT_PK_LEN])
{
	return peers_by_key(arg, pk) != NULL;
}

void
peers_heard(struct peers *ps, struct peer *p)
{
	for (int i = 0; i < ps->n_hooks; i++)
		if (ps->hooks[i].h.heard)
			ps->hooks[i].h.heard(ps->hooks[i].arg, p);
}
