/* checks.c - what the communication checks showed (checks.h).
 *
 * The figures are nearest-rank percentiles of every answered check of a
 * group (up to CHECKS_SAMPLES_MAX of each kind); the history keeps the
 * latest checks of each kind in a ring while the store's rows go by, and
 * merges the two by time at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk/checks.h"

/* A group as it is being counted. */
struct grp {
	struct checks_group g;	/* what checks_at gives */
	int64_t *rtt, *resp;	/* the figures, ms */
	size_t n_rtt, n_resp, cap_rtt, cap_resp;
	struct checks_point *ring[2];	/* the latest of each kind: machine, human */
	size_t ring_n[2], ring_next[2];
	struct checks_point *last;	/* the two merged, oldest first */
};

struct checks {
	struct grp *g;
	size_t n, cap;
	int64_t now;
	size_t keep;
};

status
checks_new(int64_t now_ms, size_t keep, struct checks **out)
{
	struct checks *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return ST_NOMEM;
	c->now = now_ms;
	c->keep = keep < CHECKS_KEEP_MAX ? keep : CHECKS_KEEP_MAX;
	*out = c;
	return ST_OK;
}

void
checks_free(struct checks *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->g[i].rtt);
		free(c->g[i].resp);
		free(c->g[i].ring[0]);
		free(c->g[i].ring[1]);
		free(c->g[i].last);
	}
	free(c->g);
	free(c);
}

/* group_of - the group of peer, out and path: the last one when it is
 * that (the rows come grouped), else a new one; NULL when out of memory. */
static struct grp *
group_of(struct checks *c, const char *peer, int out, int path)
{
	struct grp *g;

	if (c->n && strcmp(c->g[c->n - 1].g.peer, peer) == 0 && c->g[c->n - 1].g.out == out &&
	    c->g[c->n - 1].g.path == path)
		return &c->g[c->n - 1];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;

		if (!(g = realloc(c->g, cap * sizeof *g)))
			return NULL;
		c->g = g;
		c->cap = cap;
	}
	g = &c->g[c->n];
	memset(g, 0, sizeof *g);
	if (c->keep && (!(g->ring[0] = calloc(c->keep, sizeof *g->ring[0])) ||
	    !(g->ring[1] = calloc(c->keep, sizeof *g->ring[1])))) {
		free(g->ring[0]);
		return NULL;
	}
	c->n++;
	snprintf(g->g.peer, sizeof g->g.peer, "%s", peer);
	g->g.out = out;
	g->g.path = path;
	g->g.rtt_p50 = g->g.rtt_p99 = g->g.resp_p50 = g->g.resp_p90 = g->g.resp_max = -1;
	return g;
}

/* sample - add x to v[0..*n) (capacity *cap), up to CHECKS_SAMPLES_MAX. */
static status
sample(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
	if (*n >= CHECKS_SAMPLES_MAX)
		return ST_OK;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		int64_t *g = realloc(*v, ncap * sizeof *g);

		if (!g)
			return ST_NOMEM;
		*v = g;
		*cap = ncap;
	}
	(*v)[(*n)++] = x;
	return ST_OK;
}

status
checks_add(struct checks *c, const struct store_desk_item *it)
{
	struct grp *g = group_of(c, it->peer ? it->peer : "", it->out, it->out ? it->path : -1);
	struct checks_point p;
	int k = it->human ? 1 : 0;
	status rc = ST_OK;

	if (!g)
		return ST_NOMEM;
	memset(&p, 0, sizeof p);
	snprintf(p.msg, sizeof p.msg, "%s", it->msg ? it->msg : "");
	p.human = it->human;
	p.made_ms = it->made_ms;
	p.receipt_ms = it->receipt_ms;
	p.ack_ms = it->ack_ms;
	if (it->ack_ms && it->ack_officer)
		snprintf(p.ack_officer, sizeof p.ack_officer, "%s", it->ack_officer);
	p.ms = -1;
	p.outcome = CHECKS_PENDING;
	if (!it->human) {
		g->g.m_sent++;
		if (it->receipt_ms) {
			g->g.m_answered++;
			p.ms = it->receipt_ms - it->made_ms;
			p.outcome = CHECKS_ANSWERED;
			rc = sample(&g->rtt, &g->n_rtt, &g->cap_rtt, p.ms);
		}
	} else {
		g->g.h_sent++;
		if (it->ack_ms) {
			g->g.h_answered++;
			p.ms = it->ack_ms - it->receipt_ms;
			p.outcome = CHECKS_ANSWERED;
			rc = sample(&g->resp, &g->n_resp, &g->cap_resp, p.ms);
		} else if (it->overdue_ack_ms || (it->ack_due_ms && c->now >= it->ack_due_ms)) {
			g->g.h_missed++;
			p.outcome = CHECKS_MISSED;
		}
	}
	if (c->keep) {	/* the ring of kind k: its oldest gives way */
		g->ring[k][g->ring_next[k]] = p;
		g->ring_next[k] = (g->ring_next[k] + 1) % c->keep;
		if (g->ring_n[k] < c->keep)
			g->ring_n[k]++;
	}
	return rc;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* pct - the p-th percentile (nearest rank) of v[0..n), sorted; -1: none. */
static int64_t
pct(const int64_t *v, size_t n, int p)
{
	size_t k;

	if (!n)
		return -1;
	k = ((size_t)p * n + 99) / 100;
	return v[k ? k - 1 : 0];
}

/* ring_at - the i-th oldest point of ring k of g. */
static const struct checks_point *
ring_at(const struct checks *c, const struct grp *g, int k, size_t i)
{
	size_t first = g->ring_n[k] < c->keep ? 0 : g->ring_next[k];

	return &g->ring[k][(first + i) % c->keep];
}

/* history - merge g's two rings by time into g->last, the latest keep. */
static void
history(const struct checks *c, struct grp *g)
{
	size_t i = 0, j = 0, n = g->ring_n[0] + g->ring_n[1], skip;

	g->g.last = g->last;
	g->g.n_last = 0;
	if (!c->keep)
		return;
	skip = n > c->keep ? n - c->keep : 0;
	for (size_t o = 0; o < n; o++) {
		const struct checks_point *m = i < g->ring_n[0] ? ring_at(c, g, 0, i) : NULL;
		const struct checks_point *h = j < g->ring_n[1] ? ring_at(c, g, 1, j) : NULL;
		const struct checks_point *p = !h || (m && m->made_ms <= h->made_ms) ? m : h;

		if (p == m)
			i++;
		else
			j++;
		if (o >= skip)
			g->last[g->g.n_last++] = *p;
	}
}

status
checks_done(struct checks *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct grp *g = &c->g[i];

		if (g->n_rtt)
			qsort(g->rtt, g->n_rtt, sizeof *g->rtt, cmp64);
		if (g->n_resp)
			qsort(g->resp, g->n_resp, sizeof *g->resp, cmp64);
		g->g.rtt_p50 = pct(g->rtt, g->n_rtt, 50);
		g->g.rtt_p99 = pct(g->rtt, g->n_rtt, 99);
		g->g.resp_p50 = pct(g->resp, g->n_resp, 50);
		g->g.resp_p90 = pct(g->resp, g->n_resp, 90);
		g->g.resp_max = pct(g->resp, g->n_resp, 100);
		if (c->keep && !g->last && !(g->last = calloc(c->keep, sizeof *g->last)))
			return ST_NOMEM;
		history(c, g);
	}
	return ST_OK;
}

struct reading {
	struct checks *c;
	status rc;
};

static int
read_row(void *arg, const struct store_desk_item *it)
{
	struct reading *x = arg;

	x->rc = checks_add(x->c, it);
	return x->rc != ST_OK;
}

status
checks_read(struct checks *c, struct store *st, int64_t since_ms)
{
	struct reading x = { c, ST_OK };
	status rc = store_desk_checks(st, since_ms, read_row, &x);

	if (!rc)
		rc = x.rc;
	return rc ? rc : checks_done(c);
}

size_t
checks_n(const struct checks *c)
{
	return c ? c->n : 0;
}

const struct checks_group *
checks_at(const struct checks *c, size_t i)
{
	return c && i < c->n ? &c->g[i].g : NULL;
}
