/* taxiireq.h - what a TAXII 2.1 request brings (OASIS TAXII 2.1,
 * sections 1.6, 3.4 and 3.5): the filtering and paging query parameters,
 * the Accept and Content-Type media types, and the server's `next` token.
 *
 * The parameters of a collection's objects, manifest, object and versions
 * endpoints are read into a struct taxii_filter:
 *
 *   added_after=TIMESTAMP       rows added after it (RFC 3339, UTC)
 *   limit=N                     1..TAXII_LIMIT_MAX (default TAXII_LIMIT_DEFAULT)
 *   next=TOKEN                  a token this module made (taxiireq_next)
 *   match[id]=ID,...            these ids only
 *   match[type]=TYPE,...        these types only
 *   match[version]=V,...        "last" (default), "first", "all", or
 *                               TIMESTAMP (each a version's "modified")
 *   match[spec_version]=S,...   "2.1" matches; parley keeps only 2.1
 *
 * A next token is "MS.SEQ.TAG": the store's (added_ms, seq) cursor of the
 * last row given and TAG, 8 hex digits of the SHA-256 of the scope (what
 * is asked: endpoint, collection, object) and the filters; a token shown
 * with other filters or another scope is refused.  The limit is not in
 * the tag: a client may change its page size as it goes.  Pure: no I/O.
 */
#ifndef PARLEY_TAXIIREQ_H
#define PARLEY_TAXIIREQ_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define TAXII_MEDIA "application/taxii+json;version=2.1"
#define TAXII_LIMIT_MAX 1000
#define TAXII_LIMIT_DEFAULT 100
#define TAXII_MATCH_MAX 256	/* values in one match[...] list */
#define TAXII_VALUE_MAX 300	/* bytes of one value (an id is at most 288) */
#define TAXII_NEXT_MAX 64	/* bytes of a next token, with the NUL */
#define TAXII_WHY_MAX 256

/* match[version]'s words, as bits of taxii_filter.versions. */
#define TAXII_V_LAST 1u
#define TAXII_V_FIRST 2u
#define TAXII_V_ALL 4u
#define TAXII_V_EXACT 8u	/* version_ms lists the timestamps */

/* The query parameters as the request has them; NULL: absent. */
struct taxii_query {
	const char *added_after, *limit, *next;
	const char *match_id, *match_type, *match_version, *match_spec_version;
};

/* What they ask for.  ids, types and version_ms are JSON arrays as text
 * (the store reads them so), NULL when not filtered; the caller frees
 * them with taxiireq_filter_free. */
struct taxii_filter {
	int64_t after_ms, after_seq;	/* the cursor: rows added after it; (0, 0): all */
	int64_t limit;
	char *ids, *types, *version_ms;
	unsigned versions;	/* TAXII_V_* bits; never 0 */
	int none;		/* match[spec_version] excludes 2.1: nothing matches */
	char tag[9];		/* the filters' tag, for taxiireq_next */
};

/* taxiireq_filter - read q into *f for scope (a string naming what is
 * asked, e.g. "objects COLLECTION-ID"); dflt_versions is what an absent
 * match[version] means (TAXII_V_LAST for objects, TAXII_V_ALL for an
 * object's versions).  ST_INVALID (a value out of its rule; why names the
 * parameter) or ST_NOMEM, and then *f holds nothing to free. */
status taxiireq_filter(const struct taxii_query *q, const char *scope, unsigned dflt_versions,
    struct taxii_filter *f, char why[static TAXII_WHY_MAX]) WUR;
/* taxiireq_filter_free - release f's lists; f itself is the caller's. */
void taxiireq_filter_free(struct taxii_filter *f);

/* taxiireq_next - the next token for the row (added_ms, seq) under f's
 * filters, into out. */
void taxiireq_next(const struct taxii_filter *f, int64_t added_ms, int64_t seq,
    char out[static TAXII_NEXT_MAX]);

/* taxiireq_time - an RFC 3339 UTC timestamp with 0 to 9 digits of
 * fraction into milliseconds (digits past the millisecond dropped);
 * ST_INVALID otherwise. */
status taxiireq_time(const char *s, int64_t *ms) WUR;

/* taxiireq_accept - ST_OK when an answer in TAXII_MEDIA is acceptable to
 * an Accept header h (NULL: absent, so yes): a media range of
 * application/taxii+json (with no version, or 2.1), application/\*, or
 * \*\/\*, not given q=0; else ST_NOT_ACCEPTABLE. */
status taxiireq_accept(const char *h) WUR;
/* taxiireq_content_type - ST_OK when a Content-Type header h is
 * TAXII_MEDIA (type and parameter names in any case, spaces around ';'),
 * else ST_MEDIA_TYPE. */
status taxiireq_content_type(const char *h) WUR;

#endif
