/* csafpub.c - the CSAF trusted provider (csafpub.h): its listener, the
 * provider metadata, the directory and ROLIE distribution per TLP label,
 * who may read what, and its requests on the local API.
 *
 * What is listed is held in memory per label (csafpub_list.c), read from
 * the store once at start and changed by each publication or withdrawal;
 * the documents themselves are read from the store at each request.
 *
 * SECURITY: a request for anything under a label other than WHITE is
 * answered only to a bearer token whose SHA-256 matches a user's (compared
 * with every token's in constant time; no lookup by the secret) and whose
 * user is allowed that label; failures are counted per address
 * (util/tries.h) and logged rate-limited.  Titles and tracking ids are
 * the advisories' text: they reach log lines only through text_escape,
 * and headers never.  No redirect is ever answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "crypto/tlsctx.h"
#include "csafpub/csafpub.h"
#include "csafpub/csafpub_int.h"
#include "fmt/card.h"
#include "store/store.h"
#include "store/store_advisory.h"
#include "store/store_csafpub.h"
#include "util/b64.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "util/text.h"
#include "util/tries.h"

#define FAILS_MAX 256		/* addresses tracked for failures */
#define AUTH_MAX 1024		/* bytes of an Authorization header read */
#define REALM "Bearer realm=\"parley CSAF\""
#define URL_MAX 1024

struct csafpub {
	struct node *n;
	struct advisory *adv;
	struct tlsctx *tls;
	struct http_listener *l;
	int https;
	char base[CONFIG_URL_MAX];	/* "https://host:port", no final "/" */
	char publisher[CONFIG_TEXT_MAX];
	char ns[CONFIG_URL_MAX];
	char meta_url[URL_MAX], key_url[URL_MAX], service_url[URL_MAX];
	struct csafpub_list *lists[CSAFPUB_NTLP];
	struct csafpub_pgp *pgp;
	struct tries *fails;
	int64_t changed_ms;	/* the metadata's last_updated */
	char *meta;		/* provider-metadata.json, made again at each change */
	size_t meta_n;
};

static struct diag_limit lim_fail = DIAG_LIMIT_INIT;

/* shown - s made safe for a log line, quoted and cut. */
static const char *
shown(const char *s, char out[static 160])
{
	struct buf b;

	buf_init(&b, 150);
	if (text_escape(&b, s, strnlen(s, 120), TEXT_QUOTED) != ST_OK && !buf_str(&b)[0])
		snprintf(out, 160, "(unprintable)");
	else
		snprintf(out, 160, "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

/* ---- the provider metadata ---- */

static status
make_meta(struct csafpub *p)
{
	char upd[STAMP_TIME_LEN], dir[URL_MAX], feed[URL_MAX], summary[320];
	json_t *dists = json_array(), *j;
	char *text;

	if (!dists)
		return ST_NOMEM;
	for (int t = 0; t < CSAFPUB_NTLP; t++) {
		snprintf(dir, sizeof dir, "%s" CSAFPUB_ROOT "%s/", p->base, csafpub_tlp_dir(t));
		csafpub_list_feed_url(p->lists[t], feed, sizeof feed);
		snprintf(summary, sizeof summary, "TLP:%s advisories of %.200s%s",
		    csafpub_tlp_name(t), p->publisher, t == CSAFPUB_WHITE ? "" :
		    " (to authenticated users allowed the label)");
		json_array_append_new(dists, json_pack("{s:s, s:{s:[{s:s, s:s, s:s}], s:[s]}}",
		    "directory_url", dir, "rolie", "feeds", "summary", summary, "tlp_label",
		    csafpub_tlp_name(t), "url", feed, "services", p->service_url));
	}
	stamp_format(p->changed_ms, upd);
	j = json_pack("{s:s, s:o, s:s, s:b, s:s, s:b, s:[{s:s, s:s}], s:{s:s, s:s, s:s},"
	    " s:s}", "canonical_url", p->meta_url, "distributions", dists, "last_updated", upd,
	    "list_on_CSAF_aggregators", 1, "metadata_version", "2.0",
	    "mirror_on_CSAF_aggregators", 1, "public_openpgp_keys", "fingerprint",
	    csafpub_pgp_fpr(p->pgp), "url", p->key_url, "publisher", "category",
	    node_config(p->n)->csaf_publisher_category, "name", p->publisher, "namespace", p->ns,
	    "role", "csaf_trusted_provider");
	text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	free(p->meta);
	p->meta = text;
	p->meta_n = strlen(text);
	return ST_OK;
}

/* touched - something was published or withdrawn at ms. */
static void
touched(struct csafpub *p, int64_t ms)
{
	if (ms > p->changed_ms)
		p->changed_ms = ms;
	if (make_meta(p) != ST_OK)
		diag_warn("csaf: out of memory making provider-metadata.json again");
}

/* ---- replies ---- */

static void
reply(struct http_req *r, const char *ctype, const void *body, size_t len)
{
	if (http_header(r, "X-Content-Type-Options", "nosniff") != ST_OK) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	http_reply(r, ST_OK, ctype, body, len);
}

static void
refuse(struct http_req *r, status st, const char *why)
{
	if (st == ST_UNAUTHORIZED && http_header(r, "WWW-Authenticate", REALM) != ST_OK)
		st = ST_NOMEM, why = "out of memory";
	http_reply_error(r, st, why);
}

/* ---- who may read ---- */

_Static_assert(STORE_CSAFPUB_NAME_MAX <= STORE_TOKEN_OWNER_MAX, "a user's name fits store_token_match");

static int
user_mask(void *arg, const struct store_csafpub_user *u)
{
	if (csafpub_tlp_list(u->tlp, arg) != ST_OK)
		*(unsigned *)arg = 0;
	return 1;
}

/* allowed - whether r may read what label t holds; when not, r has been
 * answered (401, 403, 429) and is gone. */
static int
allowed(struct csafpub *p, struct http_req *r, enum csafpub_tlp t)
{
	const char *h = http_req_header(r, "Authorization"), *addr = http_req_remote(r);
	struct store_token_match k;
	unsigned mask = 0;
	char ka[80];
	int64_t now = stamp_now_ms();

	if (t == CSAFPUB_WHITE)
		return 1;
	if (!h) {
		refuse(r, ST_UNAUTHORIZED, "TLP:GREEN, AMBER and RED need a bearer token");
		return 0;
	}
	snprintf(ka, sizeof ka, "a:%.70s", addr ? addr : "?");
	if (tries_locked(p->fails, ka, now)) {
		refuse(r, ST_LIMITED, "too many failed attempts: wait, then try again");
		return 0;
	}
	memset(&k, 0, sizeof k);
	if (strlen(h) <= AUTH_MAX && strncasecmp(h, "Bearer ", 7) == 0) {
		crypto_hash_sha256(k.want, (const uint8_t *)h + 7, strlen(h + 7));
		if (store_csafpub_tokens(node_store(p->n), store_token_match, &k) != ST_OK)
			k.owner[0] = '\0';
	}
	if (!k.owner[0] || store_csafpub_user_get(node_store(p->n), k.owner, user_mask,
	    &mask) != ST_OK) {
		tries_failed(p->fails, ka, now);
		diag_warn_limit(&lim_fail, "csaf: a wrong token from %s", addr ? addr : "?");
		refuse(r, ST_UNAUTHORIZED, "wrong token");
		return 0;
	}
	if (http_req_set_principal(r, k.owner) != ST_OK) {
		refuse(r, ST_NOMEM, "out of memory");
		return 0;
	}
	if (!(mask & (1u << t))) {
		refuse(r, ST_FORBIDDEN, "this user is not allowed this TLP label");
		return 0;
	}
	return 1;
}

/* ---- the routes ---- */

static void
on_metadata(void *arg, struct http_req *r)
{
	struct csafpub *p = arg;

	reply(r, "application/json", p->meta, p->meta_n);
}

static void
on_key(void *arg, struct http_req *r)
{
	struct csafpub *p = arg;
	const char *key = http_req_param(r, "key");
	char want[160];
	size_t n;
	const char *pub = csafpub_pgp_public(p->pgp, &n);

	snprintf(want, sizeof want, "%s.asc", csafpub_pgp_fpr(p->pgp));
	if (!key || strcmp(key, want) != 0) {
		http_reply_error(r, ST_NOTFOUND, "no such key");
		return;
	}
	reply(r, "application/pgp-keys", pub, n);
}

static void
on_service(void *arg, struct http_req *r)
{
	struct csafpub *p = arg;
	json_t *ws[2], *j;
	char feed[URL_MAX], title[320];
	char *text;

	ws[0] = json_array();
	ws[1] = json_array();
	for (int t = 0; t < CSAFPUB_NTLP && ws[0] && ws[1]; t++) {
		csafpub_list_feed_url(p->lists[t], feed, sizeof feed);
		snprintf(title, sizeof title, "%.200s CSAF feed (TLP:%s)", p->publisher,
		    csafpub_tlp_name(t));
		json_array_append_new(ws[t != CSAFPUB_WHITE], json_pack("{s:s, s:s,"
		    " s:{s:[{s:s, s:s}]}}", "title", title, "href", feed, "categories", "category",
		    "scheme", "urn:ietf:params:rolie:category:information-type", "term", "csaf"));
	}
	j = ws[0] && ws[1] ? json_pack("{s:{s:[{s:s, s:O}, {s:s, s:O}]}}", "service",
	    "workspace", "title", "Public CSAF feed", "collection", ws[0], "title",
	    "CSAF feeds for authenticated users", "collection", ws[1]) : NULL;
	json_decref(ws[0]);
	json_decref(ws[1]);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	reply(r, "application/json", text, strlen(text));
	free(text);
}

/* The document at a path, with what was made when it was published. */
struct served {
	struct http_req *r;
	enum csafpub_kind kind;
};

static int
doc_row(void *arg, const struct store_csafpub_doc *d)
{
	struct served *s = arg;
	const char *name = strrchr(d->path, '/') + 1;
	char line[256];

	switch (s->kind) {
	case CSAFPUB_DOC:
		reply(s->r, "application/json", d->doc, d->doc_len);
		break;
	case CSAFPUB_SHA256:
	case CSAFPUB_SHA512:
		snprintf(line, sizeof line, "%s  %s\n", s->kind == CSAFPUB_SHA256 ? d->sha256 :
		    d->sha512, name);
		reply(s->r, "text/plain; charset=utf-8", line, strlen(line));
		break;
	default:
		reply(s->r, "application/pgp-signature", d->sig, strlen(d->sig));
		break;
	}
	s->r = NULL;
	return 1;
}

static void
on_top(struct csafpub *p, struct http_req *r)
{
	struct buf b;
	status rc;

	buf_init(&b, 1 << 16);
	rc = buf_adds(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of "
	    CSAFPUB_ROOT "</title></head><body>\n<h1>Index of " CSAFPUB_ROOT "</h1>\n<ul>\n"
	    "<li><a href=\"" CSAFPUB_ROOT "provider-metadata.json\">provider-metadata.json</a>"
	    "</li>\n<li><a href=\"" CSAFPUB_ROOT "service.json\">service.json</a></li>\n");
	if (!rc)
		rc = buf_addf(&b, "<li><a href=\"" CSAFPUB_ROOT "openpgp/%s.asc\">openpgp/%s.asc"
		    "</a></li>\n", csafpub_pgp_fpr(p->pgp), csafpub_pgp_fpr(p->pgp));
	for (int t = 0; !rc && t < CSAFPUB_NTLP; t++)
		rc = buf_addf(&b, "<li><a href=\"" CSAFPUB_ROOT "%s/\">%s/</a></li>\n",
		    csafpub_tlp_dir(t), csafpub_tlp_dir(t));
	if (!rc)
		rc = buf_adds(&b, "</ul>\n</body></html>\n");
	if (rc)
		http_reply_error(r, rc, "cannot list");
	else
		reply(r, "text/html; charset=utf-8", buf_str(&b), b.len);
	buf_free(&b);
}

static void
on_path(void *arg, struct http_req *r)
{
	struct csafpub *p = arg;
	const char *rest = http_req_param(r, "*");
	struct csafpub_path cp;
	struct csafpub_list *l;
	const char *text = NULL;
	size_t n = 0;
	status rc;

	if (csafpub_path_parse(rest ? rest : "", &cp) != ST_OK) {
		http_reply_error(r, ST_NOTFOUND, "no such file");
		return;
	}
	if (cp.kind == CSAFPUB_TOP) {
		on_top(p, r);
		return;
	}
	if (!allowed(p, r, cp.tlp))
		return;
	l = p->lists[cp.tlp];
	switch (cp.kind) {
	case CSAFPUB_INDEX:
		if ((rc = csafpub_list_index(l, &text, &n)) == ST_OK)
			reply(r, "text/plain; charset=utf-8", text, n);
		break;
	case CSAFPUB_CHANGES:
		if ((rc = csafpub_list_changes(l, &text, &n)) == ST_OK)
			reply(r, "text/csv; charset=utf-8", text, n);
		break;
	case CSAFPUB_FEED:
		if ((rc = csafpub_list_feed(l, &text, &n)) == ST_OK)
			reply(r, "application/json", text, n);
		break;
	case CSAFPUB_DIR:
	case CSAFPUB_YEAR: {
		struct buf b;

		buf_init(&b, CSAFPUB_LISTING_MAX);
		if ((rc = csafpub_list_folder(l, cp.year, &b)) == ST_OK)
			reply(r, "text/html; charset=utf-8", buf_str(&b), b.len);
		buf_free(&b);
		break;
	}
	default: {
		struct served s = { r, cp.kind };

		rc = store_csafpub_at(node_store(p->n), cp.doc, doc_row, &s);
		if (!rc && s.r)
			rc = ST_NOTFOUND;
		break;
	}
	}
	if (rc == ST_NOTFOUND)
		http_reply_error(r, ST_NOTFOUND, "no such file");
	else if (rc)
		http_reply_error(r, rc, "cannot answer");
}

/* ---- the listings, from the store ---- */

/* year_of - the UTC year of ms. */
static int
year_of(int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	return gmtime_r(&s, &tm) ? tm.tm_year + 1900 : 0;
}

static status
list_add(struct csafpub *p, const struct store_csafpub_doc *d)
{
	struct csafpub_item it = { d->seq, d->path, d->tracking, d->title, d->initial_ms,
		d->current_ms, d->published_ms, d->initial, d->current };
	struct csafpub_path cp;
	char rest[CSAFPUB_FILE_MAX + 32];

	snprintf(rest, sizeof rest, "%s", d->path);
	if (csafpub_path_parse(rest, &cp) != ST_OK || cp.kind != CSAFPUB_DOC)
		return ST_INVALID;	/* not a path of ours: never listed */
	return csafpub_list_add(p->lists[cp.tlp], &it, d->published_ms);
}

static int
listed_row(void *arg, const struct store_csafpub_doc *d)
{
	struct csafpub *p = arg;

	if (list_add(p, d) != ST_OK)
		diag_warn("csaf: publication %lld cannot be listed", (long long)d->seq);
	if (d->published_ms > p->changed_ms)
		p->changed_ms = d->published_ms;
	return 0;
}

/* ---- the local API ---- */

static json_t *
fail(const char *why)
{
	return json_pack("{s:b, s:s}", "ok", 0, "error", why);
}

/* The advisory version a publication is of. */
struct pick {
	const char *version;	/* wanted; NULL: the newest */
	int64_t row, origin;
	char tracking[STORE_ADVISORY_TEXT_MAX + 1], ver[STORE_ADVISORY_TEXT_MAX + 1];
	char title[STORE_ADVISORY_TEXT_MAX + 1], tlp[16];
	int64_t initial_ms, current_ms;
	char initial[STORE_CSAFPUB_DATE_MAX + 1], current[STORE_CSAFPUB_DATE_MAX + 1];
	char *doc;
	size_t doc_len;
	int found;
};

static int
pick_row(void *arg, const struct store_advisory *a)
{
	struct pick *k = arg;
	char *doc;

	/* ours before a peer's; then the newest version (csaf_version_cmp),
	 * whatever order they were kept in; then the one kept last */
	if (k->found && ((k->origin == 0) != (a->origin == 0) ? k->origin == 0 :
	    csaf_version_cmp(a->version, k->ver) < 0))
		return 0;
	if (!(doc = malloc(a->doc_len + 1)))
		return 0;
	memcpy(doc, a->doc, a->doc_len);
	free(k->doc);
	k->doc = doc;
	k->doc_len = a->doc_len;
	k->row = a->row;
	k->origin = a->origin;
	snprintf(k->tracking, sizeof k->tracking, "%s", a->tracking);
	snprintf(k->ver, sizeof k->ver, "%s", a->version);
	snprintf(k->title, sizeof k->title, "%s", a->title);
	snprintf(k->tlp, sizeof k->tlp, "%s", a->tlp);
	k->initial_ms = a->initial_ms;
	k->current_ms = a->current_ms;
	k->found = 1;
	return 0;
}

/* The listed publications of a tracking id. */
struct olds {
	int64_t seq[16];
	char path[16][STORE_CSAFPUB_PATH_MAX + 1];
	int64_t advisory[16];
	size_t n;
};

static int
old_row(void *arg, const struct store_csafpub_doc *d)
{
	struct olds *o = arg;

	if (o->n == sizeof o->seq / sizeof o->seq[0])
		return 1;
	o->seq[o->n] = d->seq;
	o->advisory[o->n] = d->advisory;
	snprintf(o->path[o->n], sizeof o->path[0], "%s", d->path);
	o->n++;
	return 0;
}

struct holder {
	int64_t advisory;
	char tracking[STORE_ADVISORY_TEXT_MAX + 1];
};

static int
holder_row(void *arg, const struct store_csafpub_doc *d)
{
	struct holder *h = arg;

	h->advisory = d->advisory;
	snprintf(h->tracking, sizeof h->tracking, "%s", d->tracking);
	return 1;
}

static void
hex(const uint8_t *h, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, h, n);
}

/* written_dates - the document's release dates as it writes them, for
 * changes.csv and the feed ("" when not strings of at most
 * STORE_CSAFPUB_DATE_MAX bytes: the listings then write the ms). */
static void
written_dates(struct pick *k)
{
	json_t *j = json_loadb(k->doc, k->doc_len, 0, NULL), *tr;
	const char *i, *c;

	tr = json_object_get(json_object_get(j, "document"), "tracking");
	i = json_string_value(json_object_get(tr, "initial_release_date"));
	c = json_string_value(json_object_get(tr, "current_release_date"));
	snprintf(k->initial, sizeof k->initial, "%s", i && strlen(i) <= STORE_CSAFPUB_DATE_MAX ?
	    i : "");
	snprintf(k->current, sizeof k->current, "%s", c && strlen(c) <= STORE_CSAFPUB_DATE_MAX ?
	    c : "");
	json_decref(j);
}

/* unlist - publications o no longer listed in memory. */
static void
unlist(struct csafpub *p, const struct olds *o, int64_t ms)
{
	for (size_t i = 0; i < o->n; i++) {
		struct csafpub_path cp;

		if (csafpub_path_parse(o->path[i], &cp) == ST_OK && cp.kind == CSAFPUB_DOC)
			(void)csafpub_list_remove(p->lists[cp.tlp], o->seq[i], ms);
	}
}

static json_t *
api_publish(struct csafpub *p, const json_t *req)
{
	struct store *st = node_store(p->n);
	const char *id = json_string_value(json_object_get(req, "id"));
	struct pick k = { .version = json_string_value(json_object_get(req, "version")) };
	char file[CSAFPUB_FILE_MAX], path[STORE_CSAFPUB_PATH_MAX + 1], why[256], url[URL_MAX],
	    h256[65], h512[129], name[160];
	uint8_t d256[crypto_hash_sha256_BYTES], d512[crypto_hash_sha512_BYTES];
	struct store_csafpub_doc d;
	struct holder held = { 0, "" };
	struct olds *o = NULL;
	enum csafpub_tlp t;
	char *sig = NULL;
	int64_t seq = 0, now = stamp_now_ms();
	json_t *replaced, *ans = NULL;
	status rc;

	if (!id || !id[0])
		return fail("give the advisory's tracking id (id)");
	rc = store_advisory_find(st, id, -1, k.version, pick_row, &k);
	if (rc == ST_NOTFOUND || (!rc && !k.found))
		return fail(k.version ? "no such version of that advisory is held" :
		    "no advisory with that tracking id is held");
	if (rc)
		return fail(status_str(rc));
	if (k.origin != 0) {
		why[0] = '\0';
		if (!advisory_onward_ok(p->adv, k.origin, k.tlp, why)) {
			free(k.doc);
			return fail(why[0] ? why : "the advisory's origin does not allow passing it"
			    " on");
		}
	}
	if (csafpub_tlp_parse(k.tlp, &t) != ST_OK) {
		free(k.doc);
		return fail("the advisory has no TLP label (document.distribution.tlp.label):"
		    " label it to publish it");
	}
	if (csaf_filename(k.tracking, file) != ST_OK) {
		free(k.doc);
		return fail("the tracking id makes no file name");
	}
	snprintf(path, sizeof path, "%s/%04d/%s", csafpub_tlp_dir(t), year_of(k.initial_ms),
	    file);
	rc = store_csafpub_at(st, path, holder_row, &held);
	if (!rc && held.advisory == k.row) {
		free(k.doc);
		snprintf(url, sizeof url, "%s" CSAFPUB_ROOT "%s", p->base, path);
		return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:b, s:[]}", "ok", 1,
		    "tracking_id", k.tracking, "version", k.ver, "tlp", csafpub_tlp_name(t), "path",
		    path, "url", url, "held", 1, "replaced");
	}
	if (!rc && strcmp(held.tracking, k.tracking) != 0) {
		free(k.doc);
		return fail("another advisory, whose tracking id makes the same file name, is"
		    " published at that path: unpublish it first");
	}
	if (rc && rc != ST_NOTFOUND) {
		free(k.doc);
		return fail(status_str(rc));
	}
	if (!(o = calloc(1, sizeof *o))) {
		free(k.doc);
		return fail("out of memory");
	}
	rc = store_csafpub_of(st, k.tracking, old_row, o);
	if (rc && rc != ST_NOTFOUND)
		goto out;
	crypto_hash_sha256(d256, (const uint8_t *)k.doc, k.doc_len);
	crypto_hash_sha512(d512, (const uint8_t *)k.doc, k.doc_len);
	hex(d256, sizeof d256, h256);
	hex(d512, sizeof d512, h512);
	if ((rc = csafpub_pgp_sign(p->pgp, k.doc, k.doc_len, &sig)) != ST_OK)
		goto out;
	memset(&d, 0, sizeof d);
	d.advisory = k.row;
	d.published_ms = now;
	d.path = path;
	d.sha256 = h256;
	d.sha512 = h512;
	d.sig = sig;
	written_dates(&k);
	d.initial = k.initial;
	d.current = k.current;
	if ((rc = store_begin(st)) != ST_OK)
		goto out;
	for (size_t i = 0; !rc && i < o->n; i++)
		rc = store_csafpub_withdraw(st, o->seq[i], now);
	if (!rc)
		rc = store_csafpub_add(st, &d, &seq);
	if (rc) {
		store_rollback(st);
		goto out;
	}
	if ((rc = store_commit(st)) != ST_OK)
		goto out;
	/* committed: now the listings */
	unlist(p, o, now);
	{
		struct csafpub_item it = { seq, path, k.tracking, k.title, k.initial_ms,
			k.current_ms, now, k.initial, k.current };

		if (csafpub_list_add(p->lists[t], &it, now) != ST_OK)
			diag_warn("csaf: publication %lld kept but not listed until restart",
			    (long long)seq);
	}
	touched(p, now);
	diag_info("csaf: published %s version %s at %s", shown(k.tracking, name),
	    shown(k.ver, why), path);
	replaced = json_array();
	for (size_t i = 0; replaced && i < o->n; i++)
		json_array_append_new(replaced, json_string(o->path[i]));
	snprintf(url, sizeof url, "%s" CSAFPUB_ROOT "%s", p->base, path);
	ans = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:o*}", "ok", 1,
	    "tracking_id", k.tracking, "version", k.ver, "tlp", csafpub_tlp_name(t), "path", path,
	    "url", url, "seq", (json_int_t)seq, "held", 0, "replaced", replaced);
out:
	free(k.doc);
	free(sig);
	free(o);
	return ans ? ans : fail(rc == ST_CRYPTO ? "signing with the OpenPGP key failed" :
	    status_str(rc ? rc : ST_NOMEM));
}

static json_t *
api_unpublish(struct csafpub *p, const json_t *req)
{
	struct store *st = node_store(p->n);
	const char *id = json_string_value(json_object_get(req, "id"));
	struct olds *o;
	int64_t now = stamp_now_ms();
	char name[160];
	json_t *paths;
	status rc;

	if (!id || !id[0])
		return fail("give the advisory's tracking id (id)");
	if (!(o = calloc(1, sizeof *o)))
		return fail("out of memory");
	rc = store_csafpub_of(st, id, old_row, o);
	if (rc == ST_NOTFOUND || (!rc && !o->n)) {
		free(o);
		return fail("that advisory is not published");
	}
	if (!rc && !(rc = store_begin(st))) {
		for (size_t i = 0; !rc && i < o->n; i++)
			rc = store_csafpub_withdraw(st, o->seq[i], now);
		if (rc)
			store_rollback(st);
		else
			rc = store_commit(st);
	}
	if (rc) {
		free(o);
		return fail(status_str(rc));
	}
	unlist(p, o, now);
	touched(p, now);
	diag_info("csaf: withdrew %s", shown(id, name));
	paths = json_array();
	for (size_t i = 0; paths && i < o->n; i++)
		json_array_append_new(paths, json_string(o->path[i]));
	free(o);
	return json_pack("{s:b, s:o*}", "ok", 1, "withdrawn", paths);
}

/* tlp_json - mask as ["GREEN",...]. */
static json_t *
tlp_json(unsigned mask)
{
	json_t *a = json_array();

	for (int t = 0; a && t < CSAFPUB_NTLP; t++)
		if (mask & (1u << t))
			json_array_append_new(a, json_string(csafpub_tlp_name(t)));
	return a;
}

static json_t *
api_user_add(struct csafpub *p, const json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	const json_t *list = json_object_get(req, "tlp"), *v;
	char tlp[STORE_CSAFPUB_TLP_MAX + 1] = "";
	uint8_t raw[32], h[crypto_hash_sha256_BYTES];
	struct store_csafpub_user u;
	unsigned mask = 0;
	struct buf tok;
	size_t i;
	json_t *ans;
	status rc;

	if (!name || !card_name_ok(name))
		return fail("a user's name is 1 to 63 of a-z 0-9 . _ - (starting with a letter or"
		    " digit)");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return fail("give the TLP labels the user may read (tlp: GREEN, AMBER, RED)");
	json_array_foreach(list, i, v) {
		enum csafpub_tlp t;

		if (csafpub_tlp_parse(json_string_value(v), &t) != ST_OK)
			return fail("a TLP label is GREEN, AMBER or RED");
		if (t == CSAFPUB_WHITE)
			return fail("TLP:WHITE is public: give GREEN, AMBER or RED");
		mask |= 1u << t;
	}
	for (int t = 0; t < CSAFPUB_NTLP; t++)
		if (mask & (1u << t))
			snprintf(tlp + strlen(tlp), sizeof tlp - strlen(tlp), "%s%s",
			    tlp[0] ? "," : "", csafpub_tlp_name(t));
	randombytes_buf(raw, sizeof raw);
	buf_init(&tok, 128);
	if (b64_url_encode(&tok, raw, sizeof raw) != ST_OK) {
		sodium_memzero(raw, sizeof raw);
		buf_free(&tok);
		return fail("out of memory");
	}
	sodium_memzero(raw, sizeof raw);
	crypto_hash_sha256(h, (const uint8_t *)buf_str(&tok), tok.len);
	u = (struct store_csafpub_user){ name, tlp, stamp_now_ms() };
	rc = store_csafpub_user_add(node_store(p->n), &u, h);
	if (rc) {
		sodium_memzero(tok.p, tok.len);
		buf_free(&tok);
		return fail(rc == ST_EXISTS ? "a user of that name exists" : status_str(rc));
	}
	ans = json_pack("{s:b, s:s, s:o*, s:s}", "ok", 1, "name", name, "tlp", tlp_json(mask),
	    "token", buf_str(&tok));
	sodium_memzero(tok.p, tok.len);
	buf_free(&tok);
	return ans;
}

static int
user_json(void *arg, const struct store_csafpub_user *u)
{
	unsigned mask = 0;
	char added[STAMP_TIME_LEN];

	if (csafpub_tlp_list(u->tlp, &mask) != ST_OK)
		mask = 0;
	stamp_format(u->added_ms, added);
	json_array_append_new(arg, json_pack("{s:s, s:o*, s:s}", "name", u->name, "tlp",
	    tlp_json(mask), "added", added));
	return 0;
}

static json_t *
api_user_list(struct csafpub *p)
{
	json_t *a = json_array();
	status rc;

	if (!a)
		return fail("out of memory");
	if ((rc = store_csafpub_user_list(node_store(p->n), user_json, a)) != ST_OK) {
		json_decref(a);
		return fail(status_str(rc));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "users", a);
}

static json_t *
api_user_remove(struct csafpub *p, const json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	status rc;

	if (!name || !name[0])
		return fail("give the user's name");
	rc = store_csafpub_user_remove(node_store(p->n), name);
	if (rc)
		return fail(rc == ST_NOTFOUND ? "no user of that name" : status_str(rc));
	return json_pack("{s:b}", "ok", 1);
}

static int
count_user(void *arg, const struct store_csafpub_user *u)
{
	(void)u;
	(*(int64_t *)arg)++;
	return 0;
}

static json_t *
api_status(struct csafpub *p)
{
	json_t *pub = json_object();
	int64_t total = 0, users = 0;

	for (int t = 0; pub && t < CSAFPUB_NTLP; t++)
		json_object_set_new(pub, csafpub_tlp_name(t),
		    json_integer((json_int_t)csafpub_list_count(p->lists[t])));
	if (store_csafpub_count(node_store(p->n), &total) != ST_OK ||
	    store_csafpub_user_list(node_store(p->n), count_user, &users) != ST_OK) {
		json_decref(pub);
		return fail("the store failed");
	}
	return json_pack("{s:b, s:s, s:s, s:s, s:o*, s:I, s:I}", "ok", 1, "metadata_url",
	    p->meta_url, "fingerprint", csafpub_pgp_fpr(p->pgp), "key_url", p->key_url,
	    "published", pub, "publications", (json_int_t)total, "users", (json_int_t)users);
}

json_t *
csafpub_api(struct csafpub *p, const json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (!p)
		return fail("the CSAF provider is not served here: set csaf_listen and restart"
		    " parleyd");
	if (!op)
		return fail("no op");
	if (strcmp(op, "csaf_publish") == 0)
		return api_publish(p, req);
	if (strcmp(op, "csaf_unpublish") == 0)
		return api_unpublish(p, req);
	if (strcmp(op, "csaf_user_add") == 0)
		return api_user_add(p, req);
	if (strcmp(op, "csaf_user_list") == 0)
		return api_user_list(p);
	if (strcmp(op, "csaf_user_remove") == 0)
		return api_user_remove(p, req);
	if (strcmp(op, "csaf_status") == 0)
		return api_status(p);
	return fail("no such request");
}

/* ---- the service ---- */

status
csafpub_new(struct http *h, struct node *n, struct advisory *adv, struct csafpub **out)
{
	const struct config *c = node_config(n);
	char dir[4096], why[256];
	struct csafpub *p;
	status rc;

	*out = NULL;
	if (!c->csaf_listen[0])
		return ST_OK;
	if (!(p = calloc(1, sizeof *p)))
		return ST_NOMEM;
	p->n = n;
	p->adv = adv;
	snprintf(p->base, sizeof p->base, "%s", c->csaf_base_url[0] ? c->csaf_base_url :
	    c->csaf_listen);
	if (c->csaf_publisher_name[0])
		snprintf(p->publisher, sizeof p->publisher, "%s", c->csaf_publisher_name);
	else
		snprintf(p->publisher, sizeof p->publisher, "parley %s", c->name);
	snprintf(p->ns, sizeof p->ns, "%s", c->csaf_publisher_namespace[0] ?
	    c->csaf_publisher_namespace : p->base);
	snprintf(p->meta_url, sizeof p->meta_url, "%s" CSAFPUB_ROOT "provider-metadata.json",
	    p->base);
	snprintf(p->service_url, sizeof p->service_url, "%s" CSAFPUB_ROOT "service.json",
	    p->base);
	snprintf(dir, sizeof dir, "%s/" CSAFPUB_GNUPG, node_dir(n));
	rc = csafpub_pgp_open(dir, p->publisher, &p->pgp, why);
	if (rc) {
		diag_warn("csaf: the OpenPGP key: %s", why);
		csafpub_free(p);
		return rc;
	}
	snprintf(p->key_url, sizeof p->key_url, "%s" CSAFPUB_ROOT "openpgp/%s.asc", p->base,
	    csafpub_pgp_fpr(p->pgp));
	for (int t = 0; !rc && t < CSAFPUB_NTLP; t++)
		rc = csafpub_list_new(t, p->base, p->publisher, &p->lists[t]);
	if (!rc)
		rc = tries_new(FAILS_MAX, CSAFPUB_FAILS_FREE, CSAFPUB_LOCK_MAX_MS, &p->fails);
	if (!rc)
		rc = store_csafpub_listed(node_store(n), listed_row, p);
	for (int t = 0; !rc && t < CSAFPUB_NTLP; t++) {	/* withdrawals count too */
		char prefix[16];
		int64_t ms;

		snprintf(prefix, sizeof prefix, "%s/", csafpub_tlp_dir(t));
		if (!(rc = store_csafpub_changed(node_store(n), prefix, &ms))) {
			csafpub_list_touch(p->lists[t], ms);
			if (ms > p->changed_ms)
				p->changed_ms = ms;
		}
	}
	if (!rc) {
		int64_t now = stamp_now_ms();

		if (!p->changed_ms)
			p->changed_ms = now;
		for (int t = 0; t < CSAFPUB_NTLP; t++)	/* a feed never changed: from now */
			if (!csafpub_list_changed(p->lists[t]))
				csafpub_list_touch(p->lists[t], now);
		rc = make_meta(p);
	}
	if (!rc)
		rc = http_listen_url(h, "csaf", c->csaf_listen, node_dir(n), &p->tls, &p->https,
		    &p->l);
#define ROUTE(path, fn) \
	if (!rc) \
		rc = http_route(p->l, HTTP_GET, path, 0, (fn), p)
	ROUTE(CSAFPUB_ROOT "provider-metadata.json", on_metadata);
	ROUTE(CSAFPUB_ROOT "service.json", on_service);
	ROUTE(CSAFPUB_ROOT "openpgp/{key}", on_key);
	ROUTE(CSAFPUB_ROOT "*", on_path);
	ROUTE("/.well-known/csaf", on_path);
#undef ROUTE
	if (rc) {
		csafpub_free(p);
		return rc;
	}
	diag_info("csaf: serving %s (key %s)", p->meta_url, csafpub_pgp_fpr(p->pgp));
	*out = p;
	return ST_OK;
}

void
csafpub_free(struct csafpub *p)
{
	if (!p)
		return;
	for (int t = 0; t < CSAFPUB_NTLP; t++)
		csafpub_list_free(p->lists[t]);
	csafpub_pgp_free(p->pgp);
	tries_free(p->fails);
	tlsctx_free(p->tls);
	free(p->meta);
	free(p);
}
