/* tmpl.h - reading text that one of parley's own templates wrote.
 *
 * parley writes its statements and answers from fixed templates (members
 * in one order, no whitespace, strings escaped by envelope_json_str).  A
 * reader that walks the template takes such text in a fraction of the time
 * a jansson tree costs.  These are its steps, over a cursor: each takes
 * one piece of the template, or returns 0 and leaves the cursor where it
 * was.  A 0 is never a refusal: the caller hands the whole text to jansson,
 * which decides.  So a step takes only text whose meaning is plainly
 * jansson's: a string without escapes, of well-formed UTF-8 and no control
 * characters, which stands for its own bytes; an integer [1-9][0-9]{0,17}.
 */
#ifndef PARLEY_TMPL_H
#define PARLEY_TMPL_H

#include <stddef.h>
#include <stdint.h>

/* How a text is read.  TMPL_ANY: by the template reader when the text is
 * exactly as parley's template writes it, else by jansson (the daemon's
 * way); TMPL_JSON: by jansson alone; TMPL_FIXED: by the template reader
 * alone, ST_PARSE when it does not apply.  Wherever the template reader
 * applies, the three give the same answer: the last two are for tests and
 * the fuzz targets that check it. */
enum tmpl_how { TMPL_ANY, TMPL_JSON, TMPL_FIXED };

struct tmpl {
	const char *at, *end;	/* the text not read yet */
};

/* tmpl_lit - step over the literal s. */
int tmpl_lit(struct tmpl *t, const char *s);
/* tmpl_str - step over a JSON string that stands for its own bytes: *s
 * points at them (inside the text, not NUL-terminated), *n counts them. */
int tmpl_str(struct tmpl *t, const char **s, size_t *n);
/* tmpl_int - step over an integer [1-9][0-9]{0,17} (below 10^18, so in
 * jansson's range and never overflowing); *v is its value. */
int tmpl_int(struct tmpl *t, int64_t *v);
/* tmpl_done - 1 when the whole text has been read. */
int tmpl_done(const struct tmpl *t);
/* tmpl_utf8 - the length of the well-formed UTF-8 sequence (RFC 3629) that
 * starts with the non-ASCII byte at p, below end, or 0: no stray
 * continuation bytes, overlong forms, surrogates or code points past
 * U+10FFFF (as jansson). */
size_t tmpl_utf8(const unsigned char *p, const unsigned char *end);

#endif
