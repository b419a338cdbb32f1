/* csaf.c - a CSAF 2.0 document read and validated (csaf.h, docs/CSAF.md).
 *
 * NAME
 *	csaf - read a CSAF 2.0 document, check it against the schema's rules
 *	and the mandatory tests of section 6.1
 *
 * DESCRIPTION
 *	One jansson parse, one walk for the limits (depth, array lengths),
 *	then the schema's rules from the shape tables below (section 3 of the
 *	standard written as C: types, required and unknown properties, enums,
 *	patterns, formats, minItems, uniqueItems), the CVSS objects by their
 *	own rules (6.1.8, and their scores computed again: 6.1.9, 6.1.10),
 *	and every other mandatory test, one function each, named for its
 *	number (t_6_1_1 ...).  The tests run even when the schema's rules
 *	fail, so one report names as much as it can; each test reads only
 *	values of the type it needs and passes over the others.
 *
 * SECURITY
 *	Everything here is a stranger's text.  It is parsed only by jansson
 *	(a member twice refuses the document); before any rule reads it, it
 *	is walked once under CSAF_DEPTH_MAX and CSAF_ITEMS_MAX, so every
 *	recursion below (branches) is bounded; the tests that pair values
 *	(duplicates, contradictions, groups expanded) sort instead of
 *	comparing every pair, and the products expanded from groups are
 *	bounded by EXPAND_MAX, so the work stays near the input's size.  A
 *	cycle of relationships is found with an explicit stack.  A problem
 *	quotes the document only through shown(): printable ASCII, cut.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "fmt/csaf.h"

#define SHOWN_MAX 48		/* bytes of document text quoted in a problem */
#define EXPAND_MAX 1000000u	/* product ids taken from groups, all tests together */

struct csaf {
	json_t *root;
	const char *id, *version, *title, *status, *category, *publisher, *ns, *lang, *tlp;
	int64_t initial_ms, current_ms;
	size_t n_products, n_vulns;
};

struct ctx {
	struct csaf_report *rep;
	const json_t *root, *doc, *tree, *vulns;
	size_t expanded;	/* against EXPAND_MAX */
	int nomem, toobig;
	struct ents *defs;	/* every product_id defined, i its order */
	struct ents *groups;	/* every group_id, i its index in product_groups */
	const json_t *group_arr;	/* product_tree.product_groups */
};

/* ---- problems and paths ---------------------------------------------- */

/* shown - s quoted for a problem: its first SHOWN_MAX bytes, each outside
 * printable ASCII (and each quote or backslash) as '?', "..." after a cut. */
static const char *
shown(const char *s, char out[static SHOWN_MAX + 8])
{
	size_t i, o = 0;

	out[o++] = '"';
	for (i = 0; s[i] && i < SHOWN_MAX; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') ? s[i] : '?';
	out[o++] = '"';
	if (s[i]) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static void
printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void prob(struct ctx *c, const char *test, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* prob - one problem found: counted, and kept while there is room. */
static void
prob(struct ctx *c, const char *test, const char *path, const char *fmt, ...)
{
	struct csaf_problem *p;
	va_list ap;

	c->rep->total++;
	if (c->rep->n >= CSAF_PROBLEMS_MAX)
		return;
	p = &c->rep->p[c->rep->n++];
	snprintf(p->test, sizeof p->test, "%s", test);
	snprintf(p->path, sizeof p->path, "%s", path);
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof p->what, fmt, ap);
	va_end(ap);
	printable(p->test);
	printable(p->path);
	printable(p->what);
}

/* path_put - parent then tail[0..n) into out, cut with "..." when too
 * long.  Paths are built for every value the walks pass, so without
 * printf. */
static void
path_putn(char out[static CSAF_PATH_MAX], const char *parent, const char *tail, size_t n)
{
	size_t pl = strlen(parent);

	if (pl + n >= CSAF_PATH_MAX) {
		if (pl > CSAF_PATH_MAX - 4)
			pl = CSAF_PATH_MAX - 4;
		n = CSAF_PATH_MAX - 4 - pl;
		if (out != parent)
			memmove(out, parent, pl);
		memcpy(out + pl, tail, n);
		memcpy(out + CSAF_PATH_MAX - 4, "...", 4);
		return;
	}
	if (out != parent)
		memmove(out, parent, pl);
	memcpy(out + pl, tail, n);
	out[pl + n] = '\0';
}

static void
path_put(char out[static CSAF_PATH_MAX], const char *parent, const char *tail)
{
	path_putn(out, parent, tail, strlen(tail));
}

/* path_key - parent.key ($ when parent is NULL), a key that is not a
 * plain name shown as ["..."]. */
static void
path_key(char out[static CSAF_PATH_MAX], const char *parent, const char *key)
{
	char tail[SHOWN_MAX + 16], q[SHOWN_MAX + 8];
	size_t n = 0;
	const char *k;

	for (k = key; *k && n < SHOWN_MAX; k++, n++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		    (*k >= '0' && *k <= '9') || *k == '_'))
			break;
	if (*k || !*key) {
		snprintf(tail, sizeof tail, "[%s]", shown(key, q));
		path_put(out, parent ? parent : "$", tail);
		return;
	}
	tail[0] = '.';
	memcpy(tail + 1, key, n);
	path_putn(out, parent ? parent : "$", tail, n + 1);
}

static void
path_idx(char out[static CSAF_PATH_MAX], const char *parent, size_t i)
{
	char tail[32], *p = tail + sizeof tail;

	*--p = ']';
	do {
		*--p = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	*--p = '[';
	path_putn(out, parent, p, (size_t)(tail + sizeof tail - p));
}

/* ---- small readers ---------------------------------------------------- */

static const char *
str_at(const json_t *o, const char *key)
{
	const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *
arr_at(const json_t *o, const char *key)
{
	const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

static const json_t *
obj_at(const json_t *o, const char *key)
{
	const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
is_alnum(char ch)
{
	return is_alpha(ch) || is_digit(ch);
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int
is_hex(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* digits - n digits at s into *v; 1 when they are there. */
static int
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* time_ms - an RFC 3339 date-time (JSON Schema's format "date-time"):
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), into milliseconds since
 * the epoch, UTC, and the nanoseconds past that millisecond (digits past
 * the nanosecond dropped).  1 when it is one. */
static int
time_sub(const char *s, int64_t *ms, int32_t *ns)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, frac = 0, nf = 0, sign = 0, leap;
	int32_t sub = 0;
	const char *p;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return 0;
	p = s + 19;
	if (*p == '.') {
		if (!is_digit(p[1]))
			return 0;
		for (p++; is_digit(*p); p++, nf++)
			if (nf < 3)
				frac = frac * 10 + (*p - '0');
			else if (nf < 9)
				sub = sub * 10 + (*p - '0');
		for (int k = nf; k < 3; k++)
			frac *= 10;
		for (int k = nf < 3 ? 3 : nf; k < 9; k++)
			sub *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
			return 0;
		p += 6;
	} else {
		return 0;
	}
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
		return 0;
	if (se == 60)
		se = 59;	/* a leap second: the same millisecond count as :59 */
	*ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + frac;
	*ms -= (int64_t)sign * ((int64_t)oh * 60 + om) * 60000;
	*ns = sub;
	return 1;
}

/* time_ms - time_sub without what is below the millisecond. */
static int
time_ms(const char *s, int64_t *ms)
{
	int32_t ns;

	return time_sub(s, ms, &ns);
}

/* uri_ok - an absolute URI (JSON Schema's format "uri", RFC 3986): a
 * scheme, ':', then only characters a URI may hold, each '%' escaping two
 * hex digits. */
static int
uri_ok(const char *s)
{
	const char *p = s;

	if (!is_alpha(*p))
		return 0;
	while (is_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':')
		return 0;
	for (p++; *p; p++) {
		if (*p == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return 0;
			p += 2;
		} else if (!is_alnum(*p) && !strchr("-._~:/?#[]@!$&'()*+,;=", *p)) {
			return 0;
		}
	}
	return 1;
}

/* ---- versions (section 3.1.11.3.5.2, version_t) ---------------------- */

enum vkind { V_BAD, V_INT, V_SEM };

/* A version as read: spans of s. */
struct ver {
	enum vkind kind;
	const char *s;
	size_t num[3][2];	/* major, minor, patch: offset, length (V_INT: num[0]) */
	size_t pre, pre_len;	/* pre-release, after '-' (0 length: none) */
	size_t core_len;	/* bytes before '+' */
};

/* num_id - a numeric identifier at s: "0" or no leading zero; its length,
 * or 0. */
static size_t
num_id(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	if (n == 0 || (n > 1 && s[0] == '0'))
		return 0;
	return n;
}

/* dot_ids - dot-separated identifiers of [0-9A-Za-z-] at s, each numeric
 * without leading zero when pre; the length read, or 0. */
static size_t
dot_ids(const char *s, int pre)
{
	size_t n = 0;

	for (;;) {
		size_t k = 0;
		int alpha = 0;

		while (is_alnum(s[n + k]) || s[n + k] == '-') {
			if (!is_digit(s[n + k]))
				alpha = 1;
			k++;
		}
		if (k == 0 || (pre && !alpha && k > 1 && s[n] == '0'))
			return 0;
		n += k;
		if (s[n] != '.')
			return n;
		n++;
	}
}

static void
ver_read(const char *s, struct ver *v)
{
	size_t o = 0, k;

	memset(v, 0, sizeof *v);
	v->s = s;
	if ((k = num_id(s)) > 0 && s[k] == '\0') {
		v->kind = V_INT;
		v->num[0][1] = k;
		v->core_len = k;
		return;
	}
	for (int i = 0; i < 3; i++) {
		if ((k = num_id(s + o)) == 0)
			return;
		v->num[i][0] = o;
		v->num[i][1] = k;
		o += k;
		if (i < 2 && s[o++] != '.')
			return;
	}
	if (s[o] == '-') {
		v->pre = o + 1;
		if ((v->pre_len = dot_ids(s + o + 1, 1)) == 0)
			return;
		o += 1 + v->pre_len;
	}
	v->core_len = o;
	if (s[o] == '+') {
		if ((k = dot_ids(s + o + 1, 0)) == 0)
			return;
		o += 1 + k;
	}
	if (s[o] == '\0')
		v->kind = V_SEM;
}

/* num_cmp - two digit strings without leading zeros, as numbers. */
static int
num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r;

	if (an != bn)
		return an < bn ? -1 : 1;
	r = memcmp(a, b, an);
	return (r > 0) - (r < 0);
}

/* pre_cmp - two pre-release parts by Semantic Versioning 2.0.0, item 11. */
static int
pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an && j < bn) {
		size_t ka = 0, kb = 0;
		int na = 1, nb = 1, r;

		while (i + ka < an && a[i + ka] != '.')
			na &= is_digit(a[i + ka++]);
		while (j + kb < bn && b[j + kb] != '.')
			nb &= is_digit(b[j + kb++]);
		if (na && nb) {
			r = num_cmp(a + i, ka, b + j, kb);
		} else if (na != nb) {
			r = na ? -1 : 1;
		} else {
			r = memcmp(a + i, b + j, ka < kb ? ka : kb);
			r = r ? r : (ka > kb) - (ka < kb);
		}
		if (r)
			return r > 0 ? 1 : -1;
		i += ka + 1;
		j += kb + 1;
	}
	return (i < an) - (j < bn);
}

static int
ver_cmp(const struct ver *a, const struct ver *b)
{
	int r;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == V_BAD) {
		r = strcmp(a->s, b->s);
		return (r > 0) - (r < 0);
	}
	for (int i = 0; i < (a->kind == V_INT ? 1 : 3); i++)
		if ((r = num_cmp(a->s + a->num[i][0], a->num[i][1], b->s + b->num[i][0],
		    b->num[i][1])) != 0)
			return r;
	if (a->pre_len == 0 || b->pre_len == 0)
		return (a->pre_len == 0) - (b->pre_len == 0);
	return pre_cmp(a->s + a->pre, a->pre_len, b->s + b->pre, b->pre_len);
}

int
csaf_version_cmp(const char *a, const char *b)
{
	struct ver va, vb;

	ver_read(a ? a : "", &va);
	ver_read(b ? b : "", &vb);
	return ver_cmp(&va, &vb);
}

/* ver_zero - "0" or 0.y.z. */
static int
ver_zero(const struct ver *v)
{
	return v->kind != V_BAD && v->num[0][1] == 1 && v->s[v->num[0][0]] == '0';
}

/* ---- patterns --------------------------------------------------------- */

/* sub - the length of the subtag at s (up to '-' or the end). */
static size_t
sub(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != '-')
		n++;
	return n;
}

static int
all(const char *s, size_t n, int (*cls)(char))
{
	for (size_t i = 0; i < n; i++)
		if (!cls(s[i]))
			return 0;
	return 1;
}

/* lang_ok - a language tag by the syntax of RFC 5646 section 2.1
 * (lang_t): langtag, private use, or the two irregular tags the schema
 * names (i-default, i-mingo). */
static int
lang_ok(const char *s)
{
	const char *p = s;
	size_t n = sub(p);
	int ext = 0;

	if (strcasecmp(s, "i-default") == 0 || strcasecmp(s, "i-mingo") == 0)
		return 1;
	if (n == 1 && (*p == 'x' || *p == 'X'))
		goto private;
	if (n < 2 || n > 8 || !all(p, n, is_alpha))
		return 0;
	p += n;
	if (n <= 3)	/* extlang: up to three of 3 letters */
		while (*p == '-' && sub(p + 1) == 3 && all(p + 1, 3, is_alpha) && ext < 3) {
			p += 4;
			ext++;
		}
	if (*p == '-' && sub(p + 1) == 4 && all(p + 1, 4, is_alpha))	/* script */
		p += 5;
	if (*p == '-' && ((sub(p + 1) == 2 && all(p + 1, 2, is_alpha)) ||
	    (sub(p + 1) == 3 && all(p + 1, 3, is_digit))))	/* region */
		p += 1 + sub(p + 1);
	for (;;) {	/* variants */
		n = *p == '-' ? sub(p + 1) : 0;
		if (!((n >= 5 && n <= 8 && all(p + 1, n, is_alnum)) ||
		    (n == 4 && is_digit(p[1]) && all(p + 1, 4, is_alnum))))
			break;
		p += 1 + n;
	}
	for (;;) {	/* extensions: a singleton other than x, then subtags of 2-8 */
		int k = 0;

		if (*p != '-' || sub(p + 1) != 1 || !is_alnum(p[1]) || p[1] == 'x' || p[1] == 'X')
			break;
		p += 2;
		while (*p == '-' && (n = sub(p + 1)) >= 2 && n <= 8 && all(p + 1, n, is_alnum)) {
			p += 1 + n;
			k++;
		}
		if (k == 0)
			return 0;
	}
	if (*p == '\0')
		return 1;
	if (*p != '-' || sub(p + 1) != 1 || (p[1] != 'x' && p[1] != 'X'))
		return 0;
	p++;
private:
	p++;
	if (*p == '\0')
		return 0;
	while (*p == '-') {
		n = sub(p + 1);
		if (n < 1 || n > 8 || !all(p + 1, n, is_alnum))
			return 0;
		p += 1 + n;
	}
	return *p == '\0';
}

/* cpe_ok - a CPE name (cpe_t): a CPE 2.3 formatted string of 13
 * components ("cpe:2.3:" part, then ten of letters, digits, "._-", the
 * wildcards "*?" and escaped punctuation, or "*" or "-"), or a CPE 2.2
 * URI ("cpe:/" and up to seven components). */
static int
cpe_ok(const char *s)
{
	int n = 0;

	if (strncasecmp(s, "cpe:/", 5) == 0) {
		const char *p = s + 5;

		if (*p && strchr("AHOaho", *p))
			p++;
		for (; *p; p++)
			if (*p == ':' ? ++n > 6 : !(is_alnum(*p) || strchr("._-~%", *p)))
				return 0;
		return 1;
	}
	if (strncmp(s, "cpe:2.3:", 8) != 0 || !s[8] || !strchr("aho*-", s[8]) || s[9] != ':')
		return 0;
	for (const char *p = s + 10;; p++) {
		size_t k = 0;

		while (*p && *p != ':') {
			if (*p == '\\') {
				if (!p[1] || is_alnum(p[1]) || p[1] == '_' || (unsigned char)p[1] < 0x21 ||
				    (unsigned char)p[1] > 0x7e)
					return 0;
				p++;
			} else if (!(is_alnum(*p) || strchr("._-*?", *p))) {
				return 0;
			}
			p++;
			k++;
		}
		if (k == 0)
			return 0;
		n++;
		if (*p == '\0')
			break;
	}
	return n == 10;
}

/* purl_pattern - the schema's pattern of a purl: "pkg:", a type, '/',
 * something. */
static int
purl_pattern(const char *s)
{
	const char *p = s + 4;

	if (strncmp(s, "pkg:", 4) != 0 || !(is_alpha(*p) || (*p && strchr(".-+", *p))))
		return 0;
	while (is_alnum(*p) || (*p && strchr(".-+", *p)))
		p++;
	return *p == '/' && p[1] != '\0' && strlen(s) >= 7;
}

/* pct_ok - s[0..n) with every '%' escaping two hex digits. */
static int
pct_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%' && (i + 2 >= n || !is_hex(s[i + 1]) || !is_hex(s[i + 2])))
			return 0;
	return 1;
}

/* purl_why - what makes s no valid package URL (the purl specification:
 * pkg:type/namespace/name@version?qualifiers#subpath), or NULL. */
static const char *
purl_why(const char *s)
{
	const char *p = s + 4, *end = s + strlen(s), *q, *at, *name;

	if (strncmp(s, "pkg:", 4) != 0)
		return "does not start with \"pkg:\"";
	while (*p == '/')
		p++;
	if (!is_alpha(*p) && !(*p && strchr(".-+", *p)))
		return "has no valid type";
	while (is_alnum(*p) || (*p && strchr(".-+", *p)))
		p++;
	if (*p != '/')
		return "has no valid type";
	if ((q = memchr(s, '#', (size_t)(end - s))) != NULL)
		end = q;
	if ((q = memchr(s, '?', (size_t)(end - s))) != NULL) {
		for (const char *k = q + 1; k < end;) {
			const char *amp = memchr(k, '&', (size_t)(end - k)), *eq;

			amp = amp ? amp : end;
			eq = memchr(k, '=', (size_t)(amp - k));
			if (!eq || eq == k || eq + 1 == amp)
				return "has a qualifier that is not key=value";
			for (const char *c = k; c < eq; c++)
				if (!is_alnum(*c) && !strchr(".-_", *c))
					return "has a qualifier key with a character it may not hold";
			k = amp + 1;
		}
		end = q;
	}
	while (end > p && end[-1] == '/')
		end--;
	at = NULL;
	for (q = end; q > p; q--)
		if (q[-1] == '/')
			break;
	name = q;
	for (q = name; q < end; q++)
		if (*q == '@')
			at = q;
	if ((at ? at : end) == name)
		return "has no name";
	if (at && at + 1 == end)
		return "has an empty version";
	if (!pct_ok(s, strlen(s)))
		return "has a '%' that escapes no two hex digits";
	return NULL;
}

/* ---- the schema's shapes (section 3) ---------------------------------- */

enum jt { J_STR, J_OBJ, J_ARR, J_NUM };
enum sf {
	F_TEXT,		/* minLength 1 */
	F_TIME,		/* format date-time */
	F_URI,		/* format uri */
	F_VERSION,	/* version_t */
	F_LANG,		/* lang_t */
	F_CVE, F_CWE, F_HEX, F_PURL, F_CPE,
	F_CAT,		/* document.category's pattern */
	F_ID,		/* tracking.id's pattern: no white space at either end */
	F_ENUM
};
enum special { SP_NONE, SP_BRANCH, SP_CVSS2, SP_CVSS3 };

struct member;
struct shape {
	unsigned char t;	/* enum jt */
	unsigned char f;	/* enum sf, for J_STR */
	unsigned char min;	/* minItems, minProperties */
	unsigned char uniq;	/* uniqueItems */
	unsigned char sp;	/* enum special */
	const char *const *en;	/* F_ENUM */
	const struct member *m;	/* J_OBJ: its members, NULL-named last */
	const struct shape *it;	/* J_ARR: its items */
};

struct member {
	const char *name;
	const struct shape *s;
	int req;
};

#define STRF(f) { J_STR, f, 0, 0, 0, NULL, NULL, NULL }
#define ENUM(e) { J_STR, F_ENUM, 0, 0, 0, e, NULL, NULL }
#define OBJ(m, min) { J_OBJ, 0, min, 0, 0, NULL, m, NULL }
#define ARR(it, min, u) { J_ARR, 0, min, u, 0, NULL, NULL, it }
#define REQ 1

static const char *const e_csaf_version[] = { "2.0", NULL };
static const char *const e_publisher[] = { "coordinator", "discoverer", "other", "translator",
	"user", "vendor", NULL };
static const char *const e_status[] = { "draft", "final", "interim", NULL };
static const char *const e_tlp[] = { "AMBER", "GREEN", "RED", "WHITE", NULL };
static const char *const e_note[] = { "description", "details", "faq", "general",
	"legal_disclaimer", "other", "summary", NULL };
static const char *const e_ref[] = { "external", "self", NULL };
static const char *const e_branch[] = { "architecture", "host_name", "language", "legacy",
	"patch_level", "product_family", "product_name", "product_version",
	"product_version_range", "service_pack", "specification", "vendor", NULL };
static const char *const e_rel[] = { "default_component_of", "external_component_of",
	"installed_on", "installed_with", "optional_component_of", NULL };
static const char *const e_flag[] = { "component_not_present",
	"inline_mitigations_already_exist", "vulnerable_code_cannot_be_controlled_by_adversary",
	"vulnerable_code_not_in_execute_path", "vulnerable_code_not_present", NULL };
static const char *const e_party[] = { "coordinator", "discoverer", "other", "user", "vendor",
	NULL };
static const char *const e_inv_status[] = { "completed", "contact_attempted", "disputed",
	"in_progress", "not_contacted", "open", NULL };
static const char *const e_remediation[] = { "mitigation", "no_fix_planned", "none_available",
	"vendor_fix", "workaround", NULL };
static const char *const e_restart[] = { "connected", "dependencies", "machine", "none",
	"parent", "service", "system", "vulnerable_component", "zone", NULL };
static const char *const e_threat[] = { "exploit_status", "impact", "target_set", NULL };

static const struct shape s_text = STRF(F_TEXT), s_time = STRF(F_TIME), s_uri = STRF(F_URI),
    s_version = STRF(F_VERSION), s_lang = STRF(F_LANG);
static const struct shape s_texts = ARR(&s_text, 1, 0), s_texts_u = ARR(&s_text, 1, 1),
    s_uris = ARR(&s_uri, 1, 0);

/* acknowledgments_t */
static const struct member m_ack[] = { { "names", &s_texts, 0 },
	{ "organization", &s_text, 0 }, { "summary", &s_text, 0 }, { "urls", &s_uris, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_ack = OBJ(m_ack, 1), s_acks = ARR(&s_ack, 1, 0);

/* notes_t, references_t */
static const struct shape s_note_cat = ENUM(e_note), s_ref_cat = ENUM(e_ref);
static const struct member m_note[] = { { "audience", &s_text, 0 },
	{ "category", &s_note_cat, REQ }, { "text", &s_text, REQ }, { "title", &s_text, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_note = OBJ(m_note, 0), s_notes = ARR(&s_note, 1, 0);
static const struct member m_ref[] = { { "category", &s_ref_cat, 0 },
	{ "summary", &s_text, REQ }, { "url", &s_uri, REQ }, { NULL, NULL, 0 } };
static const struct shape s_refobj = OBJ(m_ref, 0), s_refs = ARR(&s_refobj, 1, 0);

/* products_t, product_groups_t */
static const struct shape s_products = ARR(&s_text, 1, 1), s_groups = ARR(&s_text, 1, 1);

/* full_product_name_t and its product_identification_helper */
static const struct shape s_hex = STRF(F_HEX), s_purl = STRF(F_PURL), s_cpe = STRF(F_CPE);
static const struct member m_file_hash[] = { { "algorithm", &s_text, REQ },
	{ "value", &s_hex, REQ }, { NULL, NULL, 0 } };
static const struct shape s_file_hash = OBJ(m_file_hash, 0),
    s_file_hashes = ARR(&s_file_hash, 1, 0);
static const struct member m_hash[] = { { "file_hashes", &s_file_hashes, REQ },
	{ "filename", &s_text, REQ }, { NULL, NULL, 0 } };
static const struct shape s_hash = OBJ(m_hash, 0), s_hashes = ARR(&s_hash, 1, 0);
static const struct member m_generic_uri[] = { { "namespace", &s_uri, REQ },
	{ "uri", &s_uri, REQ }, { NULL, NULL, 0 } };
static const struct shape s_generic_uri = OBJ(m_generic_uri, 0),
    s_generic_uris = ARR(&s_generic_uri, 1, 0);
static const struct member m_helper[] = { { "cpe", &s_cpe, 0 }, { "hashes", &s_hashes, 0 },
	{ "model_numbers", &s_texts_u, 0 }, { "purl", &s_purl, 0 }, { "sbom_urls", &s_uris, 0 },
	{ "serial_numbers", &s_texts_u, 0 }, { "skus", &s_texts, 0 },
	{ "x_generic_uris", &s_generic_uris, 0 }, { NULL, NULL, 0 } };
static const struct shape s_helper = OBJ(m_helper, 1);
static const struct member m_fpn[] = { { "name", &s_text, REQ },
	{ "product_id", &s_text, REQ }, { "product_identification_helper", &s_helper, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_fpn = OBJ(m_fpn, 0), s_fpns = ARR(&s_fpn, 1, 0);

/* branches_t: category and name, then branches or product, not both */
static const struct shape s_branches;
static const struct shape s_branch_cat = ENUM(e_branch);
static const struct member m_branch[] = { { "branches", &s_branches, 0 },
	{ "category", &s_branch_cat, REQ }, { "name", &s_text, REQ }, { "product", &s_fpn, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_branch = { J_OBJ, 0, 0, 0, SP_BRANCH, NULL, m_branch, NULL };
static const struct shape s_branches = ARR(&s_branch, 1, 0);

/* product_tree */
static const struct shape s_product_ids2 = { J_ARR, 0, 2, 1, 0, NULL, NULL, &s_text };
static const struct member m_group[] = { { "group_id", &s_text, REQ },
	{ "product_ids", &s_product_ids2, REQ }, { "summary", &s_text, 0 }, { NULL, NULL, 0 } };
static const struct shape s_group = OBJ(m_group, 0), s_group_list = ARR(&s_group, 1, 0);
static const struct shape s_rel_cat = ENUM(e_rel);
static const struct member m_rel[] = { { "category", &s_rel_cat, REQ },
	{ "full_product_name", &s_fpn, REQ }, { "product_reference", &s_text, REQ },
	{ "relates_to_product_reference", &s_text, REQ }, { NULL, NULL, 0 } };
static const struct shape s_rel = OBJ(m_rel, 0), s_rels = ARR(&s_rel, 1, 0);
static const struct member m_tree[] = { { "branches", &s_branches, 0 },
	{ "full_product_names", &s_fpns, 0 }, { "product_groups", &s_group_list, 0 },
	{ "relationships", &s_rels, 0 }, { NULL, NULL, 0 } };
static const struct shape s_tree = OBJ(m_tree, 1);

/* document */
static const struct shape s_cat = STRF(F_CAT), s_id = STRF(F_ID),
    s_csaf_version = ENUM(e_csaf_version), s_publisher_cat = ENUM(e_publisher),
    s_status = ENUM(e_status), s_tlp_label = ENUM(e_tlp);
static const struct member m_aggregate[] = { { "namespace", &s_uri, 0 },
	{ "text", &s_text, REQ }, { NULL, NULL, 0 } };
static const struct shape s_aggregate = OBJ(m_aggregate, 0);
static const struct member m_tlp[] = { { "label", &s_tlp_label, REQ }, { "url", &s_uri, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_tlp = OBJ(m_tlp, 0);
static const struct member m_distribution[] = { { "text", &s_text, 0 }, { "tlp", &s_tlp, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_distribution = OBJ(m_distribution, 1);
static const struct member m_publisher[] = { { "category", &s_publisher_cat, REQ },
	{ "contact_details", &s_text, 0 }, { "issuing_authority", &s_text, 0 },
	{ "name", &s_text, REQ }, { "namespace", &s_uri, REQ }, { NULL, NULL, 0 } };
static const struct shape s_publisher = OBJ(m_publisher, 0);
static const struct member m_engine[] = { { "name", &s_text, REQ },
	{ "version", &s_text, 0 }, { NULL, NULL, 0 } };
static const struct shape s_engine = OBJ(m_engine, 0);
static const struct member m_generator[] = { { "date", &s_time, 0 },
	{ "engine", &s_engine, REQ }, { NULL, NULL, 0 } };
static const struct shape s_generator = OBJ(m_generator, 0);
static const struct member m_revision[] = { { "date", &s_time, REQ },
	{ "legacy_version", &s_text, 0 }, { "number", &s_version, REQ },
	{ "summary", &s_text, REQ }, { NULL, NULL, 0 } };
static const struct shape s_revision = OBJ(m_revision, 0),
    s_revisions = ARR(&s_revision, 1, 0);
static const struct member m_tracking[] = { { "aliases", &s_texts_u, 0 },
	{ "current_release_date", &s_time, REQ }, { "generator", &s_generator, 0 },
	{ "id", &s_id, REQ }, { "initial_release_date", &s_time, REQ },
	{ "revision_history", &s_revisions, REQ }, { "status", &s_status, REQ },
	{ "version", &s_version, REQ }, { NULL, NULL, 0 } };
static const struct shape s_tracking = OBJ(m_tracking, 0);
static const struct member m_document[] = { { "acknowledgments", &s_acks, 0 },
	{ "aggregate_severity", &s_aggregate, 0 }, { "category", &s_cat, REQ },
	{ "csaf_version", &s_csaf_version, REQ }, { "distribution", &s_distribution, 0 },
	{ "lang", &s_lang, 0 }, { "notes", &s_notes, 0 }, { "publisher", &s_publisher, REQ },
	{ "references", &s_refs, 0 }, { "source_lang", &s_lang, 0 }, { "title", &s_text, REQ },
	{ "tracking", &s_tracking, REQ }, { NULL, NULL, 0 } };
static const struct shape s_document = OBJ(m_document, 0);

/* vulnerabilities */
static const struct shape s_cve = STRF(F_CVE), s_cwe_id = STRF(F_CWE);
static const struct member m_cwe[] = { { "id", &s_cwe_id, REQ }, { "name", &s_text, REQ },
	{ NULL, NULL, 0 } };
static const struct shape s_cwe = OBJ(m_cwe, 0);
static const struct shape s_flag_label = ENUM(e_flag);
static const struct member m_flag[] = { { "date", &s_time, 0 }, { "group_ids", &s_groups, 0 },
	{ "label", &s_flag_label, REQ }, { "product_ids", &s_products, 0 }, { NULL, NULL, 0 } };
static const struct shape s_flag = OBJ(m_flag, 0), s_flags = ARR(&s_flag, 1, 1);
static const struct member m_vid[] = { { "system_name", &s_text, REQ },
	{ "text", &s_text, REQ }, { NULL, NULL, 0 } };
static const struct shape s_vid = OBJ(m_vid, 0), s_vids = ARR(&s_vid, 1, 1);
static const struct shape s_party = ENUM(e_party), s_inv_status = ENUM(e_inv_status);
static const struct member m_involvement[] = { { "date", &s_time, 0 },
	{ "party", &s_party, REQ }, { "status", &s_inv_status, REQ }, { "summary", &s_text, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_involvement = OBJ(m_involvement, 0),
    s_involvements = ARR(&s_involvement, 1, 1);
static const struct member m_status[] = { { "first_affected", &s_products, 0 },
	{ "first_fixed", &s_products, 0 }, { "fixed", &s_products, 0 },
	{ "known_affected", &s_products, 0 }, { "known_not_affected", &s_products, 0 },
	{ "last_affected", &s_products, 0 }, { "recommended", &s_products, 0 },
	{ "under_investigation", &s_products, 0 }, { NULL, NULL, 0 } };
static const struct shape s_product_status = OBJ(m_status, 1);
static const struct shape s_remediation_cat = ENUM(e_remediation), s_restart_cat = ENUM(e_restart);
static const struct member m_restart[] = { { "category", &s_restart_cat, REQ },
	{ "details", &s_text, 0 }, { NULL, NULL, 0 } };
static const struct shape s_restart = OBJ(m_restart, 0);
static const struct member m_remediation[] = { { "category", &s_remediation_cat, REQ },
	{ "date", &s_time, 0 }, { "details", &s_text, REQ }, { "entitlements", &s_texts, 0 },
	{ "group_ids", &s_groups, 0 }, { "product_ids", &s_products, 0 },
	{ "restart_required", &s_restart, 0 }, { "url", &s_uri, 0 }, { NULL, NULL, 0 } };
static const struct shape s_remediation = OBJ(m_remediation, 0),
    s_remediations = ARR(&s_remediation, 1, 0);
static const struct shape s_cvss2 = { J_OBJ, 0, 0, 0, SP_CVSS2, NULL, NULL, NULL },
    s_cvss3 = { J_OBJ, 0, 0, 0, SP_CVSS3, NULL, NULL, NULL };
static const struct member m_score[] = { { "cvss_v2", &s_cvss2, 0 }, { "cvss_v3", &s_cvss3, 0 },
	{ "products", &s_products, REQ }, { NULL, NULL, 0 } };
static const struct shape s_score = OBJ(m_score, 2), s_scores = ARR(&s_score, 1, 0);
static const struct shape s_threat_cat = ENUM(e_threat);
static const struct member m_threat[] = { { "category", &s_threat_cat, REQ },
	{ "date", &s_time, 0 }, { "details", &s_text, REQ }, { "group_ids", &s_groups, 0 },
	{ "product_ids", &s_products, 0 }, { NULL, NULL, 0 } };
static const struct shape s_threat = OBJ(m_threat, 0), s_threats = ARR(&s_threat, 1, 0);
static const struct member m_vuln[] = { { "acknowledgments", &s_acks, 0 },
	{ "cve", &s_cve, 0 }, { "cwe", &s_cwe, 0 }, { "discovery_date", &s_time, 0 },
	{ "flags", &s_flags, 0 }, { "ids", &s_vids, 0 }, { "involvements", &s_involvements, 0 },
	{ "notes", &s_notes, 0 }, { "product_status", &s_product_status, 0 },
	{ "references", &s_refs, 0 }, { "release_date", &s_time, 0 },
	{ "remediations", &s_remediations, 0 }, { "scores", &s_scores, 0 },
	{ "threats", &s_threats, 0 }, { "title", &s_text, 0 }, { NULL, NULL, 0 } };
static const struct shape s_vuln = OBJ(m_vuln, 1), s_vulns = ARR(&s_vuln, 1, 0);

/* the document's top */
static const struct member m_top[] = { { "document", &s_document, REQ },
	{ "product_tree", &s_tree, 0 }, { "vulnerabilities", &s_vulns, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_top = OBJ(m_top, 0);

/* ---- CVSS (6.1.8, 6.1.9, 6.1.10) -------------------------------------- */

/* A metric: its abbreviation in the vector, its property in the JSON
 * object, the values each takes (vals in the vector, names in the
 * object, in the same order) and their weights. */
struct metric {
	const char *abbr, *prop;
	const char *const *vals, *const *names;
	const double *w;
	int base;		/* required in a vector */
};

static const char *const v3_avv[] = { "N", "A", "L", "P", NULL },
    *const v3_avn[] = { "NETWORK", "ADJACENT_NETWORK", "LOCAL", "PHYSICAL", NULL },
    *const v3_mavv[] = { "X", "N", "A", "L", "P", NULL },
    *const v3_mavn[] = { "NOT_DEFINED", "NETWORK", "ADJACENT_NETWORK", "LOCAL", "PHYSICAL", NULL },
    *const v3_lhv[] = { "L", "H", NULL }, *const v3_lhn[] = { "LOW", "HIGH", NULL },
    *const v3_mlhv[] = { "X", "L", "H", NULL },
    *const v3_mlhn[] = { "NOT_DEFINED", "LOW", "HIGH", NULL },
    *const v3_nlhv[] = { "N", "L", "H", NULL },
    *const v3_nlhn[] = { "NONE", "LOW", "HIGH", NULL },
    *const v3_mnlhv[] = { "X", "N", "L", "H", NULL },
    *const v3_mnlhn[] = { "NOT_DEFINED", "NONE", "LOW", "HIGH", NULL },
    *const v3_uiv[] = { "N", "R", NULL }, *const v3_uin[] = { "NONE", "REQUIRED", NULL },
    *const v3_muiv[] = { "X", "N", "R", NULL },
    *const v3_muin[] = { "NOT_DEFINED", "NONE", "REQUIRED", NULL },
    *const v3_sv[] = { "U", "C", NULL }, *const v3_sn[] = { "UNCHANGED", "CHANGED", NULL },
    *const v3_msv[] = { "X", "U", "C", NULL },
    *const v3_msn[] = { "NOT_DEFINED", "UNCHANGED", "CHANGED", NULL },
    *const v3_ev[] = { "X", "U", "P", "F", "H", NULL },
    *const v3_en[] = { "NOT_DEFINED", "UNPROVEN", "PROOF_OF_CONCEPT", "FUNCTIONAL", "HIGH", NULL },
    *const v3_rlv[] = { "X", "O", "T", "W", "U", NULL },
    *const v3_rln[] = { "NOT_DEFINED", "OFFICIAL_FIX", "TEMPORARY_FIX", "WORKAROUND",
	"UNAVAILABLE", NULL },
    *const v3_rcv[] = { "X", "U", "R", "C", NULL },
    *const v3_rcn[] = { "NOT_DEFINED", "UNKNOWN", "REASONABLE", "CONFIRMED", NULL },
    *const v3_crv[] = { "X", "L", "M", "H", NULL },
    *const v3_crn[] = { "NOT_DEFINED", "LOW", "MEDIUM", "HIGH", NULL };
static const double w3_av[] = { 0.85, 0.62, 0.55, 0.2 }, w3_ac[] = { 0.77, 0.44 },
    w3_ui[] = { 0.85, 0.62 }, w3_cia[] = { 0, 0.22, 0.56 }, w3_e[] = { 1, 0.91, 0.94, 0.97, 1 },
    w3_rl[] = { 1, 0.95, 0.96, 0.97, 1 }, w3_rc[] = { 1, 0.92, 0.96, 1 },
    w3_cr[] = { 1, 0.5, 1, 1.5 };

enum { M3_AV, M3_AC, M3_PR, M3_UI, M3_S, M3_C, M3_I, M3_A, M3_E, M3_RL, M3_RC, M3_CR, M3_IR,
	M3_AR, M3_MAV, M3_MAC, M3_MPR, M3_MUI, M3_MS, M3_MC, M3_MI, M3_MA, M3__N };
static const struct metric m3[M3__N] = {
	{ "AV", "attackVector", v3_avv, v3_avn, w3_av, 1 },
	{ "AC", "attackComplexity", v3_lhv, v3_lhn, w3_ac, 1 },
	{ "PR", "privilegesRequired", v3_nlhv, v3_nlhn, NULL, 1 },
	{ "UI", "userInteraction", v3_uiv, v3_uin, w3_ui, 1 },
	{ "S", "scope", v3_sv, v3_sn, NULL, 1 },
	{ "C", "confidentialityImpact", v3_nlhv, v3_nlhn, w3_cia, 1 },
	{ "I", "integrityImpact", v3_nlhv, v3_nlhn, w3_cia, 1 },
	{ "A", "availabilityImpact", v3_nlhv, v3_nlhn, w3_cia, 1 },
	{ "E", "exploitCodeMaturity", v3_ev, v3_en, w3_e, 0 },
	{ "RL", "remediationLevel", v3_rlv, v3_rln, w3_rl, 0 },
	{ "RC", "reportConfidence", v3_rcv, v3_rcn, w3_rc, 0 },
	{ "CR", "confidentialityRequirement", v3_crv, v3_crn, w3_cr, 0 },
	{ "IR", "integrityRequirement", v3_crv, v3_crn, w3_cr, 0 },
	{ "AR", "availabilityRequirement", v3_crv, v3_crn, w3_cr, 0 },
	{ "MAV", "modifiedAttackVector", v3_mavv, v3_mavn, NULL, 0 },
	{ "MAC", "modifiedAttackComplexity", v3_mlhv, v3_mlhn, NULL, 0 },
	{ "MPR", "modifiedPrivilegesRequired", v3_mnlhv, v3_mnlhn, NULL, 0 },
	{ "MUI", "modifiedUserInteraction", v3_muiv, v3_muin, NULL, 0 },
	{ "MS", "modifiedScope", v3_msv, v3_msn, NULL, 0 },
	{ "MC", "modifiedConfidentialityImpact", v3_mnlhv, v3_mnlhn, NULL, 0 },
	{ "MI", "modifiedIntegrityImpact", v3_mnlhv, v3_mnlhn, NULL, 0 },
	{ "MA", "modifiedAvailabilityImpact", v3_mnlhv, v3_mnlhn, NULL, 0 },
};

static const char *const v2_avv[] = { "L", "A", "N", NULL },
    *const v2_avn[] = { "LOCAL", "ADJACENT_NETWORK", "NETWORK", NULL },
    *const v2_acv[] = { "H", "M", "L", NULL }, *const v2_acn[] = { "HIGH", "MEDIUM", "LOW", NULL },
    *const v2_auv[] = { "M", "S", "N", NULL },
    *const v2_aun[] = { "MULTIPLE", "SINGLE", "NONE", NULL },
    *const v2_ciav[] = { "N", "P", "C", NULL },
    *const v2_cian[] = { "NONE", "PARTIAL", "COMPLETE", NULL },
    *const v2_ev[] = { "U", "POC", "F", "H", "ND", NULL },
    *const v2_en[] = { "UNPROVEN", "PROOF_OF_CONCEPT", "FUNCTIONAL", "HIGH", "NOT_DEFINED", NULL },
    *const v2_rlv[] = { "OF", "TF", "W", "U", "ND", NULL },
    *const v2_rln[] = { "OFFICIAL_FIX", "TEMPORARY_FIX", "WORKAROUND", "UNAVAILABLE",
	"NOT_DEFINED", NULL },
    *const v2_rcv[] = { "UC", "UR", "C", "ND", NULL },
    *const v2_rcn[] = { "UNCONFIRMED", "UNCORROBORATED", "CONFIRMED", "NOT_DEFINED", NULL },
    *const v2_cdpv[] = { "N", "L", "LM", "MH", "H", "ND", NULL },
    *const v2_cdpn[] = { "NONE", "LOW", "LOW_MEDIUM", "MEDIUM_HIGH", "HIGH", "NOT_DEFINED", NULL },
    *const v2_tdv[] = { "N", "L", "M", "H", "ND", NULL },
    *const v2_tdn[] = { "NONE", "LOW", "MEDIUM", "HIGH", "NOT_DEFINED", NULL },
    *const v2_crv[] = { "L", "M", "H", "ND", NULL },
    *const v2_crn[] = { "LOW", "MEDIUM", "HIGH", "NOT_DEFINED", NULL };
static const double w2_av[] = { 0.395, 0.646, 1.0 }, w2_ac[] = { 0.35, 0.61, 0.71 },
    w2_au[] = { 0.45, 0.56, 0.704 }, w2_cia[] = { 0, 0.275, 0.660 },
    w2_e[] = { 0.85, 0.9, 0.95, 1, 1 }, w2_rl[] = { 0.87, 0.90, 0.95, 1, 1 },
    w2_rc[] = { 0.90, 0.95, 1, 1 }, w2_cdp[] = { 0, 0.1, 0.3, 0.4, 0.5, 0 },
    w2_td[] = { 0, 0.25, 0.75, 1, 1 }, w2_cr[] = { 0.5, 1, 1.51, 1 };

enum { M2_AV, M2_AC, M2_AU, M2_C, M2_I, M2_A, M2_E, M2_RL, M2_RC, M2_CDP, M2_TD, M2_CR, M2_IR,
	M2_AR, M2__N };
static const struct metric m2[M2__N] = {
	{ "AV", "accessVector", v2_avv, v2_avn, w2_av, 1 },
	{ "AC", "accessComplexity", v2_acv, v2_acn, w2_ac, 1 },
	{ "Au", "authentication", v2_auv, v2_aun, w2_au, 1 },
	{ "C", "confidentialityImpact", v2_ciav, v2_cian, w2_cia, 1 },
	{ "I", "integrityImpact", v2_ciav, v2_cian, w2_cia, 1 },
	{ "A", "availabilityImpact", v2_ciav, v2_cian, w2_cia, 1 },
	{ "E", "exploitability", v2_ev, v2_en, w2_e, 0 },
	{ "RL", "remediationLevel", v2_rlv, v2_rln, w2_rl, 0 },
	{ "RC", "reportConfidence", v2_rcv, v2_rcn, w2_rc, 0 },
	{ "CDP", "collateralDamagePotential", v2_cdpv, v2_cdpn, w2_cdp, 0 },
	{ "TD", "targetDistribution", v2_tdv, v2_tdn, w2_td, 0 },
	{ "CR", "confidentialityRequirement", v2_crv, v2_crn, w2_cr, 0 },
	{ "IR", "integrityRequirement", v2_crv, v2_crn, w2_cr, 0 },
	{ "AR", "availabilityRequirement", v2_crv, v2_crn, w2_cr, 0 },
};

static const char *const e_severity[] = { "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL", NULL };
static const char *const v2_scores[] = { "baseScore", "temporalScore", "environmentalScore",
	NULL };
static const char *const v3_scores[] = { "baseScore", "baseSeverity", "temporalScore",
	"temporalSeverity", "environmentalScore", "environmentalSeverity", NULL };

static int
list_index(const char *s, size_t n, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return i;
	return -1;
}

/* vector_read - the metrics of a vector ("AV:N/AC:L/..." after any
 * prefix) into idx (-1: absent); NULL, or what is wrong with it. */
static const char *
vector_read(const char *s, const struct metric *m, int nm, int idx[])
{
	for (int i = 0; i < nm; i++)
		idx[i] = -1;
	for (const char *p = s;;) {
		const char *colon = strchr(p, ':'), *slash;
		int k, v;

		if (!colon)
			return "has a part that is not METRIC:VALUE";
		slash = strchr(colon, '/');
		if (!slash)
			slash = colon + strlen(colon);
		for (k = 0; k < nm; k++)
			if (strlen(m[k].abbr) == (size_t)(colon - p) &&
			    memcmp(m[k].abbr, p, (size_t)(colon - p)) == 0)
				break;
		if (k == nm)
			return "names a metric CVSS does not define";
		v = list_index(colon + 1, (size_t)(slash - colon - 1), m[k].vals);
		if (v < 0)
			return "gives a metric a value CVSS does not define";
		if (idx[k] >= 0)
			return "gives a metric twice";
		idx[k] = v;
		if (*slash == '\0')
			break;
		p = slash + 1;
	}
	for (int i = 0; i < nm; i++)
		if (m[i].base && idx[i] < 0)
			return "lacks a base metric";
	return NULL;
}

/* The arithmetic the scores need, without libm (the library links none):
 * the values are scores and weights, from 0 to a few hundred. */
static double
dmin(double a, double b)
{
	return a < b ? a : b;
}

static double
dabs(double a)
{
	return a < 0 ? -a : a;
}

/* dfloor - floor of x, |x| < 2^62 */
static double
dfloor(double x)
{
	double t = (double)(long long)x;

	return t > x ? t - 1 : t;
}

static double
ipow(double x, int n)
{
	double r = 1;

	while (n-- > 0)
		r *= x;
	return r;
}

/* roundup31 - CVSS v3.1's Roundup (Appendix A): the smallest number with
 * one decimal not below x, with x first rounded to five decimals so that
 * 4.000000001 is 4.0. */
static double
roundup31(double x)
{
	long long i = (long long)dfloor(x * 100000.0 + 0.5);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (dfloor((double)i / 10000.0) + 1) / 10.0;
}

/* round1 - CVSS v2's round_to_1_decimal */
static double
round1(double x)
{
	return dfloor(x * 10.0 + 0.5 + 1e-9) / 10.0;
}

static const char *
severity3(double s)
{
	return s == 0 ? "NONE" : s < 4 ? "LOW" : s < 7 ? "MEDIUM" : s < 9 ? "HIGH" : "CRITICAL";
}

/* v3 - the base, temporal and environmental scores of CVSS v3.x
 * (CVSS v3.1 specification, section 7). */
static void
v3(const int x[M3__N], double out[3])
{
	double iss, imp, expl, pr, base, miss, mimp, mexpl, t;
	int sc = x[M3_S] == 1, ms, m[8];

	pr = x[M3_PR] == 0 ? 0.85 : x[M3_PR] == 1 ? (sc ? 0.68 : 0.62) : (sc ? 0.5 : 0.27);
	iss = 1 - (1 - w3_cia[x[M3_C]]) * (1 - w3_cia[x[M3_I]]) * (1 - w3_cia[x[M3_A]]);
	imp = sc ? 7.52 * (iss - 0.029) - 3.25 * ipow(iss - 0.02, 15) : 6.42 * iss;
	expl = 8.22 * w3_av[x[M3_AV]] * w3_ac[x[M3_AC]] * pr * w3_ui[x[M3_UI]];
	base = imp <= 0 ? 0 : roundup31(dmin(sc ? 1.08 * (imp + expl) : imp + expl, 10));
	t = w3_e[x[M3_E] < 0 ? 0 : x[M3_E]] * w3_rl[x[M3_RL] < 0 ? 0 : x[M3_RL]] *
	    w3_rc[x[M3_RC] < 0 ? 0 : x[M3_RC]];
	out[0] = base;
	out[1] = roundup31(base * t);
	/* the modified metrics: "X" (or absent) takes the base value */
	for (int i = 0; i < 8; i++) {
		int mv = x[M3_MAV + i], bv = x[M3_AV + i];

		m[i] = mv <= 0 ? bv : mv - 1;
	}
	ms = m[4] == 1;
	pr = m[2] == 0 ? 0.85 : m[2] == 1 ? (ms ? 0.68 : 0.62) : (ms ? 0.5 : 0.27);
	miss = dmin(1 - (1 - w3_cr[x[M3_CR] < 0 ? 0 : x[M3_CR]] * w3_cia[m[5]]) *
	    (1 - w3_cr[x[M3_IR] < 0 ? 0 : x[M3_IR]] * w3_cia[m[6]]) *
	    (1 - w3_cr[x[M3_AR] < 0 ? 0 : x[M3_AR]] * w3_cia[m[7]]), 0.915);
	mimp = ms ? 7.52 * (miss - 0.029) - 3.25 * ipow(miss * 0.9731 - 0.02, 13) : 6.42 * miss;
	mexpl = 8.22 * w3_av[m[0]] * w3_ac[m[1]] * pr * w3_ui[m[3]];
	out[2] = mimp <= 0 ? 0 :
	    roundup31(roundup31(dmin(ms ? 1.08 * (mimp + mexpl) : mimp + mexpl, 10)) * t);
}

/* v3_0env - the environmental score by CVSS v3.0's formula (its modified
 * impact differs from v3.1's). */
static double
v3_0env(const int x[M3__N])
{
	double miss, mimp, mexpl, pr, t;
	int m[8], ms;

	for (int i = 0; i < 8; i++)
		m[i] = x[M3_MAV + i] <= 0 ? x[M3_AV + i] : x[M3_MAV + i] - 1;
	ms = m[4] == 1;
	pr = m[2] == 0 ? 0.85 : m[2] == 1 ? (ms ? 0.68 : 0.62) : (ms ? 0.5 : 0.27);
	miss = dmin(1 - (1 - w3_cr[x[M3_CR] < 0 ? 0 : x[M3_CR]] * w3_cia[m[5]]) *
	    (1 - w3_cr[x[M3_IR] < 0 ? 0 : x[M3_IR]] * w3_cia[m[6]]) *
	    (1 - w3_cr[x[M3_AR] < 0 ? 0 : x[M3_AR]] * w3_cia[m[7]]), 0.915);
	mimp = ms ? 7.52 * (miss - 0.029) - 3.25 * ipow(miss - 0.02, 15) : 6.42 * miss;
	mexpl = 8.22 * w3_av[m[0]] * w3_ac[m[1]] * pr * w3_ui[m[3]];
	t = w3_e[x[M3_E] < 0 ? 0 : x[M3_E]] * w3_rl[x[M3_RL] < 0 ? 0 : x[M3_RL]] *
	    w3_rc[x[M3_RC] < 0 ? 0 : x[M3_RC]];
	return mimp <= 0 ? 0 :
	    roundup31(roundup31(dmin(ms ? 1.08 * (mimp + mexpl) : mimp + mexpl, 10)) * t);
}

/* v2 - the base, temporal and environmental scores of CVSS v2 (the
 * CVSS v2 guide, section 3.2). */
static void
v2(const int x[M2__N], double out[3])
{
	double imp, expl, t, aimp, abase, atemp;
	int e = x[M2_E] < 0 ? 4 : x[M2_E], rl = x[M2_RL] < 0 ? 4 : x[M2_RL],
	    rc = x[M2_RC] < 0 ? 3 : x[M2_RC], cdp = x[M2_CDP] < 0 ? 5 : x[M2_CDP],
	    td = x[M2_TD] < 0 ? 4 : x[M2_TD], cr = x[M2_CR] < 0 ? 3 : x[M2_CR],
	    ir = x[M2_IR] < 0 ? 3 : x[M2_IR], ar = x[M2_AR] < 0 ? 3 : x[M2_AR];

	imp = 10.41 * (1 - (1 - w2_cia[x[M2_C]]) * (1 - w2_cia[x[M2_I]]) * (1 - w2_cia[x[M2_A]]));
	expl = 20 * w2_av[x[M2_AV]] * w2_ac[x[M2_AC]] * w2_au[x[M2_AU]];
	t = w2_e[e] * w2_rl[rl] * w2_rc[rc];
	out[0] = round1((0.6 * imp + 0.4 * expl - 1.5) * (imp == 0 ? 0 : 1.176));
	out[1] = round1(out[0] * t);
	aimp = dmin(10, 10.41 * (1 - (1 - w2_cia[x[M2_C]] * w2_cr[cr]) *
	    (1 - w2_cia[x[M2_I]] * w2_cr[ir]) * (1 - w2_cia[x[M2_A]] * w2_cr[ar])));
	abase = round1((0.6 * aimp + 0.4 * expl - 1.5) * (aimp == 0 ? 0 : 1.176));
	atemp = round1(abase * t);
	out[2] = round1((atemp + (10 - atemp) * w2_cdp[cdp]) * w2_td[td]);
}

static int
near(double a, double b)
{
	return dabs(a - b) < 1e-6;
}

/* cvss - a cvss_v2 or cvss_v3 object: its schema (FIRST's CVSS JSON
 * schemas, 6.1.8), its scores computed from its vector (6.1.9), its
 * properties against its vector (6.1.10). */
static void
cvss(struct ctx *c, const json_t *o, const char *path, int is3)
{
	const struct metric *m = is3 ? m3 : m2;
	const char *const *scores = is3 ? v3_scores : v2_scores;
	int nm = is3 ? M3__N : M2__N, idx[M3__N], bad = 0, minor = 0;
	const char *version = str_at(o, "version"), *vector = str_at(o, "vectorString"), *why;
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	double got[3];
	const char *key;
	json_t *v;

	/* 6.1.8: the object as its schema says */
	json_object_foreach((json_t *)o, key, v) {
		int k;

		path_key(p, path, key);
		if (strcmp(key, "version") == 0 || strcmp(key, "vectorString") == 0) {
			if (!json_is_string(v)) {
				prob(c, "6.1.8", p, "must be a string");
				bad = 1;
			}
			continue;
		}
		if (in_list(key, scores)) {
			if (strstr(key, "Severity")) {
				if (!json_is_string(v) || !in_list(json_string_value(v), e_severity)) {
					prob(c, "6.1.8", p, "must be one of NONE, LOW, MEDIUM, HIGH, CRITICAL");
					bad = 1;
				}
			} else if (!json_is_number(v) || json_number_value(v) < 0 ||
			    json_number_value(v) > 10) {
				prob(c, "6.1.8", p, "must be a number from 0 to 10");
				bad = 1;
			}
			continue;
		}
		for (k = 0; k < nm; k++)
			if (strcmp(key, m[k].prop) == 0)
				break;
		if (k == nm) {
			prob(c, "6.1.8", p, "unknown property of a CVSS v%d object", is3 ? 3 : 2);
			bad = 1;
		} else if (!json_is_string(v) || !in_list(json_string_value(v), m[k].names)) {
			prob(c, "6.1.8", p, "is not a value %s takes", m[k].prop);
			bad = 1;
		}
	}
	for (const char *const *r = (const char *const[]){ "version", "vectorString", "baseScore",
	    "baseSeverity", NULL }; *r; r++)
		if ((is3 || strcmp(*r, "baseSeverity") != 0) && !json_object_get(o, *r)) {
			prob(c, "6.1.8", path, "required property \"%s\" is missing", *r);
			bad = 1;
		}
	if (!version || !vector)
		return;
	if (is3 ? strcmp(version, "3.0") != 0 && strcmp(version, "3.1") != 0 :
	    strcmp(version, "2.0") != 0) {
		path_key(p, path, "version");
		prob(c, "6.1.8", p, "%s is not a version of CVSS v%d", shown(version, q), is3 ? 3 : 2);
		return;
	}
	path_key(p, path, "vectorString");
	if (is3) {
		if (strncmp(vector, "CVSS:", 5) != 0 || strncmp(vector + 5, version, 3) != 0 ||
		    vector[8] != '/') {
			prob(c, "6.1.8", p, "does not start with \"CVSS:%s/\"", version);
			return;
		}
		minor = version[2] - '0';
	}
	if ((why = vector_read(vector + (is3 ? 9 : 0), m, nm, idx)) != NULL) {
		prob(c, "6.1.8", p, "%s %s", shown(vector, q), why);
		return;
	}
	/* 6.1.10: every metric's property as its vector says */
	for (int k = 0; k < nm; k++) {
		const char *s = str_at(o, m[k].prop), *want;

		if (!s)
			continue;
		want = idx[k] >= 0 ? m[k].names[idx[k]] : "NOT_DEFINED";
		if (strcmp(s, want) != 0) {
			path_key(p, path, m[k].prop);
			prob(c, "6.1.10", p, "is %s, but the vector says %s", shown(s, q), want);
		}
	}
	if (bad)
		return;
	/* 6.1.9: the scores computed again */
	if (is3)
		v3(idx, got);
	else
		v2(idx, got);
	for (int i = 0; i < 3; i++) {
		const json_t *sv = json_object_get(o, is3 ? scores[2 * i] : scores[i]);
		const char *sev = is3 ? str_at(o, scores[2 * i + 1]) : NULL;
		double want = got[i];

		if (is3 && i == 2 && minor == 0 && json_is_number(sv) &&
		    near(json_number_value(sv), v3_0env(idx)))
			want = v3_0env(idx);
		if (json_is_number(sv) && !near(json_number_value(sv), want)) {
			path_key(p, path, is3 ? scores[2 * i] : scores[i]);
			prob(c, "6.1.9", p, "is %.1f, but the vector gives %.1f",
			    json_number_value(sv), want);
		}
		if (sev && strcmp(sev, severity3(want)) != 0) {
			path_key(p, path, scores[2 * i + 1]);
			prob(c, "6.1.9", p, "is %s, but the vector gives %s (%.1f)", sev,
			    severity3(want), want);
		}
	}
}

/* ---- the walk of the schema's rules ---------------------------------- */

/* A string found in the document, with a second key k, and the place i
 * it was first found: the tests find twins and look names up in a hash
 * set of these instead of comparing every pair. */
struct ent {
	const char *s;	/* NULL: an empty slot */
	size_t k, i;
};

struct ents {
	struct ent *v;
	size_t n, cap;	/* cap a power of two, at least twice n */
};

static uint64_t
ent_hash(const char *s, size_t k)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)k * 0x9e3779b97f4a7c15ull);

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static struct ent *
ents_slot(struct ent *v, size_t cap, const char *s, size_t k)
{
	size_t at = (size_t)ent_hash(s, k) & (cap - 1);

	while (v[at].s && (v[at].k != k || strcmp(v[at].s, s) != 0))
		at = (at + 1) & (cap - 1);
	return &v[at];
}

/* ents_put - the entry of (s, k): the one already there (*fresh 0), or a
 * new one with place i (*fresh 1); NULL out of memory. */
static const struct ent *
ents_put(struct ctx *c, struct ents *e, const char *s, size_t k, size_t i, int *fresh)
{
	struct ent *slot;

	if ((e->n + 1) * 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		struct ent *v = calloc(cap, sizeof *v);

		if (!v) {
			c->nomem = 1;
			return NULL;
		}
		for (size_t j = 0; j < e->cap; j++)
			if (e->v[j].s)
				*ents_slot(v, cap, e->v[j].s, e->v[j].k) = e->v[j];
		free(e->v);
		e->v = v;
		e->cap = cap;
	}
	slot = ents_slot(e->v, e->cap, s, k);
	*fresh = !slot->s;
	if (*fresh) {
		*slot = (struct ent){ s, k, i };
		e->n++;
	}
	return slot;
}

/* ents_get - the entry of (s, k), or NULL. */
static const struct ent *
ents_get(const struct ents *e, const char *s, size_t k)
{
	const struct ent *slot;

	if (!e || e->n == 0)
		return NULL;
	slot = ents_slot(e->v, e->cap, s, k);
	return slot->s ? slot : NULL;
}

static void
ents_free(struct ents *e)
{
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

/* unique - uniqueItems: every item of a after its twin is named.  Items
 * that are not strings are compared as jansson writes them with sorted
 * keys. */
static void
unique(struct ctx *c, const json_t *a, const char *path)
{
	struct ents e = { NULL, 0, 0 };
	char **dumps = calloc(json_array_size(a) + 1, sizeof *dumps);
	const struct ent *first;
	int fresh;
	char p[CSAF_PATH_MAX];
	size_t i;
	json_t *v;

	if (!dumps) {
		c->nomem = 1;
		return;
	}
	json_array_foreach(a, i, v) {
		const char *s;

		if (json_is_string(v)) {
			s = json_string_value(v);
		} else {
			dumps[i] = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			if (!dumps[i]) {
				c->nomem = 1;
				goto out;
			}
			s = dumps[i];
		}
		if ((first = ents_put(c, &e, s, json_is_string(v), i, &fresh)) == NULL)
			goto out;
		if (!fresh) {
			path_idx(p, path, i);
			prob(c, "schema", p, "repeats item [%zu] (uniqueItems)", first->i);
		}
	}
out:
	for (i = 0; i < json_array_size(a); i++)
		free(dumps[i]);
	free(dumps);
	ents_free(&e);
}

static void
str_rule(struct ctx *c, const char *s, const struct shape *sh, const char *path)
{
	char q[SHOWN_MAX + 8];
	size_t n = strlen(s), i;
	int64_t ms;
	struct ver v;

	if (n == 0 && sh->f != F_ENUM) {
		prob(c, "schema", path, "must not be empty");
		return;
	}
	switch (sh->f) {
	case F_TEXT:
		break;
	case F_TIME:
		if (!time_ms(s, &ms))
			prob(c, "schema", path, "%s is not an RFC 3339 date-time", shown(s, q));
		break;
	case F_URI:
		if (!uri_ok(s))
			prob(c, "schema", path, "%s is not a URI", shown(s, q));
		break;
	case F_VERSION:
		ver_read(s, &v);
		if (v.kind == V_BAD)
			prob(c, "schema", path,
			    "%s is neither integer nor semantic versioning", shown(s, q));
		break;
	case F_LANG:
		if (!lang_ok(s))
			prob(c, "schema", path, "%s is not a language tag (RFC 5646)", shown(s, q));
		break;
	case F_CVE:
		for (i = n < 13 ? 0 : 9; n >= 13 && is_digit(s[i]); i++)
			;
		if (n < 13 || strncmp(s, "CVE-", 4) != 0 || !all(s + 4, 4, is_digit) || s[8] != '-' ||
		    i < 13 || s[i] != '\0')
			prob(c, "schema", path, "%s is not CVE-YYYY-NNNN", shown(s, q));
		break;
	case F_CWE:
		for (i = 4; n > 4 && is_digit(s[i]); i++)
			;
		if (n <= 4 || strncmp(s, "CWE-", 4) != 0 || s[4] == '0' || i == 4 || i > 10 || s[i] != '\0')
			prob(c, "schema", path, "%s is not CWE-N", shown(s, q));
		break;
	case F_HEX:
		if (n < 32 || !all(s, n, is_hex))
			prob(c, "schema", path, "must be at least 32 hex digits");
		break;
	case F_PURL:
		if (!purl_pattern(s) || !uri_ok(s))
			prob(c, "schema", path, "%s is not pkg:TYPE/...", shown(s, q));
		break;
	case F_CPE:
		if (!cpe_ok(s))
			prob(c, "schema", path, "%s is not a CPE 2.2 or 2.3 name", shown(s, q));
		break;
	case F_CAT:
		if (is_space(s[0]) || strchr("-_.", s[0]) || is_space(s[n - 1]) ||
		    strchr("-_.", s[n - 1]))
			prob(c, "schema", path, "may not start or end with white space, '-', '_', '.'");
		break;
	case F_ID:
		if (is_space(s[0]) || is_space(s[n - 1]))
			prob(c, "schema", path, "may not start or end with white space");
		break;
	case F_ENUM:
		if (!in_list(s, sh->en)) {
			char list[160];
			size_t o = 0;

			for (const char *const *e = sh->en; *e && o < sizeof list - 40; e++)
				o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
				    e == sh->en ? "" : ", ", *e);
			prob(c, "schema", path, "%s is not one of %s", shown(s, q), list);
		}
		break;
	}
}

static int
member_named(const struct member *m, const char *key)
{
	for (; m->name; m++)
		if (strcmp(m->name, key) == 0)
			return 1;
	return 0;
}

/* walk - v against shape sh; recursion follows the document, whose depth
 * limits() has bounded. */
static void
walk(struct ctx *c, const json_t *v, const struct shape *sh, const char *path)
{
	static const char *const tname[] = { "a string", "an object", "an array", "a number" };
	char p[CSAF_PATH_MAX];
	const char *key;
	size_t i;
	json_t *x;

	if ((sh->t == J_STR && !json_is_string(v)) || (sh->t == J_OBJ && !json_is_object(v)) ||
	    (sh->t == J_ARR && !json_is_array(v)) || (sh->t == J_NUM && !json_is_number(v))) {
		prob(c, "schema", path, "must be %s", tname[sh->t]);
		return;
	}
	switch (sh->t) {
	case J_STR:
		str_rule(c, json_string_value(v), sh, path);
		return;
	case J_ARR:
		if (json_array_size(v) < sh->min)
			prob(c, "schema", path, "must have at least %u item%s", sh->min,
			    sh->min == 1 ? "" : "s");
		if (sh->uniq)
			unique(c, v, path);
		json_array_foreach(v, i, x) {
			path_idx(p, path, i);
			walk(c, x, sh->it, p);
		}
		return;
	case J_OBJ:
		if (sh->sp == SP_CVSS2 || sh->sp == SP_CVSS3) {
			cvss(c, v, path, sh->sp == SP_CVSS3);
			return;
		}
		if (json_object_size(v) < sh->min)
			prob(c, "schema", path, "must have at least %u propert%s", sh->min,
			    sh->min == 1 ? "y" : "ies");
		for (const struct member *m = sh->m; m->name; m++) {
			x = json_object_get(v, m->name);
			if (x) {
				path_key(p, path, m->name);
				walk(c, x, m->s, p);
			} else if (m->req) {
				prob(c, "schema", path, "required property \"%s\" is missing", m->name);
			}
		}
		json_object_foreach((json_t *)v, key, x)
			if (!member_named(sh->m, key)) {
				path_key(p, path, key);
				prob(c, "schema", p, "unknown property");
			}
		if (sh->sp == SP_BRANCH &&
		    !json_object_get(v, "branches") == !json_object_get(v, "product"))
			prob(c, "schema", path, "must have exactly one of \"branches\" and \"product\"");
		return;
	default:
		return;
	}
}

/* A place in the document on the way down: its path is built only when
 * a limit is passed there. */
struct frame {
	const struct frame *up;
	const char *key;	/* NULL: an array's item */
	size_t i;
};

static void
frame_path(const struct frame *f, char out[static CSAF_PATH_MAX])
{
	char up[CSAF_PATH_MAX];

	if (!f) {
		snprintf(out, CSAF_PATH_MAX, "$");
		return;
	}
	frame_path(f->up, up);
	if (f->key)
		path_key(out, up, f->key);
	else
		path_idx(out, up, f->i);
}

/* limits - the depth and array lengths of the whole document, before any
 * rule reads it: 1 when within them. */
static int
limits(struct ctx *c, const json_t *v, int depth, const struct frame *f)
{
	char p[CSAF_PATH_MAX];
	struct frame fr = { f, NULL, 0 };
	json_t *x;

	if (!json_is_object(v) && !json_is_array(v))
		return 1;
	if (depth > CSAF_DEPTH_MAX) {
		frame_path(f, p);
		prob(c, "limit", p, "nested deeper than %d levels", CSAF_DEPTH_MAX);
		return 0;
	}
	if (json_is_array(v)) {
		if (json_array_size(v) > CSAF_ITEMS_MAX) {
			frame_path(f, p);
			prob(c, "limit", p, "more than %d items", CSAF_ITEMS_MAX);
			return 0;
		}
		json_array_foreach(v, fr.i, x)
			if (!limits(c, x, depth + 1, &fr))
				return 0;
		return 1;
	}
	json_object_foreach((json_t *)v, fr.key, x)
		if (!limits(c, x, depth + 1, &fr))
			return 0;
	return 1;
}

/* ---- walks the tests share -------------------------------------------- */

typedef void (*node_fn)(struct ctx *c, const json_t *o, const char *path, void *arg);

/* each_branch - fn on every branch object under branches, depth first in
 * document order. */
static void
each_branch(struct ctx *c, const json_t *branches, const char *path, node_fn fn, void *arg)
{
	char p[CSAF_PATH_MAX], pb[CSAF_PATH_MAX];
	const json_t *b, *sub;
	size_t i;

	if (!json_is_array(branches))
		return;
	json_array_foreach(branches, i, b) {
		if (!json_is_object(b))
			continue;
		path_idx(p, path, i);
		fn(c, b, p, arg);
		if ((sub = arr_at(b, "branches")) != NULL) {
			path_key(pb, p, "branches");
			each_branch(c, sub, pb, fn, arg);
		}
	}
}

struct defs_arg {
	node_fn fn;
	void *arg;
};

static void
def_of_branch(struct ctx *c, const json_t *b, const char *path, void *arg)
{
	const struct defs_arg *d = arg;
	const json_t *pr = obj_at(b, "product");
	char p[CSAF_PATH_MAX];

	if (pr) {
		path_key(p, path, "product");
		d->fn(c, pr, p, d->arg);
	}
}

/* each_def - fn on every full product name of the product tree (o the
 * full_product_name object), in document order: branches,
 * full_product_names, relationships. */
static void
each_def(struct ctx *c, node_fn fn, void *arg)
{
	struct defs_arg d = { fn, arg };
	char p[CSAF_PATH_MAX], q[CSAF_PATH_MAX];
	const json_t *a, *x, *f;
	size_t i;

	each_branch(c, arr_at(c->tree, "branches"), "$.product_tree.branches", def_of_branch, &d);
	if ((a = arr_at(c->tree, "full_product_names")) != NULL)
		json_array_foreach(a, i, x)
			if (json_is_object(x)) {
				path_idx(p, "$.product_tree.full_product_names", i);
				fn(c, x, p, arg);
			}
	if ((a = arr_at(c->tree, "relationships")) != NULL)
		json_array_foreach(a, i, x)
			if ((f = obj_at(x, "full_product_name")) != NULL) {
				path_idx(q, "$.product_tree.relationships", i);
				path_key(p, q, "full_product_name");
				fn(c, f, p, arg);
			}
}

/* each_str - fn on every string of array a (o the string's json). */
static void
each_str(struct ctx *c, const json_t *a, const char *path, node_fn fn, void *arg)
{
	char p[CSAF_PATH_MAX];
	const json_t *x;
	size_t i;

	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, x)
		if (json_is_string(x)) {
			path_idx(p, path, i);
			fn(c, x, p, arg);
		}
}

/* each_in - fn on every string of o's member key, an array. */
static void
each_in(struct ctx *c, const json_t *o, const char *path, const char *key, node_fn fn, void *arg)
{
	char p[CSAF_PATH_MAX];

	if (!arr_at(o, key))
		return;
	path_key(p, path, key);
	each_str(c, arr_at(o, key), p, fn, arg);
}

static const char *const status_lists[] = { "first_affected", "known_affected",
	"last_affected", "known_not_affected", "first_fixed", "fixed", "under_investigation",
	"recommended", NULL };
/* the contradiction groups of 6.1.6, per status_lists; recommended none */
static const int status_group[] = { 0, 0, 0, 1, 2, 2, 3, -1 };
static const char *const group_name[] = { "Affected", "Not affected", "Fixed",
	"Under investigation" };

/* each_vuln_ref - fn on every product id a vulnerability refers to (its
 * product status, remediations, scores, threats, flags) with items
 * (remediations, ...) for which key ("product_ids", "group_ids") */
static void
each_vuln_ref(struct ctx *c, const char *key, node_fn fn, void *arg)
{
	static const char *const lists[] = { "remediations", "scores", "threats", "flags", NULL };
	char pv[CSAF_PATH_MAX], p[CSAF_PATH_MAX], pi[CSAF_PATH_MAX];
	const json_t *vuln, *ps, *a, *x;
	size_t v, i;

	if (!json_is_array(c->vulns))
		return;
	json_array_foreach(c->vulns, v, vuln) {
		path_idx(pv, "$.vulnerabilities", v);
		if (strcmp(key, "product_ids") == 0 && (ps = obj_at(vuln, "product_status")) != NULL) {
			path_key(p, pv, "product_status");
			for (int k = 0; status_lists[k]; k++)
				each_in(c, ps, p, status_lists[k], fn, arg);
		}
		for (int k = 0; lists[k]; k++) {
			if ((a = arr_at(vuln, lists[k])) == NULL)
				continue;
			path_key(p, pv, lists[k]);
			json_array_foreach(a, i, x) {
				path_idx(pi, p, i);
				each_in(c, x, pi, strcmp(lists[k], "scores") == 0 &&
				    strcmp(key, "product_ids") == 0 ? "products" : key, fn, arg);
			}
		}
	}
}

typedef void (*twin_fn)(struct ctx *c, const char *id, size_t first, size_t i, void *arg);

/* expand - the products item (number i) refers to, its product_ids and
 * its group_ids' members, into e with place i; twin, when not NULL, on
 * each found before in another item.  0 past EXPAND_MAX or out of
 * memory. */
static int
expand(struct ctx *c, struct ents *e, const json_t *item, size_t i, twin_fn twin, void *arg)
{
	const json_t *a, *x, *y, *ids;
	const struct ent *g, *t;
	size_t k, l;
	int fresh;

	if ((a = arr_at(item, "product_ids")) != NULL)
		json_array_foreach(a, k, x) {
			if (!json_is_string(x))
				continue;
			if (++c->expanded > EXPAND_MAX ||
			    (t = ents_put(c, e, json_string_value(x), 0, i, &fresh)) == NULL)
				goto over;
			if (!fresh && twin && t->i != i)
				twin(c, t->s, t->i, i, arg);
		}
	if ((a = arr_at(item, "group_ids")) != NULL)
		json_array_foreach(a, k, x) {
			g = json_is_string(x) ? ents_get(c->groups, json_string_value(x), 0) : NULL;
			ids = g ? arr_at(json_array_get(c->group_arr, g->i), "product_ids") : NULL;
			if (ids)
				json_array_foreach(ids, l, y) {
					if (!json_is_string(y))
						continue;
					if (++c->expanded > EXPAND_MAX ||
					    (t = ents_put(c, e, json_string_value(y), 0, i, &fresh)) == NULL)
						goto over;
					if (!fresh && twin && t->i != i)
						twin(c, t->s, t->i, i, arg);
				}
		}
	return 1;
over:
	if (c->expanded > EXPAND_MAX)
		c->toobig = 1;
	return 0;
}

/* ---- the mandatory tests (section 6.1) -------------------------------- */

static void
need_product(struct ctx *c, const json_t *s, const char *path, void *arg)
{
	char q[SHOWN_MAX + 8];

	(void)arg;
	if (!ents_get(c->defs, json_string_value(s), 0))
		prob(c, "6.1.1", path, "product %s is not defined in the product tree",
		    shown(json_string_value(s), q));
}

/* 6.1.1 Missing Definition of Product ID */
static void
t_6_1_1(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[CSAF_PATH_MAX];
	const json_t *a, *x;
	size_t i;

	if ((a = arr_at(c->tree, "product_groups")) != NULL)
		json_array_foreach(a, i, x) {
			path_idx(p, "$.product_tree.product_groups", i);
			each_in(c, x, p, "product_ids", need_product, NULL);
		}
	if ((a = arr_at(c->tree, "relationships")) != NULL)
		json_array_foreach(a, i, x) {
			path_idx(p, "$.product_tree.relationships", i);
			for (int k = 0; k < 2; k++) {
				const char *key = k ? "relates_to_product_reference" :
				    "product_reference";
				const json_t *s = json_is_object(x) ? json_object_get(x, key) : NULL;

				if (json_is_string(s)) {
					path_key(q, p, key);
					need_product(c, s, q, NULL);
				}
			}
		}
	each_vuln_ref(c, "product_ids", need_product, NULL);
}

struct dup_arg {
	size_t order;
	const char *test;
};

static void
def_twice(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	struct dup_arg *d = arg;
	const char *id = str_at(fpn, "product_id");
	const struct ent *first;
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

	if (!id)
		return;
	first = ents_get(c->defs, id, 0);
	if (first && first->i != d->order) {
		path_key(p, path, "product_id");
		prob(c, "6.1.2", p, "product %s is defined before", shown(id, q));
	}
	d->order++;
}

/* 6.1.2 Multiple Definition of Product ID */
static void
t_6_1_2(struct ctx *c)
{
	struct dup_arg d = { 0, "6.1.2" };

	each_def(c, def_twice, &d);
}

/* 6.1.3 Circular Definition of Product ID: a depth-first search of the
 * relationships, each an edge from the product it defines to the two it
 * names, with an explicit stack; an edge back to a relationship on the
 * stack closes a circle. */
static void
t_6_1_3(struct ctx *c)
{
	const json_t *rels = arr_at(c->tree, "relationships");
	size_t n = rels ? json_array_size(rels) : 0, top, i;
	struct ents e = { NULL, 0, 0 };
	unsigned char *color = NULL;
	struct step { size_t node; int edge; } *stack = NULL;
	int fresh;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		const char *id = str_at(obj_at(json_array_get(rels, i), "full_product_name"),
		    "product_id");

		if (id && !ents_put(c, &e, id, 0, i, &fresh))
			goto out;
	}
	color = calloc(n, 1);
	stack = calloc(n, sizeof *stack);
	if (!color || !stack) {
		c->nomem = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (color[i])
			continue;
		top = 0;
		stack[top++] = (struct step){ i, 0 };
		color[i] = 1;
		while (top > 0) {
			struct step *s = &stack[top - 1];
			const json_t *r = json_array_get(rels, s->node);
			const char *ref;
			const struct ent *to;

			if (s->edge == 2) {
				color[s->node] = 2;
				top--;
				continue;
			}
			ref = str_at(r, s->edge++ ? "relates_to_product_reference" : "product_reference");
			to = ref ? ents_get(&e, ref, 0) : NULL;
			if (!to)
				continue;
			if (color[to->i] == 1) {
				char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

				snprintf(p, sizeof p,
				    "$.product_tree.relationships[%zu].full_product_name.product_id", to->i);
				prob(c, "6.1.3", p, "product %s is defined through itself",
				    shown(to->s, q));
				color[to->i] = 3;	/* named once */
			} else if (color[to->i] == 0) {
				color[to->i] = 1;
				stack[top++] = (struct step){ to->i, 0 };
			}
		}
	}
out:
	free(color);
	free(stack);
	ents_free(&e);
}

static void
need_group(struct ctx *c, const json_t *s, const char *path, void *arg)
{
	char q[SHOWN_MAX + 8];

	(void)arg;
	if (!ents_get(c->groups, json_string_value(s), 0))
		prob(c, "6.1.4", path, "product group %s is not defined in the product tree",
		    shown(json_string_value(s), q));
}

/* 6.1.4 Missing Definition of Product Group ID */
static void
t_6_1_4(struct ctx *c)
{
	each_vuln_ref(c, "group_ids", need_group, NULL);
}

/* twins - in array a of objects, every item whose string member key was
 * seen in an earlier item is named under test. */
static void
twins(struct ctx *c, const json_t *a, const char *path, const char *key, const char *test,
    const char *what)
{
	struct ents e = { NULL, 0, 0 };
	char p[CSAF_PATH_MAX], pk[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *x;
	size_t i;

	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, x) {
		const char *s = str_at(x, key);
		const struct ent *first;
		int fresh;

		if (!s)
			continue;
		if ((first = ents_put(c, &e, s, 0, i, &fresh)) == NULL)
			break;
		if (!fresh) {
			path_idx(p, path, i);
			path_key(pk, p, key);
			prob(c, test, pk, "%s %s is in item [%zu] too", what, shown(s, q), first->i);
		}
	}
	ents_free(&e);
}

/* 6.1.5 Multiple Definition of Product Group ID */
static void
t_6_1_5(struct ctx *c)
{
	twins(c, arr_at(c->tree, "product_groups"), "$.product_tree.product_groups", "group_id",
	    "6.1.5", "group");
}

/* 6.1.6 Contradicting Product Status */
static void
t_6_1_6(struct ctx *c)
{
	const size_t m = CSAF_ITEMS_MAX + 1;	/* a place: list * m + item */
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *vuln, *ps, *a, *x;
	const struct ent *first;
	size_t v, j;
	int fresh;

	json_array_foreach(c->vulns, v, vuln) {
		struct ents e = { NULL, 0, 0 };

		if ((ps = obj_at(vuln, "product_status")) == NULL)
			continue;
		for (int k = 0; status_group[k] >= 0; k++) {
			if ((a = arr_at(ps, status_lists[k])) == NULL)
				continue;
			json_array_foreach(a, j, x) {
				int g0, g1 = status_group[k];

				if (!json_is_string(x))
					continue;
				if ((first = ents_put(c, &e, json_string_value(x), 0, (size_t)k * m + j,
				    &fresh)) == NULL)
					goto next;
				g0 = status_group[first->i / m];
				if (fresh || g0 == g1)
					continue;
				snprintf(p, sizeof p, "$.vulnerabilities[%zu].product_status.%s[%zu]", v,
				    status_lists[k], j);
				prob(c, "6.1.6", p, "product %s is both \"%s\" and \"%s\"",
				    shown(first->s, q), group_name[g0], group_name[g1]);
			}
		}
next:
		ents_free(&e);
	}
}

/* 6.1.7 Multiple Scores with same Version per Product */
static void
t_6_1_7(struct ctx *c)
{
	static const char *const versions[] = { "2.0", "3.0", "3.1", NULL };
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *vuln, *scores, *s, *x;
	size_t v, i, k;

	json_array_foreach(c->vulns, v, vuln) {
		struct ents e = { NULL, 0, 0 };

		if ((scores = arr_at(vuln, "scores")) == NULL)
			continue;
		json_array_foreach(scores, i, s) {
			const char *v3 = str_at(obj_at(s, "cvss_v3"), "version");

			for (int n = 0; n < 2; n++) {
				const char *ver = n == 0 ? (obj_at(s, "cvss_v2") ? "2.0" : NULL) : v3;
				int vi;

				if (!ver || (vi = list_index(ver, strlen(ver), versions)) < 0)
					continue;
				if (!arr_at(s, "products"))
					continue;
				json_array_foreach(arr_at(s, "products"), k, x) {
					const struct ent *first;
					int fresh;

					if (!json_is_string(x))
						continue;
					if ((first = ents_put(c, &e, json_string_value(x), (size_t)vi, i,
					    &fresh)) == NULL)
						goto next;
					if (fresh || first->i == i)
						continue;
					snprintf(p, sizeof p, "$.vulnerabilities[%zu].scores[%zu]", v, i);
					prob(c, "6.1.7", p, "product %s has a CVSS v%s score in scores[%zu] too",
					    shown(first->s, q), versions[vi], first->i);
				}
			}
		}
next:
		ents_free(&e);
	}
}

/* 6.1.11 CWE: only in part, with no catalogue of CWE to hand: an id of
 * this list of long-standing weaknesses must carry its name (case aside);
 * any other id in the pattern's form passes. */
static const struct {
	const char *id, *name;
} cwes[] = {
	{ "CWE-20", "Improper Input Validation" },
	{ "CWE-22", "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')" },
	{ "CWE-78", "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')" },
	{ "CWE-79", "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" },
	{ "CWE-89", "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')" },
	{ "CWE-119", "Improper Restriction of Operations within the Bounds of a Memory Buffer" },
	{ "CWE-125", "Out-of-bounds Read" },
	{ "CWE-190", "Integer Overflow or Wraparound" },
	{ "CWE-352", "Cross-Site Request Forgery (CSRF)" },
	{ "CWE-416", "Use After Free" },
	{ "CWE-434", "Unrestricted Upload of File with Dangerous Type" },
	{ "CWE-476", "NULL Pointer Dereference" },
	{ "CWE-502", "Deserialization of Untrusted Data" },
	{ "CWE-611", "Improper Restriction of XML External Entity Reference" },
	{ "CWE-787", "Out-of-bounds Write" },
	{ "CWE-798", "Use of Hard-coded Credentials" },
	{ "CWE-862", "Missing Authorization" },
	{ "CWE-863", "Incorrect Authorization" },
	{ "CWE-918", "Server-Side Request Forgery (SSRF)" },
};

static void
t_6_1_11(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *vuln;
	size_t v;

	json_array_foreach(c->vulns, v, vuln) {
		const json_t *cwe = obj_at(vuln, "cwe");
		const char *id = str_at(cwe, "id"), *name = str_at(cwe, "name");

		if (!id || !name)
			continue;
		for (size_t k = 0; k < sizeof cwes / sizeof cwes[0]; k++)
			if (strcmp(id, cwes[k].id) == 0 && strcasecmp(name, cwes[k].name) != 0) {
				snprintf(p, sizeof p, "$.vulnerabilities[%zu].cwe.name", v);
				prob(c, "6.1.11", p, "%s is not the name of %s", shown(name, q), id);
			}
	}
}

/* 6.1.12 Language: the syntax of RFC 5646 is the schema's; here the
 * primary language subtag, when it has two letters, must be an ISO 639-1
 * code the IANA registry holds (its deprecated ones included).  Other
 * subtags are not looked up. */
static int
iso639_1(const char *s)
{
	static const char codes[] =
	    "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeset"
	    "eufafffifjfofrfygagdglgngugvhahehihohrhthuhyhziaidieigiiikinioisitiuiwjajijvjwkakg"
	    "kikjkkklkmknkokrkskukvkwkylalblglilnloltlulvmgmhmimkmlmnmomrmsmtmynanbndnengnlnnno"
	    "nrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgshsiskslsmsnsosqsrssstsusvswtatetg"
	    "thtitktltntotrtstttwtyugukuruzvevivowawoxhyiyozazhzu";
	char a = (char)(s[0] | 0x20), b = (char)(s[1] | 0x20);

	for (size_t i = 0; i + 1 < sizeof codes; i += 2)
		if (codes[i] == a && codes[i + 1] == b)
			return 1;
	return 0;
}

static void
t_6_1_12(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

	for (int k = 0; k < 2; k++) {
		const char *key = k ? "source_lang" : "lang", *s = str_at(c->doc, key);

		if (!s || !lang_ok(s) || sub(s) != 2 || iso639_1(s))
			continue;
		path_key(p, "$.document", key);
		prob(c, "6.1.12", p, "%s is not a language ISO 639-1 knows", shown(s, q));
	}
}

static void
purl_of(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	const char *s = str_at(obj_at(fpn, "product_identification_helper"), "purl"), *why;
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

	(void)arg;
	if (s && purl_pattern(s) && (why = purl_why(s)) != NULL) {
		path_put(p, path, ".product_identification_helper.purl");
		prob(c, "6.1.13", p, "%s %s", shown(s, q), why);
	}
}

/* 6.1.13 PURL */
static void
t_6_1_13(struct ctx *c)
{
	each_def(c, purl_of, NULL);
}

/* The revision history: each item with a date and a number that read. */
struct rev {
	int64_t ms;
	int32_t ns;
	size_t i;
	struct ver v;
};

static int
rev_cmp(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;

	int r;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if ((r = ver_cmp(&x->v, &y->v)) != 0)	/* on one date, by number */
		return r;
	return (x->i > y->i) - (x->i < y->i);
}

/* revs - the items of revision_history sorted by date (then number), and
 * their count; *mixed when integer and semantic versions both occur. */
static struct rev *
revs(struct ctx *c, size_t *n, int *mixed)
{
	const json_t *a = arr_at(obj_at(c->doc, "tracking"), "revision_history"), *x;
	struct rev *r;
	size_t i;
	int kinds = 0;

	*n = 0;
	*mixed = 0;
	if (!a || json_array_size(a) == 0)
		return NULL;
	if ((r = calloc(json_array_size(a), sizeof *r)) == NULL) {
		c->nomem = 1;
		return NULL;
	}
	json_array_foreach(a, i, x) {
		const char *d = str_at(x, "date"), *num = str_at(x, "number");
		struct rev *e = &r[*n];

		if (!d || !num || !time_sub(d, &e->ms, &e->ns))
			continue;
		ver_read(num, &e->v);
		if (e->v.kind == V_BAD)
			continue;
		kinds |= 1 << e->v.kind;
		e->i = i;
		(*n)++;
	}
	*mixed = kinds == ((1 << V_INT) | (1 << V_SEM));
	qsort(r, *n, sizeof *r, rev_cmp);
	return r;
}

/* 6.1.14 Sorted Revision History: by date, the numbers ascend. */
static void
t_6_1_14(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8], q2[SHOWN_MAX + 8];
	size_t n, i;
	int mixed;
	struct rev *r = revs(c, &n, &mixed);

	for (i = 1; r && !mixed && i < n; i++)
		if (ver_cmp(&r[i - 1].v, &r[i].v) > 0) {
			snprintf(p, sizeof p, "$.document.tracking.revision_history[%zu].number", r[i].i);
			prob(c, "6.1.14", p, "%s is dated after %s but numbered before it",
			    shown(r[i].v.s, q), shown(r[i - 1].v.s, q2));
		}
	free(r);
}

/* 6.1.16 Latest Document Version: the version is the number of the last
 * revision by date (of several on that date, the highest), build
 * metadata aside, and a draft's pre-release part aside. */
static void
t_6_1_16(struct ctx *c)
{
	const json_t *tr = obj_at(c->doc, "tracking");
	const char *version = str_at(tr, "version"), *st = str_at(tr, "status");
	char q[SHOWN_MAX + 8], q2[SHOWN_MAX + 8];
	size_t n, last, la, lb;
	int mixed, draft = st && strcmp(st, "draft") == 0;
	struct rev *r = revs(c, &n, &mixed);
	struct ver v;

	if (!r || n == 0 || mixed || !version)
		goto out;
	last = n - 1;
	ver_read(version, &v);
	if (v.kind == V_BAD)
		goto out;
	la = draft && v.pre_len ? v.pre - 1 : v.core_len;
	lb = draft && r[last].v.pre_len ? r[last].v.pre - 1 : r[last].v.core_len;
	if (la != lb || memcmp(version, r[last].v.s, la) != 0)
		prob(c, "6.1.16", "$.document.tracking.version",
		    "%s, but the latest revision is %s", shown(version, q), shown(r[last].v.s, q2));
out:
	free(r);
}

/* major - the major version (an integer version's number) of v into
 * *out; 0 when it has more than 18 digits. */
static int
major(const struct ver *v, uint64_t *out)
{
	*out = 0;
	if (v->num[0][1] > 18)
		return 0;
	for (size_t k = 0; k < v->num[0][1]; k++)
		*out = *out * 10 + (uint64_t)(v->s[v->num[0][0] + k] - '0');
	return 1;
}

/* 6.1.21 Missing Item in Revision History: by date, no major version
 * left out, the first 0 or 1. */
static void
t_6_1_21(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8], q2[SHOWN_MAX + 8];
	size_t n, i;
	int mixed;
	struct rev *r = revs(c, &n, &mixed);
	uint64_t cur, prev;

	for (i = 0; r && !mixed && i < n; i++) {
		int small = major(&r[i].v, &cur);

		snprintf(p, sizeof p, "$.document.tracking.revision_history[%zu].number", r[i].i);
		if (i == 0) {
			if (!small || cur > 1)
				prob(c, "6.1.21", p, "the first revision is %s, not 0 or 1",
				    shown(r[i].v.s, q));
			continue;
		}
		if (small && major(&r[i - 1].v, &prev) ? cur <= prev + 1 :
		    num_cmp(r[i].v.s + r[i].v.num[0][0], r[i].v.num[0][1],
		    r[i - 1].v.s + r[i - 1].v.num[0][0], r[i - 1].v.num[0][1]) <= 0)
			continue;
		prob(c, "6.1.21", p, "%s follows %s: a version between is missing",
		    shown(r[i].v.s, q), shown(r[i - 1].v.s, q2));
	}
	free(r);
}

/* 6.1.15 Translator */
static void
t_6_1_15(struct ctx *c)
{
	const char *cat = str_at(obj_at(c->doc, "publisher"), "category");

	if (cat && strcmp(cat, "translator") == 0 && !json_object_get(c->doc, "source_lang"))
		prob(c, "6.1.15", "$.document.source_lang",
		    "is missing, but the publisher is a translator");
}

/* tracking_ver - tracking.version read, and the status; 0 when either
 * is missing or the version reads as neither form. */
static int
tracking_ver(struct ctx *c, struct ver *v, const char **st)
{
	const json_t *tr = obj_at(c->doc, "tracking");
	const char *version = str_at(tr, "version");

	*st = str_at(tr, "status");
	if (!version || !*st)
		return 0;
	ver_read(version, v);
	return v->kind != V_BAD;
}

static int
released(const char *st)
{
	return st && (strcmp(st, "final") == 0 || strcmp(st, "interim") == 0);
}

/* 6.1.17 Document Status Draft: version 0, 0.y.z or a pre-release is a
 * draft's. */
static void
t_6_1_17(struct ctx *c)
{
	char q[SHOWN_MAX + 8], q2[SHOWN_MAX + 8];
	const char *st;
	struct ver v;

	if (tracking_ver(c, &v, &st) && (ver_zero(&v) || v.pre_len) && strcmp(st, "draft") != 0)
		prob(c, "6.1.17", "$.document.tracking.status",
		    "is %s, but version %s is a draft's", shown(st, q), shown(v.s, q2));
}

/* revisions - fn on each revision's number that reads as a version. */
static void
revisions(struct ctx *c, void (*fn)(struct ctx *c, const struct ver *v, const char *path,
    const char *st))
{
	const json_t *tr = obj_at(c->doc, "tracking"), *a = arr_at(tr, "revision_history"), *x;
	char p[CSAF_PATH_MAX];
	size_t i;

	if (!a)
		return;
	json_array_foreach(a, i, x) {
		const char *num = str_at(x, "number");
		struct ver v;

		if (!num)
			continue;
		ver_read(num, &v);
		if (v.kind == V_BAD)
			continue;
		snprintf(p, sizeof p, "$.document.tracking.revision_history[%zu].number", i);
		fn(c, &v, p, str_at(tr, "status"));
	}
}

static void
rev_zero(struct ctx *c, const struct ver *v, const char *path, const char *st)
{
	char q[SHOWN_MAX + 8];

	if (released(st) && ver_zero(v))
		prob(c, "6.1.18", path, "%s is a draft's, but the status is %s", shown(v->s, q), st);
}

/* 6.1.18 Released Revision History */
static void
t_6_1_18(struct ctx *c)
{
	revisions(c, rev_zero);
}

static void
rev_pre(struct ctx *c, const struct ver *v, const char *path, const char *st)
{
	char q[SHOWN_MAX + 8];

	(void)st;
	if (v->pre_len)
		prob(c, "6.1.19", path, "%s is a pre-release", shown(v->s, q));
}

/* 6.1.19 Revision History Entries for Pre-release Versions */
static void
t_6_1_19(struct ctx *c)
{
	revisions(c, rev_pre);
}

/* 6.1.20 Non-draft Document Version */
static void
t_6_1_20(struct ctx *c)
{
	const char *st;
	struct ver v;

	if (tracking_ver(c, &v, &st) && v.pre_len && released(st))
		prob(c, "6.1.20", "$.document.tracking.version",
		    "has a pre-release part, but the status is %s", st);
}

/* 6.1.22 Multiple Definition in Revision History */
static void
t_6_1_22(struct ctx *c)
{
	twins(c, arr_at(obj_at(c->doc, "tracking"), "revision_history"),
	    "$.document.tracking.revision_history", "number", "6.1.22", "version");
}

/* 6.1.23 Multiple Use of Same CVE */
static void
t_6_1_23(struct ctx *c)
{
	twins(c, c->vulns, "$.vulnerabilities", "cve", "6.1.23", "CVE");
}

/* 6.1.24 Multiple Definition in Involvements: one party at one date (or
 * with no date) once. */
static void
t_6_1_24(struct ctx *c)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *vuln, *a, *x;
	size_t v, i;

	json_array_foreach(c->vulns, v, vuln) {
		struct ents e = { NULL, 0, 0 };

		if ((a = arr_at(vuln, "involvements")) == NULL)
			continue;
		json_array_foreach(a, i, x) {
			const char *party = str_at(x, "party"), *d = str_at(x, "date");
			const struct ent *first;
			int64_t ms = 0;
			int fresh;

			if (!party || (d && !time_ms(d, &ms)))
				continue;
			/* the instant as the second key; 0 for none */
			first = ents_put(c, &e, party, d ? ((size_t)ms << 1) | 1 : 0, i, &fresh);
			if (!first)
				break;
			if (!fresh) {
				snprintf(p, sizeof p, "$.vulnerabilities[%zu].involvements[%zu]", v, i);
				prob(c, "6.1.24", p, "party %s at this date is in involvements[%zu] too",
				    shown(party, q), first->i);
			}
		}
		ents_free(&e);
	}
}

static void
hashes_of(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	const json_t *a = arr_at(obj_at(fpn, "product_identification_helper"), "hashes"), *x;
	char p[CSAF_PATH_MAX], pi[CSAF_PATH_MAX], pf[CSAF_PATH_MAX];
	size_t i;

	(void)arg;
	if (!a)
		return;
	path_put(p, path, ".product_identification_helper.hashes");
	json_array_foreach(a, i, x) {
		path_idx(pi, p, i);
		path_key(pf, pi, "file_hashes");
		twins(c, arr_at(x, "file_hashes"), pf, "algorithm", "6.1.25", "hash algorithm");
	}
}

/* 6.1.25 Multiple Use of Same Hash Algorithm */
static void
t_6_1_25(struct ctx *c)
{
	each_def(c, hashes_of, NULL);
}

/* squeeze - s lower case without '-', '_' and white space, into out;
 * 0 when it does not fit. */
static int
squeeze(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s; s++) {
		if (*s == '-' || *s == '_' || is_space(*s))
			continue;
		if (o + 1 >= cap)
			return 0;
		out[o++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s | 0x20) : *s;
	}
	out[o] = '\0';
	return 1;
}

static const char *const profiles[] = { "csaf_base", "csaf_security_incident_response",
	"csaf_informational_advisory", "csaf_security_advisory", "csaf_vex", NULL };

/* 6.1.26 Prohibited Document Category Name */
static void
t_6_1_26(struct ctx *c)
{
	static const char *const names[] = { "securityincidentresponse", "informationaladvisory",
		"securityadvisory", "vex", "csafsecurityincidentresponse",
		"csafinformationaladvisory", "csafsecurityadvisory", "csafvex", NULL };
	const char *cat = str_at(c->doc, "category");
	char sq[64], q[SHOWN_MAX + 8];

	if (!cat || in_list(cat, profiles))
		return;
	if (strncasecmp(cat, "csaf_", 5) == 0)
		prob(c, "6.1.26", "$.document.category",
		    "%s uses the prefix csaf_ reserved for the profiles", shown(cat, q));
	else if (squeeze(cat, sq, sizeof sq) && in_list(sq, names))
		prob(c, "6.1.26", "$.document.category", "%s is the name of a profile",
		    shown(cat, q));
}

/* covered - the products items (remediations, flags, threats of category
 * cat when cat is not NULL) name, directly or through groups, sorted. */
static int
covered(struct ctx *c, const json_t *items, const char *cat, struct ents *e, twin_fn twin,
    void *arg)
{
	const json_t *x;
	size_t i;

	if (json_is_array(items))
		json_array_foreach(items, i, x) {
			const char *xc = str_at(x, "category");

			if (cat && (!xc || strcmp(xc, cat) != 0))
				continue;
			if (!expand(c, e, x, i, twin, arg))
				return 0;
		}
	return 1;
}

/* The profile tests (6.1.27) apply by document category. */
static int
is_cat(struct ctx *c, const char *a, const char *b)
{
	const char *cat = str_at(c->doc, "category");

	return cat && (strcmp(cat, a) == 0 || (b && strcmp(cat, b) == 0));
}

#define IA "csaf_informational_advisory"
#define SIR "csaf_security_incident_response"
#define SA "csaf_security_advisory"
#define VEX "csaf_vex"

/* has_item - 1 when array a has an item whose category is in cats. */
static int
has_item(const json_t *a, const char *const *cats)
{
	const json_t *x;
	size_t i;

	if (json_is_array(a))
		json_array_foreach(a, i, x) {
			const char *cat = str_at(x, "category");

			if (cat && in_list(cat, cats))
				return 1;
		}
	return 0;
}

/* 6.1.27.1 Document Notes */
static void
t_6_1_27_1(struct ctx *c)
{
	static const char *const kinds[] = { "description", "details", "general", "summary", NULL };

	if (is_cat(c, IA, SIR) && !has_item(json_object_get(c->doc, "notes"), kinds))
		prob(c, "6.1.27.1", "$.document.notes", "%s needs a note of category "
		    "description, details, general or summary", str_at(c->doc, "category"));
}

/* 6.1.27.2 Document References */
static void
t_6_1_27_2(struct ctx *c)
{
	static const char *const kinds[] = { "external", NULL };

	if (is_cat(c, IA, SIR) && !has_item(json_object_get(c->doc, "references"), kinds))
		prob(c, "6.1.27.2", "$.document.references",
		    "%s needs a reference of category external", str_at(c->doc, "category"));
}

/* 6.1.27.3 Vulnerabilities (none in an informational advisory) */
static void
t_6_1_27_3(struct ctx *c)
{
	if (is_cat(c, IA, NULL) && json_object_get(c->root, "vulnerabilities"))
		prob(c, "6.1.27.3", "$.vulnerabilities", IA " may not have vulnerabilities");
}

/* 6.1.27.4 Product Tree */
static void
t_6_1_27_4(struct ctx *c)
{
	if (is_cat(c, SA, VEX) && !json_object_get(c->root, "product_tree"))
		prob(c, "6.1.27.4", "$.product_tree", "%s needs a product tree",
		    str_at(c->doc, "category"));
}

/* each_vuln_without - test on every vulnerability that lacks member key
 * (path .key) when the category is a or b. */
static void
each_vuln_without(struct ctx *c, const char *a, const char *b, const char *key,
    const char *test)
{
	char p[CSAF_PATH_MAX];
	const json_t *vuln;
	size_t v;

	if (!is_cat(c, a, b))
		return;
	json_array_foreach(c->vulns, v, vuln)
		if (json_is_object(vuln) && !json_object_get(vuln, key)) {
			snprintf(p, sizeof p, "$.vulnerabilities[%zu].%s", v, key);
			prob(c, test, p, "is required in a document of category %s",
			    str_at(c->doc, "category"));
		}
}

/* 6.1.27.5 Vulnerability Notes */
static void
t_6_1_27_5(struct ctx *c)
{
	each_vuln_without(c, SA, VEX, "notes", "6.1.27.5");
}

/* 6.1.27.6 Product Status */
static void
t_6_1_27_6(struct ctx *c)
{
	each_vuln_without(c, SA, NULL, "product_status", "6.1.27.6");
}

/* 6.1.27.7 VEX Product Status */
static void
t_6_1_27_7(struct ctx *c)
{
	char p[CSAF_PATH_MAX];
	const json_t *vuln, *ps;
	size_t v;

	if (!is_cat(c, VEX, NULL))
		return;
	json_array_foreach(c->vulns, v, vuln) {
		if (!json_is_object(vuln))
			continue;
		ps = obj_at(vuln, "product_status");
		if (json_object_get(ps, "fixed") || json_object_get(ps, "known_affected") ||
		    json_object_get(ps, "known_not_affected") ||
		    json_object_get(ps, "under_investigation"))
			continue;
		snprintf(p, sizeof p, "$.vulnerabilities[%zu].product_status", v);
		prob(c, "6.1.27.7", p, "has none of fixed, known_affected, known_not_affected, "
		    "under_investigation");
	}
}

/* 6.1.27.8 Vulnerability ID */
static void
t_6_1_27_8(struct ctx *c)
{
	char p[CSAF_PATH_MAX];
	const json_t *vuln;
	size_t v;

	if (!is_cat(c, VEX, NULL))
		return;
	json_array_foreach(c->vulns, v, vuln)
		if (json_is_object(vuln) && !json_object_get(vuln, "cve") &&
		    !json_object_get(vuln, "ids")) {
			snprintf(p, sizeof p, "$.vulnerabilities[%zu]", v);
			prob(c, "6.1.27.8", p, "has neither cve nor ids");
		}
}

/* statements - each product of status list (of each vulnerability) that
 * no item of the lists named covers, directly or through a group, is
 * named under test. */
static void
statements(struct ctx *c, const char *list, int impact, const char *test, const char *what)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	const json_t *vuln, *a, *x;
	size_t v, i;

	if (!is_cat(c, VEX, NULL))
		return;
	json_array_foreach(c->vulns, v, vuln) {
		struct ents e = { NULL, 0, 0 };
		int ok = impact ? covered(c, arr_at(vuln, "flags"), NULL, &e, NULL, NULL) &&
		    covered(c, arr_at(vuln, "threats"), "impact", &e, NULL, NULL) :
		    covered(c, arr_at(vuln, "remediations"), NULL, &e, NULL, NULL);

		if (ok && (a = arr_at(obj_at(vuln, "product_status"), list)) != NULL)
			json_array_foreach(a, i, x) {
				if (!json_is_string(x) || ents_get(&e, json_string_value(x), 0))
					continue;
				snprintf(p, sizeof p, "$.vulnerabilities[%zu].product_status.%s[%zu]", v,
				    list, i);
				prob(c, test, p, "product %s has no %s", shown(json_string_value(x), q),
				    what);
			}
		ents_free(&e);
	}
}

/* 6.1.27.9 Impact Statement */
static void
t_6_1_27_9(struct ctx *c)
{
	statements(c, "known_not_affected", 1, "6.1.27.9",
	    "impact statement (a flag or a threat of category impact)");
}

/* 6.1.27.10 Action Statement */
static void
t_6_1_27_10(struct ctx *c)
{
	statements(c, "known_affected", 0, "6.1.27.10", "action statement (a remediation)");
}

/* 6.1.27.11 Vulnerabilities (required in advisories and VEX) */
static void
t_6_1_27_11(struct ctx *c)
{
	if (is_cat(c, SA, VEX) && !json_object_get(c->root, "vulnerabilities"))
		prob(c, "6.1.27.11", "$.vulnerabilities", "%s needs vulnerabilities",
		    str_at(c->doc, "category"));
}

/* 6.1.28 Translation */
static void
t_6_1_28(struct ctx *c)
{
	const char *lang = str_at(c->doc, "lang"), *src = str_at(c->doc, "source_lang");
	char q[SHOWN_MAX + 8];

	if (lang && src && strcasecmp(lang, src) == 0)
		prob(c, "6.1.28", "$.document.source_lang", "%s is the document's language too",
		    shown(src, q));
}

/* unreferenced - test on each item of each vulnerability's list that
 * names neither product_ids nor group_ids. */
static void
unreferenced(struct ctx *c, const char *list, const char *test)
{
	char p[CSAF_PATH_MAX];
	const json_t *vuln, *a, *x;
	size_t v, i;

	json_array_foreach(c->vulns, v, vuln) {
		if ((a = arr_at(vuln, list)) == NULL)
			continue;
		json_array_foreach(a, i, x)
			if (json_is_object(x) && !json_object_get(x, "product_ids") &&
			    !json_object_get(x, "group_ids")) {
				snprintf(p, sizeof p, "$.vulnerabilities[%zu].%s[%zu]", v, list, i);
				prob(c, test, p, "has neither product_ids nor group_ids");
			}
	}
}

/* 6.1.29 Remediation without Product Reference */
static void
t_6_1_29(struct ctx *c)
{
	unreferenced(c, "remediations", "6.1.29");
}

/* 6.1.32 Flag without Product Reference */
static void
t_6_1_32(struct ctx *c)
{
	unreferenced(c, "flags", "6.1.32");
}

/* 6.1.30 Mixed Integer and Semantic Versioning */
static void
t_6_1_30(struct ctx *c)
{
	const json_t *tr = obj_at(c->doc, "tracking"), *a = arr_at(tr, "revision_history"), *x;
	const char *version = str_at(tr, "version");
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];
	struct ver v, w;
	size_t i;

	if (!version)
		return;
	ver_read(version, &v);
	if (v.kind == V_BAD || !a)
		return;
	json_array_foreach(a, i, x) {
		const char *num = str_at(x, "number");

		if (!num)
			continue;
		ver_read(num, &w);
		if (w.kind != V_BAD && w.kind != v.kind) {
			snprintf(p, sizeof p, "$.document.tracking.revision_history[%zu].number", i);
			prob(c, "6.1.30", p, "%s is %s versioning, the document's version %s",
			    shown(num, q), w.kind == V_INT ? "integer" : "semantic",
			    v.kind == V_INT ? "integer" : "semantic");
		}
	}
}

/* has_word - word (lower case) in s as a whole word between white space
 * (or the ends), case aside. */
static int
has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; *p; p++)
		if ((p == s || is_space(p[-1])) && strncasecmp(p, word, n) == 0 &&
		    (p[n] == '\0' || is_space(p[n])))
			return 1;
	return 0;
}

static void
range_in(struct ctx *c, const json_t *b, const char *path, void *arg)
{
	static const char *const words[] = { "after", "all", "before", "earlier", "later",
		"prior", "versions", NULL };
	const char *cat = str_at(b, "category"), *name = str_at(b, "name"), *hit = NULL;
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

	(void)arg;
	if (!cat || !name || strcmp(cat, "product_version") != 0)
		return;
	if (strchr(name, '<'))
		hit = "<";
	else if (strchr(name, '>'))
		hit = ">";
	for (const char *const *w = words; !hit && *w; w++)
		if (has_word(name, *w))
			hit = *w;
	if (hit) {
		path_key(p, path, "name");
		prob(c, "6.1.31", p, "%s names a range of versions (\"%s\")", shown(name, q), hit);
	}
}

/* 6.1.31 Version Range in Product Version: '<' or '>' anywhere, or one of
 * the words of the test as a word of its own ("after-eight" is a name, as
 * the TC's test suite has it). */
static void
t_6_1_31(struct ctx *c)
{
	each_branch(c, arr_at(c->tree, "branches"), "$.product_tree.branches", range_in, NULL);
}

static void
flag_twin(struct ctx *c, const char *id, size_t first, size_t i, void *arg)
{
	char p[CSAF_PATH_MAX], q[SHOWN_MAX + 8];

	snprintf(p, sizeof p, "$.vulnerabilities[%zu].flags[%zu]", *(size_t *)arg, i);
	prob(c, "6.1.33", p, "product %s is in flags[%zu] too", shown(id, q), first);
}

/* 6.1.33 Multiple Flags with VEX Justification Codes per Product (every
 * flag label of CSAF 2.0 is such a code) */
static void
t_6_1_33(struct ctx *c)
{
	const json_t *vuln, *flags;
	size_t v;

	json_array_foreach(c->vulns, v, vuln) {
		struct ents e = { NULL, 0, 0 };

		if ((flags = arr_at(vuln, "flags")) != NULL)
			(void)covered(c, flags, NULL, &e, flag_twin, &v);
		ents_free(&e);
	}
}

static void
def_add(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	const char *id = str_at(fpn, "product_id");
	size_t *order = arg;
	int fresh;

	(void)path;
	if (id)
		(void)ents_put(c, c->defs, id, 0, *order, &fresh);
	(*order)++;
}

/* tests - every mandatory test, in the order of section 6.1. */
static void
tests(struct ctx *c)
{
	struct ents defs = { NULL, 0, 0 }, groups = { NULL, 0, 0 };
	const json_t *x;
	size_t order = 0, i;
	int fresh;

	c->defs = &defs;
	c->groups = &groups;
	c->group_arr = arr_at(c->tree, "product_groups");
	each_def(c, def_add, &order);
	if (c->group_arr)
		json_array_foreach(c->group_arr, i, x)
			if (str_at(x, "group_id"))
				(void)ents_put(c, &groups, str_at(x, "group_id"), 0, i, &fresh);
	if (!c->nomem) {
		t_6_1_1(c);
		t_6_1_2(c);
		t_6_1_3(c);
		t_6_1_4(c);
		t_6_1_5(c);
		t_6_1_6(c);
		t_6_1_7(c);
		/* 6.1.8, 6.1.9, 6.1.10: in cvss(), on the schema's walk */
		t_6_1_11(c);
		t_6_1_12(c);
		t_6_1_13(c);
		t_6_1_14(c);
		t_6_1_15(c);
		t_6_1_16(c);
		t_6_1_17(c);
		t_6_1_18(c);
		t_6_1_19(c);
		t_6_1_20(c);
		t_6_1_21(c);
		t_6_1_22(c);
		t_6_1_23(c);
		t_6_1_24(c);
		t_6_1_25(c);
		t_6_1_26(c);
		t_6_1_27_1(c);
		t_6_1_27_2(c);
		t_6_1_27_3(c);
		t_6_1_27_4(c);
		t_6_1_27_5(c);
		t_6_1_27_6(c);
		t_6_1_27_7(c);
		t_6_1_27_8(c);
		t_6_1_27_9(c);
		t_6_1_27_10(c);
		t_6_1_27_11(c);
		t_6_1_28(c);
		t_6_1_29(c);
		t_6_1_30(c);
		t_6_1_31(c);
		t_6_1_32(c);
		t_6_1_33(c);
	}
	ents_free(&defs);
	ents_free(&groups);
	c->defs = c->groups = NULL;
}

/* ---- reading ---------------------------------------------------------- */

static void
count_def(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	(void)c;
	(void)fpn;
	(void)path;
	(*(size_t *)arg)++;
}

status
csaf_read(const char *doc, size_t len, struct csaf **out, struct csaf_report *rep)
{
	struct ctx c;
	json_error_t err;
	struct csaf *r;
	json_t *root;
	const json_t *tr;
	status rc;

	*out = NULL;
	memset(rep, 0, sizeof *rep);
	memset(&c, 0, sizeof c);
	c.rep = rep;
	if (len > CSAF_BYTES_MAX) {
		prob(&c, "limit", "$", "more than %u bytes", CSAF_BYTES_MAX);
		return ST_TOOBIG;
	}
	root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &err);
	if (!root || !json_is_object(root)) {
		if (root)
			prob(&c, "json", "$", "the document is not a JSON object");
		else
			prob(&c, "json", "$", "not JSON: line %d column %d: %.160s", err.line,
			    err.column, err.text);
		json_decref(root);
		return ST_PARSE;
	}
	if (!limits(&c, root, 1, NULL)) {
		json_decref(root);
		return ST_TOOBIG;
	}
	c.root = root;
	c.doc = obj_at(root, "document");
	c.tree = obj_at(root, "product_tree");
	c.vulns = arr_at(root, "vulnerabilities");
	walk(&c, root, &s_top, "$");
	if (!c.nomem && !c.toobig)
		tests(&c);
	if (c.nomem || c.toobig) {
		rc = c.nomem ? ST_NOMEM : ST_TOOBIG;
		if (c.toobig)
			prob(&c, "limit", "$", "more than %u product ids through groups",
			    EXPAND_MAX);
		json_decref(root);
		return rc;
	}
	if (rep->total > 0) {
		json_decref(root);
		return ST_INVALID;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		json_decref(root);
		return ST_NOMEM;
	}
	tr = obj_at(c.doc, "tracking");
	r->root = root;
	r->id = str_at(tr, "id");
	r->version = str_at(tr, "version");
	r->status = str_at(tr, "status");
	r->title = str_at(c.doc, "title");
	r->category = str_at(c.doc, "category");
	r->publisher = str_at(obj_at(c.doc, "publisher"), "name");
	r->ns = str_at(obj_at(c.doc, "publisher"), "namespace");
	r->lang = str_at(c.doc, "lang");
	r->lang = r->lang ? r->lang : "";
	r->tlp = str_at(obj_at(obj_at(c.doc, "distribution"), "tlp"), "label");
	r->tlp = r->tlp ? r->tlp : "";
	if (!time_ms(str_at(tr, "initial_release_date"), &r->initial_ms) ||
	    !time_ms(str_at(tr, "current_release_date"), &r->current_ms))
		abort();	/* the schema's walk has read both */
	each_def(&c, count_def, &r->n_products);
	r->n_vulns = c.vulns ? json_array_size(c.vulns) : 0;
	*out = r;
	return ST_OK;
}

void
csaf_free(struct csaf *c)
{
	if (!c)
		return;
	json_decref(c->root);
	free(c);
}

const char *csaf_tracking_id(const struct csaf *c) { return c->id; }
const char *csaf_version(const struct csaf *c) { return c->version; }
const char *csaf_title(const struct csaf *c) { return c->title; }
const char *csaf_status(const struct csaf *c) { return c->status; }
const char *csaf_category(const struct csaf *c) { return c->category; }
const char *csaf_publisher(const struct csaf *c) { return c->publisher; }
const char *csaf_namespace(const struct csaf *c) { return c->ns; }
const char *csaf_lang(const struct csaf *c) { return c->lang; }
const char *csaf_tlp_label(const struct csaf *c) { return c->tlp; }
int64_t csaf_initial_ms(const struct csaf *c) { return c->initial_ms; }
int64_t csaf_current_ms(const struct csaf *c) { return c->current_ms; }
size_t csaf_n_products(const struct csaf *c) { return c->n_products; }
size_t csaf_n_vulns(const struct csaf *c) { return c->n_vulns; }
const json_t *csaf_json(const struct csaf *c) { return c->root; }

status
csaf_tlp(const struct csaf *c, enum tlp *out)
{
	static const char *const labels[] = { "WHITE", "GREEN", "AMBER", "RED", NULL };
	static const enum tlp tlps[] = { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_RED };

	for (int i = 0; labels[i]; i++)
		if (strcmp(c->tlp, labels[i]) == 0) {
			*out = tlps[i];
			return ST_OK;
		}
	return ST_NOTFOUND;
}

/* ---- the summary ------------------------------------------------------ */

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void
summary_product(struct ctx *c, const json_t *fpn, const char *path, void *arg)
{
	json_t *list = arg, *o = json_object();

	(void)path;
	if (!o || json_array_append_new(list, o) != 0 ||
	    json_object_set_new(o, "product_id", str_or_null(str_at(fpn, "product_id"))) != 0 ||
	    json_object_set_new(o, "name", str_or_null(str_at(fpn, "name"))) != 0)
		c->nomem = 1;
}

/* ids_of - a copy of o's array key of strings, or []. */
static json_t *
ids_of(const json_t *o, const char *key)
{
	const json_t *a = arr_at(o, key);

	return a ? json_deep_copy(a) : json_array();
}

static int
summary_vuln(json_t *list, const json_t *vuln)
{
	json_t *o = json_object(), *cv = json_array(), *rm = json_array();
	const json_t *a, *x;
	size_t i;
	int bad = !o || !cv || !rm || json_array_append_new(list, o) != 0;

	if (bad) {
		json_decref(o);
		json_decref(cv);
		json_decref(rm);
		return 0;
	}
	bad |= json_object_set_new(o, "cve", str_or_null(str_at(vuln, "cve"))) != 0;
	bad |= json_object_set_new(o, "title", str_or_null(str_at(vuln, "title"))) != 0;
	bad |= json_object_set_new(o, "cvss", cv) != 0;
	bad |= json_object_set_new(o, "remediations", rm) != 0;
	if ((a = arr_at(vuln, "scores")) != NULL)
		json_array_foreach(a, i, x)
			for (int k = 0; k < 2; k++) {
				const json_t *s = obj_at(x, k ? "cvss_v2" : "cvss_v3");
				json_t *e;

				if (!s)
					continue;
				e = json_pack("{s:o, s:O, s:o, s:o, s:o}",
				    "version", str_or_null(str_at(s, "version")),
				    "base_score", json_object_get(s, "baseScore"),
				    "base_severity", str_or_null(str_at(s, "baseSeverity")),
				    "vector", str_or_null(str_at(s, "vectorString")),
				    "products", ids_of(x, "products"));
				bad |= !e || json_array_append_new(cv, e) != 0;
			}
	if ((a = arr_at(vuln, "remediations")) != NULL)
		json_array_foreach(a, i, x) {
			json_t *e = json_pack("{s:o, s:o, s:o, s:o}",
			    "category", str_or_null(str_at(x, "category")),
			    "details", str_or_null(str_at(x, "details")),
			    "url", str_or_null(str_at(x, "url")),
			    "product_ids", ids_of(x, "product_ids"));

			bad |= !e || json_array_append_new(rm, e) != 0;
		}
	return !bad;
}

json_t *
csaf_summary(const struct csaf *c)
{
	struct csaf_report rep;
	struct ctx x;
	json_t *o, *products, *vulns;
	const json_t *tr = obj_at(obj_at(c->root, "document"), "tracking"), *v;
	size_t i;

	memset(&x, 0, sizeof x);
	memset(&rep, 0, sizeof rep);
	x.rep = &rep;
	x.root = c->root;
	x.tree = obj_at(c->root, "product_tree");
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:[], s:[]}",
	    "title", c->title, "tracking_id", c->id, "version", c->version, "status", c->status,
	    "category", c->category, "publisher", c->publisher, "namespace", c->ns,
	    "lang", c->lang, "tlp", c->tlp[0] ? json_string(c->tlp) : json_null(),
	    "initial_release_date", str_at(tr, "initial_release_date"),
	    "current_release_date", str_at(tr, "current_release_date"),
	    "products", "vulnerabilities");
	if (!o)
		return NULL;
	products = json_object_get(o, "products");
	vulns = json_object_get(o, "vulnerabilities");
	each_def(&x, summary_product, products);
	if (arr_at(c->root, "vulnerabilities"))
		json_array_foreach(arr_at(c->root, "vulnerabilities"), i, v)
			if (!summary_vuln(vulns, v))
				x.nomem = 1;
	if (x.nomem) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- section 5.1 ------------------------------------------------------ */

status
csaf_filename(const char *tracking_id, char out[static CSAF_FILENAME_MAX])
{
	size_t o = 0;
	int run = 0;

	out[0] = '\0';
	if (!tracking_id || !*tracking_id)
		return ST_INVALID;
	for (const char *p = tracking_id; *p; p++) {
		char ch = (*p >= 'A' && *p <= 'Z') ? (char)(*p | 0x20) : *p;

		if ((ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '+' || ch == '-') {
			run = 0;
		} else if (run) {
			continue;
		} else {
			run = 1;
			ch = '_';
		}
		if (o + sizeof ".json" >= CSAF_FILENAME_MAX) {
			out[0] = '\0';
			return ST_INVALID;
		}
		out[o++] = ch;
	}
	memcpy(out + o, ".json", sizeof ".json");
	return ST_OK;
}
