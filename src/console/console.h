/* console.h - the duty console (issue 15): the desk's web page, served by
 * parleyd when console_listen is set (node/config.h): over HTTPS with the
 * node's server certificate, or plain HTTP on a loopback address.
 *
 * Officers sign in with the password set by `parley officer passwd`
 * (Argon2id, crypto/passwd.h) and, when one is set, a TOTP code
 * (crypto/totp.h).  A session is a random token in an HttpOnly,
 * SameSite=Strict cookie (Secure on HTTPS), ended by "Sign out" or after
 * CONSOLE_IDLE_MS without a request; every form that changes anything
 * carries the session's CSRF token.  Every page is sent with a strict
 * Content-Security-Policy (console/page.h) and no script inline.  Failed
 * sign-ins are logged and, after CONSOLE_FAILS_FREE of them for one
 * officer or one address, refused for a time that doubles with each
 * further failure.  What an officer does (sign in, acknowledge, send, sign
 * out) is logged with the officer's name; an acknowledgement is the same
 * signed statement as `parley ack` (desk_ack), a message sent the same as
 * `parley send --template --as` and a reply as `parley reply` (desk_send).
 */
#ifndef PARLEY_CONSOLE_H
#define PARLEY_CONSOLE_H

#include "agree/agree.h"
#include "desk/desk.h"
#include "link/link.h"
#include "net/http.h"
#include "node/node.h"

#define CONSOLE_IDLE_MS (15 * 60 * 1000)
#define CONSOLE_SESSIONS_MAX 256
#define CONSOLE_FAILS_FREE 3
#define CONSOLE_LOCK_MAX_MS (15 * 60 * 1000)

struct console;

/* console_new - the console of node n on h, acting through e (links,
 * evidence), g (agreements) and d (the desk); all borrowed: opens
 * the listener console_listen names (nothing, and *out NULL, when it is
 * ""), with the node's server certificate for https.  ST_INVALID (plain
 * HTTP not on loopback), ST_IO (cannot bind), errors of the TLS context. */
status console_new(struct http *h, struct node *n, struct link_engine *e, struct agree *g,
    struct desk *d, struct console **out) WUR;
/* console_free - NULL is a no-op. */
void console_free(struct console *c);

#endif
