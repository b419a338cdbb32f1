/* stamp.c - times and identifiers. */
#include <stdio.h>
#include <string.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/stamp.h"

int64_t
stamp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
stamp_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
stamp_mono_ms(void)
{
	return stamp_mono_us() / 1000;
}

/* civil_from_days - the date of day z since 1970-01-01 (Howard Hinnant's
 * algorithm, the inverse of stamp_days_from_civil). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* put - v as exactly n decimal digits at p (v < 10^n). */
static char *
put(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* The years 1970-9999: written by hand, since stamp_format runs several
 * times per message and gmtime_r takes a lock and snprintf parses its
 * format each time; test_stamp holds both ways to the same text. */
#define FAST_MS_END INT64_C(253402300800000)	/* 10000-01-01 */

void
stamp_format(int64_t ms, char out[static STAMP_TIME_LEN])
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	struct tm tm;

	if (ms >= 0 && ms < FAST_MS_END) {
		int64_t s = ms / 1000, day = s / 86400, sod = s % 86400;
		int y, mo, d;
		char *p = out;

		civil_from_days(day, &y, &mo, &d);
		p = put(p, y, 4);
		*p++ = '-';
		p = put(p, mo, 2);
		*p++ = '-';
		p = put(p, d, 2);
		*p++ = 'T';
		p = put(p, (int)(sod / 3600), 2);
		*p++ = ':';
		p = put(p, (int)(sod / 60 % 60), 2);
		*p++ = ':';
		p = put(p, (int)(sod % 60), 2);
		*p++ = '.';
		p = put(p, frac, 3);
		*p++ = 'Z';
		*p = '\0';
		return;
	}
	if (frac < 0) {
		frac += 1000;
		secs--;
	}
	char tmp[80];

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, frac);
	memcpy(out, tmp, STAMP_TIME_LEN - 1);
	out[STAMP_TIME_LEN - 1] = '\0';
}

/* digits - read n decimal digits at *p into *v; cursor advances. */
static int
digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		*v = *v * 10 + (c - '0');
	}
	*p += n;
	return 0;
}

static int
expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int64_t
stamp_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

status
stamp_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, se, frac = 0;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
	    expect(&p, '-') || digits(&p, 2, &d) || expect(&p, 'T') ||
	    digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) ||
	    expect(&p, ':') || digits(&p, 2, &se))
		return ST_PARSE;
	if (*p == '.') {
		p++;
		if (digits(&p, 3, &frac))
			return ST_PARSE;
	}
	if (expect(&p, 'Z') || *p != '\0')
		return ST_PARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
		return ST_PARSE;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return ST_PARSE;
	*ms = ((stamp_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 * 1000 +
	    (int64_t)se * 1000 + frac;
	return ST_OK;
}

/* random_bits - n (<= POOL) bytes from libsodium's generator, drawn 4 KiB
 * at a time: one getrandom() call per 256 identifiers instead of one each.
 * Identifiers are public, so holding their randomness a while hides
 * nothing; the pool is per thread (and parley never forks, which would
 * hand the same pool to two processes). */
#define POOL 4096

static void
random_bits(uint8_t *out, size_t n)
{
	static _Thread_local uint8_t pool[POOL];
	static _Thread_local size_t left;

	if (left < n) {
		randombytes_buf(pool, sizeof pool);
		left = sizeof pool;
	}
	memcpy(out, pool + sizeof pool - left, n);
	sodium_memzero(pool + sizeof pool - left, n);	/* each byte used once */
	left -= n;
}

void
stamp_uuid7(char out[static STAMP_UUID_LEN])
{
	uint8_t u[16];
	uint64_t ms = (uint64_t)stamp_now_ms();

	random_bits(u, sizeof u);
	for (int i = 0; i < 6; i++)
		u[i] = (uint8_t)(ms >> (40 - 8 * i));
	u[6] = (uint8_t)(0x70 | (u[6] & 0x0f));
	u[8] = (uint8_t)(0x80 | (u[8] & 0x3f));
	for (int i = 0, at = 0; i < 16; i++) {
		static const char hex[] = "0123456789abcdef";

		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[at++] = '-';
		out[at++] = hex[u[i] >> 4];
		out[at++] = hex[u[i] & 15];
	}
	out[STAMP_UUID_LEN - 1] = '\0';
}

int
stamp_is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[36] == '\0';
}
