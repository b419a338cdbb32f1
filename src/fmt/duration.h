/* duration.h - ISO 8601 durations of fixed length (ISO 8601-1:2019 §5.5.2).
 *
 * The subset parley reads: "P" then either weeks alone ("P2W") or days and
 * a time part, each component at most once and in this order:
 *   P[nD][T[nH][nM][nS]]      e.g. P30D, PT10M, P1DT12H, PT0S
 * n is 1 to 9 decimal digits; there is at least one component, and a "T"
 * is followed by at least one.  Years and months are refused: they have no
 * fixed length in seconds, and a deadline must mean the same on every node.
 * No fractions, no signs, capitals only.  A day is 86,400 seconds (UTC, no
 * leap seconds), a week 7 days.
 */
#ifndef PARLEY_DURATION_H
#define PARLEY_DURATION_H

#include <stdint.h>

#include "util/status.h"

/* The longest duration read: 36,525 days (a hundred years of 365.25 days). */
#define DURATION_MAX_S (36525LL * 86400)
/* Room for duration_format's longest text, "P36525DT23H59M59S" + NUL. */
#define DURATION_TEXT_MAX 32

/* duration_parse - the length of the duration s in seconds into *seconds.
 * ST_PARSE (*seconds untouched) when s is not in the subset above;
 * ST_INVALID when it is but exceeds DURATION_MAX_S.  s is NUL-terminated. */
status duration_parse(const char *s, int64_t *seconds) WUR;
/* duration_format - write seconds (0..DURATION_MAX_S, clamped) as the
 * shortest duration of the subset: days, then T and hours, minutes,
 * seconds, zero components left out; 0 is "PT0S".  Never weeks. */
void duration_format(int64_t seconds, char out[static DURATION_TEXT_MAX]);

#endif
