/* stamp.h - times (RFC 3339 UTC, milliseconds) and identifiers (UUIDv7). */
#ifndef PARLEY_STAMP_H
#define PARLEY_STAMP_H

#include <stdint.h>

#include "util/status.h"

#define STAMP_TIME_LEN 25	/* "2026-11-22T10:00:00.123Z" + NUL */
#define STAMP_UUID_LEN 37	/* 8-4-4-4-12 + NUL */

/* stamp_now_ms - wall clock, milliseconds since the Unix epoch. */
int64_t stamp_now_ms(void);
/* stamp_mono_ms - monotonic clock in milliseconds, for deadlines and RTTs. */
int64_t stamp_mono_ms(void);
/* stamp_mono_us - monotonic clock in microseconds. */
int64_t stamp_mono_us(void);
/* stamp_format - write ms as RFC 3339 UTC with milliseconds. */
void stamp_format(int64_t ms, char out[static STAMP_TIME_LEN]);
/* stamp_parse - parse exactly "YYYY-MM-DDTHH:MM:SS[.fff]Z"; ST_PARSE otherwise. */
status stamp_parse(const char *s, int64_t *ms) WUR;
/* stamp_uuid7 - a new time-ordered UUIDv7 (RFC 9562), lowercase text. */
void stamp_uuid7(char out[static STAMP_UUID_LEN]);
/* stamp_is_uuid - 1 when s is a lowercase 8-4-4-4-12 hex UUID. */
int stamp_is_uuid(const char *s);

/* stamp_days_from_civil - days since 1970-01-01 of the proleptic
 * Gregorian date y-m-d (m 1-12, d 1-31; Howard Hinnant's algorithm). */
int64_t stamp_days_from_civil(int64_t y, int m, int d);

#endif
