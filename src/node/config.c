/* config.c - DIR/parley.json: read, check, list, set, write.
 *
 * One table holds every setting: its key, its rule, its default and when
 * it takes effect.  config_parse (the daemon, every verb), config_show and
 * config_set (parley config) and the fuzzer go through it, so a value is
 * held to one rule wherever it comes from.  Keys the table does not know
 * are left alone: config_set keeps them, in their order.
 *
 * SECURITY: notify_cmd names a program parleyd runs; config_set takes only
 * an absolute path to an executable regular file, and parley.json is
 * written mode 0600 in the node's 0700 directory.  Writes replace the file
 * atomically (util/file.h): a reader sees the old or the new text.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/config.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/stamp.h"

enum kind {
	K_NAME,		/* the node's name */
	K_LISTEN,	/* HOST:PORT */
	K_ENDPOINTS,	/* an array of endpoint URLs */
	K_TIME,		/* RFC 3339 */
	K_INT,		/* int, in [min, max] */
	K_SIZE,		/* size_t, in [min, max] */
	K_FILE,		/* a path */
	K_CMD,		/* an absolute path to an executable, or "" */
	K_TZ,		/* a zone name */
	K_LANG,		/* a template language code */
	K_CONSOLE,	/* https://HOST:PORT, http://LOOPBACK:PORT, or "" */
	K_TLP,		/* a TLP 2.0 label */
	K_PROPS,	/* TYPE.PROP or *.PROP, comma-separated, or "" */
	K_URL,		/* https://HOST[:PORT][/PATH] without a final "/", or "" */
	K_CATEGORY,	/* a CSAF publisher category */
	K_TEXT,		/* printable text without control characters, or "" */
};

struct key {
	struct config_setting s;
	enum kind kind;
	int64_t min, max;
	/* the default: as a number (K_INT, K_SIZE; -1: computed when parleyd
	 * starts) and whether struct config holds it when the key is absent
	 * (else 0 or "", and the layer that reads it applies the default) */
	int64_t dflt;
	int fill;
	size_t off, size;	/* the field of struct config */
};

#define AT(f) offsetof(struct config, f), sizeof ((struct config *)0)->f

static const struct key keys[] = {
	{ { "name", CONFIG_READONLY, "[a-z0-9][a-z0-9._-]{0,62}", NULL }, K_NAME, 0, 0, 0, 0,
	    AT(name) },
	{ { "listen", CONFIG_RESTART, "HOST:PORT, or [IPV6]:PORT", NULL }, K_LISTEN, 0, 0, 0, 0,
	    AT(listen_host) },
	{ { "endpoints", CONFIG_RESTART, "1 to 4 URLs https://HOST:PORT, different, separated"
	    " by spaces, in order of preference", NULL }, K_ENDPOINTS, 0, 0, 0, 0, AT(endpoints) },
	{ { "max_body", CONFIG_RESTART, "an integer from 1 to 16777216 (bytes)", "1048576" },
	    K_SIZE, 1, CONFIG_MAX_BODY_LIMIT, CONFIG_MAX_BODY_DEFAULT, 1, AT(max_body) },
	{ { "retry_max_ms", CONFIG_NOW, "an integer from 10 to 3600000 (milliseconds)", "10000" },
	    K_INT, 10, 3600000, CONFIG_RETRY_MAX_DEFAULT, 1, AT(retry_max_ms) },
	{ { "path_probe_ms", CONFIG_NOW, "an integer from 1000 to 3600000 (milliseconds)",
	    "30000" }, K_INT, 1000, 3600000, CONFIG_PROBE_DEFAULT, 1, AT(path_probe_ms) },
	{ { "max_conns", CONFIG_RESTART, "an integer from 1 to 1000000",
	    "half the open-file limit" }, K_INT, 1, 1000000, -1, 0, AT(max_conns) },
	{ { "max_conns_per_addr", CONFIG_RESTART, "an integer from 1 to 1000000", "64" },
	    K_INT, 1, 1000000, 64, 0, AT(max_conns_per_addr) },
	{ { "handshake_timeout_ms", CONFIG_RESTART, "an integer from 100 to 60000"
	    " (milliseconds)", "5000" }, K_INT, 100, 60000, 5000, 0, AT(handshake_timeout_ms) },
	{ { "peer_max_conns", CONFIG_RESTART, "an integer from 1 to 1000", "8" },
	    K_INT, 1, 1000, 8, 0, AT(peer_max_conns) },
	{ { "body_budget", CONFIG_RESTART, "an integer from 67108864 to 4294967296 (bytes)",
	    "67108864" }, K_SIZE, CONFIG_BODY_BUDGET_MIN, (int64_t)4 << 30,
	    CONFIG_BODY_BUDGET_MIN, 0, AT(body_budget) },
	{ { "resolv_conf", CONFIG_RESTART, "a file path of at most 255 bytes",
	    "/etc/resolv.conf" }, K_FILE, 0, 0, 0, 0, AT(resolv_conf) },
	{ { "notify_cmd", CONFIG_NOW, "the absolute path of an executable regular file,"
	    " or \"\" for none", "" }, K_CMD, 0, 0, 0, 1, AT(notify_cmd) },
	{ { "notify_timeout_ms", CONFIG_NOW, "an integer from 100 to 600000 (milliseconds)",
	    "10000" }, K_INT, 100, 600000, CONFIG_NOTIFY_TIMEOUT_DEFAULT, 1,
	    AT(notify_timeout_ms) },
	{ { "desk_tz", CONFIG_NOW, "a time zone of the system's tz database (e.g."
	    " Europe/Paris), or UTC", "UTC" }, K_TZ, 0, 0, 0, 1, AT(desk_tz) },
	{ { "desk_lang", CONFIG_NOW, "one of en, fr, ru, zh, es, ar", "en" }, K_LANG, 0, 0, 0,
	    1, AT(desk_lang) },
	{ { "console_listen", CONFIG_RESTART, "https://HOST:PORT (the server certificate),"
	    " http://HOST:PORT on a loopback address only, or \"\" for no console", "" },
	    K_CONSOLE, 0, 0, 0, 1, AT(console_listen) },
	{ { "stix_tlp_default", CONFIG_NOW, "TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT"
	    " or TLP:RED", "TLP:AMBER" }, K_TLP, 0, 0, 0, 1, AT(stix_tlp_default) },
	{ { "stix_personal", CONFIG_NOW, "properties that hold personal data, TYPE.PROP or"
	    " *.PROP separated by commas (e.g. x-case.reporter,*.x_phone), or \"\"", "" },
	    K_PROPS, 0, 0, 0, 1, AT(stix_personal) },
	{ { "taxii_listen", CONFIG_RESTART, "https://HOST:PORT (the server certificate),"
	    " http://HOST:PORT on a loopback address only, or \"\" for no TAXII server", "" },
	    K_CONSOLE, 0, 0, 0, 1, AT(taxii_listen) },
	{ { "taxii_max_body", CONFIG_RESTART, "an integer from 1024 to 67108864 (bytes)",
	    "67108864" }, K_SIZE, 1024, CONFIG_TAXII_MAX_BODY_DEFAULT,
	    CONFIG_TAXII_MAX_BODY_DEFAULT, 1, AT(taxii_max_body) },
	{ { "csaf_listen", CONFIG_RESTART, "https://HOST:PORT (the server certificate),"
	    " http://HOST:PORT on a loopback address only, or \"\" for no CSAF provider", "" },
	    K_CONSOLE, 0, 0, 0, 1, AT(csaf_listen) },
	{ { "csaf_base_url", CONFIG_RESTART, "https://HOST[:PORT][/PATH] (no final \"/\"),"
	    " where users reach the provider, or \"\" for csaf_listen's", "" },
	    K_URL, 0, 0, 0, 1, AT(csaf_base_url) },
	{ { "csaf_publisher_category", CONFIG_RESTART, "one of coordinator, discoverer, other,"
	    " translator, user, vendor", "coordinator" }, K_CATEGORY, 0, 0, 0, 1,
	    AT(csaf_publisher_category) },
	{ { "csaf_publisher_name", CONFIG_RESTART, "1 to 200 printable characters, or \"\" for"
	    " \"parley NAME\"", "" }, K_TEXT, 0, 0, 0, 1, AT(csaf_publisher_name) },
	{ { "csaf_publisher_namespace", CONFIG_RESTART, "https://HOST[:PORT][/PATH], or \"\""
	    " for the base URL", "" }, K_URL, 0, 0, 0, 1, AT(csaf_publisher_namespace) },
	{ { "created_at", CONFIG_READONLY, "an RFC 3339 time", NULL }, K_TIME, 0, 0, 0, 0,
	    AT(created_at) },
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* The key an older parley wrote for its one endpoint. */
#define LEGACY_ENDPOINT "endpoint"

static const struct key *
key_of(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].s.key, name) == 0)
			return &keys[i];
	return NULL;
}

const struct config_setting *
config_settings(size_t *n)
{
	static struct config_setting v[N_KEYS];

	for (size_t i = 0; i < N_KEYS; i++)
		v[i] = keys[i].s;
	*n = N_KEYS;
	return v;
}

const struct config_setting *
config_setting(const char *key)
{
	const struct key *k = key_of(key);

	return k ? &k->s : NULL;
}

status
config_listen_parse(const char *s, struct config *c)
{
	char url[CARD_ENDPOINT_MAX + 16];

	if (snprintf(url, sizeof url, "https://%s", s) >= (int)sizeof url)
		return ST_INVALID;
	return card_endpoint_parse(url, c->listen_host, sizeof c->listen_host,
	    &c->listen_port);
}

/* refuse - why: "KEY must be RULE", and what is wrong when said. */
static status
refuse(const struct key *k, char why[static CONFIG_WHY_MAX], const char *what)
{
	snprintf(why, CONFIG_WHY_MAX, "%s must be %s%s%.240s", k->s.key, k->s.rule,
	    what ? ": " : "", what ? what : "");
	return ST_INVALID;
}

/* string_of - v's text when v is a string without NUL, else NULL. */
static const char *
string_of(const json_t *v)
{
	const char *s = json_string_value(v);

	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* cmd_ok - path is an executable regular file; else why says what it is. */
static int
cmd_ok(const struct key *k, const char *path, char why[static CONFIG_WHY_MAX])
{
	struct stat sb;
	char what[240];

	/* the path is shown cut short: the rule is what matters */
	if (stat(path, &sb) != 0)
		snprintf(what, sizeof what, "%.160s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		snprintf(what, sizeof what, "%.160s is not a regular file", path);
	else if (access(path, X_OK) != 0)
		snprintf(what, sizeof what, "%.160s is not executable", path);
	else
		return 1;
	refuse(k, why, what);
	return 0;
}

int
config_url_ok(const char *s)
{
	char host[CARD_ENDPOINT_MAX + 1], url[CARD_ENDPOINT_MAX + 16];
	const char *path, *e;
	size_t n;
	int port, has_port;

	if (strncmp(s, "https://", 8) != 0)
		return 0;
	path = strchr(s + 8, '/');
	n = path ? (size_t)(path - s) : strlen(s);
	if (n >= sizeof url)
		return 0;
	/* HOST without a port: card_endpoint_parse wants one */
	has_port = s[8] == '[' ? (e = memchr(s + 8, ']', n - 8)) != NULL && e + 1 < s + n &&
	    e[1] == ':' : memchr(s + 8, ':', n - 8) != NULL;
	snprintf(url, sizeof url, "%.*s%s", (int)n, s, has_port ? "" : ":443");
	if (card_endpoint_parse(url, host, sizeof host, &port) != ST_OK)
		return 0;
	if (!path)
		return 1;
	n = strlen(path);
	if (path[n - 1] == '/')
		return 0;
	/* unreserved, sub-delims, ':', '@', '/', '%': no query, fragment, space */
	return strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "-._~!$&'()*+,;=:@/%") == n && !strstr(path, "//");
}

int
config_category_ok(const char *s)
{
	static const char *const v[] = { "coordinator", "discoverer", "other", "translator",
		"user", "vendor" };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

/* text_ok - s is UTF-8 without control characters (a name people read). */
static int
text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* take - check v (never NULL) against k's rule, strict: also what the
 * system can tell (the file, the zone); store it in c. */
static status
take(const struct key *k, const json_t *v, int strict, struct config *c,
    char why[static CONFIG_WHY_MAX])
{
	char *field = (char *)c + k->off;
	const char *s = string_of(v);
	int64_t ms;

	switch (k->kind) {
	case K_NAME:
		if (!s || !card_name_ok(s))
			return refuse(k, why, NULL);
		break;
	case K_LISTEN:
		if (!s || config_listen_parse(s, c) != ST_OK)
			return refuse(k, why, NULL);
		return ST_OK;
	case K_ENDPOINTS: {
		char host[CARD_ENDPOINT_MAX + 1];
		size_t n = json_array_size(v);
		int port;

		if (!json_is_array(v) || n == 0 || n > CARD_MAX_ENDPOINTS)
			return refuse(k, why, NULL);
		for (size_t i = 0; i < n; i++) {
			const char *e = string_of(json_array_get(v, i));

			if (!e || strlen(e) > CARD_ENDPOINT_MAX ||
			    card_endpoint_parse(e, host, sizeof host, &port) != ST_OK)
				return refuse(k, why, NULL);
			for (size_t j = 0; j < i; j++)
				if (strcmp(c->endpoints[j], e) == 0)
					return refuse(k, why, "one is listed twice");
			snprintf(c->endpoints[i], sizeof c->endpoints[i], "%s", e);
		}
		c->n_endpoints = n;
		return ST_OK;
	}
	case K_TIME:
		if (!s || strlen(s) >= k->size || stamp_parse(s, &ms) != ST_OK)
			return refuse(k, why, NULL);
		break;
	case K_INT:
	case K_SIZE: {
		json_int_t x = json_integer_value(v);

		if (!json_is_integer(v) || x < k->min || x > k->max)
			return refuse(k, why, NULL);
		if (k->kind == K_INT)
			*(int *)(void *)field = (int)x;
		else
			*(size_t *)(void *)field = (size_t)x;
		return ST_OK;
	}
	case K_FILE:
		if (!s || strlen(s) >= k->size)
			return refuse(k, why, NULL);
		break;
	case K_CMD:
		if (!s || strlen(s) >= k->size || (s[0] && s[0] != '/'))
			return refuse(k, why, NULL);
		if (strict && s[0] && !cmd_ok(k, s, why))
			return ST_INVALID;
		break;
	case K_TZ:
		if (!s || !tz_name_ok(s) || (strict && !tz_known(s)))
			return refuse(k, why, s && tz_name_ok(s) ? "the system knows no such zone" :
			    NULL);
		break;
	case K_CONSOLE: {
		char host[CARD_ENDPOINT_MAX + 1];
		int tls, port;

		if (!s || strlen(s) >= k->size ||
		    (s[0] && config_console_parse(s, &tls, host, sizeof host, &port) != ST_OK))
			return refuse(k, why, NULL);
		break;
	}
	case K_TLP: {
		enum tlp t;

		if (!s || tlp_parse(s, &t) != ST_OK)
			return refuse(k, why, NULL);
		*(enum tlp *)(void *)field = t;
		return ST_OK;
	}
	case K_PROPS:
		if (!s || strlen(s) >= k->size || !config_props_ok(s))
			return refuse(k, why, NULL);
		break;
	case K_URL:
		if (!s || strlen(s) >= k->size || (s[0] && !config_url_ok(s)))
			return refuse(k, why, NULL);
		break;
	case K_CATEGORY:
		if (!s || !config_category_ok(s))
			return refuse(k, why, NULL);
		break;
	case K_TEXT:
		if (!s || strlen(s) >= k->size || !text_ok(s))
			return refuse(k, why, NULL);
		break;
	case K_LANG: {
		enum template_lang l;

		if (!s || template_lang_parse(s, &l) != ST_OK)
			return refuse(k, why, NULL);
		*(enum template_lang *)(void *)field = l;
		return ST_OK;
	}
	}
	snprintf(field, k->size, "%s", s);
	return ST_OK;
}

/* fill - the defaults struct config holds for absent keys. */
static void
fill(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->max_body = CONFIG_MAX_BODY_DEFAULT;
	c->retry_max_ms = CONFIG_RETRY_MAX_DEFAULT;
	c->path_probe_ms = CONFIG_PROBE_DEFAULT;
	c->notify_timeout_ms = CONFIG_NOTIFY_TIMEOUT_DEFAULT;
	snprintf(c->desk_tz, sizeof c->desk_tz, "UTC");
	c->desk_lang = TEMPLATE_EN;
	c->stix_tlp_default = TLP_AMBER;
	c->taxii_max_body = CONFIG_TAXII_MAX_BODY_DEFAULT;
	snprintf(c->csaf_publisher_category, sizeof c->csaf_publisher_category, "coordinator");
}

/* prop_ok - one TYPE.PROP or *.PROP: a STIX type ([a-z0-9-], or *) and a
 * property name ([a-z0-9_], 3 to 250 characters as STIX names them). */
static int
prop_ok(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	size_t t, p;

	if (!dot)
		return 0;
	t = (size_t)(dot - s);
	p = n - t - 1;
	if (!(t == 1 && s[0] == '*') && (t < 1 || t > 250 ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") < t))
		return 0;
	return p >= 1 && p <= 250 && strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") >= p;
}

int
config_props_ok(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, ",");

		if (!prop_ok(s, n))
			return 0;
		s += n;
		if (*s == ',' && !*++s)
			return 0;
	}
	return 1;
}

/* value_of - j's value for k: for endpoints, an older configuration's
 * one "endpoint" string as an array of it (a new reference in *made, to
 * release).  NULL when absent; *dup set when both forms are there. */
static const json_t *
value_of(const json_t *j, const struct key *k, json_t **made, int *dup)
{
	const json_t *v = json_object_get(j, k->s.key), *old;

	*made = NULL;
	*dup = 0;
	if (k->kind != K_ENDPOINTS || !(old = json_object_get(j, LEGACY_ENDPOINT)))
		return v;
	if (v) {
		*dup = 1;
		return v;
	}
	*made = json_array();
	if (*made && json_array_append(*made, (json_t *)old) != 0) {
		json_decref(*made);
		*made = NULL;
	}
	return *made;
}

/* parse_object - j (a JSON object) into c, strict as take. */
static status
parse_object(const json_t *j, int strict, struct config *c, char why[static CONFIG_WHY_MAX])
{
	fill(c);
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		json_t *made;
		int dup;
		const json_t *v = value_of(j, k, &made, &dup);
		status rc;

		if (dup) {
			snprintf(why, CONFIG_WHY_MAX, "\"%s\" and \"%s\" are both set: keep %s (the"
			    " list) only", LEGACY_ENDPOINT, k->s.key, k->s.key);
			return ST_INVALID;
		}
		if (!v) {
			if (!k->s.dflt) {
				snprintf(why, CONFIG_WHY_MAX, "%s is missing: it must be %s", k->s.key,
				    k->s.rule);
				return ST_INVALID;
			}
			continue;
		}
		rc = take(k, v, strict, c, why);
		json_decref(made);
		if (rc)
			return rc;
	}
	return ST_OK;
}

/* load_object - text[0..len) as a JSON object (a new reference). */
static status
load_object(const char *text, size_t len, json_t **out, char why[static CONFIG_WHY_MAX])
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	*out = NULL;
	if (!j) {
		snprintf(why, CONFIG_WHY_MAX, "line %d: %s", err.line, err.text);
		return ST_PARSE;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(why, CONFIG_WHY_MAX, "not a JSON object");
		return ST_PARSE;
	}
	*out = j;
	return ST_OK;
}

status
config_parse(const char *text, size_t len, struct config *c, char why[static CONFIG_WHY_MAX])
{
	json_t *j;
	status rc = load_object(text, len, &j, why);

	if (!rc)
		rc = parse_object(j, 0, c, why);
	json_decref(j);
	if (rc)
		fill(c);	/* nothing of a refused configuration is used */
	return rc;
}

status
config_load(const char *path, struct config *c)
{
	char why[CONFIG_WHY_MAX];
	struct buf text;
	status rc;

	fill(c);
	buf_init(&text, CONFIG_FILE_MAX);
	rc = file_read(path, &text);
	if (rc) {
		int err = errno;

		diag_warn("%s: cannot read it: %s", path, rc == ST_IO || rc == ST_NOTFOUND ?
		    strerror(err) : status_str(rc));
		buf_free(&text);
		errno = err;
		return rc;
	}
	rc = config_parse(text.p ? text.p : "", text.len, c, why);
	if (rc)
		diag_warn("%s: %s", path, why);
	buf_free(&text);
	return rc;
}

status
config_write(const char *path, const struct config *c)
{
	char listen[CARD_ENDPOINT_MAX + 16], *text;
	json_t *j, *eps = json_array();
	status rc;

	for (size_t i = 0; eps && i < c->n_endpoints; i++)
		json_array_append_new(eps, json_string(c->endpoints[i]));
	snprintf(listen, sizeof listen, strchr(c->listen_host, ':') ? "[%s]:%d" : "%s:%d",
	    c->listen_host, c->listen_port);
	j = eps ? json_pack("{s:s, s:s, s:o, s:I, s:i, s:s}", "name", c->name, "listen", listen,
	    "endpoints", eps, "max_body", (json_int_t)c->max_body,
	    "retry_max_ms", c->retry_max_ms, "created_at", c->created_at) : NULL;
	text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	rc = file_write_new(path, text, strlen(text), 0600);
	free(text);
	return rc;
}

static const char *const applies_name[] = {
	[CONFIG_READONLY] = "read-only", [CONFIG_RESTART] = "restart", [CONFIG_NOW] = "now",
};

status
config_show(const char *text, size_t len, json_t **out, char why[static CONFIG_WHY_MAX])
{
	struct config c;
	json_t *j, *all;
	status rc;

	*out = NULL;
	if ((rc = load_object(text, len, &j, why)) != ST_OK)
		return rc;
	if ((rc = parse_object(j, 0, &c, why)) != ST_OK || !(all = json_object())) {
		json_decref(j);
		return rc ? rc : ST_NOMEM;
	}
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		json_t *made, *dflt;
		int dup;
		const json_t *v = value_of(j, k, &made, &dup);

		if (!k->s.dflt || (k->dflt < 0 && (k->kind == K_INT || k->kind == K_SIZE)))
			dflt = json_null();
		else if (k->kind == K_INT || k->kind == K_SIZE)
			dflt = json_integer(k->dflt);
		else
			dflt = json_string(k->s.dflt);
		json_object_set_new(all, k->s.key, json_pack("{s:O, s:o, s:s}",
		    "value", v ? (json_t *)v : json_null(), "default", dflt,
		    "applies", applies_name[k->s.applies]));
		json_decref(made);
	}
	json_decref(j);
	*out = all;
	return ST_OK;
}

/* typed - value as a person typed it, as the JSON value k takes (a new
 * reference), or NULL with why. */
static json_t *
typed(const struct key *k, const char *value, char why[static CONFIG_WHY_MAX])
{
	if (k->kind == K_INT || k->kind == K_SIZE) {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || *end || errno == ERANGE) {
			refuse(k, why, NULL);
			return NULL;
		}
		return json_integer(x);
	}
	if (k->kind == K_ENDPOINTS) {
		char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
		json_t *a;
		size_t n;

		if (card_endpoints_split(value, eps, &n) != ST_OK) {
			refuse(k, why, NULL);
			return NULL;
		}
		a = json_array();
		for (size_t i = 0; a && i < n; i++)
			json_array_append_new(a, json_string(eps[i]));
		return a;
	}
	return json_string(value);
}

status
config_set(const char *text, size_t len, const char *key, const char *value,
    struct buf *out, char why[static CONFIG_WHY_MAX])
{
	const struct key *k = key_of(key);
	struct config c;
	json_t *j, *v = NULL;
	char *dump;
	status rc;

	why[0] = '\0';
	if (!k) {
		snprintf(why, CONFIG_WHY_MAX, "no setting is named \"%.64s\" (parley config lists"
		    " them)", key);
		return ST_NOTFOUND;
	}
	if (k->s.applies == CONFIG_READONLY) {
		snprintf(why, CONFIG_WHY_MAX, "%s is read-only: it is part of the node's identity"
		    " (its log, its card, its peers' pins)", k->s.key);
		return ST_CONFLICT;
	}
	if (!value[0] && !k->s.dflt) {
		snprintf(why, CONFIG_WHY_MAX, "%s cannot be unset: it must be %s", k->s.key,
		    k->s.rule);
		return ST_INVALID;
	}
	if ((rc = load_object(text, len, &j, why)) != ST_OK)
		return rc;
	if (value[0]) {
		fill(&c);
		if (!(v = typed(k, value, why)) || (rc = take(k, v, 1, &c, why)) != ST_OK) {
			json_decref(v);
			json_decref(j);
			return rc ? rc : ST_INVALID;
		}
		rc = json_object_set_new(j, k->s.key, v) == 0 ? ST_OK : ST_NOMEM;
	} else
		(void)json_object_del(j, k->s.key);
	if (k->kind == K_ENDPOINTS)
		(void)json_object_del(j, LEGACY_ENDPOINT);
	/* the whole configuration, as the daemon will read it */
	if (!rc)
		rc = parse_object(j, 0, &c, why);
	dump = rc ? NULL : json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (rc)
		return rc;
	if (!dump)
		return ST_NOMEM;
	rc = buf_adds(out, dump);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	free(dump);
	return rc;
}

void
config_apply_now(struct config *dst, const struct config *src)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].s.applies == CONFIG_NOW)
			memcpy((char *)dst + keys[i].off, (const char *)src + keys[i].off,
			    keys[i].size);
}

/* loopback - 1 for a host that is a loopback address: 127.0.0.0/8, ::1,
 * localhost. */
static int
loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "localhost") == 0;
}

status
config_console_parse(const char *url, int *tls, char *host, size_t cap, int *port)
{
	char as_https[CARD_ENDPOINT_MAX + 16];

	if (strncmp(url, "https://", 8) == 0) {
		*tls = 1;
		snprintf(as_https, sizeof as_https, "%s", url);
	} else if (strncmp(url, "http://", 7) == 0) {
		*tls = 0;
		snprintf(as_https, sizeof as_https, "https://%s", url + 7);
	} else {
		return ST_INVALID;
	}
	if (strlen(url) > CARD_ENDPOINT_MAX ||
	    card_endpoint_parse(as_https, host, cap, port) != ST_OK)
		return ST_INVALID;
	return *tls || loopback(host) ? ST_OK : ST_INVALID;
}
