/* testnode.h - a node for a unit test, made in a new temp dir as `parley
 * init` makes one (key, certificates, parley.json, store) and opened. */
#ifndef PARLEY_TESTNODE_H
#define PARLEY_TESTNODE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/config.h"
#include "node/node.h"

#define TESTNODE_DIR_MAX 64

/* testnode_make - node name listening on 127.0.0.1:port with max_body, in
 * a new dir /tmp/parley-test-TAG-XXXXXX written to dir ("" when none was
 * made); *out is the opened node. */
static inline status
testnode_make(char dir[static TESTNODE_DIR_MAX], const char *tag, const char *name,
    int port, size_t max_body, struct node **out)
{
	struct config c;
	status rc;

	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.listen_host, sizeof c.listen_host, "127.0.0.1");
	c.listen_port = port;
	snprintf(c.endpoint, sizeof c.endpoint, "https://127.0.0.1:%d", port);
	c.max_body = max_body;
	c.retry_max_ms = 10000;
	snprintf(c.created_at, sizeof c.created_at, "2026-11-01T09:00:00.000Z");
	snprintf(dir, TESTNODE_DIR_MAX, "/tmp/parley-test-%s-XXXXXX", tag);
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		return ST_IO;
	}
	rc = node_init(dir, &c);
	return rc ? rc : node_open(dir, out);
}

#endif
