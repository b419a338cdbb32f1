/* config.h - a node's configuration, DIR/parley.json.
 *
 *   {"name":"alpha","listen":"127.0.0.1:7401","endpoint":"https://127.0.0.1:7401",
 *    "max_body":1048576,"retry_max_ms":10000,"created_at":"..."}
 */
#ifndef PARLEY_CONFIG_H
#define PARLEY_CONFIG_H

#include <stddef.h>

#include "util/buf.h"
#include "fmt/card.h"

#define CONFIG_MAX_BODY_DEFAULT (1024 * 1024)
#define CONFIG_MAX_BODY_LIMIT (16 * 1024 * 1024)
/* body_budget holds at least one largest request (http.c checks that this
 * is HTTP_REQUEST_MAX). */
#define CONFIG_BODY_BUDGET_MIN (64 << 20)

struct config {
	char name[CARD_NAME_MAX + 1];
	char listen_host[CARD_ENDPOINT_MAX + 1];
	int listen_port;
	char endpoint[CARD_ENDPOINT_MAX + 1];	/* what peers dial: https://host:port */
	size_t max_body;	/* largest message body accepted or sent, bytes */
	int retry_max_ms;	/* ceiling of the retry backoff */
	char created_at[32];
	/* Limits of the HTTP layer (net/http.h); 0 or "": the default. */
	int max_conns;
	int max_conns_per_addr;
	int handshake_timeout_ms;
	int peer_max_conns;
	size_t body_budget;
	char resolv_conf[256];
};

/* config_listen_parse - "HOST:PORT" or "[V6]:PORT" into c's listen fields. */
status config_listen_parse(const char *s, struct config *c) WUR;
/* config_load - read and check path; ST_PARSE/ST_INVALID with a warning
 * that names the bad field. */
status config_load(const char *path, struct config *c) WUR;
/* config_write - write c to path (new file, 0600). */
status config_write(const char *path, const struct config *c) WUR;

#endif
