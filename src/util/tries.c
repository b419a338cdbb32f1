/* tries.c - failed attempts per key and their lock-out (tries.h).
 *
 * SECURITY: a stranger chooses the keys (names, addresses), so the table
 * is fixed in size and a flood of new keys only recycles slots; the
 * oldest locks go first, never a key locked for longer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tries.h"

struct try {
	char key[TRIES_KEY_MAX];
	int n;
	int64_t until_ms;	/* refused until then */
};

struct tries {
	size_t n;
	int free_fails;
	int64_t max_ms;
	struct try v[];
};

status
tries_new(size_t slots, int free_fails, int64_t max_ms, struct tries **out)
{
	struct tries *t = calloc(1, sizeof *t + slots * sizeof t->v[0]);

	*out = NULL;
	if (!t || !slots) {
		free(t);
		return ST_NOMEM;
	}
	t->n = slots;
	t->free_fails = free_fails;
	t->max_ms = max_ms;
	*out = t;
	return ST_OK;
}

void
tries_free(struct tries *t)
{
	free(t);
}

/* slot - key's slot, or one to reuse for it (cleared, key set). */
static struct try *
slot(struct tries *t, const char *key, int64_t now_ms)
{
	struct try *f = NULL;
	char k[TRIES_KEY_MAX];

	snprintf(k, sizeof k, "%s", key);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, k) == 0)
			return &t->v[i];
	for (size_t i = 0; i < t->n && !f; i++)
		if (!t->v[i].key[0])
			f = &t->v[i];	/* a free one */
	for (size_t i = 0; i < t->n && !f; i++)
		if (t->v[i].until_ms < now_ms)
			f = &t->v[i];	/* one no longer refused */
	if (!f) {	/* all refused now: the one refused for the least time */
		f = &t->v[0];
		for (size_t i = 1; i < t->n; i++)
			if (t->v[i].until_ms < f->until_ms)
				f = &t->v[i];
	}
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "%s", k);
	return f;
}

int64_t
tries_locked(struct tries *t, const char *key, int64_t now_ms)
{
	int64_t left = slot(t, key, now_ms)->until_ms - now_ms;

	return left > 0 ? left : 0;
}

void
tries_failed(struct tries *t, const char *key, int64_t now_ms)
{
	struct try *f = slot(t, key, now_ms);
	int64_t lock = 1000;

	if (++f->n > t->free_fails) {
		for (int i = t->free_fails; i < f->n && lock < t->max_ms; i++)
			lock *= 2;
		f->until_ms = now_ms + (lock < t->max_ms ? lock : t->max_ms);
	}
}

void
tries_clear(struct tries *t, const char *key)
{
	char k[TRIES_KEY_MAX];

	snprintf(k, sizeof k, "%s", key);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, k) == 0)
			t->v[i].n = 0;
}
