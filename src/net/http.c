/* http.c - listeners, routes and replies on libevent's evhttp.
 *
 * evhttp parses; this file decides who may hold a connection and how much
 * of the daemon's memory, and maps statuses to HTTP.  libevent 2.1 gives no
 * hook when a connection is accepted, so the bufferevent callback
 * (evhttp_set_bevcb) makes each connection's bufferevent, takes a reference
 * on it, and an event run right after the accept "adopts" it: finds its
 * evhttp connection (the bufferevent's callback argument), interposes on
 * its read and event callbacks, and applies the caps (in O(1): strangers,
 * the connections not yet authenticated, are listed oldest first, overall
 * and per source address).  The listener pauses after HTTP_ACCEPT_BATCH
 * connections until they are adopted, so a burst of strangers is taken
 * in slices between which the connections already in are served.  The
 * read callback counts the request bytes evhttp takes from the socket (the
 * body budget); the event callback logs refused handshakes.
 *
 * SECURITY: a pinned listener serves only TLS 1.3 clients whose Ed25519 key
 * is pinned (tlsctx); plain HTTP is refused off loopback.  A stranger holds
 * at most max_conns_per_addr unauthenticated connections, each for at most
 * handshake_timeout_ms; past a cap the oldest unauthenticated connection
 * goes, so a pinned peer always gets in.  Warnings a stranger can cause are
 * rate-limited.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <openssl/err.h>
#include <sodium.h>

#include "net/http.h"
#include "node/config.h"
#include "node/node.h"
#include "util/diag.h"
#include "util/stamp.h"

#define ADDR_MAX 64
#define PARAMS_MAX 8
#define ACCEPT_PAUSE_MS 250
/* A request still arriving when its deadline passes gets another period
 * when at least this much of it arrived in the last one. */
#define HTTP_MIN_PROGRESS (64u << 10)
/* Connections accepted per turn of the event loop, at most: libevent's
 * listener would accept all that wait, and a stranger who reconnects as
 * fast as the caps close his connections would keep the loop from the
 * connections already in (a pinned peer's requests) for the whole burst.
 * The listener pauses after this many and resumes once they are adopted,
 * so the other events ready meanwhile run between two batches. */
#define HTTP_ACCEPT_BATCH 16

struct route {
	unsigned methods;
	char pattern[128];
	size_t max_body;
	http_handler_fn fn;
	void *arg;
};

struct hconn;
TAILQ_HEAD(hconn_q, hconn);

/* The unauthenticated connections of a listener from one source address,
 * oldest first: the per-address cap counts and evicts in O(1). */
struct addrent {
	struct addrent *next;	/* in its hash bucket */
	struct hconn_q conns;
	int n;
	char addr[ADDR_MAX];
};

struct http_listener {
	struct http *h;
	struct http_listener *next;
	char name[32];
	enum http_tls mode;
	struct tlsctx *tls;
	struct evhttp *ev;
	struct evconnlistener *lev;
	struct route routes[HTTP_ROUTES_MAX];
	size_t n_routes;
	struct hconn_q authed;		/* authenticated, oldest first */
	struct hconn_q strangers;	/* not yet authenticated, oldest first */
	int n_conns;			/* both */
	struct addrent **addrs;		/* strangers by source address */
	size_t n_buckets;		/* of addrs: a power of two */
	unsigned char addr_key[crypto_shorthash_KEYBYTES];	/* keys its hash */
	struct hconn *newborn, *newborn_last;	/* made by the bevcb, in accept order */
	int n_newborn;
	int throttled;			/* accepting paused until on_adopt has run */
	struct event *adopt;
	http_error_fn errors;		/* the listener's own error bodies; NULL: JSON */
};

struct http {
	struct event_base *base;
	struct evdns_base *dns;
	struct http_limits lim;
	struct http_listener *listeners;
	size_t held;			/* request bytes held, all connections */
	struct hconn *holders, *holders_last;	/* holding bytes, oldest first */
	struct http_clients clients;	/* http_client.c's */
};

struct hconn {
	struct http_listener *l;
	struct bufferevent *bev;	/* TLS or socket; evhttp sets its callbacks */
	struct evbuffer_cb_entry *in_cb;	/* in_changed on its input */
	struct evhttp_connection *evcon;
	char addr[ADDR_MAX];
	int authed;		/* pinned: key verified; else a request was served */
	int kill;		/* close at the next turn of the loop */
	uint8_t pk[IDENT_PK_LEN];
	struct event *deadline;
	struct event *watch;	/* the client's hang-up, while a reply is deferred */
	size_t held;		/* bytes of the current request passed to evhttp */
	int paused;		/* waiting for the body budget */
	int in_request;		/* bytes of a request arrived, not yet served */
	size_t progress;	/* request bytes taken since the deadline was set */
	struct http_req *req;	/* the request being answered */
	int linked;		/* in l->authed or l->strangers (by authed) */
	TAILQ_ENTRY(hconn) link;
	struct addrent *from;	/* a stranger's source address */
	TAILQ_ENTRY(hconn) alink;	/* in from->conns */
	struct hconn *hprev, *hnext;	/* holders */
	int holding;
	struct hconn *nb_next;	/* newborn list */
};

struct http_req {
	struct evhttp_request *ev;
	struct hconn *c;	/* NULL once the connection is gone */
	const struct route *route;
	char *path;
	struct evkeyvalq query;
	int have_query;
	struct evkeyvalq form;	/* an application/x-www-form-urlencoded body */
	int have_form;		/* 1 read, -1 not a form */
	char *params[PARAMS_MAX][2];
	size_t n_params;
	const char *body;
	size_t body_len;
	char *principal;
	void (*gone)(void *);
	void *gone_arg;
	int deferred, streaming;
};

static struct diag_limit lim_refused = DIAG_LIMIT_INIT;
static struct diag_limit lim_deadline = DIAG_LIMIT_INIT;
static struct diag_limit lim_caps = DIAG_LIMIT_INIT;
static struct diag_limit lim_fds = DIAG_LIMIT_INIT;
static struct diag_limit lim_budget = DIAG_LIMIT_INIT;

_Static_assert(CONFIG_BODY_BUDGET_MIN >= HTTP_REQUEST_MAX, "a budget holds a request");
_Static_assert(CONFIG_TAXII_MAX_BODY_DEFAULT <= HTTP_REQUEST_MAX, "taxii_max_body fits a request");

/* ---- the status table ---- */

static const struct {
	status st;
	int code;
	const char *reason;
} table[] = {
	{ ST_OK, 200, "OK" },
	{ ST_ACCEPTED, 202, "Accepted" },
	{ ST_SEE_OTHER, 303, "See Other" },
	{ ST_PARSE, 400, "Bad Request" },
	{ ST_INVALID, 400, "Bad Request" },
	{ ST_BADSIG, 403, "Forbidden" },
	{ ST_UNKNOWN_KEY, 403, "Forbidden" },
	{ ST_FORBIDDEN, 403, "Forbidden" },
	{ ST_UNAUTHORIZED, 401, "Unauthorized" },
	{ ST_NOTFOUND, 404, "Not Found" },
	{ ST_LINK, 404, "Not Found" },
	{ ST_CONFLICT, 409, "Conflict" },
	{ ST_REPLAY, 409, "Conflict" },
	{ ST_EXISTS, 409, "Conflict" },
	{ ST_NOT_ACCEPTABLE, 406, "Not Acceptable" },
	{ ST_TOOBIG, 413, "Content Too Large" },
	{ ST_MEDIA_TYPE, 415, "Unsupported Media Type" },
	{ ST_RECIPIENT, 421, "Misdirected Request" },
	{ ST_FORK, 422, "Unprocessable Content" },
	{ ST_ORDER, 425, "Too Early" },
	{ ST_LIMITED, 429, "Too Many Requests" },
	{ ST_BREACH, 451, "Unavailable For Legal Reasons" },	/* an agreement's terms */
	{ ST_CRYPTO, 500, "Internal Server Error" },
	{ ST_DOWN, 503, "Service Unavailable" },
	{ ST_NOMEM, 503, "Service Unavailable" },
	{ ST_IO, 503, "Service Unavailable" },
	{ ST_DB, 503, "Service Unavailable" },
	{ ST_CORRUPT, 503, "Service Unavailable" },	/* refuses until repaired */
	{ ST_BUSY, 503, "Service Unavailable" },
	{ ST_TIMEOUT, 504, "Gateway Timeout" },
	{ ST_FULL, 507, "Insufficient Storage" },
};

int
http_code(status st)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].st == st)
			return table[i].code;
	return 500;
}

static const char *
reason_of(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].reason;
	return "Error";
}

status
http_status(int code)
{
	/* the first entry for a code is its canonical status */
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].st;
	if (code >= 200 && code < 300)
		return ST_OK;
	if (code >= 400 && code < 500)
		return ST_INVALID;
	return ST_DOWN;
}

/* ---- connections ---- */

static void req_free(struct http_req *r);

static int
is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static void
hold_stop(struct hconn *c)
{
	struct http *h = c->l->h;

	if (!c->holding)
		return;
	if (c->hprev)
		c->hprev->hnext = c->hnext;
	else
		h->holders = c->hnext;
	if (c->hnext)
		c->hnext->hprev = c->hprev;
	else
		h->holders_last = c->hprev;
	c->hprev = c->hnext = NULL;
	c->holding = 0;
}

static void
hold_start(struct hconn *c)
{
	struct http *h = c->l->h;

	if (c->holding)
		return;
	c->holding = 1;
	c->hprev = h->holders_last;
	c->hnext = NULL;
	if (h->holders_last)
		h->holders_last->hnext = c;
	else
		h->holders = c;
	h->holders_last = c;
}

/* wake - connections paused for the budget read again, oldest first, while
 * the budget allows (the oldest holder always may). */
static void
wake(struct http *h)
{
	for (struct hconn *c = h->holders; c; c = c->hnext) {
		size_t more;

		if (!c->paused)
			continue;
		more = evbuffer_get_length(bufferevent_get_input(c->bev));
		if (c != h->holders && h->held + more > h->lim.body_budget)
			break;
		c->paused = 0;
		bufferevent_enable(c->bev, EV_READ);
	}
}

/* release - the current request's bytes no longer count (answered, or the
 * connection is gone). */
static void
release(struct hconn *c)
{
	struct http *h = c->l->h;

	h->held -= c->held;
	c->held = 0;
	hold_stop(c);
	wake(h);
}

/* ---- the listener's connections: authenticated, and strangers ---- */

static struct addrent **
addr_bucket(struct http_listener *l, const char *addr)
{
	unsigned char hash[crypto_shorthash_BYTES];
	uint64_t v = 0;

	/* keyed (SipHash): a stranger choosing many addresses cannot pile
	 * them into one bucket */
	crypto_shorthash(hash, (const unsigned char *)addr, strlen(addr), l->addr_key);
	for (size_t i = 0; i < sizeof v; i++)
		v = v << 8 | hash[i];
	return &l->addrs[v & (l->n_buckets - 1)];
}

/* addr_join - count stranger c under its source address, newest; ST_NOMEM
 * leaves it uncounted (c->from NULL). */
static status
addr_join(struct hconn *c)
{
	struct addrent **b = addr_bucket(c->l, c->addr), *a;

	for (a = *b; a && strcmp(a->addr, c->addr) != 0; a = a->next)
		;
	if (!a) {
		a = calloc(1, sizeof *a);
		if (!a)
			return ST_NOMEM;
		snprintf(a->addr, sizeof a->addr, "%s", c->addr);
		TAILQ_INIT(&a->conns);
		a->next = *b;
		*b = a;
	}
	TAILQ_INSERT_TAIL(&a->conns, c, alink);
	a->n++;
	c->from = a;
	return ST_OK;
}

/* addr_leave - c is no stranger any more, or is gone; an address with no
 * strangers left is forgotten. */
static void
addr_leave(struct hconn *c)
{
	struct addrent *a = c->from, **p;

	if (!a)
		return;
	TAILQ_REMOVE(&a->conns, c, alink);
	c->from = NULL;
	if (--a->n > 0)
		return;
	for (p = addr_bucket(c->l, a->addr); *p != a; p = &(*p)->next)
		;
	*p = a->next;
	free(a);
}

/* conn_link - c, just adopted, is the newest stranger. */
static status
conn_link(struct hconn *c)
{
	struct http_listener *l = c->l;

	TAILQ_INSERT_TAIL(&l->strangers, c, link);
	c->linked = 1;
	l->n_conns++;
	return addr_join(c);
}

static void
conn_unlink(struct hconn *c)
{
	struct http_listener *l = c->l;

	if (!c->linked)
		return;
	if (c->authed)
		TAILQ_REMOVE(&l->authed, c, link);
	else {
		TAILQ_REMOVE(&l->strangers, c, link);
		addr_leave(c);
	}
	c->linked = 0;
	l->n_conns--;
}

/* conn_trust - c authenticated (a pinned key, or a request served): it
 * leaves the strangers, whom the caps count and evict. */
static void
conn_trust(struct hconn *c)
{
	struct http_listener *l = c->l;

	if (c->authed)
		return;
	if (c->linked) {
		TAILQ_REMOVE(&l->strangers, c, link);
		addr_leave(c);
		TAILQ_INSERT_TAIL(&l->authed, c, link);
	}
	c->authed = 1;
}

/* log_refusal - a connection that never authenticated closed: say why, if
 * TLS gave a reason (a scanner that just hangs up is no refusal). */
static void
log_refusal(struct hconn *c)
{
	unsigned long err = 0, e;
	char why[200];

	if (c->authed || c->l->mode == HTTP_PLAIN)
		return;
	/* libevent queues OpenSSL's errors and, after them, SSL_get_error's
	 * code (lib 0): the first with a library names the cause */
	while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
		if (!err && ERR_GET_LIB(e) != 0)
			err = e;
	tlsctx_refusal(bufferevent_openssl_get_ssl(c->bev), err, why, sizeof why);
	if (err || strcmp(why, "handshake failed") != 0)
		diag_warn_limit(&lim_refused, "%s: refused TLS handshake from %s: %s",
		    c->l->name, c->addr, why);
}

/* conn_closed - evhttp is freeing the connection. */
static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct hconn *c = arg;

	(void)evcon;
	log_refusal(c);
	release(c);
	conn_unlink(c);
	c->evcon = NULL;
	if (c->req) {
		struct http_req *r = c->req;

		r->c = NULL;
		c->req = NULL;
		if (r->gone)
			r->gone(r->gone_arg);
		/* A request the client abandoned is detached from its connection
		 * and left to us; one on a connection we close is freed with it. */
		if (!evhttp_request_get_connection(r->ev))
			evhttp_request_free(r->ev);
		req_free(r);
	}
	if (c->watch)
		event_free(c->watch);
	if (c->deadline)
		event_free(c->deadline);
	if (c->in_cb)
		evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
	free(c);
}

static void
conn_close(struct hconn *c)
{
	if (c->evcon)
		evhttp_connection_free(c->evcon);	/* calls conn_closed */
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;

	(void)fd;
	(void)what;
	if (!c->kill && (c->progress >= HTTP_MIN_PROGRESS || c->paused)) {
		/* a large request still arriving at a fair rate, or one the
		 * body budget holds back: more time */
		struct timeval tv = { c->l->h->lim.handshake_timeout_ms / 1000,
		    (c->l->h->lim.handshake_timeout_ms % 1000) * 1000 };

		c->progress = 0;
		evtimer_add(c->deadline, &tv);
		return;
	}
	if (!c->kill)
		diag_warn_limit(&lim_deadline, "%s: closed connection from %s: no %s within"
		    " %d ms", c->l->name, c->addr, c->authed || c->l->mode == HTTP_PLAIN ?
		    "complete request" : "completed TLS handshake and request",
		    c->l->h->lim.handshake_timeout_ms);
	conn_close(c);
}

/* kill - close c from the event loop, not from inside its bufferevent. */
static void
kill_later(struct hconn *c)
{
	c->kill = 1;
	event_active(c->deadline, EV_TIMEOUT, 0);
}

/* authenticate - on a pinned listener, the first application data proves
 * the handshake finished with a pinned key; a peer holds at most
 * peer_max_conns connections. */
static int
authenticate(struct hconn *c)
{
	struct http_listener *l = c->l;
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
	int same = 0;

	struct hconn *o;

	if (!ssl || tlsctx_peer_key(ssl, c->pk) != ST_OK)
		return -1;
	TAILQ_FOREACH(o, &l->authed, link)
		if (memcmp(o->pk, c->pk, IDENT_PK_LEN) == 0)
			same++;
	if (same >= l->h->lim.peer_max_conns) {
		char kid[IDENT_KID_LEN];

		ident_thumbprint(c->pk, kid);
		diag_warn_limit(&lim_caps, "%s: refused connection from %s: peer %s already"
		    " holds %d connections (peer_max_conns)", l->name, c->addr, kid, same);
		return -1;
	}
	conn_trust(c);
	return 0;
}

/* in_changed - the connection's input buffer changed: bytes arrived from
 * the socket (n_added) or evhttp took them into its request (n_deleted).
 * A pinned connection is authenticated at its first bytes; the bytes of a
 * request in progress count against the body budget.  Past the budget the
 * connection stops reading (TCP pushes back) until bytes are freed; the
 * oldest holder never waits, so the budget cannot deadlock.  evhttp does
 * not enable reading again while it reads a request. */
static void
in_changed(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct hconn *c = arg;
	struct http *h = c->l->h;

	(void)b;
	if (c->kill)
		return;
	if (info->n_added && !c->authed && c->l->mode == HTTP_TLS_PINNED &&
	    authenticate(c) != 0) {
		bufferevent_disable(c->bev, EV_READ);
		kill_later(c);
		return;
	}
	if (info->n_added && !c->in_request) {
		/* the first bytes of a request: its headers (and body) are due
		 * within the deadline, as the handshake was */
		c->in_request = 1;
		if (!evtimer_pending(c->deadline, NULL)) {
			struct timeval tv = { h->lim.handshake_timeout_ms / 1000,
			    (h->lim.handshake_timeout_ms % 1000) * 1000 };

			c->progress = 0;
			evtimer_add(c->deadline, &tv);
		}
	}
	if (!info->n_added)
		return;
	/* counted as they arrive: bytes wait in the input buffer as well as
	 * in evhttp's request */
	if (!c->holding)
		hold_start(c);
	c->held += info->n_added;
	h->held += info->n_added;
	c->progress += info->n_added;
	if (c != h->holders && h->held > h->lim.body_budget) {
		if (!c->paused)
			diag_warn_limit(&lim_budget, "%s: request bodies hold %zu bytes (body_budget"
			    " %zu): connection from %s waits", c->l->name, h->held,
			    h->lim.body_budget, c->addr);
		c->paused = 1;
		bufferevent_disable(c->bev, EV_READ);
	}
}

/* evict - close the oldest unauthenticated connection (from address a,
 * when not NULL) other than keep; 0 when there was none.  O(1): the
 * oldest is first in its list (one with a request is skipped, and a
 * stranger has one only while it is refused). */
static int
evict(struct http_listener *l, struct addrent *a, const struct hconn *keep)
{
	struct hconn *o;

	if (a) {
		TAILQ_FOREACH(o, &a->conns, alink)
			if (o != keep && !o->req) {
				conn_close(o);
				return 1;
			}
		return 0;
	}
	TAILQ_FOREACH(o, &l->strangers, link)
		if (o != keep && !o->req) {
			conn_close(o);
			return 1;
		}
	return 0;
}

static void
adopt_one(struct http_listener *l, struct hconn *c)
{
	struct http *h = l->h;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	bufferevent_data_cb rd = NULL, wr = NULL;
	bufferevent_event_cb ev = NULL;
	evutil_socket_t fd;
	void *arg = NULL;
	int from_addr, one = 1;
	struct timeval tv;

	bufferevent_getcb(c->bev, &rd, &wr, &ev, &arg);
	if ((!rd && !wr && !ev) || !arg) {	/* evhttp dropped it at once */
		bufferevent_decref(c->bev);
		free(c);
		return;
	}
	c->evcon = arg;	/* evhttp's callbacks take its connection */
	fd = bufferevent_getfd(c->bev);
	snprintf(c->addr, sizeof c->addr, "?");
	if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->addr,
			    sizeof c->addr);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->addr,
			    sizeof c->addr);
	}
	if (fd >= 0)	/* small requests and answers must not wait for Nagle */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evhttp_connection_set_closecb(c->evcon, conn_closed, c);
	bufferevent_decref(c->bev);
	c->deadline = evtimer_new(h->base, on_deadline, c);
	c->in_cb = evbuffer_add_cb(bufferevent_get_input(c->bev), in_changed, c);
	if (conn_link(c) != ST_OK || !c->in_cb) {
		conn_close(c);
		return;
	}
	tv.tv_sec = h->lim.handshake_timeout_ms / 1000;
	tv.tv_usec = (h->lim.handshake_timeout_ms % 1000) * 1000;
	if (!c->deadline || evtimer_add(c->deadline, &tv) != 0) {
		conn_close(c);
		return;
	}
	from_addr = c->from->n;
	if (from_addr > h->lim.max_conns_per_addr) {
		diag_warn_limit(&lim_caps, "%s: %d unauthenticated connections from %s"
		    " (max_conns_per_addr %d): closing the oldest", l->name, from_addr, c->addr,
		    h->lim.max_conns_per_addr);
		if (!evict(l, c->from, c)) {
			conn_close(c);
			return;
		}
	}
	if (l->n_conns > h->lim.max_conns) {
		diag_warn_limit(&lim_caps, "%s: %d connections (max_conns %d): closing the"
		    " oldest unauthenticated one", l->name, l->n_conns, h->lim.max_conns);
		if (!evict(l, NULL, c))
			conn_close(c);
	}
}

static void
on_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct http_listener *l = arg;

	(void)fd;
	(void)what;
	while (l->newborn) {
		struct hconn *c = l->newborn;

		l->newborn = c->nb_next;
		if (!l->newborn)
			l->newborn_last = NULL;
		adopt_one(l, c);
	}
	l->n_newborn = 0;
	if (l->throttled) {
		/* the batch is in: accept again, on a later turn, after the
		 * events that are ready now */
		l->throttled = 0;
		evconnlistener_enable(l->lev);
	}
}

/* make_bev - evhttp's bufferevent for a new connection (TLS or plain);
 * adopted by on_adopt once evhttp has made its connection. */
static struct bufferevent *
make_bev(struct event_base *base, void *arg)
{
	struct http_listener *l = arg;
	struct bufferevent *bev;
	struct hconn *c = calloc(1, sizeof *c);
	SSL *ssl = NULL;

	if (!c)
		return NULL;	/* as below */
	if (l->mode != HTTP_PLAIN) {
		ssl = tlsctx_server_ssl(l->tls);
		if (!ssl) {
			free(c);
			return NULL;
		}
		bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	} else
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE |
		    BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		SSL_free(ssl);
		free(c);
		return NULL;	/* evhttp then makes a plain one: never adopted, so
				 * on_request refuses every request on it */
	}
	bufferevent_incref(bev);	/* dropped when adopted */
	c->l = l;
	c->bev = bev;
	/* at the tail: a burst is adopted in accept order, so the caps close
	 * its oldest, not its newest */
	if (l->newborn_last)
		l->newborn_last->nb_next = c;
	else
		l->newborn = c;
	l->newborn_last = c;
	event_active(l->adopt, EV_TIMEOUT, 0);
	if (++l->n_newborn >= HTTP_ACCEPT_BATCH && l->lev && !l->throttled) {
		/* libevent's accept loop stops at a disabled listener */
		l->throttled = 1;
		evconnlistener_disable(l->lev);
	}
	return bev;
}

/* Guarded listeners: evconnlistener hands its error callback the
 * listener's own argument (evhttp's, for ours), so the guard is found by
 * the listener. */
struct guard {
	struct evconnlistener *lev;
	struct event *resume;
	char name[32];
};
static struct guard guards[16];

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct guard *g = arg;

	(void)fd;
	(void)what;
	if (g->lev)
		evconnlistener_enable(g->lev);
}

static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	int e = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	struct guard *g = NULL;

	(void)arg;
	for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++)
		if (guards[i].lev == lev)
			g = &guards[i];
	if (!g)
		return;
	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		diag_warn_limit(&lim_fds, "%s: out of file descriptors (%s): not accepting for"
		    " %d ms", g->name, strerror(e), ACCEPT_PAUSE_MS);
		evconnlistener_disable(lev);
		evtimer_add(g->resume, &tv);
	} else
		diag_warn_limit(&lim_fds, "%s: accept failed: %s", g->name, strerror(e));
}

status
http_guard(struct event_base *base, struct evconnlistener *lev, const char *name)
{
	for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++) {
		struct guard *g = &guards[i];

		if (g->lev)
			continue;
		g->resume = evtimer_new(base, on_resume, g);
		if (!g->resume)
			return ST_NOMEM;
		g->lev = lev;
		snprintf(g->name, sizeof g->name, "%s", name);
		evconnlistener_set_error_cb(lev, on_accept_error);
		return ST_OK;
	}
	return ST_TOOBIG;
}

void
http_unguard(struct evconnlistener *lev)
{
	for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++)
		if (lev && guards[i].lev == lev) {
			event_free(guards[i].resume);
			memset(&guards[i], 0, sizeof guards[i]);
		}
}

/* ---- requests ---- */

static void
req_free(struct http_req *r)
{
	if (r->c) {
		r->c->req = NULL;
		if (r->c->watch)
			event_del(r->c->watch);
		release(r->c);
	}
	free(r->path);
	if (r->have_query)
		evhttp_clear_headers(&r->query);
	if (r->have_form > 0)
		evhttp_clear_headers(&r->form);
	for (size_t i = 0; i < r->n_params; i++) {
		free(r->params[i][0]);
		free(r->params[i][1]);
	}
	free(r->principal);
	free(r);
}

/* match - pattern against path; captures {name} and * into r. */
static int
match(const char *pattern, const char *path, struct http_req *r)
{
	const char *p = pattern, *s = path;

	while (*p) {
		if (*p == '*' && p[1] == '\0') {
			if (r->n_params < PARAMS_MAX) {
				r->params[r->n_params][0] = strdup("*");
				r->params[r->n_params][1] = strdup(s);
				r->n_params++;
			}
			return 1;
		}
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t n = strcspn(s, "/");

			if (!pe || n == 0)
				return 0;
			if (r->n_params < PARAMS_MAX) {
				r->params[r->n_params][0] = strndup(p + 1, (size_t)(pe - p - 1));
				r->params[r->n_params][1] = strndup(s, n);
				r->n_params++;
			}
			p = pe + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

static void
clear_params(struct http_req *r)
{
	for (size_t i = 0; i < r->n_params; i++) {
		free(r->params[i][0]);
		free(r->params[i][1]);
	}
	r->n_params = 0;
}

static unsigned
method_of(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return HTTP_GET;
	case EVHTTP_REQ_POST: return HTTP_POST;
	case EVHTTP_REQ_PUT: return HTTP_PUT;
	case EVHTTP_REQ_DELETE: return HTTP_DELETE;
	case EVHTTP_REQ_HEAD: return HTTP_HEAD;
	default: return 0;
	}
}

/* reply_405 - the one answer whose status no domain code gives. */
static void
reply_405(struct http_req *r)
{
	static const char body[] = "{\"error\":\"method not allowed\"}";
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Type",
	    "application/json");
	if (out)
		evbuffer_add(out, body, sizeof body - 1);
	evhttp_send_reply(r->ev, 405, "Method Not Allowed", out);
	evbuffer_free(out);
	req_free(r);
}

/* find_conn - bev's connection: the authenticated first (on a pinned
 * listener, the only ones with requests to serve: few, whatever the
 * strangers' number). */
static struct hconn *
find_conn(struct http_listener *l, const struct bufferevent *bev)
{
	struct hconn *o;

	if (!bev)
		return NULL;
	TAILQ_FOREACH(o, &l->authed, link)
		if (o->bev == bev)
			return o;
	TAILQ_FOREACH(o, &l->strangers, link)
		if (o->bev == bev)
			return o;
	return NULL;
}

/* decode_keys - percent-decode q's keys in place (evhttp decodes only
 * the values; a client may write match[id] as match%5Bid%5D).  ST_PARSE
 * for a key that decodes to one holding a NUL. */
static status
decode_keys(struct evkeyvalq *q)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, q, next) {
		size_t n = 0;
		char *k;

		if (!strchr(kv->key, '%') && !strchr(kv->key, '+'))
			continue;
		if (!(k = evhttp_uridecode(kv->key, 1, &n)))
			return ST_NOMEM;
		if (strlen(k) != n) {
			free(k);
			return ST_PARSE;
		}
		free(kv->key);
		kv->key = k;
	}
	return ST_OK;
}

static void
on_request(struct evhttp_request *ev, void *arg)
{
	struct http_listener *l = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(ev);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	struct evbuffer *in = evhttp_request_get_input_buffer(ev);
	unsigned m = method_of(evhttp_request_get_command(ev)), allowed = 0;
	struct http_req *r = calloc(1, sizeof *r);
	const char *raw, *q;
	status st = ST_OK;
	const char *why = NULL;
	struct hconn *c;
	size_t plen = 0;

	if (!r) {
		evhttp_send_error(ev, 503, NULL);
		return;
	}
	r->ev = ev;
	r->c = find_conn(l, bev);
	if (r->c)
		r->c->req = r;
	if (!r->c || (l->mode == HTTP_TLS_PINNED && !r->c->authed)) {
		st = ST_UNKNOWN_KEY, why = "no verified client key";
		goto refuse;
	}
	/* the request is in: no deadline until the next one starts */
	conn_trust(r->c);	/* on a pinned listener it already was */
	r->c->in_request = 0;
	evtimer_del(r->c->deadline);
	raw = uri ? evhttp_uri_get_path(uri) : NULL;
	r->path = evhttp_uridecode(raw && raw[0] ? raw : "/", 0, &plen);
	if (!r->path || strlen(r->path) != plen) {	/* %00 */
		st = ST_PARSE, why = "malformed path";
		goto refuse;
	}
	q = uri ? evhttp_uri_get_query(uri) : NULL;
	TAILQ_INIT(&r->query);
	r->have_query = 1;
	if (q && (evhttp_parse_query_str(q, &r->query) != 0 || decode_keys(&r->query) != ST_OK)) {
		st = ST_PARSE, why = "malformed query string";
		goto refuse;
	}
	for (size_t i = 0; i < l->n_routes; i++) {
		clear_params(r);
		if (!match(l->routes[i].pattern, r->path, r))
			continue;
		allowed |= l->routes[i].methods;
		if (l->routes[i].methods & m) {
			r->route = &l->routes[i];
			break;
		}
	}
	if (!r->route) {
		clear_params(r);
		if (allowed) {
			static const char *const names[] = { "GET", "POST", "PUT", "DELETE",
			    "HEAD" };
			char allow[64] = "";

			for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
				if (allowed & (1u << i))
					snprintf(allow + strlen(allow), sizeof allow - strlen(allow),
					    "%s%s", allow[0] ? ", " : "", names[i]);
			evhttp_add_header(evhttp_request_get_output_headers(ev), "Allow", allow);
			reply_405(r);
			return;
		}
		st = ST_NOTFOUND, why = "no such resource";
		goto refuse;
	}
	r->body_len = evbuffer_get_length(in);
	if (r->body_len > r->route->max_body) {
		st = ST_TOOBIG, why = "request body too large";
		goto refuse;
	}
	r->body = r->body_len ? (const char *)evbuffer_pullup(in, -1) : "";
	if (!r->body) {
		st = ST_NOMEM, why = "out of memory";
		goto refuse;
	}
	c = r->c;
	r->route->fn(r->route->arg, r);
	if (c->req == r && !r->deferred)	/* r is still ours: no answer, no defer */
		diag_panic("%s: the handler of %s neither answered nor deferred", l->name,
		    r->route->pattern);
	return;
refuse:
	if (l->errors)
		l->errors(r, st, why);
	else
		http_reply_error(r, st, why);
}

/* ---- public ---- */

void
http_listener_errors(struct http_listener *l, http_error_fn fn)
{
	l->errors = fn;
}

status
http_new(struct event_base *base, const struct http_limits *lim, struct http **out)
{
	struct http *h = calloc(1, sizeof *h);
	struct rlimit rl;

	*out = NULL;
	if (!h)
		return ST_NOMEM;
	h->base = base;
	if (lim)
		h->lim = *lim;
	if (h->lim.max_conns <= 0) {
		/* half of what the process may open: the rest is for the store,
		 * the local API, and connections to peers */
		h->lim.max_conns = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 2000000 ?
		    (int)(rl.rlim_cur / 2) : 4096;
		if (h->lim.max_conns < 16)
			h->lim.max_conns = 16;
	}
	if (h->lim.max_conns_per_addr <= 0)
		h->lim.max_conns_per_addr = HTTP_MAX_CONNS_PER_ADDR;
	if (h->lim.handshake_timeout_ms <= 0)
		h->lim.handshake_timeout_ms = HTTP_HANDSHAKE_TIMEOUT_MS;
	if (h->lim.peer_max_conns <= 0)
		h->lim.peer_max_conns = HTTP_PEER_MAX_CONNS;
	if (!h->lim.body_budget)
		h->lim.body_budget = HTTP_BODY_BUDGET;
	h->clients.probe_ms = HTTP_PROBE_MS;
	h->dns = evdns_base_new(base, 0);
	if (!h->dns) {
		free(h);
		return ST_NOMEM;
	}
	/* A missing or empty file leaves no name server: names fail at once,
	 * addresses still work. */
	(void)evdns_base_resolv_conf_parse(h->dns, DNS_OPTIONS_ALL,
	    h->lim.resolv_conf && h->lim.resolv_conf[0] ? h->lim.resolv_conf :
	    "/etc/resolv.conf");
	h->lim.resolv_conf = NULL;	/* not kept: the caller's string */
	*out = h;
	return ST_OK;
}

struct event_base *
http_base(struct http *h)
{
	return h->base;
}

struct evdns_base *
http_dns(struct http *h)
{
	return h->dns;
}

struct http_clients *
http_clients(struct http *h)
{
	return &h->clients;
}

static void
listener_free(struct http_listener *l)
{
	http_unguard(l->lev);
	if (l->ev)
		evhttp_free(l->ev);	/* closes its connections: conn_closed */
	while (l->newborn) {
		struct hconn *c = l->newborn;

		l->newborn = c->nb_next;
		l->newborn_last = NULL;
		bufferevent_decref(c->bev);
		free(c);
	}
	if (l->adopt)
		event_free(l->adopt);
	free(l->addrs);	/* empty: every stranger left with its connection */
	free(l);
}

void
http_free(struct http *h)
{
	if (!h)
		return;
	while (h->listeners) {
		struct http_listener *l = h->listeners;

		h->listeners = l->next;
		listener_free(l);
	}
	/* fail what is still resolving: each pending lookup holds its
	 * connection's bufferevent until its callback runs */
	evdns_base_free(h->dns, 1);
	free(h);
}

/* serve_ping - a pinned peer's path probe: the answer is the point. */
static void
serve_ping(void *arg, struct http_req *r)
{
	(void)arg;
	http_reply(r, ST_OK, "text/plain", "", 0);
}

status
http_listen_url(struct http *h, const char *name, const char *url, const char *dir,
    struct tlsctx **tls, int *https, struct http_listener **out)
{
	char host[CARD_ENDPOINT_MAX + 1], key[NODE_PATH_MAX], crt[NODE_PATH_MAX];
	int port;
	status rc;

	*tls = NULL;
	*out = NULL;
	if (config_console_parse(url, https, host, sizeof host, &port) != ST_OK)
		return ST_INVALID;
	if (*https && ((rc = node_path(dir, "server.key", key)) != ST_OK ||
	    (rc = node_path(dir, "server.crt", crt)) != ST_OK ||
	    (rc = tlsctx_new_server(key, crt, tls)) != ST_OK))
		return rc;
	return http_listen(h, name, host, port, *https ? HTTP_TLS_SERVER : HTTP_PLAIN, *tls, out);
}

status
http_listen(struct http *h, const char *name, const char *host, int port,
    enum http_tls mode, struct tlsctx *tls, struct http_listener **out)
{
	struct http_listener *l;
	struct evhttp_bound_socket *bound;

	*out = NULL;
	if (mode == HTTP_PLAIN && !is_loopback(host)) {
		diag_warn("%s: plain HTTP is allowed on a loopback address only, not %s", name,
		    host);
		return ST_INVALID;
	}
	if (mode != HTTP_PLAIN && !tls)
		return ST_INVALID;
	l = calloc(1, sizeof *l);
	if (!l)
		return ST_NOMEM;
	l->h = h;
	snprintf(l->name, sizeof l->name, "%s", name);
	l->mode = mode;
	l->tls = tls;
	TAILQ_INIT(&l->authed);
	TAILQ_INIT(&l->strangers);
	/* buckets enough for every connection from an address of its own */
	for (l->n_buckets = 16; l->n_buckets < (size_t)h->lim.max_conns && l->n_buckets < 65536;)
		l->n_buckets *= 2;
	l->addrs = calloc(l->n_buckets, sizeof *l->addrs);
	crypto_shorthash_keygen(l->addr_key);
	l->ev = evhttp_new(h->base);
	l->adopt = event_new(h->base, -1, 0, on_adopt, l);
	if (!l->ev || !l->adopt || !l->addrs) {
		listener_free(l);
		return ST_NOMEM;
	}
	evhttp_set_bevcb(l->ev, make_bev, l);
	evhttp_set_max_body_size(l->ev, (ev_ssize_t)HTTP_REQUEST_MAX);
	evhttp_set_max_headers_size(l->ev, 16384);
	evhttp_set_allowed_methods(l->ev, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(l->ev, HTTP_IDLE_TIMEOUT_S);
	evhttp_set_gencb(l->ev, on_request, l);
	bound = evhttp_bind_socket_with_handle(l->ev, host, (ev_uint16_t)port);
	if (!bound) {
		diag_warn("%s: cannot listen on %s:%d: %s", name, host, port, strerror(errno));
		listener_free(l);
		return ST_IO;
	}
	l->lev = evhttp_bound_socket_get_listener(bound);
	if (http_guard(h->base, l->lev, name) != ST_OK) {
		l->lev = NULL;
		listener_free(l);
		return ST_NOMEM;
	}
	l->next = h->listeners;
	h->listeners = l;
	*out = l;
	if (mode == HTTP_TLS_PINNED)
		return http_route(l, HTTP_GET, HTTP_PING_PATH, 0, serve_ping, NULL);
	return ST_OK;
}

status
http_route(struct http_listener *l, unsigned methods, const char *pattern, size_t max_body,
    http_handler_fn fn, void *arg)
{
	struct route *rt;

	if (l->n_routes == HTTP_ROUTES_MAX || strlen(pattern) >= sizeof rt->pattern ||
	    pattern[0] != '/' || max_body > HTTP_REQUEST_MAX)
		return ST_INVALID;
	rt = &l->routes[l->n_routes++];
	rt->methods = methods;
	snprintf(rt->pattern, sizeof rt->pattern, "%s", pattern);
	rt->max_body = max_body;
	rt->fn = fn;
	rt->arg = arg;
	return ST_OK;
}

enum http_method
http_req_method(const struct http_req *r)
{
	return (enum http_method)method_of(evhttp_request_get_command(r->ev));
}

const char *
http_req_path(const struct http_req *r)
{
	return r->path;
}

const char *
http_req_param(const struct http_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_params; i++)
		if (r->params[i][0] && strcmp(r->params[i][0], name) == 0)
			return r->params[i][1];
	return NULL;
}

const char *
http_req_query(const struct http_req *r, const char *name)
{
	return r->have_query ? evhttp_find_header(&r->query, name) : NULL;
}

const char *
http_req_query_nth(const struct http_req *r, const char *name, size_t i)
{
	const struct evkeyval *kv;

	if (!r->have_query)
		return NULL;
	TAILQ_FOREACH(kv, &r->query, next)
		if (strcmp(kv->key, name) == 0 && i-- == 0)
			return kv->value;
	return NULL;
}

const char *
http_req_form(struct http_req *r, const char *name)
{
	const char *ct = http_req_header(r, "Content-Type");
	char *text;

	if (!r->have_form) {
		r->have_form = -1;
		TAILQ_INIT(&r->form);
		if (ct && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
		    (text = strndup(r->body ? r->body : "", r->body_len)) != NULL) {
			if (strlen(text) == r->body_len && evhttp_parse_query_str(text, &r->form) == 0)
				r->have_form = 1;
			else
				evhttp_clear_headers(&r->form);
			free(text);
		}
	}
	return r->have_form > 0 ? evhttp_find_header(&r->form, name) : NULL;
}

const char *
http_req_header(const struct http_req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

const char *
http_req_body(const struct http_req *r, size_t *len)
{
	*len = r->body_len;
	return r->body;
}

const uint8_t *
http_req_peer(const struct http_req *r)
{
	return r->c && r->c->l->mode == HTTP_TLS_PINNED && r->c->authed ? r->c->pk : NULL;
}

const char *
http_req_principal(const struct http_req *r)
{
	return r->principal;
}

status
http_req_set_principal(struct http_req *r, const char *who)
{
	char *p = strdup(who);

	if (!p)
		return ST_NOMEM;
	free(r->principal);
	r->principal = p;
	return ST_OK;
}

const char *
http_req_remote(const struct http_req *r)
{
	return r->c ? r->c->addr : "?";
}

status
http_header(struct http_req *r, const char *name, const char *value)
{
	return evhttp_add_header(evhttp_request_get_output_headers(r->ev), name, value) ?
	    ST_INVALID : ST_OK;
}

void
http_reply(struct http_req *r, status st, const char *ctype, const void *body, size_t len)
{
	int code = http_code(st);
	struct evbuffer *out = evbuffer_new();

	if (r->c) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Type",
		    ctype);
		if (out)
			evbuffer_add(out, body, len);
	}
	/* with the connection gone, evhttp only frees the request */
	evhttp_send_reply(r->ev, code, reason_of(code), out);
	evbuffer_free(out);
	req_free(r);
}

void
http_reply_error(struct http_req *r, status st, const char *reason)
{
	json_t *j = json_pack("{s:s}", "error", reason ? reason : status_str(st));
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	http_reply(r, st, "application/json", text ? text : "{}", text ? strlen(text) : 2);
	free(text);
}

/* on_hangup - the client closed while its reply was deferred (evhttp does
 * not read a connection whose request is being answered). */
static void
on_hangup(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_close(arg);	/* conn_closed tells the handler */
}

void
http_defer(struct http_req *r, void (*gone)(void *arg), void *arg)
{
	struct hconn *c = r->c;

	r->deferred = 1;
	r->gone = gone;
	r->gone_arg = arg;
	if (c && !c->watch && (event_base_get_features(c->l->h->base) & EV_FEATURE_EARLY_CLOSE))
		c->watch = event_new(c->l->h->base, bufferevent_getfd(c->bev), EV_CLOSED,
		    on_hangup, c);
	if (c && c->watch)
		event_add(c->watch, NULL);
}

void
http_stream_start(struct http_req *r, status st, const char *ctype)
{
	int code = http_code(st);

	r->streaming = 1;
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Type", ctype);
	evhttp_send_reply_start(r->ev, code, reason_of(code));
}

status
http_stream_write(struct http_req *r, const void *p, size_t len)
{
	struct evbuffer *b;

	if (!r->c)
		return ST_DOWN;
	b = evbuffer_new();
	if (!b || evbuffer_add(b, p, len) != 0) {
		evbuffer_free(b);
		return ST_NOMEM;
	}
	evhttp_send_reply_chunk(r->ev, b);
	evbuffer_free(b);
	return ST_OK;
}

void
http_stream_end(struct http_req *r)
{
	evhttp_send_reply_end(r->ev);
	req_free(r);
}
