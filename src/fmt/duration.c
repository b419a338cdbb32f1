/* duration.c - ISO 8601 durations of fixed length: a cursor parser.
 *
 * SECURITY: every number is at most 9 digits and the sum is checked against
 * DURATION_MAX_S, so no input overflows int64_t.
 */
#include <stdio.h>
#include <string.h>

#include "fmt/duration.h"

#define DIGITS_MAX 9

/* number - read 1..DIGITS_MAX digits at *p into *v, then the designator
 * that must follow; the cursor moves past it.  0 when there is no number;
 * -1 when a number is there but malformed (too long, no designator). */
static int
number(const char **p, int64_t *v, char *designator)
{
	const char *q = *p;
	int64_t n = 0;
	int k = 0;

	while (*q >= '0' && *q <= '9') {
		if (++k > DIGITS_MAX)
			return -1;
		n = n * 10 + (*q++ - '0');
	}
	if (k == 0)
		return 0;
	if (!strchr("WDHMS", *q) || *q == '\0')
		return -1;
	*designator = *q++;
	*v = n;
	*p = q;
	return 1;
}

status
duration_parse(const char *s, int64_t *seconds)
{
	/* the designators in the order they may come, with their seconds */
	static const char order[] = "DHMS";
	static const int64_t unit[] = { 86400, 3600, 60, 1 };
	const char *p = s;
	int64_t total = 0, v;
	int next = 0, comps = 0, in_time = 0, r;
	char d;

	if (*p++ != 'P')
		return ST_PARSE;
	r = number(&p, &v, &d);
	if (r < 0)
		return ST_PARSE;
	if (r > 0 && d == 'W') {
		if (*p != '\0')
			return ST_PARSE;	/* weeks stand alone */
		total = v * 7 * 86400;
		goto done;
	}
	for (;;) {
		const char *at;
		int i;

		if (r == 0) {
			if (*p == 'T' && !in_time) {
				p++;
				in_time = 1;
				r = number(&p, &v, &d);
				if (r <= 0)
					return ST_PARSE;	/* "T" needs a component */
				continue;
			}
			break;
		}
		at = strchr(order, d);
		if (!at || d == 'W')
			return ST_PARSE;
		i = (int)(at - order);
		/* D before T only; H, M, S after T only; each once, in order */
		if (i < next || (i == 0) == in_time)
			return ST_PARSE;
		next = i + 1;
		comps++;
		total += v * unit[i];
		r = number(&p, &v, &d);
		if (r < 0)
			return ST_PARSE;
	}
	if (*p != '\0' || comps == 0)
		return ST_PARSE;
done:
	if (total > DURATION_MAX_S)
		return ST_INVALID;
	*seconds = total;
	return ST_OK;
}

void
duration_format(int64_t seconds, char out[static DURATION_TEXT_MAX])
{
	int64_t s = seconds < 0 ? 0 : seconds > DURATION_MAX_S ? DURATION_MAX_S : seconds;
	long long d = (long long)(s / 86400), h = (long long)(s / 3600 % 24),
	    m = (long long)(s / 60 % 60), sec = (long long)(s % 60);
	size_t n;

	if (s == 0) {
		snprintf(out, DURATION_TEXT_MAX, "PT0S");
		return;
	}
	n = (size_t)snprintf(out, DURATION_TEXT_MAX, "P");
	if (d)
		n += (size_t)snprintf(out + n, DURATION_TEXT_MAX - n, "%lldD", d);
	if (h || m || sec)
		n += (size_t)snprintf(out + n, DURATION_TEXT_MAX - n, "T");
	if (h)
		n += (size_t)snprintf(out + n, DURATION_TEXT_MAX - n, "%lldH", h);
	if (m)
		n += (size_t)snprintf(out + n, DURATION_TEXT_MAX - n, "%lldM", m);
	if (sec)
		snprintf(out + n, DURATION_TEXT_MAX - n, "%lldS", sec);
}
