/* jtext.h - JSON text written byte for byte as jansson 2.14's json_dumps
 * writes it, without its costs.
 *
 * What parley keeps and hashes as an object's bytes (a STIX object in the
 * store, its leaf in a batch) is json_dumps(j, JSON_COMPACT |
 * JSON_SORT_KEYS); jtext_sorted writes exactly those bytes into a buffer
 * the caller reuses, without json_dumps' per-container loop check (a
 * formatted pointer and a hash table insert each), its growing buffer and
 * its key array.  jtext_str writes one string as json_dumps does (no flag
 * that changes strings), for callers that write small JSON themselves.
 * Writing only: nothing here reads JSON text.
 */
#ifndef PARLEY_JTEXT_H
#define PARLEY_JTEXT_H

#include <stddef.h>

#include <jansson.h>

#include "util/buf.h"

/* jtext_sorted - append to out what json_dumps(j, JSON_COMPACT |
 * JSON_SORT_KEYS) returns, byte for byte (a tree holding a real, or a
 * string that is not UTF-8, is handed to json_dumps itself).  ST_NOMEM
 * where json_dumps returns NULL, ST_TOOBIG past out's maximum; out is
 * then as it was. */
status jtext_sorted(const json_t *j, struct buf *out) WUR;
/* jtext_str - append s[0..n) to out as a JSON string, quoted and escaped
 * as json_dumps writes it ('"', '\\' and controls escaped, \uXXXX in
 * capitals; other bytes as they are: s is the caller's UTF-8).  ST_TOOBIG,
 * ST_NOMEM; out is then as it was. */
status jtext_str(const char *s, size_t n, struct buf *out) WUR;

#endif
