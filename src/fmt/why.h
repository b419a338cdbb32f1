/* why.h - the reasons a strict reader gives: "PATH: WHAT", in printable
 * ASCII, with text taken from the input quoted and cut, and the small
 * checks the strict readers share (fmt/agreement, fmt/agract, fmt/template,
 * fmt/roster, fmt/escalation, fmt/contacts).
 *
 * The readers of JSON below (why_load to why_choice) write a why of
 * WHY_MAX bytes and name what they refuse by its JSON path: "(top)" for
 * the document, "shifts[3].end" for a member.  Each returns ST_OK, or the
 * status the reader's contract names with why set.
 */
#ifndef PARLEY_WHY_H
#define PARLEY_WHY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/status.h"

#define WHY_SHOWN_MAX 32	/* bytes of input text quoted in a why */
#define WHY_MAX 256		/* bytes of a why the JSON readers below write */
#define WHY_PATH_MAX 128	/* bytes of a JSON path, cut with "..." past it */

/* why_fail - write "PATH: WHAT" (WHAT from fmt) into why[0..cap) and
 * return rc. */
status why_fail(char *why, size_t cap, status rc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* why_shown - s as it may appear in a why, in out: its first WHY_SHOWN_MAX
 * bytes, each outside printable ASCII (and each quote or backslash) as
 * '?', "..." after a cut, and "" (two quotes) for the empty string. */
const char *why_shown(const char *s, char out[static WHY_SHOWN_MAX + 4]);
/* why_kid_ok - 1 for a key id: 43 characters of canonical base64url of 32
 * bytes (an RFC 7638 thumbprint). */
int why_kid_ok(const char *s);
/* why_hex64_ok - 1 for exactly 64 lowercase hex digits (a SHA-256). */
int why_hex64_ok(const char *s);

/* why_control_at - the offset of the first control character in s[0..n)
 * (a byte under 0x20, or DEL; a newline is allowed when newline_ok), or n
 * when there is none: the rule of a text field (template.h). */
size_t why_control_at(const char *s, size_t n, int newline_ok);

/* why_path_key - parent.key into out ("key" alone when parent is ""), the
 * key shown as why_shown shows it. */
void why_path_key(char out[static WHY_PATH_MAX], const char *parent, const char *key);
/* why_path_idx - parent[i] into out. */
void why_path_idx(char out[static WHY_PATH_MAX], const char *parent, size_t i);

/* why_load - text[0..n) as a JSON object (a member twice refused) into
 * *root, the caller's to json_decref.  ST_TOOBIG over max bytes, ST_PARSE
 * for text that is not JSON or not an object, ST_NOMEM; *root NULL then. */
status why_load(const char *text, size_t n, size_t max, json_t **root,
    char why[static WHY_MAX]) WUR;
/* why_read - the frame of a strict reader: text[0..n) loaded as why_load
 * does (at most max bytes), then a new zeroed object of size bytes filled
 * from the root by fill(root, obj, ctx, why).  ST_OK with *out the object
 * (the caller's); else *out NULL, the object released with release, and
 * why set (ST_NOMEM: "(top): out of memory"). */
status why_read(const char *text, size_t n, size_t max, size_t size,
    status (*fill)(const json_t *root, void *obj, const void *ctx, char *why),
    const void *ctx, void (*release)(void *obj), void **out, char why[static WHY_MAX]) WUR;
/* why_members - v must be an object (ST_INVALID "PATH: not an object")
 * whose members are all in allowed (NULL-terminated); of the others, the
 * first in byte order is refused: "PATH.NAME: unknown member". */
status why_members(const json_t *v, const char *path, const char *const *allowed,
    char why[static WHY_MAX]) WUR;
/* why_need - o's member key into *v (borrowed), its path into p;
 * ST_INVALID "PATH: missing" when o has none. */
status why_need(const json_t *o, const char *parent, const char *key, const json_t **v,
    char p[static WHY_PATH_MAX], char why[static WHY_MAX]) WUR;
/* why_text - v must be a string of min..max bytes (UTF-8, as jansson
 * checks) without a control character (why_control_at); *s borrowed. */
status why_text(const json_t *v, const char *path, size_t min, size_t max, int newline_ok,
    const char **s, char why[static WHY_MAX]) WUR;
/* why_array - v must be an array of min..max elements. */
status why_array(const json_t *v, const char *path, size_t min, size_t max,
    char why[static WHY_MAX]) WUR;
/* why_time - v must be a string stamp_parse reads (RFC 3339 UTC); its
 * milliseconds into *ms. */
status why_time(const json_t *v, const char *path, int64_t *ms, char why[static WHY_MAX]) WUR;
/* why_index - the index of s in list (NULL-terminated), or -1: the one
 * lookup of a name among fixed names (roles, languages, steps). */
int why_index(const char *s, const char *const *list);
/* why_choice - v must be a string equal to one of list (NULL-terminated);
 * its index into *i.  Refused as "PATH: not one of A, B, C". */
status why_choice(const json_t *v, const char *path, const char *const *list, int *i,
    char why[static WHY_MAX]) WUR;

#endif
