/* console_int.h - what the console's pages share; not for use outside
 * src/console/.  console.c owns the struct console, the sessions, signing
 * in and out and the live stream; each page is a file of its own (board.c,
 * msgview.c, compose.c, checkpage.c, peerpage.c) that registers its routes
 * with console_route and answers through the helpers below.
 *
 * A page handler starts with console_enter: it gives the signed-in
 * session, or has answered already (to the sign-in page, or 403 for a
 * change without the session's CSRF token) and gives NULL.
 */
#ifndef PARLEY_CONSOLE_INT_H
#define PARLEY_CONSOLE_INT_H

#include "console/console.h"
#include "fmt/card.h"
#include "fmt/template.h"
#include "util/buf.h"

#define CONSOLE_TOKEN_LEN 44	/* base64url of 32 bytes, + NUL */

struct console_session {
	char token[CONSOLE_TOKEN_LEN];
	char csrf[CONSOLE_TOKEN_LEN];
	char officer[CARD_NAME_MAX + 1];
	enum template_lang lang;	/* what the pages speak to the officer */
	int64_t last_ms;	/* 0: free */
};

struct console;

/* console_node, _link, _agree, _desk - what the console acts through. */
struct node *console_node(const struct console *c);
struct link_engine *console_link(const struct console *c);
struct agree *console_agree(const struct console *c);
struct desk *console_desk(const struct console *c);

/* console_route - a route on the console's listener (http_route). */
status console_route(struct console *c, unsigned methods, const char *pattern,
    size_t body_max, void (*fn)(void *arg, struct http_req *r), void *arg) WUR;
/* console_version - how many times the desk has changed since start: a
 * page made at one count is current until it moves. */
uint64_t console_version(const struct console *c);

/* console_enter - the session of r, or NULL when there is none (a GET is
 * sent to /signin, anything else refused 401) or when change is set and
 * the form's csrf field is not the session's token (403).  NULL: r has
 * been answered, and r is freed: read nothing of it after. */
struct console_session *console_enter(struct console *c, struct http_req *r, int change);

/* console_html - answer r with the page b (st: its status) and the
 * console's security headers. */
void console_html(struct http_req *r, status st, const struct buf *b);
/* console_see_other - 303 to where (a path of the console). */
void console_see_other(struct http_req *r, const char *where);
/* console_fail - answer r with a page saying why (escaped), status st
 * (an error status), for a request the console refuses. */
void console_fail(struct http_req *r, const struct console_session *s, status st,
    const char *why);
/* console_secure - the security headers every reply carries, set on r. */
status console_secure(struct http_req *r) WUR;

/* console_changed - tell every open page that the desk changed (the board
 * reloads what it shows): for a page that changed something the desk does
 * not watch. */
void console_changed(struct console *c);

/* Pages: each registers its routes when the console starts (console_new
 * calls them in turn; a page with state of its own has a _free). */
struct board;
/* board_new - the board of c (/board, /ack) into *out. */
status board_new(struct console *c, struct board **out) WUR;
void board_free(struct board *bd);
struct msgview;
/* msgview_new - the message page of c (/message/ID, its evidence) into
 * *out; msgview_free answers the downloads still waiting. */
status msgview_new(struct console *c, struct msgview **out) WUR;
void msgview_free(struct msgview *v);
/* compose_routes - composing and sending: /compose. */
status compose_routes(struct console *c) WUR;
/* checkpage_routes - the checks page: /checks, running one. */
status checkpage_routes(struct console *c) WUR;
/* peerpage_routes - the peers page: /peers. */
status peerpage_routes(struct console *c) WUR;

/* advview_render - the CSAF advisory doc[0..len) as the message page
 * shows it (advview.c), appended to b in language l.  Errors of csaf_read
 * (ST_PARSE, ST_INVALID, ST_TOOBIG) before anything is appended; then
 * b's. */
status advview_render(struct buf *b, const char *doc, size_t len, enum template_lang l) WUR;

#endif
