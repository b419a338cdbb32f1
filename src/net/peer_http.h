/* peer_http.h - the peer-facing HTTPS transport (TLS 1.3, mutual, pinned).
 *
 * Server: every request arrives with the TLS-verified key of the peer that
 * sent it; a connection whose key is not pinned never gets this far.
 * Client: one connection per peer, one request in flight at a time; a broken
 * connection is dropped and the next request dials afresh.
 */
#ifndef PARLEY_PEER_HTTP_H
#define PARLEY_PEER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "util/buf.h"
#include "crypto/ident.h"
#include "crypto/tlsctx.h"

struct peer_http;
struct peer_http_client;

/* peer_http_serve_fn - handle a POST to path from the peer holding pk; write
 * the response body to resp and return its HTTP status. */
typedef int (*peer_http_serve_fn)(void *arg, const uint8_t pk[IDENT_PK_LEN],
    const char *path, const char *body, size_t len, struct buf *resp);
/* peer_http_done_fn - a request finished: status is the HTTP status, or 0
 * when no response came (error then says why). body is borrowed. */
typedef void (*peer_http_done_fn)(void *arg, int status, const char *body,
    size_t len, const char *error);

/* peer_http_listen - serve HTTPS on host:port.  Requests over max_request
 * bytes get 413 before they are read. */
status peer_http_listen(struct event_base *base, struct tlsctx *tls, const char *host,
    int port, size_t max_request, peer_http_serve_fn fn, void *arg,
    struct peer_http **out) WUR;
void peer_http_free(struct peer_http *h);

/* peer_http_client_new - a client for the peer at endpoint holding pk. */
status peer_http_client_new(struct event_base *base, struct tlsctx *tls,
    const uint8_t pk[static IDENT_PK_LEN], const char *endpoint,
    struct peer_http_client **out) WUR;
/* peer_http_post - POST body to path; done is called exactly once, later.
 * ST_STATE-like refusal (ST_CONFLICT) when a request is already in flight. */
status peer_http_post(struct peer_http_client *c, const char *path, const char *body,
    size_t len, int timeout_s, peer_http_done_fn done, void *arg) WUR;
/* peer_http_busy - 1 while a request is in flight. */
int peer_http_busy(const struct peer_http_client *c);
/* peer_http_client_free - NULL is a no-op; a request in flight is dropped
 * without its callback. */
void peer_http_client_free(struct peer_http_client *c);

#endif
