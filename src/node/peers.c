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
	peers_added_fn added;
	peers_heard_fn heard;
	void *arg;
};

struct peers {
	struct store *st;
	struct peer **v;
	size_t n, cap;
	struct hook hooks[HOOKS_MAX];
	int n_hooks;
};

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
	free(ps->v);
	free(ps);
}

struct load {
	struct peers *ps;
	status rc;
};

static void
fill(struct peer *p, const struct store_peer *sp)
{
	p->id = sp->id;
	memcpy(p->pk, sp->pk, IDENT_PK_LEN);
	snprintf(p->name, sizeof p->name, "%s", sp->name);
	snprintf(p->kid, sizeof p->kid, "%s", sp->kid);
	snprintf(p->endpoint, sizeof p->endpoint, "%s", sp->endpoint);
	snprintf(p->links, sizeof p->links, "%s", sp->links);
	card_origin(sp->name, sp->kid, p->origin);
}

static int
load_one(void *arg, const struct store_peer *sp)
{
	struct load *ld = arg;
	struct peers *ps = ld->ps;
	struct peer *p = peers_by_key(ps, sp->pk);

	if (p) {
		fill(p, sp);
		return 0;
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		struct peer **v = realloc(ps->v, cap * sizeof *v);

		if (!v) {
			ld->rc = ST_NOMEM;
			return 1;
		}
		ps->v = v;
		ps->cap = cap;
	}
	p = calloc(1, sizeof *p);
	if (!p) {
		ld->rc = ST_NOMEM;
		return 1;
	}
	fill(p, sp);
	ps->v[ps->n++] = p;
	for (int i = 0; i < ps->n_hooks; i++)
		if (ps->hooks[i].added && (ld->rc = ps->hooks[i].added(ps->hooks[i].arg, p)) != ST_OK)
			return 1;
	return 0;
}

status
peers_reload(struct peers *ps)
{
	struct load ld = { ps, ST_OK };
	status rc = store_peer_list(ps->st, load_one, &ld);

	return rc ? rc : ld.rc;
}

status
peers_hook(struct peers *ps, peers_added_fn added, peers_heard_fn heard, void *arg,
    int *slot)
{
	status rc;

	if (ps->n_hooks == HOOKS_MAX)
		return ST_TOOBIG;
	*slot = ps->n_hooks;
	ps->hooks[ps->n_hooks++] = (struct hook){ added, heard, arg };
	for (size_t i = 0; added && i < ps->n; i++)
		if ((rc = added(arg, ps->v[i])) != ST_OK)
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
peers_agreed(const struct peer *p, const char *link)
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
peers_pinned(void *arg, const uint8_t pk[IDENT_PK_LEN])
{
	return peers_by_key(arg, pk) != NULL;
}

void
peers_heard(struct peers *ps, struct peer *p)
{
	for (int i = 0; i < ps->n_hooks; i++)
		if (ps->hooks[i].heard)
			ps->hooks[i].heard(ps->hooks[i].arg, p);
}
