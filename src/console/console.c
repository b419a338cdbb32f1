/* console.c - the duty console (console.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "crypto/passwd.h"
#include "crypto/totp.h"
#include "crypto/tlsctx.h"
#include "fmt/cookie.h"
#include "util/b64.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "util/tries.h"

#define TOKEN_BYTES 32
#define TOKEN_LEN CONSOLE_TOKEN_LEN
#define COOKIE "parley_session"
#define FAILS_MAX 64		/* officers and addresses tracked for failures */
#define STREAMS_MAX 64		/* pages open on /events */
#define PING_S 15		/* a comment on each stream this often: a dead one shows */
/* At most one change event per this many ms: a busy link's deliveries (a
 * change per batch, thousands of messages a second) reach each page as a
 * few fetches a second, not one per batch.  The first change after a
 * quiet spell goes at once; later ones wait for the gap's end, and
 * however many came, one event tells them all. */
#define CHANGE_GAP_MS 250

#define session console_session

/* A page listening on /events (Server-Sent Events). */
struct stream {
	struct console *c;
	struct http_req *r;	/* NULL: free */
	const struct session *s;
};

struct console {
	struct node *n;
	struct link_engine *e;
	struct agree *g;
	struct desk *d;
	struct tlsctx *tls;
	struct http_listener *l;
	int https;
	struct session s[CONSOLE_SESSIONS_MAX];
	struct tries *fails;	/* failed sign-ins per officer name and address */
	struct stream streams[STREAMS_MAX];
	struct event *ping;
	struct event *tell;	/* pending: a change event waits for the gap's end */
	int64_t told_ms;	/* when the last change event went (stamp_mono_ms) */
	uint64_t version;	/* the desk's changes seen */
	struct board *board;
	struct msgview *msgview;
};

struct node *
console_node(const struct console *c)
{
	return c->n;
}

struct desk *
console_desk(const struct console *c)
{
	return c->d;
}

struct link_engine *
console_link(const struct console *c)
{
	return c->e;
}

struct agree *
console_agree(const struct console *c)
{
	return c->g;
}

status
console_route(struct console *c, unsigned methods, const char *pattern, size_t body_max,
    void (*fn)(void *arg, struct http_req *r), void *arg)
{
	return http_route(c->l, methods, pattern, body_max, fn, arg);
}

uint64_t
console_version(const struct console *c)
{
	return c->version;
}

static struct diag_limit lim_fail = DIAG_LIMIT_INIT;

/* ---- tokens and sessions ---- */

static void
token_new(char out[static TOKEN_LEN])
{
	uint8_t raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	struct buf b;

	buf_init(&b, TOKEN_LEN);
	if (b64_url_encode(&b, raw, sizeof raw) != ST_OK || b.len >= TOKEN_LEN)
		diag_panic("console: cannot encode a token");
	memcpy(out, b.p, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	sodium_memzero(raw, sizeof raw);
}

/* same - constant-time equality of two tokens. */
static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && n > 0 && sodium_memcmp(a, b, n) == 0;
}

/* session_of - the live session r's cookie names, or NULL; a live one's
 * idle time starts again. */
static struct session *
session_of(struct console *c, struct http_req *r)
{
	const char *h = http_req_header(r, "Cookie");
	char tok[TOKEN_LEN];
	int64_t now = stamp_now_ms();
	struct session *found = NULL;

	if (!h || cookie_get(h, COOKIE, tok, sizeof tok) != ST_OK)
		return NULL;
	for (size_t i = 0; i < CONSOLE_SESSIONS_MAX; i++) {
		struct session *s = &c->s[i];

		if (s->last_ms && now - s->last_ms > CONSOLE_IDLE_MS)
			memset(s, 0, sizeof *s);	/* idle too long: ended */
		if (s->last_ms && same(s->token, tok))
			found = s;	/* every slot compared: no early exit */
	}
	if (found)
		found->last_ms = now;
	return found;
}

static struct session *
session_new(struct console *c, const char *officer)
{
	struct session *s = NULL;

	for (size_t i = 0; i < CONSOLE_SESSIONS_MAX && !s; i++)
		if (!c->s[i].last_ms || stamp_now_ms() - c->s[i].last_ms > CONSOLE_IDLE_MS)
			s = &c->s[i];
	if (!s) {	/* full: the one idle longest gives way */
		s = &c->s[0];
		for (size_t i = 1; i < CONSOLE_SESSIONS_MAX; i++)
			if (c->s[i].last_ms < s->last_ms)
				s = &c->s[i];
	}
	token_new(s->token);
	token_new(s->csrf);
	snprintf(s->officer, sizeof s->officer, "%s", officer);
	s->last_ms = stamp_now_ms();
	return s;
}

/* csrf_ok - the form's csrf field is s's token. */
static int
csrf_ok(struct http_req *r, const struct session *s)
{
	const char *t = http_req_form(r, "csrf");

	return t && same(t, s->csrf);
}

/* ---- replies ---- */

status
console_secure(struct http_req *r)
{
	status rc = http_header(r, "Content-Security-Policy", PAGE_CSP);

	if (!rc)
		rc = http_header(r, "X-Content-Type-Options", "nosniff");
	if (!rc)
		rc = http_header(r, "Referrer-Policy", "no-referrer");
	if (!rc)
		rc = http_header(r, "X-Frame-Options", "DENY");
	if (!rc)
		rc = http_header(r, "Cache-Control", "no-store");
	return rc;
}

void
console_html(struct http_req *r, status st, const struct buf *b)
{
	if (console_secure(r) != ST_OK) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	http_reply(r, st, "text/html; charset=utf-8", b->p ? b->p : "", b->len);
}

/* see_other - 303 to where; with cookie (a Set-Cookie value) when set. */
static void
see_other(struct http_req *r, const char *where, const char *cookie)
{
	if (console_secure(r) != ST_OK || http_header(r, "Location", where) != ST_OK ||
	    (cookie && http_header(r, "Set-Cookie", cookie) != ST_OK)) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	http_reply(r, ST_SEE_OTHER, "text/plain; charset=utf-8", "", 0);
}

/* ---- sign-in ---- */

static void
signin_page(struct http_req *r, status st, const char *error, const char *officer)
{
	struct buf b;
	status rc;

	buf_init(&b, 1 << 16);
	rc = page_begin(&b, TEMPLATE_EN, PAGE_SIGNIN, NULL, "Sign in", NULL, NULL);
	if (!rc)
		rc = buf_adds(&b, "<h1>Sign in</h1>\n");
	if (!rc && error) {
		rc = buf_adds(&b, "<p class=\"error\" role=\"alert\">");
		if (!rc)
			rc = page_text(&b, error);
		if (!rc)
			rc = buf_adds(&b, "</p>\n");
	}
	if (!rc)
		rc = buf_addf(&b, "<form method=\"post\" action=\"/signin\">\n"
		    "<label for=\"officer\">Officer</label>\n"
		    "<input id=\"officer\" name=\"officer\" autocomplete=\"username\" required"
		    "%s value=\"", officer && officer[0] ? "" : " autofocus");
	if (!rc)
		rc = page_text(&b, officer ? officer : "");
	if (!rc)
		rc = buf_addf(&b, "\">\n<label for=\"password\">Password</label>\n"
		    "<input id=\"password\" name=\"password\" type=\"password\""
		    " autocomplete=\"current-password\" required%s>\n"
		    "<label for=\"code\">Code (if your second factor is set)</label>\n"
		    "<input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\">\n"
		    "<p><button type=\"submit\">Sign in</button></p>\n</form>\n",
		    officer && officer[0] ? " autofocus" : "");
	if (!rc)
		rc = page_end(&b);
	if (rc)
		http_reply_error(r, ST_NOMEM, "out of memory");
	else
		console_html(r, st, &b);
	buf_free(&b);
}

struct auth {
	char pw[PASSWD_HASH_MAX], totp[TOTP_B32_LEN(TOTP_SECRET_MAX)];
	int64_t step;
	int found;
};

static int
auth_row(void *arg, const struct store_officer_auth *o)
{
	struct auth *a = arg;

	snprintf(a->pw, sizeof a->pw, "%s", o->pw);
	snprintf(a->totp, sizeof a->totp, "%s", o->totp);
	a->step = o->totp_step;
	a->found = 1;
	return 1;
}

/* check - officer's password and code: ST_OK, or ST_BADSIG for anything
 * wrong (the caller says no more than that). */
static status
check(struct console *c, const char *officer, const char *password, const char *code)
{
	struct store *st = node_store(c->n);
	uint8_t secret[TOTP_SECRET_MAX];
	struct auth a;
	size_t n = 0;
	int64_t step;
	status rc;

	memset(&a, 0, sizeof a);
	if (!card_name_ok(officer) || store_officer_auth(st, officer, auth_row, &a) != ST_OK ||
	    !a.pw[0]) {
		/* the same work as a real check, so the time tells nothing */
		char dummy[PASSWD_HASH_MAX];

		if (passwd_hash("parley-no-such-officer", 22, dummy) == ST_OK &&
		    passwd_verify(dummy, password, strlen(password)) == ST_OK)
			diag_warn("console: the dummy password matched");
		return ST_BADSIG;
	}
	if (passwd_verify(a.pw, password, strlen(password)) != ST_OK)
		return ST_BADSIG;
	if (!a.totp[0])
		return ST_OK;
	step = a.step;
	rc = totp_base32_decode(a.totp, secret, sizeof secret, &n);
	if (!rc)
		rc = totp_verify(secret, n, code ? code : "", stamp_now_ms() / 1000, &step);
	sodium_memzero(secret, sizeof secret);
	if (!rc)
		rc = store_officer_totp_step(st, officer, step);	/* once, however raced */
	return rc ? ST_BADSIG : ST_OK;
}

static int
officer_lang(void *arg, const struct store_officer *o)
{
	struct session *s = arg;
	enum template_lang l;

	if (o->lang[0] && template_lang_parse(o->lang, &l) == ST_OK)
		s->lang = l;
	return 1;
}

static void
on_signin(void *arg, struct http_req *r)
{
	struct console *c = arg;
	const char *officer = http_req_form(r, "officer"), *password = http_req_form(r, "password");
	const char *addr = http_req_remote(r);
	char ko[80], ka[80], cookie[160], left_s[96];
	struct session *s;
	int64_t left;

	if (http_req_method(r) == HTTP_GET) {
		if (session_of(c, r))
			see_other(r, "/board", NULL);
		else
			signin_page(r, ST_OK, NULL, NULL);
		return;
	}
	if (!officer || !password) {
		signin_page(r, ST_INVALID, "Give your officer name and password.", officer);
		return;
	}
	snprintf(ko, sizeof ko, "o:%.70s", officer);
	snprintf(ka, sizeof ka, "a:%.70s", addr ? addr : "?");
	left = tries_locked(c->fails, ko, stamp_now_ms());
	if (tries_locked(c->fails, ka, stamp_now_ms()) > left)
		left = tries_locked(c->fails, ka, stamp_now_ms());
	if (left) {
		snprintf(left_s, sizeof left_s, "Too many failed sign-ins: try again in %lld s.",
		    (long long)((left + 999) / 1000));
		signin_page(r, ST_LIMITED, left_s, officer);
		return;
	}
	if (check(c, officer, password, http_req_form(r, "code")) != ST_OK) {
		tries_failed(c->fails, ko, stamp_now_ms());
		tries_failed(c->fails, ka, stamp_now_ms());
		diag_warn_limit(&lim_fail, "console: failed sign-in as %s from %s",
		    card_name_ok(officer) ? officer : "(not an officer's name)", addr ? addr : "?");
		signin_page(r, ST_UNAUTHORIZED, "Wrong officer name, password or code.", officer);
		return;
	}
	tries_clear(c->fails, ko);
	s = session_new(c, officer);
	s->lang = node_config(c->n)->desk_lang;
	if (store_officer_get(node_store(c->n), officer, officer_lang, s) != ST_OK)
		diag_warn("console: cannot read %s's language; the desk's it is", officer);
	snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
	    s->token, c->https ? "; Secure" : "");
	diag_info("console: %s signed in from %s", officer, addr ? addr : "?");
	see_other(r, "/board", cookie);
}

/* ---- live: Server-Sent Events ---- */

/* say - write text to every open stream (of session s only, when s is
 * not NULL, and then end them). */
static void
say(struct console *c, const char *text, const struct session *s)
{
	for (size_t i = 0; i < STREAMS_MAX; i++) {
		struct stream *x = &c->streams[i];

		if (!x->r || (s && x->s != s))
			continue;
		if (s) {
			http_stream_end(x->r);
			x->r = NULL;
		} else if (http_stream_write(x->r, text, strlen(text)) != ST_OK) {
			http_stream_end(x->r);
			x->r = NULL;
		}
	}
}

static void
stream_gone(void *arg)
{
	((struct stream *)arg)->r = NULL;	/* the page went away; r is freed */
}

/* tell - the change event, to every open page, now. */
static void
tell(struct console *c)
{
	c->told_ms = stamp_mono_ms();
	say(c, "event: change\ndata: {}\n\n", NULL);
}

static void
on_tell(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tell(arg);
}

/* on_change - what a page shows may have changed (the desk's watcher and
 * the link's): a page made from now on is made afresh (version), and
 * the open pages are told at once, or at the end of CHANGE_GAP_MS after
 * the last time they were, once for every change until then. */
static void
on_change(void *arg)
{
	struct console *c = arg;
	int64_t since = stamp_mono_ms() - c->told_ms;

	c->version++;
	if (evtimer_pending(c->tell, NULL))
		return;		/* told at the gap's end: this change too */
	if (since >= CHANGE_GAP_MS || since < 0) {
		tell(c);
		return;
	}
	{
		struct timeval tv = { 0, (CHANGE_GAP_MS - since) * 1000 };

		evtimer_add(c->tell, &tv);
	}
}

static void
on_ping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	say(arg, ": ping\n\n", NULL);
}

static void
on_events(void *arg, struct http_req *r)
{
	static const char hello[] = "retry: 3000\n: hello\n\n";
	struct console *c = arg;
	struct session *s = session_of(c, r);
	struct stream *x = NULL;

	if (!s) {
		http_reply_error(r, ST_UNAUTHORIZED, "sign in first");
		return;
	}
	for (size_t i = 0; i < STREAMS_MAX && !x; i++)
		if (!c->streams[i].r)
			x = &c->streams[i];
	if (!x) {
		http_reply_error(r, ST_BUSY, "too many pages open; the page polls instead");
		return;
	}
	if (console_secure(r) != ST_OK) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	x->c = c;
	x->r = r;
	x->s = s;
	http_defer(r, stream_gone, x);
	http_stream_start(r, ST_OK, "text/event-stream");
	if (http_stream_write(r, hello, sizeof hello - 1) != ST_OK) {
		http_stream_end(r);
		x->r = NULL;
	}
}

static void
on_signout(void *arg, struct http_req *r)
{
	struct console *c = arg;
	struct session *s = session_of(c, r);

	if (!s) {
		see_other(r, "/signin", NULL);
		return;
	}
	if (!csrf_ok(r, s)) {
		http_reply_error(r, ST_FORBIDDEN, "the form's CSRF token is missing or wrong");
		return;
	}
	diag_info("console: %s signed out", s->officer);
	say(c, NULL, s);	/* its pages stop listening */
	memset(s, 0, sizeof *s);
	see_other(r, "/signin", COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* ---- what the pages share ---- */

struct session *
console_enter(struct console *c, struct http_req *r, int change)
{
	struct session *s = session_of(c, r);

	if (!s) {
		if (http_req_method(r) == HTTP_GET)
			see_other(r, "/signin", NULL);
		else
			http_reply_error(r, ST_UNAUTHORIZED, "sign in first");
		return NULL;
	}
	if (change && !csrf_ok(r, s)) {
		console_fail(r, s, ST_FORBIDDEN, "The form's CSRF token is missing or wrong:"
		    " reload the page and try again.");
		return NULL;
	}
	return s;
}

void
console_see_other(struct http_req *r, const char *where)
{
	see_other(r, where, NULL);
}

static const struct words words[] = {
	{ { "Refused", "Refusé" } },
	{ { "Back to the board", "Retour au tableau" } },
};

void
console_fail(struct http_req *r, const struct session *s, status st, const char *why)
{
	enum template_lang l = s ? s->lang : TEMPLATE_EN;
	struct buf b;
	status rc;

	buf_init(&b, 1 << 16);
	rc = page_begin(&b, l, PAGE_BOARD, NULL, W(words, l, "Refused"), s ? s->officer : NULL,
	    s ? s->csrf : NULL);
	if (!rc)
		rc = buf_addf(&b, "<h1>%s</h1>\n<p class=\"error\" role=\"alert\">",
		    W(words, l, "Refused"));
	if (!rc)
		rc = page_text(&b, why);
	if (!rc)
		rc = buf_addf(&b, "</p>\n<p><a href=\"/board\">%s</a></p>\n",
		    W(words, l, "Back to the board"));
	if (!rc)
		rc = page_end(&b);
	if (rc)
		http_reply_error(r, st, why);
	else
		console_html(r, st, &b);
	buf_free(&b);
}

void
console_changed(struct console *c)
{
	on_change(c);
}

/* on_lang - the officer's language, kept for them (and their other
 * sessions) from now on. */
static void
on_lang(void *arg, struct http_req *r)
{
	struct console *c = arg;
	struct session *s = console_enter(c, r, 1);
	const char *code;
	enum template_lang l;
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	code = http_req_form(r, "lang");
	if (!code || template_lang_parse(code, &l) != ST_OK || !words_lang_ok(l)) {
		console_fail(r, s, ST_INVALID, "The console does not speak that language.");
		return;
	}
	if ((rc = store_officer_set_lang(node_store(c->n), s->officer, code)) != ST_OK) {
		console_fail(r, s, rc, "The language could not be kept.");
		return;
	}
	for (size_t i = 0; i < CONSOLE_SESSIONS_MAX; i++)
		if (c->s[i].last_ms && strcmp(c->s[i].officer, s->officer) == 0)
			c->s[i].lang = l;
	diag_info("console: %s reads the console in %s", s->officer, code);
	see_other(r, "/board", NULL);
}

static void
on_root(void *arg, struct http_req *r)
{
	see_other(r, session_of(arg, r) ? "/board" : "/signin", NULL);
}

static void
on_static(void *arg, struct http_req *r)
{
	const char *p = http_req_path(r);
	int css = strcmp(p, "/static/console.css") == 0;

	(void)arg;
	if (!css && strcmp(p, "/static/console.js") != 0) {
		http_reply_error(r, ST_NOTFOUND, "no such file");
		return;
	}
	if (console_secure(r) != ST_OK) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	http_reply(r, ST_OK, css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
	    css ? page_css : page_js, strlen(css ? page_css : page_js));
}

/* ---- the service ---- */

status
console_new(struct http *h, struct node *n, struct link_engine *e, struct agree *g,
    struct desk *d, struct console **out)
{
	const char *url = node_config(n)->console_listen;
	struct console *c;
	status rc;

	*out = NULL;
	if (!url[0])
		return ST_OK;
	if (!(c = calloc(1, sizeof *c)))
		return ST_NOMEM;
	c->n = n;
	c->e = e;
	c->g = g;
	c->d = d;
	rc = tries_new(FAILS_MAX, CONSOLE_FAILS_FREE, CONSOLE_LOCK_MAX_MS, &c->fails);
	if (!rc)
		rc = http_listen_url(h, "console", url, node_dir(n), &c->tls, &c->https, &c->l);
	if (!rc)
		rc = http_route(c->l, HTTP_GET, "/", 0, on_root, c);
	if (!rc)
		rc = http_route(c->l, HTTP_GET | HTTP_POST, "/signin", 8192, on_signin, c);
	if (!rc)
		rc = http_route(c->l, HTTP_POST, "/signout", 8192, on_signout, c);
	if (!rc)
		rc = http_route(c->l, HTTP_POST, "/lang", 8192, on_lang, c);
	if (!rc)
		rc = board_new(c, &c->board);
	if (!rc)
		rc = msgview_new(c, &c->msgview);
	if (!rc)
		rc = compose_routes(c);
	if (!rc)
		rc = checkpage_routes(c);
	if (!rc)
		rc = peerpage_routes(c);
	if (!rc)
		rc = http_route(c->l, HTTP_GET, "/static/*", 0, on_static, c);
	if (!rc)
		rc = http_route(c->l, HTTP_GET, "/events", 0, on_events, c);
	if (!rc && !(c->ping = event_new(http_base(h), -1, EV_PERSIST, on_ping, c)))
		rc = ST_NOMEM;
	if (!rc && !(c->tell = evtimer_new(http_base(h), on_tell, c)))
		rc = ST_NOMEM;
	if (!rc) {
		struct timeval tv = { PING_S, 0 };

		event_add(c->ping, &tv);
		desk_watch(d, on_change, c);
		link_watch(e, on_change, c);	/* the peers page: reachability, paths */
	}
	if (rc) {
		console_free(c);
		return rc;
	}
	diag_info("console: serving %s", url);
	*out = c;
	return ST_OK;
}

void
console_free(struct console *c)
{
	if (!c)
		return;
	if (c->d)
		desk_watch(c->d, NULL, NULL);
	if (c->e)
		link_watch(c->e, NULL, NULL);
	for (size_t i = 0; i < STREAMS_MAX; i++)
		if (c->streams[i].r) {
			http_stream_end(c->streams[i].r);
			c->streams[i].r = NULL;
		}
	if (c->ping)
		event_free(c->ping);
	if (c->tell)
		event_free(c->tell);
	board_free(c->board);
	msgview_free(c->msgview);	/* before the witness its downloads wait on */
	sodium_memzero(c->s, sizeof c->s);
	tlsctx_free(c->tls);
	tries_free(c->fails);
	free(c);
}
