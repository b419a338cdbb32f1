/* tmpl.c - the steps of a reader that walks one of parley's templates.
 *
 * SECURITY: the text is untrusted.  Every step is bounded by t->end and
 * moves the cursor only when it took its piece whole; a step that does not
 * apply returns 0 and the caller gives the text to jansson, so these steps
 * never decide what is valid JSON, only recognise the plain cases of it
 * (fuzz_payload and fuzz_answer compare the readers built on them with
 * jansson).
 */
#include <string.h>

#include "fmt/tmpl.h"

size_t
tmpl_utf8(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t k;

	if (*p >= 0xc2 && *p <= 0xdf)
		k = 2, cp = *p & 0x1fu;
	else if (*p >= 0xe0 && *p <= 0xef)
		k = 3, cp = *p & 0x0fu;
	else if (*p >= 0xf0 && *p <= 0xf4)
		k = 4, cp = *p & 0x07u;
	else
		return 0;
	if ((size_t)(end - p) < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

int
tmpl_lit(struct tmpl *t, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(t->end - t->at) < n || memcmp(t->at, s, n) != 0)
		return 0;
	t->at += n;
	return 1;
}

int
tmpl_str(struct tmpl *t, const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)t->at;
	const unsigned char *e = (const unsigned char *)t->end, *start;
	size_t k;

	if (p == e || *p++ != '"')
		return 0;
	start = p;
	while (p < e && *p != '"') {
		if (*p < 0x20 || *p == '\\')
			return 0;	/* an escape, or not JSON */
		if (*p < 0x80)
			p++;
		else if ((k = tmpl_utf8(p, e)) != 0)
			p += k;
		else
			return 0;
	}
	if (p == e)
		return 0;
	*s = (const char *)start;
	*n = (size_t)(p - start);
	t->at = (const char *)p + 1;
	return 1;
}

int
tmpl_int(struct tmpl *t, int64_t *v)
{
	const char *p = t->at;
	int64_t x = 0;
	int k = 0;

	if (p == t->end || *p < '1' || *p > '9')
		return 0;
	for (; p < t->end && *p >= '0' && *p <= '9'; p++) {
		if (++k > 18)
			return 0;
		x = x * 10 + (*p - '0');
	}
	*v = x;
	t->at = p;
	return 1;
}

int
tmpl_done(const struct tmpl *t)
{
	return t->at == t->end;
}
