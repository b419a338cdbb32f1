/* http_client.h - requests to one pinned peer (TLS 1.3, mutual, pinned),
 * over the first of its paths that works.
 *
 * One connection, one request in flight at a time; a broken connection is
 * dropped and the next request dials afresh.  The endpoint's name is
 * resolved asynchronously (http_dns), so a name server that never answers
 * delays only the requests to that peer.
 *
 * Paths.  A peer may list several endpoints (its card's, in order of
 * preference): path 0, 1, ...  Every client of one key shares one record
 * of them (struct http_clients): which path is in use, and for each its
 * state (untried, up, down), its last success and its last error.  A
 * request goes on the path in use; when it fails for a transport reason -
 * the connection, the TLS handshake (a deadline of HTTP_CLIENT_DIAL_MS:
 * a port that accepts and never answers is down), or the request itself,
 * anything but an HTTP answer - that path is down and the same request
 * goes at once on the next one, in order, wrapping round, each path once.
 * Only when every path failed does the caller hear ST_DOWN (and back off,
 * if it does); the next request then starts again at path 0.  While a
 * backup is in use, the preferred paths are asked again, in order, every
 * probe interval (HTTP_PROBE_MS, http_client_probe_every), with GET
 * HTTP_PING_PATH over pinned TLS (a pinned listener answers it itself);
 * the first that answers is used again, each client moving at its next
 * request.  Every change of the path in use is logged once, rate-limited
 * as every warning.
 */
#ifndef PARLEY_HTTP_CLIENT_H
#define PARLEY_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ident.h"
#include "crypto/tlsctx.h"
#include "fmt/card.h"
#include "net/http.h"
#include "util/buf.h"

struct http_client;

/* The deadline of a request to a peer, seconds. */
#define HTTP_CLIENT_TIMEOUT_S 30
/* The deadline of a new connection's TCP connect and TLS handshake (and
 * name resolution): past it, the path is down. */
#define HTTP_CLIENT_DIAL_MS 5000

/* http_client_done_fn - a request finished.  st is ST_OK for 200, else
 * the status the answer's HTTP code stands for (http_status), or ST_DOWN
 * when no answer came on any path; error then says why in words.  body
 * is borrowed (the refusal's text, or the answer). */
typedef void (*http_client_done_fn)(void *arg, status st, const char *body, size_t len,
    const char *error);

/* http_client_new - a client of h for the peer named name (for log
 * lines) holding pk, at endpoints: its URLs "https://HOST:PORT" in order
 * of preference, joined by spaces (card_endpoints_split; one URL is a
 * list of one).  tls must be a pinned context (tlsctx_new) that outlives
 * the client, the same for every client of pk.  A client made with
 * another list than pk's record holds (a newer card) replaces it: every
 * path untried again, path 0 in use.  ST_INVALID when endpoints does not
 * split. */
status http_client_new(struct http *h, struct tlsctx *tls,
    const uint8_t pk[static IDENT_PK_LEN], const char *name, const char *endpoints,
    struct http_client **out) WUR;
/* http_client_post - POST body to path; done is called exactly once, later.
 * ST_CONFLICT when a request is already in flight.  body is copied. */
status http_client_post(struct http_client *c, const char *path, const char *body,
    size_t len, int timeout_s, http_client_done_fn done, void *arg) WUR;
/* http_client_get - GET path (with its query); as http_client_post. */
status http_client_get(struct http_client *c, const char *path, int timeout_s,
    http_client_done_fn done, void *arg) WUR;
/* http_client_busy - 1 while a request is in flight. */
int http_client_busy(const struct http_client *c);
/* http_client_free - NULL is a no-op; a request in flight is dropped
 * without its callback. */
void http_client_free(struct http_client *c);

/* What is known of one path to a peer. */
enum http_path_state { HTTP_PATH_UNTRIED, HTTP_PATH_UP, HTTP_PATH_DOWN };

struct http_path_info {
	char url[CARD_ENDPOINT_MAX + 1];
	enum http_path_state state;
	int active;		/* the path in use (exactly one is) */
	int64_t last_ok_ms;	/* its last answer or completed probe; 0: none */
	int64_t last_error_ms;	/* its last transport failure; 0: none */
	char last_error[160];	/* what that failure was */
};

/* http_client_paths - the paths of c's peer, in order, into out; returns
 * how many. */
size_t http_client_paths(const struct http_client *c,
    struct http_path_info out[static CARD_MAX_ENDPOINTS]);
/* http_client_answered_on - the path (0, 1, ...) the last answer to c
 * came on; -1 before any. */
int http_client_answered_on(const struct http_client *c);
/* http_client_use_path - the requests of c's peer (every client of its
 * key) go on path n from the next one: a check of that path (parley check
 * --path).  A better path is asked again after the probe interval, as
 * for any backup; a failure fails over as usual.  ST_INVALID when the
 * peer has no path n. */
status http_client_use_path(struct http_client *c, size_t n) WUR;
/* http_path_state_name - "untried", "up" or "down". */
const char *http_path_state_name(enum http_path_state s);
/* http_client_watch - call fn(arg) (NULL: none) whenever what
 * http_client_paths shows of any peer may have changed in a way a person
 * would notice: a path's state (untried, up, down), the path in use, a
 * new failure on a path, a list replaced.  Not for a success on a path
 * already up: that is every answer.  fn is called in the middle of the
 * client's work, so it must not call the HTTP client (nor free one); it
 * should note the change and act on a later turn of the loop.  One
 * watcher per HTTP layer (the link engine). */
void http_client_watch(struct http *h, void (*fn)(void *arg), void *arg);
/* http_client_probe_every - on a backup path, try the preferred ones
 * every ms milliseconds (from the next round on). */
void http_client_probe_every(struct http *h, int ms);

#endif
