/* roster.h - a watch desk's roster: who holds which role when (the file
 * of `parley roster set FILE`; docs/DESK_FILES.md).
 *
 *   {"shifts":[{"officer":"ana","role":"duty",
 *               "start":"2026-11-26T06:00:00Z","end":"2026-11-26T18:00:00Z"}]}
 *
 * Shifts are kept and computed in UTC milliseconds, never in a zone, so a
 * daylight-saving change moves none of them; a zone (util/tz.h) only
 * changes how a time is shown to a person.  This header also holds the
 * one list of officer roles (fmt/escalation names them too).  Pure: no I/O.
 */
#ifndef PARLEY_ROSTER_H
#define PARLEY_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

#define ROSTER_WHY_MAX 256
#define ROSTER_BYTES_MAX (2 * 1024 * 1024)	/* bytes of a roster file */
#define ROSTER_SHIFTS_MAX 10000
#define ROSTER_OFFICER_MAX 63			/* bytes of an officer's name (card_name_ok) */
#define ROSTER_SHIFT_MAX_MS (31LL * 86400 * 1000)	/* the longest shift: 31 days */

/* The officer roles, lowest first: the one definition. */
enum roster_role { ROSTER_DUTY, ROSTER_SUPERVISOR, ROSTER_HEAD, ROSTER_ROLES };

/* One shift: officer holds role from start_ms (inclusive) to end_ms
 * (exclusive), UTC milliseconds since the epoch. */
struct roster_shift {
	char officer[ROSTER_OFFICER_MAX + 1];
	enum roster_role role;
	int64_t start_ms, end_ms;
};

struct roster;	/* opaque */

/* roster_role_parse - "duty", "supervisor" or "head" (exactly) into *out;
 * ST_PARSE (*out untouched) else. */
status roster_role_parse(const char *s, enum roster_role *out) WUR;
/* roster_role_name - "duty", "supervisor", "head"; "?" out of range.
 * Static storage. */
const char *roster_role_name(enum roster_role r);

/* roster_parse - check the roster json[0..n) and give it in *out (the
 * caller's: roster_free).  Every member of the file and of each shift is
 * required and no other is allowed; 0..ROSTER_SHIFTS_MAX shifts (none
 * clears a roster); officer as card_name_ok reads a name; role as
 * roster_role_parse; start and end as stamp_parse reads a time, end later
 * than start by at most ROSTER_SHIFT_MAX_MS; a shift equal to an earlier
 * one in all four members is refused.  On failure *out is NULL and why
 * says "PATH: WHAT" in printable ASCII ("shifts[3].end: not later than
 * start"): ST_TOOBIG over ROSTER_BYTES_MAX, ST_PARSE for text that is not
 * a JSON object (or holds a member twice), ST_INVALID for a rule broken,
 * ST_NOMEM.  On success why is "". */
status roster_parse(const char *json, size_t n, struct roster **out,
    char why[static ROSTER_WHY_MAX]) WUR;
/* roster_free - release r; NULL is a no-op. */
void roster_free(struct roster *r);

/* roster_n_shifts - how many shifts r holds. */
size_t roster_n_shifts(const struct roster *r);
/* roster_shift_at - shift i (NULL past the end), borrowed from r.  Shifts
 * are sorted by start, then role, then officer, then end. */
const struct roster_shift *roster_shift_at(const struct roster *r, size_t i);

/* roster_on_duty - the shifts of role that cover now_ms (start_ms <=
 * now_ms < end_ms): the first cap of them, in roster order, into out
 * (borrowed from r; out may be NULL when cap is 0).  Returns how many
 * there are, all of them counted even beyond cap. */
size_t roster_on_duty(const struct roster *r, enum roster_role role, int64_t now_ms,
    const struct roster_shift **out, size_t cap);
/* roster_next - the earliest shift of role that starts after now_ms
 * (start_ms > now_ms; of several, the first in roster order), borrowed
 * from r; NULL when there is none. */
const struct roster_shift *roster_next(const struct roster *r, enum roster_role role,
    int64_t now_ms);

/* roster_canon - append r's canonical text to out: compact JSON, keys
 * sorted, shifts in roster order, times as stamp_format writes them.
 * roster_parse reads it back to the same roster, whose canonical text is
 * the same; the text of the largest roster fits ROSTER_BYTES_MAX.  A
 * store keeps this text.  ST_TOOBIG past out's maximum, ST_NOMEM; out is
 * unchanged on error. */
status roster_canon(const struct roster *r, struct buf *out) WUR;

#endif
