/* test_http.c - the HTTP layer (net/http.c, http_client.c) on loopback.
 *
 * One process, one event_base: the listeners under test and the clients
 * that call them (libevent's evhttp client, an OpenSSL client, parley's
 * pinned http_client, raw sockets) all run on it.  The loop is run until a
 * condition holds or a deadline passes; nothing sleeps.  What a user must
 * see:
 *   - the one status table, both ways;
 *   - plain HTTP only on loopback;
 *   - routes: literal paths, {name} segments, a "*" tail, decoded query
 *     and path, headers and bodies; 404, 405, 413 and 400 answered in JSON;
 *     deferred and streamed replies;
 *   - server TLS with a P-256 certificate made for it;
 *   - pinned TLS: only the pinned key gets in, and the handler learns it;
 *   - a stranger who sends nothing is closed at the deadline, and one
 *     address holds at most max_conns_per_addr idle connections;
 *   - past a cap, the oldest strangers go, in accept order even over a
 *     burst larger than one accept batch, and never a connection that
 *     has been served.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "crypto/ident.h"
#include "crypto/tlsctx.h"
#include "net/http.h"
#include "net/http_client.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/stamp.h"
#include "testcheck.h"
#include "testdir.h"
#include "testpin.h"
#include "testloop.h"

#define WAIT_MS 5000		/* the longest any answer may take */
#define BODY_MAX (1u << 20)
#define POST_MAX_BODY 16	/* the POST route's max_body */


/* ---- the loop (testloop.h) ---- */

static struct event_base *base;	/* testloop_base */

static int
flag_set(void *arg)
{
	return *(int *)arg != 0;
}

/* listen_free - http_listen on a free port of 127.0.0.1 (retried: another
 * process may take the port between free_port and the bind). */
static int
listen_free(struct http *h, const char *name, enum http_tls mode, struct tlsctx *tls,
    struct http_listener **l)
{
	for (int i = 0; i < 20; i++) {
		int port = free_port();

		if (port > 0 && http_listen(h, name, "127.0.0.1", port, mode, tls, l) == ST_OK)
			return port;
	}
	fail_msg("no free port");
	return -1;
}

/* ---- raw connections ---- */

static int
raw_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
	return fd;
}

/* raw_closed - 1 when the server closed fd (EOF or reset), 0 while it is
 * open and silent. */
static int
raw_closed(void *arg)
{
	int fd = *(int *)arg;
	char c[256];
	ssize_t n = recv(fd, c, sizeof c, MSG_DONTWAIT);

	if (n == 0)
		return 1;
	if (n < 0)
		return errno != EAGAIN && errno != EWOULDBLOCK;
	return 0;	/* data: not what these tests send for */
}

/* ---- an evhttp client ---- */

struct reply {
	int done;
	int code;		/* 0: no answer */
	struct buf body;
	char ctype[64], allow[64], te[32];
};

static void
on_reply(struct evhttp_request *req, void *arg)
{
	struct reply *rp = arg;
	const char *v;

	rp->done = 1;
	if (!req)
		return;
	rp->code = evhttp_request_get_response_code(req);
	if (rp->code) {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		size_t n = evbuffer_get_length(in);
		struct evkeyvalq *hd = evhttp_request_get_input_headers(req);

		if (n)
			EXPECT(buf_add(&rp->body, evbuffer_pullup(in, -1), n), ST_OK);
		if ((v = evhttp_find_header(hd, "Content-Type")))
			snprintf(rp->ctype, sizeof rp->ctype, "%s", v);
		if ((v = evhttp_find_header(hd, "Allow")))
			snprintf(rp->allow, sizeof rp->allow, "%s", v);
		if ((v = evhttp_find_header(hd, "Transfer-Encoding")))
			snprintf(rp->te, sizeof rp->te, "%s", v);
	}
}

/* request - one request on conn; rp gets the answer (code 0: none). */
static void
request(struct evhttp_connection *conn, enum evhttp_cmd_type method, const char *uri,
    const char *hname, const char *hvalue, const char *body, size_t len, struct reply *rp)
{
	struct evhttp_request *req = evhttp_request_new(on_reply, rp);

	memset(rp, 0, sizeof *rp);
	buf_init(&rp->body, BODY_MAX);
	assert_non_null(req);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1");
	if (hname)
		evhttp_add_header(evhttp_request_get_output_headers(req), hname, hvalue);
	if (len)
		assert_int_equal(evbuffer_add(evhttp_request_get_output_buffer(req), body, len), 0);
	assert_int_equal(evhttp_make_request(conn, req, method, uri), 0);
	if (!run_until(flag_set, &rp->done, WAIT_MS))
		fail_msg("%s: no answer within %d ms", uri, WAIT_MS);
}

/* expect_json_error - a refusal's body: {"error": "..."} in JSON. */
static void
expect_json_error(const struct reply *rp)
{
	json_error_t err;
	json_t *j = json_loadb(rp->body.p, rp->body.len, 0, &err);

	if (!j)
		fail_msg("not JSON: %s", buf_str(&rp->body));
	assert_true(json_is_string(json_object_get(j, "error")));
	assert_true(strlen(json_string_value(json_object_get(j, "error"))) > 0);
	json_decref(j);
	assert_string_equal(rp->ctype, "application/json");
}

/* ---- 1. the status table ---- */

static const struct {
	status st;
	int code;
} codes[] = {
	{ ST_OK, 200 },
	{ ST_PARSE, 400 }, { ST_INVALID, 400 },
	{ ST_BADSIG, 403 }, { ST_UNKNOWN_KEY, 403 },
	{ ST_NOTFOUND, 404 }, { ST_LINK, 404 },
	{ ST_CONFLICT, 409 }, { ST_REPLAY, 409 },
	{ ST_TOOBIG, 413 },
	{ ST_RECIPIENT, 421 },
	{ ST_FORK, 422 },
	{ ST_ORDER, 425 },
	{ ST_DOWN, 503 }, { ST_CORRUPT, 503 }, { ST_BUSY, 503 },
	{ ST_SEE_OTHER, 303 }, { ST_UNAUTHORIZED, 401 }, { ST_FORBIDDEN, 403 }, { ST_LIMITED, 429 },
	{ ST_NOT_ACCEPTABLE, 406 }, { ST_MEDIA_TYPE, 415 }, { ST_ACCEPTED, 202 },
	{ ST_TIMEOUT, 504 },
	{ ST_FULL, 507 },
};

/* Each code's canonical status: what a client makes of the code. */
static const struct {
	int code;
	status st;
} inverse[] = {
	{ 200, ST_OK }, { 400, ST_PARSE }, { 403, ST_BADSIG }, { 404, ST_NOTFOUND },
	{ 409, ST_CONFLICT }, { 413, ST_TOOBIG }, { 421, ST_RECIPIENT }, { 422, ST_FORK },
	{ 425, ST_ORDER }, { 503, ST_DOWN }, { 504, ST_TIMEOUT }, { 507, ST_FULL },
	/* codes the table does not hold */
	{ 201, ST_OK }, { 204, ST_OK }, { 299, ST_OK },
	{ 418, ST_INVALID }, { 499, ST_INVALID },
	/* the console's: a page elsewhere, sign in first, too many tries */
	{ 303, ST_SEE_OTHER }, { 401, ST_UNAUTHORIZED }, { 429, ST_LIMITED },
	{ 406, ST_NOT_ACCEPTABLE }, { 415, ST_MEDIA_TYPE }, { 202, ST_ACCEPTED },
	{ 501, ST_DOWN }, { 502, ST_DOWN }, { 599, ST_DOWN },
};

static void
test_status_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		if (http_code(codes[i].st) != codes[i].code)
			fail_msg("http_code(%s) = %d, want %d", status_str(codes[i].st),
			    http_code(codes[i].st), codes[i].code);
		/* the inverse maps back to a status with the same code */
		assert_int_equal(http_code(http_status(codes[i].code)), codes[i].code);
	}
	for (size_t i = 0; i < sizeof inverse / sizeof inverse[0]; i++)
		if (http_status(inverse[i].code) != inverse[i].st)
			fail_msg("http_status(%d) = %s, want %s", inverse[i].code,
			    status_str(http_status(inverse[i].code)), status_str(inverse[i].st));
}

/* ---- 2. where plain HTTP may listen ---- */

static const struct {
	const char *name;
	const char *host;
	enum http_tls mode;
	status want;
} listens[] = {
	{ "plain on 0.0.0.0: refused", "0.0.0.0", HTTP_PLAIN, ST_INVALID },
	{ "plain on 192.0.2.1: refused before binding", "192.0.2.1", HTTP_PLAIN, ST_INVALID },
	{ "plain on 10.0.0.1: refused", "10.0.0.1", HTTP_PLAIN, ST_INVALID },
	{ "plain on ::: refused", "::", HTTP_PLAIN, ST_INVALID },
	{ "plain on a name: refused", "example.com", HTTP_PLAIN, ST_INVALID },
	{ "pinned without a TLS context: refused", "127.0.0.1", HTTP_TLS_PINNED, ST_INVALID },
	{ "server TLS without a TLS context: refused", "127.0.0.1", HTTP_TLS_SERVER,
	    ST_INVALID },
	{ "plain on 127.0.0.1: listens", "127.0.0.1", HTTP_PLAIN, ST_OK },
	{ "plain on 127.0.0.2: listens (all of 127/8 is loopback)", "127.0.0.2", HTTP_PLAIN,
	    ST_OK },
};

static void
test_listen_where(void **state)
{
	struct http *h;

	(void)state;
	EXPECT(http_new(base, NULL, &h), ST_OK);
	for (size_t i = 0; i < sizeof listens / sizeof listens[0]; i++) {
		struct http_listener *l = (void *)&l;
		status rc = ST_IO;

		for (int try = 0; try < 20 && rc == ST_IO; try++)
			rc = http_listen(h, "console", listens[i].host, free_port(),
			    listens[i].mode, NULL, &l);
		if (rc != listens[i].want)
			fail_msg("%s: got %s", listens[i].name, status_str(rc));
		if (rc)
			assert_null(l);
		else
			assert_non_null(l);
	}
	http_free(h);
}

/* A port someone holds: ST_IO, nothing left listening. */
static void
test_listen_port_taken(void **state)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct http_listener *l;
	struct http *h;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	EXPECT(http_new(base, NULL, &h), ST_OK);
	EXPECT(http_listen(h, "console", "127.0.0.1", ntohs(sa.sin_port), HTTP_PLAIN, NULL,
	    &l), ST_IO);
	assert_null(l);
	http_free(h);
	close(fd);
}

/* ---- 3. routes on a plain listener ---- */

static struct http *plain_h;
static struct http_listener *plain_l;
static int plain_port;
static struct evhttp_connection *plain_conn;

static const char *
nz(const char *s)
{
	return s ? s : "-";
}

/* describe - answers what the handler saw of the request. */
static void
describe(void *arg, struct http_req *r)
{
	struct buf out;
	const char *body;
	size_t len;

	(void)arg;
	body = http_req_body(r, &len);
	buf_init(&out, BODY_MAX);
	if (buf_addf(&out, "path=%s a=%s b=%s tail=%s q=%s x=%s hdr=%s peer=%s method=%d"
	    " body=%.*s", http_req_path(r), nz(http_req_param(r, "a")),
	    nz(http_req_param(r, "b")), nz(http_req_param(r, "*")), nz(http_req_query(r, "q")),
	    nz(http_req_query(r, "x")), nz(http_req_header(r, "X-Parley-Test")),
	    http_req_peer(r) ? "set" : "none", (int)http_req_method(r), (int)len, body))
		http_reply_error(r, ST_NOMEM, NULL);
	else
		http_reply(r, ST_OK, "text/plain", out.p, out.len);
	buf_free(&out);
}

/* refuse - a service refusing with a domain status (ST_FORK). */
static void
refuse(void *arg, struct http_req *r)
{
	(void)arg;
	http_reply_error(r, ST_FORK, "inconsistent");
}

/* A deferred reply: the handler returns at once, a timer answers. */
struct deferred {
	struct http_req *r;
	struct event *ev;
	int called, gone;
	int64_t at_ms;
};

static struct deferred dfr;

static void
deferred_reply(evutil_socket_t fd, short what, void *arg)
{
	struct deferred *d = arg;

	(void)fd, (void)what;
	http_reply(d->r, ST_OK, "text/plain", "later", 5);
	d->r = NULL;
}

static void
deferred_gone(void *arg)
{
	struct deferred *d = arg;

	d->gone = 1;
	d->r = NULL;
	evtimer_del(d->ev);
}

static void
defer_handler(void *arg, struct http_req *r)
{
	struct deferred *d = arg;
	const char *ms = http_req_query(r, "ms");
	struct timeval tv = { 0, 0 };

	d->called = 1;
	d->gone = 0;
	d->r = r;
	d->at_ms = stamp_mono_ms();
	tv.tv_usec = (ms && strcmp(ms, "long") == 0 ? 900 : 50) * 1000;
	if (ms && strcmp(ms, "long") == 0)
		tv.tv_sec = 30;
	http_defer(r, deferred_gone, d);
	evtimer_add(d->ev, &tv);
}

static void
stream_handler(void *arg, struct http_req *r)
{
	static const char *const parts[] = { "one,", "two,", "three" };

	(void)arg;
	http_stream_start(r, ST_OK, "text/plain");
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		EXPECT(http_stream_write(r, parts[i], strlen(parts[i])), ST_OK);
	http_stream_end(r);
}

struct route_case {
	const char *name;
	enum evhttp_cmd_type method;
	const char *uri;
	const char *hname, *hvalue;
	const char *body;
	int code;
	const char *want;	/* in the body (NULL: a JSON error) */
	const char *allow;	/* the Allow header of a 405 */
};

#define GET EVHTTP_REQ_GET
#define POST EVHTTP_REQ_POST

static const struct route_case route_cases[] = {
	/* refusals first */
	{ "unknown path: 404 in JSON", GET, "/v1/nowhere", NULL, NULL, NULL, 404, NULL, NULL },
	{ "literal path with a segment more: 404", GET, "/v1/exact/more", NULL, NULL, NULL, 404,
	    NULL, NULL },
	{ "literal path with a segment less: 404", GET, "/v1", NULL, NULL, NULL, 404, NULL,
	    NULL },
	{ "{name} segment empty: 404", GET, "/v1/items//parts/p7", NULL, NULL, NULL, 404, NULL,
	    NULL },
	{ "POST to a GET route: 405, Allow: GET", POST, "/v1/exact", NULL, NULL, "x", 405,
	    NULL, "GET" },
	{ "GET to a POST route: 405, Allow: POST", GET, "/v1/post", NULL, NULL, NULL, 405, NULL,
	    "POST" },
	{ "DELETE to a GET route: 405", EVHTTP_REQ_DELETE, "/v1/exact", NULL, NULL, NULL, 405,
	    NULL, "GET" },
	{ "body one byte over max_body: 413", POST, "/v1/post", NULL, NULL,
	    "0123456789abcdefX", 413, NULL, NULL },
	{ "body far over max_body: 413", POST, "/v1/post", NULL, NULL,
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 413, NULL,
	    NULL },
	{ "%00 in the path: 400", GET, "/v1/files/a%00b", NULL, NULL, NULL, 400, NULL, NULL },
	{ "%00 as the whole tail: 400", GET, "/v1/files/%00", NULL, NULL, NULL, 400, NULL,
	    NULL },
	{ "a service's refusal: its status and JSON", GET, "/v1/refuse", NULL, NULL, NULL, 422,
	    NULL, NULL },
	/* what works */
	{ "literal path", GET, "/v1/exact", NULL, NULL, NULL, 200,
	    "path=/v1/exact a=- b=- tail=- q=- x=- hdr=- peer=none method=1 body=", NULL },
	{ "{name} segments", GET, "/v1/items/i42/parts/p7", NULL, NULL, NULL, 200,
	    "path=/v1/items/i42/parts/p7 a=i42 b=p7 tail=-", NULL },
	{ "* tail", GET, "/v1/files/dir/sub/file.txt", NULL, NULL, NULL, 200,
	    "tail=dir/sub/file.txt", NULL },
	{ "* tail, empty", GET, "/v1/files/", NULL, NULL, NULL, 200, "tail= q=", NULL },
	{ "path percent-decoded", GET, "/v1/files/a%20b%2Bc", NULL, NULL, NULL, 200,
	    "path=/v1/files/a b+c a=- b=- tail=a b+c", NULL },
	{ "query parameters, decoded", GET, "/v1/exact?q=a%20b%26c%3D&x=1", NULL, NULL, NULL,
	    200, "q=a b&c= x=1", NULL },
	{ "query parameter repeated: the first", GET, "/v1/exact?q=first&q=second", NULL, NULL,
	    NULL, 200, "q=first x=-", NULL },
	{ "request header", GET, "/v1/exact", "X-Parley-Test", "hello there", NULL, 200,
	    "hdr=hello there", NULL },
	{ "POST body", POST, "/v1/post", NULL, NULL, "hello body", 200,
	    "method=2 body=hello body", NULL },
	{ "POST body exactly max_body", POST, "/v1/post", NULL, NULL, "0123456789abcdef", 200,
	    "body=0123456789abcdef", NULL },
	{ "POST with no body", POST, "/v1/post", NULL, NULL, "", 200, "body=", NULL },
	{ "streamed reply: the client gets the concatenation", GET, "/v1/stream", NULL, NULL,
	    NULL, 200, "one,two,three", NULL },
};

static void
test_route(void **state)
{
	const struct route_case *tc = *state;
	struct reply rp;

	request(plain_conn, tc->method, tc->uri, tc->hname, tc->hvalue, tc->body,
	    tc->body ? strlen(tc->body) : 0, &rp);
	if (rp.code != tc->code)
		fail_msg("%s: HTTP %d, want %d: %s", tc->uri, rp.code, tc->code,
		    buf_str(&rp.body));
	if (tc->want) {
		if (!strstr(buf_str(&rp.body), tc->want))
			fail_msg("\"%s\" does not hold \"%s\"", buf_str(&rp.body), tc->want);
	} else
		expect_json_error(&rp);
	if (tc->allow)
		assert_string_equal(rp.allow, tc->allow);
	if (strcmp(tc->uri, "/v1/stream") == 0) {
		assert_string_equal(buf_str(&rp.body), tc->want);
		assert_string_equal(rp.te, "chunked");
	}
	buf_free(&rp.body);
}

/* A deferred reply comes from the timer, after the handler returned. */
static void
test_deferred(void **state)
{
	struct reply rp;
	int64_t t0 = stamp_mono_ms();

	(void)state;
	memset(&dfr.called, 0, sizeof dfr - offsetof(struct deferred, called));
	request(plain_conn, GET, "/v1/deferred", NULL, NULL, NULL, 0, &rp);
	assert_int_equal(rp.code, 200);
	assert_string_equal(buf_str(&rp.body), "later");
	assert_true(dfr.called);
	assert_false(dfr.gone);
	assert_true(stamp_mono_ms() - t0 >= 40);
	buf_free(&rp.body);
}

/* BUG (src/net/http.c): the client hangs up while a deferred reply is
 * pending; http.h promises gone() "if the connection closes first".  The
 * layer does not read the connection while the request waits for its
 * reply, so the hang-up goes unnoticed: gone() is never called and the
 * request is held until the handler replies into the void. */
static void
test_deferred_gone(void **state)
{
	static const char req[] = "GET /v1/deferred?ms=long HTTP/1.1\r\nHost: x\r\n\r\n";
	int fd = raw_connect(plain_port), told;

	(void)state;
	memset(&dfr.called, 0, sizeof dfr - offsetof(struct deferred, called));
	assert_int_equal(send(fd, req, sizeof req - 1, 0), (ssize_t)(sizeof req - 1));
	assert_true(run_until(flag_set, &dfr.called, WAIT_MS));
	close(fd);
	told = run_until(flag_set, &dfr.gone, 1000);
	if (!told) {
		/* release the request (the reply goes nowhere) before failing */
		evtimer_del(dfr.ev);
		http_reply(dfr.r, ST_OK, "text/plain", "late", 4);
		dfr.r = NULL;
		fail_msg("the client hung up 1000 ms ago and the handler was not told");
	}
	assert_null(dfr.r);
}

/* The server shuts down (http_free) while a deferred reply is pending: the
 * handler is told, and the request is the layer's to free.
 * BUG (src/net/http.c conn_closed): it clears r->c and calls gone() but
 * never frees r (the struct http_req from on_request, its decoded path and
 * its query list): passes in the plain build, and LeakSanitizer fails the
 * ASan build at exit (293 bytes in 5 allocations, from this case). */
static void
test_deferred_gone_on_free(void **state)
{
	static const char req[] = "GET /v1/deferred?ms=long HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_listener *l;
	struct http *h;
	int port, fd;

	(void)state;
	memset(&dfr.called, 0, sizeof dfr - offsetof(struct deferred, called));
	EXPECT(http_new(base, NULL, &h), ST_OK);
	port = listen_free(h, "console", HTTP_PLAIN, NULL, &l);
	EXPECT(http_route(l, HTTP_GET, "/v1/deferred", 0, defer_handler, &dfr), ST_OK);
	fd = raw_connect(port);
	assert_int_equal(send(fd, req, sizeof req - 1, 0), (ssize_t)(sizeof req - 1));
	assert_true(run_until(flag_set, &dfr.called, WAIT_MS));
	assert_false(dfr.gone);
	http_free(h);
	assert_true(dfr.gone);
	assert_null(dfr.r);
	assert_true(run_until(raw_closed, &fd, WAIT_MS));
	close(fd);
}

/* ---- 4. server TLS ---- */

static char dir[] = "/tmp/parley-test-http-XXXXXX";

static void
path(char out[static 256], const char *name)
{
	EXPECT(file_join(out, 256, dir, name), ST_OK);
}

static void
test_server_cert_files(void **state)
{
	char kp[256], cp[256];
	struct stat sb;

	(void)state;
	path(kp, "console.key");
	path(cp, "console.crt");
	EXPECT(tlsctx_make_server_cert(kp, cp, "localhost", "DNS:localhost,IP:127.0.0.1"),
	    ST_OK);
	assert_int_equal(stat(kp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(cp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	/* neither is overwritten, whichever exists */
	EXPECT(tlsctx_make_server_cert(kp, cp, "localhost", "DNS:localhost"), ST_EXISTS);
	{
		char cp2[256], kp2[256];

		path(cp2, "other.crt");
		path(kp2, "other.key");
		EXPECT(tlsctx_make_server_cert(kp, cp2, "localhost", "DNS:localhost"),
		    ST_EXISTS);
		assert_int_not_equal(access(cp2, F_OK), 0);
		EXPECT(tlsctx_make_server_cert(kp2, cp, "localhost", "DNS:localhost"),
		    ST_EXISTS);
		assert_int_not_equal(access(kp2, F_OK), 0);
	}
}

static void
ok_handler(void *arg, struct http_req *r)
{
	(void)arg;
	http_reply(r, ST_OK, "text/plain", "ok", 2);
}

static void
test_server_tls(void **state)
{
	char kp[256], cp[256];
	struct tlsctx *tls;
	struct http *h;
	struct http_listener *l;
	struct evhttp_connection *conn;
	struct bufferevent *bev;
	struct reply rp;
	SSL_CTX *ctx;
	SSL *ssl;
	X509 *x;
	int port;

	(void)state;
	path(kp, "server.key");
	path(cp, "server.crt");
	EXPECT(tlsctx_make_server_cert(kp, cp, "localhost", "DNS:localhost,IP:127.0.0.1"),
	    ST_OK);
	EXPECT(tlsctx_new_server(kp, cp, &tls), ST_OK);
	EXPECT(http_new(base, NULL, &h), ST_OK);
	port = listen_free(h, "console", HTTP_TLS_SERVER, tls, &l);
	EXPECT(http_route(l, HTTP_GET, "/v1/ok", 0, ok_handler, NULL), ST_OK);

	/* a standard TLS client, no client certificate, no verification */
	assert_non_null(ctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	assert_non_null(ssl = SSL_new(ctx));
	SSL_CTX_free(ctx);
	assert_non_null(bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS));
	assert_non_null(conn = evhttp_connection_base_bufferevent_new(base, NULL, bev,
	    "127.0.0.1", (uint16_t)port));
	request(conn, GET, "/v1/ok", NULL, NULL, NULL, 0, &rp);
	assert_int_equal(rp.code, 200);
	assert_string_equal(buf_str(&rp.body), "ok");
	/* the server proved a P-256 key, the one in its certificate */
	assert_non_null(x = SSL_get1_peer_certificate(ssl));
	assert_int_equal(EVP_PKEY_get_base_id(X509_get0_pubkey(x)), EVP_PKEY_EC);
	X509_free(x);
	buf_free(&rp.body);
	request(conn, GET, "/v1/none", NULL, NULL, NULL, 0, &rp);
	assert_int_equal(rp.code, 404);
	buf_free(&rp.body);
	evhttp_connection_free(conn);

	/* plain HTTP to the TLS listener: no answer */
	assert_non_null(conn = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (uint16_t)port));
	request(conn, GET, "/v1/ok", NULL, NULL, NULL, 0, &rp);
	assert_int_equal(rp.code, 0);
	buf_free(&rp.body);
	evhttp_connection_free(conn);

	http_free(h);
	tlsctx_free(tls);
	ERR_clear_error();
}

/* ---- 5. pinned TLS ---- */

enum { KEY_SRV, KEY_CLI, KEY_STRANGER, NKEYS };
static char keyp[NKEYS][256], certp[NKEYS][256];
static uint8_t pks[NKEYS][IDENT_PK_LEN];


struct seen {
	int called;
	int has_peer;
	uint8_t pk[IDENT_PK_LEN];
	char body[64];
};

static void
whoami(void *arg, struct http_req *r)
{
	struct seen *s = arg;
	const uint8_t *pk = http_req_peer(r);
	const char *body;
	size_t len;

	s->called++;
	s->has_peer = pk != NULL;
	if (pk)
		memcpy(s->pk, pk, IDENT_PK_LEN);
	body = http_req_body(r, &len);
	snprintf(s->body, sizeof s->body, "%.*s", (int)len, body);
	http_reply(r, ST_OK, "text/plain", "welcome", 7);
}

struct answer {
	int done;
	status st;
	char body[256];
	char error[160];
};

static void
on_answer(void *arg, status st, const char *body, size_t len, const char *error)
{
	struct answer *a = arg;

	a->done = 1;
	a->st = st;
	snprintf(a->body, sizeof a->body, "%.*s", (int)len, body ? body : "");
	snprintf(a->error, sizeof a->error, "%s", error ? error : "");
}

struct pin_case {
	const char *name;
	int client;		/* whose key dials */
	int expect;		/* the server key the client expects */
	const char *path;
	status want;
	int served;		/* the handler ran */
};

static const struct pin_case pin_cases[] = {
	{ "an unpinned client: handshake refused (ST_DOWN), handler not run", KEY_STRANGER,
	    KEY_SRV, "/v1/whoami", ST_DOWN, 0 },
	{ "the client expects another server key: ST_DOWN, handler not run", KEY_CLI,
	    KEY_STRANGER, "/v1/whoami", ST_DOWN, 0 },
	{ "the pinned client, no such route: 404 read as ST_NOTFOUND", KEY_CLI, KEY_SRV,
	    "/v1/nowhere", ST_NOTFOUND, 0 },
	{ "the pinned client: ST_OK, the handler sees its key", KEY_CLI, KEY_SRV,
	    "/v1/whoami", ST_OK, 1 },
};

static void
test_pinned(void **state)
{
	const struct pin_case *tc = *state;
	struct tlsctx *srv, *cli;
	struct http *h;
	struct http_listener *l;
	struct http_client *c;
	struct seen seen;
	struct answer ans;
	char endpoint[64];
	int port;

	memset(&seen, 0, sizeof seen);
	memset(&ans, 0, sizeof ans);
	EXPECT(tlsctx_new(keyp[KEY_SRV], certp[KEY_SRV], pin_one, pks[KEY_CLI], &srv), ST_OK);
	EXPECT(tlsctx_new(keyp[tc->client], certp[tc->client], pin_any, NULL, &cli), ST_OK);
	EXPECT(http_new(base, NULL, &h), ST_OK);
	port = listen_free(h, "peer", HTTP_TLS_PINNED, srv, &l);
	EXPECT(http_route(l, HTTP_POST, "/v1/whoami", 1024, whoami, &seen), ST_OK);
	snprintf(endpoint, sizeof endpoint, "https://127.0.0.1:%d", port);
	EXPECT(http_client_new(h, cli, pks[tc->expect], "srv", endpoint, &c), ST_OK);
	EXPECT(http_client_post(c, tc->path, "hello", 5, 5, on_answer, &ans), ST_OK);
	assert_true(http_client_busy(c));
	EXPECT(http_client_post(c, tc->path, "again", 5, 5, on_answer, &ans), ST_CONFLICT);
	if (!run_until(flag_set, &ans.done, WAIT_MS))
		fail_msg("no answer within %d ms", WAIT_MS);
	if (ans.st != tc->want)
		fail_msg("got %s (%s), want %s", status_str(ans.st), ans.error,
		    status_str(tc->want));
	assert_int_equal(seen.called, tc->served);
	if (tc->served) {
		assert_true(seen.has_peer);
		assert_memory_equal(seen.pk, pks[tc->client], IDENT_PK_LEN);
		assert_string_equal(seen.body, "hello");
		assert_string_equal(ans.body, "welcome");
	}
	if (tc->want == ST_DOWN)
		assert_true(ans.error[0] != '\0');
	http_client_free(c);
	http_free(h);
	tlsctx_free(cli);
	tlsctx_free(srv);
	ERR_clear_error();
}

/* ---- 5b. paths: failover from endpoint to endpoint ---- */

enum path_kind { P_REFUSED, P_GOOD, P_NOROUTE };

struct path_case {
	const char *name;
	enum path_kind kind[3];	/* the peer's endpoints, in order */
	size_t n;
	const char *route;	/* the request */
	status want;
	size_t active;		/* the path in use after it */
	const char *states;	/* each path's state after it: u(p) d(own) t (untried) */
	int revive;		/* then path 0 listens: the probe moves the client back */
};

static const struct path_case path_cases[] = {
	{ "path 0 refused: the request goes on path 1 at once; 0 down, 1 up and in use",
	    { P_REFUSED, P_GOOD }, 2, "/v1/whoami", ST_OK, 1, "du", 0 },
	{ "paths 0 and 1 refused: path 2 answers; path 0 is tried again after", { P_REFUSED,
	    P_REFUSED, P_GOOD }, 3, "/v1/whoami", ST_OK, 2, "ddu", 0 },
	{ "every path refused: ST_DOWN once, and the next round starts at path 0",
	    { P_REFUSED, P_REFUSED }, 2, "/v1/whoami", ST_DOWN, 0, "dd", 0 },
	{ "an HTTP refusal (404) on path 0 is an answer: no failover", { P_GOOD, P_REFUSED },
	    2, "/v1/nowhere", ST_NOTFOUND, 0, "ut", 0 },
	{ "path 0 listens again: the probe takes the client back to it", { P_REFUSED, P_GOOD },
	    2, "/v1/whoami", ST_OK, 1, "du", 1 },
};

static int
active_is(void *arg)
{
	struct http_client *c = ((void **)arg)[0];
	size_t want = *(size_t *)((void **)arg)[1];
	struct http_path_info v[CARD_MAX_ENDPOINTS];
	size_t n = http_client_paths(c, v);

	return want < n && v[want].active && v[want].state == HTTP_PATH_UP;
}

static void
test_paths(void **state)
{
	const struct path_case *tc = *state;
	struct tlsctx *srv, *cli;
	struct http *h;
	struct http_listener *l, *l0;
	struct http_client *c, *other, *third, *bad;
	struct http_path_info v[CARD_MAX_ENDPOINTS];
	struct seen seen;
	struct answer ans;
	char eps[CARD_ENDPOINTS_TEXT_MAX] = "";
	int port[3], good;
	size_t n;

	memset(&seen, 0, sizeof seen);
	memset(&ans, 0, sizeof ans);
	EXPECT(tlsctx_new(keyp[KEY_SRV], certp[KEY_SRV], pin_one, pks[KEY_CLI], &srv), ST_OK);
	EXPECT(tlsctx_new(keyp[KEY_CLI], certp[KEY_CLI], pin_any, NULL, &cli), ST_OK);
	EXPECT(http_new(base, NULL, &h), ST_OK);
	http_client_probe_every(h, 50);
	good = listen_free(h, "peer", HTTP_TLS_PINNED, srv, &l);
	EXPECT(http_route(l, HTTP_POST, "/v1/whoami", 1024, whoami, &seen), ST_OK);
	for (size_t i = 0; i < tc->n; i++) {
		port[i] = tc->kind[i] == P_GOOD ? good : free_port();	/* nothing listens */
		snprintf(eps + strlen(eps), sizeof eps - strlen(eps), "%shttps://127.0.0.1:%d",
		    i ? " " : "", port[i]);
	}
	EXPECT(http_client_new(h, cli, pks[KEY_SRV], "srv", eps, &c), ST_OK);
	n = http_client_paths(c, v);
	assert_int_equal(n, tc->n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].state, HTTP_PATH_UNTRIED);
	assert_true(v[0].active);
	EXPECT(http_client_post(c, tc->route, "hello", 5, 5, on_answer, &ans), ST_OK);
	if (!run_until(flag_set, &ans.done, WAIT_MS))
		fail_msg("no answer within %d ms", WAIT_MS);
	if (ans.st != tc->want)
		fail_msg("got %s (%s), want %s", status_str(ans.st), ans.error,
		    status_str(tc->want));
	if (tc->want == ST_DOWN)
		assert_non_null(strstr(ans.error, "paths failed"));
	n = http_client_paths(c, v);
	for (size_t i = 0; i < n; i++) {
		char want = tc->states[i];

		print_message("path %zu: %s%s\n", i, http_path_state_name(v[i].state),
		    v[i].active ? " (in use)" : "");
		assert_int_equal(v[i].state, want == 'u' ? HTTP_PATH_UP : want == 'd' ?
		    HTTP_PATH_DOWN : HTTP_PATH_UNTRIED);
		assert_int_equal(v[i].active, i == tc->active);
		assert_true(want != 'u' || v[i].last_ok_ms > 0);
		assert_true(want != 'd' || (v[i].last_error_ms > 0 && v[i].last_error[0]));
	}
	/* another client of the same key shares the paths */
	EXPECT(http_client_new(h, cli, pks[KEY_SRV], "srv", eps, &other), ST_OK);
	assert_int_equal(http_client_paths(other, v), tc->n);
	assert_true(v[tc->active].active);
	if (tc->revive) {
		void *arg[2] = { c, &(size_t){ 0 } };

		EXPECT(http_listen(h, "peer", "127.0.0.1", port[0], HTTP_TLS_PINNED, srv, &l0),
		    ST_OK);
		EXPECT(http_route(l0, HTTP_POST, "/v1/whoami", 1024, whoami, &seen), ST_OK);
		if (!run_until(active_is, arg, WAIT_MS))
			fail_msg("the probe did not take path 0 back within %d ms", WAIT_MS);
		memset(&ans, 0, sizeof ans);
		seen.called = 0;
		EXPECT(http_client_post(c, tc->route, "again", 5, 5, on_answer, &ans), ST_OK);
		assert_true(run_until(flag_set, &ans.done, WAIT_MS));
		EXPECT(ans.st, ST_OK);
		assert_int_equal(seen.called, 1);
	}
	/* a new list for the key (a newer card): every path untried again */
	EXPECT(http_client_new(h, cli, pks[KEY_SRV], "srv", "https://127.0.0.1:1", &third),
	    ST_OK);
	assert_int_equal(http_client_paths(c, v), 1);
	assert_int_equal(v[0].state, HTTP_PATH_UNTRIED);
	assert_true(v[0].active);
	EXPECT(http_client_new(h, cli, pks[KEY_SRV], "srv", "https://127.0.0.1:1 http://x:2",
	    &bad), ST_INVALID);
	http_client_free(third);
	http_client_free(other);
	http_client_free(c);
	http_free(h);
	tlsctx_free(cli);
	tlsctx_free(srv);
	ERR_clear_error();
}

/* ---- 6. limits ---- */

struct deadline_case {
	const char *name;
	enum http_tls mode;
	const char *send;	/* what the stranger sends, then nothing */
};

static const struct deadline_case deadline_cases[] = {
	{ "plain: a connection that sends nothing is closed at the deadline", HTTP_PLAIN, "" },
	{ "plain: half a request line, then silence: closed at the deadline", HTTP_PLAIN,
	    "GET /v1/ok HTTP/1.1\r\n" },
	{ "pinned: no TLS handshake at all: closed at the deadline", HTTP_TLS_PINNED, "" },
	{ "pinned: a few bytes of a handshake: closed at the deadline", HTTP_TLS_PINNED,
	    "\x16\x03\x01\x00\x40" },
};

#define HANDSHAKE_MS 200

static void
test_deadline(void **state)
{
	const struct deadline_case *tc = *state;
	struct http_limits lim = { .handshake_timeout_ms = HANDSHAKE_MS };
	struct tlsctx *srv = NULL;
	struct http_listener *l;
	struct http *h;
	int64_t t0, took;
	int port, fd;

	if (tc->mode == HTTP_TLS_PINNED)
		EXPECT(tlsctx_new(keyp[KEY_SRV], certp[KEY_SRV], pin_any, NULL, &srv), ST_OK);
	EXPECT(http_new(base, &lim, &h), ST_OK);
	port = listen_free(h, "peer", tc->mode, srv, &l);
	EXPECT(http_route(l, HTTP_GET, "/v1/ok", 0, ok_handler, NULL), ST_OK);
	t0 = stamp_mono_ms();
	fd = raw_connect(port);
	if (tc->send[0])
		assert_int_equal(send(fd, tc->send, strlen(tc->send), 0), (ssize_t)strlen(tc->send));
	settle(HANDSHAKE_MS / 4);
	assert_false(raw_closed(&fd));	/* not before its time */
	if (!run_until(raw_closed, &fd, HANDSHAKE_MS * 10))
		fail_msg("still open %d ms after the deadline", HANDSHAKE_MS * 9);
	took = stamp_mono_ms() - t0;
	assert_true(took >= HANDSHAKE_MS - 20);
	close(fd);
	http_free(h);
	tlsctx_free(srv);
}

/* max_conns_per_addr 2, four idle connections from 127.0.0.1: the two
 * oldest are closed, the two newest stay.  together: the four arrive before
 * the server turns its loop once (one accept batch). */
static void
conns_case(int together)
{
	struct http_limits lim = { .max_conns_per_addr = 2 };
	struct http_listener *l;
	struct http *h;
	int port, fd[4];

	EXPECT(http_new(base, &lim, &h), ST_OK);
	port = listen_free(h, "console", HTTP_PLAIN, NULL, &l);
	for (int i = 0; i < 4; i++) {
		fd[i] = raw_connect(port);
		if (!together)
			settle(50);
	}
	settle(50);
	for (int i = 0; i < 2; i++)
		if (!run_until(raw_closed, &fd[i], 1000))	/* the deadline is 5 s */
			fail_msg("connection %d (of the oldest two) is still open", i + 1);
	settle(50);
	for (int i = 2; i < 4; i++)
		if (raw_closed(&fd[i]))
			fail_msg("connection %d (of the newest two) was closed", i + 1);
	for (int i = 0; i < 4; i++)
		close(fd[i]);
	http_free(h);
}

static void
test_conns_per_addr(void **state)
{
	(void)state;
	conns_case(0);
}

static void
test_conns_per_addr_together(void **state)
{
	(void)state;
	conns_case(1);
}

/* A burst of idle connections from 127.0.0.1, all connected before the
 * server turns its loop, more than the 16 it accepts per turn: the caps
 * close the oldest of them, across batches, and keep the newest; a
 * connection that has been served a request (served: 1, made first) is no
 * stranger, so it neither counts nor goes, and is served again. */
static const struct {
	const char *name;
	int max_conns, per_addr;	/* 0: the default */
	int served;
	int n, closed;		/* the burst, and how many of its oldest go */
} burst_cases[] = {
	{ "max_conns_per_addr 2, 40 at once", 0, 2, 0, 40, 38 },
	{ "max_conns 16, 40 at once", 16, 0, 0, 40, 24 },
	{ "max_conns 16, one served, then 40 at once", 16, 0, 1, 40, 25 },
};

static void
test_conns_burst(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof burst_cases / sizeof burst_cases[0]; k++) {
		struct http_limits lim = { .max_conns = burst_cases[k].max_conns,
		    .max_conns_per_addr = burst_cases[k].per_addr };
		struct evhttp_connection *conn = NULL;
		struct http_listener *l;
		struct reply rp;
		struct http *h;
		int port, fd[40], n = burst_cases[k].n;

		print_message("  %s\n", burst_cases[k].name);
		assert_true(n <= (int)(sizeof fd / sizeof fd[0]));
		EXPECT(http_new(base, &lim, &h), ST_OK);
		port = listen_free(h, "console", HTTP_PLAIN, NULL, &l);
		EXPECT(http_route(l, HTTP_GET, "/v1/ok", 0, ok_handler, NULL), ST_OK);
		if (burst_cases[k].served) {
			conn = evhttp_connection_base_new(base, NULL, "127.0.0.1", (uint16_t)port);
			assert_non_null(conn);
			request(conn, EVHTTP_REQ_GET, "/v1/ok", NULL, NULL, NULL, 0, &rp);
			assert_int_equal(rp.code, 200);
			buf_free(&rp.body);
		}
		for (int i = 0; i < n; i++)
			fd[i] = raw_connect(port);
		for (int i = 0; i < burst_cases[k].closed; i++)
			if (!run_until(raw_closed, &fd[i], 1000))	/* the deadline is 5 s */
				fail_msg("%s: connection %d of %d (oldest first) is still open",
				    burst_cases[k].name, i + 1, n);
		settle(50);
		for (int i = burst_cases[k].closed; i < n; i++)
			if (raw_closed(&fd[i]))
				fail_msg("%s: connection %d of %d (oldest first) was closed",
				    burst_cases[k].name, i + 1, n);
		if (conn) {
			request(conn, EVHTTP_REQ_GET, "/v1/ok", NULL, NULL, NULL, 0, &rp);
			assert_int_equal(rp.code, 200);
			buf_free(&rp.body);
			evhttp_connection_free(conn);
		}
		for (int i = 0; i < n; i++)
			close(fd[i]);
		http_free(h);
	}
}

/* ---- the fixture ---- */

static int
group_setup(void **state)
{
	static const char *names[NKEYS] = { "srv", "cli", "stranger" };
	(void)state;
	if (sodium_init() < 0 || !mkdtemp(dir) || testloop_init())
		return -1;
	base = testloop_base;
	for (int i = 0; i < NKEYS; i++) {
		struct ident *id;
		char n[32];

		snprintf(n, sizeof n, "%s.key", names[i]);
		path(keyp[i], n);
		snprintf(n, sizeof n, "%s.crt", names[i]);
		path(certp[i], n);
		if (ident_create(keyp[i]) || ident_load(keyp[i], &id))
			return -1;
		memcpy(pks[i], ident_pk(id), IDENT_PK_LEN);
		ident_free(id);
		if (tlsctx_make_cert(keyp[i], names[i], certp[i]))
			return -1;
	}
	/* the plain listener the route cases share */
	if (http_new(base, NULL, &plain_h))
		return -1;
	plain_port = listen_free(plain_h, "console", HTTP_PLAIN, NULL, &plain_l);
	dfr.ev = evtimer_new(base, deferred_reply, &dfr);
	if (!dfr.ev ||
	    http_route(plain_l, HTTP_GET, "/v1/exact", 0, describe, NULL) ||
	    http_route(plain_l, HTTP_GET, "/v1/items/{a}/parts/{b}", 0, describe, NULL) ||
	    http_route(plain_l, HTTP_GET, "/v1/files/*", 0, describe, NULL) ||
	    http_route(plain_l, HTTP_POST, "/v1/post", POST_MAX_BODY, describe, NULL) ||
	    http_route(plain_l, HTTP_GET, "/v1/refuse", 0, refuse, NULL) ||
	    http_route(plain_l, HTTP_GET, "/v1/deferred", 0, defer_handler, &dfr) ||
	    http_route(plain_l, HTTP_GET, "/v1/stream", 0, stream_handler, NULL))
		return -1;
	plain_conn = evhttp_connection_base_new(base, NULL, "127.0.0.1", (uint16_t)plain_port);
	return plain_conn ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (plain_conn)
		evhttp_connection_free(plain_conn);
	http_free(plain_h);
	if (dfr.ev)
		event_free(dfr.ev);
	testloop_done();
	return testdir_remove(dir);
}

#define CASES(t, fn) \
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) \
		tests[n++] = (struct CMUnitTest){ t[i].name, fn, NULL, NULL, (void *)&t[i] }

int
main(void)
{
	struct CMUnitTest tests[80];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_status_table);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_listen_where);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_listen_port_taken);
	CASES(route_cases, test_route);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deferred);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deferred_gone_on_free);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deferred_gone);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_server_cert_files);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_server_tls);
	CASES(pin_cases, test_pinned);
	CASES(path_cases, test_paths);
	CASES(deadline_cases, test_deadline);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_conns_per_addr);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_conns_per_addr_together);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_conns_burst);
	return _cmocka_run_group_tests("http", tests, n, group_setup, group_teardown);
}
