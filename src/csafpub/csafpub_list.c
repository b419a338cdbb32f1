/* csafpub_list.c - the CSAF provider's listings of one TLP label in memory
 * (index.txt, changes.csv, the ROLIE feed, the folders' pages), the paths
 * of its distribution, and the names CSAF 2.0 gives (csafpub_int.h).
 *
 * Each document brings its pieces when it is listed: its line of
 * index.txt, its line of changes.csv and its entry of the feed, made once.
 * A listing is those pieces joined in order, made on the first request
 * after a change and kept until the next; so publishing costs one
 * document's pieces and a pointer moved, never a read of the store or a
 * rebuild of every entry.
 *
 * SECURITY: titles and tracking ids are the advisory's text: they reach
 * the feed only through jansson (JSON-escaped) and the folders' pages not
 * at all (only paths, which csaf_filename made of [+\-a-z0-9_.]).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "csafpub/csafpub_int.h"
#include "util/stamp.h"

#define CSAF_SCHEMA_URL "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"

static const char *const names[CSAFPUB_NTLP] = { "WHITE", "GREEN", "AMBER", "RED" };
static const char *const dirs[CSAFPUB_NTLP] = { "white", "green", "amber", "red" };

const char *
csafpub_tlp_name(enum csafpub_tlp t)
{
	return t < CSAFPUB_NTLP ? names[t] : "?";
}

const char *
csafpub_tlp_dir(enum csafpub_tlp t)
{
	return t < CSAFPUB_NTLP ? dirs[t] : "?";
}

status
csafpub_tlp_parse(const char *label, enum csafpub_tlp *out)
{
	if (!label)
		return ST_INVALID;
	if (strcasecmp(label, "CLEAR") == 0) {
		*out = CSAFPUB_WHITE;
		return ST_OK;
	}
	for (int t = 0; t < CSAFPUB_NTLP; t++)
		if (strcasecmp(label, names[t]) == 0) {
			*out = (enum csafpub_tlp)t;
			return ST_OK;
		}
	return ST_INVALID;
}

status
csafpub_tlp_list(const char *s, unsigned *mask)
{
	char one[16];

	*mask = 0;
	if (!s || !*s)
		return ST_INVALID;
	for (;;) {
		size_t n = strcspn(s, ",");
		enum csafpub_tlp t;

		if (n == 0 || n >= sizeof one)
			return ST_INVALID;
		memcpy(one, s, n);
		one[n] = '\0';
		if (csafpub_tlp_parse(one, &t) != ST_OK || t == CSAFPUB_WHITE)
			return ST_INVALID;
		*mask |= 1u << t;
		s += n;
		if (!*s)
			return ST_OK;
		s++;
	}
}

/* ---- paths ---- */

/* name_ok - p[0..n) is a file name csaf_filename can make. */
static int
name_ok(const char *p, size_t n)
{
	return n > 5 && n < CSAFPUB_FILE_MAX && memcmp(p + n - 5, ".json", 5) == 0 &&
	    strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+-_") == n - 5;
}

static int
ends(const char *p, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n > k && memcmp(p + n - k, sfx, k) == 0;
}

status
csafpub_path_parse(const char *p, struct csafpub_path *out)
{
	const char *rest;
	size_t n;
	char feed[64];

	memset(out, 0, sizeof *out);
	if (!*p) {
		out->kind = CSAFPUB_TOP;
		return ST_OK;
	}
	n = strcspn(p, "/");
	for (out->tlp = 0; out->tlp < CSAFPUB_NTLP; out->tlp++)
		if (strlen(dirs[out->tlp]) == n && memcmp(p, dirs[out->tlp], n) == 0)
			break;
	if (out->tlp == CSAFPUB_NTLP)
		return ST_NOTFOUND;
	rest = p + n;
	if (!*rest || strcmp(rest, "/") == 0) {
		out->kind = CSAFPUB_DIR;
		return ST_OK;
	}
	rest++;
	snprintf(feed, sizeof feed, "csaf-feed-tlp-%s.json", dirs[out->tlp]);
	if (strcmp(rest, "index.txt") == 0)
		out->kind = CSAFPUB_INDEX;
	else if (strcmp(rest, "changes.csv") == 0)
		out->kind = CSAFPUB_CHANGES;
	else if (strcmp(rest, feed) == 0)
		out->kind = CSAFPUB_FEED;
	else {
		const char *f;
		size_t fn;

		/* a year of four digits, 1000 to 9999 */
		if (strspn(rest, "0123456789") != 4 || rest[0] == '0' ||
		    (rest[4] != '\0' && rest[4] != '/'))
			return ST_NOTFOUND;
		out->year = (rest[0] - '0') * 1000 + (rest[1] - '0') * 100 + (rest[2] - '0') * 10 +
		    (rest[3] - '0');
		f = rest + 4;
		if (!*f || strcmp(f, "/") == 0) {
			out->kind = CSAFPUB_YEAR;
			return ST_OK;
		}
		f++;
		fn = strlen(f);
		if (strchr(f, '/'))
			return ST_NOTFOUND;
		if (ends(f, fn, ".sha256"))
			out->kind = CSAFPUB_SHA256, fn -= 7;
		else if (ends(f, fn, ".sha512"))
			out->kind = CSAFPUB_SHA512, fn -= 7;
		else if (ends(f, fn, ".asc"))
			out->kind = CSAFPUB_ASC, fn -= 4;
		else
			out->kind = CSAFPUB_DOC;
		if (!name_ok(f, fn))
			return ST_NOTFOUND;
		snprintf(out->doc, sizeof out->doc, "%s/%04d/%.*s", dirs[out->tlp], out->year,
		    (int)fn, f);
	}
	return ST_OK;
}

/* ---- the listings ---- */

struct ent {
	int64_t seq, current_ms;
	int year;
	char *path;		/* "white/2024/NAME.json" */
	char *index, *changes, *entry;	/* the pieces */
	size_t index_n, changes_n, entry_n;
};

struct joined {
	char *p;
	size_t n;
	int ok;
};

struct csafpub_list {
	enum csafpub_tlp tlp;
	char *base;		/* "https://host:port" */
	char *publisher;
	struct ent **v;		/* newest current release first, then newest publication */
	size_t n, cap;
	int64_t changed_ms;
	struct joined index, changes, feed;
};

status
csafpub_list_new(enum csafpub_tlp t, const char *base, const char *publisher,
    struct csafpub_list **out)
{
	struct csafpub_list *l = calloc(1, sizeof *l);

	*out = NULL;
	if (!l)
		return ST_NOMEM;
	l->tlp = t;
	l->base = strdup(base);
	l->publisher = strdup(publisher);
	if (!l->base || !l->publisher) {
		csafpub_list_free(l);
		return ST_NOMEM;
	}
	*out = l;
	return ST_OK;
}

static void
ent_free(struct ent *e)
{
	if (!e)
		return;
	free(e->path);
	free(e->index);
	free(e->changes);
	free(e->entry);
	free(e);
}

static void
unjoin(struct joined *j)
{
	free(j->p);
	memset(j, 0, sizeof *j);
}

void
csafpub_list_free(struct csafpub_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		ent_free(l->v[i]);
	free(l->v);
	unjoin(&l->index);
	unjoin(&l->changes);
	unjoin(&l->feed);
	free(l->base);
	free(l->publisher);
	free(l);
}

static char *
dupf(size_t *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
dupf(size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;
	char *s;

	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0 || !(s = malloc((size_t)k + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)k + 1, fmt, ap);
	va_end(ap);
	*n = (size_t)k;
	return s;
}

#define DATE_MAX 48

/* date - a release date as the document wrote it when that is given and
 * made only of what RFC 3339 uses (it goes into CSV and JSON as is), else
 * ms in UTC. */
static void
date(const char *written, int64_t ms, char out[static DATE_MAX])
{
	size_t n = written ? strlen(written) : 0;

	if (n && n < DATE_MAX && strspn(written, "0123456789-:.TZtz+") == n)
		memcpy(out, written, n + 1);
	else
		stamp_format(ms, out);
}

/* rel - the path relative to the label's folder: "2024/NAME.json". */
static const char *
rel(const char *path)
{
	const char *s = strchr(path, '/');

	return s ? s + 1 : path;
}

/* entry_json - the document's entry of the ROLIE feed (RFC 8322; CSAF
 * 2.0 section 7.1.15), compact JSON text. */
static char *
entry_json(const struct csafpub_list *l, const struct csafpub_item *it, size_t *n)
{
	char url[1024], pub[DATE_MAX], upd[DATE_MAX], h256[1040], h512[1040], asc[1040];
	json_t *j;
	char *s;

	snprintf(url, sizeof url, "%s" CSAFPUB_ROOT "%s", l->base, it->path);
	snprintf(h256, sizeof h256, "%s.sha256", url);
	snprintf(h512, sizeof h512, "%s.sha512", url);
	snprintf(asc, sizeof asc, "%s.asc", url);
	date(it->initial, it->initial_ms, pub);
	date(it->current, it->current_ms, upd);
	j = json_pack("{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}],"
	    " s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s}}",
	    "id", it->tracking, "title", it->title,
	    "link", "rel", "self", "href", url, "rel", "hash", "href", h256,
	    "rel", "hash", "href", h512, "rel", "signature", "href", asc,
	    "published", pub, "updated", upd,
	    "summary", "content", it->title,
	    "content", "type", "application/json", "src", url,
	    "format", "schema", CSAF_SCHEMA_URL, "version", "2.0");
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s)
		*n = strlen(s);
	return s;
}

/* before - a comes before b in the listings: newer current release first,
 * then the later publication. */
static int
before(const struct ent *a, const struct ent *b)
{
	if (a->current_ms != b->current_ms)
		return a->current_ms > b->current_ms;
	return a->seq > b->seq;
}

static void
changed(struct csafpub_list *l, int64_t ms)
{
	unjoin(&l->index);
	unjoin(&l->changes);
	unjoin(&l->feed);
	if (ms > l->changed_ms)
		l->changed_ms = ms;
}

status
csafpub_list_add(struct csafpub_list *l, const struct csafpub_item *it, int64_t changed_ms)
{
	struct ent *e = calloc(1, sizeof *e);
	char cur[DATE_MAX];
	const char *r;
	size_t lo = 0, hi;

	if (!e)
		return ST_NOMEM;
	e->seq = it->seq;
	e->current_ms = it->current_ms;
	date(it->current, it->current_ms, cur);
	r = rel(it->path);
	e->year = (int)strtol(r, NULL, 10);	/* the path's year folder */
	e->path = strdup(it->path);
	e->index = dupf(&e->index_n, "%s\n", r);
	e->changes = dupf(&e->changes_n, "\"%s\",\"%s\"\n", r, cur);
	e->entry = entry_json(l, it, &e->entry_n);
	if (!e->path || !e->index || !e->changes || !e->entry) {
		ent_free(e);
		return ST_NOMEM;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ent **v = realloc(l->v, cap * sizeof *v);

		if (!v) {
			ent_free(e);
			return ST_NOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	hi = l->n;	/* the first place whose entry e comes before */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (before(e, l->v[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	memmove(l->v + lo + 1, l->v + lo, (l->n - lo) * sizeof *l->v);
	l->v[lo] = e;
	l->n++;
	changed(l, changed_ms);
	return ST_OK;
}

int
csafpub_list_remove(struct csafpub_list *l, int64_t seq, int64_t changed_ms)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i]->seq != seq)
			continue;
		ent_free(l->v[i]);
		memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof *l->v);
		l->n--;
		changed(l, changed_ms);
		return 1;
	}
	return 0;
}

void
csafpub_list_touch(struct csafpub_list *l, int64_t ms)
{
	if (ms > l->changed_ms)
		changed(l, ms);
}

size_t
csafpub_list_count(const struct csafpub_list *l)
{
	return l->n;
}

int64_t
csafpub_list_changed(const struct csafpub_list *l)
{
	return l->changed_ms;
}

void
csafpub_list_feed_url(const struct csafpub_list *l, char *out, size_t cap)
{
	snprintf(out, cap, "%s" CSAFPUB_ROOT "%s/csaf-feed-tlp-%s.json", l->base,
	    dirs[l->tlp], dirs[l->tlp]);
}

/* join - the pieces at offset off (a char * with its length after it) of
 * every entry, between head and tail and separated by sep, into j. */
static status
join(struct csafpub_list *l, struct joined *j, size_t off_p, size_t off_n,
    const char *head, const char *sep, const char *tail)
{
	size_t total = strlen(head) + strlen(tail) + 1, hn = strlen(head), sn = strlen(sep);
	char *p, *o;

	if (j->ok)
		return ST_OK;
	for (size_t i = 0; i < l->n; i++)
		total += *(size_t *)(void *)((char *)l->v[i] + off_n) + sn;
	if (total > CSAFPUB_LISTING_MAX)
		return ST_TOOBIG;
	if (!(p = malloc(total)))
		return ST_NOMEM;
	memcpy(p, head, hn);
	o = p + hn;
	for (size_t i = 0; i < l->n; i++) {
		const char *s = *(char **)(void *)((char *)l->v[i] + off_p);
		size_t n = *(size_t *)(void *)((char *)l->v[i] + off_n);

		if (i && sn) {
			memcpy(o, sep, sn);
			o += sn;
		}
		memcpy(o, s, n);
		o += n;
	}
	memcpy(o, tail, strlen(tail) + 1);
	o += strlen(tail);
	j->p = p;
	j->n = (size_t)(o - p);
	j->ok = 1;
	return ST_OK;
}

status
csafpub_list_index(struct csafpub_list *l, const char **p, size_t *n)
{
	status rc = join(l, &l->index, offsetof(struct ent, index),
	    offsetof(struct ent, index_n), "", "", "");

	*p = l->index.p;
	*n = l->index.n;
	return rc;
}

status
csafpub_list_changes(struct csafpub_list *l, const char **p, size_t *n)
{
	status rc = join(l, &l->changes, offsetof(struct ent, changes),
	    offsetof(struct ent, changes_n), "", "", "");

	*p = l->changes.p;
	*n = l->changes.n;
	return rc;
}

status
csafpub_list_feed(struct csafpub_list *l, const char **p, size_t *n)
{
	char url[1024], upd[STAMP_TIME_LEN], id[96], title[320];
	json_t *j;
	char *head = NULL, *cut;
	status rc;

	*p = NULL;
	*n = 0;
	if (!l->feed.ok) {
		csafpub_list_feed_url(l, url, sizeof url);
		stamp_format(l->changed_ms, upd);
		snprintf(id, sizeof id, "csaf-feed-tlp-%s", dirs[l->tlp]);
		snprintf(title, sizeof title, "%.200s CSAF feed (TLP:%s)", l->publisher,
		    names[l->tlp]);
		/* the feed with an empty entry array, cut before its "]" */
		j = json_pack("{s:{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s, s:[]}}",
		    "feed", "id", id, "title", title, "link", "rel", "self", "href", url,
		    "category", "scheme", "urn:ietf:params:rolie:category:information-type",
		    "term", "csaf", "updated", upd, "entry");
		head = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
		if (!head || !(cut = strstr(head, "\"entry\":[]}}")) || cut[12] != '\0') {
			free(head);
			return ST_NOMEM;
		}
		cut[9] = '\0';	/* ends with "entry":[ */
		rc = join(l, &l->feed, offsetof(struct ent, entry), offsetof(struct ent, entry_n),
		    head, ",", "]}}");
		free(head);
		if (rc)
			return rc;
	}
	*p = l->feed.p;
	*n = l->feed.n;
	return ST_OK;
}

status
csafpub_list_folder(const struct csafpub_list *l, int year, struct buf *out)
{
	int years[64];
	size_t ny = 0, shown = 0;
	status rc;

	rc = buf_addf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of "
	    CSAFPUB_ROOT "%s/%.0d%s</title></head><body>\n<h1>Index of " CSAFPUB_ROOT "%s/%.0d%s"
	    "</h1>\n<ul>\n", dirs[l->tlp], year, year ? "/" : "", dirs[l->tlp], year,
	    year ? "/" : "");
	if (!rc && !year) {
		rc = buf_addf(out, "<li><a href=\"" CSAFPUB_ROOT "%s/index.txt\">index.txt</a></li>\n"
		    "<li><a href=\"" CSAFPUB_ROOT "%s/changes.csv\">changes.csv</a></li>\n"
		    "<li><a href=\"" CSAFPUB_ROOT "%s/csaf-feed-tlp-%s.json\">csaf-feed-tlp-%s.json"
		    "</a></li>\n", dirs[l->tlp], dirs[l->tlp], dirs[l->tlp], dirs[l->tlp],
		    dirs[l->tlp]);
		for (size_t i = 0; !rc && i < l->n; i++) {
			size_t k = 0;

			while (k < ny && years[k] != l->v[i]->year)
				k++;
			if (k < ny || ny == sizeof years / sizeof years[0])
				continue;
			years[ny++] = l->v[i]->year;
			rc = buf_addf(out, "<li><a href=\"" CSAFPUB_ROOT "%s/%04d/\">%04d/</a></li>\n",
			    dirs[l->tlp], l->v[i]->year, l->v[i]->year);
		}
	}
	for (size_t i = 0; !rc && year && i < l->n; i++) {
		const char *name;

		if (l->v[i]->year != year)
			continue;
		name = strrchr(l->v[i]->path, '/') + 1;
		shown++;
		rc = buf_addf(out, "<li><a href=\"" CSAFPUB_ROOT "%s\">%s</a>"
		    " <a href=\"" CSAFPUB_ROOT "%s.sha256\">.sha256</a>"
		    " <a href=\"" CSAFPUB_ROOT "%s.sha512\">.sha512</a>"
		    " <a href=\"" CSAFPUB_ROOT "%s.asc\">.asc</a></li>\n", l->v[i]->path, name,
		    l->v[i]->path, l->v[i]->path, l->v[i]->path);
	}
	if (!rc && year && !shown)
		return ST_NOTFOUND;
	return rc ? rc : buf_adds(out, "</ul>\n</body></html>\n");
}
