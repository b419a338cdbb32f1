/* fuzz_roster.c - rosters as roster_parse reads them: besides memory
 * safety it checks that every why is printable ASCII and set exactly when
 * the roster is refused, with a status the contract names; that a roster
 * read is sorted and its canonical text reads back to the same text; and
 * that roster_on_duty and roster_next agree with a walk over every shift
 * at each shift's edges. */
#include "fuzz_common.h"
#include "fmt/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
why_ok(status rc, const char *why)
{
	for (const char *p = why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (strlen(why) >= ROSTER_WHY_MAX)
		abort();
	if (rc == ST_OK ? why[0] != '\0' : why[0] == '\0' || (rc != ST_PARSE &&
	    rc != ST_INVALID && rc != ST_TOOBIG && rc != ST_NOMEM))
		abort();
}

/* check_at - roster_on_duty and roster_next at t, against a full walk. */
static void
check_at(const struct roster *r, int64_t t)
{
	const struct roster_shift *out[4], *next;
	size_t n = roster_n_shifts(r);

	for (int role = 0; role <= ROSTER_ROLES; role++) {
		size_t want = 0, got;
		const struct roster_shift *want_next = NULL;

		for (size_t i = 0; i < n; i++) {
			const struct roster_shift *s = roster_shift_at(r, i);

			if ((int)s->role != role)
				continue;
			if (s->start_ms <= t && t < s->end_ms)
				want++;
			if (!want_next && s->start_ms > t)
				want_next = s;
		}
		got = roster_on_duty(r, (enum roster_role)role, t, out, 4);
		if (got != want)
			abort();
		for (size_t i = 0; i < got && i < 4; i++)
			if ((int)out[i]->role != role || out[i]->start_ms > t || out[i]->end_ms <= t ||
			    (i && out[i] < out[i - 1]))
				abort();
		next = roster_next(r, (enum roster_role)role, t);
		if (next != want_next)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[ROSTER_WHY_MAX];
	struct roster *r, *back;
	struct buf a, b;
	status rc;

	rc = roster_parse((const char *)data, size, &r, why);
	why_ok(rc, why);
	if (rc) {
		if (r)
			abort();
		return 0;
	}
	for (size_t i = 0; i < roster_n_shifts(r); i++) {
		const struct roster_shift *s = roster_shift_at(r, i), *p;

		if (s->end_ms <= s->start_ms || s->end_ms - s->start_ms > ROSTER_SHIFT_MAX_MS ||
		    (unsigned)s->role >= ROSTER_ROLES)
			abort();
		p = i ? roster_shift_at(r, i - 1) : NULL;
		if (p && (p->start_ms > s->start_ms || (p->start_ms == s->start_ms &&
		    p->role > s->role)))
			abort();
		if (i < 16) {
			check_at(r, s->start_ms - 1);
			check_at(r, s->start_ms);
			check_at(r, s->end_ms - 1);
			check_at(r, s->end_ms);
		}
	}
	buf_init(&a, ROSTER_BYTES_MAX);
	buf_init(&b, ROSTER_BYTES_MAX);
	if (roster_canon(r, &a) != ST_OK ||
	    roster_parse(a.p, a.len, &back, why) != ST_OK ||
	    roster_n_shifts(back) != roster_n_shifts(r) ||
	    roster_canon(back, &b) != ST_OK || a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	roster_free(back);
	buf_free(&a);
	buf_free(&b);
	roster_free(r);
	return 0;
}
