/* http_client.h - requests to one pinned peer (TLS 1.3, mutual, pinned).
 *
 * One connection, one request in flight at a time; a broken connection is
 * dropped and the next request dials afresh.  The endpoint's name is
 * resolved asynchronously (http_dns), so a name server that never answers
 * delays only the requests to that peer.
 */
#ifndef PARLEY_HTTP_CLIENT_H
#define PARLEY_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ident.h"
#include "crypto/tlsctx.h"
#include "net/http.h"
#include "util/buf.h"

struct http_client;

/* The deadline of a request to a peer, seconds. */
#define HTTP_CLIENT_TIMEOUT_S 30

/* http_client_done_fn - a request finished.  st is ST_OK for 200, else
 * the status the answer's HTTP code stands for (http_status), or ST_DOWN
 * when no answer came; error then says why in words.  body is borrowed
 * (the refusal's text, or the answer). */
typedef void (*http_client_done_fn)(void *arg, status st, const char *body, size_t len,
    const char *error);

/* http_client_new - a client of h for the peer at endpoint holding pk;
 * tls must be a pinned context (tlsctx_new) that outlives the client. */
status http_client_new(struct http *h, struct tlsctx *tls,
    const uint8_t pk[static IDENT_PK_LEN], const char *endpoint,
    struct http_client **out) WUR;
/* http_client_post - POST body to path; done is called exactly once, later.
 * ST_CONFLICT when a request is already in flight. */
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

#endif
