/* config.c - load and write DIR/parley.json. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "node/config.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/stamp.h"

status
config_listen_parse(const char *s, struct config *c)
{
	char url[CARD_ENDPOINT_MAX + 16];

	if (snprintf(url, sizeof url, "https://%s", s) >= (int)sizeof url)
		return ST_INVALID;
	return card_endpoint_parse(url, c->listen_host, sizeof c->listen_host,
	    &c->listen_port);
}

static status
bad(const char *path, const char *field)
{
	diag_warn("%s: field \"%s\" is missing or invalid", path, field);
	return ST_INVALID;
}

status
config_load(const char *path, struct config *c)
{
	const char *name, *listen, *endpoint, *created;
	char host[CARD_ENDPOINT_MAX + 1];
	json_error_t err;
	json_t *j, *v;
	int64_t ms;
	int port;
	status rc = ST_OK;

	memset(c, 0, sizeof *c);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		diag_warn("%s:%d: %s", path, err.line, err.text);
		return ST_PARSE;
	}
	name = json_string_value(json_object_get(j, "name"));
	listen = json_string_value(json_object_get(j, "listen"));
	endpoint = json_string_value(json_object_get(j, "endpoint"));
	created = json_string_value(json_object_get(j, "created_at"));
	if (!name || !card_name_ok(name))
		rc = bad(path, "name");
	else if (!listen || config_listen_parse(listen, c))
		rc = bad(path, "listen");
	else if (!endpoint || strlen(endpoint) > CARD_ENDPOINT_MAX ||
	    card_endpoint_parse(endpoint, host, sizeof host, &port))
		rc = bad(path, "endpoint");
	else if (!created || strlen(created) >= sizeof c->created_at ||
	    stamp_parse(created, &ms) != ST_OK)
		rc = bad(path, "created_at");
	if (rc)
		goto out;
	snprintf(c->name, sizeof c->name, "%s", name);
	snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint);
	snprintf(c->created_at, sizeof c->created_at, "%s", created);
	c->max_body = CONFIG_MAX_BODY_DEFAULT;
	c->retry_max_ms = 10000;
	{
		/* Optional numbers: key, bounds, where it goes. */
		int64_t max_body = (int64_t)c->max_body, retry = c->retry_max_ms, conns = 0,
		    per_addr = 0, hs = 0, peer_conns = 0, budget = 0;
		const struct {
			const char *key;
			int64_t min, max;
			int64_t *to;
		} opt[] = {
			{ "max_body", 1, CONFIG_MAX_BODY_LIMIT, &max_body },
			{ "retry_max_ms", 10, 3600000, &retry },
			{ "max_conns", 1, 1000000, &conns },
			{ "max_conns_per_addr", 1, 1000000, &per_addr },
			{ "handshake_timeout_ms", 100, 60000, &hs },
			{ "peer_max_conns", 1, 1000, &peer_conns },
			{ "body_budget", CONFIG_BODY_BUDGET_MIN, (int64_t)4 << 30, &budget },
		};

		for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++) {
			if (!(v = json_object_get(j, opt[i].key)))
				continue;
			if (!json_is_integer(v) || json_integer_value(v) < opt[i].min ||
			    json_integer_value(v) > opt[i].max) {
				rc = bad(path, opt[i].key);
				goto out;
			}
			*opt[i].to = json_integer_value(v);
		}
		c->max_body = (size_t)max_body;
		c->retry_max_ms = (int)retry;
		c->max_conns = (int)conns;
		c->max_conns_per_addr = (int)per_addr;
		c->handshake_timeout_ms = (int)hs;
		c->peer_max_conns = (int)peer_conns;
		c->body_budget = (size_t)budget;
	}
	if ((v = json_object_get(j, "resolv_conf"))) {
		if (!json_is_string(v) || json_string_length(v) >= sizeof c->resolv_conf) {
			rc = bad(path, "resolv_conf");
			goto out;
		}
		snprintf(c->resolv_conf, sizeof c->resolv_conf, "%s", json_string_value(v));
	}
out:
	json_decref(j);
	return rc;
}

status
config_write(const char *path, const struct config *c)
{
	char listen[CARD_ENDPOINT_MAX + 16], *text;
	json_t *j;
	status rc;

	snprintf(listen, sizeof listen, strchr(c->listen_host, ':') ? "[%s]:%d" : "%s:%d",
	    c->listen_host, c->listen_port);
	j = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s}", "name", c->name, "listen", listen,
	    "endpoint", c->endpoint, "max_body", (json_int_t)c->max_body,
	    "retry_max_ms", c->retry_max_ms, "created_at", c->created_at);
	text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	rc = file_write_new(path, text, strlen(text), 0600);
	if (!rc) {
		free(text);
		return ST_OK;
	}
	free(text);
	return rc;
}
