/* http_client.c - requests to a pinned peer on libevent's evhttp and OpenSSL.
 *
 * SECURITY: TLS 1.3 only, both sides authenticated by pinned Ed25519 keys
 * (tlsctx): the handshake fails unless the server proves the key dialled
 * for.  The client dials only the endpoint of a pinned peer, resolving its
 * name with the HTTP layer's asynchronous resolver, so a slow name server
 * delays only that peer.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>

#include "fmt/card.h"
#include "util/diag.h"
#include "net/http.h"
#include "net/http_client.h"

struct http_client {
	struct event_base *base;
	struct evdns_base *dns;
	struct tlsctx *tls;
	uint8_t pk[IDENT_PK_LEN];
	char host[CARD_ENDPOINT_MAX + 1];
	int port;
	struct evhttp_connection *conn;
	struct event *reaper;		/* frees a dead connection outside its callbacks */
	struct evhttp_connection *dead;
	http_client_done_fn done;
	void *arg;
	int busy;
	char error[160];
};

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

static void
on_done(struct evhttp_request *req, void *arg)
{
	struct http_client *c = arg;
	http_client_done_fn done = c->done;
	int code = req ? evhttp_request_get_response_code(req) : 0;
	const char *body = "";
	size_t len = 0;

	c->busy = 0;
	c->done = NULL;
	if (code == 0) {
		if (!c->error[0])
			snprintf(c->error, sizeof c->error, "connection failed");
		drop(c);
	} else {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);

		len = evbuffer_get_length(in);
		body = len ? (const char *)evbuffer_pullup(in, -1) : "";
	}
	if (done)
		done(c->arg, code ? http_status(code) : ST_DOWN, body ? body : "",
		    body ? len : 0, code ? reason_or(c, code) : c->error);
}

status
http_client_new(struct http *h, struct tlsctx *tls,
    const uint8_t pk[static IDENT_PK_LEN], const char *endpoint,
    struct http_client **out)
{
	struct http_client *c;
	status rc;

	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return ST_NOMEM;
	rc = card_endpoint_parse(endpoint, c->host, sizeof c->host, &c->port);
	if (rc) {
		free(c);
		return rc;
	}
	c->base = http_base(h);
	c->dns = http_dns(h);
	c->tls = tls;
	memcpy(c->pk, pk, IDENT_PK_LEN);
	c->reaper = event_new(c->base, -1, 0, reap, c);
	if (!c->reaper) {
		free(c);
		return ST_NOMEM;
	}
	*out = c;
	return ST_OK;
}

static status
dial(struct http_client *c)
{
	struct bufferevent *bev;
	SSL *ssl = tlsctx_client_ssl(c->tls, c->pk);

	if (!ssl)
		return ST_CRYPTO;
	bev = bufferevent_openssl_socket_new(c->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		SSL_free(ssl);
		return ST_NOMEM;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->conn = evhttp_connection_base_bufferevent_new(c->base, c->dns, bev, c->host,
	    (ev_uint16_t)c->port);
	if (!c->conn) {
		bufferevent_free(bev);
		return ST_NOMEM;
	}
	evhttp_connection_set_retries(c->conn, 0);
	evhttp_connection_set_max_body_size(c->conn, HTTP_REQUEST_MAX);
	evhttp_connection_set_closecb(c->conn, on_close, c);
	return ST_OK;
}

static status
request(struct http_client *c, enum evhttp_cmd_type method, const char *path,
    const char *body, size_t len, int timeout_s, http_client_done_fn done, void *arg)
{
	struct evhttp_request *req;
	struct evkeyvalq *hdr;
	status rc;

	if (c->busy)
		return ST_CONFLICT;
	if (!c->conn && (rc = dial(c)) != ST_OK)
		return rc;
	evhttp_connection_set_timeout(c->conn, timeout_s);
	req = evhttp_request_new(on_done, c);
	if (!req)
		return ST_NOMEM;
	evhttp_request_set_error_cb(req, on_error);
	hdr = evhttp_request_get_output_headers(req);
	evhttp_add_header(hdr, "Host", c->host);
	if (method == EVHTTP_REQ_POST)
		evhttp_add_header(hdr, "Content-Type", "application/jose");
	if (len && evbuffer_add(evhttp_request_get_output_buffer(req), body, len) != 0) {
		evhttp_request_free(req);
		return ST_NOMEM;
	}
	c->error[0] = '\0';
	c->done = done;
	c->arg = arg;
	c->busy = 1;
	if (evhttp_make_request(c->conn, req, method, path) != 0) {
		/* evhttp_make_request frees req on failure */
		c->busy = 0;
		c->done = NULL;
		drop(c);
		return ST_IO;
	}
	nodelay(c->conn);
	return ST_OK;
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
	if (!c)
		return;
	c->done = NULL;
	if (c->conn) {
		evhttp_connection_set_closecb(c->conn, NULL, NULL);
		evhttp_connection_free(c->conn);
	}
	if (c->dead)
		evhttp_connection_free(c->dead);
	event_free(c->reaper);
	free(c);
}
