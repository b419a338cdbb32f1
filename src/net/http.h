/* http.h - the one HTTP layer of the daemon: listeners, routes, replies.
 *
 * The daemon makes one struct http and opens its listeners on it; services
 * (link, witness, later desk, TAXII, console, advisories) register routes on
 * a listener.  HTTP parsing is libevent's evhttp; this module owns what
 * evhttp leaves to its user: who is calling, how many may call at once, how
 * long a stranger may take, how much request data is held in memory, and
 * the one table that maps a status to an HTTP status.  No other module
 * knows HTTP numbers.
 *
 * Each listener has a TLS mode:
 *   HTTP_TLS_PINNED  TLS 1.3, mutual; only pinned Ed25519 keys get in
 *                    (tlsctx_new).  http_req_peer gives the caller's key.
 *   HTTP_TLS_SERVER  server-authenticated TLS for browsers and standard
 *                    clients (tlsctx_new_server); callers authenticate
 *                    themselves in the request (password, token, session).
 *   HTTP_PLAIN       plain HTTP, refused unless the address is loopback.
 *
 * Limits (struct http_limits) protect the daemon from strangers: a cap on
 * connections per listener and on unauthenticated ones per source address
 * (past it the oldest unauthenticated connection is closed, so a pinned
 * peer always gets in), a deadline for the TLS handshake and request
 * headers, a pause in accepting when descriptors run out, a cap on
 * connections per pinned peer, and a daemon-wide budget for request bytes
 * held in memory (a connection past it waits, unread, until bytes are
 * freed; the oldest request in progress always proceeds).  Warnings are
 * rate-limited.
 */
#ifndef PARLEY_HTTP_H
#define PARLEY_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "crypto/ident.h"
#include "crypto/tlsctx.h"
#include "util/status.h"

/* The largest request any route may take (a batch of messages). */
#define HTTP_REQUEST_MAX (64u << 20)
#define HTTP_ROUTES_MAX 32

struct http;
struct http_listener;
struct http_req;
struct evdns_base;

struct http_limits {
	int max_conns;		/* per listener; 0: from the open-file limit */
	int max_conns_per_addr;	/* unauthenticated, per source address */
	int handshake_timeout_ms;	/* TLS handshake and request headers */
	int peer_max_conns;	/* per pinned peer key */
	size_t body_budget;	/* request bytes held at once, daemon-wide */
	const char *resolv_conf;	/* for clients' name resolution */
};

/* Defaults, documented in the README (Files: parley.json). */
#define HTTP_MAX_CONNS_PER_ADDR 64
#define HTTP_HANDSHAKE_TIMEOUT_MS 5000
#define HTTP_PEER_MAX_CONNS 8
#define HTTP_BODY_BUDGET (64u << 20)
#define HTTP_IDLE_TIMEOUT_S 60

enum http_tls { HTTP_TLS_PINNED, HTTP_TLS_SERVER, HTTP_PLAIN };

enum http_method {
	HTTP_GET = 1, HTTP_POST = 2, HTTP_PUT = 4, HTTP_DELETE = 8, HTTP_HEAD = 16
};

/* http_handler_fn - a request for a route.  The handler replies before it
 * returns, or later (deferred: see http_defer), exactly once. */
typedef void (*http_handler_fn)(void *arg, struct http_req *r);

/* http_new - the HTTP layer on base, with limits lim (copied; zero fields
 * take the defaults).  Makes the asynchronous resolver clients use, from
 * lim->resolv_conf (default /etc/resolv.conf; a missing file leaves the
 * resolver with no name server: names fail, addresses work). */
status http_new(struct event_base *base, const struct http_limits *lim,
    struct http **out) WUR;
/* http_free - closes every listener and connection; NULL is a no-op. */
void http_free(struct http *h);
struct event_base *http_base(struct http *h);
/* http_dns - the asynchronous resolver, for http_client. */
struct evdns_base *http_dns(struct http *h);

/* struct http_clients - what the pinned-TLS clients of one HTTP layer
 * share (net/http_client.c): the paths to each peer, one record per key
 * that every client of that key uses, and how often a peer on a backup
 * path is tried again on its preferred one (HTTP_PROBE_MS until
 * http_client_probe_every).  The HTTP layer only holds it; the list is
 * empty once every client is freed, as it must be before http_free. */
#define HTTP_PROBE_MS 30000
#define HTTP_PING_PATH "/v1/ping"
struct http_paths;
struct http_clients {
	struct http_paths *paths;
	int probe_ms;
	/* told when a path's state or the path in use changes
	 * (http_client_watch); NULL: no one */
	void (*watch)(void *arg);
	void *watch_arg;
};
struct http_clients *http_clients(struct http *h);

/* http_listen - accept on host:port in mode; tls is the context for the
 * TLS modes (borrowed, must outlive h) and NULL for HTTP_PLAIN.  name is
 * used in log lines ("peer", "console").  A pinned listener answers GET
 * HTTP_PING_PATH itself (200, empty): what a client's path probe asks
 * (http_client.h), so that it touches no service.  ST_INVALID: plain HTTP on an
 * address that is not loopback; ST_IO: cannot bind. */
status http_listen(struct http *h, const char *name, const char *host, int port,
    enum http_tls mode, struct tlsctx *tls, struct http_listener **out) WUR;

/* http_listen_url - a listener for a service that strangers call (the
 * duty console, the TAXII server) at url: "https://HOST:PORT" with the
 * certificate of the node in dir (server.key, server.crt; the context
 * made into *tls, the caller's: tlsctx_free after http_free), or
 * "http://HOST:PORT" on a loopback address only (*tls NULL).  *https
 * says which.  ST_INVALID (a URL config_console_parse refuses), errors of
 * tlsctx_new_server and http_listen. */
status http_listen_url(struct http *h, const char *name, const char *url, const char *dir,
    struct tlsctx **tls, int *https, struct http_listener **out) WUR;

/* http_guard - on lev (any listener of base, e.g. the local API socket's):
 * when descriptors run out, stop accepting for a moment instead of
 * spinning, with a rate-limited warning naming name.  http_unguard (NULL is
 * a no-op) before the listener is freed.  ST_TOOBIG: too many guarded. */
struct evconnlistener;
status http_guard(struct event_base *base, struct evconnlistener *lev,
    const char *name) WUR;
void http_unguard(struct evconnlistener *lev);

/* http_route - serve methods (a mask of enum http_method) on pattern: a path
 * whose segments are literal, "{name}" (one non-empty segment, read with
 * http_req_param) or a final "*" (the rest, read as param "*").  Bodies over
 * max_body get ST_TOOBIG.  Routes are tried in the order registered. */
status http_route(struct http_listener *l, unsigned methods, const char *pattern,
    size_t max_body, http_handler_fn fn, void *arg) WUR;

/* ---- the request (valid until the reply) ---- */

enum http_method http_req_method(const struct http_req *r);
/* http_req_path - the path, percent-decoded, without the query. */
const char *http_req_path(const struct http_req *r);
/* http_req_param - a {name} segment of the route, or NULL. */
const char *http_req_param(const struct http_req *r, const char *name);
/* http_req_query - the first value of query parameter name, decoded, or
 * NULL. */
const char *http_req_query(const struct http_req *r, const char *name);
/* http_req_query_nth - the i-th value (from 0, in the order the query
 * gives them) of query parameter name, decoded, or NULL past the last:
 * for parameters a request may repeat. */
const char *http_req_query_nth(const struct http_req *r, const char *name, size_t i);
/* http_req_form - the first value of field name of an
 * application/x-www-form-urlencoded body (what an HTML form posts),
 * decoded by libevent, or NULL (no such field; not such a body; a body
 * holding a NUL or not well-formed). */
const char *http_req_form(struct http_req *r, const char *name);
/* http_req_header - a request header, or NULL. */
const char *http_req_header(const struct http_req *r, const char *name);
/* http_req_body - the body (not NUL-terminated; "" when empty). */
const char *http_req_body(const struct http_req *r, size_t *len);
/* http_req_peer - on a pinned listener, the caller's TLS-verified key;
 * NULL elsewhere. */
const uint8_t *http_req_peer(const struct http_req *r);
/* http_req_principal / http_req_set_principal - who the caller proved to
 * be in the request (an officer, a token's holder); NULL until set.  The
 * string is copied. */
const char *http_req_principal(const struct http_req *r);
status http_req_set_principal(struct http_req *r, const char *who) WUR;
/* http_req_remote - the caller's address, for log lines. */
const char *http_req_remote(const struct http_req *r);

/* ---- the response ---- */

/* http_header - add a response header (before the reply). */
status http_header(struct http_req *r, const char *name, const char *value) WUR;
/* http_reply - answer with the HTTP status for st and body (copied); r is
 * gone afterwards. */
void http_reply(struct http_req *r, status st, const char *ctype, const void *body,
    size_t len);
/* http_reply_error - answer {"error": reason} (JSON) with the status for st. */
void http_reply_error(struct http_req *r, status st, const char *reason);
/* http_defer - the handler will reply later (with http_reply or a stream).
 * If the connection closes first (the client hangs up, or the daemon
 * stops), gone(arg) is called and r is freed: the handler must forget it. */
void http_defer(struct http_req *r, void (*gone)(void *arg), void *arg);
/* http_stream_start / http_stream_write / http_stream_end - a reply sent in
 * chunks (chunked transfer encoding) for results too large to build at
 * once; http_stream_end frees r.  A handler that streams from later events
 * calls http_defer first, to learn of a hang-up. */
void http_stream_start(struct http_req *r, status st, const char *ctype);
status http_stream_write(struct http_req *r, const void *p, size_t len) WUR;
void http_stream_end(struct http_req *r);

/* ---- the one status table ---- */

/* http_code - the HTTP status for st (ST_OK: 200). */
int http_code(status st);
/* http_status - the status an HTTP code stands for (the inverse of
 * http_code on its image; any other 2xx: ST_OK, 4xx: ST_INVALID, 5xx:
 * ST_DOWN). */
status http_status(int code);

/* http_listener_errors - the answers the listener l gives itself before
 * a route's handler runs (no such resource, a body over the route's
 * limit, a malformed query string) are made by fn, with the status and
 * the reason, instead of {"error": REASON} in application/json: for a
 * protocol with error bodies of its own (TAXII).  fn must answer r. */
typedef void (*http_error_fn)(struct http_req *r, status st, const char *why);
void http_listener_errors(struct http_listener *l, http_error_fn fn);

#endif
