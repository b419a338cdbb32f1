/* text.h - text from peers and users made safe for a person to read.
 *
 * A subject, a body, a refusal reason or an alarm can carry terminal
 * escape sequences, carriage returns, newlines or Unicode bidirectional
 * overrides that redraw an operator's screen, forge a line of a log, or
 * reorder what is read.  Everything a person reads passes text_escape;
 * --json output does not (JSON escapes for itself).
 */
#ifndef PARLEY_TEXT_H
#define PARLEY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TEXT_QUOTED 1u	/* in double quotes, with '"' and '\\' escaped */
#define TEXT_LINES 2u	/* '\n' kept as a line break (a body) */

/* text_shown - 0 for a code point that could forge or reorder lines when
 * printed: C0 and C1 controls, DEL, Unicode format and bidi controls, line
 * and paragraph separators. */
int text_shown(uint32_t cp);
/* text_utf8 - the length of the UTF-8 sequence at p[0..n) (n > 0; shortest
 * form, no surrogates, at most U+10FFFF) and its code point in *cp; 0 when
 * it is not one. */
size_t text_utf8(const unsigned char *p, size_t n, uint32_t *cp);
/* text_utf8_prefix - the length of the longest prefix of s[0..n) that is
 * whole UTF-8 characters (text_utf8): where to cut text that must stay
 * UTF-8 (a JSON string, a subject) at or before n bytes. */
size_t text_utf8_prefix(const char *s, size_t n);
/* text_escape - append s[0..n) to out with what text_shown refuses written
 * as \uXXXX (\n, \t, \r by name), bytes that are not UTF-8 as \xHH, and as
 * flags say; text without such characters is appended unchanged.  ST_TOOBIG
 * when out's maximum is reached (out then holds a prefix). */
status text_escape(struct buf *out, const char *s, size_t n, unsigned flags) WUR;

#endif
