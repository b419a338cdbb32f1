/* store_advisory.h - CSAF 2.0 advisories (issue 17; docs/CSAF.md): every
 * version of each, as imported here or received from a peer, with the
 * document's bytes exactly as they came; and per advisory version, which
 * peers it was sent to and in which message.  Rules for rows and callbacks
 * are in store.h.
 *
 * An advisory is one version of one document: (origin, namespace,
 * tracking id, version) is unique.  origin is 0 for this node's own (parley
 * advisory import), else the store id of the peer it came from.  What
 * became of a sent one (its receipt, its acknowledgement) is the desk's
 * item of the message (store_desk.h), found by the message id kept here.
 */
#ifndef PARLEY_STORE_ADVISORY_H
#define PARLEY_STORE_ADVISORY_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;

#define STORE_ADVISORY_HASH 32		/* bytes of a document's SHA-256 */
#define STORE_ADVISORY_TEXT_MAX 1000	/* bytes of tracking id, version, title... */
#define STORE_ADVISORY_DOC_MAX (16u * 1024 * 1024)	/* fmt/csaf.h's CSAF_BYTES_MAX */

/* One advisory version.  Strings and doc are valid during the callback
 * only; doc is NULL (doc_len 0) in listings that leave it out. */
struct store_advisory {
	int64_t row;		/* the store's id of this version */
	int64_t origin;		/* 0: ours; else the peer it came from */
	const char *ns;		/* document.publisher.namespace */
	const char *tracking;	/* document.tracking.id */
	const char *version;	/* document.tracking.version */
	const char *title;
	const char *status;	/* final, interim, draft */
	const char *tlp;	/* CSAF's label: WHITE, GREEN, AMBER, RED; "" none */
	const char *publisher;	/* document.publisher.name */
	int64_t initial_ms, current_ms;	/* the tracking's release dates */
	int64_t added_ms;	/* when this node kept it */
	const char *msg;	/* received: the message it came in; "" ours */
	const char *doc;
	size_t doc_len;
	const uint8_t *sha256;	/* of doc; STORE_ADVISORY_HASH bytes */
};
typedef int (*store_advisory_cb)(void *arg, const struct store_advisory *a);

/* store_advisory_add - keep a (a->row ignored) and set *row to its id.
 * ST_EXISTS, with *row the version held, when (origin, ns, tracking,
 * version) is held already (its bytes are not compared: the caller does);
 * ST_INVALID for a string over STORE_ADVISORY_TEXT_MAX or a document over
 * STORE_ADVISORY_DOC_MAX. */
status store_advisory_add(struct store *st, const struct store_advisory *a, int64_t *row) WUR;
/* store_advisory_get - the version whose id is row, with its document;
 * ST_NOTFOUND when none. */
status store_advisory_get(struct store *st, int64_t row, store_advisory_cb cb, void *arg) WUR;
/* store_advisory_find - the versions of tracking id tracking, with their
 * documents: of origin (-1: any), version (NULL: every one); oldest kept
 * first.  ST_NOTFOUND when none. */
status store_advisory_find(struct store *st, const char *tracking, int64_t origin,
    const char *version, store_advisory_cb cb, void *arg) WUR;
/* store_advisory_by_msg - the version received in message msg, or sent
 * in it; ST_NOTFOUND when none. */
status store_advisory_by_msg(struct store *st, const char *msg, store_advisory_cb cb,
    void *arg) WUR;
/* store_advisory_list - every version of origin (-1: any), without
 * documents, newest kept first; ST_OK when there are none. */
status store_advisory_list(struct store *st, int64_t origin, store_advisory_cb cb,
    void *arg) WUR;

/* One sending of an advisory version to a peer. */
struct store_advisory_sent {
	int64_t advisory;	/* its row */
	int64_t peer_id;
	const char *msg;	/* the message that carried it */
	int64_t queued_ms;
};
typedef int (*store_advisory_sent_cb)(void *arg, const struct store_advisory_sent *s);

/* store_advisory_sent_add - keep s; ST_EXISTS when that version was sent
 * to that peer already. */
status store_advisory_sent_add(struct store *st, const struct store_advisory_sent *s) WUR;
/* store_advisory_sent_list - every sending of version row, oldest first;
 * ST_OK when there are none. */
status store_advisory_sent_list(struct store *st, int64_t row, store_advisory_sent_cb cb,
    void *arg) WUR;
/* store_advisory_recipients - every sending of any version of our
 * (origin 0) advisory (ns, tracking), by peer, then in the order the
 * versions were kept (which need not be their tracking order: the caller
 * compares versions).  ST_OK when there are none. */
status store_advisory_recipients(struct store *st, const char *ns, const char *tracking,
    store_advisory_sent_cb cb, void *arg) WUR;

#endif
