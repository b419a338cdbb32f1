/* escalation.c - an escalation plan (escalation.h).
 *
 * A step holds either a duration in seconds or a percentage, never a
 * time: when it is due depends on the item (its receipt, its deadline),
 * and escalation_due works that out in integers, saturating rather than
 * overflowing.
 *
 * SECURITY: a plan comes from a person's file; it is read with jansson (a
 * member twice refused), strictly (an unknown member is refused), and
 * nothing of it reaches a why but a member's name, cut and shown as
 * printable ASCII.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/duration.h"
#include "fmt/escalation.h"
#include "fmt/why.h"

_Static_assert(ESCALATION_WHY_MAX == WHY_MAX, "escalation's why is why.h's");
_Static_assert(ESCALATION_AFTER_MAX >= DURATION_TEXT_MAX, "room for a duration");

struct step {
	int percent;		/* 1..100; 0: a duration */
	int64_t seconds;	/* the duration, when percent is 0 */
	enum roster_role role;
	char after[ESCALATION_AFTER_MAX];	/* canonical */
};

struct escalation {
	size_t n;
	struct step steps[ESCALATION_STEPS_MAX];
};

/* percent - s as "N%", N 1..100 without sign or leading zero; 0 if not. */
static int
percent(const char *s)
{
	int v = 0, k = 0;

	if (*s == '0')
		return 0;
	for (; *s >= '0' && *s <= '9' && k < 3; s++, k++)
		v = v * 10 + (*s - '0');
	return k > 0 && s[0] == '%' && s[1] == '\0' && v <= 100 ? v : 0;
}

static status
after(const json_t *v, const char *p, struct step *s, char *why)
{
	const char *t;
	status rc;

	if (!json_is_string(v))
		return why_fail(why, WHY_MAX, ST_INVALID, p, "not a string");
	t = json_string_value(v);
	if (strlen(t) != json_string_length(v))
		return why_fail(why, WHY_MAX, ST_INVALID, p, "holds a NUL");
	if (strchr(t, '%')) {
		s->percent = percent(t);
		if (!s->percent)
			return why_fail(why, WHY_MAX, ST_INVALID, p,
			    "not a share of the deadline (1%% to 100%%, no leading zero)");
		snprintf(s->after, sizeof s->after, "%d%%", s->percent);
		return ST_OK;
	}
	rc = duration_parse(t, &s->seconds);
	if (rc == ST_INVALID)
		return why_fail(why, WHY_MAX, ST_INVALID, p, "longer than %lld days",
		    DURATION_MAX_S / 86400);
	if (rc)
		return why_fail(why, WHY_MAX, ST_INVALID, p, "not an ISO 8601 duration "
		    "(PnW or P[nD][T[nH][nM][nS]]) or a share of the deadline (N%%)");
	duration_format(s->seconds, s->after);
	return ST_OK;
}

static status
step(const json_t *v, const char *path, struct step *s, char *why)
{
	static const char *const allowed[] = { "after", "role", NULL };
	const char *roles[ROSTER_ROLES + 1];	/* roster.h's, for why_choice */
	char p[WHY_PATH_MAX];
	const json_t *m;
	int role;
	status rc;

	for (int k = 0; k < ROSTER_ROLES; k++)
		roles[k] = roster_role_name((enum roster_role)k);
	roles[ROSTER_ROLES] = NULL;

	rc = why_members(v, path, allowed, why);
	if (!rc)
		rc = why_need(v, path, "after", &m, p, why);
	if (!rc)
		rc = after(m, p, s, why);
	if (!rc)
		rc = why_need(v, path, "role", &m, p, why);
	if (!rc)
		rc = why_choice(m, p, roles, &role, why);
	if (!rc)
		s->role = (enum roster_role)role;
	return rc;
}

static status
steps(const json_t *root, struct escalation *e, char *why)
{
	static const char *const allowed[] = { "steps", NULL };
	char p[WHY_PATH_MAX], q[WHY_PATH_MAX], r[WHY_PATH_MAX];
	const json_t *v;
	status rc;

	rc = why_members(root, "", allowed, why);
	if (!rc)
		rc = why_need(root, "", "steps", &v, p, why);
	if (!rc)
		rc = why_array(v, p, 1, ESCALATION_STEPS_MAX, why);
	for (size_t i = 0; !rc && i < json_array_size(v); i++) {
		struct step *s = &e->steps[i];

		why_path_idx(q, p, i);
		rc = step(json_array_get(v, i), q, s, why);
		for (size_t j = 0; !rc && j < i; j++)
			if (e->steps[j].role == s->role && e->steps[j].percent == s->percent &&
			    e->steps[j].seconds == s->seconds) {
				why_path_idx(r, p, j);
				rc = why_fail(why, WHY_MAX, ST_INVALID, q, "the same step as %s", r);
			}
		e->n = i + 1;
	}
	return rc;
}

static status
fill(const json_t *root, void *e, const void *ctx, char *why)
{
	(void)ctx;
	return steps(root, e, why);
}

status
escalation_parse(const char *json, size_t n, struct escalation **out,
    char why[static ESCALATION_WHY_MAX])
{
	void *e;
	status rc = why_read(json, n, ESCALATION_BYTES_MAX, sizeof **out, fill, NULL, free, &e,
	    why);

	*out = e;
	return rc;
}

void
escalation_free(struct escalation *p)
{
	free(p);
}

size_t
escalation_n_steps(const struct escalation *p)
{
	return p->n;
}

enum roster_role
escalation_step_role(const struct escalation *p, size_t i)
{
	return p->steps[i].role;
}

const char *
escalation_step_after(const struct escalation *p, size_t i)
{
	return p->steps[i].after;
}

/* plus - a + b (b >= 0), INT64_MAX when it would pass it. */
static int64_t
plus(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* own - step s's own time into *t; 0 when it has none (a share of no
 * deadline). */
static int
own(const struct step *s, int64_t received_ms, int64_t ack_ms, int64_t *t)
{
	if (!s->percent) {
		/* seconds <= DURATION_MAX_S: the product fits */
		*t = plus(received_ms, s->seconds * 1000);
		return 1;
	}
	if (ack_ms < 0)
		return 0;
	/* ack_ms * N / 100 without the product: ack = 100q + r */
	*t = plus(received_ms, ack_ms / 100 * s->percent + ack_ms % 100 * s->percent / 100);
	return 1;
}

status
escalation_due(const struct escalation *p, size_t i, int64_t received_ms, int64_t ack_ms,
    int64_t *due_ms)
{
	int64_t due = INT64_MIN, t;
	int have = 0;

	if (i >= p->n)
		return ST_INVALID;
	for (size_t j = 0; j <= i; j++) {
		if (!own(&p->steps[j], received_ms, ack_ms, &t)) {
			if (j == i)
				return ST_NOTFOUND;
			continue;
		}
		if (!have || t > due)
			due = t;
		have = 1;
	}
	*due_ms = due;
	return ST_OK;
}

status
escalation_canon(const struct escalation *p, struct buf *out)
{
	json_t *root, *list = json_array();
	char *text = NULL;
	status rc;

	root = list ? json_pack("{s:o}", "steps", list) : NULL;	/* steals list */
	for (size_t i = 0; root && i < p->n; i++)
		if (json_array_append_new(list, json_pack("{s:s, s:s}", "after",
		    p->steps[i].after, "role", roster_role_name(p->steps[i].role)))) {
			json_decref(root);
			root = NULL;
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
