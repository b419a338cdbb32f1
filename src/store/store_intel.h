/* store_intel.h - STIX 2.1 objects a node keeps, every version of each
 * (issue 16; docs/STIX.md, "Where objects are kept"; the rules for rows
 * and callbacks are in store.h).
 *
 * A version is (collection, id, version_ms): version_ms is "modified" in
 * milliseconds, or 0 for an object that is not versioned (an SCO without
 * "modified", a marking-definition).  Within a collection each id has one
 * current version, the newest held; the others are its history.  The
 * same version with other content is kept beside the first, both
 * flagged as a conflict; the first stays current.  Every row has an
 * added sequence number that only grows, and an added time that never
 * goes back within a collection, so (added_ms, seq) is a cursor that
 * neither skips nor repeats a row.
 *
 * The store takes the fields from the caller (fmt/stix.h reads them) and
 * trusts them to be an object's; it checks only their sizes.
 */
#ifndef PARLEY_STORE_INTEL_H
#define PARLEY_STORE_INTEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;

#define STORE_INTEL_HASH 32		/* bytes of an object's SHA-256 */
#define STORE_INTEL_ID_MAX 288		/* characters of an id (fmt/stix.h STIX_ID_MAX) */
#define STORE_INTEL_TYPE_MAX 250	/* characters of a type */
#define STORE_INTEL_TEXT_MAX 64		/* characters of modified, tlp, collection */
#define STORE_INTEL_JSON_MAX (64u * 1024 * 1024)	/* bytes of one object */

/* What store_intel_put did with an object. */
enum store_intel_outcome {
	STORE_INTEL_NEW,	/* the first version of its id held: kept, current */
	STORE_INTEL_NEWER,	/* newer than the current version: kept, now current */
	STORE_INTEL_SAME,	/* this version with this content is held: nothing done */
	STORE_INTEL_CONFLICT,	/* this version is held with other content: kept
				 * beside it, both flagged; the first stays current */
	STORE_INTEL_OLDER	/* older than the current version: kept as history */
};

/* One object version to keep. */
struct store_intel_in {
	const char *collection;	/* "local": the node's own */
	int64_t origin;		/* 0: this node; else the peer it came from */
	const char *id, *type;
	const char *modified;	/* as written; "" when not versioned */
	int64_t version_ms;	/* modified in ms; 0 when not versioned */
	const char *tlp;	/* its TLP label as fmt/stix.h names it ("none") */
	int revoked;
	const void *json;	/* the object's JSON text */
	size_t json_len;
	const char *batch;	/* the batch it came in (from:PEER); NULL or "": none */
	int64_t leaf;		/* its place in that batch */
};

/* store_intel_put - keep one version of an object, by the rules above, at
 * now_ms; *out (may be NULL) says what was done.  ST_INVALID when a field
 * is empty or over its limit (nothing kept).  Call it inside store_begin
 * and store_commit: one import, one transaction. */
status store_intel_put(struct store *st, const struct store_intel_in *in, int64_t now_ms,
    enum store_intel_outcome *out) WUR;
/* store_intel_put_seq - as store_intel_put; *seq gets the row's added
 * sequence number (0 when SAME: nothing was kept). */
status store_intel_put_seq(struct store *st, const struct store_intel_in *in, int64_t now_ms,
    enum store_intel_outcome *out, int64_t *seq) WUR;
/* store_intel_outcome_name - "new", "newer", "same", "conflict", "older";
 * "?" out of range. */
const char *store_intel_outcome_name(enum store_intel_outcome o);

/* One version as kept.  Pointers are valid during the callback only. */
struct store_intel_obj {
	int64_t seq;		/* the added sequence number */
	const char *collection;
	int64_t origin;
	const char *id, *type, *modified;
	int64_t version_ms;
	const char *tlp;
	int revoked;
	int conflict;		/* another content of this version is held */
	int current;		/* the version of its id in force */
	const uint8_t *json;	/* not NUL-terminated */
	size_t json_len;
	const uint8_t *hash;	/* SHA-256 of json, STORE_INTEL_HASH bytes */
	int64_t added_ms;
	const char *batch;	/* the batch it left or came in, "" when none (yet) */
	int64_t leaf;		/* its place there */
};
typedef int (*store_intel_cb)(void *arg, const struct store_intel_obj *o);

/* What store_intel_list returns; a NULL string or -1 matches any. */
struct store_intel_filter {
	const char *collection;
	int64_t origin;		/* -1: any */
	const char *type;
	int current_only;
	int64_t after_ms, after_seq;	/* only rows added after (after_ms, after_seq);
					 * (0, 0): from the first */
	int64_t limit;		/* rows at most; 0: no limit */
};

/* store_intel_list - the versions f selects, by (added_ms, seq); ST_OK
 * when there are none. */
status store_intel_list(struct store *st, const struct store_intel_filter *f,
    store_intel_cb cb, void *arg) WUR;
/* store_intel_get - id's current version in collection, or every version
 * held (all != 0) by version then seq; ST_NOTFOUND when none is held. */
status store_intel_get(struct store *st, const char *collection, const char *id, int all,
    store_intel_cb cb, void *arg) WUR;
/* What store_intel_query returns: the rows of one collection after a
 * cursor, in (added_ms, seq) order, matched as TAXII 2.1 matches
 * (fmt/taxiireq.h reads the filters). */
struct store_intel_query {
	const char *collection;
	int64_t after_ms, after_seq;	/* rows added after (after_ms, after_seq) */
	const char *ids, *types;	/* JSON arrays of strings; NULL: any */
	unsigned versions;	/* bits: 1 current, 2 each id's oldest, 4 all,
				 * 8 the version_ms listed in version_ms */
	const char *version_ms;	/* a JSON array of integers; with bit 8 */
	int64_t limit;		/* rows at most; 0: no limit */
};

/* store_intel_query - the versions q selects, by (added_ms, seq); ST_OK
 * when there are none. */
status store_intel_query(struct store *st, const struct store_intel_query *q,
    store_intel_cb cb, void *arg) WUR;
/* store_intel_delete - remove every version of id from collection (TAXII's
 * DELETE; nothing else removes a version); *n (may be NULL) gets how
 * many.  ST_NOTFOUND when none was held. */
status store_intel_delete(struct store *st, const char *collection, const char *id,
    int64_t *n) WUR;

/* store_intel_put_stix - keep the accepted object o (fmt/stix.h) read from
 * a document in collection, as from origin (0: this node), at now_ms: its
 * canonical text (compact, members sorted, so one object hashes the same
 * from a bundle, an envelope or alone) with its version and TLP label.
 * Errors as store_intel_put, and ST_NOMEM.  Inside a transaction. */
struct stix_obj;
status store_intel_put_stix(struct store *st, const char *collection, int64_t origin,
    const struct stix_obj *o, int64_t now_ms, enum store_intel_outcome *out) WUR;

/* store_intel_count - *n: the versions in collection (NULL: all), the
 * current ones only when current_only. */
status store_intel_count(struct store *st, const char *collection, int current_only,
    int64_t *n) WUR;

/* ---- sharing with peers (schema 13; intel/intel.h) ---- */

enum store_intel_batch_state {
	STORE_BATCH_STAGING,	/* made with its rows: to be staged at the peer */
	STORE_BATCH_SENT,	/* staged, its message queued (msg) */
	STORE_BATCH_DELIVERED,	/* the message's receipt is kept */
	STORE_BATCH_RECEIVED	/* a peer's batch, taken in with its message */
};
/* A batch, as made or received. */
struct store_intel_batch {
	const char *id;		/* a UUIDv7 */
	int64_t peer_id;
	int64_t n;
	const uint8_t *root;	/* 32 bytes */
	const uint8_t *leaves;	/* n * 32 bytes */
	const char *tlp;	/* the highest label of its objects */
	enum store_intel_batch_state state;
	const char *msg;	/* its message's id, "" while staging */
	int64_t made_ms;
};
typedef int (*store_intel_batch_cb)(void *arg, const struct store_intel_batch *b);
/* store_intel_batch_add - keep b (its rows name it and their leaf from
 * their put: store_intel_in.batch).  ST_EXISTS when b->id is held. */
status store_intel_batch_add(struct store *st, const struct store_intel_batch *b) WUR;
/* store_intel_batch_set - batch id's state and message id. */
status store_intel_batch_set(struct store *st, const char *id,
    enum store_intel_batch_state state, const char *msg) WUR;
/* store_intel_batch_get - batch id (by its id, or, by_msg, by its
 * message's id).  ST_NOTFOUND when none. */
status store_intel_batch_get(struct store *st, const char *id, int by_msg,
    store_intel_batch_cb cb, void *arg) WUR;
/* store_intel_batches - every batch in state, oldest first. */
status store_intel_batches(struct store *st, enum store_intel_batch_state state,
    store_intel_batch_cb cb, void *arg) WUR;
/* store_intel_batch_objs - the rows of batch id in collection, by leaf. */
status store_intel_batch_objs(struct store *st, const char *collection, const char *id,
    store_intel_cb cb, void *arg) WUR;

/* store_intel_stage_put - keep a peer's staged batch (its stage text, as
 * posted); the same (peer, batch) again is a no-op. */
status store_intel_stage_put(struct store *st, int64_t peer_id, const char *batch,
    const void *stage, size_t len, int64_t now_ms) WUR;
/* store_intel_stage_get - fn with the stage of (peer_id, batch);
 * ST_NOTFOUND when none.  The bytes are valid during the call only. */
status store_intel_stage_get(struct store *st, int64_t peer_id, const char *batch,
    void (*fn)(void *arg, const void *stage, size_t len), void *arg) WUR;
/* store_intel_stage_head - as store_intel_stage_get for the stage's first
 * line alone (its manifest), read without the rest. */
status store_intel_stage_head(struct store *st, int64_t peer_id, const char *batch,
    void (*fn)(void *arg, const void *head, size_t len), void *arg) WUR;
/* store_intel_stage_del - forget it (after its message was taken in),
 * and every stage older than before_ms (a sender that never followed). */
status store_intel_stage_del(struct store *st, int64_t peer_id, const char *batch,
    int64_t before_ms) WUR;

/* store_intel_versions - (id, version_ms, hash) of every row of
 * collection, by id, version and hash; delivered_only: only rows whose
 * batch is delivered (to:PEER). */
typedef int (*store_intel_version_cb)(void *arg, const char *id, int64_t version_ms,
    const uint8_t *hash);
status store_intel_versions(struct store *st, const char *collection, int delivered_only,
    store_intel_version_cb cb, void *arg) WUR;
/* store_intel_state - *state of the row (collection, id, version_ms,
 * hash)'s batch; -1 when it is in none yet.  ST_NOTFOUND: no such row. */
status store_intel_state(struct store *st, const char *collection, const char *id,
    int64_t version_ms, const uint8_t hash[static STORE_INTEL_HASH], int *state) WUR;

/* A refusal: an object that did not leave for a peer (the rules), or
 * that a peer sent and this node did not keep (inbound). */
struct store_intel_refusal {
	int64_t seq, at_ms, peer_id;
	int inbound;
	const char *id;		/* the object's id, or "objects[N]" */
	const char *why;	/* the clause or the problem */
};
/* store_intel_refuse - keep r (its seq is the store's). */
status store_intel_refuse(struct store *st, const struct store_intel_refusal *r) WUR;
/* store_intel_refusals - the refusals after after_seq, oldest first, at
 * most limit (0: all). */
status store_intel_refusals(struct store *st, int64_t after_seq, int64_t limit,
    int (*cb)(void *arg, const struct store_intel_refusal *r), void *arg) WUR;

#endif
