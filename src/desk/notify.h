/* notify.h - the desk's events, delivered to people through the operator's
 * notify command (parley config set notify_cmd PATH): the one way a desk
 * event leaves parley.  parley never sends mail or SMS itself.
 *
 * Events are rows of the store (store_desk.h), queued by the desk in the
 * transaction that holds what they report, once per step (each has a
 * unique key).  The notifier runs the command for each pending one (no
 * shell; hook.h), the event as JSON on standard input and PARLEY_EVENT,
 * PARLEY_ID, PARLEY_PEER, PARLEY_PRIORITY, PARLEY_ROLE, PARLEY_OFFICER in
 * its environment, at most NOTIFY_RUNNING at once, each for at most the
 * configured notify_timeout_ms.  An event is done when the command exits
 * 0; otherwise it is tried again later (1 s, doubling, at most
 * NOTIFY_RETRY_MAX_MS apart), across restarts, since the queue is the
 * store's.  With no notify_cmd set, events are marked done at once, with
 * the note that none was set: they stay listed (parley desk --events) and
 * are not replayed to a command set later.
 */
#ifndef PARLEY_NOTIFY_H
#define PARLEY_NOTIFY_H

#include <event2/event.h>

#include "node/node.h"
#include "util/status.h"

#define NOTIFY_RUNNING 4
#define NOTIFY_RETRY_MAX_MS (5 * 60 * 1000)

struct notify;

/* notify_new - the notifier of node n, on base; it looks at the queue at
 * once (events left by a previous run). */
status notify_new(struct event_base *base, struct node *n, struct notify **out) WUR;
/* notify_free - NULL is a no-op; kills commands still running. */
void notify_free(struct notify *t);
/* notify_kick - events may have been queued: look on the next turn of the
 * loop (after the transaction that queued them has committed). */
void notify_kick(struct notify *t);

#endif
