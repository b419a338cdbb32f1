/* testnode.h - a node for a unit test, made in a new temp dir as `parley
 * init` makes one (key, certificates, parley.json, store) and opened. */
#ifndef PARLEY_TESTNODE_H
#define PARLEY_TESTNODE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/config.h"
#include "node/node.h"
#include "store/store.h"

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
	snprintf(c.endpoints[0], sizeof c.endpoints[0], "https://127.0.0.1:%d", port);
	c.n_endpoints = 1;
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

/* testnode_queue - queue a message id (its "JWS" is jws, taken as opaque
 * bytes) to peer_id on link, with the next sequence number, as link_queue
 * stores one: the outbox row and its log entry, in the caller's
 * transaction.  The subject is "grid status". */
static inline status
testnode_queue(struct store *st, int64_t peer_id, const char *link, const char *id,
    const char *jws, int64_t now_ms)
{
	struct store_out m;
	int64_t seq;
	status rc = store_send_seq(st, peer_id, link, &seq);

	if (rc)
		return rc;
	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = peer_id;
	m.link = link;
	m.seq = seq;
	m.type = "status";
	m.priority = "routine";
	m.subject = "grid status";
	m.jws = jws;
	m.jws_len = strlen(jws);
	m.created_ms = now_ms + seq;
	return store_out_add(st, &m);
}

#endif
