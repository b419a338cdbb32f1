/* store_agree.h - the store's agreements (the rules for rows and callbacks
 * are in store.h): each as the signed document held now, the General
 * Serialization with every signature collected so far (docs/AGREEMENTS.md),
 * beside what a listing shows without verifying it again; and the signed
 * acts on them (fmt/agract.h: declines, notices of termination), each kept
 * once, with what they did to the agreement's row. */
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
	const char *supersedes;	/* the id of the agreement it supersedes; NULL: none */
	int64_t declined_ms;	/* the earliest decline's at; 0: not declined */
	const char *declined_by;	/* that decline's party (name); "": none */
	int64_t ends_ms;	/* the end notice set (earliest); INT64_MAX: none */
	int64_t superseded_ms;	/* superseded from; INT64_MAX: not superseded */
};
typedef int (*store_agree_cb)(void *arg, const struct store_agree *a);

/* store_agree_put - hold a's document: a new agreement (with supersedes;
 * declined_ms, declined_by, ends_ms and superseded_ms start as none,
 * whatever a says), or the same one with more signatures (doc, signed_by,
 * n_signed replaced; the rest kept). */
status store_agree_put(struct store *st, const struct store_agree *a, int64_t now_ms) WUR;
/* store_agree_get - the agreement id; ST_NOTFOUND when none. */
status store_agree_get(struct store *st, const char *id, store_agree_cb cb, void *arg) WUR;
/* store_agree_list - every agreement, oldest first (ST_OK if none). */
status store_agree_list(struct store *st, store_agree_cb cb, void *arg) WUR;

/* store_agree_decline - agreement id declined at at_ms by the party named
 * by; of several declines the earliest (at_ms, then name) stands.  An id
 * not held changes nothing. */
status store_agree_decline(struct store *st, const char *id, int64_t at_ms,
    const char *by) WUR;
/* store_agree_end - agreement id ends at ends_ms, unless it ends earlier
 * already (a second notice keeps the earliest end). */
status store_agree_end(struct store *st, const char *id, int64_t ends_ms) WUR;
/* store_agree_supersede - agreement id superseded from from_ms, unless it
 * is from earlier already. */
status store_agree_supersede(struct store *st, const char *id, int64_t from_ms) WUR;

/* A signed act on an agreement. */
struct store_agree_act {
	const char *agreement;	/* the agreement's id; it is held */
	const char *kind;	/* "decline" or "terminate" */
	const char *by_kid;	/* the signer's key id */
	const char *jws;	/* the act, exactly as signed */
	int64_t at_ms;		/* the act's own time */
	int64_t kept_ms;	/* when this node kept it */
	const char *acked;	/* the parties that took it from us, comma-separated */
	const char *parties;	/* read only: the agreement's parties, as its row has them */
};
typedef int (*store_agree_act_cb)(void *arg, const struct store_agree_act *t);

/* store_agree_act_add - keep act t (kept_ms, acked, parties ignored)
 * at now_ms; the same JWS again is kept once.  *added (may be NULL) is 1
 * when it is new.  ST_NOTFOUND when its agreement is not held. */
status store_agree_act_add(struct store *st, const struct store_agree_act *t, int64_t now_ms,
    int *added) WUR;
/* store_agree_act_list - the acts on agreement (NULL: on every agreement),
 * in the order they were kept (ST_OK if none). */
status store_agree_act_list(struct store *st, const char *agreement, store_agree_act_cb cb,
    void *arg) WUR;
/* store_agree_act_acked - the party named party took the act jws (one
 * kept; another changes nothing). */
status store_agree_act_acked(struct store *st, const char *jws, const char *party) WUR;

#endif
