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
};

/* store_intel_put - keep one version of an object, by the rules above, at
 * now_ms; *out (may be NULL) says what was done.  ST_INVALID when a field
 * is empty or over its limit (nothing kept).  Call it inside store_begin
 * and store_commit: one import, one transaction. */
status store_intel_put(struct store *st, const struct store_intel_in *in, int64_t now_ms,
    enum store_intel_outcome *out) WUR;
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
/* store_intel_count - *n: the versions in collection (NULL: all), the
 * current ones only when current_only. */
status store_intel_count(struct store *st, const char *collection, int current_only,
    int64_t *n) WUR;

#endif
