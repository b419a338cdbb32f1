/* status.h - the one result type of parley.
 *
 * Every fallible function returns a status; 0 is success, so callers write
 * `if (rc) return rc;` and pass the value upward unchanged.
 */
#ifndef PARLEY_STATUS_H
#define PARLEY_STATUS_H

#define WUR __attribute__((warn_unused_result))

typedef enum status {
	ST_OK = 0,
	ST_NOMEM,	/* allocation failed */
	ST_IO,		/* a system call on a file or socket failed */
	ST_PARSE,	/* input is not well formed (JSON, JWS, base64, config) */
	ST_INVALID,	/* well formed, but a field is missing or out of range */
	ST_BADSIG,	/* a signature does not verify */
	ST_UNKNOWN_KEY,	/* signer or TLS key is not pinned, or not the one expected */
	ST_RECIPIENT,	/* a statement is addressed to another node */
	ST_LINK,	/* the link is not agreed with that peer */
	ST_REPLAY,	/* sequence number already used by a different statement */
	ST_ORDER,	/* sequence number ahead of the next one expected */
	ST_TOOBIG,	/* input exceeds a configured limit */
	ST_NOTFOUND,	/* no such message, peer or file */
	ST_EXISTS,	/* refusing to overwrite something that exists */
	ST_DB,		/* the store failed (any other SQLite error) */
	ST_CRYPTO,	/* a crypto or TLS library call failed */
	ST_DOWN,	/* the daemon or peer is not reachable */
	ST_TIMEOUT,	/* a deadline passed */
	ST_CONFLICT,	/* state disagrees with a peer's (stale size, rollback) */
	ST_FORK,	/* a signed history inconsistent with one already held */
	ST_FULL,	/* out of storage: disk full or quota (SQLITE_FULL, ENOSPC, EDQUOT) */
	ST_CORRUPT,	/* the store is damaged (SQLITE_CORRUPT, SQLITE_NOTADB) */
	ST_BREACH,	/* a message the agreement in force does not allow */
	ST_BUSY,	/* at capacity now; the caller retries later */
	ST_SEE_OTHER,	/* not an error: the answer is elsewhere (a page's redirect) */
	ST_UNAUTHORIZED,	/* who is asking is not known: sign in first, or again */
	ST_FORBIDDEN,	/* known, but this request is refused (a form without its token) */
	ST_LIMITED,	/* too many attempts: wait before trying again */
	ST_NOT_ACCEPTABLE,	/* no answer in a media type the caller accepts */
	ST_MEDIA_TYPE,	/* a body in a media type the resource does not take */
	ST_ACCEPTED,	/* not an error: taken, and its outcome is told later (TAXII's status) */
	ST__COUNT
} status;

/* status_str - a short lowercase phrase for rc; never NULL. */
const char *status_str(status rc);

#endif
