/* fuzz_config.c - the node configuration parser (DIR/parley.json), with the
 * HTTP layer's limits.  Besides memory safety it checks the promise of
 * config_load: a configuration that loads has every limit in its bounds,
 * and nothing of a refused one is used. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "node/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[] = "/tmp/fuzz-config-XXXXXX";
	static int fd = -1;
	struct config c;

	fuzz_init();
	if (fd < 0) {
		diag_init("fuzz", 0);
		if ((fd = mkstemp(path)) < 0)
			abort();
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (config_load(path, &c) != ST_OK)
		return 0;
	if (c.max_body < 1 || c.max_body > CONFIG_MAX_BODY_LIMIT || c.retry_max_ms < 10 ||
	    c.max_conns < 0 || c.max_conns_per_addr < 0 || c.peer_max_conns < 0 ||
	    (c.handshake_timeout_ms && (c.handshake_timeout_ms < 100 ||
	    c.handshake_timeout_ms > 60000)) ||
	    (c.body_budget && c.body_budget < CONFIG_BODY_BUDGET_MIN) ||
	    memchr(c.resolv_conf, '\0', sizeof c.resolv_conf) == NULL ||
	    c.listen_port < 1 || c.listen_port > 65535)
		abort();
	return 0;
}
