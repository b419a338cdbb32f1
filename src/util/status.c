/* status.c - names for the status codes. */
#include "util/status.h"

static const char *const names[ST__COUNT] = {
	[ST_OK] = "ok",
	[ST_NOMEM] = "out of memory",
	[ST_IO] = "i/o error",
	[ST_PARSE] = "malformed input",
	[ST_INVALID] = "invalid field",
	[ST_BADSIG] = "bad signature",
	[ST_UNKNOWN_KEY] = "unknown or mismatched key",
	[ST_RECIPIENT] = "wrong recipient",
	[ST_LINK] = "unknown link",
	[ST_REPLAY] = "replayed sequence",
	[ST_ORDER] = "out-of-order sequence",
	[ST_TOOBIG] = "too large",
	[ST_NOTFOUND] = "not found",
	[ST_EXISTS] = "already exists",
	[ST_DB] = "store error",
	[ST_CRYPTO] = "crypto error",
	[ST_DOWN] = "not reachable",
	[ST_TIMEOUT] = "timed out",
	[ST_CONFLICT] = "conflicting state",
	[ST_FORK] = "inconsistent history (fork)",
	[ST_FULL] = "out of storage",
	[ST_CORRUPT] = "store damaged",
	[ST_BREACH] = "not allowed by the agreement in force",
	[ST_BUSY] = "busy, retry later",
	[ST_SEE_OTHER] = "see other",
	[ST_UNAUTHORIZED] = "not signed in, or the wrong credentials",
	[ST_FORBIDDEN] = "forbidden",
	[ST_LIMITED] = "too many attempts, wait",
	[ST_NOT_ACCEPTABLE] = "no acceptable media type",
	[ST_MEDIA_TYPE] = "unsupported media type",
	[ST_ACCEPTED] = "accepted",
};

const char *
status_str(status rc)
{
	if ((unsigned)rc >= ST__COUNT || names[rc] == 0)
		return "unknown status";
	return names[rc];
}
