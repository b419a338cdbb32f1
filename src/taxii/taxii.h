/* taxii.h - the TAXII 2.1 server (issue 16; OASIS TAXII Version 2.1,
 * docs/TAXII.md), served by parleyd when taxii_listen is set
 * (node/config.h): over HTTPS with the node's server certificate, or plain
 * HTTP on a loopback address.
 *
 * One API root, /taxii2/api/, with the collections:
 *   local       the CERT's own objects (read, write);
 *   to PEER     for each pinned peer: what is posted is shared with it
 *               through the sharing service (intel_share_doc; write only);
 *   from PEER   what that peer shared with this node (read only).
 * Users (parley taxii user) authenticate with HTTP Basic (Argon2id, a
 * successful check cached in memory for TAXII_CACHE_MS) or a bearer
 * token, and see only the collections their grants name.  A POST answers
 * with a status resource kept in the store; an object shared with a peer
 * is pending there until the peer's receipt for it is kept.
 */
#ifndef PARLEY_TAXII_H
#define PARLEY_TAXII_H

#include "intel/intel.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"

#define TAXII_CACHE_MS (5 * 60 * 1000)	/* a Basic check is trusted this long */
#define TAXII_FAILS_FREE 5		/* failures before a name or address waits */
#define TAXII_LOCK_MAX_MS (15 * 60 * 1000)

struct taxii;

/* taxii_new - the TAXII server of node n on h, sharing through in and
 * naming the peers of ps (all borrowed): opens the listener taxii_listen
 * names (nothing, and *out NULL, when it is "").  ST_INVALID (plain HTTP
 * not on loopback), ST_IO (cannot bind), errors of the TLS context. */
status taxii_new(struct http *h, struct node *n, struct peers *ps, struct intel *in,
    struct taxii **out) WUR;
/* taxii_free - NULL is a no-op. */
void taxii_free(struct taxii *t);

/* taxii_collection_id - the stable UUID of the store collection name
 * (intel.h) on the node whose key id is kid, into out: SHA-256 of both in
 * the form of a version 5 UUID.  The CLI prints it too. */
void taxii_collection_id(const char *kid, const char *name, char out[static 37]);

#endif
