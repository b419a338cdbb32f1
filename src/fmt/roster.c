/* roster.c - a watch desk's roster of shifts (roster.h).
 *
 * The shifts are held sorted by start, so the questions a desk asks often
 * (who is on duty now, who comes next) are a binary search and a short
 * walk: a shift covering now started at most ROSTER_SHIFT_MAX_MS before.
 *
 * SECURITY: a roster comes from a person's file; it is read with jansson
 * (a member twice refused, so no two readers see two values), strictly
 * (an unknown member is refused), and nothing of it reaches a why but a
 * member's name, cut and shown as printable ASCII.  Sizes are bounded
 * before anything is allocated: ROSTER_BYTES_MAX of text, ROSTER_SHIFTS_MAX
 * shifts.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/card.h"
#include "fmt/roster.h"
#include "fmt/why.h"
#include "util/stamp.h"

_Static_assert(ROSTER_WHY_MAX == WHY_MAX, "roster's why is why.h's");
_Static_assert(ROSTER_OFFICER_MAX == CARD_NAME_MAX, "an officer's name is a card name");

struct roster {
	size_t n;
	struct roster_shift *shifts;	/* sorted: see cmp_shift */
};

static const char *const role_names[ROSTER_ROLES + 1] = { "duty", "supervisor", "head", NULL };

status
roster_role_parse(const char *s, enum roster_role *out)
{
	int i = why_index(s, role_names);

	if (i < 0)
		return ST_PARSE;
	*out = (enum roster_role)i;
	return ST_OK;
}

const char *
roster_role_name(enum roster_role r)
{
	return (unsigned)r < ROSTER_ROLES ? role_names[r] : "?";
}

/* ---- reading ---------------------------------------------------------- */

/* A shift while the roster is read, with its place in the file. */
struct item {
	struct roster_shift s;
	size_t at;
};

/* cmp_shift - the roster's order: start, role, officer, end. */
static int
cmp_shift(const struct roster_shift *a, const struct roster_shift *b)
{
	int c;

	if (a->start_ms != b->start_ms)
		return a->start_ms < b->start_ms ? -1 : 1;
	if (a->role != b->role)
		return a->role < b->role ? -1 : 1;
	c = strcmp(a->officer, b->officer);
	if (c)
		return c;
	if (a->end_ms != b->end_ms)
		return a->end_ms < b->end_ms ? -1 : 1;
	return 0;
}

/* cmp_item - the roster's order, then the file's (so equal shifts lie
 * together, the earliest in the file first). */
static int
cmp_item(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c = cmp_shift(&a->s, &b->s);

	return c ? c : a->at < b->at ? -1 : a->at > b->at;
}

static status
shift(const json_t *v, const char *path, struct roster_shift *s, char *why)
{
	static const char *const allowed[] = { "officer", "role", "start", "end", NULL };
	char p[WHY_PATH_MAX];
	const json_t *m;
	int role;
	status rc;

	rc = why_members(v, path, allowed, why);
	if (!rc)
		rc = why_need(v, path, "officer", &m, p, why);
	if (rc)
		return rc;
	if (!json_is_string(m))
		return why_fail(why, WHY_MAX, ST_INVALID, p, "not a string");
	if (!card_name_ok(json_string_value(m)) ||
	    strlen(json_string_value(m)) != json_string_length(m))
		return why_fail(why, WHY_MAX, ST_INVALID, p,
		    "not an officer's name ([a-z0-9][a-z0-9._-]{0,62})");
	memcpy(s->officer, json_string_value(m), json_string_length(m) + 1);
	rc = why_need(v, path, "role", &m, p, why);
	if (!rc)
		rc = why_choice(m, p, role_names, &role, why);
	if (rc)
		return rc;
	s->role = (enum roster_role)role;
	rc = why_need(v, path, "start", &m, p, why);
	if (!rc)
		rc = why_time(m, p, &s->start_ms, why);
	if (!rc)
		rc = why_need(v, path, "end", &m, p, why);
	if (!rc)
		rc = why_time(m, p, &s->end_ms, why);
	if (rc)
		return rc;
	if (s->end_ms <= s->start_ms)
		return why_fail(why, WHY_MAX, ST_INVALID, p, "not later than start");
	/* both are times stamp_parse read (years 0000..9999): no overflow */
	if (s->end_ms - s->start_ms > ROSTER_SHIFT_MAX_MS)
		return why_fail(why, WHY_MAX, ST_INVALID, p, "more than %lld days after start",
		    ROSTER_SHIFT_MAX_MS / 86400000);
	return ST_OK;
}

/* duplicate - items (sorted by cmp_item) hold two equal shifts: refuse the
 * one that comes first in the file after its equal, naming both. */
static status
duplicate(const struct item *it, size_t n, char *why)
{
	size_t later = SIZE_MAX, earlier = 0;
	char p[WHY_PATH_MAX], q[WHY_PATH_MAX];

	for (size_t i = 0; i + 1 < n; i++) {
		if (cmp_shift(&it[i].s, &it[i + 1].s) != 0)
			continue;
		/* i is the first of its run: the earliest of the equals in the file */
		if (it[i + 1].at < later) {
			earlier = it[i].at;
			later = it[i + 1].at;
		}
		while (i + 1 < n && cmp_shift(&it[i].s, &it[i + 1].s) == 0)
			i++;
	}
	if (later == SIZE_MAX)
		return ST_OK;
	why_path_idx(p, "shifts", later);
	why_path_idx(q, "shifts", earlier);
	return why_fail(why, WHY_MAX, ST_INVALID, p, "the same shift as %s", q);
}

static status
shifts(const json_t *root, struct roster *r, char *why)
{
	static const char *const allowed[] = { "shifts", NULL };
	char p[WHY_PATH_MAX], q[WHY_PATH_MAX];
	struct item *it;
	const json_t *v;
	size_t n;
	status rc;

	rc = why_members(root, "", allowed, why);
	if (!rc)
		rc = why_need(root, "", "shifts", &v, p, why);
	if (!rc)
		rc = why_array(v, p, 0, ROSTER_SHIFTS_MAX, why);
	if (rc)
		return rc;
	n = json_array_size(v);
	it = calloc(n ? n : 1, sizeof *it);
	r->shifts = calloc(n ? n : 1, sizeof *r->shifts);
	if (!it || !r->shifts) {
		free(it);
		return why_fail(why, WHY_MAX, ST_NOMEM, "(top)", "out of memory");
	}
	for (size_t i = 0; !rc && i < n; i++) {
		why_path_idx(q, p, i);
		it[i].at = i;
		rc = shift(json_array_get(v, i), q, &it[i].s, why);
	}
	if (!rc) {
		qsort(it, n, sizeof *it, cmp_item);
		rc = duplicate(it, n, why);
	}
	for (size_t i = 0; !rc && i < n; i++)
		r->shifts[i] = it[i].s;
	if (!rc)
		r->n = n;
	free(it);
	return rc;
}

static status
fill(const json_t *root, void *r, const void *ctx, char *why)
{
	(void)ctx;
	return shifts(root, r, why);
}

static void
release(void *r)
{
	roster_free(r);
}

status
roster_parse(const char *json, size_t n, struct roster **out, char why[static ROSTER_WHY_MAX])
{
	void *r;
	status rc = why_read(json, n, ROSTER_BYTES_MAX, sizeof **out, fill, NULL, release, &r,
	    why);

	*out = r;
	return rc;
}

void
roster_free(struct roster *r)
{
	if (!r)
		return;
	free(r->shifts);
	free(r);
}

/* ---- questions -------------------------------------------------------- */

size_t
roster_n_shifts(const struct roster *r)
{
	return r->n;
}

const struct roster_shift *
roster_shift_at(const struct roster *r, size_t i)
{
	return i < r->n ? &r->shifts[i] : NULL;
}

/* after - the index of the first shift that starts after t (r->n if none). */
static size_t
after(const struct roster *r, int64_t t)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->shifts[mid].start_ms <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
roster_on_duty(const struct roster *r, enum roster_role role, int64_t now_ms,
    const struct roster_shift **out, size_t cap)
{
	/* a shift that covers now started after now - ROSTER_SHIFT_MAX_MS */
	size_t i = now_ms < INT64_MIN + ROSTER_SHIFT_MAX_MS ? 0 :
	    after(r, now_ms - ROSTER_SHIFT_MAX_MS), end = after(r, now_ms), k = 0;

	for (; i < end; i++) {
		const struct roster_shift *s = &r->shifts[i];

		if (s->role != role || s->end_ms <= now_ms)
			continue;
		if (k < cap)
			out[k] = s;
		k++;
	}
	return k;
}

const struct roster_shift *
roster_next(const struct roster *r, enum roster_role role, int64_t now_ms)
{
	for (size_t i = after(r, now_ms); i < r->n; i++)
		if (r->shifts[i].role == role)
			return &r->shifts[i];
	return NULL;
}

/* ---- canonical text ----------------------------------------------------- */

status
roster_canon(const struct roster *r, struct buf *out)
{
	char start[STAMP_TIME_LEN], end[STAMP_TIME_LEN];
	json_t *root, *list = json_array();
	char *text = NULL;
	status rc;

	root = list ? json_pack("{s:o}", "shifts", list) : NULL;	/* steals list */
	for (size_t i = 0; root && i < r->n; i++) {
		const struct roster_shift *s = &r->shifts[i];

		stamp_format(s->start_ms, start);
		stamp_format(s->end_ms, end);
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "officer",
		    s->officer, "role", roster_role_name(s->role), "start", start, "end", end))) {
			json_decref(root);
			root = NULL;
		}
	}
	if (root)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(out, text);
	free(text);
	return rc;
}
