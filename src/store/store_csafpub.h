/* store_csafpub.h - what the CSAF trusted provider keeps (issue 17;
 * docs/CSAF_PROVIDER.md): its publications - an advisory version
 * (store_advisory.h) made available at a path of the provider's
 * directory, with the hashes and the detached OpenPGP signature made when
 * it was published - and its users (the TLP labels each may read, the
 * SHA-256 hashes of their bearer tokens; never a token).  Rules for rows
 * and callbacks are in store.h.
 *
 * A publication is listed until it is withdrawn (withdrawn_ms set, the
 * row kept); at most one listed publication holds a path, so a newer
 * version of an advisory takes the older one's place.
 */
#ifndef PARLEY_STORE_CSAFPUB_H
#define PARLEY_STORE_CSAFPUB_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;

#define STORE_CSAFPUB_HASH 32		/* bytes of a token's SHA-256 */
#define STORE_CSAFPUB_NAME_MAX 63	/* characters of a user's name */
#define STORE_CSAFPUB_TLP_MAX 64	/* "GREEN,AMBER,RED" and the like */
#define STORE_CSAFPUB_PATH_MAX 300	/* "<tlp>/<year>/<filename>" */
#define STORE_CSAFPUB_SIG_MAX 16384	/* an ASCII-armoured signature */
#define STORE_CSAFPUB_DATE_MAX 40	/* a release date as written */

/* One publication, with what the advisory version says of itself.
 * Strings and doc are valid during the callback only; doc is NULL
 * (doc_len 0) in listings that leave it out. */
struct store_csafpub_doc {
	int64_t seq;		/* the publication's sequence, from 1 */
	int64_t advisory;	/* its store_advisory row */
	int64_t published_ms;
	int64_t withdrawn_ms;	/* 0: listed */
	const char *path;	/* "white/2024/example_-_2024-001.json" */
	const char *sha256, *sha512;	/* lower-case hex of doc */
	const char *sig;	/* the detached ASCII-armoured OpenPGP signature */
	/* tracking.initial_release_date and current_release_date as the
	 * document writes them ("": not kept; then from the ms below) */
	const char *initial, *current;
	/* the advisory version's (read only; ignored by store_csafpub_add) */
	const char *tracking, *version, *title, *tlp;
	int64_t origin, initial_ms, current_ms;
	const char *doc;
	size_t doc_len;
};
typedef int (*store_csafpub_doc_cb)(void *arg, const struct store_csafpub_doc *d);

/* store_csafpub_add - keep publication d (d->seq and the advisory's fields
 * ignored; withdrawn_ms must be 0) and set *seq to its sequence.
 * ST_EXISTS when a listed publication holds d->path; ST_INVALID for a
 * string over its limit or an empty one.  Call in a transaction with the
 * withdrawal of what it replaces. */
status store_csafpub_add(struct store *st, const struct store_csafpub_doc *d,
    int64_t *seq) WUR;
/* store_csafpub_withdraw - mark publication seq withdrawn at ms; ST_NOTFOUND
 * when it is not listed. */
status store_csafpub_withdraw(struct store *st, int64_t seq, int64_t ms) WUR;
/* store_csafpub_listed - every listed publication, without documents,
 * in the order published; ST_OK when there are none. */
status store_csafpub_listed(struct store *st, store_csafpub_doc_cb cb, void *arg) WUR;
/* store_csafpub_at - the listed publication at path, with its document;
 * ST_NOTFOUND when none. */
status store_csafpub_at(struct store *st, const char *path, store_csafpub_doc_cb cb,
    void *arg) WUR;
/* store_csafpub_of - the listed publications of tracking id tracking,
 * without documents; ST_NOTFOUND when none. */
status store_csafpub_of(struct store *st, const char *tracking, store_csafpub_doc_cb cb,
    void *arg) WUR;
/* store_csafpub_changed - the last time a publication under prefix
 * ("white/") was made or withdrawn, 0 when never. */
status store_csafpub_changed(struct store *st, const char *prefix, int64_t *ms) WUR;
/* store_csafpub_count - publications ever made (withdrawn ones too). */
status store_csafpub_count(struct store *st, int64_t *n) WUR;

/* One user.  Strings are valid during the callback only. */
struct store_csafpub_user {
	const char *name;
	const char *tlp;	/* the labels they may read: "GREEN,AMBER" */
	int64_t added_ms;
};
typedef int (*store_csafpub_user_cb)(void *arg, const struct store_csafpub_user *u);

/* store_csafpub_user_add - keep u and its one token's hash, in one
 * transaction; ST_EXISTS when the name is taken, ST_INVALID for a field
 * over its limit or an empty name. */
status store_csafpub_user_add(struct store *st, const struct store_csafpub_user *u,
    const uint8_t hash[static STORE_CSAFPUB_HASH]) WUR;
/* store_csafpub_user_get - the user called name; ST_NOTFOUND when none. */
status store_csafpub_user_get(struct store *st, const char *name,
    store_csafpub_user_cb cb, void *arg) WUR;
/* store_csafpub_user_list - every user by name; ST_OK when there are none. */
status store_csafpub_user_list(struct store *st, store_csafpub_user_cb cb, void *arg) WUR;
/* store_csafpub_user_remove - the user called name and their tokens, in
 * one transaction; ST_NOTFOUND when none. */
status store_csafpub_user_remove(struct store *st, const char *name) WUR;
/* store_csafpub_tokens - every token's hash and user, for a comparison
 * that looks at all of them (no lookup by the secret). */
typedef int (*store_csafpub_token_cb)(void *arg, const uint8_t *hash, const char *user);
status store_csafpub_tokens(struct store *st, store_csafpub_token_cb cb, void *arg) WUR;

#endif
