/* taxiireq.c - what a TAXII 2.1 request brings (taxiireq.h).
 *
 * SECURITY: every value is a stranger's.  Each is bounded (TAXII_MATCH_MAX
 * values of TAXII_VALUE_MAX bytes), read with explicit ends, and handed
 * on only as JSON text jansson made (so it is never SQL or JSON syntax of
 * its own).  A next token says only where the caller stopped; its tag
 * keeps a token from being replayed with other filters, it is no secret.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/taxiireq.h"
#include "util/stamp.h"

static status
refuse(char why[static TAXII_WHY_MAX], const char *param, const char *what)
{
	snprintf(why, TAXII_WHY_MAX, "%s: %s", param, what);
	return ST_INVALID;
}

/* digits - s is 1..18 decimal digits: *v. */
static int
digits(const char *s, size_t n, int64_t *v)
{
	int64_t x = 0;

	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

status
taxiireq_time(const char *s, int64_t *ms)
{
	char t[32];
	size_t n = strnlen(s, 40), frac = 0;

	/* "YYYY-MM-DDTHH:MM:SS" then ".d{1,9}" then "Z" */
	if (n < 20 || n > 30 || (s[n - 1] != 'Z' && s[n - 1] != 'z'))
		return ST_INVALID;
	memcpy(t, s, 19);
	if (n > 20) {
		if (s[19] != '.' || n - 21 < 1 || n - 21 > 9)
			return ST_INVALID;
		frac = n - 21;
		for (size_t i = 20; i < n - 1; i++)
			if (s[i] < '0' || s[i] > '9')
				return ST_INVALID;
		t[19] = '.';	/* exactly three digits, as stamp_parse reads them */
		memcpy(t + 20, "000", 3);
		memcpy(t + 20, s + 20, frac > 3 ? 3 : frac);
		t[23] = 'Z';
		t[24] = '\0';
	} else {
		t[19] = 'Z';
		t[20] = '\0';
	}
	if (s[10] != 'T' && s[10] != 't')
		return ST_INVALID;
	t[10] = 'T';	/* RFC 3339 allows 't' */
	return stamp_parse(t, ms) == ST_OK ? ST_OK : ST_INVALID;
}

/* list - the comma-separated values of s as a JSON array of strings
 * (each 1..TAXII_VALUE_MAX printable ASCII bytes), into *out; times: each
 * read as a timestamp into an array of milliseconds instead. */
static status
list(const char *s, const char *param, int times, json_t **out,
    char why[static TAXII_WHY_MAX])
{
	json_t *a = json_array();
	size_t k = 0;

	*out = NULL;
	if (!a)
		return ST_NOMEM;
	for (const char *p = s;; k++) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char v[TAXII_VALUE_MAX + 1];
		int64_t ms;

		if (n == 0 || n > TAXII_VALUE_MAX || k >= TAXII_MATCH_MAX) {
			json_decref(a);
			return refuse(why, param, n == 0 ? "an empty value" : "too long or too many");
		}
		memcpy(v, p, n);
		v[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f) {
				json_decref(a);
				return refuse(why, param, "a value that is not printable ASCII");
			}
		if (times && taxiireq_time(v, &ms) != ST_OK) {
			json_decref(a);
			return refuse(why, param, "not \"first\", \"last\", \"all\" or a timestamp");
		}
		if (json_array_append_new(a, times ? json_integer(ms) : json_string(v)) != 0) {
			json_decref(a);
			return ST_NOMEM;
		}
		if (!e)
			break;
		p = e + 1;
	}
	*out = a;
	return ST_OK;
}

/* versions - match[version] into f->versions and *exact (the timestamps,
 * or NULL). */
static status
versions(const char *s, struct taxii_filter *f, json_t **exact, char why[static TAXII_WHY_MAX])
{
	json_t *words, *ts = json_array();
	size_t i;
	json_t *v;
	status rc;

	*exact = NULL;
	if (!ts)
		return ST_NOMEM;
	if ((rc = list(s, "match[version]", 0, &words, why)) != ST_OK) {
		json_decref(ts);
		return rc;
	}
	f->versions = 0;
	json_array_foreach(words, i, v) {
		const char *w = json_string_value(v);
		int64_t ms;

		if (strcmp(w, "last") == 0)
			f->versions |= TAXII_V_LAST;
		else if (strcmp(w, "first") == 0)
			f->versions |= TAXII_V_FIRST;
		else if (strcmp(w, "all") == 0)
			f->versions |= TAXII_V_ALL;
		else if (taxiireq_time(w, &ms) == ST_OK && json_array_append_new(ts,
		    json_integer(ms)) == 0)
			f->versions |= TAXII_V_EXACT;
		else
			rc = refuse(why, "match[version]",
			    "not \"first\", \"last\", \"all\" or a timestamp");
	}
	json_decref(words);
	if (rc || !(f->versions & TAXII_V_EXACT)) {
		json_decref(ts);
		return rc;
	}
	*exact = ts;
	return ST_OK;
}

/* spec - match[spec_version]: does it let 2.1 through? */
static status
spec(const char *s, struct taxii_filter *f, char why[static TAXII_WHY_MAX])
{
	json_t *a, *v;
	size_t i;
	status rc = list(s, "match[spec_version]", 0, &a, why);

	if (rc)
		return rc;
	f->none = 1;
	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), "2.1") == 0)
			f->none = 0;
	json_decref(a);
	return ST_OK;
}

/* text - a JSON array as compact text, consumed; NULL stays NULL. */
static status
text(json_t *a, char **out)
{
	*out = NULL;
	if (!a)
		return ST_OK;
	*out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return *out ? ST_OK : ST_NOMEM;
}

/* tag - f's tag: the scope and every filter but the limit and cursor. */
static void
tag(struct taxii_filter *f, const char *scope, int64_t added_after)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state s;
	char head[64];

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const uint8_t *)scope, strlen(scope) + 1);
	snprintf(head, sizeof head, "%lld %u %d", (long long)added_after, f->versions, f->none);
	crypto_hash_sha256_update(&s, (const uint8_t *)head, strlen(head) + 1);
	crypto_hash_sha256_update(&s, (const uint8_t *)(f->ids ? f->ids : "-"),
	    strlen(f->ids ? f->ids : "-") + 1);
	crypto_hash_sha256_update(&s, (const uint8_t *)(f->types ? f->types : "-"),
	    strlen(f->types ? f->types : "-") + 1);
	crypto_hash_sha256_update(&s, (const uint8_t *)(f->version_ms ? f->version_ms : "-"),
	    strlen(f->version_ms ? f->version_ms : "-") + 1);
	crypto_hash_sha256_final(&s, h);
	sodium_bin2hex(f->tag, sizeof f->tag, h, 4);
}

/* next - the token s under f's tag into f's cursor. */
static status
next(const char *s, struct taxii_filter *f, char why[static TAXII_WHY_MAX])
{
	const char *d1 = strchr(s, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	int64_t ms, seq;

	if (!d1 || !d2 || !digits(s, (size_t)(d1 - s), &ms) ||
	    !digits(d1 + 1, (size_t)(d2 - d1 - 1), &seq) || strlen(d2 + 1) != 8)
		return refuse(why, "next", "not a token this server made");
	if (sodium_memcmp(d2 + 1, f->tag, 8) != 0)
		return refuse(why, "next", "the token was made for other filters");
	if (ms > f->after_ms || (ms == f->after_ms && seq > f->after_seq)) {
		f->after_ms = ms;
		f->after_seq = seq;
	}
	return ST_OK;
}

static status
read_filter(const struct taxii_query *q, const char *scope, struct taxii_filter *f,
    char why[static TAXII_WHY_MAX])
{
	json_t *ids = NULL, *types = NULL, *exact = NULL;
	int64_t after = -1;
	status rc = ST_OK;

	if (q->added_after && taxiireq_time(q->added_after, &after) != ST_OK)
		return refuse(why, "added_after", "not an RFC 3339 timestamp");
	if (after >= 0) {	/* rows added after it: past every seq of its ms */
		f->after_ms = after;
		f->after_seq = INT64_MAX;
	}
	if (q->limit && (!digits(q->limit, strlen(q->limit), &f->limit) || f->limit < 1))
		return refuse(why, "limit", "not a positive integer");
	if (f->limit > TAXII_LIMIT_MAX)
		f->limit = TAXII_LIMIT_MAX;	/* the server's maximum (section 3.4.1) */
	if (q->match_id)
		rc = list(q->match_id, "match[id]", 0, &ids, why);
	if (!rc && q->match_type)
		rc = list(q->match_type, "match[type]", 0, &types, why);
	if (!rc && q->match_version)
		rc = versions(q->match_version, f, &exact, why);
	if (!rc && q->match_spec_version)
		rc = spec(q->match_spec_version, f, why);
	if (!rc)
		rc = text(ids, &f->ids), ids = NULL;
	if (!rc)
		rc = text(types, &f->types), types = NULL;
	if (!rc)
		rc = text(exact, &f->version_ms), exact = NULL;
	json_decref(ids);
	json_decref(types);
	json_decref(exact);
	if (rc)
		return rc;
	tag(f, scope, after);
	return q->next ? next(q->next, f, why) : ST_OK;
}

status
taxiireq_filter(const struct taxii_query *q, const char *scope, unsigned dflt_versions,
    struct taxii_filter *f, char why[static TAXII_WHY_MAX])
{
	status rc;

	memset(f, 0, sizeof *f);
	f->limit = TAXII_LIMIT_DEFAULT;
	f->versions = dflt_versions;
	why[0] = '\0';
	if ((rc = read_filter(q, scope, f, why)) != ST_OK)
		taxiireq_filter_free(f);
	return rc;
}

void
taxiireq_filter_free(struct taxii_filter *f)
{
	free(f->ids);
	free(f->types);
	free(f->version_ms);
	f->ids = f->types = f->version_ms = NULL;
}

void
taxiireq_next(const struct taxii_filter *f, int64_t added_ms, int64_t seq,
    char out[static TAXII_NEXT_MAX])
{
	snprintf(out, TAXII_NEXT_MAX, "%lld.%lld.%s", (long long)added_ms, (long long)seq, f->tag);
}

/* ---- media types ---- */

/* trim - s[0..n) without spaces and tabs either side. */
static void
trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* zero - a q value v[0..n) that is 0 ("0", "0.0", "0.000"). */
static int
zero(const char *v, size_t n)
{
	if (n == 0 || v[0] != '0')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] != '0' && !(i == 1 && v[i] == '.'))
			return 0;
	return 1;
}

/* range - one media range s[0..n) with its parameters: 1 when it accepts
 * (taxii 1) TAXII_MEDIA, or (taxii 0) when it is exactly TAXII_MEDIA. */
static int
range(const char *s, size_t n, int accept)
{
	const char *semi = memchr(s, ';', n);
	size_t tn = semi ? (size_t)(semi - s) : n;
	int type_ok, version_ok = 1, q_ok = 1, version_seen = 0;
	const char *t = s;

	trim(&t, &tn);
	type_ok = is(t, tn, "application/taxii+json") ||
	    (accept && (is(t, tn, "application/*") || is(t, tn, "*/*")));
	while (semi) {
		const char *p = semi + 1, *eq, *end = s + n;
		size_t pn;

		semi = memchr(p, ';', (size_t)(end - p));
		pn = semi ? (size_t)(semi - p) : (size_t)(end - p);
		trim(&p, &pn);
		eq = memchr(p, '=', pn);
		if (!eq)
			return 0;
		{
			const char *k = p, *v = eq + 1;
			size_t kn = (size_t)(eq - p), vn = pn - kn - 1;

			trim(&k, &kn);
			trim(&v, &vn);
			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
				v++, vn -= 2;
			if (is(k, kn, "version"))
				version_seen = 1, version_ok = vn == 3 && memcmp(v, "2.1", 3) == 0;
			else if (accept && is(k, kn, "q"))
				q_ok = !zero(v, vn);
			else if (!accept)
				return 0;
		}
	}
	if (!accept)
		return is(t, tn, "application/taxii+json") && version_seen && version_ok;
	return type_ok && version_ok && q_ok;
}

status
taxiireq_accept(const char *h)
{
	if (!h)
		return ST_OK;
	for (const char *p = h;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (range(p, n, 1))
			return ST_OK;
		if (!e)
			break;
		p = e + 1;
	}
	return ST_NOT_ACCEPTABLE;
}

status
taxiireq_content_type(const char *h)
{
	return h && strlen(h) < 200 && range(h, strlen(h), 0) ? ST_OK : ST_MEDIA_TYPE;
}
