/* store_agree.h - the store's agreements (the rules for rows and callbacks
 * are in store.h): each as the signed document held now, the General
 * Serialization with every signature collected so far (docs/AGREEMENTS.md),
 * beside what a listing shows without verifying it again. */
#ifndef PARLEY_STORE_AGREE_H
#define PARLEY_STORE_AGREE_H

#include <stdint.h>

#include "util/status.h"

struct store;

struct store_agree {
	const char *id;		/* the payload's id (UUIDv7) */
	const char *doc;	/* the signed document */
	const char *title;
	const char *parties;	/* party names, comma-separated, payload order */
	const char *signed_by;	/* the names of those who signed, likewise */
	int64_t n_parties, n_signed;
	int64_t effective_ms, expires_ms;	/* expires_ms INT64_MAX: never */
	int64_t first_ms, updated_ms;	/* held first; doc replaced last */
};
typedef int (*store_agree_cb)(void *arg, const struct store_agree *a);

/* store_agree_put - hold a's document: a new agreement, or the same one
 * with more signatures (doc, signed_by, n_signed replaced; the rest kept). */
status store_agree_put(struct store *st, const struct store_agree *a, int64_t now_ms) WUR;
/* store_agree_get - the agreement id; ST_NOTFOUND when none. */
status store_agree_get(struct store *st, const char *id, store_agree_cb cb, void *arg) WUR;
/* store_agree_list - every agreement, oldest first (ST_OK if none). */
status store_agree_list(struct store *st, store_agree_cb cb, void *arg) WUR;

#endif
