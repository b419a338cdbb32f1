/* apiclient.h - the CLI's side of the local API (api.h): connect, send one
 * JSON line, read JSON lines back. */
#ifndef PARLEY_APICLIENT_H
#define PARLEY_APICLIENT_H

#include <jansson.h>

#include "util/buf.h"

struct apiclient;

/* apiclient_open - connect to DIR/parleyd.sock.  ST_DOWN when no daemon
 * listens there (no socket, or refused); ST_IO with errno set for any
 * other cause (EACCES: the caller may not reach it); ST_TOOBIG for a DIR
 * too long for a socket path. */
status apiclient_open(const char *dir, struct apiclient **out) WUR;
void apiclient_close(struct apiclient *c);
/* apiclient_send - write req as one line (req stays the caller's). */
status apiclient_send(struct apiclient *c, const json_t *req) WUR;
/* apiclient_recv - read one response line within timeout_ms (-1: forever);
 * *resp is a new reference.  ST_TIMEOUT, ST_DOWN (daemon closed), ST_PARSE. */
status apiclient_recv(struct apiclient *c, int timeout_ms, json_t **resp) WUR;

#endif
