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
	if ((v = json_object_get(j, "max_body"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > CONFIG_MAX_BODY_LIMIT) {
			rc = bad(path, "max_body");
			goto out;
		}
		c->max_body = (size_t)json_integer_value(v);
	}
	if ((v = json_object_get(j, "retry_max_ms"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 10 ||
		    json_integer_value(v) > 3600000) {
			rc = bad(path, "retry_max_ms");
			goto out;
		}
		c->retry_max_ms = (int)json_integer_value(v);
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
