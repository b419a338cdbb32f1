/* store_taxii.h - what the TAXII 2.1 server keeps (issue 16; docs/TAXII.md):
 * its users (an Argon2id password hash, the collections each may read and
 * write), their bearer tokens (SHA-256 hashes only; the token itself is
 * shown once and never kept), and the status resources of the objects
 * posted to it, so that a status outlives a restart.  Rules for rows and
 * callbacks are in store.h.
 */
#ifndef PARLEY_STORE_TAXII_H
#define PARLEY_STORE_TAXII_H

#include <stdint.h>

#include "util/status.h"

struct store;

#define STORE_TAXII_HASH 32		/* bytes of a token's SHA-256 */
#define STORE_TAXII_NAME_MAX 63		/* characters of a user's name */
#define STORE_TAXII_GRANTS_MAX 4096	/* characters of a list of grants */

/* One user.  Strings are valid during the callback only. */
struct store_taxii_user {
	const char *name;
	const char *pw;		/* crypto/passwd.h's Argon2id string */
	const char *read, *write;	/* comma-separated collection titles, or "all"; "" none */
	int64_t added_ms;
};
typedef int (*store_taxii_user_cb)(void *arg, const struct store_taxii_user *u);

/* store_taxii_user_add - keep u; ST_EXISTS when its name is taken,
 * ST_INVALID for a field over its limit. */
status store_taxii_user_add(struct store *st, const struct store_taxii_user *u) WUR;
/* store_taxii_user_get - the user called name; ST_NOTFOUND when none. */
status store_taxii_user_get(struct store *st, const char *name, store_taxii_user_cb cb,
    void *arg) WUR;
/* store_taxii_user_list - every user by name; ST_OK when there are none. */
status store_taxii_user_list(struct store *st, store_taxii_user_cb cb, void *arg) WUR;
/* store_taxii_user_remove - the user called name and their tokens, in
 * one transaction; ST_NOTFOUND when none. */
status store_taxii_user_remove(struct store *st, const char *name) WUR;

/* store_taxii_token_add - a bearer token for user name, kept as its hash. */
status store_taxii_token_add(struct store *st, const char *name,
    const uint8_t hash[static STORE_TAXII_HASH], int64_t now_ms) WUR;
/* store_taxii_tokens - every token's hash and user, for a comparison that
 * looks at all of them (constant time: no lookup by the secret). */
typedef int (*store_taxii_token_cb)(void *arg, const uint8_t *hash, const char *user);
status store_taxii_tokens(struct store *st, store_taxii_token_cb cb, void *arg) WUR;

/* One status resource: who posted, where, when, and its entries as JSON
 * text (the service's own format; the store does not read it). */
struct store_taxii_status {
	const char *id;		/* a UUID */
	const char *user;
	const char *collection;	/* the store collection posted to */
	int64_t peer_id;	/* 0: local */
	int64_t made_ms;
	const char *json;
};
typedef int (*store_taxii_status_cb)(void *arg, const struct store_taxii_status *s);

/* store_taxii_status_put - keep s (a new one, or s->id's again with its
 * entries updated), committed at once unless in a transaction. */
status store_taxii_status_put(struct store *st, const struct store_taxii_status *s) WUR;
/* store_taxii_status_get - status id; ST_NOTFOUND when none. */
status store_taxii_status_get(struct store *st, const char *id, store_taxii_status_cb cb,
    void *arg) WUR;

#endif
