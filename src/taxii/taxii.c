/* taxii.c - the TAXII 2.1 server (taxii.h): its listener, who is calling,
 * the collections, discovery, the API root, and the replies.
 *
 * SECURITY: every request is authenticated before anything is read of the
 * store for it.  A password is checked with Argon2id (crypto/passwd.h) or
 * against a cached success for the same name, the same password's SHA-256
 * and the same stored hash, compared in constant time; a token by its
 * SHA-256 against every token's (no lookup by the secret).  Failures are
 * logged (rate-limited) and counted per name and address (util/tries.h):
 * past TAXII_FAILS_FREE the caller waits.  A user sees only the
 * collections their grants name; the grants are read from the store at
 * each request, so `parley taxii user` changes take effect at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "crypto/passwd.h"
#include "crypto/tlsctx.h"
#include "fmt/taxiireq.h"
#include "taxii/taxii_int.h"
#include "util/b64.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "util/tries.h"

#define CACHE_MAX 64		/* Basic checks remembered */
#define FAILS_MAX 256		/* names and addresses tracked for failures */
#define AUTH_MAX 2048		/* bytes of an Authorization header read */
#define REALM "Basic realm=\"parley TAXII\""

/* A Basic check that succeeded. */
struct cached {
	char name[STORE_TAXII_NAME_MAX + 1];
	uint8_t pw[crypto_hash_sha256_BYTES];	/* SHA-256 of the password */
	char hash[PASSWD_HASH_MAX];	/* the stored hash it was checked against */
	int64_t until_ms;	/* 0: free */
};

struct taxii {
	struct node *n;
	struct peers *ps;
	struct intel *in;
	struct tlsctx *tls;
	struct http_listener *l;
	int https;
	char base[CARD_ENDPOINT_MAX + 16];	/* "https://HOST:PORT" */
	struct tries *fails;
	struct cached cache[CACHE_MAX];
	char dummy[PASSWD_HASH_MAX];	/* checked for an unknown name; made once */
};

static struct diag_limit lim_fail = DIAG_LIMIT_INIT;

struct node *
taxii_node(const struct taxii *t)
{
	return t->n;
}

struct intel *
taxii_intel(const struct taxii *t)
{
	return t->in;
}

/* ---- replies ---- */

void
taxii_json(struct http_req *r, status st, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!text) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	http_reply(r, st, TAXII_MEDIA, text, strlen(text));
	free(text);
}

void
taxii_error(struct http_req *r, status st, const char *title, const char *description)
{
	char code[8];

	snprintf(code, sizeof code, "%d", http_code(st));
	if (st == ST_UNAUTHORIZED && http_header(r, "WWW-Authenticate", REALM) != ST_OK) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	taxii_json(r, st, json_pack("{s:s, s:s, s:s}", "title", title, "description",
	    description ? description : title, "http_status", code));
}

/* refused - what the listener refuses before a route runs, as TAXII's
 * error message. */
static void
refused(struct http_req *r, status st, const char *why)
{
	taxii_error(r, st, why, NULL);
}

/* ---- collections ---- */

void
taxii_collection_id(const char *kid, const char *name, char out[static 37])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state s;
	char hex[33];

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const uint8_t *)"parley taxii collection\n", 24);
	crypto_hash_sha256_update(&s, (const uint8_t *)kid, strlen(kid) + 1);
	crypto_hash_sha256_update(&s, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_final(&s, h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);	/* version 5: name-based, SHA */
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);	/* the RFC 4122 variant */
	sodium_bin2hex(hex, sizeof hex, h, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	    hex + 20);
}

/* col_at - the k-th collection: local, then to and from each pinned
 * peer; 0 past the last. */
static int
col_at(struct taxii *t, size_t k, struct taxii_col *c)
{
	struct peer *p;

	memset(c, 0, sizeof *c);
	if (k == 0) {
		snprintf(c->title, sizeof c->title, "local");
		snprintf(c->store, sizeof c->store, INTEL_LOCAL);
		c->can_read = c->can_write = 1;
	} else {
		if ((k - 1) / 2 >= peers_count(t->ps))
			return 0;
		p = peers_at(t->ps, (k - 1) / 2);
		c->peer_id = p->id;
		snprintf(c->peer, sizeof c->peer, "%s", p->name);
		if (k % 2) {
			snprintf(c->title, sizeof c->title, "to %s", p->name);
			intel_collection("to", p->id, c->store);
			c->can_write = 1;
		} else {
			snprintf(c->title, sizeof c->title, "from %s", p->name);
			intel_collection("from", p->id, c->store);
			c->can_read = 1;
		}
	}
	taxii_collection_id(ident_kid(node_ident(t->n)), c->store, c->id);
	return 1;
}

/* granted - grants ("all", or titles separated by commas) name title. */
static int
granted(const char *grants, const char *title)
{
	size_t tn = strlen(title);

	if (strcmp(grants, "all") == 0)
		return 1;
	for (const char *p = grants; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n == tn && memcmp(p, title, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* rights - c's rights narrowed to who's grants; 0 when who has none. */
static int
rights(const struct taxii_who *who, struct taxii_col *c)
{
	c->can_read = c->can_read && granted(who->read, c->title);
	c->can_write = c->can_write && granted(who->write, c->title);
	return granted(who->read, c->title) || granted(who->write, c->title);
}

int
taxii_admin(const struct taxii_who *who)
{
	return strcmp(who->read, "all") == 0 && strcmp(who->write, "all") == 0;
}

status
taxii_col_of(struct taxii *t, struct http_req *r, const struct taxii_who *who,
    struct taxii_col *c)
{
	const char *cid = http_req_param(r, "cid");

	for (size_t k = 0; cid && col_at(t, k, c); k++) {
		if (strcmp(c->id, cid) != 0)
			continue;
		if (rights(who, c))
			return ST_OK;
		taxii_error(r, ST_FORBIDDEN, "Not granted",
		    "your grants do not name this collection");
		return ST_FORBIDDEN;
	}
	taxii_error(r, ST_NOTFOUND, "No such collection", "the API root has no collection"
	    " with this id");
	return ST_NOTFOUND;
}

static json_t *
col_json(const struct taxii_col *c)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:[s]}", "id", c->id, "title", c->title,
	    "description", c->peer_id ? (c->title[0] == 't' ? "What is posted here is shared"
	    " with the peer, by the agreement in force" : "What the peer shared with this"
	    " CERT") : "This CERT's own objects, shared with no one",
	    "can_read", c->can_read, "can_write", c->can_write, "media_types",
	    "application/stix+json;version=2.1");
}

/* ---- authentication ---- */

struct user {
	struct taxii_who *who;
	char pw[PASSWD_HASH_MAX];
	int found;
};

static int
user_row(void *arg, const struct store_taxii_user *u)
{
	struct user *x = arg;

	snprintf(x->who->name, sizeof x->who->name, "%s", u->name);
	snprintf(x->who->read, sizeof x->who->read, "%s", u->read);
	snprintf(x->who->write, sizeof x->who->write, "%s", u->write);
	snprintf(x->pw, sizeof x->pw, "%s", u->pw);
	x->found = 1;
	return 1;
}

/* cache_hit - a live cached success for (name, pw) against hash. */
static int
cache_hit(struct taxii *t, const char *name, const uint8_t pw[static 32], const char *hash)
{
	int64_t now = stamp_now_ms();
	int hit = 0;

	for (size_t i = 0; i < CACHE_MAX; i++) {
		struct cached *c = &t->cache[i];

		if (c->until_ms && c->until_ms < now)
			sodium_memzero(c, sizeof *c);	/* expired */
		if (c->until_ms && strcmp(c->name, name) == 0 && strcmp(c->hash, hash) == 0 &&
		    sodium_memcmp(c->pw, pw, 32) == 0)
			hit = 1;	/* every slot compared: no early exit */
	}
	return hit;
}

static void
cache_put(struct taxii *t, const char *name, const uint8_t pw[static 32], const char *hash)
{
	struct cached *c = &t->cache[0];

	for (size_t i = 1; i < CACHE_MAX; i++)	/* a free one, or the oldest */
		if (t->cache[i].until_ms < c->until_ms)
			c = &t->cache[i];
	snprintf(c->name, sizeof c->name, "%s", name);
	memcpy(c->pw, pw, 32);
	snprintf(c->hash, sizeof c->hash, "%s", hash);
	c->until_ms = stamp_now_ms() + TAXII_CACHE_MS;
}

/* basic - the user and password of a Basic credential b64: ST_OK with
 * *who, ST_UNAUTHORIZED. */
static status
basic(struct taxii *t, const char *b64, struct taxii_who *who, char name[static 80])
{
	uint8_t raw[AUTH_MAX], pwh[32];
	struct user u = { who, "", 0 };
	size_t n = 0;
	char *colon;
	status rc = ST_UNAUTHORIZED;

	name[0] = '\0';
	if (b64_std_decode(b64, strlen(b64), raw, sizeof raw - 1, &n) != ST_OK)
		return ST_UNAUTHORIZED;
	raw[n] = '\0';
	if (strlen((char *)raw) != n || !(colon = strchr((char *)raw, ':'))) {
		sodium_memzero(raw, sizeof raw);
		return ST_UNAUTHORIZED;
	}
	*colon = '\0';
	n = strnlen((char *)raw, 79);	/* for log lines and the failures' key */
	memcpy(name, raw, n);
	name[n] = '\0';
	crypto_hash_sha256(pwh, (uint8_t *)colon + 1, strlen(colon + 1));
	if (strlen((char *)raw) <= STORE_TAXII_NAME_MAX &&
	    store_taxii_user_get(node_store(t->n), (char *)raw, user_row, &u) == ST_OK &&
	    u.pw[0]) {
		if (cache_hit(t, u.who->name, pwh, u.pw) ||
		    passwd_verify(u.pw, colon + 1, strlen(colon + 1)) == ST_OK) {
			cache_put(t, u.who->name, pwh, u.pw);
			rc = ST_OK;
		}
	} else {	/* the same work as a real check, so the time tells nothing */
		if (!t->dummy[0] && passwd_hash("parley-no-such-user", 19, t->dummy) != ST_OK)
			t->dummy[0] = '\0';
		if (t->dummy[0] && passwd_verify(t->dummy, colon + 1, strlen(colon + 1)) == ST_OK)
			diag_warn("taxii: the dummy password matched");
	}
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(pwh, sizeof pwh);
	sodium_memzero(u.pw, sizeof u.pw);
	return rc;
}

_Static_assert(STORE_TAXII_NAME_MAX <= STORE_TOKEN_OWNER_MAX, "a user's name fits store_token_match");

/* bearer - the user a bearer token tok names: ST_OK with *who. */
static status
bearer(struct taxii *t, const char *tok, struct taxii_who *who)
{
	struct store_token_match k;
	struct user u = { who, "", 0 };

	memset(&k, 0, sizeof k);
	crypto_hash_sha256(k.want, (const uint8_t *)tok, strlen(tok));
	if (store_taxii_tokens(node_store(t->n), store_token_match, &k) != ST_OK || !k.owner[0] ||
	    store_taxii_user_get(node_store(t->n), k.owner, user_row, &u) != ST_OK)
		return ST_UNAUTHORIZED;
	return ST_OK;
}

/* authenticate - who r's Authorization header proves to be. */
static status
authenticate(struct taxii *t, struct http_req *r, struct taxii_who *who)
{
	const char *h = http_req_header(r, "Authorization"), *addr = http_req_remote(r);
	char ka[80], ku[96], name[80] = "";
	int64_t now = stamp_now_ms();
	status rc;

	memset(who, 0, sizeof *who);
	if (!h) {
		taxii_error(r, ST_UNAUTHORIZED, "Authentication required",
		    "give a user's name and password (HTTP Basic) or a bearer token");
		return ST_UNAUTHORIZED;
	}
	snprintf(ka, sizeof ka, "a:%.70s", addr ? addr : "?");
	if (tries_locked(t->fails, ka, now)) {
		taxii_error(r, ST_LIMITED, "Too many failed attempts", "wait, then try again");
		return ST_LIMITED;
	}
	if (strlen(h) > AUTH_MAX)
		rc = ST_UNAUTHORIZED;
	else if (strncasecmp(h, "Basic ", 6) == 0)
		rc = basic(t, h + 6, who, name);
	else if (strncasecmp(h, "Bearer ", 7) == 0)
		rc = bearer(t, h + 7, who);
	else
		rc = ST_UNAUTHORIZED;
	snprintf(ku, sizeof ku, "u:%.70s", name);
	if (rc == ST_OK && name[0] && tries_locked(t->fails, ku, now))
		rc = ST_LIMITED;	/* right, but this name is refused for now */
	if (rc) {
		tries_failed(t->fails, ka, now);
		if (name[0])
			tries_failed(t->fails, ku, now);
		diag_warn_limit(&lim_fail, "taxii: failed authentication%s%s from %s",
		    name[0] ? " as " : "", name[0] && card_name_ok(name) ? name :
		    name[0] ? "(not a user's name)" : "", addr ? addr : "?");
		taxii_error(r, rc, rc == ST_LIMITED ? "Too many failed attempts" :
		    "Authentication failed", rc == ST_LIMITED ? "wait, then try again" :
		    "wrong user name, password or token");
		return rc;
	}
	if (name[0])
		tries_clear(t->fails, ku);
	if (http_req_set_principal(r, who->name) != ST_OK) {
		taxii_error(r, ST_NOMEM, "Out of memory", NULL);
		return ST_NOMEM;
	}
	return ST_OK;
}

status
taxii_enter(struct taxii *t, struct http_req *r, struct taxii_who *who)
{
	status rc = authenticate(t, r, who);

	if (rc)
		return rc;
	if (taxiireq_accept(http_req_header(r, "Accept")) != ST_OK) {
		taxii_error(r, ST_NOT_ACCEPTABLE, "Not acceptable", "this server answers in "
		    TAXII_MEDIA);
		return ST_NOT_ACCEPTABLE;
	}
	return ST_OK;
}

/* ---- discovery, the API root, the collections ---- */

static void
on_discovery(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	char root[sizeof t->base + 16];

	if (taxii_enter(t, r, &who))
		return;
	snprintf(root, sizeof root, "%s/taxii2/api/", t->base);
	taxii_json(r, ST_OK, json_pack("{s:s, s:s, s:s, s:[s]}", "title", "parley TAXII 2.1",
	    "description", "the STIX 2.1 intelligence of this CERT and its peers", "default",
	    root, "api_roots", root));
}

static void
on_root(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	char title[CARD_NAME_MAX + 16];

	if (taxii_enter(t, r, &who))
		return;
	snprintf(title, sizeof title, "parley %s", node_config(t->n)->name);
	taxii_json(r, ST_OK, json_pack("{s:s, s:[s], s:I}", "title", title, "versions",
	    TAXII_MEDIA, "max_content_length", (json_int_t)node_config(t->n)->taxii_max_body));
}

static void
on_collections(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;
	json_t *list, *j;

	if (taxii_enter(t, r, &who))
		return;
	if (!(list = json_array())) {
		taxii_error(r, ST_NOMEM, "Out of memory", NULL);
		return;
	}
	for (size_t k = 0; col_at(t, k, &c); k++)
		if (rights(&who, &c))
			json_array_append_new(list, col_json(&c));
	j = json_array_size(list) ? json_pack("{s:o}", "collections", list) :
	    (json_decref(list), json_object());
	taxii_json(r, ST_OK, j);
}

static void
on_collection(void *arg, struct http_req *r)
{
	struct taxii *t = arg;
	struct taxii_who who;
	struct taxii_col c;

	if (taxii_enter(t, r, &who) || taxii_col_of(t, r, &who, &c))
		return;
	taxii_json(r, ST_OK, col_json(&c));
}

/* ---- the service ---- */

status
taxii_new(struct http *h, struct node *n, struct peers *ps, struct intel *in,
    struct taxii **out)
{
	const char *url = node_config(n)->taxii_listen;
	size_t body = node_config(n)->taxii_max_body;
	struct taxii *t;
	status rc;

	*out = NULL;
	if (!url[0])
		return ST_OK;
	if (!(t = calloc(1, sizeof *t)))
		return ST_NOMEM;
	t->n = n;
	t->ps = ps;
	t->in = in;
	snprintf(t->base, sizeof t->base, "%s", url);
	if (body == 0 || body > HTTP_REQUEST_MAX)
		body = HTTP_REQUEST_MAX;
	rc = tries_new(FAILS_MAX, TAXII_FAILS_FREE, TAXII_LOCK_MAX_MS, &t->fails);
	if (!rc)
		rc = http_listen_url(h, "taxii", url, node_dir(n), &t->tls, &t->https, &t->l);
	if (!rc)	/* 404, 413, a bad query: TAXII error messages too */
		http_listener_errors(t->l, refused);
#define ROUTE(m, path, max, fn) \
	if (!rc) \
		rc = http_route(t->l, (m), "/taxii2/" path, (max), (fn), t)
	ROUTE(HTTP_GET, "", 0, on_discovery);
	ROUTE(HTTP_GET, "api/", 0, on_root);
	ROUTE(HTTP_GET, "api/collections/", 0, on_collections);
	ROUTE(HTTP_GET, "api/collections/{cid}/", 0, on_collection);
	ROUTE(HTTP_GET, "api/collections/{cid}/manifest/", 0, taxii_on_manifest);
	ROUTE(HTTP_GET | HTTP_POST, "api/collections/{cid}/objects/", body, taxii_on_objects);
	ROUTE(HTTP_GET | HTTP_DELETE, "api/collections/{cid}/objects/{oid}/", 0,
	    taxii_on_object);
	ROUTE(HTTP_GET, "api/collections/{cid}/objects/{oid}/versions/", 0, taxii_on_versions);
	ROUTE(HTTP_GET, "api/status/{sid}/", 0, taxii_on_status);
#undef ROUTE
	if (rc) {
		taxii_free(t);
		return rc;
	}
	diag_info("taxii: serving %s/taxii2/", url);
	*out = t;
	return ST_OK;
}

void
taxii_free(struct taxii *t)
{
	if (!t)
		return;
	sodium_memzero(t->cache, sizeof t->cache);
	tlsctx_free(t->tls);
	tries_free(t->fails);
	free(t);
}
