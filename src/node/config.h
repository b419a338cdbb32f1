/* config.h - a node's configuration, DIR/parley.json.
 *
 *   {"name":"alpha","listen":"127.0.0.1:7401",
 *    "endpoints":["https://a.example.net:7401","https://10.0.0.5:7401"],
 *    "max_body":1048576,"retry_max_ms":10000,"created_at":"...",
 *    "desk_tz":"Europe/Paris","desk_lang":"fr"}
 *
 * name, listen, endpoints and created_at are required; every other key is
 * optional and takes its default when absent.  endpoints lists what peers
 * dial, in order of preference (1 to CARD_MAX_ENDPOINTS URLs; the card
 * carries them all); a configuration written before there could be
 * several has one "endpoint" string instead, still read.
 *
 * Every setting is in one table (config.c), which says its rule, its
 * default and when it takes effect: read-only (name, created_at), when
 * parleyd restarts (listen, endpoints, max_body, the HTTP layer's
 * limits), or at once (CONFIG_NOW: a running parleyd re-reads them on
 * the local API's "reload", node_config_reload).  `parley config` lists
 * and sets them through config_show and config_set, so that the CLI, the
 * daemon and the fuzzer hold every value to the same rule.
 */
#ifndef PARLEY_CONFIG_H
#define PARLEY_CONFIG_H

#include <stddef.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/tz.h"
#include "fmt/card.h"
#include "fmt/tlp.h"
#include "fmt/template.h"

#define CONFIG_MAX_BODY_DEFAULT (1024 * 1024)
#define CONFIG_MAX_BODY_LIMIT (16 * 1024 * 1024)
/* body_budget holds at least one largest request (http.c checks that this
 * is HTTP_REQUEST_MAX). */
#define CONFIG_BODY_BUDGET_MIN (64 << 20)
/* taxii_max_body: the largest TAXII request (net/http.h HTTP_REQUEST_MAX). */
#define CONFIG_TAXII_MAX_BODY_DEFAULT (64 << 20)
#define CONFIG_RETRY_MAX_DEFAULT 10000
#define CONFIG_PROBE_DEFAULT 30000
#define CONFIG_NOTIFY_TIMEOUT_DEFAULT 10000
#define CONFIG_PATH_MAX 1024	/* bytes of notify_cmd, with the NUL */
#define CONFIG_WHY_MAX 512	/* a refusal: names the key and its rule */
#define CONFIG_FILE_MAX (1 << 20)	/* the largest parley.json read */

#define CONFIG_PROPS_MAX 1024
#define CONFIG_URL_MAX 256	/* bytes of a URL setting, with the NUL */
#define CONFIG_TEXT_MAX 201	/* bytes of a text setting, with the NUL */

struct config {
	char name[CARD_NAME_MAX + 1];
	char listen_host[CARD_ENDPOINT_MAX + 1];
	int listen_port;
	/* what peers dial, https://host:port, in order of preference */
	char endpoints[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	size_t n_endpoints;
	size_t max_body;	/* largest message body accepted or sent, bytes */
	int retry_max_ms;	/* ceiling of the retry backoff */
	int path_probe_ms;	/* a peer on a backup path: how often its preferred is tried */
	char created_at[32];
	/* Limits of the HTTP layer (net/http.h); 0 or "": the default. */
	int max_conns;
	int max_conns_per_addr;
	int handshake_timeout_ms;
	int peer_max_conns;
	size_t body_budget;
	char resolv_conf[256];
	/* The watch desk's. */
	char notify_cmd[CONFIG_PATH_MAX];	/* run on a new case; "": none */
	int notify_timeout_ms;	/* how long notify_cmd may run */
	char desk_tz[TZ_NAME_MAX + 1];	/* the zone desk times are shown in */
	enum template_lang desk_lang;	/* the language of the desk's labels */
	/* The duty console's listener: "https://HOST:PORT",
	 * "http://LOOPBACK:PORT", or "" for none (config_console_parse). */
	char console_listen[CARD_ENDPOINT_MAX + 1];
	/* Sharing STIX (intel/intel.h): the label an unmarked object is given,
	 * and the properties the operator counts as personal data, "TYPE.PROP"
	 * or "*.PROP" separated by commas ("": none). */
	enum tlp stix_tlp_default;
	char stix_personal[CONFIG_PROPS_MAX];
	/* The TAXII 2.1 server's listener, the same forms (config_console_parse),
	 * and the largest request it takes (its max_content_length). */
	char taxii_listen[CARD_ENDPOINT_MAX + 1];
	size_t taxii_max_body;
	/* The CSAF trusted provider's listener (the same forms), the base URL
	 * its documents name ("": csaf_listen's), and the publisher its
	 * metadata names (name "": "parley NAME"; namespace "": the base URL). */
	char csaf_listen[CARD_ENDPOINT_MAX + 1];
	char csaf_base_url[CONFIG_URL_MAX];
	char csaf_publisher_category[16];
	char csaf_publisher_name[CONFIG_TEXT_MAX];
	char csaf_publisher_namespace[CONFIG_URL_MAX];
};

/* When a setting takes effect. */
enum config_applies {
	CONFIG_READONLY,	/* never changed by parley config */
	CONFIG_RESTART,		/* read when parleyd starts */
	CONFIG_NOW,		/* re-read by a running parleyd at "reload" */
};

/* struct config_setting - one setting, as parley config describes it. */
struct config_setting {
	const char *key;
	enum config_applies applies;
	const char *rule;	/* what a value must be, e.g. "an integer from 10 to 3600000" */
	const char *dflt;	/* the default, for people; NULL: required */
};

/* config_listen_parse - "HOST:PORT" or "[V6]:PORT" into c's listen fields. */
status config_listen_parse(const char *s, struct config *c) WUR;
/* config_parse - text[0..len), the contents of parley.json, into *c
 * (every default filled in).  ST_PARSE (not JSON), ST_INVALID (a key out
 * of its rule): why then names the key and its rule. */
status config_parse(const char *text, size_t len, struct config *c,
    char why[static CONFIG_WHY_MAX]) WUR;
/* config_load - read and check path (config_parse); ST_PARSE/ST_INVALID
 * with a warning that names the bad key, ST_NOTFOUND/ST_IO (errno kept)
 * when it cannot be read. */
status config_load(const char *path, struct config *c) WUR;
/* config_write - write c to path (new file, 0600): the required keys,
 * max_body and retry_max_ms; the rest keep their defaults. */
status config_write(const char *path, const struct config *c) WUR;

/* config_settings - every setting, in the order parley config lists
 * them; *n gets how many.  Static storage. */
const struct config_setting *config_settings(size_t *n);
/* config_setting - the setting named key, or NULL. */
const struct config_setting *config_setting(const char *key);
/* config_show - what the configuration text[0..len) says of each
 * setting, into *out (a new object, the caller's): key -> {"value": as
 * parley.json holds it (endpoints: an array) or null when absent,
 * "default": the default (a number or a string) or null (required, or
 * computed when parleyd starts: max_conns), "applies": "read-only",
 * "restart" or "now"}.  Errors as config_parse. */
status config_show(const char *text, size_t len, json_t **out,
    char why[static CONFIG_WHY_MAX]) WUR;
/* config_set - the configuration text[0..len) with key set to value,
 * into out (appended): value as a person types it (a number in decimal,
 * the endpoints separated by spaces); "" removes an optional key (its
 * default again).  Checked by the key's rule, stricter than config_parse
 * where the system can tell (notify_cmd names an executable regular
 * file, desk_tz a zone tz_known has), and then the whole text again.
 * ST_NOTFOUND (no such setting), ST_CONFLICT (a read-only one),
 * ST_INVALID (refused by the rule, or the text is then no configuration),
 * ST_PARSE (the text is not JSON): why says so, naming the key.  Other
 * keys, known or not, stay as they are, in their order. */
status config_set(const char *text, size_t len, const char *key, const char *value,
    struct buf *out, char why[static CONFIG_WHY_MAX]) WUR;
/* config_props_ok - 1 for stix_personal's value: "" or TYPE.PROP and
 * *.PROP names separated by single commas. */
int config_props_ok(const char *s);
/* config_console_parse - console_listen's (and taxii_listen's) URL into tls (1: https), host
 * and port; ST_INVALID for another scheme, a bad HOST:PORT, or http on an
 * address that is not loopback (127.0.0.0/8, ::1, localhost). */
status config_console_parse(const char *url, int *tls, char *host, size_t cap, int *port) WUR;
/* config_url_ok - 1 for an https URL: a HOST[:PORT] card_endpoint_parse
 * takes, then an optional path of URL characters without "//", a query, a
 * fragment or a final "/". */
int config_url_ok(const char *s);
/* config_category_ok - 1 for a CSAF publisher category (section 3.2.1.8.1). */
int config_category_ok(const char *s);
/* config_apply_now - copy the settings that apply at once (CONFIG_NOW)
 * from src into dst; the others stay as dst has them. */
void config_apply_now(struct config *dst, const struct config *src);

#endif
