/* http_client.c - requests to a pinned peer on libevent's evhttp and
 * OpenSSL, over the first of the peer's paths that works.
 *
 * A peer's paths (struct http_paths) are one record per key, kept in the
 * HTTP layer's list (http_clients) and counted by the clients that use
 * it; the last client to go frees it.  The rules of failover are in
 * http_client.h.  What this file must keep:
 * - a request moves to the next path only for a transport failure: an
 *   HTTP answer, whatever its code, proves the path, and goes to the
 *   caller as it is;
 * - each request tries each path at most once, so a peer that is down
 *   costs one pass, and the caller's backoff governs the rest;
 * - a connection is dropped when the path it dials is no longer the one
 *   in use, or the list changed (gen), at the client's next request: a
 *   request in flight finishes where it is;
 * - the done callback is the last thing a request does with its client
 *   (the caller may free the client in it).
 *
 * SECURITY: TLS 1.3 only, both sides authenticated by pinned Ed25519 keys
 * (tlsctx): the handshake fails unless the server proves the key dialled
 * for, on every path and in every probe.  The client dials only the
 * endpoints of a pinned peer, resolving names with the HTTP layer's
 * asynchronous resolver, so a slow name server delays only that peer.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fmt/card.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "net/http.h"
#include "net/http_client.h"

#define WHY_MAX 160

struct path {
	char url[CARD_ENDPOINT_MAX + 1];
	char host[CARD_ENDPOINT_MAX + 1];
	int port;
	enum http_path_state state;
	int64_t last_ok_ms, last_error_ms;
	char last_error[WHY_MAX];
};

/* One peer's paths, shared by the clients of its key. */
struct http_paths {
	struct http_paths *next;
	struct http *h;
	struct tlsctx *tls;
	uint8_t pk[IDENT_PK_LEN];
	char name[CARD_NAME_MAX + 1];
	char text[CARD_ENDPOINTS_TEXT_MAX];	/* the list as given */
	struct path v[CARD_MAX_ENDPOINTS];
	size_t n;
	size_t active;		/* the path requests go on */
	int64_t chosen_until_ms;	/* a path chosen (http_client_use_path) stays
					 * in use until then, though a better one answers */
	int used;		/* the last path that answered; -1: none yet */
	unsigned gen;		/* changes when the list is replaced */
	int refs;		/* clients (the prober is not counted) */
	struct event *timer;	/* the next probe round */
	struct http_client *prober;	/* asks the preferred paths, one at a time */
	size_t probing;		/* the path it asks */
};

struct http_client {
	struct http_paths *ps;
	struct event_base *base;
	struct evdns_base *dns;
	struct tlsctx *tls;
	struct evhttp_connection *conn;
	size_t conn_path;		/* the path conn dials */
	unsigned conn_gen;		/* of that list */
	struct event *reaper;		/* frees a dead connection outside its callbacks */
	struct evhttp_connection *dead;
	struct event *dial;		/* a new connection's deadline */
	struct evhttp_request *req;	/* in flight, or NULL */
	http_client_done_fn done;
	void *arg;
	int busy;
	/* the request, kept to go again on the next path */
	enum evhttp_cmd_type method;
	char *path;
	char *body;			/* a copy, when there is another path */
	size_t len;
	int timeout_s;
	unsigned tried;			/* paths it went on, a bit each */
	int answered_on;		/* the path of the last answer; -1: none yet */
	int prober;			/* ps's prober: one path, no failover */
	char error[WHY_MAX];
};

/* Path changes are one kind of warning, whatever the peer. */
static struct diag_limit change_limit = DIAG_LIMIT_INIT;

const char *
http_path_state_name(enum http_path_state s)
{
	return s == HTTP_PATH_UP ? "up" : s == HTTP_PATH_DOWN ? "down" : "untried";
}

/* ---- the paths ---- */

/* told - the paths of some peer changed as http_client_watch says: its
 * watcher hears of it. */
static void
told(const struct http_paths *ps)
{
	const struct http_clients *hc = http_clients(ps->h);

	if (hc->watch)
		hc->watch(hc->watch_arg);
}

void
http_client_watch(struct http *h, void (*fn)(void *arg), void *arg)
{
	struct http_clients *hc = http_clients(h);

	hc->watch = fn;
	hc->watch_arg = arg;
}

static void probe_next(struct http_paths *ps);
static status request(struct http_client *c, enum evhttp_cmd_type method, const char *path,
    const char *body, size_t len, int timeout_s, http_client_done_fn done, void *arg);
static void drop(struct http_client *c);
static void client_abort(struct http_client *c);
static void client_free(struct http_client *c);
static status client_make(struct http *h, struct tlsctx *tls, struct http_paths *ps,
    struct http_client **out);

/* probe_arm - on a backup, the next probe round in probe_ms; on path 0,
 * none. */
static void
probe_arm(struct http_paths *ps)
{
	int ms = http_clients(ps->h)->probe_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (ps->prober && http_client_busy(ps->prober))
		return;		/* a round is under way: it arms the next */
	if (ps->active == 0)
		evtimer_del(ps->timer);
	else if (!evtimer_pending(ps->timer, NULL))
		evtimer_add(ps->timer, &tv);
}

/* path_ok - path i answered (a request, or a probe). */
static void
path_ok(struct http_paths *ps, size_t i, int probed)
{
	struct path *p = &ps->v[i];
	size_t was = ps->active;

	if (p->state != HTTP_PATH_UP)
		told(ps);	/* a success on a path up already is every answer: not told */
	p->state = HTTP_PATH_UP;
	p->last_ok_ms = stamp_now_ms();
	if (i < ps->active && stamp_mono_ms() >= ps->chosen_until_ms)
		ps->active = i;		/* a better path works: use it */
	if (ps->active != was)
		told(ps);
	if (i != ps->active) {
		/* a request that went before the path in use changed */
		probe_arm(ps);
		return;
	}
	if (ps->used >= 0 && (size_t)ps->used != i) {
		if (i < (size_t)ps->used)
			diag_warn_limit(&change_limit, "peer %s: back on path %zu (%s) from path %d"
			    " (%s): it answers again%s", ps->name, i, p->url, ps->used,
			    ps->v[ps->used].url, probed ? " (probed)" : "");
		else
			diag_warn_limit(&change_limit, "peer %s: now on path %zu (%s); path %d (%s)"
			    " is down: %s", ps->name, i, p->url, ps->used, ps->v[ps->used].url,
			    ps->v[ps->used].last_error[0] ? ps->v[ps->used].last_error : "failed");
	} else if (ps->used < 0 && i > 0)
		diag_warn_limit(&change_limit, "peer %s: now on path %zu (%s); path 0 (%s) is"
		    " down: %s", ps->name, i, p->url, ps->v[0].url,
		    ps->v[0].last_error[0] ? ps->v[0].last_error : "untried");
	ps->used = (int)i;
	probe_arm(ps);
}

/* path_down - path i failed for a transport reason (why); when it was the
 * one in use, the next one is. */
static void
path_down(struct http_paths *ps, size_t i, const char *why)
{
	struct path *p = &ps->v[i];

	p->state = HTTP_PATH_DOWN;
	p->last_error_ms = stamp_now_ms();
	snprintf(p->last_error, sizeof p->last_error, "%s", why);
	if (ps->active == i && ps->n > 1) {
		ps->active = (i + 1) % ps->n;
		probe_arm(ps);
	}
	told(ps);	/* failures come no faster than the callers' backoff allows */
}

/* probe_done - the prober's answer, or none (ST_DOWN): on_done and
 * transport_failed have marked the path already. */
static void
probe_done(void *arg, status st, const char *body, size_t len, const char *error)
{
	struct http_paths *ps = arg;

	(void)body;
	(void)len;
	(void)error;
	drop(ps->prober);	/* one request per probe: no idle connection kept */
	if (st == ST_DOWN) {
		ps->probing++;
		probe_next(ps);
	} else
		probe_arm(ps);
}

/* probe_next - ask path ps->probing, if it is better than the one in
 * use; else wait for the next round. */
static void
probe_next(struct http_paths *ps)
{
	for (; ps->probing < ps->active; ps->probing++) {
		ps->prober->tried = 0;
		if (request(ps->prober, EVHTTP_REQ_GET, HTTP_PING_PATH, NULL, 0,
		    HTTP_CLIENT_TIMEOUT_S, probe_done, ps) == ST_OK)
			return;
	}
	probe_arm(ps);
}

static void
on_probe_timer(evutil_socket_t fd, short what, void *arg)
{
	struct http_paths *ps = arg;

	(void)fd;
	(void)what;
	if (ps->active == 0 || http_client_busy(ps->prober))
		return;
	ps->probing = 0;
	probe_next(ps);
}

/* paths_set - ps's list from text, every path untried; ST_INVALID. */
static status
paths_set(struct http_paths *ps, const char *text)
{
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	struct path v[CARD_MAX_ENDPOINTS];
	size_t n;

	if (strlen(text) >= sizeof ps->text || card_endpoints_split(text, eps, &n) != ST_OK)
		return ST_INVALID;
	memset(v, 0, sizeof v);
	for (size_t i = 0; i < n; i++) {
		memcpy(v[i].url, eps[i], sizeof v[i].url);
		if (card_endpoint_parse(eps[i], v[i].host, sizeof v[i].host, &v[i].port) != ST_OK)
			return ST_INVALID;
	}
	if (ps->prober)
		client_abort(ps->prober);	/* it asked the old list */
	if (ps->timer)
		evtimer_del(ps->timer);
	memcpy(ps->v, v, sizeof v);
	ps->n = n;
	ps->active = 0;
	ps->used = -1;
	ps->gen++;
	snprintf(ps->text, sizeof ps->text, "%s", text);
	if (ps->h)
		told(ps);	/* a list replaced: every path untried again */
	return ST_OK;
}

/* paths_get - pk's record, made or brought up to date (endpoints); a
 * reference the caller releases with paths_put. */
static status
paths_get(struct http *h, struct tlsctx *tls, const uint8_t pk[static IDENT_PK_LEN],
    const char *name, const char *endpoints, struct http_paths **out)
{
	struct http_clients *hc = http_clients(h);
	struct http_paths *ps;
	status rc;

	*out = NULL;
	for (ps = hc->paths; ps; ps = ps->next)
		if (memcmp(ps->pk, pk, IDENT_PK_LEN) == 0)
			break;
	if (ps) {
		if (strcmp(ps->text, endpoints) != 0 && (rc = paths_set(ps, endpoints)) != ST_OK)
			return rc;
	} else {
		if (!(ps = calloc(1, sizeof *ps)))
			return ST_NOMEM;
		ps->h = h;
		memcpy(ps->pk, pk, IDENT_PK_LEN);
		if ((rc = paths_set(ps, endpoints)) != ST_OK) {
			free(ps);
			return rc;
		}
		ps->tls = tls;
		if (!(ps->timer = evtimer_new(http_base(h), on_probe_timer, ps)) ||
		    (rc = client_make(h, tls, ps, &ps->prober)) != ST_OK) {
			if (ps->timer)
				event_free(ps->timer);
			free(ps);
			return ST_NOMEM;
		}
		ps->prober->prober = 1;
		ps->next = hc->paths;
		hc->paths = ps;
	}
	ps->tls = tls;
	ps->prober->tls = tls;
	snprintf(ps->name, sizeof ps->name, "%s", name);
	ps->refs++;
	*out = ps;
	return ST_OK;
}

static void
paths_put(struct http_paths *ps)
{
	struct http_paths **pp;

	if (!ps || --ps->refs > 0)
		return;
	for (pp = &http_clients(ps->h)->paths; *pp; pp = &(*pp)->next)
		if (*pp == ps) {
			*pp = ps->next;
			break;
		}
	client_free(ps->prober);
	event_free(ps->timer);
	free(ps);
}

void
http_client_probe_every(struct http *h, int ms)
{
	http_clients(h)->probe_ms = ms > 0 ? ms : HTTP_PROBE_MS;
}

size_t
http_client_paths(const struct http_client *c,
    struct http_path_info out[static CARD_MAX_ENDPOINTS])
{
	const struct http_paths *ps = c->ps;

	for (size_t i = 0; i < ps->n; i++) {
		memcpy(out[i].url, ps->v[i].url, sizeof out[i].url);
		out[i].state = ps->v[i].state;
		out[i].active = i == ps->active;
		out[i].last_ok_ms = ps->v[i].last_ok_ms;
		out[i].last_error_ms = ps->v[i].last_error_ms;
		memcpy(out[i].last_error, ps->v[i].last_error, sizeof out[i].last_error);
	}
	return ps->n;
}

/* ---- one client ---- */

/* nodelay - small requests and receipts must not wait for Nagle's algorithm
 * and delayed ACKs (40 ms each way); latency is the point of the urgent link. */
static void
nodelay(struct evhttp_connection *conn)
{
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
	int one = 1;

	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void
reap(evutil_socket_t fd, short what, void *arg)
{
	struct http_client *c = arg;

	(void)fd;
	(void)what;
	if (c->dead) {
		evhttp_connection_free(c->dead);
		c->dead = NULL;
	}
}

/* drop - forget the connection; it is freed from the event loop, since
 * libevent may still be inside one of its callbacks. */
static void
drop(struct http_client *c)
{
	if (!c->conn)
		return;
	evtimer_del(c->dial);
	/* evhttp_connection_free calls the close callback: detach it first. */
	evhttp_connection_set_closecb(c->conn, NULL, NULL);
	if (c->dead)
		evhttp_connection_free(c->dead);
	c->dead = c->conn;
	c->conn = NULL;
	event_active(c->reaper, EV_TIMEOUT, 0);
}

static void
on_close(struct evhttp_connection *conn, void *arg)
{
	struct http_client *c = arg;

	if (conn == c->conn && !c->busy)
		drop(c);
}

static void
on_error(enum evhttp_request_error err, void *arg)
{
	struct http_client *c = arg;
	static const char *const what[] = {
		[EVREQ_HTTP_TIMEOUT] = "timed out",
		[EVREQ_HTTP_EOF] = "connection closed",
		[EVREQ_HTTP_INVALID_HEADER] = "invalid response header",
		[EVREQ_HTTP_BUFFER_ERROR] = "connection failed",
		[EVREQ_HTTP_REQUEST_CANCEL] = "cancelled",
		[EVREQ_HTTP_DATA_TOO_LONG] = "response too long",
	};
	unsigned long ssl_err = 0;

	if (c->conn) {
		struct bufferevent *bev = evhttp_connection_get_bufferevent(c->conn);

		if (bev)
			ssl_err = bufferevent_get_openssl_error(bev);
	}
	if (ssl_err) {
		char e[120];

		ERR_error_string_n(ssl_err, e, sizeof e);
		snprintf(c->error, sizeof c->error, "TLS failed: %s", e);
	} else if ((unsigned)err < sizeof what / sizeof what[0] && what[err])
		snprintf(c->error, sizeof c->error, "%s", what[err]);
	else
		snprintf(c->error, sizeof c->error, "request failed");
}

/* reason_or - for a refusal, "HTTP CODE" as the error text. */
static const char *
reason_or(struct http_client *c, int code)
{
	if (code != 200)
		snprintf(c->error, sizeof c->error, "peer answered HTTP %d", code);
	return c->error;
}

/* forget - the request is over: what was kept of it goes. */
static void
forget(struct http_client *c)
{
	free(c->path);
	free(c->body);
	c->path = NULL;
	c->body = NULL;
	c->len = 0;
	c->busy = 0;
	c->req = NULL;
	c->done = NULL;
}

/* finish - tell the caller, the last thing done with c. */
static void
finish(struct http_client *c, status st, const char *body, size_t len, const char *error)
{
	http_client_done_fn done = c->done;
	void *arg = c->arg;

	forget(c);
	if (done)
		done(arg, st, body, len, error);
}

static status attempt(struct http_client *c, const char *body, size_t len);

/* more - a path this request has not gone on yet (the prober asks one). */
static int
more(const struct http_client *c)
{
	return !c->prober && c->tried != (1u << c->ps->n) - 1;
}

/* transport_failed - the request found no answer on its path (why): the
 * next path at once, or, when every one failed, ST_DOWN to the caller. */
static void
transport_failed(struct http_client *c, const char *why)
{
	struct http_paths *ps = c->ps;
	char text[WHY_MAX];
	size_t at = c->conn_path;

	if (c->conn_gen == ps->gen)
		path_down(ps, at, why);
	else
		c->tried = 0;	/* it went on the list before: the new one, from the start */
	while (more(c)) {
		if (attempt(c, c->body, c->len) == ST_OK)
			return;
		at = c->conn_path;
		path_down(ps, at, "cannot send the request");
	}
	/* every path failed: the next round starts at the preferred one */
	if (!c->prober && ps->v[ps->active].state == HTTP_PATH_DOWN && ps->active != 0) {
		ps->active = 0;
		probe_arm(ps);
		told(ps);
	}
	if (ps->n > 1)
		snprintf(text, sizeof text, "all %zu paths failed; path %zu: %s", ps->n, at,
		    ps->v[at].last_error);
	else
		snprintf(text, sizeof text, "%s", why);
	finish(c, ST_DOWN, "", 0, text);
}

static void
on_done(struct evhttp_request *req, void *arg)
{
	struct http_client *c = arg;
	int code = req ? evhttp_request_get_response_code(req) : 0;
	struct evbuffer *in;
	const char *body = "";
	size_t len = 0;

	evtimer_del(c->dial);
	c->busy = 0;
	c->req = NULL;
	if (code == 0) {
		if (!c->error[0])
			snprintf(c->error, sizeof c->error, "connection failed");
		drop(c);
		transport_failed(c, c->error);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	body = len ? (const char *)evbuffer_pullup(in, -1) : "";
	if (c->conn_gen == c->ps->gen)
		path_ok(c->ps, c->conn_path, c->prober);
	c->answered_on = (int)c->conn_path;
	finish(c, http_status(code), body ? body : "", body ? len : 0, reason_or(c, code));
}

/* handshaken - c's connection has completed its TLS handshake. */
static int
handshaken(struct http_client *c)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c->conn);
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;

	return ssl && SSL_is_init_finished(ssl);
}

/* on_dial - a new connection's deadline: one that has not completed its
 * TLS handshake by now is a path down (a port that accepts and never
 * answers, a black hole, a name server that does not answer). */
static void
on_dial(evutil_socket_t fd, short what, void *arg)
{
	struct http_client *c = arg;
	struct evhttp_request *req = c->req;
	struct bufferevent *bev;
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	evutil_socket_t s;
	const char *why;

	(void)fd;
	(void)what;
	if (!c->busy || !c->conn || !req || handshaken(c))
		return;
	bev = evhttp_connection_get_bufferevent(c->conn);
	s = bev ? bufferevent_getfd(bev) : -1;
	why = s >= 0 && getpeername(s, (struct sockaddr *)&sa, &sl) == 0 ?
	    "TLS handshake timed out" : "connect timed out";
	c->req = NULL;
	/* no done callback from a cancelled request: only on_error ("cancelled") */
	evhttp_cancel_request(req);
	c->busy = 0;
	drop(c);
	transport_failed(c, why);
}

static status
dial(struct http_client *c, size_t k)
{
	struct path *p = &c->ps->v[k];
	struct timeval tv = { HTTP_CLIENT_DIAL_MS / 1000, (HTTP_CLIENT_DIAL_MS % 1000) * 1000 };
	struct bufferevent *bev;
	SSL *ssl = tlsctx_client_ssl(c->tls, c->ps->pk);

	if (!ssl)
		return ST_CRYPTO;
	bev = bufferevent_openssl_socket_new(c->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		SSL_free(ssl);
		return ST_NOMEM;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->conn = evhttp_connection_base_bufferevent_new(c->base, c->dns, bev, p->host,
	    (ev_uint16_t)p->port);
	if (!c->conn) {
		bufferevent_free(bev);
		return ST_NOMEM;
	}
	c->conn_path = k;
	c->conn_gen = c->ps->gen;
	evhttp_connection_set_retries(c->conn, 0);
	evhttp_connection_set_max_body_size(c->conn, HTTP_REQUEST_MAX);
	evhttp_connection_set_closecb(c->conn, on_close, c);
	evtimer_add(c->dial, &tv);
	return ST_OK;
}

/* pick - the path for the next attempt: the first this request has not
 * gone on, from the one in use, in order, wrapping round. */
static size_t
pick(const struct http_client *c)
{
	const struct http_paths *ps = c->ps;

	if (c->prober)
		return ps->probing;
	for (size_t j = 0; j < ps->n; j++) {
		size_t k = (ps->active + j) % ps->n;

		if (!(c->tried & (1u << k)))
			return k;
	}
	return ps->active;
}

/* attempt - send the request kept in c on the next path (body: the
 * caller's, or the copy kept). */
static status
attempt(struct http_client *c, const char *body, size_t len)
{
	size_t k = pick(c);
	struct evhttp_request *req;
	struct evkeyvalq *hdr;
	status rc;

	c->tried |= 1u << k;
	if (c->conn && (c->conn_path != k || c->conn_gen != c->ps->gen))
		drop(c);	/* the path in use changed */
	if (!c->conn) {
		if ((rc = dial(c, k)) != ST_OK) {
			c->conn_path = k;
			c->conn_gen = c->ps->gen;
			return rc;
		}
	}
	evhttp_connection_set_timeout(c->conn, c->timeout_s);
	req = evhttp_request_new(on_done, c);
	if (!req)
		return ST_NOMEM;
	evhttp_request_set_error_cb(req, on_error);
	hdr = evhttp_request_get_output_headers(req);
	evhttp_add_header(hdr, "Host", c->ps->v[k].host);
	if (c->method == EVHTTP_REQ_POST)
		evhttp_add_header(hdr, "Content-Type", "application/jose");
	if (len && evbuffer_add(evhttp_request_get_output_buffer(req), body, len) != 0) {
		evhttp_request_free(req);
		return ST_NOMEM;
	}
	c->error[0] = '\0';
	c->busy = 1;
	c->req = req;
	if (evhttp_make_request(c->conn, req, c->method, c->path) != 0) {
		/* evhttp_make_request frees req on failure */
		c->busy = 0;
		c->req = NULL;
		drop(c);
		return ST_IO;
	}
	nodelay(c->conn);
	return ST_OK;
}

/* client_make - a client of ps's peer (not counted in ps->refs). */
static status
client_make(struct http *h, struct tlsctx *tls, struct http_paths *ps,
    struct http_client **out)
{
	struct http_client *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return ST_NOMEM;
	c->base = http_base(h);
	c->dns = http_dns(h);
	c->tls = tls;
	c->ps = ps;
	c->answered_on = -1;
	c->reaper = event_new(c->base, -1, 0, reap, c);
	c->dial = evtimer_new(c->base, on_dial, c);
	if (!c->reaper || !c->dial) {
		client_free(c);
		return ST_NOMEM;
	}
	*out = c;
	return ST_OK;
}

/* client_free - c and its connections, without a callback; NULL is a
 * no-op.  Its paths are the caller's to release. */
static void
client_free(struct http_client *c)
{
	if (!c)
		return;
	c->done = NULL;
	if (c->conn) {
		evhttp_connection_set_closecb(c->conn, NULL, NULL);
		evhttp_connection_free(c->conn);
	}
	if (c->dead)
		evhttp_connection_free(c->dead);
	forget(c);
	if (c->reaper)
		event_free(c->reaper);
	if (c->dial)
		event_free(c->dial);
	free(c);
}

/* client_abort - drop c's request in flight, without its callback, and
 * its connection. */
static void
client_abort(struct http_client *c)
{
	struct evhttp_request *req = c->req;

	c->req = NULL;
	c->done = NULL;
	if (req && c->conn)
		evhttp_cancel_request(req);	/* no done callback after it */
	drop(c);
	forget(c);
}

status
http_client_new(struct http *h, struct tlsctx *tls,
    const uint8_t pk[static IDENT_PK_LEN], const char *name, const char *endpoints,
    struct http_client **out)
{
	struct http_paths *ps;
	status rc;

	*out = NULL;
	if ((rc = paths_get(h, tls, pk, name, endpoints, &ps)) != ST_OK)
		return rc;
	if ((rc = client_make(h, tls, ps, out)) != ST_OK)
		paths_put(ps);
	return rc;
}

static status
request(struct http_client *c, enum evhttp_cmd_type method, const char *path,
    const char *body, size_t len, int timeout_s, http_client_done_fn done, void *arg)
{
	status rc;

	if (c->busy)
		return ST_CONFLICT;
	if (!(c->path = strdup(path)))
		return ST_NOMEM;
	/* a copy only when it may go again on another path */
	if (c->ps->n > 1 && len) {
		if (!(c->body = malloc(len))) {
			forget(c);
			return ST_NOMEM;
		}
		memcpy(c->body, body, len);
		c->len = len;
	}
	c->method = method;
	c->timeout_s = timeout_s;
	c->tried = 0;
	c->done = done;
	c->arg = arg;
	rc = attempt(c, body, len);
	if (rc)
		forget(c);
	return rc;
}

status
http_client_post(struct http_client *c, const char *path, const char *body, size_t len,
    int timeout_s, http_client_done_fn done, void *arg)
{
	return request(c, EVHTTP_REQ_POST, path, body, len, timeout_s, done, arg);
}

status
http_client_get(struct http_client *c, const char *path, int timeout_s,
    http_client_done_fn done, void *arg)
{
	return request(c, EVHTTP_REQ_GET, path, NULL, 0, timeout_s, done, arg);
}

int
http_client_busy(const struct http_client *c)
{
	return c->busy;
}

void
http_client_free(struct http_client *c)
{
	struct http_paths *ps;

	if (!c)
		return;
	ps = c->ps;
	client_free(c);
	paths_put(ps);
}

int
http_client_answered_on(const struct http_client *c)
{
	return c->answered_on;
}

status
http_client_use_path(struct http_client *c, size_t n)
{
	struct http_paths *ps = c->ps;

	if (n >= ps->n)
		return ST_INVALID;
	ps->active = n;
	/* a request already in flight on a better path, answering, does not
	 * take it back; the prober does, after probe_ms */
	ps->chosen_until_ms = stamp_mono_ms() + http_clients(ps->h)->probe_ms;
	probe_arm(ps);
	told(ps);
	return ST_OK;
}
