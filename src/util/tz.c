/* tz.c - time zones for people (tz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/tz.h"

#define TZ_DIR "/usr/share/zoneinfo/"

/* tz_name_ok - see tz.h. */
int
tz_name_ok(const char *s)
{
	size_t n, seg = 0;
	const char *p;

	if (!s || !*s || (n = strlen(s)) > TZ_NAME_MAX || s[0] == '/' || s[0] == '-' ||
	    s[n - 1] == '/')
		return 0;
	for (p = s; *p; p++) {
		if (*p == '/') {
			if (seg == 0 || (seg == 1 && p[-1] == '.') ||
			    (seg == 2 && p[-1] == '.' && p[-2] == '.'))
				return 0;
			seg = 0;
			continue;
		}
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-' || *p == '.'))
			return 0;
		seg++;
	}
	return !((seg == 1 && p[-1] == '.') || (seg == 2 && p[-1] == '.' && p[-2] == '.'));
}

/* tz_known - see tz.h.  A TZif file starts with the magic "TZif". */
int
tz_known(const char *s)
{
	char path[sizeof TZ_DIR + TZ_NAME_MAX], magic[4];
	FILE *f;
	int ok;

	if (!tz_name_ok(s))
		return 0;
	if (strcmp(s, "UTC") == 0)
		return 1;
	snprintf(path, sizeof path, TZ_DIR "%s", s);
	if (!(f = fopen(path, "rbe")))
		return 0;
	ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/* tz_local - see tz.h.  TZ is set to ":ZONE" (a file of the database, never
 * a POSIX rule string read from the name) and put back afterwards. */
status
tz_local(int64_t ms, const char *zone, char out[static TZ_LOCAL_LEN])
{
	char *old = getenv("TZ"), *saved = NULL, spec[TZ_NAME_MAX + 2], day[24], abbr[16];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	long off = 0;
	int ok;

	out[0] = '\0';
	if (!tz_known(zone))
		return ST_INVALID;
	if (old && !(saved = strdup(old)))
		return ST_NOMEM;
	snprintf(spec, sizeof spec, ":%s", zone);
	setenv("TZ", spec, 1);
	tzset();
	ok = localtime_r(&t, &tm) != NULL;
	if (ok) {
		strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm);
		strftime(abbr, sizeof abbr, "%Z", &tm);
		off = tm.tm_gmtoff;
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	if (!ok)
		return ST_INVALID;
	snprintf(out, TZ_LOCAL_LEN, "%s %s (UTC%c%02d:%02d)", day, abbr, off < 0 ? '-' : '+',
	    (int)(labs(off) / 3600 % 100), (int)(labs(off) % 3600 / 60));
	return ST_OK;
}
