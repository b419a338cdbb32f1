/* tz.h - time zones, for showing times to people: a desk's zone, a
 * peer's.  Deadlines and shifts are kept in UTC milliseconds and never
 * computed in a zone, so a daylight-saving change moves none of them; a
 * zone only changes how a time is written for a person.
 *
 * Zones are the IANA names of the system's tz database
 * (/usr/share/zoneinfo, Debian's tzdata), plus "UTC".
 */
#ifndef PARLEY_TZ_H
#define PARLEY_TZ_H

#include <stdint.h>

#include "util/status.h"

#define TZ_NAME_MAX 64		/* bytes of a zone name, without the NUL */
#define TZ_LOCAL_LEN 64		/* "2026-11-26 23:40:05 CET (UTC+01:00)" + NUL, and room */

/* tz_name_ok - 1 when s has the shape of a zone name: "UTC", or segments
 * of [A-Za-z0-9_+-] (none "." or "..", the first not starting with '-')
 * joined by '/', at most TZ_NAME_MAX bytes.  Pure: says nothing of
 * whether the zone exists (tz_known). */
int tz_name_ok(const char *s);
/* tz_known - 1 when s is tz_name_ok and the system's tz database holds it
 * (a TZif file), or s is "UTC". */
int tz_known(const char *s);
/* tz_local - ms written as a local time in zone (a tz_known name):
 * "YYYY-MM-DD HH:MM:SS ABBR (UTC+HH:MM)".  ST_INVALID (out "") for a
 * zone not tz_known.  Not thread-safe (it sets TZ for the call and puts
 * it back); parley's programs have one thread. */
status tz_local(int64_t ms, const char *zone, char out[static TZ_LOCAL_LEN]) WUR;

#endif
