/* fuzz_config.c - the node configuration parser (DIR/parley.json), with the
 * HTTP layer's limits, the paths and the desk's settings.  Besides memory
 * safety it checks the promises of config.c: a configuration that loads
 * has every setting in its bounds, nothing of a refused one is used, and
 * what config_show lists and config_set writes of a loaded one reads
 * back. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "node/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* in_bounds - 1 when every setting of c keeps its rule. */
static int
in_bounds(const struct config *c)
{
	enum template_lang lang;
	char host[CARD_ENDPOINT_MAX + 1];
	int port;

	if (c->n_endpoints < 1 || c->n_endpoints > CARD_MAX_ENDPOINTS)
		return 0;
	for (size_t i = 0; i < c->n_endpoints; i++)
		if (memchr(c->endpoints[i], '\0', sizeof c->endpoints[i]) == NULL ||
		    card_endpoint_parse(c->endpoints[i], host, sizeof host, &port) != ST_OK)
			return 0;
	return c->max_body >= 1 && c->max_body <= CONFIG_MAX_BODY_LIMIT &&
	    c->retry_max_ms >= 10 && c->path_probe_ms >= 1000 && c->path_probe_ms <= 3600000 &&
	    c->max_conns >= 0 && c->max_conns_per_addr >= 0 && c->peer_max_conns >= 0 &&
	    (!c->handshake_timeout_ms || (c->handshake_timeout_ms >= 100 &&
	    c->handshake_timeout_ms <= 60000)) &&
	    (!c->body_budget || c->body_budget >= CONFIG_BODY_BUDGET_MIN) &&
	    memchr(c->resolv_conf, '\0', sizeof c->resolv_conf) != NULL &&
	    memchr(c->notify_cmd, '\0', sizeof c->notify_cmd) != NULL &&
	    (!c->notify_cmd[0] || c->notify_cmd[0] == '/') &&
	    c->notify_timeout_ms >= 100 && c->notify_timeout_ms <= 600000 &&
	    tz_name_ok(c->desk_tz) &&
	    template_lang_parse(template_lang_code(c->desk_lang), &lang) == ST_OK &&
	    c->listen_port >= 1 && c->listen_port <= 65535;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[] = "/tmp/fuzz-config-XXXXXX";
	static int fd = -1;
	char why[CONFIG_WHY_MAX];
	struct config c, again;
	struct buf out;
	json_t *shown;
	size_t n;

	fuzz_init();
	if (fd < 0) {
		diag_init("fuzz", 0);
		diag_quiet(1);
		if ((fd = mkstemp(path)) < 0)
			abort();
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (config_load(path, &c) != ST_OK) {
		if (c.n_endpoints != 0 || c.name[0])	/* nothing of it is used */
			abort();
		return 0;
	}
	if (!in_bounds(&c))
		abort();
	/* the listing has every setting */
	if (config_show((const char *)data, size, &shown, why) != ST_OK)
		abort();
	(void)config_settings(&n);
	if (json_object_size(shown) != n)
		abort();
	json_decref(shown);
	/* a setting changed: the other settings are still there, and it reads back */
	buf_init(&out, CONFIG_FILE_MAX);
	if (config_set((const char *)data, size, "desk_lang", "zh", &out, why) == ST_OK) {
		if (config_parse(out.p, out.len, &again, why) != ST_OK || !in_bounds(&again) ||
		    again.desk_lang != TEMPLATE_ZH || strcmp(again.name, c.name) != 0 ||
		    again.n_endpoints != c.n_endpoints)
			abort();
	}
	buf_free(&out);
	return 0;
}
