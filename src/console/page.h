/* page.h - the duty console's HTML: the pages' frame, text from peers
 * made safe in HTML, and the stylesheet and script served with them (all
 * compiled in: nothing is fetched from elsewhere).  The script is a file
 * of its own, never inline, so the Content-Security-Policy allows no
 * inline script.
 */
#ifndef PARLEY_PAGE_H
#define PARLEY_PAGE_H

#include "fmt/template.h"
#include "util/buf.h"
#include "util/status.h"

/* The console's Content-Security-Policy: its own files only. */
#define PAGE_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';" \
    " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* page_text - append s (NULL: nothing) to out for HTML text or an attribute value: what
 * could reorder or forge a line made visible (util/text.h), then & < > "
 * and ' as entities. */
status page_text(struct buf *out, const char *s) WUR;
/* page_text_in - append open (raw HTML), s as page_text writes it, then
 * close (raw HTML): one element's escaped text. */
status page_text_in(struct buf *out, const char *open, const char *s, const char *close) WUR;
/* The page a frame is for, so that the navigation marks it. */
enum page_at { PAGE_SIGNIN, PAGE_BOARD, PAGE_MESSAGE, PAGE_COMPOSE, PAGE_CHECKS, PAGE_PEERS };

/* page_begin - the frame up to the page's own content, in language l:
 * first (raw HTML, NULL: none) as the page's first focusable thing, title
 * (escaped), the stylesheet and script, and, when officer is not NULL,
 * the header: the navigation (Board, New message, Checks, Peers), who is
 * signed in, the language form and "Sign out" (forms carrying csrf). */
status page_begin(struct buf *out, enum template_lang l, enum page_at at, const char *first,
    const char *title, const char *officer, const char *csrf) WUR;
/* page_csrf - a hidden csrf field with the token (escaped). */
status page_csrf(struct buf *out, const char *csrf) WUR;
/* page_word - en in language l from the frame's words (words.h). */
const char *page_word(enum template_lang l, const char *en);
/* page_end - the frame's end. */
status page_end(struct buf *out) WUR;

/* The compiled-in files: their text. */
extern const char page_css[];
extern const char page_js[];

#endif
